/**
 * One class night with every kind of attack at once (issue 26): a class folder
 * whose entries hold links to the solution, to a classmate, to a root-only
 * secret and to /dev/zero, a named pipe, a path past the path limit, exercise
 * cells that fill /dev/shm, start processes that are each under the
 * per-process limit and together over the budget, forge the execution report
 * and kill its runner, and a quiz answered from whatever files the sandbox
 * shows; beside honest students. Graded in one run, with the execution report
 * (a kernel run per notebook: seconds of CPU each), two jobs:
 *  - every honest student gets exactly the grade they get alone;
 *  - each code attack earns exactly what its honest twin (the same wrong
 *    exercise, without the attack) earns, and each intake attack nothing;
 *  - the secret appears in no output;
 *  - every output is written, one feedback page per student;
 *  - the run's peak memory, all sandboxes at once, stays within jobs × budget.
 * Shown once elsewhere, and not here: names that are 252 bytes long or hold a
 * newline (test/grading/intake.test.ts), a shared-memory hog in a graded cell
 * (test/grading/sandbox.test.ts, "a submission over its sandbox's memory
 * budget"), a cell with a syntax error in an executed notebook
 * (test/grading/grade.test.ts's class run).
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { declaredFunction } from "../../editions/editions";
import { cellText, readNotebook, toSource, writeNotebook, type Notebook } from "../../editions/notebook";
import { OUT, ROOT, sourceNotebook } from "../helpers/notebooks";
import { readGrades, runGrade, withExercise, type Entry, type Grades } from "../helpers/grading";
import { ESCAPE, fillDevShm, forgeReport, manyProcesses, tryAll } from "../helpers/attacks";

const SLUG = "06-backprop";
const NB = `${SLUG}.ipynb`;
const QUIZ_SLUG = "03-activations";
const SECRET = `CLASSNIGHT-SECRET-${process.pid}`;
/** Wrong on purpose (twice the forward difference): the honest twin of every code attack. */
const WRONG = "    return (f(w + eps) - f(w - eps)) / eps;";
const wrongWith = (attack: string): string => `${attack}\nfunction numericalDerivative(f: (w: number) => number, w: number, eps: number = 0.001): number {\n${WRONG}\n}`;
/** Options every run here uses: a smaller heap, so that four processes of 600 MB are over the sandbox's budget. */
const LIMITS = ["--memory", "768", "--check-timeout", "20", "--cell-timeout", "60"];

const solution = (): Notebook => readNotebook(sourceNotebook(SLUG));
const withNumerical = (code: string): Notebook => withExercise(solution(), "numericalDerivative", code);

/** Lesson 03 with only its setup, exercise and check cells, and its quiz answer cell replaced. */
function quizNotebook(answer: string): Notebook {
  const nb = readNotebook(sourceNotebook(QUIZ_SLUG));
  let setup = false;
  nb.cells = nb.cells.filter((c) => c.cell_type === "code" && ((!setup && cellText(c).includes("lab.setup()") && (setup = true)) || declaredFunction(cellText(c)) !== null || /^const quiz/m.test(cellText(c)) || /lab\.check\(/.test(cellText(c))));
  const cell = nb.cells.find((c) => /^const quizOutputActivation/m.test(cellText(c)));
  if (!cell) throw new Error("no quiz answer cell");
  cell.source = toSource(answer);
  return nb;
}

/** Reads every JSON file the sandbox shows under data/ and the course, looking for the quiz's right option. */
const QUIZ_READER = `const quizOutputActivation = (() => {
  ${ESCAPE}
  const found: string[] = [];
  const look = (dir: string, depth: number): void => {
    if (depth > 4) return;
    let names: string[] = [];
    try { names = fs.readdirSync(dir); } catch (e) { return; }
    for (const n of names) {
      const p = dir + "/" + n;
      try {
        if (fs.statSync(p).isDirectory()) look(p, depth + 1);
        else if (n.endsWith(".json")) {
          const text = fs.readFileSync(p, "utf8");
          const m = /"03\\.quiz\\.outputActivation"[\\s\\S]{0,400}?"(?:answer|expected)"\\s*:\\s*"([a-d])"/.exec(text);
          if (m) found.push(m[1]);
        }
      } catch (e) {}
    }
  };
  ${tryAll([`look(${JSON.stringify(ROOT)}, 0);`, `look("/tmp", 0);`])}
  return found[0] ?? "a";
})();`;

describe("a class night with every attack at once", () => {
  const dir = path.join(OUT, `hostile-class-${process.pid}`);
  const out = `${dir}-out`;
  const alone = path.join(OUT, `hostile-class-alone-${process.pid}.json`);
  const secretDir = path.join(OUT, `hostile-class-secret-${process.pid}`);
  const at = (rel: string): string => path.join(dir, rel);
  let grades: Grades;
  let stdout = "";
  let aloneGrades: { notebooks: (Entry & { path: string })[] };
  /** Honest students, by id: the file they handed in. */
  const honest: Record<string, string> = {};

  before(() => {
    spawnSync("rm", ["-rf", "--", dir, out, secretDir]);
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(secretDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(secretDir, "secret.ipynb"), `${SECRET}\n`, { mode: 0o600 });
    // Honest students.
    const put = (rel: string, nb: Notebook): string => {
      fs.mkdirSync(path.dirname(at(rel)), { recursive: true });
      writeNotebook(at(rel), nb);
      return at(rel);
    };
    honest.ann = put(`ann/${NB}`, solution());
    honest.bob = put("bob.ipynb", withNumerical(wrongWith("")));
    honest.quinn = put(`quinn/${QUIZ_SLUG}.ipynb`, quizNotebook('const quizOutputActivation = "a";'));
    // Intake attacks: links and a pipe.
    fs.symlinkSync(sourceNotebook(SLUG), at("eve.ipynb"));
    fs.symlinkSync(honest.ann, at("fay.ipynb"));
    fs.symlinkSync(path.join(secretDir, "secret.ipynb"), at("gus.ipynb"));
    fs.symlinkSync("/dev/zero", at("hal.ipynb"));
    assert.equal(spawnSync("mkfifo", [at("ida.ipynb")]).status, 0);
    // A folder nested past the path limit (PATH_MAX 4096), made with relative steps.
    const nest = `cd "$1" && mkdir deep && cd deep && for i in $(seq 21); do mkdir ${"d".repeat(200)} && cd ${"d".repeat(200)}; done && cp "$2" .`;
    assert.equal(spawnSync("bash", ["-c", nest, "nest", dir, honest.ann]).status, 0);
    // Code attacks, each in a wrong numericalDerivative cell: bob is their honest twin.
    put(`shm/${NB}`, withNumerical(wrongWith(fillDevShm(2048))));
    put(`procs/${NB}`, withNumerical(wrongWith(manyProcesses(4, 600))));
    put(`forger/${NB}`, withNumerical(wrongWith(forgeReport("runner"))));
    put(`quiz-reader/${QUIZ_SLUG}.ipynb`, quizNotebook(QUIZ_READER));

    const r = runGrade(["--out", out, "--jobs", "2", ...LIMITS, dir]);
    assert.equal(r.status, 0, r.stderr.slice(-3000));
    stdout = r.stdout;
    grades = readGrades(out);
    const a = runGrade(["--json", alone, "--no-execute", ...LIMITS, ...Object.values(honest)]);
    assert.equal(a.status, 0, a.stderr.slice(-3000));
    aloneGrades = JSON.parse(fs.readFileSync(alone, "utf8")) as typeof aloneGrades;
  });
  after(() => {
    spawnSync("rm", ["-rf", "--", dir, out, secretDir, alone]);
  });

  const entry = (student: string): Entry => {
    const e = grades.notebooks.find((n) => n.student === student);
    assert.ok(e, `no grade for ${JSON.stringify(student)}`);
    return e;
  };
  const points = (e: { checks: { id: string; points: number }[] }): [string, number][] => e.checks.map((c) => [c.id, c.points]);

  it("every honest student gets exactly the grade they get alone", () => {
    for (const [student, file] of Object.entries(honest)) {
      const one = aloneGrades.notebooks.find((n) => n.path === file);
      assert.ok(one, `graded alone: ${student}`);
      assert.deepEqual(points(entry(student)), points(one), JSON.stringify(student));
      assert.equal(entry(student).score, one.score);
    }
    assert.equal(entry("ann").score, entry("ann").maxScore, "the solution earns everything");
  });

  it("each code attack earns exactly what its honest twin earns, check by check", () => {
    for (const student of ["shm", "procs", "forger"]) assert.deepEqual(points(entry(student)), points(entry("bob")), student);
    assert.deepEqual(points(entry("quiz-reader")), points(entry("quinn")), "a quiz answered from the files it can read earns a guess's points");
  });

  it("the memory attack is stopped as out of memory, and the forger's report is refused", () => {
    const message = (student: string): string => entry(student).checks.find((c) => c.id === "06.numericalDerivative")?.message ?? "";
    assert.match(message("procs"), /ran out of memory/);
    assert.equal(entry("forger").execution?.ran, false, JSON.stringify(entry("forger").execution));
    assert.equal(entry("forger").execution?.reason, "runner-stopped");
    assert.equal(entry("forger").execution?.counts, undefined, "no cell counts: not the report it wrote");
  });

  it("each intake attack earns nothing and says why, and the secret is in no output", () => {
    const kinds: Record<string, string> = { eve: "symbolic-link", fay: "symbolic-link", gus: "symbolic-link", hal: "symbolic-link", ida: "fifo" };
    for (const [student, kind] of Object.entries(kinds)) {
      assert.equal(entry(student).score, 0, student);
      assert.equal(entry(student).fileProblem, kind, student);
    }
    const deep = grades.students.find((s) => s.student === "deep");
    assert.ok(deep && (deep.unreadable.length > 0 || deep.problems.length > 0), JSON.stringify(deep));
    const everything = spawnSync("grep", ["-rl", SECRET, out], { encoding: "utf8" });
    assert.equal(everything.stdout, "", "the secret is in no written file");
    assert.ok(!stdout.includes(SECRET));
  });

  it("every output is written, one feedback page per student, and the console has one line per graded notebook", () => {
    for (const f of ["grades.json", "gradebook.csv", "gradebook-canvas.csv", "summary.html"]) assert.ok(fs.existsSync(path.join(out, f)), f);
    for (const s of grades.students) assert.ok(fs.existsSync(path.join(out, s.feedback)), s.feedback);
    assert.equal(new Set(grades.students.map((s) => s.feedback)).size, grades.students.length);
    const progress = stdout.split("\n").filter((l) => /^\[\d+\/\d+\] /.test(l));
    assert.equal(progress.length, grades.notebooks.filter((n) => n.lesson !== null).length, stdout);
  });

  it("the machine's memory: the run's peak, every sandbox at once, stays within jobs × budget", () => {
    const run = grades.run;
    assert.equal(run.memoryNotLimited, null, `memory limited per sandbox: ${run.memoryLimit}`);
    assert.ok(run.peakMemoryMb !== null, "a peak was measured");
    // A job's budget: the one sandbox it runs at a time and its cell warmer, each held to its own.
    assert.ok(run.peakMemoryMb <= run.jobs * run.jobMemoryBudgetMb, `peak ${run.peakMemoryMb} MB, budget ${run.jobs} × ${run.jobMemoryBudgetMb} MB`);
    console.log(`class night: peak ${run.peakMemoryMb} MB for ${run.jobs} jobs × ${run.jobMemoryBudgetMb} MB (a sandbox's ${run.memoryBudgetMb} MB and its warmer's)`);
  });
});

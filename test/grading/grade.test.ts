/**
 * The grader gives exactly the points earned: full marks for the solutions,
 * zero for the student edition, and the right score for adversarial notebooks
 * (infinite loops, throws and process.exit at top level, monkey-patched checks
 * and built-ins, forged outputs, edited expected values, deleted or reordered
 * check cells, an exercise turned into markdown, huge memory use, a malformed
 * file), all graded in one run so that one bad notebook cannot affect another.
 * The submission that rewrites data/expected/ is executed in a scratch copy of
 * the course, so lesson tests running beside this file never see the edit.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { lessonCheckIds } from "../../lib/lessons";
import { studentEdition, declaredFunction } from "../../editions/editions";
import { cellText, readNotebook, toSource, writeNotebook, type Notebook } from "../../editions/notebook";
import { OUT, ROOT, sourceNotebook } from "../helpers/notebooks";
import { copyCourse } from "../helpers/course-copy";
import { lessonPoints } from "../helpers/grading";

const SLUG = "01-logistic-regression";
const GRADE = path.join(ROOT, "build", "grading", "grade.js");

interface Report {
  notebooks: { path: string; lesson: string | null; score: number; maxScore: number; checks: { id: string; points: number; maxPoints: number; passed: boolean; message: string }[]; execution: { ran: boolean; counts?: Record<string, number>; message: string } | null; problems: string[] }[];
}

function source(): Notebook {
  return readNotebook(sourceNotebook(SLUG));
}

function save(label: string, nb: Notebook): string {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${SLUG}.grade-${label}.ipynb`);
  writeNotebook(file, nb);
  return file;
}

/** Replaces the body of an exercise cell (the function with that name) with `code`. */
function withExercise(nb: Notebook, fn: string, code: string): Notebook {
  const cell = nb.cells.find((c) => c.cell_type === "code" && declaredFunction(cellText(c)) === fn && cellText(c).includes("BEGIN SOLUTION"));
  if (!cell) throw new Error(`no exercise ${fn}`);
  cell.source = toSource(code);
  return nb;
}

function addCell(nb: Notebook, at: number, code: string): Notebook {
  nb.cells.splice(at, 0, { cell_type: "code", metadata: {}, source: toSource(code), outputs: [], execution_count: null, id: `adv${at}${nb.cells.length}` });
  return nb;
}

function grade(files: string[], extra: string[], root = ROOT): { report: Report; stdout: string; status: number | null } {
  const json = path.join(OUT, `grade-${process.pid}-${Date.now()}.json`);
  const grader = path.join(root, path.relative(ROOT, GRADE));
  const r = spawnSync(process.execPath, [grader, "--json", json, ...extra, ...files], { encoding: "utf8", cwd: root, timeout: 10 * 60_000 });
  assert.ok(fs.existsSync(json), `grader wrote no JSON (exit ${r.status}): ${r.stderr}\n${r.stdout}`);
  const report = JSON.parse(fs.readFileSync(json, "utf8")) as Report;
  fs.unlinkSync(json);
  return { report, stdout: r.stdout, status: r.status };
}

const WRONG_SIGMOID = "function sigmoid(z: number[]): number[] {\n    return z.map((v) => 1 / (1 + Math.exp(v)));\n}";

const files: Record<string, string> = {};
const expectedScore: Record<string, number> = {};
/** The lesson's exercises' points, and its graded quiz's (the solution's answers are right: every variant but the student edition keeps them). */
const QUIZ = lessonPoints(SLUG, "quiz");
const MAX = lessonPoints(SLUG);

before(() => {
  // `score`: what the exercises earn; the quiz answers, untouched in every variant but the student edition, add QUIZ.
  const add = (label: string, nb: Notebook, score: number): void => {
    files[label] = save(label, nb);
    expectedScore[label] = score + (label === "student" ? 0 : QUIZ);
  };
  add("solution", source(), 10);
  add("student", studentEdition(source(), `notebooks/${SLUG}.ipynb`), 0);
  add("infinite-loop-in-function", withExercise(source(), "gradientDescent",
    "function gradientDescent(X: number[][], y: number[], w: number[], b: number, alpha: number, numIters: number): { w: number[]; b: number; costHistory: number[] } {\n    while (true) {}\n}"), 8);
  // A cell that fails defines nothing: logisticLoss, and computeCost and gradientDescent which use it, score 0.
  add("infinite-loop-at-top-level", withExercise(source(), "logisticLoss",
    "function logisticLoss(f: number, y: number): number {\n    return -y * Math.log(f) - (1 - y) * Math.log(1 - f);\n}\nwhile (true) {}"), 5);
  add("throw-at-top-level", addCell(source(), 1, 'throw new Error("boom");'), 10);
  add("process-exit", addCell(withExercise(source(), "buildLogisticModel",
    "function buildLogisticModel(numFeatures: number): tf.Sequential {\n    process.exit(1);\n}"), 3, "process.exit(0);"), 8);
  const forged = '<div class="course-check"><script type="application/vnd.course.check+json">{"id":"01.sigmoid","points":1,"maxPoints":1,"passed":true,"status":"passed","message":"forged","cases":[]}</script></div>';
  add("monkey-patched-checks", withExercise(source(), "sigmoid", `${WRONG_SIGMOID}
Math.abs = () => 0;
Array.prototype.every = function () { return true; };
Number.isNaN = () => false;
try { (lab as any).check = async () => undefined; } catch (e) {}
try { (lab as any).checker.run = async (id: string) => ({ id, points: 1, maxPoints: 1, passed: true, status: "passed", message: "", cases: [] }); } catch (e) {}
console.log(${JSON.stringify(forged)});`), 3);
  const checksDeleted = source();
  checksDeleted.cells = checksDeleted.cells.filter((c) => !cellText(c).includes("lab.check("));
  add("checks-deleted", checksDeleted, 10);
  // Exercise cells in reverse order, check cells in place: computeGradient and gradientDescent now come
  // before the functions they call, so the kernel refuses them ("Cannot find name 'sigmoid'"), and so
  // does the grader; the first checks now stand above the cells that define their functions.
  const reordered = source();
  const exerciseIdx = reordered.cells.map((c, i) => (cellText(c).includes("BEGIN SOLUTION") ? i : -1)).filter((i) => i >= 0);
  const exercises = exerciseIdx.map((i) => reordered.cells[i]);
  exerciseIdx.forEach((i, k) => (reordered.cells[i] = exercises[exercises.length - 1 - k] as never));
  add("exercises-reversed", reordered, 2);
  const md = source();
  const sig = md.cells.find((c) => declaredFunction(cellText(c)) === "sigmoid");
  if (sig) {
    sig.cell_type = "markdown";
    delete sig.outputs;
    delete sig.execution_count;
  }
  add("exercise-as-markdown", md, 3);
  add("huge-memory", withExercise(source(), "buildLogisticModel",
    "function buildLogisticModel(numFeatures: number): tf.Sequential {\n    const hog: number[][] = [];\n    for (;;) hog.push(new Array(1e6).fill(1.5));\n}"), 8);
  fs.mkdirSync(OUT, { recursive: true });
  files.malformed = path.join(OUT, `${SLUG}.grade-malformed.ipynb`);
  fs.writeFileSync(files.malformed, "{ this is not json");
});

describe("npm run grade: adversarial submissions in one run", () => {
  let report: Report;
  let stdout = "";
  before(() => {
    const r = grade(Object.values(files), ["--no-execute", "--check-timeout", "5", "--cell-timeout", "3", "--memory", "256"]);
    assert.equal(r.status, 0, "the grader exits 0 when grading ran, whatever the scores");
    report = r.report;
    stdout = r.stdout;
  });

  const byLabel = (label: string) => report.notebooks.find((n) => n.path === files[label]);

  it("grades every notebook, in order, with the documented JSON shape", () => {
    assert.deepEqual(report.notebooks.map((n) => n.path), Object.values(files));
    for (const n of report.notebooks) {
      assert.equal(typeof n.score, "number");
      assert.equal(typeof n.maxScore, "number");
      for (const c of n.checks) {
        // Optional fields: per-case results, the hidden flag, how a stopped check stopped, named mistakes, hint tiers shown, hidden cases.
        const keys = Object.keys(c).filter((k) => !["cases", "hidden", "stop", "mistakes", "hintTiers", "hiddenCases"].includes(k)).sort();
        assert.deepEqual(keys, ["id", "maxPoints", "message", "passed", "points", "status"]);
      }
    }
    assert.ok(stdout.includes(`total ${MAX}/${MAX}`), "the solution's total on the console");
  });

  for (const label of ["solution", "student", "infinite-loop-in-function", "infinite-loop-at-top-level", "throw-at-top-level", "process-exit", "monkey-patched-checks", "checks-deleted", "exercises-reversed", "exercise-as-markdown", "huge-memory"]) {
    it(`${label}: exactly ${label === "student" ? 0 : "the right"} score`, () => {
      const n = byLabel(label);
      assert.ok(n, `no result for ${label}`);
      assert.equal(n.maxScore, MAX);
      assert.equal(n.score, expectedScore[label], JSON.stringify(n.checks.filter((c) => !c.passed)));
    });
  }

  it("explains each lost point precisely", () => {
    const msg = (label: string, id: string) => byLabel(label)?.checks.find((c) => c.id === id)?.message ?? "";
    assert.match(msg("student", "01.sigmoid"), /not completed yet/);
    assert.match(msg("infinite-loop-in-function", "01.gradientDescent"), /did not finish within 5 s/);
    assert.match(msg("infinite-loop-at-top-level", "01.logisticLoss"), /did not finish within 3 s/);
    assert.match(msg("process-exit", "01.buildLogisticModel"), /process is not defined/);
    assert.match(msg("exercise-as-markdown", "01.sigmoid"), /no code cell above its check declares it/);
    // Reversed: some exercise cells use a function declared below them (the kernel refuses them), some checks stand above their function's cell.
    const reversed = byLabel("exercises-reversed")?.checks.map((c) => c.message) ?? [];
    assert.ok(reversed.some((m) => /cell \d+\) does not compile: \d+:\d+ - Cannot find name '\w+'/.test(m)), reversed.join("\n"));
    assert.ok(reversed.some((m) => /no code cell above its check declares it/.test(m)), reversed.join("\n"));
    assert.match(msg("huge-memory", "01.buildLogisticModel"), /out of memory|stopped the grading process/);
    assert.equal(byLabel("monkey-patched-checks")?.checks.find((c) => c.id === "01.sigmoid")?.passed, false);
  });

  it("a malformed file gets a clear problem and zero, and does not stop the run", () => {
    const n = report.notebooks.find((x) => x.path === files.malformed);
    assert.ok(n);
    assert.equal(n.score, 0);
    assert.match(n.problems.join(" "), /not valid JSON/);
  });
});

/**
 * A scratch copy of the course: what the grader and the kernel need (sources,
 * the current build with its timestamps, so it is not rebuilt; data; notebooks)
 * with node_modules linked. Submissions executed there may edit its data/.
 * Not frontends/, bench/ or tools/: neither the grader nor the kernel loads them,
 * and a build is stale only when a source is newer than it (kernel/build-lib.js),
 * which fewer sources never make it; frontends/lite-app/node_modules alone
 * (installed by the browser tests) is ~400 MB to copy.
 */
function scratchCourse(): string {
  return copyCourse(path.join(OUT, `grade-course-${process.pid}`), ["package.json", "tsconfig.json", "lib", "setup", "kernel", "editions", "grading", "notebooks", "data", "build"]);
}

describe("npm run grade: execution in a fresh kernel, and edited expected values", () => {
  let course = "";
  before(() => {
    course = scratchCourse();
  });
  after(() => fs.rmSync(course, { recursive: true, force: true }));

  it("a notebook that rewrites data/expected cannot (the course is read-only in its sandbox) nor earn points, and the next notebook is unaffected", () => {
    const realExpected = fs.readFileSync(path.join(ROOT, "data", "expected", `${SLUG}.json`), "utf8");
    const expectedFile = path.join(course, "data", "expected", `${SLUG}.json`);
    const original = fs.readFileSync(expectedFile, "utf8");
    // Replace every expected sigmoid value with what the wrong sigmoid returns (1 − σ(z)).
    const attack = withExercise(source(), "sigmoid", WRONG_SIGMOID);
    addCell(attack, 1, `import * as fs from "fs";
const file = "../data/expected/${SLUG}.json";
const data = JSON.parse(fs.readFileSync(file, "utf8"));
for (const c of data.checks["01.sigmoid"].cases) c.expected = c.expected.map((v: number) => 1 - v);
fs.writeFileSync(file, JSON.stringify(data));`);
    const attackFile = save("edits-expected", attack);
    const after = save("after-attack", source());
    const thrower = files["throw-at-top-level"] as string;
    const { report, status } = grade([attackFile, after, thrower], ["--check-timeout", "20", "--cell-timeout", "60"], course);
    assert.equal(status, 0);
    assert.equal(fs.readFileSync(expectedFile, "utf8"), original, "data/expected untouched");
    assert.equal(fs.readFileSync(path.join(ROOT, "data", "expected", `${SLUG}.json`), "utf8"), realExpected, "the real course was never touched");
    const [a, b, t] = report.notebooks;
    assert.equal(a?.score, 3 + QUIZ);
    assert.equal(a?.checks.find((c) => c.id === "01.sigmoid")?.passed, false);
    assert.doesNotMatch(a?.problems.join(" ") ?? "", /modified course files/, "nothing to restore: the write failed");
    assert.equal(a?.execution?.ran, true);
    assert.ok((a?.execution?.counts?.error ?? 0) >= 1, `the write fails in the sandbox: ${a?.execution?.message}`);
    assert.equal(b?.score, MAX);
    assert.equal(b?.execution?.counts?.ok, b?.execution?.counts ? Object.values(b.execution.counts).reduce((s, v) => s + v, 0) : -1, "the solution runs cleanly");
    assert.equal(t?.score, MAX);
    // As in Run All: the failed cell is an error and every cell below it is aborted, however busy the machine is.
    assert.equal(t?.execution?.counts?.error, 1, `throw at top level is reported: ${t?.execution?.message}`);
    assert.ok((t?.execution?.counts?.abort ?? 0) >= 20, `the cells below it are aborted: ${t?.execution?.message}`);
    assert.equal(t?.execution?.counts?.ok ?? 0, 0, `no cell below it ran: ${t?.execution?.message}`);
  });
});

describe("npm run grade: a submission stuck in a check is not executed again", () => {
  it("the execution report names the check that hung instead of spending the cell limit on it", () => {
    const started = Date.now();
    const { report, status } = grade([files["infinite-loop-in-function"] as string], ["--check-timeout", "5", "--cell-timeout", "120"]);
    assert.equal(status, 0);
    const [g] = report.notebooks;
    assert.match(g?.checks.find((c) => c.id === "01.gradientDescent")?.message ?? "", /did not finish within 5 s/);
    assert.equal(g?.execution?.ran, false);
    assert.match(g?.execution?.message ?? "", /^not run: 01\.gradientDescent did not finish while being scored/);
    assert.ok(Date.now() - started < 100_000, "well under the 120 s cell limit");
  });
});

describe("npm run grade: hidden checks", () => {
  const hidden = path.join(ROOT, "grading", "hidden-example");
  it("run only when grading, and count", () => {
    const sigmoidWrongAbove35 = withExercise(source(), "sigmoid", "function sigmoid(z: number[]): number[] {\n    return z.map((v) => (v > 35 && v < 100 ? 0.5 : 1 / (1 + Math.exp(-v))));\n}");
    const { report, stdout } = grade([files.solution as string, files.student as string, save("hidden-only-wrong", sigmoidWrongAbove35)], ["--no-execute", "--hidden", hidden]);
    const [sol, stu, wrong] = report.notebooks;
    assert.equal(sol?.maxScore, MAX + 2, "the visible points + the hidden example's 2");
    assert.equal(sol?.score, MAX + 2);
    assert.ok(sol?.checks.some((c) => c.id === "01.sigmoid.hidden" && c.passed));
    assert.equal(stu?.score, 0);
    assert.equal(wrong?.checks.find((c) => c.id === "01.sigmoid")?.passed, true, "passes the visible check");
    assert.equal(wrong?.checks.find((c) => c.id === "01.sigmoid.hidden")?.passed, false, "fails the hidden one");
    assert.equal(wrong?.score, MAX + 1, "everything but the hidden sigmoid check's point");
    // Each hidden case's outcome and category (the hidden example's), never its inputs or expected value.
    const cases = (wrong?.checks.find((c) => c.id === "01.sigmoid.hidden") as { hiddenCases?: Record<string, unknown>[] } | undefined)?.hiddenCases;
    assert.deepEqual(cases, [{ name: "other values", category: "moderate and large inputs", passed: false }, { name: "one very negative value", category: "a very negative input (exp overflows)", passed: true }]);
    // The console names the failed one's category.
    assert.ok(stdout.split("\n").some((l) => l.includes("01.sigmoid.hidden") && l.includes("moderate and large inputs") && !l.includes("exp overflows")), stdout);
  });

  it("are absent from the student edition and the lesson's checks", () => {
    const text = fs.readFileSync(files.student as string, "utf8");
    assert.doesNotMatch(text, /\d\d\.\w+\.hidden/);
    assert.ok(lessonCheckIds(SLUG).every((id) => !id.includes("hidden")));
  });
});

describe("npm run grade: usage errors are the only failures", () => {
  it("exits non-zero with a usage line when given no notebooks", () => {
    const r = spawnSync(process.execPath, [GRADE], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: npm run grade/);
  });
});

/**
 * The grader gives exactly the points earned: full marks for the solutions,
 * zero for the student edition, and the right score for adversarial notebooks
 * (infinite loops, throws and process.exit at top level, monkey-patched checks
 * and built-ins, forged outputs, edited expected values, deleted or reordered
 * check cells, an exercise turned into markdown, huge memory use, a malformed
 * file), all graded in one run so that one bad notebook cannot affect another.
 * Execution in fresh kernels is one class run (--out, one job): the solution,
 * a syntax error (its cell, first error and aborted cells in grades.json, the
 * feedback, the summary and the gradebook), a submission that rewrites
 * data/expected/ and one stuck in a check (not executed). It runs in a scratch
 * copy of the course, so lesson tests running beside this file never see an edit.
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
import { htmlAttributes, lessonPoints, parseCsv, readGrades, type Grades } from "../helpers/grading";

const SLUG = "01-logistic-regression";
const GRADE = path.join(ROOT, "build", "grading", "grade.js");

interface Report {
  notebooks: { path: string; lesson: string | null; score: number; maxScore: number; checks: { id: string; points: number; maxPoints: number; passed: boolean; message: string }[]; execution: { ran: boolean; counts?: Record<string, number>; message: string } | null; problems: string[]; unchanged: boolean }[];
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
    // --json records "unchanged from the handout" per notebook (grading/handout.ts; test/grading/handout.test.ts).
    assert.deepEqual([byLabel("student")?.unchanged, byLabel("solution")?.unchanged], [true, false]);
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

/** Runs the scratch course's own grader (its build) there, as an instructor would in that checkout. */
function gradeIn(course: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(course, path.relative(ROOT, GRADE)), ...args], { encoding: "utf8", cwd: course, timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * One class run with execution in fresh kernels (each kernel run costs seconds of CPU; one job keeps a cell warmer,
 * grading/cell-warmer.ts, and every report is run with it): ada's notebook rewrites data/expected/, ann hands in
 * the solution after her, cy's sigmoid cell has a syntax error, and dee's gradientDescent never returns.
 * (The student edition's execution is test/grading/validate.test.ts's; a top-level throw's score is the
 * adversarial run's.)
 */
describe("npm run grade -- --out: execution in fresh kernels, and edited expected values", () => {
  let course = "";
  let g: Grades;
  const dir = path.join(OUT, `grade-exec-${process.pid}`);
  const out = `${dir}-out`;
  const broken = withExercise(source(), "sigmoid", "function sigmoid(z: number[]): number[] {\n    return z.map((v) => 1 / (1 + Math.exp(-v));\n}");
  const sigmoidCell = broken.cells.findIndex((c) => c.cell_type === "code" && declaredFunction(cellText(c)) === "sigmoid");
  const below = broken.cells.slice(sigmoidCell + 1).filter((c) => c.cell_type === "code").length;
  let realExpected = "";
  let original = "";
  let expectedFile = "";
  before(() => {
    course = scratchCourse();
    realExpected = fs.readFileSync(path.join(ROOT, "data", "expected", `${SLUG}.json`), "utf8");
    expectedFile = path.join(course, "data", "expected", `${SLUG}.json`);
    original = fs.readFileSync(expectedFile, "utf8");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, "ann"), { recursive: true });
    // Replace every expected sigmoid value with what the wrong sigmoid returns (1 − σ(z)).
    const attack = withExercise(source(), "sigmoid", WRONG_SIGMOID);
    addCell(attack, 1, `import * as fs from "fs";
const file = "../data/expected/${SLUG}.json";
const data = JSON.parse(fs.readFileSync(file, "utf8"));
for (const c of data.checks["01.sigmoid"].cases) c.expected = c.expected.map((v: number) => 1 - v);
fs.writeFileSync(file, JSON.stringify(data));`);
    writeNotebook(path.join(dir, "ada.ipynb"), attack);
    writeNotebook(path.join(dir, "ann", `${SLUG}.ipynb`), source());
    // A syntax error (a missing parenthesis) in the sigmoid cell: tslab reports it and aborts every cell below.
    writeNotebook(path.join(dir, "cy.ipynb"), broken);
    fs.copyFileSync(files["infinite-loop-in-function"] as string, path.join(dir, "dee.ipynb"));
    const r = gradeIn(course, ["--out", out, "--jobs", "1", "--check-timeout", "5", "--cell-timeout", "120", dir]);
    assert.equal(r.status, 0, r.stderr);
    g = readGrades(out);
  });
  after(() => {
    fs.rmSync(course, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  });
  const entry = (student: string) => {
    const e = g.notebooks.find((n) => n.student === student);
    assert.ok(e, `graded ${student}`);
    return e;
  };

  it("a notebook that rewrites data/expected cannot (the course is read-only in its sandbox) nor earn points, and the next notebook is unaffected", () => {
    assert.equal(fs.readFileSync(expectedFile, "utf8"), original, "data/expected untouched");
    assert.equal(fs.readFileSync(path.join(ROOT, "data", "expected", `${SLUG}.json`), "utf8"), realExpected, "the real course was never touched");
    const a = entry("ada");
    assert.equal(a.score, 3 + QUIZ);
    assert.equal(a.checks.find((c) => c.id === "01.sigmoid")?.passed, false);
    assert.doesNotMatch(a.problems.join(" "), /modified course files/, "nothing to restore: the write failed");
    assert.equal(a.execution?.ran, true);
    assert.ok((a.execution?.counts?.error ?? 0) >= 1, `the write fails in the sandbox: ${a.execution?.message}`);
    assert.equal(entry("ann").score, MAX);
  });

  it("reports how each notebook ran, in grades.json and the feedback", () => {
    const ann = entry("ann");
    assert.equal(ann.execution?.ran, true);
    const counts = ann.execution?.counts ?? {};
    assert.equal(counts.ok, Object.values(counts).reduce((s, v) => s + v, 0), `the solution runs cleanly: ${ann.execution?.message}`);
    assert.deepEqual(ann.execution?.errors, []);
    // No problem: the job's cell warmer compiled ann's cells, so her kernel ran with the warmer's folder of them
    // (a failed warm is reported, "type errors were not checked"): with it, the clean run of a cold kernel.
    assert.deepEqual(ann.problems, []);
    assert.match(fs.readFileSync(path.join(out, "feedback", "ann.html"), "utf8"), /Run top to bottom in a fresh kernel in \d/);

    // The syntax error: its cell (1-based, as students count), its first error line, the cells it stopped (as in Run All: every cell below it).
    const cy = entry("cy").execution;
    assert.equal(cy?.ran, true, cy?.message);
    assert.deepEqual(cy?.errors?.map((e) => [e.cell, e.status]), [[sigmoidCell + 1, "error"]]);
    const first = cy?.errors?.[0]?.firstLine ?? "";
    assert.match(first, /^\d+:\d+ - '\)' expected/, "tslab's error text, as the student saw it");
    assert.equal(cy?.aborted, below);
    assert.ok(below >= 10);
    // ... and scoring agrees with the kernel: the refused cell defines nothing, and its check says which cell and why.
    const cySigmoid = entry("cy").checks.find((c) => c.id === "01.sigmoid");
    assert.equal(cySigmoid?.points, 0);
    assert.ok(cySigmoid?.message.includes(`cell ${sigmoidCell + 1}) does not compile: ${first}`), cySigmoid?.message);
    // ... in the feedback page's data,
    const feedback = fs.readFileSync(path.join(out, "feedback", "cy.html"), "utf8");
    assert.deepEqual(htmlAttributes(feedback, /class="exec-error"/).map((a) => [a["data-cell"], a["data-first-line"]]), [[String(sigmoidCell + 1), first]]);
    assert.deepEqual(htmlAttributes(feedback, /class="execution"/).map((a) => a["data-aborted"]), [String(below)]);
    // ... in the summary's Problems (ann ran cleanly: ada's and cy's errors and dee's run that did not happen are listed),
    const summary = fs.readFileSync(path.join(out, "summary.html"), "utf8");
    const listed = htmlAttributes(summary, /data-kind="execution"/);
    assert.deepEqual(listed.map((a) => [a["data-student"], a["data-ran"]]).sort(), [["ada", "true"], ["cy", "true"], ["dee", "false"]]);
    assert.deepEqual(listed.filter((a) => a["data-student"] === "cy").map((a) => [a["data-cell"], a["data-first-line"], a["data-aborted"]]), [[String(sigmoidCell + 1), first, String(below)]]);
    // ... and in the gradebook's execution column.
    const rows = parseCsv(fs.readFileSync(path.join(out, "gradebook.csv"), "utf8"));
    const col = (rows[0] as string[]).indexOf("execution 01-logistic-regression");
    assert.ok(col > 0);
    const column = Object.fromEntries(rows.slice(2).map((r) => [r[0], r[col]]));
    assert.deepEqual([column.ann, column.cy], ["ok", `cell ${sigmoidCell + 1}: ${first} (+${below} aborted)`]);
  });

  it("a submission stuck in a check is not executed again: its report names the check that hung instead of spending the cell limit on it", () => {
    const dee = entry("dee");
    assert.match(dee.checks.find((c) => c.id === "01.gradientDescent")?.message ?? "", /did not finish within 5 s/);
    assert.equal(dee.execution?.ran, false);
    assert.equal(dee.execution?.reason, "check-stuck");
    assert.match(dee.execution?.message ?? "", /^not run: 01\.gradientDescent did not finish while being scored/);
  });
});

describe("npm run grade: hidden checks", () => {
  const hidden = path.join(ROOT, "grading", "hidden-example");
  // The solution's full marks with them (the visible points + 2) and the student edition's 0 are
  // test/grading/class.test.ts's (ann and bob, graded with --hidden): here only a notebook that fails one.
  it("run only when grading, and count; the console names the failed case's category", () => {
    const sigmoidWrongAbove35 = withExercise(source(), "sigmoid", "function sigmoid(z: number[]): number[] {\n    return z.map((v) => (v > 35 && v < 100 ? 0.5 : 1 / (1 + Math.exp(-v))));\n}");
    const { report, stdout } = grade([save("hidden-only-wrong", sigmoidWrongAbove35)], ["--no-execute", "--hidden", hidden]);
    const [wrong] = report.notebooks;
    assert.equal(wrong?.maxScore, MAX + 2, "the visible points + the hidden example's 2");
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

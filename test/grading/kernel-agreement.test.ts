/**
 * The grade agrees with the notebook. Each notebook below is run twice: in a
 * real tslab kernel through Jupyter, cell after cell as a student runs them
 * (run_notebook.py --keep-going: a failed cell does not stop the ones after
 * it), and through the grader (`npm run grade`). For every check of the
 * lesson, the points and the verdict the notebook's own check cell showed
 * must be the points and the verdict the grader gives:
 *  - a syntax error and a type error in an exercise cell (the kernel refuses
 *    the cell, so it defines nothing: the grader must refuse it too, and say
 *    which cell and its first error, in the kernel's words);
 *  - a helper in a cell of its own (the kernel has it for the cells below:
 *    the grader must too), with a constant declared after it;
 *  - a function redefined wrongly above its check cell, and below it;
 *  - an exercise cell that throws;
 *  - the lesson as written and its student edition, as controls: these two
 *    the lesson's own test runs in a kernel (test/lessons/03-activations.test.ts, through
 *    test/helpers/lesson-contract.ts: every check passed; every check not
 *    completed, with no points), so here they are only graded, whole, and the
 *    grader must say the same.
 * The notebooks keep only the setup, exercise and check cells (a student may
 * delete the rest), so that each kernel run takes seconds. Each case edits one
 * exercise and its check, and checks are compared one by one, so cases on
 * different exercises of lesson 03 share a notebook (a kernel run, ~10 s of
 * CPU, each): one with the cells the kernel refuses or that throw, one with the
 * helper and the redefinitions. (A second helper case, lesson 04's stableSoftmax
 * calling a shiftByMax of its own cell, was the same behaviour in a kernel run
 * of its own; the 03 case, whose helper also reads a constant, covers it.)
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { declaredFunction, studentEdition } from "../../editions/editions";
import { cellText, readNotebook, toSource, writeNotebook, type Notebook } from "../../editions/notebook";
import { checkResults, OUT, ROOT, runNotebook, sourceNotebook, type NotebookRun } from "../helpers/notebooks";
import { lessonCheckIds, loadLesson } from "../../lib/lessons";

const GRADE = path.join(ROOT, "build", "grading", "grade.js");
/** The lesson whose test runs the controls in a kernel. */
const CONTROL_SLUG = "03-activations";
const TAG = `${process.pid}`;

interface GradedCheck { id: string; points: number; passed: boolean; status: string; message: string }
interface Report { notebooks: { path: string; checks: GradedCheck[]; problems: string[] }[] }

function code(source: string): Notebook["cells"][number] {
  return { cell_type: "code", metadata: {}, source: toSource(source), outputs: [], execution_count: null } as unknown as Notebook["cells"][number];
}

/** The lesson with only its setup cell, exercise cells and check cells. */
function trimmed(slug: string): Notebook {
  const nb = readNotebook(sourceNotebook(slug));
  let setupSeen = false;
  nb.cells = nb.cells.filter((c) => {
    if (c.cell_type !== "code") return false;
    const text = cellText(c);
    if (!setupSeen && text.includes("lab.setup()")) return (setupSeen = true);
    return /^(?:export\s+)?(?:async\s+)?function\s+\w+\s*\(|^const quiz[A-Z]/m.test(text) || /\blab\.check\(/.test(text);
  });
  return nb;
}

/** Index of the cell that declares `fn`. */
function cellOf(nb: Notebook, fn: string): number {
  const i = nb.cells.findIndex((c) => c.cell_type === "code" && declaredFunction(cellText(c)) === fn);
  if (i < 0) throw new Error(`no cell declares ${fn}`);
  return i;
}

/** A case: where it is (a notebook's label), and the exercise and check it edits. */
interface Case { notebook: string; fn: string; check: string }

/** The cases, by name: each edits its own exercise, so that several share a notebook. */
const CASES: Record<string, Case> = {
  "syntax-error": { notebook: "refused-and-throwing", fn: "relu", check: "03.relu" },
  "type-error": { notebook: "refused-and-throwing", fn: "piecewiseReluUnits", check: "03.piecewiseReluUnits" },
  "cell-throws": { notebook: "refused-and-throwing", fn: "chooseOutputActivation", check: "03.chooseOutputActivation" },
  "helper-cell": { notebook: "helpers-and-redefinitions", fn: "relu", check: "03.relu" },
  "redefined-above-check": { notebook: "helpers-and-redefinitions", fn: "chooseOutputActivation", check: "03.chooseOutputActivation" },
  "redefined-below-check": { notebook: "helpers-and-redefinitions", fn: "collapseLinearNetwork", check: "03.collapseLinearNetwork" },
};

const COLLAPSE = "function collapseLinearNetwork(layers: { W: number[][]; b: number[] }[]): { W: number[][]; b: number[] }";

/** The notebooks compared, by label. */
function variants(): Record<string, { slug: string; nb: Notebook }> {
  const out: Record<string, { slug: string; nb: Notebook }> = {};
  const add = (label: string, slug: string, edit: (nb: Notebook) => void): void => {
    const nb = trimmed(slug);
    edit(nb);
    out[label] = { slug, nb };
  };
  add("refused-and-throwing", "03-activations", (nb) => {
    // syntax-error
    nb.cells[cellOf(nb, "relu")] = code("function relu(z: number[]): number[] {\n    return z.map((zi) => Math.max(0, zi);\n}");
    // type-error
    nb.cells[cellOf(nb, "piecewiseReluUnits")] = code('function piecewiseReluUnits(): { w: number; b: number }[] {\n    const n: number = "3";\n    return [{ w: 1, b: -1 }, { w: 2, b: -4 }];\n}');
    // cell-throws
    const i = cellOf(nb, "chooseOutputActivation");
    nb.cells[i] = code(`${cellText(nb.cells[i] as never)}\nchooseOutputActivation(undefined as any).toUpperCase().notAFunction();`);
  });
  add("helpers-and-redefinitions", "03-activations", (nb) => {
    // helper-cell
    const i = cellOf(nb, "relu");
    nb.cells[i] = code("function relu(z: number[]): number[] {\n    return z.map(clampBelow);\n}");
    nb.cells.splice(i, 0, code("function clampBelow(v: number): number {\n    return Math.max(FLOOR, v);\n}\nconst FLOOR = 0;\nconsole.log(clampBelow(-1));"));
    // redefined-above-check: between the exercise and its check cell.
    nb.cells.splice(cellOf(nb, "chooseOutputActivation") + 1, 0, code('function chooseOutputActivation(target: "binary" | "real" | "nonNegative"): "sigmoid" | "linear" | "relu" {\n    return "linear";\n}'));
    // redefined-below-check: below the check cell, which saw the right function.
    nb.cells.splice(cellOf(nb, "collapseLinearNetwork") + 2, 0, code(`${COLLAPSE} {\n    return layers[0];\n}`));
  });
  return out;
}

/**
 * What the notebook's check cells showed, per check id: none shown (the cell
 * failed) counts as 0 and not passed. A graded quiz answer is only recorded in
 * the notebook (its key is the grader's): those are compared apart.
 */
function kernelView(slug: string, run: NotebookRun): Map<string, { points: number; passed: boolean }> {
  const shown = new Map(checkResults(run).map((r) => [r.id, r]));
  return new Map(loadLesson(slug).checker.definitions.filter((d) => shown.get(d.id)?.status !== "recorded").map((d) => [d.id, { points: shown.get(d.id)?.points ?? 0, passed: shown.get(d.id)?.passed ?? false }]));
}

/** The quiz answers the notebook recorded, and that the grader judged. */
function recordedQuizzes(run: NotebookRun): string[] {
  return checkResults(run).filter((r) => r.status === "recorded").map((r) => r.id);
}

describe("the grade agrees with the notebook, check by check", () => {
  const files: Record<string, string> = {};
  const runs: Record<string, NotebookRun> = {};
  let report: Report;
  const all = variants();
  /** The controls, by label: graded only (their kernel runs are the lesson test's). */
  const controls: Record<string, string> = {};

  before(() => {
    fs.mkdirSync(OUT, { recursive: true });
    for (const [label, { slug, nb }] of Object.entries(all)) {
      const file = path.join(OUT, `${slug}.agree-${label}-${TAG}.ipynb`);
      writeNotebook(file, nb);
      files[label] = file;
    }
    // The controls, whole: the files test/lessons/03-activations runs in a kernel.
    controls["as-written"] = sourceNotebook(CONTROL_SLUG);
    controls["student-edition"] = path.join(OUT, `${CONTROL_SLUG}.agree-student-edition-${TAG}.ipynb`);
    writeNotebook(controls["student-edition"], studentEdition(readNotebook(sourceNotebook(CONTROL_SLUG)), `notebooks/${CONTROL_SLUG}.ipynb`));
    const json = path.join(OUT, `agree-${TAG}.json`);
    const r = spawnSync(process.execPath, [GRADE, "--no-execute", "--json", json, ...Object.values(files), ...Object.values(controls)], { encoding: "utf8", cwd: ROOT, timeout: 10 * 60_000 });
    assert.ok(fs.existsSync(json), `the grader wrote no report (exit ${r.status}): ${r.stderr}`);
    report = JSON.parse(fs.readFileSync(json, "utf8")) as Report;
    fs.rmSync(json, { force: true });
    for (const [label, file] of Object.entries(files)) runs[label] = runNotebook(file, { keepGoing: true, cellTimeout: 120 });
  });
  after(() => {
    for (const f of Object.values(files)) fs.rmSync(f, { force: true });
    fs.rmSync(controls["student-edition"] ?? "", { force: true });
  });

  const graded = (label: string): Map<string, GradedCheck> => {
    const g = report.notebooks.find((n) => n.path === (files[label] ?? controls[label]));
    assert.ok(g, `graded ${label}`);
    return new Map(g.checks.map((c) => [c.id, c]));
  };

  for (const label of Object.keys(all)) {
    it(`${label}: every check earns in the grader what it showed in the notebook`, () => {
      const { slug } = all[label] as { slug: string };
      const kernel = kernelView(slug, runs[label] as NotebookRun);
      const grader = graded(label);
      const differ = [...kernel].filter(([id, k]) => grader.get(id)?.points !== k.points || grader.get(id)?.passed !== k.passed)
        .map(([id, k]) => `${id}: notebook ${k.points} (${k.passed ? "passed" : "not passed"}), grader ${grader.get(id)?.points} (${grader.get(id)?.passed ? "passed" : "not passed"}: ${grader.get(id)?.message})`);
      assert.deepEqual(differ, [], differ.join("\n"));
      // What the notebook only recorded, the grader judges (with the key): passed or failed, never recorded.
      for (const id of recordedQuizzes(runs[label] as NotebookRun)) assert.ok(["passed", "failed"].includes(grader.get(id)?.status ?? ""), `${id}: ${grader.get(id)?.status}`);
    });
  }

  it("the controls are graded as the lesson's test sees them in a kernel: the lesson as written passes every check, its student edition earns nothing", () => {
    const ids = lessonCheckIds(CONTROL_SLUG);
    // In the kernel every check passed, and the quiz recorded the key's answer (assertSolutionEditionPasses): the grader passes it.
    assert.deepEqual([...graded("as-written").values()].map((c) => [c.id, c.passed]), ids.map((id) => [id, true]));
    // In the kernel every check was not completed, with no points (assertStudentEditionNotCompleted).
    assert.deepEqual([...graded("student-edition").values()].map((c) => [c.id, c.points, c.passed]), ids.map((id) => [id, 0, false]));
  });

  it("cases that share a notebook edit exercises of their own", () => {
    for (const notebook of new Set(Object.values(CASES).map((c) => c.notebook))) {
      const fns = Object.values(CASES).filter((c) => c.notebook === notebook).map((c) => c.fn);
      assert.equal(new Set(fns).size, fns.length, `${notebook}: ${fns.join(", ")}`);
    }
  });

  for (const label of ["syntax-error", "type-error"]) {
    it(`${label}: the grader names the cell the kernel refused and its first error, in the kernel's words`, () => {
      const c = CASES[label] as Case;
      const run = runs[c.notebook] as NotebookRun;
      const nb = (all[c.notebook] as { nb: Notebook }).nb;
      const index = cellOf(nb, c.fn);
      const cell = run.cells.find((x) => x.index === index);
      assert.equal(cell?.status, "error", "the kernel refused the cell");
      const kernelFirst = (cell?.stderr ?? "").split("\n")[0]?.trim() ?? "";
      assert.match(kernelFirst, /^\d+:\d+ - /);
      const check = graded(c.notebook).get(c.check) as GradedCheck;
      assert.ok(check.message.includes(`cell ${index + 1}`), check.message);
      assert.ok(check.message.includes(kernelFirst), `grader: ${check.message}\nkernel: ${kernelFirst}`);
    });
  }

  it("the helper cases pass, and the redefinitions are graded as their check cells saw them", () => {
    const passed = (label: string): boolean | undefined => graded((CASES[label] as Case).notebook).get((CASES[label] as Case).check)?.passed;
    assert.equal(passed("helper-cell"), true);
    assert.equal(passed("redefined-above-check"), false);
    assert.equal(passed("redefined-below-check"), true);
  });
});

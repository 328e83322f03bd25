/**
 * The contract every lesson's tests prove, written once:
 *
 * - each check passes, with full points, on the notebook's own solution;
 * - each check has at least three wrong implementations, and fails on every
 *   one of them with no points, a message, and no tensors left behind;
 * - each check says "not completed yet" for the student edition's stub, and
 *   "expected a function" when given something else;
 * - the solution edition runs top to bottom with every check passed (a graded
 *   quiz answer "recorded", its choice the key's answer) and no leaked tensors;
 * - the student edition runs to the end with every check "not completed yet";
 * - an edition with wrong code in every exercise runs to the end with every
 *   check failed (a graded quiz answer "recorded", its choice not the key's
 *   answer: the grader gives it no points).
 *
 * A lesson's test file supplies its wrong implementations and adds what is
 * particular to the lesson (its numbers, figures and reference values).
 */
import { it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { isMultiSelect, isQuizId, loadExpected, quizOptions, runCheck, type Checker, type CheckResult, type QuizCheckDefinition, type QuizKey } from "../../lib/checks";
import { lessonSlugs } from "../../lib/lessons";
import { readQuizKeys } from "../../grading/quiz-key-file";
import { cellRecords, checkResults, leakedTensors, problems, recorded, runNotebook, sourceNotebook, writeStudentEdition, writeVariant, type NotebookRun } from "./notebooks";

const LESSON_SLUGS = lessonSlugs();

export type Fn = (...args: never[]) => unknown;

/**
 * A decision exercise accepts every right choice, not only the notebook's:
 * registers one test per equivalent right implementation (full points).
 */
export function itAcceptsEveryRightChoice(checker: Checker, right: Record<string, Record<string, Fn>>): void {
  for (const [id, fns] of Object.entries(right)) {
    for (const [label, fn] of Object.entries(fns)) {
      it(`${id} accepts another right choice: ${label}`, async () => {
        const before = tf.memory().numTensors;
        const r = await checker.run(id, fn);
        assert.equal(r.status, "passed", JSON.stringify(r.cases.filter((c) => !c.passed)));
        assert.equal(r.points, r.maxPoints);
        assert.equal(tf.memory().numTensors, before, "the check disposes the model");
      });
    }
  }
}

/** Registers, for every check of `checker`, the solution / wrong code / stub / not-a-function tests. */
export function itHoldsTheCheckContract(checker: Checker, solutions: Record<string, Fn>, wrong: Record<string, Record<string, Fn>>): void {
  const ids = checker.definitions.map((d) => d.id);
  for (const id of ids) {
    if (isQuizId(id)) {
      itHoldsTheQuizContract(checker, id, solutions);
      continue;
    }
    const fnName = id.split(".")[1] as string;
    it(`${id} passes on the notebook's solution`, async () => {
      assert.ok(solutions[fnName], `the notebook defines no function ${fnName}`);
      const r = await checker.run(id, solutions[fnName]);
      assert.equal(r.status, "passed", JSON.stringify(r.cases.filter((c) => !c.passed)));
      assert.equal(r.points, r.maxPoints);
    });
    const wrongs = wrong[id] ?? {};
    it(`${id} has at least three wrong implementations to fail on`, () => {
      assert.ok(Object.keys(wrongs).length >= 3, `only ${Object.keys(wrongs).length}`);
    });
    for (const [label, fn] of Object.entries(wrongs)) {
      it(`${id} fails on a wrong implementation: ${label}`, async () => {
        const before = tf.memory().numTensors;
        const r = await checker.run(id, fn);
        assert.equal(r.status, "failed", `expected failure, got ${r.status}: ${r.message}`);
        assert.equal(r.points, 0);
        assert.ok(r.message.length > 0, "a failed check says why");
        assert.equal(tf.memory().numTensors, before, "the check disposes whatever the wrong code created");
      });
    }
    it(`${id} says "not completed yet" for the student stub`, async () => {
      const r = await checker.run(id, () => {
        throw new Error(`${fnName} is not completed yet`);
      });
      assert.equal(r.status, "not-completed");
      assert.equal(r.points, 0);
      assert.match(r.message, /not completed yet/);
    });
    it(`${id} says so when given something that is not a function`, async () => {
      const r = await checker.run(id, undefined);
      assert.equal(r.status, "failed");
      assert.equal(r.points, 0);
      assert.match(`${r.message} ${r.cases.map((c) => c.message ?? "").join(" ")}`, /expected a function/);
    });
  }
}

/** A graded quiz question's key (grading/quiz-keys/), which the grader judges with. */
function quizKey(id: string): QuizKey {
  const key = readQuizKeys(lessonOf(id))[id];
  if (!key) throw new Error(`${id} has no key in grading/quiz-keys/${lessonOf(id)}.json: run \`npm run expected\``);
  return key;
}

/**
 * The contract of a graded quiz question (lib/checks/quiz.ts). In the notebook
 * (the lesson's checker, no key) every option is only "recorded", with no
 * verdict and the same result for right and wrong. Judged with its key, as the
 * grader does: the notebook's answer passes; every other option fails, naming
 * that option and explaining it without the right answer. Either way the
 * placeholder is "not completed", a key that is no option fails and lists the
 * valid keys, and a value that is not a string fails.
 */
function itHoldsTheQuizContract(checker: Checker, id: string, solutions: Record<string, Fn>): void {
  const def = checker.definitions.find((d) => d.id === id) as QuizCheckDefinition;
  const answer = solutions[def.fnName] as unknown;
  const stored = loadExpected(lessonOf(id)).checks[id];
  const options = Object.keys(quizOptions(stored?.cases[0]?.args ?? []));
  const judged = (value: unknown): Promise<CheckResult> => runCheck(def.withKey(quizKey(id)), value);
  it(`${id}: in the notebook every option is recorded, right or wrong, with no verdict and nothing of the key`, async () => {
    const key = quizKey(id);
    for (const k of options) {
      const r = await checker.run(id, isMultiSelect(stored?.cases[0]?.args ?? []) ? [k] : k);
      assert.equal(r.status, "recorded", `${k}: ${r.status} ${r.message}`);
      assert.equal(r.points, 0);
      assert.equal(r.cases[0]?.mistake, undefined);
      const text = JSON.stringify(r);
      for (const f of Object.values(key.feedback)) assert.ok(!text.includes(f), `${k}: the result holds an explanation from the key`);
    }
  });
  if (isMultiSelect(stored?.cases[0]?.args ?? [])) {
    itHoldsTheMultiSelectContract(judged, id, def, answer, options);
    return;
  }
  it(`${id} passes on the notebook's answer, judged with the key`, async () => {
    assert.equal(typeof answer, "string", `the notebook declares no answer ${def.fnName}`);
    const r = await judged(answer);
    assert.equal(r.status, "passed", r.message);
    assert.equal(r.points, r.maxPoints);
  });
  it(`${id} has at least three wrong options, each with its own feedback in the key`, () => {
    assert.ok(options.length >= 4, `options ${options.join(", ")}`);
    assert.deepEqual(Object.keys(quizKey(id).feedback).sort(), [...options].sort(), "feedback for every option, no more");
  });
  for (const key of options) {
    if (key === answer) continue;
    it(`${id} fails on option "${key}", judged with the key, and explains that option, not the answer`, async () => {
      const r = await judged(key);
      assert.equal(r.status, "failed");
      assert.equal(r.points, 0);
      const c = r.cases[0];
      assert.equal(c?.choice, key);
      assert.equal(c?.mistake, "wrong-choice");
      assert.ok(c?.message?.includes(quizKey(id).feedback[key] as string), "the option's own feedback");
      assert.equal(c?.expected, undefined, "the right answer is never shown");
      assert.ok(!JSON.stringify(r).includes(`"${answer}"`), "the result does not contain the right key");
    });
  }
  it(`${id} says "not completed yet" for the placeholder`, async () => {
    for (const r of [await checker.run(id, "?"), await judged("?")]) {
      assert.equal(r.status, "not-completed");
      assert.match(r.message, /not completed yet/);
    }
  });
  it(`${id} lists the valid keys for an unknown one`, async () => {
    for (const r of [await checker.run(id, "z"), await judged("z")]) {
      assert.equal(r.status, "failed");
      assert.equal(r.cases[0]?.mistake, "unknown-option");
      assert.equal(r.cases[0]?.choice, "z");
      for (const k of options) assert.ok(r.cases[0]?.message?.includes(`"${k}"`), `lists "${k}"`);
    }
  });
  it(`${id} fails on an answer that is not a string`, async () => {
    for (const bad of [undefined, 2, ["a"], () => "a"]) {
      for (const r of [await checker.run(id, bad), await judged(bad)]) {
        assert.equal(r.status, "failed", String(bad));
        assert.equal(r.points, 0);
      }
    }
  });
}

/**
 * A multi-select question ("all that apply"), judged with its key: the
 * notebook's list passes, in any order and case; a list with a false option
 * fails, explaining that option; a list missing a true option fails without
 * saying which; a single false option fails with its feedback; unknown keys
 * and non-lists fail.
 */
function itHoldsTheMultiSelectContract(judged: (value: unknown) => Promise<CheckResult>, id: string, def: QuizCheckDefinition, answer: unknown, options: string[]): void {
  const right = Array.isArray(answer) ? (answer as string[]) : [];
  it(`${id} passes on the notebook's answer, in any order`, async () => {
    assert.ok(Array.isArray(answer) && right.length > 0, `the notebook declares no list answer ${def.fnName}`);
    for (const a of [right, [...right].reverse().map((k) => ` ${k.toUpperCase()}`)]) {
      const r = await judged(a);
      assert.equal(r.status, "passed", r.message);
      assert.equal(r.points, r.maxPoints);
    }
  });
  it(`${id} has a false option to choose and feedback for every option`, () => {
    assert.ok(options.length >= 4 && options.some((k) => !right.includes(k)), `options ${options.join(", ")}`);
    assert.deepEqual(Object.keys(quizKey(id).feedback).sort(), [...options].sort(), "feedback for every option, no more");
  });
  for (const key of options.filter((k) => !right.includes(k))) {
    it(`${id} fails when the false option "${key}" is chosen, and explains it`, async () => {
      for (const a of [[key], [...right, key]]) {
        const r = await judged(a);
        assert.equal(r.status, "failed");
        assert.equal(r.points, 0);
        assert.equal(r.cases[0]?.mistake, "wrong-choice");
        assert.ok(r.cases[0]?.message?.includes(quizKey(id).feedback[key] as string), "the option's own feedback");
        assert.equal(r.cases[0]?.expected, undefined, "the right answer is never shown");
      }
    });
  }
  if (right.length > 1) {
    it(`${id} fails when a true option is left out, without saying which`, async () => {
      const [leftOut, ...rest] = right as [string, ...string[]];
      const r = await judged(rest);
      assert.equal(r.status, "failed");
      assert.equal(r.cases[0]?.mistake, "wrong-choice");
      assert.match(r.cases[0]?.message ?? "", /true as well/);
      assert.ok(!JSON.stringify(r).includes(`"${leftOut}"`), "the left-out key is not shown");
    });
  }
  it(`${id} says "not completed yet" for the placeholder, and rejects unknown keys and non-lists`, async () => {
    assert.equal((await judged("?")).status, "not-completed");
    const unknown = await judged([...right, "z"]);
    assert.equal(unknown.cases[0]?.mistake, "unknown-option");
    for (const bad of [undefined, 2, [], [1], () => right]) {
      const r = await judged(bad);
      assert.equal(r.status, "failed", String(bad));
      assert.equal(r.points, 0);
    }
  });
}

/** Whether a recorded quiz result's choice is its key's answer (the grader's verdict on it). */
function choiceIsTheAnswer(r: CheckResult): boolean {
  const choice = r.cases[0]?.choice;
  const answer = quizKey(r.id).answer;
  const list = (v: string | string[]): string => JSON.stringify(Array.isArray(v) ? [...v].sort() : [v]);
  return choice !== undefined && list(choice) === list(answer);
}

/**
 * A graded quiz check in a notebook run: "recorded" (never a verdict), with no
 * points and nothing of its key, its choice the key's answer or not (`right`).
 */
function assertRecordedQuiz(r: CheckResult, right: boolean): void {
  assert.equal(r.status, "recorded", `${r.id}: ${r.status} ${r.message}`);
  assert.equal(r.points, 0);
  assert.equal(r.passed, false);
  assert.equal(choiceIsTheAnswer(r), right, `${r.id}: the recorded choice ${JSON.stringify(r.cases[0]?.choice)} ${right ? "is not" : "is"} the key's answer`);
  const text = JSON.stringify(r);
  for (const f of Object.values(quizKey(r.id).feedback)) assert.ok(!text.includes(f), `${r.id}: the notebook shows an explanation from the key`);
}

/** The lesson whose expected file holds a check: the one whose slug starts with the id's NN. */
function lessonOf(id: string): string {
  const prefix = id.slice(0, 2);
  const slug = LESSON_SLUGS.find((s) => s.startsWith(prefix));
  if (!slug) throw new Error(`no lesson for ${id}`);
  return slug;
}

/**
 * Runs the solution edition (the lesson as written); asserts no error, no
 * aborted cell, every check passed in order, and no tensor left alive at the
 * end that the setup cell had not made. Returns the run for the lesson's own
 * assertions (its numbers and figures).
 */
export function assertSolutionEditionPasses(slug: string, ids: readonly string[]): NotebookRun {
  const run = runNotebook(sourceNotebook(slug));
  assert.deepEqual(problems(run), []);
  assert.equal(leakedTensors(run), 0, "every tensor the notebook creates is disposed by its end");
  const results = checkResults(run);
  assert.deepEqual(results.map((r) => r.id), ids);
  for (const r of results) {
    if (isQuizId(r.id)) assertRecordedQuiz(r, true);
    else assert.equal(r.status, "passed", `${r.id}: ${r.message}`);
  }
  console.log(`${slug} solution edition: kernel start ${run.kernelStartSeconds?.toFixed(1)} s, total ${run.totalSeconds.toFixed(1)} s`);
  return run;
}

/** Runs the student edition; asserts it runs to the end with every check "not completed yet". */
export function assertStudentEditionNotCompleted(slug: string, ids: readonly string[]): NotebookRun {
  const run = runNotebook(writeStudentEdition(slug));
  assert.deepEqual(problems(run), []);
  const results = checkResults(run);
  assert.deepEqual(results.map((r) => r.id), ids);
  for (const r of results) {
    assert.equal(r.status, "not-completed", `${r.id}: ${r.message}`);
    assert.equal(r.points, 0);
    assert.match(r.message, /not completed yet/);
  }
  return run;
}

/**
 * Runs an edition whose exercises are replaced by `replacements` (function
 * name → wrong source; a lesson's own are in test/lessons/wrong-editions.json,
 * setup/test.ts wrongEdition, which npm test also warms the cell cache with); asserts it runs to the end with every check failed and
 * returns the run and the results by id, for lesson-specific assertions.
 */
export function assertWrongEditionFails(slug: string, ids: readonly string[], replacements: Record<string, string>): { run: NotebookRun; byId: Record<string, CheckResult> } {
  const run = runNotebook(writeVariant(slug, "wrong", replacements));
  assert.deepEqual(problems(run), []);
  const results = checkResults(run);
  assert.deepEqual(results.map((r) => r.id), ids);
  for (const r of results) {
    // A wrong quiz answer is recorded like any other; the grader's key gives it no points.
    if (isQuizId(r.id)) {
      assertRecordedQuiz(r, false);
      continue;
    }
    assert.equal(r.status, "failed", `${r.id}: ${r.status} ${r.message}`);
    assert.equal(r.points, 0);
    assert.ok(r.message.length > 0, `${r.id} says why it failed`);
  }
  return { run, byId: Object.fromEntries(results.map((r) => [r.id, r])) };
}

/** The outputs of the code cell that contains `needle` (e.g. the training cell). */
export function codeCell(run: NotebookRun, needle: string): NotebookRun["cells"][number] {
  const cell = run.cells.find((c) => c.type === "code" && c.source.includes(needle));
  assert.ok(cell, `no code cell contains ${JSON.stringify(needle)}`);
  return cell;
}

/** What `lab.progress(label)` records when training ends. */
interface ProgressRecord {
  label: string;
  epoch: number;
  epochs: number;
  logs: Record<string, number>;
  seconds: number;
  inPlace: boolean;
}

/**
 * Asserts a training cell shows its progress as one display updated in place
 * (nbclient applies update_display_data to the original output: the cell has
 * one plain-text display) and that the run labelled `label` finished all
 * `epochs` epochs with a finite loss. Returns the recorded progress.
 */
export function assertOneProgressDisplay(run: NotebookRun, needle: string, label: string, epochs: number): ProgressRecord {
  const cell = codeCell(run, needle);
  const texts = cell.other.filter((o) => "text/plain" in o);
  assert.equal(texts.length, 1, "one progress display, updated in place");
  const progress = cellRecords(cell).find((r) => r.name === `progress:${label}`)?.value as ProgressRecord | undefined;
  assert.ok(progress, `the cell recorded no progress for "${label}": ${JSON.stringify(cellRecords(cell).map((r) => r.name))}`);
  assert.equal(progress.inPlace, true, "progress updates a display in place");
  assert.equal(progress.epochs, epochs);
  assert.equal(progress.epoch, epochs, "training ran every epoch");
  assert.ok(Number.isFinite(progress.logs.loss), `final loss ${progress.logs.loss}`);
  assert.ok(progress.seconds >= 0);
  return progress;
}

/** Asserts the setup cell recorded one of the course's three backends. */
export function assertBackendRecorded(run: NotebookRun): void {
  const setup = recorded<{ backend: string }>(run, "setup");
  assert.ok(["wasm", "tensorflow", "cpu"].includes(setup.backend), `backend ${setup.backend}`);
}

/** Asserts `value` is a number in [lo, hi] (a printed "9.62…e-1" is the interval it stands for). */
export function assertBetween(value: unknown, lo: number, hi: number, what: string): void {
  assert.equal(typeof value, "number", `${what}: expected a number, got ${JSON.stringify(value)}`);
  assert.ok((value as number) >= lo && (value as number) <= hi, `${what}: ${value} is not in [${lo}, ${hi}]`);
}

/** Asserts `value` is a number within `tol` of `expected`. */
export function assertNear(value: unknown, expected: number, tol: number, what: string): void {
  assertBetween(value, expected - tol, expected + tol, what);
}

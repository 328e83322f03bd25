/**
 * Judging, outside the sandbox: a check is run again with the expected values,
 * but instead of calling the student's function each case takes the output
 * the sandboxed worker recorded for it (grading/worker.ts). The check's own
 * code (transforms already applied inside, tolerances, hints, messages) is the
 * one the notebook runs, so a grade says what `lab.check` would say. A graded
 * quiz question is judged with its key (grading/quiz-key-file.ts), which only
 * the grader holds: the notebook itself only records the answer.
 */
import { caseInput, isQuizCheck, judgeCase, runCheck, type CaseRunner, type CheckDefinition, type CheckResult, type QuizKey } from "../lib/checks";
import { decodeOutput, type WireOutput } from "./wire";
import type { StopKind } from "./types";

/** Stands in for the student's function while judging: it is never called. */
function recordedFunction(): never {
  throw new Error("the grader judges recorded outputs; it never calls submitted code");
}

/** A case runner that judges the recorded outputs, in order, against the expected values. */
function replayRunner(outputs: readonly unknown[]): CaseRunner {
  let next = 0;
  return async (name, _fn, args, expected, tolerance, opts = {}) => judgeCase(name, caseInput(args, opts), decodeOutput(outputs[next++]), expected, tolerance, opts.alternatives);
}

/** What the worker reported for one check. */
export type CheckOutcome =
  | { kind: "outputs"; outputs: WireOutput[] }
  | { kind: "missing"; message: string }
  | { kind: "stopped"; message: string; stop: StopKind };

/**
 * The check's result from what the worker reported: the same result `lab.check`
 * gives for those outputs, but for a quiz question with its `key`, judged (without
 * one, a valid answer is "recorded").
 */
export async function judgeCheck(def: CheckDefinition, outcome: CheckOutcome | undefined, key?: QuizKey): Promise<CheckResult> {
  const base = { id: def.id, points: 0, maxPoints: def.points, passed: false, status: "failed" as const, cases: [], hints: [def.hints[0]], hintLevels: def.hints.length };
  if (!outcome) return { ...base, message: "not graded (the grading process kept stopping)" };
  if (outcome.kind !== "outputs") return { ...base, message: outcome.message };
  return runCheck(key && isQuizCheck(def) ? def.withKey(key) : def, recordedFunction, replayRunner(outcome.outputs));
}

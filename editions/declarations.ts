/**
 * What a lesson's code cell declares, and where its solution is: written once,
 * for the student editions (editions/editions.ts), the grader's scoring plan
 * (grading/scoring-plan.ts, also bundled into the browser edition's
 * validation), the release's leak scan (tools/release.ts) and the benchmarks.
 * Pure: no I/O, no Node modules.
 */
import { QUIZ_ANSWER_DECLARATION } from "../lib/checks/quiz-answer";

/**
 * The line that opens a solution region (its indent captured: the student's
 * placeholder keeps it), and the line that closes it.
 */
export const SOLUTION_BEGIN = /^(\s*)\/\/ BEGIN SOLUTION\s*$/;
export const SOLUTION_END = /^\s*\/\/ END SOLUTION\s*$/;

/**
 * A function declared at a cell's top level: no indent, as tslab and the
 * grader see declarations (a function inside a block is not the cell's).
 */
const TOP_LEVEL_FUNCTION = /^(?:export\s+)?(?:async\s+)?function\s+([A-Za-z_$][\w$]*)\s*\(/gm;

/** Functions a code cell declares at its top level (`function name(`), then its quiz answers (`const quizName =`). */
export function declaredFunctions(source: string): string[] {
  const functions = [...source.matchAll(TOP_LEVEL_FUNCTION)].map((m) => m[1] as string);
  const answers = [...source.matchAll(new RegExp(QUIZ_ANSWER_DECLARATION.source, "gm"))].map((m) => m[1] as string);
  return [...functions, ...answers];
}

/** The name of what a code cell declares for a check: its first top-level function, else its quiz answer; null: neither. */
export function declaredFunction(source: string): string | null {
  return declaredFunctions(source)[0] ?? null;
}

/**
 * Runs a demonstration cell that uses a student's function. In tslab a cell
 * that throws aborts the cells queued after it, so a demonstration must not
 * throw: an unfinished exercise prints "not completed yet", any other error
 * prints what went wrong, and the notebook carries on.
 */
import { NOT_COMPLETED } from "./harness";
import { record } from "../runtime/record";

/**
 * Runs `fn` and returns its value, or undefined (with a message) if it throws.
 *
 * @example const result = await demo(() => gradientDescent(X, y, [0, 0], 0, 0.1, 1000));
 */
export async function demo<T>(fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    // How the cell ended, as data (`demo`), for tests: the sentence below is for students.
    record("demo", { outcome: text.includes(NOT_COMPLETED) ? "not-completed" : "stopped", error: err instanceof Error ? err.name : "Error", message: text });
    if (text.includes(NOT_COMPLETED)) {
      console.log(`○ This cell uses an exercise that is ${NOT_COMPLETED} (${text}). Finish it above, run its check, then run this cell again.`);
    } else {
      const name = err instanceof Error ? err.name : "Error";
      console.log(`⚠ This cell stopped: ${name}: ${text}\n   If it uses one of your functions, that exercise's check cell says what is wrong; fix it and run this cell again.`);
    }
    return undefined;
  }
}

/**
 * Stops a demonstration cell when an earlier exercise gave nothing to work
 * with (its cell threw, or it is still the stub). Inside `demo`, the message
 * reads as "not completed yet" and the notebook carries on.
 *
 * @example const model = lab.needs(digitModel, "buildDigitModel");
 */
export function needs<T>(value: T | undefined | null, exercise: string): T {
  if (value === undefined || value === null) {
    throw new Error(`${exercise} is ${NOT_COMPLETED}, or its cell failed: there is no model to use here`);
  }
  return value;
}

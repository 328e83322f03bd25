/**
 * The check harness: runs a student's function on stored cases, compares with
 * expected values at explicit tolerances and reports per case. A check never
 * throws and never stops the notebook (in tslab a failed cell aborts the cells
 * queued after it), whatever the student's code does: throw, return the wrong
 * type or shape, NaN, a Promise, or leak tensors.
 */
import * as tf from "@tensorflow/tfjs";
import { cloneData, compare, formatValue, isPromiseLike, sameData, type Tolerance } from "./compare";
import { disposeValue } from "./dispose";
import { detectMistake, type Alternative, type MistakeName } from "./mistakes";

/**
 * How a check ended. "recorded": a graded quiz answer of a valid form, which
 * only the grader judges (it holds the key); no verdict, no points yet, and
 * none counted as lost.
 */
export type CheckStatus = "passed" | "failed" | "not-completed" | "error" | "recorded";

/** One stored case's outcome, as shown in the report. */
export interface CaseResult {
  name: string;
  passed: boolean;
  input?: string;
  expected?: string;
  got?: string;
  maxDiff?: number;
  tolerance?: Tolerance;
  message?: string;
  /** The common mistake the wrong answer shows, if one was recognised (its sentence ends `message`). */
  mistake?: MistakeName;
  /** A quiz answer's option key, as given (normalised: trimmed, lower case); for a multi-select question, the sorted keys. */
  choice?: string | string[];
  /** A valid quiz answer without a verdict here: the grader judges it with the key (status "recorded"). */
  recorded?: boolean;
}

/** A whole check's outcome; also written, as JSON, into the cell output for graders. */
export interface CheckResult {
  id: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  status: CheckStatus;
  message: string;
  /** The hint tiers shown with this result, tier 1 first (more appear after repeated failures). */
  hints?: string[];
  /** How many tiers the check has in all (`lab.hint(id, level)` prints any of them). */
  hintLevels?: number;
  cases: CaseResult[];
}

/** A check's hints: tier 1 says which idea to revisit, tier 2 the formula or steps, further tiers the usual pitfalls. Never code. */
export type HintTiers = readonly [string, ...string[]];

/** What a check is: its id, its worth, and how it runs a student's function. */
export interface CheckDefinition {
  /** Stable id `NN.functionName`, e.g. "01.sigmoid". */
  id: string;
  points: number;
  /** Shown when the check fails, in tiers: conceptual first, more detail on request or after repeated failures. */
  hints: HintTiers;
  /** Runs every case through `runCase` (default `compareCase`), which alone calls the student's code. */
  run(fn: unknown, runCase?: CaseRunner): Promise<CaseResult[]>;
}

/** Text a student stub throws; any error whose message contains it means "not done yet". */
export const NOT_COMPLETED = "not completed yet";

/** Raised by `callStudent` when the student's function is still the stub. */
export class NotCompletedError extends Error {
  constructor(message: string) {
    super(message);
    // defineProperty, not assignment: assigning `name` fails when Error.prototype is frozen (the grader freezes it).
    Object.defineProperty(this, "name", { value: "NotCompletedError" });
  }
}

/** Raised by `callStudent` for anything else the student's code threw. */
export class StudentCodeError extends Error {
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, "name", { value: "StudentCodeError" });
  }
}

/** The value a student's call returned, and the tensors it left behind. */
interface StudentCall<T = unknown> {
  value: T;
  leakedTensors: number;
}

/** "Name: message" for any thrown value, including errors from another realm (graded code). */
function errorText(err: unknown): string {
  if (typeof err === "object" && err !== null && typeof (err as Error).message === "string") {
    return `${String((err as Error).name ?? "Error")}: ${(err as Error).message}`;
  }
  return String(err);
}

/**
 * Calls the student's function on a private copy of `args`, so stored cases
 * cannot be changed, and reports if it modified its inputs or leaked tensors.
 */
export async function callStudent<T = unknown>(
  fn: unknown,
  args: readonly unknown[],
  opts: { allowAsync?: boolean; fnName?: string; keepsTensors?: boolean } = {},
): Promise<StudentCall<T>> {
  const name = opts.fnName ?? "your function";
  if (typeof fn !== "function") {
    throw new StudentCodeError(`expected a function, got ${fn === undefined ? "undefined (did the exercise cell run?)" : typeof fn}`);
  }
  const copy = cloneData(args) as unknown[];
  const before = tf.memory().numTensors;
  // A synchronous call that must not keep tensors runs in an engine scope, so
  // whatever it forgot to dispose is counted below and then freed: a wrong
  // function must not leave tensors behind in the student's kernel. (Scopes
  // cannot span an await, so async calls and model builders are not scoped.)
  const scoped = !opts.keepsTensors && !opts.allowAsync;
  let leakedTensors = 0;
  let value: unknown;
  if (scoped) tf.engine().startScope();
  try {
    value = (fn as (...a: unknown[]) => unknown)(...copy);
    if (opts.allowAsync && isPromiseLike(value)) value = await value;
  } catch (err) {
    const text = errorText(err);
    if (text.includes(NOT_COMPLETED)) throw new NotCompletedError(`${name} is ${NOT_COMPLETED}: write your code in the exercise cell above, run it, then run this check again.`);
    throw new StudentCodeError(`${name} threw ${text}`);
  } finally {
    // A model builder legitimately keeps its weights; everything else must clean up.
    leakedTensors = opts.keepsTensors ? 0 : tf.memory().numTensors - before;
    // A returned tensor survives the scope (the report says what was returned); compareCase frees it.
    if (scoped) tf.engine().endScope(value instanceof tf.Tensor ? value : undefined);
  }
  if (isPromiseLike(value) && !opts.allowAsync) {
    // Not awaited: free whatever it resolves to; a rejected, ignored Promise
    // would be reported by the kernel as unhandled.
    Promise.resolve(value).then(disposeValue, () => undefined);
  }
  const changed = copy.findIndex((a, i) => !sameData(a, args[i]));
  if (changed >= 0) {
    throw new StudentCodeError(`${name} modified its argument #${changed + 1} in place; copy it first (e.g. w.slice()) and return a new value`);
  }
  return { value: value as T, leakedTensors };
}

/** Options of `compareCase`. */
export interface CompareCaseOptions {
  fnName?: string;
  /** How the input is shown in the report (default: the arguments, abbreviated). */
  input?: string;
  /** Turns the returned value into what is compared (e.g. a model into its description). */
  transform?: (got: unknown) => unknown;
  /** Frees what the call returned (e.g. a model's weights) once compared. */
  dispose?: (got: unknown) => void;
  /** The function returns tensors it owns (a model's weights): not a leak. */
  keepsTensors?: boolean;
  /** The function may return a Promise (e.g. one that trains a model). */
  allowAsync?: boolean;
  /** What known mistakes would have returned for this case, so a matching answer names its mistake. */
  alternatives?: readonly Alternative[];
}

/**
 * What a student's function produced for one case, before any comparison:
 * the (transformed) value, or the error it raised. Grading computes this in a
 * sandbox, where the expected values are absent, and judges it outside.
 */
export type CaseOutput =
  | { kind: "value"; got: unknown; leakedTensors: number; returnedTensor: boolean }
  | { kind: "error"; message: string }
  | { kind: "not-completed"; message: string };

/** Calls the student's function on one case and returns what it produced; the first half of `compareCase`. */
export async function computeCase(fn: unknown, args: readonly unknown[], opts: CompareCaseOptions = {}): Promise<CaseOutput> {
  try {
    const call = await callStudent(fn, args, { fnName: opts.fnName, keepsTensors: opts.keepsTensors, allowAsync: opts.allowAsync });
    let got: unknown;
    try {
      got = opts.transform ? await opts.transform(call.value) : call.value;
    } finally {
      if (opts.dispose) opts.dispose(call.value);
      else if (!opts.keepsTensors) disposeValue(call.value);
    }
    return { kind: "value", got, leakedTensors: call.leakedTensors, returnedTensor: call.value instanceof tf.Tensor };
  } catch (err) {
    if (err instanceof NotCompletedError) return { kind: "not-completed", message: err.message };
    return { kind: "error", message: err instanceof StudentCodeError ? err.message : errorText(err) };
  }
}

/**
 * Judges what a student's function produced against the expected value; the
 * second half of `compareCase`. Throws NotCompletedError for a stub, as
 * `compareCase` does, so the whole check reports "not completed".
 */
export function judgeCase(name: string, input: string, output: CaseOutput, expected: unknown, tolerance: Tolerance, alternatives: readonly Alternative[] = []): CaseResult {
  if (output.kind === "not-completed") throw new NotCompletedError(output.message);
  if (output.kind === "error") return { name, input, expected: formatValue(expected), passed: false, message: output.message };
  const { got, leakedTensors, returnedTensor } = output;
  try {
    const c = compare(got, expected, tolerance);
    const base = { name, input, expected: formatValue(expected), got: formatValue(got), maxDiff: c.maxDiff, tolerance };
    const leak = `leaked ${leakedTensors} tensor(s): wrap tensor code in tf.tidy(() => …) or dispose() what you create`;
    // A wrong value is the first thing to fix (a returned tensor is counted as a
    // leak too, but "return plain numbers" is the useful message then).
    if (!c.ok) {
      // A recognised common mistake is named after the first difference.
      const mistake = detectMistake(got, expected, tolerance, alternatives);
      const message = mistake ? `${c.message} — ${mistake.message}` : c.message;
      const failed = { ...base, passed: false, message: leakedTensors > 0 && !returnedTensor ? `${message}; it also ${leak}` : message };
      return mistake ? { ...failed, mistake: mistake.name } : failed;
    }
    if (leakedTensors > 0) return { ...base, passed: false, message: leak };
    return { ...base, passed: true };
  } catch (err) {
    // A returned value that cannot even be read (e.g. a Proxy whose getters throw).
    return { name, input, expected: formatValue(expected), passed: false, message: errorText(err) };
  }
}

/** How a case's input is shown in the report: `opts.input`, else the arguments, abbreviated. */
export function caseInput(args: readonly unknown[], opts: CompareCaseOptions = {}): string {
  return opts.input ?? args.map((a) => formatValue(a)).join(", ");
}

/** A case that compares one returned value with one expected value. */
export async function compareCase(
  name: string,
  fn: unknown,
  args: readonly unknown[],
  expected: unknown,
  tolerance: Tolerance,
  opts: CompareCaseOptions = {},
): Promise<CaseResult> {
  return judgeCase(name, caseInput(args, opts), await computeCase(fn, args, opts), expected, tolerance, opts.alternatives);
}

/**
 * Runs one case of a check. Checks call the one they are given instead of
 * `compareCase` itself, so the grader can split a check in two: record what
 * the student's function produced (in a sandbox, without expected values),
 * then judge the recorded outputs against the expected values outside.
 */
export type CaseRunner = typeof compareCase;

/** Runs a check and never throws: every failure becomes a result that says what went wrong. */
export async function runCheck(def: CheckDefinition, fn: unknown, runCase: CaseRunner = compareCase): Promise<CheckResult> {
  const base = { id: def.id, maxPoints: def.points, hints: [def.hints[0]], hintLevels: def.hints.length };
  try {
    const cases = await def.run(fn, runCase);
    if (cases.length === 0) throw new Error(`check ${def.id} has no cases (course data problem: run \`npm run expected\`)`);
    const failed = cases.filter((c) => !c.passed && !c.recorded).length;
    if (failed === 0 && cases.some((c) => c.recorded)) {
      return { ...base, points: 0, passed: false, status: "recorded", message: cases.find((c) => c.recorded)?.message ?? "recorded", cases };
    }
    const passed = failed === 0;
    return {
      ...base,
      points: passed ? def.points : 0,
      passed,
      status: passed ? "passed" : "failed",
      message: passed ? `all ${cases.length} cases passed` : `${failed} of ${cases.length} cases failed`,
      cases,
    };
  } catch (err) {
    if (err instanceof NotCompletedError) {
      return { ...base, points: 0, passed: false, status: "not-completed", message: err.message, cases: [] };
    }
    if (err instanceof StudentCodeError) {
      return { ...base, points: 0, passed: false, status: "failed", message: err.message, cases: [] };
    }
    return { ...base, points: 0, passed: false, status: "error", message: `the check could not run: ${errorText(err)}`, cases: [] };
  }
}

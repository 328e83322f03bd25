/**
 * Builds a lesson's `check(id, fn)`: the one call a notebook's check cell makes.
 * Also builds the common kind of check, a function compared with stored cases
 * from data/expected/<lesson>.json (written by the Python oracle).
 */
import { compareCase, runCheck, type CaseResult, type CaseRunner, type CheckDefinition, type CheckResult, type CompareCaseOptions } from "./harness";
import type { Tolerance } from "./compare";
import { describeModel, disposeModel } from "./describe-model";
import { readDataJson } from "../runtime/paths";
import { report } from "./report";

/** One stored case: arguments, expected value, optional tolerance override. */
export interface StoredCase {
  name: string;
  args: unknown[];
  expected: unknown;
  atol?: number;
  rtol?: number;
}

/** A stored check: its cases and default tolerance. */
export interface StoredCheck {
  atol: number;
  rtol: number;
  cases: StoredCase[];
  [extra: string]: unknown;
}

/** The layout of data/expected/<lesson>.json. */
export interface ExpectedFile {
  lesson: string;
  generatedBy: string;
  checks: Record<string, StoredCheck>;
  values?: Record<string, unknown>;
}

/** Loads a lesson's expected values (read on every call, so a regenerated file is picked up). */
export function loadExpected(lesson: string): ExpectedFile {
  return readDataJson<ExpectedFile>("expected", `${lesson}.json`);
}

/** The stored cases for one check id, with a message naming the file if they are missing. */
export function storedCheck(lesson: string, id: string): StoredCheck {
  const file = loadExpected(lesson);
  const entry = file.checks[id];
  if (!entry) throw new Error(`data/expected/${lesson}.json has no entry for ${id}: run \`npm run expected\``);
  return entry;
}

/** A student's function, as a check calls it. */
export type StudentFunction = (...args: unknown[]) => unknown;

/** Options of a stored-cases check. */
export type StoredCheckOptions = {
  lesson: string;
  id: string;
  fnName: string;
  points: number;
  hint: string;
  /**
   * Calls the student's function through a wrapper: for stored arguments JSON
   * cannot hold (an activation named "relu" turned into the function) or for a
   * case that is a sequence of calls. Applied only to a function, so anything
   * else still gets the harness's "expected a function".
   */
  wrapCall?: (fn: StudentFunction) => StudentFunction;
  /** How a case's stored arguments are shown in the report (default: the arguments, abbreviated). */
  describeArgs?: (args: readonly unknown[]) => string;
} & Omit<CompareCaseOptions, "fnName" | "input">;

/** A check built from stored cases, which can be re-used with other cases (hidden checks). */
export interface StoredCheckDefinition extends CheckDefinition {
  fnName: string;
  /** The same check (same transform, tolerances rule, hint) on other cases, e.g. an instructor's hidden ones. */
  withCases(id: string, points: number, stored: StoredCheck, hint?: string): StoredCheckDefinition;
}

function casesCheck(opts: StoredCheckOptions, load: () => StoredCheck): StoredCheckDefinition {
  const { lesson, id, points, hint, wrapCall, describeArgs, ...caseOptions } = opts;
  return {
    id,
    points,
    hint,
    fnName: opts.fnName,
    async run(fn: unknown, runCase: CaseRunner = compareCase): Promise<CaseResult[]> {
      const stored = load();
      const call = wrapCall && typeof fn === "function" ? wrapCall(fn as StudentFunction) : fn;
      const results: CaseResult[] = [];
      for (const c of stored.cases) {
        const tol: Tolerance = { atol: c.atol ?? stored.atol, rtol: c.rtol ?? stored.rtol };
        results.push(await runCase(c.name, call, c.args, c.expected, tol, { ...caseOptions, input: describeArgs?.(c.args) }));
      }
      return results;
    },
    withCases: (newId, newPoints, stored, newHint) => casesCheck({ ...opts, lesson, id: newId, points: newPoints, hint: newHint ?? hint }, () => stored),
  };
}

/**
 * A check that calls `fnName` on every stored case of data/expected/<lesson>.json
 * and compares the result. `transform` can normalise a result before comparing.
 */
export function storedFunctionCheck(opts: StoredCheckOptions): StoredCheckDefinition {
  return casesCheck(opts, () => storedCheck(opts.lesson, opts.id));
}

/**
 * A check of a model-building exercise: the returned tf.LayersModel is turned
 * into its description (layers, units, activations, shapes, parameters, loss,
 * optimizer) and compared with the stored one, then freed with its optimizer.
 */
export function storedModelCheck(opts: Omit<StoredCheckOptions, "transform" | "dispose" | "keepsTensors">): StoredCheckDefinition {
  return storedFunctionCheck({ ...opts, transform: describeModel, dispose: disposeModel, keepsTensors: true });
}

/** A lesson's checks, indexed by id, with the `check` function notebooks call. */
export interface Checker {
  /** Every check of the lesson, in notebook order. */
  definitions: readonly CheckDefinition[];
  /** Runs a check and returns the result without displaying it (tests, grader). */
  run(id: string, fn: unknown): Promise<CheckResult>;
  /** Runs a check and shows its report; never throws, so the notebook goes on. */
  check(id: string, fn: unknown): Promise<void>;
}

/** Creates the checker for a lesson from its check definitions. */
export function createChecker(definitions: readonly CheckDefinition[]): Checker {
  const byId = new Map(definitions.map((d) => [d.id, d]));
  const run = async (id: string, fn: unknown): Promise<CheckResult> => {
    const def = byId.get(id);
    if (!def) {
      return {
        id, points: 0, maxPoints: 0, passed: false, status: "error", cases: [],
        message: `unknown check id "${id}"; this lesson's checks are ${[...byId.keys()].join(", ")}`,
      };
    }
    return runCheck(def, fn);
  };
  return {
    definitions,
    run,
    check: async (id, fn) => {
      try {
        report(await run(id, fn));
      } catch (err) {
        // Only a bug in the course itself gets here; still keep the notebook going.
        console.log(`⚠️ ${id}: the check itself failed (${err instanceof Error ? err.message : String(err)}). Please report this.`);
      }
    },
  };
}

/**
 * Builds a lesson's `check(id, fn)`: the one call a notebook's check cell makes.
 * Also builds the common kind of check, a function compared with stored cases
 * from data/expected/<lesson>.json (written by the Python oracle).
 */
import { compareCase, runCheck, type CaseResult, type CaseRunner, type CheckDefinition, type CheckResult, type CompareCaseOptions, type HintTiers } from "./harness";
import type { Alternative } from "./mistakes";
import { FailureCounter, lookupHint, renderHint, renderHintHtml, withTiers, type HintLookup } from "./hints";
import { showHtml } from "../runtime/display";
import type { Tolerance } from "./compare";
import { describeModel, disposeModel } from "./describe-model";
import { readDataJson } from "../runtime/paths";
import { report } from "./report";

/** One stored case: arguments, expected value, optional tolerance override. */
interface StoredCase {
  name: string;
  args: unknown[];
  expected: unknown;
  atol?: number;
  rtol?: number;
  /** A hidden case's kind ("large logits"): what a student's feedback says of it when it fails, never its values. */
  category?: string;
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
  /** Tier 1 conceptual (which idea to revisit), tier 2 the formula or steps, optional tier 3 the usual pitfalls. */
  hints: HintTiers;
  /** What known mistakes would return for a case's arguments, so a wrong answer matching one is named. */
  mistakes?: (args: readonly unknown[]) => Alternative[];
  /**
   * Calls the student's function through a wrapper: for stored arguments JSON
   * cannot hold (an activation named "relu" turned into the function) or for a
   * case that is a sequence of calls. Applied only to a function, so anything
   * else still gets the harness's "expected a function".
   */
  wrapCall?: (fn: StudentFunction) => StudentFunction;
  /** How a case's stored arguments are shown in the report (default: the arguments, abbreviated). */
  describeArgs?: (args: readonly unknown[]) => string;
} & Omit<CompareCaseOptions, "fnName" | "input" | "alternatives">;

/** A check built from stored cases, which can be re-used with other cases (hidden checks). */
export interface StoredCheckDefinition extends CheckDefinition {
  fnName: string;
  /** The same check (same transform, tolerances rule, hints) on other cases, e.g. an instructor's hidden ones. */
  withCases(id: string, points: number, stored: StoredCheck, hints?: HintTiers): StoredCheckDefinition;
}

function casesCheck(opts: StoredCheckOptions, load: () => StoredCheck): StoredCheckDefinition {
  const { lesson, id, points, hints, wrapCall, describeArgs, mistakes, ...caseOptions } = opts;
  return {
    id,
    points,
    hints,
    fnName: opts.fnName,
    async run(fn: unknown, runCase: CaseRunner = compareCase): Promise<CaseResult[]> {
      const stored = load();
      const call = wrapCall && typeof fn === "function" ? wrapCall(fn as StudentFunction) : fn;
      const results: CaseResult[] = [];
      for (const c of stored.cases) {
        const tol: Tolerance = { atol: c.atol ?? stored.atol, rtol: c.rtol ?? stored.rtol };
        results.push(await runCase(c.name, call, c.args, c.expected, tol, { ...caseOptions, input: describeArgs?.(c.args), alternatives: mistakes?.(c.args) }));
      }
      return results;
    },
    withCases: (newId, newPoints, stored, newHints) => casesCheck({ ...opts, lesson, id: newId, points: newPoints, hints: newHints ?? hints }, () => stored),
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
  /** Runs a check and returns the result without displaying it (tests, grader); counts no failures. */
  run(id: string, fn: unknown): Promise<CheckResult>;
  /** What `check` does without displaying: runs, counts a failure, and picks the hint tiers to show. */
  attempt(id: string, fn: unknown): Promise<CheckResult>;
  /** Runs a check and shows its report; never throws, so the notebook goes on. */
  check(id: string, fn: unknown): Promise<void>;
  /** Tier `level` of a check's hint, without printing it. */
  lookupHint(id: string, level?: number): HintLookup;
  /** Prints tier `level` (default 1) of a check's hint: `lab.hint("04.stableSoftmax", 2)`. */
  hint(id: string, level?: number): void;
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
  // Failed runs per check in this kernel: from the third, a report adds hint tier 2.
  const failures = new FailureCounter();
  const attempt = async (id: string, fn: unknown): Promise<CheckResult> => {
    const r = await run(id, fn);
    return withTiers(r, byId.get(id), failures.record(r));
  };
  return {
    definitions,
    run,
    attempt,
    lookupHint: (id, level) => lookupHint(definitions, id, level),
    hint: (id, level) => {
      // In a kernel, HTML that also records which tier was shown (read back by a grader's item analysis).
      const h = lookupHint(definitions, id, level);
      if (!showHtml(renderHintHtml(h))) console.log(renderHint(h));
    },
    check: async (id, fn) => {
      try {
        report(await attempt(id, fn));
      } catch (err) {
        // Only a bug in the course itself gets here; still keep the notebook going.
        console.log(`⚠ ${id}: the check itself failed (${err instanceof Error ? err.message : String(err)}). Please report this.`);
      }
    },
  };
}

/**
 * Recognises common mistakes from what a wrong answer looks like, so a failed
 * case can name the mistake ("the rows do not add up to 1") instead of only
 * the first differing number. Each detector is a pure function of the value
 * got and the value expected: it runs the same way in the notebook and in the
 * grader, which judges recorded outputs outside the sandbox.
 *
 * A detector fires only when the wrong answer is exactly what the mistake
 * produces (up to the case's tolerance, loosened a little), never on a right
 * answer and not on an unrelated wrong one.
 */
import type { Tolerance } from "./compare";

/**
 * The mistakes the checks can name: the catalogue. A grader's item analysis
 * (grading/item-analysis.ts) counts only ids in this list, so nothing a
 * submission returns or prints can add a mistake of its own.
 */
export const MISTAKE_NAMES = [
  "logits-as-probabilities",
  "probabilities-as-logits",
  "not-normalised",
  "wrong-sign",
  "transposed",
  "off-by-one",
  "wrong-layer-activation",
  "output-range",
  "wrong-loss",
  "not-compiled",
  "lecture-half-factor",
  // A decision exercise (lib/checks/decision.ts): a layer, activation, loss or fromLogits chosen wrong.
  "wrong-decision",
  // A quiz answer (lib/checks/quiz.ts): an option that is not the answer, or a key that is no option.
  "wrong-choice",
  "unknown-option",
] as const;

/** One of the mistakes the checks can name (see MISTAKE_NAMES). */
export type MistakeName = (typeof MISTAKE_NAMES)[number];

/** True for an id in the catalogue (for data read back from files a submission could have shaped). */
export function isMistakeName(v: unknown): v is MistakeName {
  return typeof v === "string" && (MISTAKE_NAMES as readonly string[]).includes(v);
}

/** A recognised mistake and the sentence appended to the case's message. */
interface Mistake {
  name: MistakeName;
  message: string;
}

/** A detector: got and expected (at one position, named by `where` for messages) → the mistake, or null. */
export type MistakeDetector = (got: unknown, expected: unknown, tol: Tolerance, where?: string) => Mistake | null;

/**
 * What a check knows a specific mistake would have returned for this case
 * (e.g. the loss computed with the `fromLogits` flag ignored); when the
 * student's answer matches it, that mistake is named.
 */
export interface Alternative {
  name: MistakeName;
  /** What the mistake returns (matched up to the tolerance), when it is known as a value. */
  expected?: unknown;
  message?: string;
  /**
   * Or: the sentence naming the mistake, worked out from the answer itself and
   * the expected value (null when this is not the mistake). It must accept any
   * data, since it reads what a submission returned.
   */
  explain?: (got: unknown, expected: unknown) => string | null;
}

// ---------------------------------------------------------------- helpers

/** Diagnosis tolerance: the case's tolerance, loosened (a mistake need not be float64-exact). */
function loose(tol: Tolerance): Tolerance {
  return { atol: Math.max(tol.atol, 1e-9) * 10, rtol: Math.max(tol.rtol, 1e-7) * 10 };
}

function close(a: number, b: number, tol: Tolerance): boolean {
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b);
}

function isNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function isVector(v: unknown): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every(isNumber);
}

function isMatrix(v: unknown): v is number[][] {
  return Array.isArray(v) && v.length > 0 && v.every(isVector) && v.every((r) => r.length === (v[0] as number[]).length);
}

/** The numbers of a number, vector or matrix, flattened; null for anything else. */
function numbers(v: unknown): number[] | null {
  if (isNumber(v)) return [v];
  if (isVector(v)) return v;
  if (isMatrix(v)) return v.flat();
  return null;
}

/** True when got and expected are numbers of the same shape and every pair satisfies `same`. */
function sameShapeAll(got: unknown, expected: unknown, same: (g: number, e: number) => boolean): boolean {
  const g = numbers(got);
  const e = numbers(expected);
  if (!g || !e || g.length !== e.length) return false;
  if (Array.isArray(got) !== Array.isArray(expected)) return false;
  if (isMatrix(expected) && !(isMatrix(got) && got.length === expected.length)) return false;
  return e.every((x, i) => same(g[i] as number, x));
}

function equalAll(got: unknown, expected: unknown, tol: Tolerance): boolean {
  return sameShapeAll(got, expected, (g, e) => close(g, e, tol));
}

/** The rows of a vector (one row) or a matrix. */
function rows(v: number[] | number[][]): number[][] {
  return isMatrix(v) ? v : [v as number[]];
}

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);
const at = (where: string | undefined): string => (where ? ` at ${where}` : "");

// ---------------------------------------------------------------- detectors

/**
 * Softmax not normalised: the expected rows are probabilities (non-negative,
 * adding up to 1) and each row got is a positive multiple of the expected one
 * that does not add up to 1; or, for log-probabilities, each row got is the
 * expected one shifted by a constant (the log of the sum was not subtracted).
 */
export const notNormalised: MistakeDetector = (got, expected, tol, where) => {
  if (!(isVector(expected) || isMatrix(expected)) || !(isVector(got) || isMatrix(got))) return null;
  if (isMatrix(expected) !== isMatrix(got)) return null;
  const e = rows(expected);
  const g = rows(got);
  if (e.length !== g.length || e.some((r, i) => r.length !== (g[i] as number[]).length || r.length < 2)) return null;
  const t = loose(tol);
  const message = `softmax is not normalised: the values${at(where)} do not add up to 1 as probabilities must (divide each row by its own sum)`;
  const probabilities = e.every((r) => r.every((x) => x >= 0) && close(sum(r), 1, t));
  if (probabilities) {
    const scaled = g.every((r, i) => {
      const s = sum(r);
      return r.every((x) => x >= 0) && s > 0 && !close(s, 1, t) && r.every((x, j) => close(x / s, (e[i] as number[])[j] as number, t));
    });
    return scaled ? { name: "not-normalised", message } : null;
  }
  const logProbabilities = e.every((r) => r.every((x) => x <= t.atol) && close(sum(r.map(Math.exp)), 1, t));
  if (logProbabilities) {
    const shifted = g.every((r, i) => {
      const shift = (r[0] as number) - ((e[i] as number[])[0] as number);
      return !close(shift, 0, t) && r.every((x, j) => close(x - shift, (e[i] as number[])[j] as number, t));
    });
    if (shifted) return { name: "not-normalised", message: `each row${at(where)} is off by a constant: the log of the sum of exponentials was not subtracted, so the probabilities are not normalised` };
  }
  return null;
};

/**
 * Wrong sign: got ≈ −expected (a gradient with error y − f instead of f − y),
 * or, for values between 0 and 1, got ≈ 1 − expected (a sigmoid of
 * −z instead of z: the probability of the other class).
 */
export const wrongSign: MistakeDetector = (got, expected, tol, where) => {
  const e = numbers(expected);
  if (!e) return null;
  const t = loose(tol);
  if (equalAll(got, expected, t)) return null;
  if (e.some((x) => Math.abs(x) > t.atol) && sameShapeAll(got, expected, (g, x) => close(-g, x, t))) {
    return { name: "wrong-sign", message: `every value${at(where)} has the wrong sign (got ≈ −expected): look for a minus sign dropped or added (f − y versus y − f, −log p versus log p, w − α·dw versus w + α·dw)` };
  }
  // Probabilities, not 0/1 integers (a counter at 1 that should be 0 is no flipped sigmoid).
  if (e.every((x) => x >= 0 && x <= 1) && e.some((x) => x > 0 && x < 1) && sameShapeAll(got, expected, (g, x) => close(1 - g, x, t))) {
    return { name: "wrong-sign", message: `got ≈ 1 − expected${at(where)}: the sign of the exponent (or of z) is flipped, which gives the probability of the other class` };
  }
  return null;
};

/**
 * W transposed: expected is an m×n matrix (m ≠ n) and got is its n×m
 * transpose; or, for a weight shape stored at `.W`, got is [units, inputs]
 * instead of [inputs, units].
 */
export const transposed: MistakeDetector = (got, expected, tol, where) => {
  const t = loose(tol);
  // Built only once the shapes are known to be numbers: a student's got may hold (disposed) tensors.
  const message = (): string => `the matrix${at(where)} is transposed (got ${describeShape(got)}, expected ${describeShape(expected)}): rows are inputs (or examples) and columns are units`;
  if (isMatrix(expected) && isMatrix(got)) {
    const m = expected.length;
    const n = (expected[0] as number[]).length;
    if (m === n || got.length !== n || (got[0] as number[]).length !== m) return null;
    const match = expected.every((r, i) => r.every((x, j) => close((got[j] as number[])[i] as number, x, t)));
    return match ? { name: "transposed", message: message() } : null;
  }
  // A shape pair such as [400, 25] for W (lesson 05's layerWeightShapes).
  if (where !== undefined && /\.W$/.test(where) && isVector(expected) && expected.length === 2 && isVector(got) && got.length === 2) {
    const [a, b] = expected as [number, number];
    if (a !== b && Number.isInteger(a) && Number.isInteger(b) && got[0] === b && got[1] === a) return { name: "transposed", message: message() };
  }
  return null;
};

function describeShape(v: unknown): string {
  if (isMatrix(v)) return `${v.length}×${(v[0] as number[]).length}`;
  if (isVector(v)) return `[${v.join(", ")}]`;
  return typeof v;
}

/**
 * Off by one: expected holds labels or class indices (an array of at
 * least one non-negative integer) and every value got is the expected one plus 1
 * (or every one minus 1): counting from 1 instead of 0, or the reverse. A
 * single integer (a step counter such as Adam's t) is not a label.
 */
export const offByOne: MistakeDetector = (got, expected, _tol, where) => {
  const e = Array.isArray(expected) ? numbers(expected) : null;
  if (!e || !e.every((x) => Number.isInteger(x) && x >= 0)) return null;
  for (const shift of [1, -1]) {
    if (sameShapeAll(got, expected, (g, x) => g === x + shift)) {
      return { name: "off-by-one", message: `every label${at(where)} is off by one (got expected ${shift > 0 ? "+" : "−"} 1): class indices count from 0` };
    }
  }
  return null;
};

/** The parts of a model description the layer detector reads. */
interface DescribedLayers {
  layers: { name?: string; className?: string; activation?: string }[];
}

function isDescribedModel(v: unknown): v is DescribedLayers {
  return typeof v === "object" && v !== null && Array.isArray((v as { layers?: unknown }).layers);
}

const PROBABILITY_ACTIVATIONS = new Set(["softmax", "sigmoid"]);

/**
 * A layer with another layer's activation: same number of layers, and some
 * layer's activation differs from the one the task needs there. Names each
 * such layer, and says when the output was meant to give logits.
 */
export const wrongLayerActivation: MistakeDetector = (got, expected) => {
  if (!isDescribedModel(got) || !isDescribedModel(expected) || got.layers.length !== expected.layers.length) return null;
  const last = expected.layers.length - 1;
  const wrong: string[] = [];
  expected.layers.forEach((e, i) => {
    const g = got.layers[i];
    if (e.activation === undefined || g?.activation === undefined || g.activation === e.activation) return;
    const role = i === last ? "the output layer" : `hidden layer ${i + 1}`;
    const name = g.name ? ` (${g.name})` : "";
    const logits = i === last && e.activation === "linear" && PROBABILITY_ACTIVATIONS.has(g.activation) ? " — the outputs must be logits, the loss applies the activation itself" : "";
    const elsewhere = expected.layers.findIndex((x, j) => j !== i && x.activation === g.activation);
    const from = elsewhere >= 0 ? ` (${g.activation} belongs to ${elsewhere === last ? "the output layer" : `hidden layer ${elsewhere + 1}`})` : "";
    wrong.push(`${role}${name} has activation ${g.activation}, the task needs ${e.activation}${from}${logits}`);
  });
  return wrong.length ? { name: "wrong-layer-activation", message: wrong.join("; ") } : null;
};

/** The generic detectors, most specific first. */
const DETECTORS: readonly MistakeDetector[] = [wrongLayerActivation, transposed, notNormalised, offByOne, wrongSign];

/**
 * The mistake a wrong answer shows, if any: first a check's own alternatives
 * (what a known mistake would have returned), then the generic detectors on
 * the whole value and, for an object, on each of its properties (e.g. `.dw`,
 * `.W`) and on each element of an array of objects.
 */
export function detectMistake(got: unknown, expected: unknown, tol: Tolerance, alternatives: readonly Alternative[] = []): Mistake | null {
  const t = loose(tol);
  if (!matches(got, expected, t)) {
    for (const alt of alternatives) {
      if (alt.explain) {
        let message: string | null = null;
        try {
          message = alt.explain(got, expected);
        } catch {
          message = null; // data no explanation fits: the generic detectors may still name it
        }
        if (message) return { name: alt.name, message };
      } else if (matches(got, alt.expected, t)) return { name: alt.name, message: alt.message ?? alt.name };
    }
  }
  return detectAt(got, expected, tol, "", 0);
}

function detectAt(got: unknown, expected: unknown, tol: Tolerance, where: string, depth: number): Mistake | null {
  for (const d of DETECTORS) {
    const m = d(got, expected, tol, where || undefined);
    if (m) return m;
  }
  if (depth > 2 || typeof got !== "object" || got === null || typeof expected !== "object" || expected === null) return null;
  if (Array.isArray(expected)) {
    if (!Array.isArray(got) || got.length !== expected.length || !expected.every((x) => typeof x === "object" && x !== null && !Array.isArray(x))) return null;
    for (let i = 0; i < expected.length; i++) {
      const m = detectAt(got[i], expected[i], tol, `${where}[${i}]`, depth + 1);
      if (m) return m;
    }
    return null;
  }
  if (Array.isArray(got) || isDescribedModel(expected)) return null;
  for (const [k, e] of Object.entries(expected as Record<string, unknown>)) {
    const m = detectAt((got as Record<string, unknown>)[k], e, tol, `${where}.${k}`, depth + 1);
    if (m) return m;
  }
  return null;
}

/** Numbers (or nested arrays of them) equal at the tolerance; anything else must be identical. */
function matches(got: unknown, expected: unknown, tol: Tolerance): boolean {
  if (isNumber(expected)) return isNumber(got) && close(got, expected, tol);
  if (Array.isArray(expected)) return Array.isArray(got) && got.length === expected.length && expected.every((e, i) => matches(got[i], e, tol));
  if (typeof expected === "object" && expected !== null) {
    return typeof got === "object" && got !== null && Object.entries(expected).every(([k, e]) => matches((got as Record<string, unknown>)[k], e, tol));
  }
  return got === expected;
}

/**
 * Compares a student's value with an expected value at an explicit tolerance,
 * and says precisely how they differ (type, shape, NaN, which element, by how
 * much). Numbers pass when |got − expected| ≤ atol + rtol·|expected|, the rule
 * numpy.allclose uses.
 */

/** Absolute and relative tolerance. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** The outcome of one comparison. */
interface Comparison {
  ok: boolean;
  /** Largest |got − expected| over all numbers compared (NaN if a number was NaN). */
  maxDiff: number;
  /** Why it failed, naming the first offending position. */
  message?: string;
}

/**
 * True for a Promise or any thenable. `instanceof Promise` is not enough: code
 * graded in a separate realm (vm context) has its own Promise class.
 */
export function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as { then?: unknown }).then === "function";
}

/** Short, stable rendering of a value for reports (arrays abbreviated). */
export function formatValue(v: unknown, depth = 0): string {
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    const a = Math.abs(v);
    // Very small or large numbers: exponent form with 7 significant digits (1e-12, 9.357623e-14).
    // Otherwise up to 10 significant digits, trailing zeros dropped (0.2689414137, 13.9), so two
    // values that differ in the 8th digit still print differently in a failure report.
    return a !== 0 && (a < 1e-4 || a >= 1e6) ? Number(v.toPrecision(7)).toExponential() : String(Number(v.toPrecision(10)));
  }
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "[function]";
  if (isTensorLike(v)) return `tf.Tensor(shape [${v.shape.join(", ")}])`;
  if (ArrayBuffer.isView(v)) return formatValue(Array.from(v as unknown as ArrayLike<number>), depth);
  if (Array.isArray(v)) {
    const max = depth === 0 ? 6 : 3;
    const items = v.slice(0, max).map((x) => formatValue(x, depth + 1));
    if (v.length > max) items.push(`… ${v.length - max} more`);
    return `[${items.join(", ")}]`;
  }
  if (isPromiseLike(v)) return "Promise";
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).slice(0, 8);
    return `{ ${entries.map(([k, x]) => `${k}: ${formatValue(x, depth + 1)}`).join(", ")} }`;
  }
  return String(v);
}

/** Shape of a nested array, e.g. [2, 3]; [] for a scalar. */
export function shapeOf(v: unknown): number[] {
  const shape: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

function isTensorLike(v: unknown): v is { shape: number[]; dtype: string } {
  return typeof v === "object" && v !== null && Array.isArray((v as { shape?: unknown }).shape) && typeof (v as { dtype?: unknown }).dtype === "string";
}

function describeType(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (isTensorLike(v)) return `a tf.Tensor of shape [${v.shape.join(", ")}]`;
  if (isPromiseLike(v)) return "a Promise";
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** Compares got with expected; `where` names the position for messages (e.g. "[2]" or ".dw[1]"). */
export function compare(got: unknown, expected: unknown, tol: Tolerance, where = ""): Comparison {
  const c = compareCounting(got, expected, tol, where);
  return c.ok ? { ok: true, maxDiff: c.maxDiff } : { ok: false, maxDiff: c.maxDiff, message: c.message };
}

/**
 * A failed comparison inside nested arrays also carries the first failure's own
 * message and how many values failed in all, so "(and N more elements)" counts
 * elements rather than rows.
 */
type CountedComparison = Comparison & { failures?: number; first?: string };

function compareCounting(got: unknown, expected: unknown, tol: Tolerance, where: string): CountedComparison {
  const at = where ? ` at ${where}` : "";
  if (isPromiseLike(got)) {
    return { ok: false, maxDiff: NaN, message: `returned a Promise${at}: this exercise is synchronous — remove \`async\`/\`await\` and return the value itself` };
  }
  if (isTensorLike(got) && !isTensorLike(expected)) {
    return { ok: false, maxDiff: NaN, message: `returned a tf.Tensor${at}; return plain numbers (for a tensor t, use t.arraySync())` };
  }
  if (ArrayBuffer.isView(got) && Array.isArray(expected)) got = Array.from(got as unknown as ArrayLike<number>);

  if (typeof expected === "number") {
    if (typeof got !== "number") {
      const hint = got === undefined ? " — did you forget `return`?" : "";
      return { ok: false, maxDiff: NaN, message: `expected a number${at}, got ${describeType(got)}${hint}` };
    }
    if (Number.isNaN(got)) return { ok: false, maxDiff: NaN, message: `got NaN${at} (expected ${formatValue(expected)}): look for 0/0, log of 0 or a negative number, or Infinity − Infinity` };
    if (!Number.isFinite(got)) {
      // −Infinity is almost always a log of 0: a probability or an exponential that underflowed to 0 first.
      const why = got < 0 ? "usually something underflowed to 0 and then went through a log (log 0 = −Infinity), or a negative value overflowed" : "something overflowed";
      return { ok: false, maxDiff: Infinity, message: `got ${formatValue(got)}${at} (expected ${formatValue(expected)}): ${why}` };
    }
    const diff = Math.abs(got - expected);
    const bound = tol.atol + tol.rtol * Math.abs(expected);
    return diff <= bound
      ? { ok: true, maxDiff: diff }
      : { ok: false, maxDiff: diff, message: `${formatValue(got)} ≠ ${formatValue(expected)}${at} (difference ${formatValue(diff)} > tolerance ${formatValue(bound)})` };
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(got)) {
      const hint = got === undefined ? " — did you forget `return`?" : "";
      return { ok: false, maxDiff: NaN, message: `expected an array of length ${expected.length}${at}, got ${describeType(got)}${hint}` };
    }
    if (got.length !== expected.length) {
      return { ok: false, maxDiff: NaN, message: `wrong shape${at}: expected [${shapeOf(expected).join(", ")}], got [${shapeOf(got).join(", ")}]` };
    }
    let maxDiff = 0;
    let first: string | undefined;
    let failures = 0;
    for (let i = 0; i < expected.length; i++) {
      const c = compareCounting(got[i], expected[i], tol, `${where}[${i}]`);
      maxDiff = Number.isNaN(c.maxDiff) || Number.isNaN(maxDiff) ? NaN : Math.max(maxDiff, c.maxDiff);
      if (!c.ok) {
        failures += c.failures ?? 1;
        first ??= c.first ?? c.message;
      }
    }
    if (first === undefined) return { ok: true, maxDiff };
    const more = failures > 1 ? ` (and ${failures - 1} more element${failures > 2 ? "s" : ""})` : "";
    return { ok: false, maxDiff, message: `${first}${more}`, failures, first };
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof got !== "object" || got === null || Array.isArray(got)) {
      const keys = Object.keys(expected).join(", ");
      const hint = got === undefined ? " — did you forget `return`?" : "";
      return { ok: false, maxDiff: NaN, message: `expected an object with { ${keys} }${at}, got ${describeType(got)}${hint}` };
    }
    let maxDiff = 0;
    for (const [k, e] of Object.entries(expected as Record<string, unknown>)) {
      if (!(k in (got as Record<string, unknown>))) return { ok: false, maxDiff: NaN, message: `missing property "${k}"${at}` };
      const c = compareCounting((got as Record<string, unknown>)[k], e, tol, `${where}.${k}`);
      if (!c.ok) return c;
      maxDiff = Math.max(maxDiff, c.maxDiff);
    }
    return { ok: true, maxDiff };
  }
  // Strings, booleans: exact.
  return got === expected
    ? { ok: true, maxDiff: 0 }
    : { ok: false, maxDiff: NaN, message: `expected ${formatValue(expected)}${at}, got ${formatValue(got)}` };
}

/** Deep copy of plain data (arrays, objects, numbers), used to protect stored cases from mutation. */
export function cloneData<T>(v: T): T {
  return structuredClone(v);
}

/** True when two plain-data values are identical (used to detect a function that modified its input). */
export function sameData(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b) || a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

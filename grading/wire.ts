/**
 * What crosses the sandbox wall while a submission is scored: the outputs of
 * the student's functions, as plain JSON. Inside, `encodeOutput` turns a live
 * value (numbers with NaN and −0, undefined, typed arrays, tensors, Promises,
 * functions) into JSON; outside, `decodeOutput` turns untrusted JSON back into
 * a stand-in that `compare` and `formatValue` treat exactly like the live value
 * (a tensor becomes `{ shape, dtype }`, a Promise a bare thenable), so the
 * judge outside writes the same messages a notebook's `lab.check` shows.
 * Decoding never throws and never trusts what it reads.
 */
import type { CaseOutput } from "../lib/checks";

/** A CaseOutput as JSON. */
export type WireOutput =
  | { kind: "value"; got: unknown; leakedTensors: number; returnedTensor: boolean }
  | { kind: "error"; message: string }
  | { kind: "not-completed"; message: string };

/** Deepest nesting kept, and most values kept per output (beyond: "too large"). */
const MAX_DEPTH = 64;
const MAX_NODES = 2_000_000;
/** Longest error message kept (student code chooses it). */
const MAX_MESSAGE = 2000;
const TOO_LARGE = "(a value too large or too deeply nested to grade)";
const MALFORMED = "(output malformed by the submission)";

const TYPED = ["Float32Array", "Float64Array", "Int8Array", "Int16Array", "Int32Array", "Uint8Array", "Uint8ClampedArray", "Uint16Array", "Uint32Array"] as const;
type TypedName = (typeof TYPED)[number];

function isThenable(v: unknown): boolean {
  return (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as { then?: unknown }).then === "function";
}

function isTensorLike(v: unknown): v is { shape: number[]; dtype: string } {
  return typeof v === "object" && v !== null && Array.isArray((v as { shape?: unknown }).shape) && typeof (v as { dtype?: unknown }).dtype === "string";
}

/** A live value as JSON (runs inside the sandbox, on values the student's code returned). */
export function encodeValue(v: unknown): unknown {
  let nodes = 0;
  const enc = (x: unknown, depth: number): unknown => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return { $big: 1 };
    if (typeof x === "number") {
      if (Number.isNaN(x)) return { $n: "NaN" };
      if (!Number.isFinite(x)) return { $n: x > 0 ? "Infinity" : "-Infinity" };
      return Object.is(x, -0) ? { $n: "-0" } : x;
    }
    if (typeof x === "string" || typeof x === "boolean" || x === null) return x;
    if (x === undefined) return { $u: 1 };
    if (typeof x === "bigint") return { $b: x.toString() };
    if (typeof x === "symbol") return { $y: 1 };
    if (typeof x === "function") return { $f: 1 };
    // Tensors first (formatValue and compare look at shape and dtype only), then thenables.
    if (isTensorLike(x)) return { $t: { shape: x.shape.map((d) => (typeof d === "number" ? d : null)), dtype: String(x.dtype) } };
    if (isThenable(x)) return { $p: 1 };
    if (ArrayBuffer.isView(x)) {
      const name = (TYPED as readonly string[]).includes(x.constructor?.name) ? x.constructor.name : "Float64Array";
      return { $a: name, v: Array.from(x as unknown as ArrayLike<number>, (e) => enc(e, depth + 1)) };
    }
    if (Array.isArray(x)) return Array.from(x, (e) => enc(e, depth + 1));
    return { $o: Object.entries(x as Record<string, unknown>).map(([k, e]) => [k, enc(e, depth + 1)]) };
  };
  return enc(v, 0);
}

/** Untrusted JSON back to a value `compare` and `formatValue` treat like the original. */
export function decodeValue(j: unknown): unknown {
  let nodes = 0;
  const dec = (x: unknown, depth: number): unknown => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return TOO_LARGE;
    if (typeof x === "number" || typeof x === "string" || typeof x === "boolean" || x === null) return x;
    if (Array.isArray(x)) return x.map((e) => dec(e, depth + 1));
    if (typeof x !== "object") return MALFORMED;
    const o = x as Record<string, unknown>;
    if ("$n" in o) return o.$n === "NaN" ? NaN : o.$n === "Infinity" ? Infinity : o.$n === "-Infinity" ? -Infinity : o.$n === "-0" ? -0 : MALFORMED;
    if ("$u" in o) return undefined;
    if ("$b" in o) {
      try {
        return BigInt(String(o.$b).slice(0, 400));
      } catch {
        return MALFORMED;
      }
    }
    if ("$y" in o) return Symbol("returned");
    if ("$f" in o) return function returned(): void {};
    if ("$big" in o) return TOO_LARGE;
    if ("$t" in o) {
      const t = o.$t as { shape?: unknown; dtype?: unknown } | null;
      const shape = t && Array.isArray(t.shape) ? t.shape.slice(0, 16).map((d) => (typeof d === "number" ? d : null)) : [];
      return { shape, dtype: String(t?.dtype ?? "float32").slice(0, 20) };
    }
    if ("$p" in o) return { then(): void {} };
    if ("$a" in o) {
      const items = Array.isArray(o.v) ? o.v.map((e) => dec(e, depth + 1)) : [];
      const name: TypedName = (TYPED as readonly string[]).includes(String(o.$a)) ? (String(o.$a) as TypedName) : "Float64Array";
      return (globalThis[name] as unknown as { from(a: unknown[]): unknown }).from(items.map((e) => (typeof e === "number" ? e : NaN)));
    }
    if ("$o" in o && Array.isArray(o.$o)) {
      // fromEntries defines own properties, so a key "__proto__" stays data.
      return Object.fromEntries(o.$o.filter((e): e is [unknown, unknown] => Array.isArray(e) && e.length === 2).map(([k, e]) => [String(k), dec(e, depth + 1)]));
    }
    return MALFORMED;
  };
  try {
    return dec(j, 0);
  } catch {
    return MALFORMED;
  }
}

/** A case's output as JSON (inside the sandbox). */
export function encodeOutput(out: CaseOutput): WireOutput {
  if (out.kind !== "value") return { kind: out.kind, message: out.message.slice(0, MAX_MESSAGE) };
  return { kind: "value", got: encodeValue(out.got), leakedTensors: out.leakedTensors, returnedTensor: out.returnedTensor };
}

/** Untrusted JSON back to a case's output (outside); anything malformed is an error output. */
export function decodeOutput(j: unknown): CaseOutput {
  if (typeof j !== "object" || j === null) return { kind: "error", message: "no output was recorded for this case" };
  const o = j as Record<string, unknown>;
  if (o.kind === "value") {
    const leaked = typeof o.leakedTensors === "number" && Number.isFinite(o.leakedTensors) ? Math.max(0, Math.floor(o.leakedTensors)) : 0;
    return { kind: "value", got: decodeValue(o.got), leakedTensors: leaked, returnedTensor: o.returnedTensor === true };
  }
  const message = typeof o.message === "string" ? o.message.slice(0, MAX_MESSAGE) : MALFORMED;
  if (o.kind === "not-completed") return { kind: "not-completed", message };
  return { kind: "error", message: o.kind === "error" ? message : MALFORMED };
}

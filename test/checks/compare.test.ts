/**
 * lib/checks/compare.ts: the tolerance rule (|got − expected| ≤ atol + rtol·|expected|),
 * the message for every way a value can be wrong, and formatValue's abbreviations.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as vm from "vm";
import * as tf from "@tensorflow/tfjs";
import { quietCpuFirstUse } from "../../lib/runtime/backend";
import { cloneData, compare, formatValue, isPromiseLike, sameData, shapeOf, type Tolerance } from "../../lib/checks/compare";

before(async () => {
  await tf.ready();
  quietCpuFirstUse(); // no tfjs "running in Node.js" banner in the test output
});

const EXACT: Tolerance = { atol: 0, rtol: 0 };

/** The message of a failed comparison (fails the test if the comparison passed). */
function failure(got: unknown, expected: unknown, tol: Tolerance = EXACT): string {
  const c = compare(got, expected, tol);
  assert.equal(c.ok, false, `expected compare(${formatValue(got)}, ${formatValue(expected)}) to fail`);
  assert.equal(typeof c.message, "string");
  return c.message as string;
}

describe("compare: numbers and tolerances", () => {
  it("passes exactly on the bound atol + rtol·|expected| and fails just outside it", () => {
    // bound = 0.5 + 0.1·10 = 1.5 (all values exactly representable)
    const tol = { atol: 0.5, rtol: 0.1 };
    assert.deepEqual(compare(11.5, 10, tol), { ok: true, maxDiff: 1.5 });
    assert.deepEqual(compare(8.5, 10, tol), { ok: true, maxDiff: 1.5 });
    assert.equal(compare(11.5 + 2 ** -40, 10, tol).ok, false);
    assert.equal(compare(8.5 - 2 ** -40, 10, tol).ok, false);
  });

  it("the relative part scales with |expected|, not with |got|", () => {
    // |expected| = 100 → bound 1e-7; |got| would give a bigger bound if misused.
    assert.equal(compare(100 + 5e-8, 100, { atol: 0, rtol: 1e-9 }).ok, true);
    assert.equal(compare(100 + 2e-7, 100, { atol: 0, rtol: 1e-9 }).ok, false);
    // Negative expected: |expected| is used.
    assert.equal(compare(-100 - 5e-8, -100, { atol: 0, rtol: 1e-9 }).ok, true);
    // Expected 0: only atol counts, however large got is relative to itself.
    assert.equal(compare(1e-13, 0, { atol: 1e-12, rtol: 0.5 }).ok, true);
    assert.equal(compare(1e-11, 0, { atol: 1e-12, rtol: 0.5 }).ok, false);
  });

  it("a failure states both values, where, the difference and the tolerance", () => {
    const c = compare(3, 2, { atol: 0.25, rtol: 0 });
    assert.equal(c.ok, false);
    assert.equal(c.maxDiff, 1);
    assert.equal(c.message, "3 ≠ 2 (difference 1 > tolerance 0.25)");
    assert.equal(compare(3, 2, EXACT, "[4]").message, "3 ≠ 2 at [4] (difference 1 > tolerance 0)");
  });

  it("NaN gets its own message with the usual causes, and maxDiff NaN", () => {
    const c = compare(NaN, 0.5, EXACT);
    assert.equal(c.ok, false);
    assert.ok(Number.isNaN(c.maxDiff));
    assert.match(c.message ?? "", /^got NaN \(expected 0\.5\): look for 0\/0, log of 0/);
    // NaN never passes, whatever the tolerance.
    assert.equal(compare(NaN, 0.5, { atol: Infinity, rtol: 0 }).ok, false);
  });

  it("±Infinity is reported as an overflow with maxDiff Infinity", () => {
    const c = compare(Infinity, 1, { atol: 1e300, rtol: 0 });
    assert.equal(c.ok, false);
    assert.equal(c.maxDiff, Infinity);
    assert.equal(c.message, "got Infinity (expected 1): something overflowed");
    // −Infinity is a log of an underflowed 0 far more often than an overflow: the message says underflow, then log 0.
    assert.match(failure(-Infinity, 1), /^got -Infinity \(expected 1\): usually something underflowed to 0 and then went through a log \(log 0 = −Infinity\)/);
  });

  it("a value of the wrong type is named; undefined suggests a forgotten `return`", () => {
    assert.equal(failure("0.5", 0.5), "expected a number, got a string");
    assert.equal(failure(undefined, 0.5), "expected a number, got undefined — did you forget `return`?");
    assert.equal(failure(null, 0.5), "expected a number, got null");
    assert.equal(failure([0.5], 0.5), "expected a number, got an array of length 1");
    assert.equal(failure(undefined, [1, 2]), "expected an array of length 2, got undefined — did you forget `return`?");
    assert.equal(failure({ a: 1 }, [1, 2]), "expected an array of length 2, got an object");
    assert.equal(failure(undefined, { dw: [1], db: 0 }), "expected an object with { dw, db }, got undefined — did you forget `return`?");
    assert.equal(failure([1], { dw: [1] }), "expected an object with { dw }, got an array of length 1");
    // Only undefined gets the `return` hint.
    assert.doesNotMatch(failure(null, [1]), /return/);
  });

  it("strings and booleans compare exactly", () => {
    assert.deepEqual(compare("relu", "relu", EXACT), { ok: true, maxDiff: 0 });
    assert.equal(failure("sigmoid", "relu", { atol: 1, rtol: 1 }), 'expected "relu", got "sigmoid"');
    assert.equal(compare(true, true, EXACT).ok, true);
    assert.equal(failure(1, true, { atol: 1, rtol: 1 }), "expected true, got 1");
  });
});

describe("compare: arrays and objects", () => {
  it("wrong length is a wrong-shape message giving both shapes", () => {
    assert.equal(failure([1, 2, 3], [1, 2]), "wrong shape: expected [2], got [3]");
    assert.equal(failure([1, 2], [[1, 2]]), "wrong shape: expected [1, 2], got [2]");
    assert.equal(failure([[1, 2], [3]], [[1, 2], [3, 4]]), "wrong shape at [1]: expected [2], got [1]");
    assert.equal(failure([[1, 2]], [[1], [2]]), "wrong shape: expected [2, 1], got [1, 2]");
  });

  it("nested arrays: the first offending element is named by its full index, others are counted", () => {
    const c = compare([[1, 2], [3, 9], [7, 8]], [[1, 2], [3, 4], [5, 6]], EXACT);
    assert.equal(c.ok, false);
    assert.equal(c.maxDiff, 5);
    assert.equal(c.message, "9 ≠ 4 at [1][1] (difference 5 > tolerance 0) (and 2 more elements)");
    // Failures inside the first failing row are counted once, with no second "(and … more)".
    assert.equal(failure([[9, 9], [9, 9]], [[1, 1], [1, 1]]), "9 ≠ 1 at [0][0] (difference 8 > tolerance 0) (and 3 more elements)");
    assert.equal(failure([1, 5], [1, 2]), "5 ≠ 2 at [1] (difference 3 > tolerance 0)");
    assert.equal(failure([5, 6], [1, 2]), "5 ≠ 1 at [0] (difference 4 > tolerance 0) (and 1 more element)");
  });

  it("arrays that match report the largest difference; a NaN element makes maxDiff NaN", () => {
    const c = compare([1.1, 2, 2.75], [1, 2, 3], { atol: 0.3, rtol: 0 });
    assert.equal(c.ok, true);
    assert.ok(Math.abs(c.maxDiff - 0.25) < 1e-12);
    const n = compare([NaN, 100], [1, 2], EXACT);
    assert.ok(Number.isNaN(n.maxDiff));
    assert.match(n.message ?? "", /^got NaN at \[0\]/);
    assert.deepEqual(compare([], [], EXACT), { ok: true, maxDiff: 0 });
  });

  it("objects: a missing key is named; values are compared per key with their path", () => {
    assert.equal(failure({ dw: [1] }, { dw: [1], db: 0 }), 'missing property "db"');
    assert.equal(failure({ dw: [1, 7], db: 0 }, { dw: [1, 2], db: 0 }), "7 ≠ 2 at .dw[1] (difference 5 > tolerance 0)");
    assert.equal(failure({ a: { b: "x" } }, { a: { b: "y" } }), 'expected "y" at .a.b, got "x"');
    const ok = compare({ dw: [1, 2.5], db: 0, extra: "ignored" }, { dw: [1, 2], db: 0 }, { atol: 1, rtol: 0 });
    assert.deepEqual(ok, { ok: true, maxDiff: 0.5 });
  });

  it("a Promise is rejected with the 'synchronous' message, also one from another realm", () => {
    const p = Promise.resolve([1]);
    assert.match(failure(p, [1]), /returned a Promise: this exercise is synchronous — remove `async`\/`await`/);
    const foreign: unknown = vm.runInNewContext("Promise.resolve(1)");
    assert.equal(foreign instanceof Promise, false, "a vm-context Promise is not an instance of this realm's Promise");
    assert.equal(isPromiseLike(foreign), true);
    assert.match(failure(foreign, 1), /returned a Promise/);
    assert.equal(isPromiseLike({ then: 1 }), false);
    assert.equal(isPromiseLike(null), false);
  });

  it("a tf.Tensor is rejected with how to get plain numbers", () => {
    const t = tf.tensor1d([1, 2]);
    try {
      assert.equal(failure(t, [1, 2], { atol: 1, rtol: 1 }), "returned a tf.Tensor; return plain numbers (for a tensor t, use t.arraySync())");
      assert.match(failure([t], [[1, 2]]), /returned a tf\.Tensor at \[0\]/);
    } finally {
      t.dispose();
    }
  });

  it("typed arrays are accepted where an array is expected, compared element by element", () => {
    assert.deepEqual(compare(new Float64Array([0.1, 0.2]), [0.1, 0.2], EXACT), { ok: true, maxDiff: 0 });
    assert.equal(compare([new Float64Array([1, 2]), new Float64Array([3, 4])], [[1, 2], [3, 4]], EXACT).ok, true);
    // float32 rounding is a real difference at a tight tolerance, and fine at a float32 one.
    assert.equal(compare(new Float32Array([0.1]), [0.1], { atol: 0, rtol: 1e-9 }).ok, false);
    assert.equal(compare(new Float32Array([0.1]), [0.1], { atol: 0, rtol: 1e-6 }).ok, true);
    assert.equal(failure(new Int32Array([1, 2, 3]), [1, 2]), "wrong shape: expected [2], got [3]");
  });
});

describe("formatValue", () => {
  it("numbers: integers as they are, 10 significant digits, exponent form for tiny and huge values", () => {
    assert.equal(formatValue(3), "3");
    assert.equal(formatValue(-42), "-42");
    assert.equal(formatValue(0), "0");
    assert.equal(formatValue(-0.5), "-0.5");
    assert.equal(formatValue(0.2689414213699951), "0.2689414214");
    assert.equal(formatValue(1 / 3), "0.3333333333");
    assert.equal(formatValue(1e-12), "1e-12");
    assert.equal(formatValue(9.357622968839299e-14), "9.357623e-14");
    assert.equal(formatValue(1234567.5), "1.234568e+6");
    assert.equal(formatValue(1e6), "1000000");
    assert.equal(formatValue(NaN), "NaN");
    assert.equal(formatValue(Infinity), "Infinity");
    assert.equal(formatValue(-Infinity), "-Infinity");
  });

  it("arrays: 6 items at the top level, 3 when nested, then a count of the rest", () => {
    assert.equal(formatValue([1, 2, 3, 4, 5, 6]), "[1, 2, 3, 4, 5, 6]");
    assert.equal(formatValue([1, 2, 3, 4, 5, 6, 7, 8]), "[1, 2, 3, 4, 5, 6, … 2 more]");
    assert.equal(formatValue([[1, 2, 3, 4, 5]]), "[[1, 2, 3, … 2 more]]");
    assert.equal(formatValue([]), "[]");
    assert.equal(formatValue(new Float64Array([1, 2.5])), "[1, 2.5]");
  });

  it("other values: strings quoted, objects, functions, Promises, tensors", () => {
    assert.equal(formatValue("s"), '"s"');
    assert.equal(formatValue(null), "null");
    assert.equal(formatValue(undefined), "undefined");
    assert.equal(formatValue(true), "true");
    assert.equal(formatValue({ a: 1, b: [1, 2] }), "{ a: 1, b: [1, 2] }");
    assert.equal(formatValue(() => 1), "[function]");
    const p = Promise.resolve(1);
    assert.equal(formatValue(p), "Promise");
    const t = tf.zeros([2, 3]);
    try {
      assert.equal(formatValue(t), "tf.Tensor(shape [2, 3])");
    } finally {
      t.dispose();
    }
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    assert.equal(formatValue(many), "{ k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7 }");
  });
});

describe("helpers: shapeOf, cloneData, sameData", () => {
  it("shapeOf follows the first element down", () => {
    assert.deepEqual(shapeOf(3), []);
    assert.deepEqual(shapeOf([1, 2, 3]), [3]);
    assert.deepEqual(shapeOf([[1, 2], [3, 4], [5, 6]]), [3, 2]);
    assert.deepEqual(shapeOf([]), [0]);
  });

  it("cloneData is deep; sameData detects any change, including NaN staying NaN", () => {
    const a = { w: [[1, 2], [3, 4]], b: 0.5 };
    const c = cloneData(a);
    assert.deepEqual(c, a);
    (c.w[1] as number[])[0] = 99;
    assert.equal(a.w[1]?.[0], 3, "the original is untouched");
    assert.equal(sameData(c, a), false);
    assert.equal(sameData(cloneData(a), a), true);
    assert.equal(sameData([NaN], [NaN]), true);
    assert.equal(sameData([1, 2], [1, 2, 3]), false);
    assert.equal(sameData({ a: 1 }, { a: 1, b: 2 }), false);
    assert.equal(sameData("x", "y"), false);
  });
});

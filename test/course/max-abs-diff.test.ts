/** lib/course/max-abs-diff: numbers, vectors and nested arrays; NaN for a shape mismatch. */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { maxAbsDiff } from "../../lib/course/max-abs-diff";

describe("maxAbsDiff", () => {
  it("is |a − b| for two numbers", () => {
    assert.equal(maxAbsDiff(3, -1.5), 4.5);
    assert.equal(maxAbsDiff(2, 2), 0);
  });

  it("is the largest elementwise |a − b| of two vectors, whichever side is larger", () => {
    assert.equal(maxAbsDiff([1, 2, 3], [1.5, 2, 0]), 3);
    assert.equal(maxAbsDiff([0, 10], [0.25, 9.5]), 0.5);
  });

  it("goes into nested arrays (a path of weight vectors, a matrix)", () => {
    assert.equal(maxAbsDiff([[1, 2], [3, 4]], [[1, 2.5], [2, 4]]), 1);
    assert.equal(maxAbsDiff([[[1]], [[2]]], [[[1]], [[-2]]]), 4);
  });

  it("is 0 for two empty arrays", () => {
    assert.equal(maxAbsDiff([], []), 0);
  });

  it("is NaN when the shapes differ, at any depth", () => {
    assert.ok(Number.isNaN(maxAbsDiff([1, 2], [1, 2, 3])));
    assert.ok(Number.isNaN(maxAbsDiff([[1, 2], [3]], [[1, 2], [3, 4]])));
    assert.ok(Number.isNaN(maxAbsDiff([1], 1)));
  });

  it("is NaN when a value is NaN (a NaN result must not pass as agreement)", () => {
    assert.ok(Number.isNaN(maxAbsDiff([1, NaN, 3], [1, 2, 3])));
  });
});

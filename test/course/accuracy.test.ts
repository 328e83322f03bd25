/**
 * lib/course/accuracy: the f ≥ 0.5 rule (a tie at 0.5 is a 1, unlike
 * tf.metrics.binaryAccuracy), accuracy on labels and on probabilities, and
 * clear errors for mismatched or empty input.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { labelAccuracy, probabilityAccuracy, threshold } from "../../lib/course/accuracy";

describe("threshold", () => {
  it("predicts 1 for f ≥ 0.5 and 0 below, a tie at exactly 0.5 counting as 1", () => {
    assert.deepEqual(threshold([0, 0.49999999, 0.5, 0.50000001, 1]), [0, 0, 1, 1, 1]);
  });

  it("takes typed arrays (a tensor's dataSync) and returns plain numbers; empty in, empty out", () => {
    const got = threshold(new Float32Array([0.2, 0.5, 0.9]));
    assert.ok(Array.isArray(got));
    assert.deepEqual(got, [0, 1, 1]);
    assert.deepEqual(threshold([]), []);
  });
});

describe("labelAccuracy", () => {
  it("is the fraction of equal labels, for any classes", () => {
    assert.equal(labelAccuracy([0, 1, 1, 0], [0, 1, 0, 0]), 0.75);
    assert.equal(labelAccuracy([3, 7, 9, 1, 0], [3, 7, 9, 1, 0]), 1);
    assert.equal(labelAccuracy([1, 2], [2, 1]), 0);
  });

  it("compares labels, not probabilities: 0.9 is not the label 1", () => {
    assert.equal(labelAccuracy([0.9, 0.1], [1, 0]), 0);
  });

  it("says what is wrong with mismatched lengths or no examples instead of returning NaN", () => {
    assert.throws(() => labelAccuracy([1, 0, 1], [1, 0]), { message: "accuracy: 3 predictions for 2 labels; pass one prediction per example" });
    assert.throws(() => labelAccuracy([], []), /accuracy: no examples/);
  });
});

describe("probabilityAccuracy", () => {
  it("thresholds at 0.5 (inclusive) before comparing", () => {
    assert.equal(probabilityAccuracy([0.9, 0.2, 0.5, 0.49], [1, 0, 1, 0]), 1);
    assert.equal(probabilityAccuracy([0.5, 0.5], [0, 0]), 0); // a tie is a prediction of 1
    assert.equal(probabilityAccuracy([0.7, 0.3, 0.6, 0.1, 0.8], [1, 1, 0, 0, 1]), 0.6);
  });

  it("takes a Float32Array of a model's outputs", () => {
    assert.equal(probabilityAccuracy(new Float32Array([0.99, 0.01, 0.4, 0.6]), [1, 0, 1, 1]), 0.75);
  });

  it("rejects mismatched lengths and empty input with the same messages", () => {
    assert.throws(() => probabilityAccuracy([0.5], [1, 0]), /1 predictions for 2 labels/);
    assert.throws(() => probabilityAccuracy([], []), /no examples/);
  });
});

/**
 * lib/course/predict-rows.ts: one batch from a Float32Array gives the very
 * numbers model.predict(tf.tensor2d(X)) gives, and bad input still gets
 * tfjs's own message.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { predictRows, rowsTensor } from "../../lib/course/predict-rows";

describe("predictRows", () => {
  it("equals model.predict on tf.tensor2d, row for row", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 5, inputShape: [3], activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }), tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })] });
    const X = Array.from({ length: 70 }, (_, i) => [Math.sin(i), Math.cos(3 * i), i / 70]);
    const fast = tf.tidy(() => predictRows(model, X).arraySync() as number[][]);
    const usual = tf.tidy(() => (model.predict(tf.tensor2d(X)) as tf.Tensor).arraySync() as number[][]);
    assert.deepEqual(fast, usual);
    model.dispose();
  });

  it("builds the same float32 tensor as tf.tensor2d", () => {
    const X = [[0.1, 2.5], [-3, 1e-8]];
    tf.tidy(() => {
      const t = rowsTensor(X);
      assert.deepEqual(t.shape, [2, 2]);
      assert.equal(t.dtype, "float32");
      assert.deepEqual(Array.from(t.dataSync()), Array.from(tf.tensor2d(X).dataSync()));
    });
  });

  it("leaves ragged and empty input to tf.tensor2d, so they fail (or not) exactly as before", () => {
    const outcome = (make: () => tf.Tensor): string => {
      try {
        return tf.tidy(() => JSON.stringify({ shape: make().shape, values: Array.from(make().dataSync()) }));
      } catch (e) {
        return `threw: ${(e as Error).message}`;
      }
    };
    for (const X of [[[1, 2], [3]], [] as number[][]]) assert.equal(outcome(() => rowsTensor(X)), outcome(() => tf.tensor2d(X)), JSON.stringify(X));
  });
});

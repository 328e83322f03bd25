/**
 * The course's one patch of TensorFlow.js (lib/training/tfjs-integer-labels-patch.ts)
 * relies on tfjs-layers internals. These tests fail the day a tfjs upgrade
 * changes them, instead of letting `fit` train on the wrong targets.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { SparseCategoricalCrossentropy } from "../../lib/training";
import { initBackend, seedEverything } from "../../lib/runtime";

before(async () => {
  await initBackend();
});

function tinyModel(layers: tf.layers.Layer[]): tf.Sequential {
  return tf.sequential({ layers });
}

describe("the tfjs internals the integer-label patch relies on", () => {
  it("Sequential inherits LayersModel.prototype.compile (the method the patch wraps)", () => {
    assert.equal(typeof tf.LayersModel.prototype.compile, "function");
    assert.ok(tf.Sequential.prototype instanceof tf.LayersModel, "tf.Sequential extends tf.LayersModel");
  });

  it("a compiled functional model keeps its losses in lossFunctions and its target checks in feedLossFns", () => {
    const input = tf.input({ shape: [2] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, kernelInitializer: "zeros" }).apply(input) as tf.SymbolicTensor });
    model.compile({ loss: "sparseCategoricalCrossentropy", optimizer: "sgd" });
    const internals = model as unknown as { lossFunctions?: unknown; feedLossFns?: unknown };
    assert.ok(Array.isArray(internals.lossFunctions) && internals.lossFunctions.length === 1, "lossFunctions is an array with one loss per output");
    assert.ok(Array.isArray(internals.feedLossFns) && internals.feedLossFns.length === 1, "feedLossFns is an array with one entry per output");
    assert.equal(typeof (internals.lossFunctions as unknown[])[0], "function");
    model.dispose();
  });

  it("without the patch's redirection, fit rejects integer labels for a custom loss (why the patch exists)", async () => {
    const model = tinyModel([tf.layers.dense({ inputShape: [2], units: 3, kernelInitializer: "zeros" })]);
    const custom = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor => tf.losses.meanSquaredError(yTrue, yPred);
    model.compile({ loss: custom, optimizer: "sgd" });
    const x = tf.tensor2d([[0, 1], [1, 0]]);
    const y = tf.tensor1d([0, 2]);
    await assert.rejects(() => model.fit(x, y, { epochs: 1, verbose: 0 }), /target|shape/i);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe("with the patch, fit takes integer labels and minimises the course loss itself", () => {
  it("integer labels [N] train a from-logits model, and the logged loss is the course loss", async () => {
    seedEverything(3);
    const model = tinyModel([tf.layers.dense({ inputShape: [2], units: 3 })]);
    const loss = SparseCategoricalCrossentropy({ fromLogits: true });
    model.compile({ loss, optimizer: tf.train.sgd(0.1), metrics: ["accuracy"] });
    const x = tf.tensor2d([[0, 1], [1, 0], [1, 1], [0, 0]]);
    const y = tf.tensor1d([0, 2, 1, 0]);
    // The loss before the step, computed directly with the course loss on the current weights.
    const direct = tf.tidy(() => (loss(y, model.predict(x) as tf.Tensor).mean().arraySync() as number));
    const h = await model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    assert.ok(Math.abs((h.history.loss?.[0] as number) - direct) < 1e-5, `fit's loss ${h.history.loss?.[0]} equals the course loss ${direct}`);
    assert.ok(Array.isArray(h.history.acc), "'accuracy' is logged as acc (sparse accuracy)");
    tf.dispose([x, y]);
    model.dispose();
  });
});

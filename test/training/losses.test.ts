/**
 * The course's Keras-style losses: values equal to tf.keras' documented
 * examples, stable on extreme logits (compared with float64 formulas), and
 * usable in compile/fit with integer labels, as Keras allows.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BinaryCrossentropy, MeanSquaredError, SparseCategoricalCrossentropy } from "../../lib/training";
import { describeModel } from "../../lib/checks";
import { initBackend } from "../../lib/runtime";

before(async () => {
  await initBackend();
});

function value(loss: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, yTrue: number[] | number[][], yPred: number[][]): number {
  return tf.tidy(() => loss(tf.tensor(yTrue), tf.tensor(yPred)).mean().arraySync() as number);
}

describe("losses match tf.keras' documented values", () => {
  // Each example and value is from the tf.keras.losses docstrings (TF 2.x).
  const cases: [string, () => number, number][] = [
    ["BinaryCrossentropy()([0,0,1,1], [1,1,1,0])", () => value(BinaryCrossentropy(), [[0], [0], [1], [1]], [[1], [1], [1], [0]]), 11.522857],
    ["BinaryCrossentropy()([[0,1],[0,0]], [[0.6,0.4],[0.4,0.6]])", () => value(BinaryCrossentropy(), [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), 0.815],
    ["BinaryCrossentropy(fromLogits)([0,1,0,0], [-18.6,0.51,2.94,-12.8])", () => value(BinaryCrossentropy({ fromLogits: true }), [[0], [1], [0], [0]], [[-18.6], [0.51], [2.94], [-12.8]]), 0.865],
    ["SparseCategoricalCrossentropy()([1,2], [[0.05,0.95,0],[0.1,0.8,0.1]])", () => value(SparseCategoricalCrossentropy(), [1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), 1.177],
    ["MeanSquaredError()([[0,1],[0,0]], [[1,1],[1,0]])", () => value(MeanSquaredError(), [[0, 1], [0, 0]], [[1, 1], [1, 0]]), 0.5],
  ];
  for (const [name, got, keras] of cases) {
    it(name, () => {
      const decimals = String(keras).split(".")[1]?.length ?? 0;
      assert.equal(got().toFixed(decimals), keras.toFixed(decimals));
    });
  }
});

describe("each loss says what it is: a kind for code, a name for display", () => {
  const cases: [string, () => ReturnType<typeof MeanSquaredError>, string, boolean, string][] = [
    ["BinaryCrossentropy()", () => BinaryCrossentropy(), "binaryCrossentropy", false, "binaryCrossentropy"],
    ["BinaryCrossentropy({ fromLogits: true })", () => BinaryCrossentropy({ fromLogits: true }), "binaryCrossentropy", true, "binaryCrossentropy(fromLogits)"],
    ["SparseCategoricalCrossentropy()", () => SparseCategoricalCrossentropy(), "sparseCategoricalCrossentropy", false, "sparseCategoricalCrossentropy"],
    ["SparseCategoricalCrossentropy({ fromLogits: true })", () => SparseCategoricalCrossentropy({ fromLogits: true }), "sparseCategoricalCrossentropy", true, "sparseCategoricalCrossentropy(fromLogits)"],
    ["MeanSquaredError()", () => MeanSquaredError(), "meanSquaredError", false, "meanSquaredError"],
  ];
  for (const [what, make, kind, fromLogits, name] of cases) {
    it(what, () => {
      const loss = make();
      assert.deepEqual({ kind: loss.kind, fromLogits: loss.fromLogits, lossName: loss.lossName, name: loss.name }, { kind, fromLogits, lossName: name, name: kind });
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 })] });
      model.compile({ loss, optimizer: "sgd" });
      assert.equal(describeModel(model).loss, name);
      model.dispose();
    });
  }
});

describe("from-logits losses are stable where the probability route is not", () => {
  const logSumExp = (z: number[]): number => { const m = Math.max(...z); return m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)); };
  it("sparse categorical: finite and exact for logits of ±1000", () => {
    const z = [[-1000, 1000, 0], [1000, 1001, 1002]];
    const labels = [0, 2];
    const expected = z.map((row, i) => logSumExp(row) - (row[labels[i] as number] as number));
    const got = tf.tidy(() => SparseCategoricalCrossentropy({ fromLogits: true })(tf.tensor(labels), tf.tensor(z)).arraySync() as number[]);
    got.forEach((g, i) => assert.ok(Math.abs(g - (expected[i] as number)) <= 1e-4 * Math.abs(expected[i] as number) + 1e-5, `${g} vs ${expected[i]}`));
  });
  it("binary: finite and exact for |z| = 1000, while probabilities saturate", () => {
    const z = [[1000], [-1000], [1000], [30]];
    const y = [[0], [1], [1], [0]];
    const expected = z.map(([zi], i) => Math.max(zi as number, 0) - (zi as number) * ((y[i] as number[])[0] as number) + Math.log1p(Math.exp(-Math.abs(zi as number))));
    const got = tf.tidy(() => BinaryCrossentropy({ fromLogits: true })(tf.tensor(y), tf.tensor(z)).arraySync() as number[]);
    got.forEach((g, i) => assert.ok(Math.abs(g - (expected[i] as number)) <= 1e-5 * Math.abs(expected[i] as number) + 1e-6, `${g} vs ${expected[i]}`));
    // The probability route: sigmoid(30) rounds to 1 in float32, and the loss is capped by the clip.
    const viaProbabilities = tf.tidy(() => BinaryCrossentropy()(tf.tensor([[0]]), tf.sigmoid(tf.tensor([[30]]))).arraySync() as number[]);
    assert.ok(Math.abs((viaProbabilities[0] as number) - 30) > 10, `probability route should lose the loss, got ${viaProbabilities[0]}`);
  });
  it("gradients from logits are finite for extreme logits", () => {
    const g = tf.tidy(() => tf.grad((z: tf.Tensor) => SparseCategoricalCrossentropy({ fromLogits: true })(tf.tensor([1]), z).mean())(tf.tensor([[1000, -1000, 0]])).arraySync() as number[][]);
    for (const v of g[0] as number[]) assert.ok(Number.isFinite(v));
  });
});

describe("compile and fit with course losses", () => {
  it("fit accepts integer labels with a from-logits sparse loss and reports sparse accuracy", async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })] });
    model.compile({ loss: SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: tf.train.adam(0.1), metrics: ["accuracy"] });
    const X = tf.tensor2d([[0, 0], [1, 0], [0, 1], [1, 1]]);
    const y = tf.tensor1d([0, 1, 2, 1]);
    const h = await model.fit(X, y, { epochs: 60, verbose: 0, shuffle: false });
    const loss = h.history.loss as number[];
    assert.ok((loss[59] as number) < (loss[0] as number) / 4, `loss ${loss[0]} → ${loss[59]}`);
    assert.equal((h.history.acc as number[])[59], 1);
    assert.equal(describeModel(model).loss, "sparseCategoricalCrossentropy(fromLogits)");
    tf.dispose([X, y]);
    model.dispose();
  });

  it("the string loss is untouched: tfjs's own sparse loss still works as before", async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3, activation: "softmax" })] });
    model.compile({ loss: "sparseCategoricalCrossentropy", optimizer: "adam" });
    const h = await model.fit(tf.tensor2d([[0, 0], [1, 1]]), tf.tensor1d([0, 2]), { epochs: 1, verbose: 0 });
    assert.ok(Number.isFinite((h.history.loss as number[])[0]));
    model.dispose();
  });

  it("a one-hot-shaped custom loss is still checked against the output shape", async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 })] });
    model.compile({ loss: MeanSquaredError(), optimizer: "sgd" });
    await assert.rejects(model.fit(tf.tensor2d([[0, 0]]), tf.tensor1d([1]), { epochs: 1, verbose: 0 }), /target/i);
    model.dispose();
  });

  it("losses leak no tensors", () => {
    const before = tf.memory().numTensors;
    const cases: [(a: tf.Tensor, b: tf.Tensor) => tf.Tensor, number[][], number[][]][] = [
      [BinaryCrossentropy(), [[0], [1]], [[0.3], [0.6]]],
      [BinaryCrossentropy({ fromLogits: true }), [[0], [1]], [[-2], [3]]],
      [SparseCategoricalCrossentropy(), [[0], [2]], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]],
      [SparseCategoricalCrossentropy({ fromLogits: true }), [[0], [2]], [[1, 2, 3], [-1, 0, 5]]],
      [MeanSquaredError(), [[0], [1]], [[0.3], [0.6]]],
    ];
    for (const [loss, yTrue, yPred] of cases) {
      const a = tf.tensor(yTrue);
      const b = tf.tensor(yPred);
      loss(a, b).dispose();
      tf.dispose([a, b]);
    }
    assert.equal(tf.memory().numTensors, before);
  });
});

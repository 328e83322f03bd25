/**
 * fit equals model.fit when the outputs saturate, for every loss the fast path
 * accepts: same seed, same batches, an output layer with large weights so that
 * sigmoid outputs round to 1 (or fall below ε) in float32 and logits reach
 * ±50. Where a probability loss clips, no gradient flows through the clip;
 * fit must give the same per-epoch losses and the same final weights.
 *
 * Tolerance: per-epoch losses within 1e-4 relative, weights within
 * |Δw| ≤ 2e-4 + 1e-4·|w|. Both paths compute in float32 (ulp 2⁻²⁴ ≈ 6e-8
 * relative) but in different orders (fit: float64 sums rounded to float32;
 * tfjs: float32 kernels), so they drift apart by a few ulps per step; over the
 * 4 epochs × 13 Adam steps here the measured worst cases are 1.4e-5 relative
 * on a loss and 7e-5 on a weight (output weights start at σ = 24). Ignoring the clip,
 * as fit did before, gives 27% on the loss and 0.43 on a weight.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BinaryCrossentropy, MeanSquaredError, SparseCategoricalCrossentropy, fit } from "../../lib/training";
import { createRng, initBackend, seedEverything } from "../../lib/runtime";

before(async () => {
  await initBackend();
});

const FEATURES = 6;
const EXAMPLES = 200;
const EPOCHS = 4;
const BATCH = 16;

function data(): { X: number[][]; labels: number[]; bits: number[][]; reals: number[][] } {
  const rng = createRng(11);
  const X = Array.from({ length: EXAMPLES }, () => Array.from({ length: FEATURES }, () => rng.normal()));
  const labels = X.map((r) => ((r[0] as number) > 0 ? 1 : 0) + ((r[1] as number) > 0.5 ? 2 : 0));
  const bits = X.map((r) => [(r[0] as number) + (r[2] as number) > 0 ? 1 : 0, (r[1] as number) > 0 ? 1 : 0]);
  const reals = X.map((r) => [(r[0] as number) > 0 ? 0.9 : 0.1, Math.abs(r[2] as number) > 1 ? 1 : 0]);
  return { X, labels, bits, reals };
}

/** A tanh hidden layer, then an output layer whose large weights (σ = 24) saturate it. */
function saturating(outputs: number, activation: "sigmoid" | "linear", loss: string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor)): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [FEATURES], units: 5, activation: "tanh", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      tf.layers.dense({ units: outputs, activation, kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 24, seed: 4 }), biasInitializer: tf.initializers.constant({ value: 2 }) }),
    ],
  });
  model.compile({ loss, optimizer: tf.train.adam(0.01) });
  return model;
}

interface Run {
  losses: number[];
  weights: Float32Array[];
  path: string;
}

async function train(model: tf.Sequential, X: number[][], y: number[] | number[][], course: boolean): Promise<Run> {
  seedEverything(7);
  let losses: number[];
  let path = "model.fit";
  if (course) {
    const h = await fit(model, X, y, { epochs: EPOCHS, batchSize: BATCH });
    losses = h.history.loss as number[];
    path = h.path;
  } else {
    const xs = tf.tensor2d(X);
    const ys = tf.tensor(y as number[]);
    const h = await model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, verbose: 0 });
    tf.dispose([xs, ys]);
    losses = h.history.loss as number[];
  }
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  model.dispose();
  return { losses, weights, path };
}

/** Fraction of the initial outputs past saturation: |z| ≥ 16.2, where σ(z) is within ε of 0 or 1 and the clip is active. */
function saturatedFraction(model: tf.Sequential, X: number[][]): number {
  return tf.tidy(() => {
    const hidden = (model.layers[0] as tf.layers.Layer).apply(tf.tensor2d(X)) as tf.Tensor;
    const [kernel, bias] = (model.layers[1] as tf.layers.Layer).getWeights() as [tf.Tensor, tf.Tensor];
    return hidden.matMul(kernel).add(bias).abs().greaterEqual(16.2).mean().arraySync() as number;
  });
}

function assertSameTraining(course: Run, reference: Run, what: string): void {
  assert.equal(course.path, "course", `${what}: fit should take the course path`);
  assert.equal(course.losses.length, reference.losses.length);
  course.losses.forEach((v, i) => {
    const r = reference.losses[i] as number;
    assert.ok(Math.abs(v - r) <= 1e-4 * Math.abs(r), `${what}, epoch ${i + 1} loss: fit ${v} vs model.fit ${r}`);
  });
  course.weights.forEach((w, k) => {
    const ref = reference.weights[k] as Float32Array;
    w.forEach((v, i) => {
      const d = Math.abs(v - (ref[i] as number));
      assert.ok(d <= 2e-4 + 1e-4 * Math.abs(ref[i] as number), `${what}, weight ${k}[${i}]: fit ${v} vs model.fit ${ref[i]}`);
    });
  });
}

describe("fit equals model.fit at saturation", () => {
  const d = data();
  const cases: [string, () => tf.Sequential, number[] | number[][]][] = [
    ["BinaryCrossentropy() from probabilities (Keras: clip, ε in the logs)", () => saturating(2, "sigmoid", BinaryCrossentropy()), d.bits],
    ["tfjs string 'binaryCrossentropy' (clip, logit form)", () => saturating(2, "sigmoid", "binaryCrossentropy"), d.bits],
    ["BinaryCrossentropy({ fromLogits: true })", () => saturating(2, "linear", BinaryCrossentropy({ fromLogits: true })), d.bits],
    ["SparseCategoricalCrossentropy({ fromLogits: true })", () => saturating(4, "linear", SparseCategoricalCrossentropy({ fromLogits: true })), d.labels],
    ["MeanSquaredError() on a saturated sigmoid", () => saturating(2, "sigmoid", MeanSquaredError()), d.reals],
    ["tfjs string 'meanSquaredError' on a saturated sigmoid", () => saturating(2, "sigmoid", "meanSquaredError"), d.reals],
  ];
  for (const [name, build, y] of cases) {
    it(name, async () => {
      seedEverything(7);
      const probe = build();
      const saturated = saturatedFraction(probe, d.X);
      probe.dispose();
      assert.ok(saturated > 0.3 && saturated < 0.9, `the test needs outputs both saturated and not; ${(100 * saturated).toFixed(0)}% are`);
      const course = await train(build(), d.X, y, true);
      const reference = await train(build(), d.X, y, false);
      assertSameTraining(course, reference, name);
    });
  }
});

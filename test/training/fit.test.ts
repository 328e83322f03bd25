/**
 * The course's training path gives what model.fit gives (same seed → same
 * batches → the same per-epoch losses to a few digits), for every loss,
 * activation and optimizer it supports; falls back to model.fit otherwise,
 * saying why; honours callbacks; validates its input; leaks no tensors.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BinaryCrossentropy, MeanSquaredError, SparseCategoricalCrossentropy, fit, planFit } from "../../lib/training";
import { initBackend, progress, seedEverything, createRng } from "../../lib/runtime";

before(async () => {
  await initBackend();
});

function data(n: number, features: number, seed: number): { X: number[][]; labels: number[]; bits: number[][]; reals: number[][] } {
  const rng = createRng(seed);
  const X = Array.from({ length: n }, () => Array.from({ length: features }, () => rng.normal()));
  const labels = X.map((r) => ((r[0] as number) > 0 ? 1 : 0) + ((r[1] as number) > 0.5 ? 2 : 0));
  const bits = X.map((r) => [(r[0] as number) + (r[2] as number) > 0 ? 1 : 0, (r[1] as number) > 0 ? 1 : 0]);
  const reals = X.map((r) => [(r[0] as number) * 2 - (r[1] as number), Math.abs(r[2] as number)]);
  return { X, labels, bits, reals };
}

type Build = () => tf.Sequential;
function dense(layers: [number, string][], inputs: number): tf.Sequential {
  return tf.sequential({
    layers: layers.map(([units, activation], i) =>
      tf.layers.dense({ units, activation: activation as "relu", ...(i === 0 ? { inputShape: [inputs] } : {}) })),
  });
}

/** Trains the same model twice from the same seed, once per path; returns both loss curves. */
async function bothPaths(build: Build, X: number[][], y: number[] | number[][], epochs: number, batchSize = 16): Promise<{ course: number[]; reference: number[]; courseAcc?: number[]; referenceAcc?: number[]; path: string }> {
  seedEverything(7);
  const a = build();
  const xs = tf.tensor2d(X);
  const ys = tf.tensor(y as number[]);
  const h1 = await fit(a, X, y, { epochs, batchSize });
  seedEverything(7);
  const b = build();
  const h2 = await b.fit(xs, ys, { epochs, batchSize, verbose: 0 });
  tf.dispose([xs, ys]);
  a.dispose();
  b.dispose();
  return { course: h1.history.loss as number[], reference: h2.history.loss as number[], courseAcc: h1.history.acc, referenceAcc: h2.history.acc as number[] | undefined, path: h1.path };
}

function assertClose(a: number[], b: number[], rtol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: ${a.length} vs ${b.length} epochs`);
  a.forEach((v, i) => assert.ok(Math.abs(v - (b[i] as number)) <= rtol * Math.abs(b[i] as number) + 1e-6, `${what}, epoch ${i + 1}: ${v} vs ${b[i]}`));
}

describe("fit matches model.fit", () => {
  const d = data(200, 6, 3);
  const cases: [string, Build, number[] | number[][]][] = [
    ["sparse from logits, relu, Adam, accuracy", () => { const m = dense([[8, "relu"], [4, "linear"]], 6); m.compile({ loss: SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: tf.train.adam(0.01), metrics: ["accuracy"] }); return m; }, d.labels],
    ["binary from logits, tanh, Adam", () => { const m = dense([[5, "tanh"], [2, "linear"]], 6); m.compile({ loss: BinaryCrossentropy({ fromLogits: true }), optimizer: tf.train.adam(0.02) }); return m; }, d.bits],
    ["string binaryCrossentropy, sigmoid output, SGD", () => { const m = dense([[6, "sigmoid"], [2, "sigmoid"]], 6); m.compile({ loss: "binaryCrossentropy", optimizer: tf.train.sgd(0.5) }); return m; }, d.bits],
    ["mean squared error, relu output", () => { const m = dense([[7, "relu"], [2, "relu"]], 6); m.compile({ loss: MeanSquaredError(), optimizer: tf.train.adam(0.01) }); return m; }, d.reals],
    ["binary from logits, one unit, accuracy (model.fit thresholds the logit at 0.5)", () => { const m = dense([[5, "tanh"], [1, "linear"]], 6); m.compile({ loss: BinaryCrossentropy({ fromLogits: true }), optimizer: tf.train.adam(0.02), metrics: ["accuracy"] }); return m; }, d.bits.map((b) => [b[0] as number])],
    ["binary from probabilities, two units, accuracy (model.fit uses categorical accuracy)", () => { const m = dense([[6, "relu"], [2, "sigmoid"]], 6); m.compile({ loss: BinaryCrossentropy(), optimizer: tf.train.adam(0.02), metrics: ["accuracy"] }); return m; }, d.bits],
    ["string binaryCrossentropy, two units, accuracy (binary accuracy)", () => { const m = dense([[6, "relu"], [2, "sigmoid"]], 6); m.compile({ loss: "binaryCrossentropy", optimizer: tf.train.adam(0.02), metrics: ["accuracy"] }); return m; }, d.bits],
    ["string meanSquaredError, linear output", () => { const m = dense([[7, "relu"], [2, "linear"]], 6); m.compile({ loss: "meanSquaredError", optimizer: "adam" }); return m; }, d.reals],
  ];
  for (const [name, build, y] of cases) {
    it(name, async () => {
      const r = await bothPaths(build, d.X, y, 4);
      assert.equal(r.path, "course");
      assertClose(r.course, r.reference, 1e-3, name);
      if (r.referenceAcc) assertClose(r.courseAcc ?? [], r.referenceAcc, 1e-6, `${name} accuracy`);
      if (name.includes("accuracy")) assert.ok(r.referenceAcc, `${name}: model.fit logged no accuracy`);
    });
  }

  it("a wide first layer runs its products on the backend, and still matches", async () => {
    const wide = data(100, 300, 5);
    const build = (): tf.Sequential => { const m = dense([[20, "relu"], [3, "linear"]], 300); m.compile({ loss: SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: tf.train.adam(0.001) }); return m; };
    const probe = build();
    const plan = planFit(probe);
    probe.dispose();
    assert.ok("plan" in plan && plan.plan.layers[0]?.onBackend === true);
    const r = await bothPaths(build, wide.X, wide.labels.map((l) => l % 3), 3);
    assertClose(r.course, r.reference, 1e-3, "wide");
  });

  it("a wide hidden layer (backend products for inputs too) matches", async () => {
    const w = data(64, 80, 9);
    const build = (): tf.Sequential => { const m = dense([[80, "relu"], [60, "relu"], [4, "linear"]], 80); m.compile({ loss: SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: tf.train.adam(0.001) }); return m; };
    const r = await bothPaths(build, w.X, w.labels, 3);
    assertClose(r.course, r.reference, 1e-3, "wide hidden");
  });
});

describe("fit falls back to model.fit, and says why", () => {
  it("for a softmax output with tfjs's string sparse loss", async () => {
    const m = dense([[3, "softmax"]], 2);
    m.compile({ loss: "sparseCategoricalCrossentropy", optimizer: "adam" });
    const h = await fit(m, [[0, 1], [1, 0]], [0, 2], { epochs: 2 });
    assert.equal(h.path, "model.fit");
    assert.match(h.reason ?? "", /softmax/);
    assert.equal(h.history.loss?.length, 2);
    m.dispose();
  });
  it("for a convolutional layer or another optimizer", () => {
    const conv = tf.sequential({ layers: [tf.layers.conv1d({ inputShape: [10, 1], filters: 1, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
    conv.compile({ loss: "meanSquaredError", optimizer: "adam" });
    assert.match(("reason" in planFit(conv) ? planFit(conv) as { reason: string } : { reason: "" }).reason, /Conv1D/);
    const rms = dense([[1, "linear"]], 2);
    rms.compile({ loss: "meanSquaredError", optimizer: tf.train.rmsprop(0.1) });
    assert.match(("reason" in planFit(rms) ? planFit(rms) as { reason: string } : { reason: "" }).reason, /RMSProp/);
    conv.dispose();
    rms.dispose();
  });
});

describe("fit identifies losses by type, not by display name", () => {
  const planned = (loss: string | ((a: tf.Tensor, b: tf.Tensor) => tf.Tensor), activation: string): string => {
    const m = dense([[2, activation]], 3);
    m.compile({ loss, optimizer: "adam" });
    const p = planFit(m);
    m.dispose();
    return "plan" in p ? p.plan.loss : `fallback: ${p.reason}`;
  };
  it("maps each course loss and each accepted tfjs string to its own formula", () => {
    assert.equal(planned(BinaryCrossentropy(), "sigmoid"), "binaryFromProbabilities");
    assert.equal(planned("binaryCrossentropy", "sigmoid"), "tfjsBinaryCrossentropy");
    assert.equal(planned(BinaryCrossentropy({ fromLogits: true }), "linear"), "binaryFromLogits");
    assert.equal(planned(SparseCategoricalCrossentropy({ fromLogits: true }), "linear"), "sparseCategoricalFromLogits");
    assert.equal(planned(MeanSquaredError(), "tanh"), "meanSquaredError");
    assert.equal(planned("meanSquaredError", "linear"), "meanSquaredError");
  });
  it("a course loss keeps its formula whatever its display name says", () => {
    const loss = BinaryCrossentropy({ fromLogits: true });
    loss.lossName = "meanSquaredError";
    assert.equal(planned(loss, "linear"), "binaryFromLogits");
  });
  it("falls back for a plain function named like a loss, and for a loss that needs another output", () => {
    const mse = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.losses.meanSquaredError(a, b);
    Object.defineProperty(mse, "name", { value: "meanSquaredError" });
    assert.match(planned(mse, "linear"), /^fallback: loss the function meanSquaredError/);
    assert.match(planned(BinaryCrossentropy(), "linear"), /^fallback: loss "binaryCrossentropy" with a linear output layer/);
    assert.match(planned("binaryCrossentropy", "relu"), /^fallback: loss "binaryCrossentropy" with a relu output layer/);
    assert.match(planned(SparseCategoricalCrossentropy(), "linear"), /^fallback: loss "sparseCategoricalCrossentropy" with a linear output layer/);
  });
});

describe("fit: callbacks, input checks, tensors", () => {
  it("drives the progress callback with the epoch count and every epoch's logs", async () => {
    const m = dense([[2, "linear"]], 3);
    m.compile({ loss: "meanSquaredError", optimizer: "sgd" });
    const p = progress("test");
    const h = await fit(m, [[1, 2, 3], [0, 1, 0]], [[1, 0], [0, 1]], { epochs: 5, callbacks: p });
    assert.equal(p.history.length, 5);
    assert.deepEqual(p.history.map((e) => e.epoch), [1, 2, 3, 4, 5]);
    assert.deepEqual(p.history.map((e) => e.logs.loss), h.history.loss);
    m.dispose();
  });

  it("stops when a callback sets model.stopTraining", async () => {
    const m = dense([[1, "linear"]], 1);
    m.compile({ loss: "meanSquaredError", optimizer: "sgd" });
    const h = await fit(m, [[1]], [[2]], { epochs: 10, callbacks: { onEpochEnd: async (e: number) => { if (e === 2) m.stopTraining = true; } } });
    assert.equal(h.history.loss?.length, 3);
    m.dispose();
  });

  it("says what is wrong with the data", async () => {
    const m = dense([[3, "linear"]], 4);
    m.compile({ loss: SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: "adam" });
    await assert.rejects(fit(m, [[1, 2, 3]], [0]), /expects 4 features per example, x has 3/);
    await assert.rejects(fit(m, [[1, 2, 3, 4]], [5]), /labels must be integers 0…2/);
    m.dispose();
  });

  it("leaks no tensors", async () => {
    const m = dense([[30, "relu"], [2, "linear"]], 200);
    m.compile({ loss: SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: tf.train.adam(0.01) });
    const X = data(40, 200, 1).X;
    const before = tf.memory().numTensors;
    await fit(m, X, X.map((_, i) => i % 2), { epochs: 2, batchSize: 8 });
    assert.equal(tf.memory().numTensors, before);
    m.dispose();
  });
});

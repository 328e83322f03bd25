/**
 * lib/course/coffee-network: the TypeScript copy of the published network
 * against the oracle's (oracle/lessons/coffee_network.py), through the values
 * it wrote for lessons 01 and 02: the normalised inputs and the float64
 * predictions; the tfjs model gives the same in float32 and leaks nothing.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/runtime";
import { loadExpected } from "../../lib/checks";
import { COFFEE_NETWORK, coffeeNetwork, normalizeRoasts } from "../../lib/course/coffee-network";

interface Reference { inputs: number[][]; normalised?: number[][]; predictions: number[] }
const reference = (slug: string): Reference => (loadExpected(slug).values ?? {}).coffeeNetwork as Reference;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** A float64 forward pass written out with the published weights (W is inputs×units). */
function forward(x: readonly number[]): number {
  const { W1, b1, W2, b2 } = COFFEE_NETWORK;
  const a1 = b1.map((b, j) => sigmoid(x.reduce((s, xk, k) => s + xk * (W1[k]?.[j] as number), b)));
  return sigmoid(a1.reduce((s, a, k) => s + a * (W2[k]?.[0] as number), b2[0]));
}

const close = (got: number, expected: number, rtol: number, atol: number, what: string): void =>
  assert.ok(Math.abs(got - expected) <= atol + rtol * Math.abs(expected), `${what}: ${got} vs ${expected}`);

before(async () => {
  await initBackend();
});

describe("the coffee network", () => {
  it("lessons 01 and 02 get the same lecture inputs and predictions from the one oracle definition", () => {
    const one = reference("01-logistic-regression");
    const two = reference("02-dense-networks");
    assert.deepEqual(one.inputs, [[200, 13.9], [200, 17]]);
    assert.deepEqual(two.inputs, one.inputs);
    two.predictions.forEach((p, i) => close(p, one.predictions[i] as number, 1e-12, 1e-300, `prediction ${i}`));
    close(one.predictions[0] as number, 0.9625, 1e-3, 0, "200 °C, 13.9 min is a good roast");
    assert.ok((one.predictions[1] as number) < 1e-7, "200 °C, 17 min is not");
  });

  it("normalizeRoasts matches the oracle's normalised inputs (1e-12)", () => {
    const two = reference("02-dense-networks");
    const mine = normalizeRoasts(two.inputs);
    mine.forEach((row, i) => row.forEach((v, j) => close(v, two.normalised?.[i]?.[j] as number, 1e-12, 1e-15, `normalised[${i}][${j}]`)));
  });

  it("normalizeRoasts rejects a row that is not (temperature, duration)", () => {
    assert.throws(() => normalizeRoasts([[200, 13.9, 1]]), /row 0 has 3 values; a roast is \[temperature °C, duration min\]/);
    assert.deepEqual(normalizeRoasts([]), []);
  });

  it("the TypeScript weights reproduce the oracle's float64 predictions (1e-12): the two copies of the numbers agree", () => {
    const one = reference("01-logistic-regression");
    normalizeRoasts(one.inputs).forEach((x, i) => close(forward(x), one.predictions[i] as number, 1e-9, 1e-12, `prediction ${i}`));
  });

  it("coffeeNetwork(): Dense 3 sigmoid → Dense 1 sigmoid with the published weights, float32-close to the oracle, no leaked tensors", () => {
    const before = tf.memory().numTensors;
    const model = coffeeNetwork();
    assert.deepEqual(model.layers.map((l) => (l.getConfig() as { units: number; activation: string })).map((c) => [c.units, c.activation]), [[3, "sigmoid"], [1, "sigmoid"]]);
    const kernel = model.layers[0]?.getWeights()[0]?.arraySync() as number[][];
    kernel.forEach((row, k) => row.forEach((v, j) => close(v, COFFEE_NETWORK.W1[k]?.[j] as number, 1e-6, 0, `W1[${k}][${j}]`)));
    const one = reference("01-logistic-regression");
    const p = tf.tidy(() => (model.predict(tf.tensor2d(normalizeRoasts(one.inputs))) as tf.Tensor).arraySync() as number[][]);
    p.forEach((row, i) => close(row[0] as number, one.predictions[i] as number, 1e-4, 1e-7, `tfjs prediction ${i}`));
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});

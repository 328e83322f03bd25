/**
 * lib/checks/mistakes.ts: each detector fires on the answer its mistake
 * produces, and stays silent on the right answer and on an unrelated wrong
 * one; judgeCase appends the recognised mistake to the case's message.
 */
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as assert from "node:assert/strict";
import { detectMistake, notNormalised, offByOne, transposed, wrongLayerActivation, wrongSign, type MistakeDetector } from "../../lib/checks/mistakes";
import { judgeCase } from "../../lib/checks/harness";
import type { Tolerance } from "../../lib/checks/compare";

const TOL: Tolerance = { atol: 1e-12, rtol: 1e-9 };

/** One detector's three cases: the mistake's answer, the right answer, an unrelated wrong answer. */
function assertDetector(d: MistakeDetector, name: string, expected: unknown, mistaken: unknown, unrelated: unknown, where?: string): void {
  assert.equal(d(mistaken, expected, TOL, where)?.name, name, "fires on the mistake");
  assert.equal(d(expected, expected, TOL, where), null, "silent on the right answer");
  assert.equal(d(unrelated, expected, TOL, where), null, "silent on an unrelated wrong answer");
}

const softmaxRow = (z: number[]): number[] => { const e = z.map(Math.exp); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); };

describe("mistake detectors", () => {
  it("notNormalised: a row proportional to the probabilities that does not add up to 1", () => {
    const z = [1, 2, 3];
    assertDetector(notNormalised, "not-normalised", softmaxRow(z), z.map(Math.exp), [0.2, 0.3, 0.6]);
    // A batch of rows, and log-probabilities missing their log-sum-exp.
    const P = [softmaxRow([1, 2, 3]), softmaxRow([0, 0, 5])];
    assertDetector(notNormalised, "not-normalised", P, [[1, 2, 3].map(Math.exp), [0, 0, 5].map(Math.exp)], [[0.5, 0.5, 0], [0.1, 0.1, 0.8]]);
    const logP = softmaxRow(z).map(Math.log);
    assertDetector(notNormalised, "not-normalised", logP, z, [-1, -2, -3]);
  });

  it("wrongSign: got ≈ −expected, or got ≈ 1 − expected for probabilities", () => {
    assertDetector(wrongSign, "wrong-sign", [0.5, -1.25, 3], [-0.5, 1.25, -3], [0.5, 1.25, 3]);
    const sig = [0.5, 0.7310585786300049, 0.11920292202211755];
    assertDetector(wrongSign, "wrong-sign", sig, sig.map((p) => 1 - p), [0.4, 0.2, 0.9]);
    assertDetector(wrongSign, "wrong-sign", 2.5, -2.5, 3);
    assert.equal(wrongSign([0, 0], [0, 0], TOL), null, "zeros are their own negation: no mistake to name");
  });

  it("transposed: an n×m matrix holding the transpose of the expected m×n one; a reversed W shape", () => {
    const W = [[1, 2, 3], [4, 5, 6]];
    const WT = [[1, 4], [2, 5], [3, 6]];
    assertDetector(transposed, "transposed", W, WT, [[1, 2], [3, 4], [5, 6]]);
    assertDetector(transposed, "transposed", [400, 25], [25, 400], [400, 26], ".W");
    assert.equal(transposed([25, 400], [400, 25], TOL, ".b"), null, "a reversed pair is a transposed W only at .W");
    assert.equal(transposed([[1, 2], [3, 4]], [[1, 3], [2, 4]], TOL), null, "square matrices are left to the value comparison");
  });

  it("offByOne: every integer label shifted by the same ±1", () => {
    assertDetector(offByOne, "off-by-one", [0, 1, 2, 1], [1, 2, 3, 2], [0, 2, 2, 1]);
    assert.equal(offByOne([-1, 0, 1, 0], [0, 1, 2, 1], TOL)?.name, "off-by-one", "minus one too");
    assert.equal(offByOne([1.5, 2.5], [0.5, 1.5], TOL), null, "only for integers");
    assert.equal(offByOne([1, 0, 3], [0, 1, 2], TOL), null, "not a consistent shift");
    assert.equal(offByOne(0, 1, TOL), null, "a single counter (Adam's t) is not a label");
    assert.equal(detectMistake({ state: { t: 0 } }, { state: { t: 1 } }, TOL), null, "nor inside an object");
  });

  it("wrongLayerActivation: names the layer whose activation differs", () => {
    const model = (acts: string[]): unknown => ({ layers: acts.map((activation, i) => ({ className: "Dense", name: `L${i + 1}`, units: 10, activation })), params: 1 });
    const expected = model(["relu", "relu", "linear"]);
    const swapped = wrongLayerActivation(model(["relu", "linear", "linear"]), expected, TOL);
    assert.equal(swapped?.name, "wrong-layer-activation");
    assert.match(swapped?.message ?? "", /hidden layer 2 \(L2\)/);
    assert.match(swapped?.message ?? "", /belongs to the output layer/);
    assert.match(wrongLayerActivation(model(["relu", "relu", "softmax"]), expected, TOL)?.message ?? "", /output layer.*logits/);
    assert.equal(wrongLayerActivation(expected, expected, TOL), null);
    const moreUnits = { ...(expected as object), params: 2 };
    assert.equal(wrongLayerActivation(moreUnits, expected, TOL), null, "silent when only other parts differ");
    assert.equal(wrongLayerActivation(model(["relu", "linear"]), expected, TOL), null, "silent when the layers do not line up");
  });

  it("detectMistake looks inside objects (e.g. .dw) and prefers a check's own alternatives", () => {
    const expected = { dw: [0.5, -0.25], db: 0.1 };
    assert.equal(detectMistake({ dw: [-0.5, 0.25], db: -0.1 }, expected, TOL)?.name, "wrong-sign");
    assert.equal(detectMistake({ dw: [0.4, 0.25], db: 0.1 }, expected, TOL), null);
    const alternatives = [{ name: "logits-as-probabilities" as const, expected: 16.118, message: "read as probabilities" }];
    assert.equal(detectMistake(16.118, 0.22, TOL, alternatives)?.name, "logits-as-probabilities");
    assert.equal(detectMistake(0.22, 0.22, TOL, alternatives), null);
    assert.equal(detectMistake(3, 0.22, TOL, alternatives), null);
  });

  it("detectors never read a tensor the student returned (it may be disposed by then)", () => {
    const t = tf.tensor1d([1, 2]);
    t.dispose();
    // Before the fix, building the transposed message joined [tensor] and called its dataSync().
    assert.equal(detectMistake({ W: [t] }, { W: [[1, 2, 3]] }, TOL), null);
    assert.equal(detectMistake([t, t], [[1, 2], [3, 4]], TOL), null);
  });

  it("judgeCase names the mistake in the message and in the case's `mistake` field", () => {
    const out = (got: unknown) => ({ kind: "value" as const, got, leakedTensors: 0, returnedTensor: false });
    const bad = judgeCase("c", "", out([1, 2, 3]), [0, 1, 2], TOL);
    assert.equal(bad.passed, false);
    assert.equal(bad.mistake, "off-by-one");
    assert.match(bad.message ?? "", /off by one/);
    const other = judgeCase("c", "", out([0, 2, 2]), [0, 1, 2], TOL);
    assert.equal(other.mistake, undefined);
    assert.doesNotMatch(other.message ?? "", /off by one/);
    assert.equal(judgeCase("c", "", out([0, 1, 2]), [0, 1, 2], TOL).mistake, undefined);
  });
});

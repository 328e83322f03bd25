/**
 * Lesson 03: every check passes on the notebook's own solutions and fails on
 * several wrong implementations; collapseLinearNetwork is checked against a
 * forward pass of random all-linear networks; the solution edition runs top
 * to bottom in a real tslab kernel with every check passing and the
 * sigmoid-vs-ReLU comparison showing ReLU ahead; the student edition runs with
 * every check "not completed yet"; wrong code everywhere still runs to the end.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { applyLayer, checker, loadRingData, piecewiseFunction, piecewiseTarget } from "../../lib/lessons/03-activations";
import { initBackend } from "../../lib/runtime";
import { drawnFigures, figuresAndHtml, markdownCells, solutionFunctions, recorded } from "../helpers/notebooks";
import { assertSolutionEditionPasses, itHoldsTheCheckContract, assertStudentEditionNotCompleted, assertWrongEditionFails } from "../helpers/lesson-contract";

const SLUG = "03-activations";
const IDS = checker.definitions.map((d) => d.id);
type Fn = (...args: never[]) => unknown;
type Layer = { W: number[][]; b: number[] };

const matmul = (A: number[][], B: number[][]): number[][] => A.map((row) => (B[0] ?? []).map((_, j) => row.reduce((s, a, k) => s + a * (B[k]?.[j] as number), 0)));

/** Wrong implementations, each a mistake students make. */
const WRONG: Record<string, Record<string, Fn>> = {
  "03.relu": {
    "max(0, −z)": ((z: number[]) => z.map((v) => Math.max(0, -v))) as Fn,
    "the slope (a step) instead of the function": ((z: number[]) => z.map((v) => (v > 0 ? 1 : 0))) as Fn,
    "leaky ReLU": ((z: number[]) => z.map((v) => (v > 0 ? v : 0.01 * v))) as Fn,
    "modifies its input": ((z: number[]) => { z.forEach((v, i) => (z[i] = Math.max(0, v))); return z; }) as Fn,
    "one number for the whole array": ((z: number[]) => Math.max(0, ...z)) as Fn,
  },
  "03.chooseOutputActivation": {
    "sigmoid for everything": (() => "sigmoid") as Fn,
    "real and nonNegative swapped": ((t: string) => (t === "binary" ? "sigmoid" : t === "real" ? "relu" : "linear")) as Fn,
    "softmax for binary": ((t: string) => (t === "binary" ? "softmax" : t === "real" ? "linear" : "relu")) as Fn,
    "capitalised names": ((t: string) => (t === "binary" ? "Sigmoid" : t === "real" ? "Linear" : "ReLU")) as Fn,
  },
  "03.collapseLinearNetwork": {
    "ignores the biases of later layers": ((layers: Layer[]) => ({ W: layers.slice(1).reduce((W, l) => matmul(W, l.W), layers[0]!.W), b: layers[0]!.b })) as Fn,
    "adds the biases without passing them through later weights": ((layers: Layer[]) => ({ W: layers.slice(1).reduce((W, l) => matmul(W, l.W), layers[0]!.W), b: layers.slice(1).reduce((b, l) => l.b.map((v, j) => v + (b[j] ?? 0)), layers[0]!.b) })) as Fn,
    "returns only the last layer": ((layers: Layer[]) => layers[layers.length - 1]) as Fn,
    "multiplies in the wrong order": ((layers: Layer[]) => { let W = layers[layers.length - 1]!.W; for (let i = layers.length - 2; i >= 0; i--) W = matmul(W, layers[i]!.W); return { W, b: layers[layers.length - 1]!.b }; }) as Fn,
  },
  "03.piecewiseReluUnits": {
    "unit 2 with the target's slope 3 instead of 1": (() => [{ w: 3, b: -3 }, { w: 2, b: -4 }]) as Fn,
    "unit 3 adds the full slope 3 instead of the change": (() => [{ w: 1, b: -1 }, { w: 3, b: -6 }]) as Fn,
    "sign error in b": (() => [{ w: 1, b: 1 }, { w: 2, b: -4 }]) as Fn,
    "only one unit": (() => [{ w: 1, b: -1 }]) as Fn,
    "includes the fixed unit": (() => [{ w: -2, b: 2 }, { w: 1, b: -1 }, { w: 2, b: -4 }]) as Fn,
  },
};

before(async () => {
  await initBackend();
});

describe("lesson 03 checks on the notebook's own solutions and on wrong code", () => {
  const solutions = solutionFunctions(SLUG);
  itHoldsTheCheckContract(checker, solutions, WRONG);

  it("the piecewise answer also passes with its two units swapped", async () => {
    const r = await checker.run("03.piecewiseReluUnits", () => [{ w: 2, b: -4 }, { w: 1, b: -1 }]);
    assert.equal(r.status, "passed");
  });

  it("a malformed piecewise answer says what shape is expected", async () => {
    const r = await checker.run("03.piecewiseReluUnits", () => [{ w: "1", b: -1 }, { w: 2, b: -4 }]);
    assert.match(r.cases[0]?.message ?? "", /unit 1 must be \{ w: number, b: number \}/);
  });

  it("the solution's collapsed layer equals a layer-by-layer forward pass of a random all-linear network (independent of the oracle)", () => {
    const collapse = solutions.collapseLinearNetwork as unknown as (l: Layer[]) => Layer;
    const rand = (): number => Math.random() * 2 - 1;
    const sizes = [6, 5, 4, 3, 2];
    const net: Layer[] = sizes.slice(1).map((u, i) => ({ W: Array.from({ length: sizes[i] as number }, () => Array.from({ length: u }, rand)), b: Array.from({ length: u }, rand) }));
    const single = collapse(net);
    for (let k = 0; k < 5; k++) {
      const x = Array.from({ length: 6 }, rand);
      const deep = net.reduce((a, l) => applyLayer(a, l), x);
      const one = applyLayer(x, single);
      deep.forEach((v, j) => assert.ok(Math.abs(v - (one[j] as number)) < 1e-9));
    }
    // and the same with tfjs layers (linear activation): a real network, not our own forward pass
    const model = tf.sequential({ layers: net.map((l, i) => tf.layers.dense({ units: l.b.length, ...(i === 0 ? { inputShape: [6] } : {}) })) });
    const weights = net.flatMap((l) => [tf.tensor2d(l.W), tf.tensor1d(l.b)]);
    model.setWeights(weights);
    const x = [[0.3, -0.2, 0.9, 0.1, -0.7, 0.5]];
    const viaTf = tf.tidy(() => (model.predict(tf.tensor2d(x)) as tf.Tensor).arraySync() as number[][]);
    applyLayer(x[0] as number[], single).forEach((v, j) => assert.ok(Math.abs(v - (viaTf[0]?.[j] as number)) < 1e-5));
    tf.dispose(weights);
    model.dispose();
  });

  it("the hand-derived units reproduce the optional lab's target everywhere on [0, 3]", () => {
    const units = (solutions.piecewiseReluUnits as unknown as () => { w: number; b: number }[])();
    for (let x = 0; x <= 3; x += 0.01) assert.ok(Math.abs(piecewiseFunction(units, x) - piecewiseTarget(x)) < 1e-12, `x = ${x}`);
  });
});

/** The cross-entropy of answering the fraction of positives for every point of the ring data. */
function ringBaseRate(): { positives: number; loss: number } {
  const { y } = loadRingData();
  const p = y.filter(([v]) => v === 1).length / y.length;
  return { positives: p, loss: -p * Math.log(p) - (1 - p) * Math.log(1 - p) };
}

describe("lesson 03 prose states what the data and sources say", () => {
  const md = markdownCells(SLUG);

  it("the stuck sigmoid network is compared with the base-rate loss of the ring data, not with log 2", () => {
    const { positives, loss } = ringBaseRate();
    // Unbalanced classes: the base-rate loss is clearly below log 2 ≈ 0.693.
    assert.ok(positives < 0.45 && loss < Math.log(2) - 0.005, `p = ${positives}, base-rate loss ${loss}`);
    const section3 = md.find((t) => t.includes("With sigmoid hidden layers the loss hardly moves")) ?? "";
    assert.match(section3, /base-rate loss/);
    assert.doesNotMatch(section3, /0\.69/, "the stuck loss is not log 2 ≈ 0.69 for these data");
  });

  it("the piecewise-ReLU target is labelled as the optional lab's example, not the lecture's", () => {
    const section5 = md.find((t) => t.startsWith("## 5.")) ?? "";
    assert.match(section5, /optional lab's example/);
    assert.doesNotMatch(section5, /lecture's example/);
  });
});

describe("lesson 03 notebook in a real tslab kernel", { concurrency: false }, () => {
  it("solution edition: no error, no abort, every check passes, ReLU trains faster, no leaked tensors", () => {
    const run = assertSolutionEditionPasses(SLUG, IDS);
    type Ring = { lossAfter10: number; lossAfter60: number };
    const [relu, sigmoid] = [recorded<Ring>(run, "ring:relu"), recorded<Ring>(run, "ring:sigmoid")];
    for (const r of [relu, sigmoid]) assert.ok(Number.isFinite(r.lossAfter10) && Number.isFinite(r.lossAfter60), JSON.stringify(r));
    assert.ok(relu.lossAfter10 < sigmoid.lossAfter10 / 2, `ReLU is well ahead after 10 epochs: ${relu.lossAfter10} vs ${sigmoid.lossAfter10}`);
    assert.ok(relu.lossAfter60 < sigmoid.lossAfter60, `and still ahead after 60: ${relu.lossAfter60} vs ${sigmoid.lossAfter60}`);
    // The figure's sigmoid curve: its first epochs sit at the base-rate loss (closer to it than to log 2).
    const curves = drawnFigures(run).find((f) => f.title.startsWith("Same network, same data"))?.data ?? [];
    const sigmoidCurve = curves.find((c) => String(c.name).startsWith("sigmoid"))?.y as number[] | undefined;
    assert.ok(sigmoidCurve && sigmoidCurve.length === 60, "the loss-curve figure has the sigmoid run's 60 epochs");
    const base = ringBaseRate().loss;
    const early = [...sigmoidCurve.slice(0, 10)].sort((a, b) => a - b)[5] as number;
    assert.ok(Math.abs(early - base) < 0.02 && Math.abs(early - base) < Math.abs(early - Math.log(2)), `median loss of epochs 1–10 ${early} vs base rate ${base}`);
    assert.ok(figuresAndHtml(run).filter((h) => h.includes('class="course-figure"')).length >= 4);
  });

  it("student edition: runs to the end and every check says not completed yet", () => {
    assertStudentEditionNotCompleted(SLUG, IDS);
  });

  it("wrong code in every exercise: runs to the end and every check fails", () => {
    assertWrongEditionFails(SLUG, IDS, {
      quizOutputActivation: 'const quizOutputActivation = "a";',  // a wrong quiz option
      relu: "function relu(z: number[]): number[] { return z.map((v) => (v > 0 ? 1 : 0)); }",
      chooseOutputActivation: 'function chooseOutputActivation(target: "binary" | "real" | "nonNegative"): "sigmoid" | "linear" | "relu" { return "sigmoid"; }',
      collapseLinearNetwork: "function collapseLinearNetwork(layers: { W: number[][]; b: number[] }[]): { W: number[][]; b: number[] } { return layers[layers.length - 1]; }",
      piecewiseReluUnits: "function piecewiseReluUnits(): { w: number; b: number }[] { return [{ w: 3, b: -3 }, { w: 2, b: -4 }]; }",
    });
  });
});

/**
 * Lesson 04: every check passes on the notebook's own solutions and fails on
 * several wrong implementations (a naive softmax on [1000, 1001, 1002], a
 * probability-route cross-entropy for |z| = 1000, a softmax output layer, …);
 * the solution edition runs top to bottom in a real tslab kernel with every
 * check passing, the round-off digits of the lecture, the string-loss pitfall,
 * both blob models at ≥ 95%, per-label accuracies, tf.softmax / tf.sigmoid
 * turning logits back into probabilities; the student edition runs
 * with every check "not completed yet"; wrong code everywhere runs to the end.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { checker, BinaryCrossentropy, SparseCategoricalCrossentropy, unitBoundary, type HiddenUnit } from "../../lib/lessons/04-softmax";
import { initBackend } from "../../lib/runtime";
import { drawnFigures, figuresAndHtml, markdownCells, solutionFunctions, recorded, sourceNotebook } from "../helpers/notebooks";
import { cellText, readNotebook } from "../../editions/notebook";
import { readQuizKeys } from "../../grading/quiz-key-file";
import { loadExpected, quizOptions } from "../../lib/checks";
import { assertSolutionEditionPasses, itHoldsTheCheckContract, assertStudentEditionNotCompleted, assertWrongEditionFails, assertBetween, assertNear, itAcceptsEveryRightChoice } from "../helpers/lesson-contract";
import { wrongEdition } from "../../setup/test";

const SLUG = "04-softmax";
const IDS = checker.definitions.map((d) => d.id);
type Fn = (...args: never[]) => unknown;

const naiveSoftmax = (z: number[]): number[] => { const e = z.map(Math.exp); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); };
const stable = (z: number[]): number[] => { const m = Math.max(...z); const e = z.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); };
const logSm = (z: number[]): number[] => { const m = Math.max(...z); const l = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)); return z.map((v) => v - l); };
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
function model(layers: [number, string][], loss: unknown, compile = true): tf.Sequential {
  const m = tf.sequential({ layers: layers.map(([units, activation], i) => tf.layers.dense({ units, activation: activation as "relu", ...(i === 0 ? { inputShape: [2] } : {}) })) });
  if (compile) m.compile({ loss: loss as string, optimizer: tf.train.adam(0.01) });
  return m;
}

/** Wrong implementations, each a mistake students make. */
const WRONG: Record<string, Record<string, Fn>> = {
  "04.mySoftmax": {
    "exponentials, not normalised": ((z: number[]) => z.map(Math.exp)) as Fn,
    "divides by the sum of z, not of e^z": ((z: number[]) => { const s = z.reduce((a, b) => a + b, 0); return z.map((v) => Math.exp(v) / s); }) as Fn,
    "a sigmoid per element": ((z: number[]) => z.map((v) => 1 / (1 + Math.exp(-v)))) as Fn,
  },
  "04.stableSoftmax": {
    "naive softmax (overflows on [1000, 1001, 1002])": naiveSoftmax as Fn,
    "subtracts the minimum": ((z: number[]) => { const m = Math.min(...z); const e = z.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); }) as Fn,
    "subtracts the mean": ((z: number[]) => { const m = mean(z); const e = z.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); }) as Fn,
    "shifted but not normalised": ((z: number[]) => { const m = Math.max(...z); return z.map((v) => Math.exp(v - m)); }) as Fn,
  },
  "04.logSoftmax": {
    "log of the naive softmax": ((z: number[]) => naiveSoftmax(z).map(Math.log)) as Fn,
    "log of the stable softmax (−Infinity when a probability underflows)": ((z: number[]) => stable(z).map(Math.log)) as Fn,
    "log-sum-exp without the max": ((z: number[]) => { const l = Math.log(z.reduce((s, v) => s + Math.exp(v), 0)); return z.map((v) => v - l); }) as Fn,
    "adds log-sum-exp instead of subtracting": ((z: number[]) => { const m = Math.max(...z); const l = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)); return z.map((v) => v + l); }) as Fn,
  },
  "04.sparseCategoricalCrossentropy": {
    "ignores fromLogits": ((y: number[], p: number[][]) => mean(y.map((l, i) => -Math.log(Math.min(1 - 1e-7, Math.max(1e-7, p[i]?.[l] as number)))))) as Fn,
    "sum, not mean": ((y: number[], p: number[][], fl: boolean) => y.reduce((s, l, i) => s + (fl ? -(logSm(p[i] as number[])[l] as number) : -Math.log(Math.min(1 - 1e-7, Math.max(1e-7, p[i]?.[l] as number)))), 0)) as Fn,
    "no clipping (Infinity for a zero probability)": ((y: number[], p: number[][], fl: boolean) => mean(y.map((l, i) => (fl ? -(logSm(p[i] as number[])[l] as number) : -Math.log(p[i]?.[l] as number))))) as Fn,
    "softmax then log for logits (fails on extreme logits)": ((y: number[], p: number[][], fl: boolean) => mean(y.map((l, i) => (fl ? -Math.log(naiveSoftmax(p[i] as number[])[l] as number) : -Math.log(Math.min(1 - 1e-7, Math.max(1e-7, p[i]?.[l] as number))))))) as Fn,
  },
  "04.binaryCrossentropyFromLogits": {
    "probability route (sigmoid, then log): Infinity for |z| = 1000": ((y: number[], z: number[]) => mean(z.map((v, i) => { const p = 1 / (1 + Math.exp(-v)); return -(y[i] as number) * Math.log(p) - (1 - (y[i] as number)) * Math.log(1 - p); }))) as Fn,
    "log(1 + e^−z) without the absolute value": ((y: number[], z: number[]) => mean(z.map((v, i) => Math.max(v, 0) - v * (y[i] as number) + Math.log1p(Math.exp(-v))))) as Fn,
    "sum, not mean": ((y: number[], z: number[]) => z.reduce((s, v, i) => s + Math.max(v, 0) - v * (y[i] as number) + Math.log1p(Math.exp(-Math.abs(v))), 0)) as Fn,
    "y and 1 − y swapped": ((y: number[], z: number[]) => mean(z.map((v, i) => Math.max(v, 0) - v * (1 - (y[i] as number)) + Math.log1p(Math.exp(-Math.abs(v)))))) as Fn,
  },
  "04.buildMulticlassModel": {
    "softmax output with the course loss": ((n: number) => model([[25, "relu"], [15, "relu"], [n, "softmax"]], SparseCategoricalCrossentropy({ fromLogits: true }))) as Fn,
    "linear output with tfjs's string loss": ((n: number) => model([[25, "relu"], [15, "relu"], [n, "linear"]], "sparseCategoricalCrossentropy")) as Fn,
    "sigmoid outputs with binary cross-entropy (separate yes/no answers)": ((n: number) => model([[25, "relu"], [15, "relu"], [n, "sigmoid"]], "binaryCrossentropy")) as Fn,
    "softmax output with the one-hot loss": ((n: number) => model([[25, "relu"], [15, "relu"], [n, "softmax"]], "categoricalCrossentropy")) as Fn,
    "one output unit": (() => model([[25, "relu"], [15, "relu"], [1, "linear"]], SparseCategoricalCrossentropy({ fromLogits: true }))) as Fn,
    "sigmoid hidden layers": ((n: number) => model([[25, "sigmoid"], [15, "sigmoid"], [n, "linear"]], SparseCategoricalCrossentropy({ fromLogits: true }))) as Fn,
    "not compiled": ((n: number) => model([[25, "relu"], [15, "relu"], [n, "linear"]], null, false)) as Fn,
  },
  "04.buildMultiLabelModel": {
    "softmax output (labels would compete)": ((n: number) => model([[16, "relu"], [n, "softmax"]], "binaryCrossentropy")) as Fn,
    "one output only": (() => model([[16, "relu"], [1, "sigmoid"]], "binaryCrossentropy")) as Fn,
    "always three labels": (() => model([[16, "relu"], [3, "sigmoid"]], "binaryCrossentropy")) as Fn,
    "categorical loss": ((n: number) => model([[16, "relu"], [n, "sigmoid"]], "categoricalCrossentropy")) as Fn,
    "no hidden layer": ((n: number) => model([[n, "sigmoid"]], "binaryCrossentropy")) as Fn,
    "sigmoid outputs read as logits": ((n: number) => model([[16, "relu"], [n, "sigmoid"]], BinaryCrossentropy({ fromLogits: true }))) as Fn,
  },
};

/** A decision exercise: other right choices than the notebook's. */
const RIGHT: Record<string, Record<string, Fn>> = {
  "04.buildMulticlassModel": {
    "softmax output with the string loss (the probability route)": ((n: number) => model([[25, "relu"], [15, "relu"], [n, "softmax"]], "sparseCategoricalCrossentropy")) as Fn,
    "softmax output with the course's loss, no fromLogits": ((n: number) => model([[25, "relu"], [15, "relu"], [n, "softmax"]], SparseCategoricalCrossentropy())) as Fn,
  },
  "04.buildMultiLabelModel": {
    "linear outputs with binary cross-entropy from logits": ((n: number) => model([[16, "relu"], [n, "linear"]], BinaryCrossentropy({ fromLogits: true }))) as Fn,
    "two tanh hidden layers of 8": ((n: number) => model([[8, "tanh"], [8, "tanh"], [n, "sigmoid"]], "binaryCrossentropy")) as Fn,
  },
};

before(async () => {
  await initBackend();
});

describe("lesson 04 checks on the notebook's own solutions and on wrong code", () => {
  const solutions = solutionFunctions(SLUG);
  itHoldsTheCheckContract(checker, solutions, WRONG);
  itAcceptsEveryRightChoice(checker, RIGHT);

  it("a naive softmax fails stableSoftmax precisely on [1000, 1001, 1002], with NaN named", async () => {
    const r = await checker.run("04.stableSoftmax", naiveSoftmax);
    const c = r.cases.find((x) => x.name.includes("1000, 1001, 1002"));
    assert.equal(c?.passed, false);
    assert.match(c?.message ?? "", /NaN/);
  });

  it("the probability route fails binaryCrossentropyFromLogits precisely at |z| = 1000", async () => {
    const r = await checker.run("04.binaryCrossentropyFromLogits", WRONG["04.binaryCrossentropyFromLogits"]?.["probability route (sigmoid, then log): Infinity for |z| = 1000"]);
    const wrongOnes = r.cases.filter((c) => !c.passed).map((c) => c.name);
    assert.ok(wrongOnes.some((n) => n.includes("|z| = 1000")), wrongOnes.join("; "));
    assert.ok(r.cases.find((c) => c.name.startsWith("Keras"))?.passed, "it is right on moderate logits");
  });

  it("the solution's losses agree with the course's TensorFlow.js losses (float32) on the same inputs", () => {
    const scce = solutions.sparseCategoricalCrossentropy as unknown as (y: number[], p: number[][], l: boolean) => number;
    const z = [[2, 1, 0.1], [0.5, 2.5, -1], [30, -30, 0]];
    const y = [0, 1, 1];
    const viaTf = tf.tidy(() => SparseCategoricalCrossentropy({ fromLogits: true })(tf.tensor1d(y), tf.tensor2d(z)).mean().arraySync() as number);
    assert.ok(Math.abs(scce(y, z, true) - viaTf) < 1e-4 * Math.abs(viaTf));
  });
});

describe("lesson 04 prose about TensorFlow.js' and Keras' losses", () => {
  const md = markdownCells(SLUG);
  const EPS = 1e-7;
  /** What tfjs-layers' string loss 'sparseCategoricalCrossentropy' computes for one row: clip, divide by the row sum, clip again. */
  const clipRenormaliseClip = (row: number[]): number[] => {
    const clip = (v: number): number => Math.min(1 - EPS, Math.max(EPS, v));
    const clipped = row.map(clip);
    const sum = clipped.reduce((a, b) => a + b, 0);
    return clipped.map((v) => clip(v / sum));
  };
  /** The string loss as model.compile uses it, on one example with the given logits as the model's output. */
  const tfjsStringLoss = (logits: number[], label: number): number => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [1], units: logits.length })] });
    const weights = [tf.zeros([1, logits.length]), tf.tensor1d(logits)];
    model.setWeights(weights);
    const sgd = tf.train.sgd(0.1);
    model.compile({ loss: "sparseCategoricalCrossentropy", optimizer: sgd });
    const [xs, ys] = [tf.tensor2d([[0]]), tf.tensor1d([label])];
    const value = model.evaluate(xs, ys) as tf.Scalar;
    const v = value.dataSync()[0] as number;
    tf.dispose([value, xs, ys, ...weights]);
    model.dispose();
    sgd.dispose();
    return v;
  };

  it("tfjs' string sparse loss clips the logits, divides by the row sum, then clips again (measured, not renormalise-then-clip)", () => {
    const logits = [2, 1, -1];
    const p = clipRenormaliseClip(logits);
    for (const label of [0, 1, 2]) {
      const measured = tfjsStringLoss(logits, label);
      assert.ok(Math.abs(measured - -Math.log(p[label] as number)) < 1e-4 * (1 + measured), `label ${label}: tfjs ${measured}, clip–renormalise–clip ${-Math.log(p[label] as number)}`);
    }
    // Dividing first and clipping after would give label 0 a loss of about 1e-7; skipping the last clip would give label 2 −log(5e-8) ≈ 16.8.
    assert.ok(tfjsStringLoss(logits, 0) > 0.5);
    assert.ok(Math.abs(tfjsStringLoss(logits, 2) - -Math.log(EPS)) < 1e-3);
  });

  it("section 4 describes that order and states the resulting probabilities of [2, 1, −1]", () => {
    const section4 = md.find((t) => t.startsWith("## 4.")) ?? "";
    assert.match(section4, /clips each logit into \$\[10\^\{-7\}, 1 - 10\^\{-7\}\]\$, divides the row by its sum, and clips again/);
    const p = clipRenormaliseClip([2, 1, -1]).map((v) => Number(v.toPrecision(2)));
    assert.deepEqual(p, [0.5, 0.5, 1e-7]);
    assert.ok(section4.includes("$[0.5, 0.5, 10^{-7}]$"));
  });

  it("says that tf.keras recovers the logits of a sigmoid or softmax output layer, unlike TensorFlow.js, and quotes no run's logits", () => {
    const text = md.join("\n");
    assert.match(text, /tf\.keras is more careful here than TensorFlow\.js/);
    assert.match(text, /_keras_logits/);
    assert.doesNotMatch(text, /22 or −43/);
  });
});

/** The lesson's demonstrations of the cost's indicator form, the −log curve, softmax coupling and the two-unit network. */
function assertSoftmaxAdditions(run: Parameters<typeof recorded>[0]): void {
  // 1. Indicator form and "pick the label's probability" give the same cost, and it is the mean of −log a_y.
  const cost = recorded<{ probs: number[][]; labels: number[]; indicatorCost: number; pickCost: number }>(run, "indicatorCost");
  assert.ok(cost.labels.length >= 3, "a few examples");
  assert.ok(new Set(cost.labels).size >= 2, "more than one label, so the indicator really selects");
  assertNear(cost.indicatorCost, cost.pickCost, 1e-12, "indicator form vs pick form");
  assertNear(cost.pickCost, mean(cost.labels.map((y, i) => -Math.log(cost.probs[i]?.[y] as number))), 1e-12, "J = mean of −log a_y");
  // 2. The −log curve: recorded points equal −log a (0 at a = 1), and the figure's curve is −log x, falling, large near 0.
  const points = recorded<{ a: number; loss: number }[]>(run, "logLossPoints");
  assert.ok(points.length >= 3);
  for (const { a, loss } of points) assertNear(loss, -Math.log(a), 1e-12, `loss at a = ${a}`);
  assertNear(points.find((p) => p.a === 1)?.loss, 0, 0, "loss 0 at a = 1");
  const curve = drawnFigures(run).find((f) => f.title.includes("−log a_y"));
  assert.ok(curve, "a figure of −log a_y");
  const xs = curve.data[0]?.x as number[], ys = curve.data[0]?.y as number[];
  assert.ok(xs.length >= 50 && xs.every((x) => x > 0 && x <= 1), "a_y in (0, 1]");
  xs.forEach((x, i) => assertNear(ys[i], -Math.log(x), 1e-9, `curve at ${x}`));
  assert.ok(ys.every((y, i) => i === 0 || y < (ys[i - 1] as number)), "the loss falls as a_y grows");
  assert.ok(Math.max(...ys) > 5, "and is large near a_y = 0");
  // 3. Nudging one logit changes every softmax output (sum still 1) but only one ReLU output; the Jacobian is diag(a) − a aᵀ.
  const c = recorded<{ z: number[]; k: number; before: number[]; after: number[]; reluBefore: number[]; reluAfter: number[]; jacobian: number[][] }>(run, "softmaxCoupling");
  assert.equal(c.after.length, c.z.length);
  c.after.forEach((v, j) => assert.ok(Math.abs(v - (c.before[j] as number)) > 1e-3, `a${j + 1} changed: ${c.before[j]} → ${v}`));
  c.after.forEach((v, j) => assert.ok(j === c.k ? v > (c.before[j] as number) : v < (c.before[j] as number), `a${j + 1} moves the right way`));
  assertNear(c.before.reduce((s, v) => s + v, 0), 1, 1e-6, "sum before");
  assertNear(c.after.reduce((s, v) => s + v, 0), 1, 1e-6, "sum after");
  c.reluAfter.forEach((v, j) => assert.equal(v !== c.reluBefore[j], j === c.k, `relu output ${j + 1} changes only if it is the nudged one`));
  c.jacobian.forEach((row, j) => row.forEach((v, k) => {
    const a = c.before;
    assertNear(v, (a[j] as number) * ((j === k ? 1 : 0) - (a[k] as number)), 1e-5, `∂a${j + 1}/∂z${k + 1}`);
  }));
  // 4. Two ReLU units: two distinct, non-degenerate lines, and the network separates the blobs.
  // Measured (seed 2, 20 epochs, wasm): 98.55%; seeds 2–8 gave 97.6–98.8%, seed 1 92.4% (one line barely used), so ≥ 95% for the fixed seed.
  const two = recorded<{ units: HiddenUnit[]; accuracy: number }>(run, "twoUnits");
  assert.equal(two.units.length, 2);
  const normalised = two.units.map((u) => { const n = Math.hypot(...u.w); assert.ok(n > 0.1, `unit weights ${u.w} are not ~0`); return [u.w[0] / n, u.w[1] / n, u.b / n]; });
  const [p, q] = normalised as [number[], number[]];
  // The same line has normal ±(w, b)/|w|: distinct lines differ from both signs.
  const gap = (sign: number): number => Math.hypot(...p.map((v, i) => v - sign * (q[i] as number)));
  assert.ok(gap(1) > 0.2 && gap(-1) > 0.2, `the two units' lines differ: ${JSON.stringify(two.units)}`);
  assertBetween(two.accuracy, 0.95, 1, "two-unit training accuracy");
  const fig = drawnFigures(run).find((f) => f.title.startsWith("Two ReLU hidden units"));
  assert.ok(fig, "the two-unit figure");
  const lines = fig.data.filter((t) => String(t.name).includes("w·x + b = 0"));
  assert.equal(lines.length, 2, "one boundary line per unit");
  lines.forEach((t, u) => (t.x as number[]).forEach((x, i) => {
    const unit = two.units[u] as HiddenUnit;
    assertNear(unit.w[0] * x + unit.w[1] * ((t.y as number[])[i] as number) + unit.b, 0, 1e-6, `line ${u + 1} lies on w·x + b = 0`);
  }));
}

describe("lesson 04 unitBoundary", () => {
  it("returns two points on w·x + b = 0 for steep, flat and diagonal lines, and refuses zero weights", () => {
    for (const unit of [{ w: [1, 0], b: 2 }, { w: [0, -3], b: 1 }, { w: [1.5, -1], b: 0.5 }, { w: [0.2, 5], b: -4 }] as HiddenUnit[]) {
      const { x, y } = unitBoundary(unit);
      assert.equal(x.length, 2);
      x.forEach((u, i) => assertNear(unit.w[0] * u + unit.w[1] * (y[i] as number) + unit.b, 0, 1e-12, JSON.stringify(unit)));
      assert.ok(x[0] !== x[1] || y[0] !== y[1], "two different points");
    }
    assert.throws(() => unitBoundary({ w: [0, 0], b: 1 }), /weights are both 0/);
  });
});

describe("lesson 04 notebook in a real tslab kernel", { concurrency: false }, () => {
  it("solution edition: every check passes, the lecture's numbers, both models ≥ 95%, no leaked tensors", () => {
    const run = assertSolutionEditionPasses(SLUG, IDS);
    // Round-off, to the 18 decimals printed: 2/10000 exactly, the roundabout way off in the 17th, float32 off in the 8th.
    const roundOff = recorded<{ direct: number; roundabout: number; roundabout32: number }>(run, "roundOff");
    assertNear(roundOff.direct, 0.0002, 5e-19, "float64 2/10000");
    assertNear(roundOff.roundabout, 0.000199999999999978, 5e-19, "float64 (1 + 1/10000) − (1 − 1/10000)");
    assertBetween(roundOff.roundabout32, 0.00020003, 0.00020004, "float32 (1 + 1/10000) − (1 − 1/10000)");
    // The demo's own four logits (not the lecture's a₁…a₃, which the graded quiz asks about): the student's softmax of them.
    const example = recorded<{ z: number[]; a: number[] }>(run, "softmaxExample");
    assert.equal(example.a.length, 4);
    const ez = example.z.map(Math.exp);
    ez.forEach((e, i) => assertNear(example.a[i] as number, e / ez.reduce((s, v) => s + v, 0), 1e-12, `a[${i}]`));
    // z = 40: the logits route gives 40, the probability route Infinity.
    const z40 = recorded<{ z: number; logitsRoute: number; probabilityRoute: number }[]>(run, "logitsVsProbabilities").find((r) => r.z === 40);
    assert.ok(z40, "a row for z = 40");
    assertNear(z40.logitsRoute, 40, 5e-7, "logits route at z = 40");
    assert.equal(z40.probabilityRoute, Infinity, "probability route at z = 40");
    for (const name of ["accuracy:fromLogits", "accuracy:softmax"]) assertBetween(recorded(run, name), 0.95, 1, name);
    const perLabel = recorded<Record<string, number>>(run, "multiLabelAccuracy");
    assert.deepEqual(Object.keys(perLabel), ["car", "bus", "pedestrian"]);
    for (const [label, acc] of Object.entries(perLabel)) assertBetween(acc, 0, 1, `${label} accuracy`);
    // tf.softmax turns the logits back into probabilities: x = (-5, 2) → 1.000, 0.000, 0.000, 0.000 → class 0.
    const first = recorded<{ x: number[]; probabilities: number[]; predicted: number }[]>(run, "softmaxOfLogits")[0];
    assert.deepEqual(first?.x, [-5, 2]);
    assertBetween(first?.probabilities[0], 0.9995, 1, "P(class 0)");
    first?.probabilities.slice(1).forEach((p, i) => assertBetween(p, 0, 0.0005, `P(class ${i + 1})`));
    assert.equal(first?.probabilities.length, 4);
    assert.equal(first?.predicted, 0);
    // tf.sigmoid of the output layer's logits reproduces model.predict on all 1000 points; both losses agree.
    const viaSigmoid = recorded<{ points: number; maxGap: number; lossFromLogits: number; lossFromProbabilities: number }>(run, "sigmoidOfLogits");
    assert.equal(viaSigmoid.points, 1000);
    assert.ok(viaSigmoid.maxGap >= 0 && viaSigmoid.maxGap < 1e-6, `gap ${viaSigmoid.maxGap}`);
    // Whether the two routes' losses agree depends on the run (a confident wrong prediction parts them); the prose
    // says so and points at the printed numbers, so only their being computed is pinned here.
    assert.ok(Number.isFinite(viaSigmoid.lossFromLogits) && Number.isFinite(viaSigmoid.lossFromProbabilities), JSON.stringify(viaSigmoid));
    // The string loss treats logits as probabilities and differs from the from-logits loss.
    const fixed = recorded<{ stringLoss: number; fromLogitsLoss: number }>(run, "fixedLogitsLoss");
    assert.ok(Number.isFinite(fixed.stringLoss) && Number.isFinite(fixed.fromLogitsLoss) && Math.abs(fixed.stringLoss - fixed.fromLogitsLoss) > 0.1, JSON.stringify(fixed));
    assert.ok(figuresAndHtml(run).filter((h) => h.includes('class="course-figure"')).length >= 3);
    assertSoftmaxAdditions(run);
    console.log(`lesson 04 solution edition: ${run.totalSeconds.toFixed(1)} s top to bottom; two-unit accuracy ${recorded<{ accuracy: number }>(run, "twoUnits").accuracy}`);
  });

  it("student edition: runs to the end and every check says not completed yet", () => {
    assertStudentEditionNotCompleted(SLUG, IDS);
  });

  it("wrong code in every exercise: runs to the end and every check fails", () => {
    const { byId } = assertWrongEditionFails(SLUG, IDS, wrongEdition(SLUG));
    // The two models are wrong in their hidden layers (so that lab.fit trains them on its fast path): the checks say so.
    for (const id of ["04.buildMulticlassModel", "04.buildMultiLabelModel"]) assert.ok(byId[id]?.cases.every((c) => c.mistake === "wrong-decision" && /hidden/.test(c.message ?? "")), JSON.stringify(byId[id]?.cases));
  });
});

describe("lesson 04 prose: sources labelled truly", () => {
  const md = markdownCells(SLUG);
  it("the two multi-label losses are compared as printed, not said to agree for one seed's reason", () => {
    const cell = md.find((t) => t.startsWith("Look at the size of the logits")) ?? "";
    assert.ok(cell, "the paragraph under the logits");
    assert.doesNotMatch(cell, /still agree because those confident predictions are/);
    assert.match(cell, /Compare the two losses printed above/);
  });
  it("the note on the softmax model's model.fit links to lesson 01's lab.fit primer", () => {
    const cell = md.find((t) => t.includes("The softmax model trains through `model.fit`")) ?? "";
    assert.ok(cell.includes("(01-logistic-regression.ipynb#lab-fit)"), cell.slice(0, 200));
  });
  it("the indicator-form cost is the course notes', not the lecture's", () => {
    const cell = md.find((t) => t.startsWith("### The cost, written with an indicator")) ?? "";
    assert.match(cell, /course's notes \(not the lecture/);
  });
  it("shows the lecture's own from-logits code, multiclass and logistic, next to the TensorFlow.js equivalents", () => {
    const cell = md.find((t) => t.startsWith("## 4. Multiclass classification in TensorFlow.js")) ?? "";
    for (const line of ["Dense(units=10, activation='linear')", "SparseCategoricalCrossentropy(from_logits=True)", "logits = model(X)", "f_x = tf.nn.softmax(logits)",
      "Dense(units=1, activation='linear')", "BinaryCrossentropy(from_logits=True)", "tf.nn.sigmoid(logit)", "lab.SparseCategoricalCrossentropy({ fromLogits: true })", "tf.softmax(logits)", "tf.sigmoid(logit)", "less legible"]) {
      assert.ok(cell.includes(line), `missing ${line}`);
    }
  });
  it("shows the lecture's logistic from-logits variant as code, in Keras and in TensorFlow.js, as it does the multiclass one", () => {
    const cell = md.find((t) => t.startsWith("## 4. Multiclass classification in TensorFlow.js")) ?? "";
    const blocks = [...cell.matchAll(/```(python|ts)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2] as string }));
    const keras = blocks.find((b) => b.lang === "python" && b.code.includes("BinaryCrossentropy(from_logits=True)"));
    assert.ok(keras, "a Keras block with the logistic variant");
    for (const line of ["Dense(units=1, activation='linear')", "logit = model(X)", "f_x = tf.nn.sigmoid(logit)"]) assert.ok(keras.code.includes(line), `Keras block: ${line}`);
    const tfjs = blocks.find((b) => b.lang === "ts" && b.code.includes("lab.BinaryCrossentropy({ fromLogits: true })"));
    assert.ok(tfjs, "a TensorFlow.js block with the logistic variant");
    for (const line of ['units: 1, activation: "linear"', "tf.sigmoid(logit)"]) assert.ok(tfjs.code.includes(line), `TensorFlow.js block: ${line}`);
  });
  it("gives the float32/float64 precision ratio as about 5×10^8, not 10^9", () => {
    const all = md.join("\n");
    assert.doesNotMatch(all, /10\^9\$ times worse/);
    assert.match(all, /5\\times10\^\{8\}/);
  });
  it("has the seeds' material: a1…a4 written out, the [3] layer notation, the multi-label y vectors", () => {
    const all = md.join("\n");
    for (const k of [1, 2, 3, 4]) assert.ok(all.includes(`a_${k} = \\frac{e^{z_${k}}}{e^{z_1} + e^{z_2} + e^{z_3} + e^{z_4}}`), `a_${k} written out`);
    assert.match(all, /a_j\^\{\[3\]\}/);
    assert.match(all, /\[1, 0, 1\].*\[0, 0, 1\].*\[1, 1, 0\]/);
  });
  it("exercise 6 leaves the output layer, the loss and fromLogits to the student", () => {
    const cell = md.find((t) => t.startsWith("### Exercise 6: `buildMulticlassModel`")) ?? "";
    assert.match(cell, /you decide/);
    assert.doesNotMatch(cell, /fromLogits: true|\*\*linear\*\*/);
  });
});

describe("lesson 04: the graded a4 question is not answered above it", () => {
  it("no cell (prose, code or figure title) before the quiz's check holds the value of its right option", () => {
    const id = "04.quiz.softmaxA4";
    const key = readQuizKeys(SLUG)[id];
    assert.ok(key && typeof key.answer === "string");
    const answer = quizOptions(loadExpected(SLUG).checks[id]?.cases[0]?.args ?? [])[key.answer] as string;
    assert.match(answer, /^\d+\.\d+$/, "the right option is a number");
    const cells = readNotebook(sourceNotebook(SLUG)).cells.map(cellText);
    const quizAt = cells.findIndex((t) => t.includes(`lab.check("${id}"`));
    assert.ok(quizAt > 0, "the notebook checks the quiz");
    const quizQuestion = cells.slice(0, quizAt).map((t) => t.includes("What is $a_4$?")).lastIndexOf(true);
    assert.ok(quizQuestion > 0, "the question sits just above its check");
    cells.slice(0, quizQuestion).forEach((t, i) => assert.ok(!t.includes(answer), `cell ${i} holds ${answer}, the quiz's answer`));
    // Nor does a failed check above it: its report shows the case's name, arguments and expected value.
    for (const [checkId, stored] of Object.entries(loadExpected(SLUG).checks)) {
      if (checkId.includes(".quiz.")) continue;
      for (const c of stored.cases) assert.ok(!JSON.stringify(c).includes(answer), `${checkId} case "${c.name}" holds ${answer}`);
    }
  });
});

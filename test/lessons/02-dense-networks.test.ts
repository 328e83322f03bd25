/**
 * Lesson 02: every check passes on the notebook's own solutions and fails on
 * several wrong implementations; activation names in the stored cases become
 * functions and modified inputs are still caught; the solution edition runs
 * top to bottom in a real tslab kernel with every check passing, the digit
 * network reaching ≥ 99% training accuracy and the student's `sequential`
 * reproducing `model.predict` within 1e-5; the student edition runs with every
 * check "not completed yet"; a notebook full of wrong code still runs to the
 * end with every check failing.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { ROOT } from "../../lib/runtime/paths";
import { quizOptions, storedCheck } from "../../lib/checks";
import { readQuizKeys } from "../../grading/quiz-key-file";
import { activationByName, checker, coffeeReference, COFFEE_NETWORK, normalizeRoasts, plainLayers, predictProbabilities, sigmoid } from "../../lib/lessons/02-dense-networks";
import { initBackend } from "../../lib/runtime";
import { BinaryCrossentropy } from "../../lib/training";
import { figuresAndHtml, markdownCells, solutionFunctions, recorded } from "../helpers/notebooks";
import { assertSolutionEditionPasses, itHoldsTheCheckContract, assertStudentEditionNotCompleted, assertWrongEditionFails, assertOneProgressDisplay, assertBackendRecorded, assertBetween, assertNear, itAcceptsEveryRightChoice } from "../helpers/lesson-contract";
import { wrongEdition } from "../../setup/test";

const SLUG = "02-dense-networks";
const IDS = checker.definitions.map((d) => d.id);

type Fn = (...args: never[]) => unknown;
type G = (z: number) => number;
type Layer = { W: number[][]; b: number[]; g: G };

const denseOk = (a: number[], W: number[][], b: number[], g: G): number[] => b.map((bj, j) => g(a.reduce((s, ak, k) => s + ak * (W[k]?.[j] as number), bj)));
const log10Loss = (y: number, f: number): number => -y * Math.log10(f) - (1 - y) * Math.log10(1 - f);

function model(layers: { units: number; activation: "sigmoid" | "relu" | "linear" }[], compile: tf.ModelCompileArgs | null): tf.Sequential {
  const m = tf.sequential({
    layers: layers.map((l, i) => tf.layers.dense({ ...(i === 0 ? { inputShape: [400] } : {}), units: l.units, activation: l.activation })),
  });
  if (compile) m.compile(compile);
  return m;
}
const S = (units: number) => ({ units, activation: "sigmoid" as const });
const bce = () => ({ loss: "binaryCrossentropy", optimizer: tf.train.adam(0.001) });

/** Wrong implementations, each a mistake students actually make. */
const WRONG: Record<string, Record<string, Fn>> = {
  "02.dense": {
    "W read as units×inputs (W[j][k])": ((a: number[], W: number[][], b: number[], g: G) => b.map((bj, j) => g(a.reduce((s, ak, k) => s + ak * (W[j]?.[k] as number), bj)))) as Fn,
    "forgets the bias": ((a: number[], W: number[][], b: number[], g: G) => b.map((_, j) => g(a.reduce((s, ak, k) => s + ak * (W[k]?.[j] as number), 0)))) as Fn,
    "forgets the activation": ((a: number[], W: number[][], b: number[]) => b.map((bj, j) => a.reduce((s, ak, k) => s + ak * (W[k]?.[j] as number), bj))) as Fn,
    "always applies the sigmoid": ((a: number[], W: number[][], b: number[]) => denseOk(a, W, b, sigmoid)) as Fn,
    "one output per input instead of per unit": ((a: number[], W: number[][], b: number[], g: G) => a.map((_, j) => g(a.reduce((s, ak, k) => s + ak * (W[k]?.[j] ?? 0), b[j] ?? 0)))) as Fn,
  },
  "02.denseBatch": {
    "uses Wᵀ": ((A: number[][], W: number[][], b: number[], g: G) => A.map((r) => b.map((bj, j) => g(r.reduce((s, ak, k) => s + ak * (W[j]?.[k] as number), bj))))) as Fn,
    "adds b[i] of the example, not of the unit": ((A: number[][], W: number[][], b: number[], g: G) => A.map((r, i) => b.map((_, j) => g(r.reduce((s, ak, k) => s + ak * (W[k]?.[j] as number), b[i] ?? 0))))) as Fn,
    "no activation": ((A: number[][], W: number[][], b: number[]) => A.map((r) => denseOk(r, W, b, (z) => z))) as Fn,
    "only the first example": ((A: number[][], W: number[][], b: number[], g: G) => [denseOk(A[0] as number[], W, b, g)]) as Fn,
    "returns a tensor": ((A: number[][], W: number[][], b: number[]) => tf.tidy(() => tf.sigmoid(tf.matMul(tf.tensor2d(A), tf.tensor2d(W)).add(tf.tensor1d(b))))) as Fn,
  },
  "02.sequential": {
    "only the last layer": ((x: number[], layers: Layer[]) => (layers.length ? denseOk(x, layers[layers.length - 1]!.W, layers[layers.length - 1]!.b, layers[layers.length - 1]!.g) : x)) as Fn,
    "layers in reverse order": ((x: number[], layers: Layer[]) => [...layers].reverse().reduce((a, l) => (a.length === l.W.length ? denseOk(a, l.W, l.b, l.g) : a.map(() => NaN)), x)) as Fn,
    "no activation on the output layer": ((x: number[], layers: Layer[]) => layers.reduce((a, l, i) => denseOk(a, l.W, l.b, i === layers.length - 1 ? (z) => z : l.g), x)) as Fn,
    "sigmoid everywhere": ((x: number[], layers: Layer[]) => layers.reduce((a, l) => denseOk(a, l.W, l.b, sigmoid), x)) as Fn,
    "the first layer's activation on every layer": ((x: number[], layers: Layer[]) => layers.reduce((a, l) => denseOk(a, l.W, l.b, layers[0]!.g), x)) as Fn,
    "the last layer's activation on every layer": ((x: number[], layers: Layer[]) => layers.reduce((a, l) => denseOk(a, l.W, l.b, layers[layers.length - 1]!.g), x)) as Fn,
    "starts from layers[0] (crashes without layers)": ((x: number[], layers: Layer[]) => { let a = denseOk(x, layers[0]!.W, layers[0]!.b, layers[0]!.g); for (const l of layers.slice(1)) a = denseOk(a, l.W, l.b, l.g); return a; }) as Fn,
  },
  "02.binaryCrossentropy": {
    "sum, not mean": ((y: number[], p: number[]) => y.reduce((s, yi, i) => s - yi * Math.log(p[i] as number) - (1 - yi) * Math.log(1 - (p[i] as number)), 0)) as Fn,
    "only the y = 1 term": ((y: number[], p: number[]) => y.reduce((s, yi, i) => s - yi * Math.log(p[i] as number), 0) / y.length) as Fn,
    "log10": ((y: number[], p: number[]) => y.reduce((s, yi, i) => s + log10Loss(yi, p[i] as number), 0) / y.length) as Fn,
    "missing minus sign": ((y: number[], p: number[]) => y.reduce((s, yi, i) => s + yi * Math.log(p[i] as number) + (1 - yi) * Math.log(1 - (p[i] as number)), 0) / y.length) as Fn,
    "Keras' clipping with ε inside the log (float32 tf)": ((y: number[], p: number[]) => tf.tidy(() => tf.metrics.binaryCrossentropy(tf.tensor1d(y), tf.tensor1d(p)).dataSync()[0])) as Fn,
  },
  "02.meanSquaredError": {
    "the lecture's ½ factor": ((y: number[], p: number[]) => y.reduce((s, yi, i) => s + ((p[i] as number) - yi) ** 2, 0) / (2 * y.length)) as Fn,
    "sum, not mean": ((y: number[], p: number[]) => y.reduce((s, yi, i) => s + ((p[i] as number) - yi) ** 2, 0)) as Fn,
    "absolute error": ((y: number[], p: number[]) => y.reduce((s, yi, i) => s + Math.abs((p[i] as number) - yi), 0) / y.length) as Fn,
    "root mean squared error": ((y: number[], p: number[]) => Math.sqrt(y.reduce((s, yi, i) => s + ((p[i] as number) - yi) ** 2, 0) / y.length)) as Fn,
  },
  "02.buildBinaryDigitModel": {
    "relu hidden layers": (() => model([{ units: 25, activation: "relu" }, { units: 15, activation: "relu" }, S(1)], bce())) as Fn,
    "two layers only": (() => model([S(25), S(1)], bce())) as Fn,
    "15 then 25 units": (() => model([S(15), S(25), S(1)], bce())) as Fn,
    "mean squared error loss": (() => model([S(25), S(15), S(1)], { loss: "meanSquaredError", optimizer: tf.train.adam(0.001) })) as Fn,
    "not compiled": (() => model([S(25), S(15), S(1)], null)) as Fn,
    "SGD optimizer": (() => model([S(25), S(15), S(1)], { loss: "binaryCrossentropy", optimizer: tf.train.sgd(0.001) })) as Fn,
    "returns a Promise": (async () => model([S(25), S(15), S(1)], bce())) as Fn,
    "linear output read as a probability": (() => model([S(25), S(15), { units: 1, activation: "linear" }], bce())) as Fn,
  },
};

/** A decision exercise: other right choices than the notebook's. */
const RIGHT: Record<string, Record<string, Fn>> = {
  "02.buildBinaryDigitModel": {
    "linear output with binary cross-entropy from logits": (() => model([S(25), S(15), { units: 1, activation: "linear" }], { loss: BinaryCrossentropy({ fromLogits: true }) as unknown as string, optimizer: tf.train.adam(0.001) })) as Fn,
  },
};

before(async () => {
  await initBackend();
});

describe("lesson 02 checks on the notebook's own solutions and on wrong code", () => {
  const solutions = solutionFunctions(SLUG);

  itHoldsTheCheckContract(checker, solutions, WRONG);
  itAcceptsEveryRightChoice(checker, RIGHT);

  it("activation names in the stored cases become the lesson's functions; unknown names are a course-data error", () => {
    assert.equal(activationByName("sigmoid")(0), 0.5);
    assert.equal(activationByName("relu")(-3), 0);
    assert.equal(activationByName("linear")(-3), -3);
    assert.throws(() => activationByName("tanh"), /unknown activation "tanh"/);
  });

  it("a dense that modifies W, or a sequential that modifies a layer's b, is caught although the cases store names", async () => {
    const r1 = await checker.run("02.dense", (a: number[], W: number[][], b: number[], g: G) => { (W[0] as number[])[0] = 0; return denseOk(a, W, b, g); });
    assert.equal(r1.status, "failed");
    assert.ok(r1.cases.some((c) => /modified its argument #2/.test(c.message ?? "")), JSON.stringify(r1.cases[0]));
    const r2 = await checker.run("02.sequential", (x: number[], layers: Layer[]) => layers.reduce((a, l) => { l.b[0] = 0; return denseOk(a, l.W, l.b, l.g); }, x));
    assert.equal(r2.status, "failed");
    assert.ok(r2.cases.some((c) => /modified its argument #2/.test(c.message ?? "")));
  });

  it("reports show activations by name and the student's error", async () => {
    const r = await checker.run("02.dense", () => { throw new TypeError("oops"); });
    assert.equal(r.status, "failed");
    assert.match(r.cases[0]?.input ?? "", /g = sigmoid/);
    assert.ok(r.cases.every((c) => /threw TypeError: oops/.test(c.message ?? "")));
  });
});

describe("lesson 02 reference numbers", () => {
  it("the coffee network: float64 oracle ≈0.9625 and ≈3.03e-08, reproduced by plain layers", () => {
    const ref = coffeeReference();
    assert.ok(Math.abs((ref.predictions[0] as number) - 0.9625) < 1e-3);
    assert.ok(Math.abs((ref.predictions[1] as number) - 3.03e-8) < 1e-9);
    const x = normalizeRoasts(ref.inputs);
    x.forEach((row, i) => {
      const a1 = denseOk(row, COFFEE_NETWORK.W1.map((r) => [...r]), [...COFFEE_NETWORK.b1], sigmoid);
      const a2 = denseOk(a1, COFFEE_NETWORK.W2.map((r) => [...r]), [...COFFEE_NETWORK.b2], sigmoid);
      assert.ok(Math.abs((a2[0] as number) - (ref.predictions[i] as number)) <= 1e-12 + 1e-9 * (ref.predictions[i] as number));
    });
  });

  it("plainLayers copies a tfjs model's weights inputs×units, so a plain forward pass matches predict", () => {
    const m = model([S(4), { units: 3, activation: "relu" }, S(1)], null);
    const X = Array.from({ length: 5 }, (_, i) => Array.from({ length: 400 }, (_, k) => ((i * 7 + k) % 11) / 10));
    const layers = plainLayers(m);
    assert.deepEqual(layers.map((l) => [l.W.length, (l.W[0] as number[]).length, l.b.length]), [[400, 4, 4], [4, 3, 3], [3, 1, 1]]);
    const byHand = X.map((x) => layers.reduce((a, l) => denseOk(a, l.W, l.b, l.g), x)[0] as number);
    const byTf = predictProbabilities(m, X);
    m.dispose();
    byHand.forEach((v, i) => assert.ok(Math.abs(v - (byTf[i] as number)) < 1e-5));
  });
});

describe("lesson 02 prose: sources labelled truthfully, no one run's numbers", () => {
  const md = markdownCells(SLUG);

  it("the two coffee roasts (13.9 and 17 minutes, with the published weights) are the optional lab's, not the lecture's", () => {
    const cell = md.find((t) => t.includes("through the whole network")) ?? "";
    assert.match(cell, /optional coffee-roasting lab/);
    assert.doesNotMatch(cell, /lecture's two coffee roasts/);
  });

  it("quiz question 1 is the seed's practice question: for which task binary cross-entropy, 'not for any task' among the choices", () => {
    const options = quizOptions(storedCheck(SLUG, "02.quiz.binaryLoss").cases[0]?.args ?? []);
    const texts = Object.values(options);
    assert.equal(texts.length, 4);
    for (const kind of [/3 or more classes/, /exactly 2 classes/, /should not be used for any task/, /regression/]) assert.ok(texts.some((t) => kind.test(t)), `an option matching ${kind}`);
    const key = readQuizKeys(SLUG)["02.quiz.binaryLoss"];
    assert.match(options[key?.answer as string] as string, /exactly 2 classes/);
    assert.ok(md.some((t) => t.includes("For which kind of task would you use the binary cross-entropy loss?")), "the question as the seed asks it");
  });

  it("the lesson's module calls the coffee network the Week 1 optional lab's, never the lecture's", () => {
    const source = fs.readFileSync(path.join(ROOT, "lib", "lessons", `${SLUG}.ts`), "utf8");
    assert.doesNotMatch(source, /lecture's coffee/);
    assert.match(source, /Week 1 optional lab's coffee/);
  });

  it("the training section quotes no final loss: e^(−loss) is printed by the code", () => {
    const cell = md.find((t) => t.startsWith("The loss falls steeply")) ?? "";
    assert.ok(cell, "the paragraph after the loss curve");
    assert.doesNotMatch(cell, /cross-entropy of \d|e\^\{-0\.\d/, "no hard-coded loss value");
    assert.match(cell, /printed under the figure/);
  });
});

describe("lesson 02 notebook in a real tslab kernel", { concurrency: false }, () => {
  it("solution edition: runs top to bottom, every check passes, ≥ 99% accuracy, sequential matches predict", () => {
    const run = assertSolutionEditionPasses(SLUG, IDS);
    assertBackendRecorded(run);
    // The Week 1 optional lab's coffee numbers, by hand (sequential): 9.6257…e-1 and 3.03159…e-8.
    const coffee = recorded<{ inputs: number[][]; outputs: number[] }>(run, "coffeeSequential");
    assert.deepEqual(coffee.inputs, [[200, 13.9], [200, 17]]);
    assertBetween(coffee.outputs[0], 0.96257, 0.96258, "f(200 °C, 13.9 min)");
    assertBetween(coffee.outputs[1], 3.03159e-8, 3.0316e-8, "f(200 °C, 17 min)");
    // The digit model (model.summary()): three Dense layers, 10,431 parameters.
    const digitModel = recorded<{ params: number; layers: string[] }>(run, "digitModel");
    assert.equal(digitModel.params, 10431);
    assert.deepEqual(digitModel.layers, ["Dense", "Dense", "Dense"]);
    // MSE vs the lecture's ½ · squared error, with numbers: (0.25 + 0 + 1) / 3 and half of it.
    const mse = recorded<{ yours: number; lecture: number }>(run, "meanSquaredError");
    assertNear(mse.yours, 1.25 / 3, 1e-12, "Keras-style MSE (yours)");
    assertNear(mse.lecture, 1.25 / 6, 1e-12, "the lecture's ½ · MSE");
    // Training accuracy ≥ 99%.
    const training = recorded<{ accuracy: number; images: number }>(run, "training");
    assert.equal(training.images, 1000);
    assertBetween(training.accuracy, 0.99, 1, "training accuracy");
    // The student's sequential reproduces model.predict on all 1000 images.
    const sequential = recorded<{ images: number; maxAbsDiff: number }>(run, "sequentialVsPredict");
    assert.equal(sequential.images, 1000);
    assert.ok(sequential.maxAbsDiff >= 0 && sequential.maxAbsDiff < 1e-5, `max |sequential − model.predict| ${sequential.maxAbsDiff}`);
    // Training progress is one display updated in place.
    assertOneProgressDisplay(run, "lab.fit(model", "digits 0/1", 20);
    const figures = figuresAndHtml(run).filter((h) => h.includes('class="course-figure"'));
    assert.ok(figures.length >= 4, `only ${figures.length} figures`);
  });

  it("student edition: runs to the end and every check says not completed yet", () => {
    assertStudentEditionNotCompleted(SLUG, IDS);
  });

  it("wrong code in every exercise: runs to the end and every check fails with a message", () => {
    const { byId } = assertWrongEditionFails(SLUG, IDS, wrongEdition(SLUG));
    assert.ok(byId["02.binaryCrossentropy"]?.cases.some((c) => /NaN/.test(c.message ?? "")));
    assert.ok(byId["02.sequential"]?.cases.some((c) => /threw TypeError/.test(c.message ?? "")));
  });
});

describe("lesson 02 meanSquaredError, the one graded MSE of the course", () => {
  it("the lecture's ½ is named as such, on every case", async () => {
    const r = await checker.run("02.meanSquaredError", WRONG["02.meanSquaredError"]?.["the lecture's ½ factor"]);
    const failed = r.cases.filter((c) => !c.passed);
    assert.ok(failed.length >= 4, `${failed.length} cases failed`);
    for (const c of failed) assert.equal(c.mistake, "lecture-half-factor", c.message);
  });
});

describe("lesson 02 prose: epochs, e^(−loss), no run-dependent claims", () => {
  const md = markdownCells(SLUG);
  it("quotes the slide's 'number of steps in gradient descent' and says what an epoch is with mini-batches", () => {
    const cell = md.find((t) => t.startsWith("## 6.")) ?? "";
    assert.match(cell, /number of steps in gradient descent/);
    assert.match(cell, /one \*\*epoch\*\* is one pass over the training set/);
  });
  it("calls e^(−loss) a rough geometric mean (the epoch loss is a running average) and claims no accuracy", () => {
    const all = md.join("\n");
    assert.match(all, /roughly the geometric mean/);
    assert.match(all, /running average/);
    assert.doesNotMatch(all, /essentially every training image|from machine to machine/);
  });
  it("names the multilayer perceptron and the lecture's libraries-versus-from-scratch advice", () => {
    const all = md.join("\n");
    assert.match(all, /\*\*multilayer perceptron\*\*/);
    assert.match(all, /rather than coding everything from scratch/);
    assert.match(all, /tune a network and debug it/);
  });
});

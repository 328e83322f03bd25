/**
 * Lesson 02 — Dense layers, Sequential models, loss and cost.
 * Notebook: notebooks/02-dense-networks.ipynb. Tests: test/lessons/02-dense-networks.test.ts.
 *
 * Helpers the notebook uses (activation functions, the Week 1 optional lab's coffee
 * network as plain numbers, the 0/1 digits, figures) and the graded checks
 * `02.*`. The exercises themselves are written in the notebook.
 */
import * as tf from "@tensorflow/tfjs";
import { predictRows } from "../course/predict-rows";
import { outputProbabilities } from "../course/output-probabilities";
import { createChecker, decisionCheck, quizCheck, formatValue, loadExpected, storedFunctionCheck, type StoredCheckDefinition, type HintTiers } from "../checks";
import { plot } from "../runtime";
import { loadBinaryDigits } from "../course/digits";
import { plotLossPerEpoch as plotLoss } from "../course/loss-per-epoch";

export { setup, progress, plot, linspace, seedEverything, record } from "../runtime";
export { demo, disposeModel, needs } from "../checks";
export { fit } from "../training";
export { outputProbabilities } from "../course/output-probabilities";
export { loadBinaryDigits };
export { COFFEE_NETWORK, normalizeRoasts } from "../course/coffee-network";
// lab.labelAccuracy(labels, y) compares labels: the probabilities go through lab.threshold first.
export { threshold, labelAccuracy } from "../course/accuracy";
export { maxAbsDiff } from "../course/max-abs-diff";
// lab.plotDigitGrid(X, y, indices, title, predictions?): the 0/1 digits, with the probability of a 1 in each caption.
export { plotBinaryDigitGrid as plotDigitGrid, spreadIndices } from "../course/digit-figures";

/** This lesson's slug: names its notebook, lib module, expected values and tests. */
export const LESSON = "02-dense-networks";

// ---------------------------------------------------------------- activations

/** An activation function g, applied to one number z. */
type Activation = (z: number) => number;

/** g(z) = 1 / (1 + e^−z). */
export const sigmoid: Activation = (z) => 1 / (1 + Math.exp(-z));
/** g(z) = z. */
export const linear: Activation = (z) => z;
/** g(z) = max(0, z). */
export const relu: Activation = (z) => Math.max(0, z);

/** The activations a stored case may name (JSON cannot hold functions). */
const ACTIVATIONS: Readonly<Record<"sigmoid" | "linear" | "relu", Activation>> = { sigmoid, linear, relu };

/** The activation function a stored case names; a course-data error for any other name. */
export function activationByName(name: unknown): Activation {
  const g = typeof name === "string" ? (ACTIVATIONS as Record<string, Activation>)[name] : undefined;
  if (!g) throw new Error(`unknown activation ${formatValue(name)} in data/expected/${LESSON}.json (expected sigmoid, linear or relu)`);
  return g;
}

/** A layer as plain numbers, the way the `sequential` exercise takes it. */
interface PlainLayer {
  W: number[][];
  b: number[];
  g: Activation;
}

// ---------------------------------------------------------------- checks with named activations

/**
 * Turns a stored case's arguments into the call's arguments: a string
 * argument is an activation name (dense, denseBatch: the `g` argument), and
 * an array of `{ W, b, g: "name" }` layers (sequential) gets its names
 * resolved. The arrays inside stay the very ones the harness copied, so it
 * still notices when the student's function modifies W, b or the input.
 */
function resolveActivations(args: readonly unknown[]): unknown[] {
  return args.map((a) => {
    if (typeof a === "string") return activationByName(a);
    if (Array.isArray(a) && a.length > 0 && a.every((l) => typeof l === "object" && l !== null && typeof (l as { g?: unknown }).g === "string")) {
      return a.map((l: { W: unknown; b: unknown; g: string }) => ({ W: l.W, b: l.b, g: activationByName(l.g) }));
    }
    return a;
  });
}

/** How a case's arguments are shown in the report (activations by name). */
function describeArgs(args: readonly unknown[]): string {
  return args.map((a) => {
    if (typeof a === "string") return `g = ${a}`;
    if (Array.isArray(a) && a.length > 0 && typeof (a[0] as { g?: unknown }).g === "string") {
      return `layers: ${(a as { W: number[][]; b: number[]; g: string }[]).map((l) => `${l.W.length}→${l.b.length} ${l.g}`).join(", ")}`;
    }
    return formatValue(a);
  }).join(", ");
}

/**
 * A stored-cases check for a function that takes activation functions
 * (`dense`, `denseBatch`, `sequential`): the cases store activation names,
 * and each is resolved to the function just before the student's code runs.
 */
function activationCheck(opts: { id: string; fnName: string; points: number; hints: HintTiers }): StoredCheckDefinition {
  return storedFunctionCheck({
    lesson: LESSON, ...opts, describeArgs,
    wrapCall: (fn) => (...args) => fn(...resolveActivations(args)),
  });
}

/** The graded checks of lesson 02, in notebook order. */
export const checker = createChecker([
  activationCheck({
    id: "02.dense", fnName: "dense", points: 2,
    hints: [
      "Revisit how one dense layer computes: every unit takes a weighted sum of all the inputs plus its own bias, then applies the activation. Which index of W selects the unit?",
      "Compare the length of your output with the number of units, then your first unit's value with a hand computation on the case that failed. Common pitfalls: reading W[j][k] instead of W[k][j] (W transposed); looping over W.length units instead of b.length; forgetting the bias or the activation.",
      "Walk-through: unit j uses column j of W: z = b[j] + Σ_k aIn[k]·W[k][j], then a[j] = g(z). The output has W[0].length (= b.length) entries, one per unit; W.length is the number of inputs.",
    ],
  }),
  activationCheck({
    id: "02.denseBatch", fnName: "denseBatch", points: 2,
    hints: [
      "The batch version is one layer applied to many examples at once, which is a matrix product: one row per example, one column per unit.",
      "Check the shape first: one row per example, one column per unit. Then compare row i of your result with your dense applied to example i alone: they must be equal.",
      "Walk-through: Z = A·W + b: row i of the result is example i, column j is unit j, Z[i][j] = b[j] + Σ_k A[i][k]·W[k][j]; then apply g to every element. The result is A.length × b.length.",
    ],
  }),
  activationCheck({
    id: "02.sequential", fnName: "sequential", points: 2,
    hints: [
      "A network is its layers applied one after another: each layer's output becomes the next layer's input.",
      "Look at the case that failed. If only the last layer's result is wrong, check which activation each layer gets; if every case is off, check what the second layer receives as its input; and think about what a network with no layers should return.",
      "Walk-through: begin with the input as the current activations; for each layer in order, compute that layer's dense output from the current activations with the layer's own W, b and g, and make it the new current activations; after the last layer, return them. With no layers, the input itself is the output.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "02.binaryCrossentropy", fnName: "binaryCrossentropy", points: 1,
    hints: [
      "This is lesson 01's logistic loss, averaged over the examples.",
      "If your result is m times too large, the mean is missing; if it is negative, a minus sign is missing; if only the cases with y = 0 fail, the second term is missing.",
      "Walk-through: for each example: −y·log(f) − (1 − y)·log(1 − f) with Math.log (natural log); return the mean over the examples (divide the sum by yTrue.length).",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "02.meanSquaredError", fnName: "meanSquaredError", points: 1,
    hints: [
      "Revisit the mean squared error: the average of the squared gaps between predictions and targets.",
      "If your result is half the expected one, there is a ½ the loss does not have; if it is m times too large, the mean is missing; if it is smaller but never negative, check for a square root or a missing square.",
      "Walk-through: average of (yPred[i] − yTrue[i])² over the examples: Keras' convention, with no ½ in front and no square root.",
    ],
    // The lecture's cost J has ½ in front: a student who copies it is told so by name.
    mistakes: (args) => {
      const [yTrue, yPred] = args as [number[], number[]];
      if (!Array.isArray(yTrue) || !Array.isArray(yPred) || yTrue.length === 0) return [];
      const half = yTrue.reduce((s, y, i) => s + ((yPred[i] as number) - y) ** 2, 0) / (2 * yTrue.length);
      return [{ name: "lecture-half-factor", expected: half, message: "this is the lecture's cost J with ½ in front; Keras' and tfjs's loss (the number printed while training) has no ½, and this function must match it" }];
    },
  }),
  // A decision: the hidden layers are the lecture's; the output activation and the loss are the student's choice.
  decisionCheck({
    lesson: LESSON, id: "02.buildBinaryDigitModel", fnName: "buildBinaryDigitModel", points: 2,
    task: { hidden: { kind: "exactly", layers: [{ units: 25, activation: "sigmoid" }, { units: 15, activation: "sigmoid" }] } },
    target: "binary",
    hints: [
      "The answer is 0 or 1: what should the last layer output, and which loss scores that output against a 0/1 label (lesson 01)? Check the hidden layers against the table and the input size against the images.",
      "Read the check's message: it names the part of your model that does not match the task (a layer, the output's activation, the loss or the optimizer). Common slips: ReLU hidden layers (the lecture's network uses sigmoids here), the units in the wrong order, a linear output with a loss that reads it as a probability, the squared error instead of the cross-entropy, SGD or a default learning rate.",
      "Walk-through: the table of section 5 gives the two hidden layers (the first one takes the 400 pixels as its input shape); then one output unit whose activation turns z into a probability; compile with the loss of lesson 01 for 0/1 labels and the optimizer the task names.",
    ],
  }),
  // Graded quiz (near the end of the notebook): the right answers and the explanation of each option are the
  // instructor's (grading/quiz-keys/, written by the oracle), never here: the notebook only records an answer.
  quizCheck({
    lesson: LESSON, id: "02.quiz.binaryLoss", points: 1,
    hints: [
      "Binary cross-entropy is −y·log(f) − (1 − y)·log(1 − f): look at what it needs f and y to be.",
      "For each option, write down what its label looks like (a class number out of many, a 0/1 answer, a real number) and ask whether one probability f and a y of 0 or 1 can describe it.",
    ],
  }),
  quizCheck({
    lesson: LESSON, id: "02.quiz.fitUpdates", points: 1,
    hints: [
      "Recall the three steps of training: define the model, choose the loss and cost, minimise the cost. Which step changes w and b?",
      "For each line, ask whether the weights are different right after it has run than right before. Section 6 describes what happens inside the line that minimises the cost.",
    ],
  }),
]);

/** Runs a check and shows its report in the notebook; never throws. */
export const check = checker.check;

/** Prints one tier of a check's hint: `lab.hint("NN.name", 2)` for more detail than a failed check shows. */
export const hint = checker.hint;

// ---------------------------------------------------------------- the Week 1 optional lab's coffee network

/** The oracle's float64 results for the coffee network (inputs, normalised inputs, predictions). */
export function coffeeReference(): { inputs: number[][]; normalised: number[][]; predictions: number[] } {
  return (loadExpected(LESSON).values ?? {}).coffeeNetwork as { inputs: number[][]; normalised: number[][]; predictions: number[] };
}

// ---------------------------------------------------------------- trained models as plain numbers

/**
 * A trained model's Dense layers as plain float64 numbers `{ W, b, g }`, so
 * they can be run through the `sequential` exercise. W comes out inputs×units,
 * exactly the layout `dense` expects.
 */
export function plainLayers(model: tf.LayersModel): PlainLayer[] {
  return model.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights();
    if (!kernel || !bias) throw new Error(`layer ${layer.name} has no weights`);
    const activation = String((layer.getConfig() as { activation?: string }).activation ?? "linear");
    return { W: kernel.arraySync() as number[][], b: bias.arraySync() as number[], g: activationByName(activation) };
  });
}

/** The model's predicted probability for every row of X (one output unit: one number per row), whichever output the model has. */
export function predictProbabilities(model: tf.LayersModel, X: number[][]): number[] {
  return tf.tidy(() => (outputProbabilities(model, X).arraySync() as number[][]).map((r) => r[0] as number));
}

/** What the model's last layer outputs for every row of X (a probability, or a logit for a linear output), as plain numbers. */
export function predictOutputs(model: tf.LayersModel, X: number[][]): number[] {
  return tf.tidy(() => (predictRows(model, X).arraySync() as number[][]).map((r) => r[0] as number));
}

// ---------------------------------------------------------------- figures

/** Loss per epoch of a training run (from `lab.progress()`'s history or fit's returned history). */
export function plotLossPerEpoch(loss: readonly number[], title = "Training loss per epoch"): void {
  plotLoss(loss, title, "loss J (binary cross-entropy)");
}

/** The two squared-error costs side by side for a list of predictions: Keras' MSE and the lecture's ½·MSE. */
export function plotSquaredErrorCosts(yTrue: number, predictions: readonly number[], mse: readonly number[], half: readonly number[]): void {
  plot([
    { type: "scatter", mode: "lines", name: "Keras MSE: mean of (f − y)²", x: [...predictions], y: [...mse] },
    { type: "scatter", mode: "lines", name: "lecture: ½ · mean of (f − y)²", x: [...predictions], y: [...half], line: { dash: "dash" } },
  ], {
    title: { text: `Squared-error cost of one example with y = ${yTrue}` },
    xaxis: { title: { text: "prediction f(x)" } }, yaxis: { title: { text: "cost" } },
  });
}

/**
 * Lesson 05 — Adam, and the digit-recognition assignment.
 * Notebook: notebooks/05-adam.ipynb. Tests: test/lessons/05-adam.test.ts.
 *
 * Helpers the notebook uses (the elongated bowl of the optimiser figures, the
 * digit data, predictions, figures) and the graded checks `05.*`. The
 * exercises themselves are written in the notebook.
 */
import * as tf from "@tensorflow/tfjs";
import { createChecker, decisionCheck, quizCheck, formatValue, loadExpected, storedFunctionCheck, type StudentFunction } from "../checks";
import { plot, linspace, type Trace } from "../runtime";
import { loadDigitHeldOutSet, loadDigitTrainingSet } from "../course/digits";
import { plotLossPerEpoch as plotLoss } from "../course/loss-per-epoch";
import { predictRows } from "../course/predict-rows";

export { setup, progress, plot, linspace, seedEverything, record } from "../runtime";
export { outputProbabilities } from "../course/output-probabilities";
export { demo, disposeModel, needs } from "../checks";
export { fit, SparseCategoricalCrossentropy } from "../training";
export { loadDigitTrainingSet, loadDigitHeldOutSet };
export { maxAbsDiff } from "../course/max-abs-diff";
// lab.plotDigitGrid(X, y, predicted, indices, title): all ten digits, "label → predicted class" in each caption.
export { plotMulticlassDigitGrid as plotDigitGrid, spreadIndices } from "../course/digit-figures";

/** This lesson's slug: names its notebook, lib module, expected values and tests. */
export const LESSON = "05-adam";

// ---------------------------------------------------------------- the adamStep check

/** Adam's state as the exercise keeps it: both moment estimates and the step count. */
interface AdamState {
  m: number[];
  v: number[];
  t: number;
}

/** Adam's settings; any left out take tf.train.adam's defaults. */
interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

type AdamStepFn = (w: number[], grad: number[], state: AdamState, opts?: AdamOptions) => unknown;

/**
 * Wraps the student's `adamStep` into one call that runs a whole case: a
 * fresh copy of the stored state, one call per stored gradient (each call gets
 * the weights the previous one returned), and what came back plus the state
 * at the end. adamStep is *meant* to advance the state it is given, so the
 * state is copied here rather than protected; `w`, each gradient and `opts`
 * still go through callStudent's "modified its input" check, because the
 * wrapper hands them over unchanged.
 */
function runSteps(fn: AdamStepFn): (w: number[], grads: number[][], initial: AdamState, opts?: AdamOptions) => unknown {
  return (w, grads, initial, opts) => {
    const state = structuredClone(initial);
    const returnedWeights: unknown[] = [];
    let current = w;
    for (const grad of grads) {
      const next = opts === undefined ? fn(current, grad, state) : fn(current, grad, state, opts);
      // A snapshot: a later call must not be able to change what an earlier one returned.
      returnedWeights.push(Array.isArray(next) ? next.slice() : next);
      if (!Array.isArray(next)) break; // compare() will say what came back instead of an array
      current = next.slice();
    }
    return { returnedWeights, state };
  };
}

/** How an adamStep case is shown in the report: the weights, the gradients of each call, the starting state and the options. */
function describeAdamCase(args: readonly unknown[]): string {
  const [w, grads, state, opts] = args as [number[], number[][], AdamState, AdamOptions | undefined];
  const steps = grads.length === 1 ? `grad = ${formatValue(grads[0])}` : `${grads.length} calls, grads ${formatValue(grads[0])}, ${formatValue(grads[1])}${grads.length > 2 ? ", …" : ""}`;
  const st = state.t === 0 ? "a fresh state (m = v = 0, t = 0)" : `state ${formatValue(state)}`;
  return `w = ${formatValue(w)}, ${steps}, ${st}, opts ${opts === undefined ? "not given (defaults)" : formatValue(opts)}`;
}

// ---------------------------------------------------------------- checks

/** The graded checks of lesson 05, in notebook order. */
export const checker = createChecker([
  storedFunctionCheck({
    lesson: LESSON, id: "05.adamStep", fnName: "adamStep", points: 3,
    hints: [
      "Revisit Adam: per weight it keeps running averages of the gradient and of its square, corrects their bias towards zero in the first steps, and scales the step with them.",
      "Compare your first step with the notebook's: at t = 1 every weight moves by about the learning rate. If it moves much less, check the bias correction and which t it uses; if later steps drift, check that m, v and t are written back into state; if a case with no options fails, check the defaults.",
      "Walk-through: per weight j, t = state.t + 1 (store it back first); m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; " +
      "m̂ = m/(1 − β1^t); v̂ = v/(1 − β2^t); w − learningRate·m̂/(√v̂ + ε). Write m, v and t back into `state`, " +
      "return a new weights array (don't modify w), and use defaults 0.001, 0.9, 0.999, 1e-7 for options not given.",
    ],
    wrapCall: (fn) => runSteps(fn as AdamStepFn) as StudentFunction,
    describeArgs: describeAdamCase,
  }),
  // A decision: the hidden layers are the assignment's; the output layer, the loss and fromLogits are the student's choice.
  decisionCheck({
    lesson: LESSON, id: "05.buildDigitModel", fnName: "buildDigitModel", points: 2,
    task: { hidden: { kind: "exactly", layers: [{ units: 25, activation: "relu", name: "L1" }, { units: 15, activation: "relu", name: "L2" }] } },
    target: "multiclass",
    hints: [
      "Ten digits, one answer per image: the output must give a distribution over the 10 classes. Lesson 04 showed two arrangements that do this; make the output layer and the loss agree on which one you use.",
      "Read the check's message: it names the part that does not match. Common slips: a softmax on the last layer while the loss also expects logits; a linear output with a loss that reads probabilities (tfjs's \"sparseCategoricalCrossentropy\" string); missing layer names.",
      "Walk-through: layers L1 (25 relu, on the 400 pixels) and L2 (15 relu), then L3 with one unit per digit: either a softmax output with the sparse categorical cross-entropy, or a linear output with the course's sparse categorical cross-entropy told that it receives logits (fromLogits, the numerically stable one). Adam at learning rate 1e-3.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "05.layerWeightShapes", fnName: "layerWeightShapes", points: 1,
    hints: [
      "Each layer joins the previous size to its own number of units: think about how many weights and biases that takes, and how TensorFlow.js orients W.",
      "Compare the number of entries you return with the number of layers (one fewer than the sizes), then your first entry's W with [inputs, units] of the first layer.",
      "Walk-through: the first size is the input, not a layer: n sizes make n − 1 layers, each joining one size to the next. TensorFlow.js stores W with one row per input and one column per unit (so a batch of rows times W gives one column per unit), and b with one entry per unit of that layer.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "05.predictClasses", fnName: "predictClasses", points: 1,
    hints: [
      "The predicted class is where the largest logit sits, not how large it is.",
      "Check a row whose logits are all negative, and a row with a tie: the answer is a position, counted from 0. Common pitfalls: counting classes from 1; returning the largest logit instead of its position; starting the running maximum at 0.",
      "Walk-through: for each row of logits, the predicted class is the position (0-based, a digit 0–9) of the largest value, not the value itself. Logits can all be negative, so the running maximum must start from the row itself, not from 0; on a tie keep the first position, as numpy.argmax does.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "05.accuracy", fnName: "accuracy", points: 1,
    hints: [
      "Accuracy is the share of examples predicted right.",
      "Check the range of your result: a fraction between 0 and 1. If you get a count, divide it; if you get one minus the expected value, you counted the wrong ones.",
      "Walk-through: count the examples whose prediction equals the label at the same position, then divide by the number of examples: a fraction between 0 and 1 (not a percentage, not the count, not the fraction wrong).",
    ],
  }),
  // Graded quiz (near the end of the notebook): the right answers and the explanation of each option are the
  // instructor's (grading/quiz-keys/, written by the oracle), never here: the notebook only records an answer.
  quizCheck({
    lesson: LESSON, id: "05.quiz.adamRaises", points: 1,
    hints: [
      "Adam keeps a learning rate for each parameter and adjusts it from how that parameter has been moving.",
      "Look at Adam's step α·m̂/(√v̂ + ε). For each option's pattern of gradients, ask what happens to m̂ (an average of signed gradients) and to √v̂ (from their squares): when are the two about equal in size, and when is m̂ much smaller?",
    ],
  }),
]);

/** Runs a check and shows its report in the notebook; never throws. */
export const check = checker.check;

/** Prints one tier of a check's hint: `lab.hint("NN.name", 2)` for more detail than a failed check shows. */
export const hint = checker.hint;

// ---------------------------------------------------------------- the elongated bowl

/** The bowl of the optimiser figures: J(w1, w2) = w1² + 25·w2², steep in w2 and shallow in w1. */
const BOWL_K = 25;

/** J(w) = w1² + 25·w2². */
export function bowlCost(w: readonly number[]): number {
  return (w[0] as number) ** 2 + BOWL_K * (w[1] as number) ** 2;
}

/** ∇J(w) = [2·w1, 50·w2]. */
export function bowlGradient(w: readonly number[]): number[] {
  return [2 * (w[0] as number), 2 * BOWL_K * (w[1] as number)];
}

/** Where every run on the bowl starts. */
export const BOWL_START: readonly number[] = [-9, 1.5];

/** A run of an optimiser: the weights after every step (starting point first) and the cost after every step. */
export interface Run {
  path: number[][];
  costs: number[];
}

/** Plain gradient descent on the bowl (lesson 01's update, one α for both weights), in float64. */
export function gradientDescentOnBowl(w0: readonly number[], alpha: number, steps: number): Run {
  let w = [...w0];
  const path = [w.slice()];
  const costs: number[] = [];
  for (let i = 0; i < steps; i++) {
    const g = bowlGradient(w);
    w = w.map((wj, j) => wj - alpha * (g[j] as number));
    path.push(w.slice());
    costs.push(bowlCost(w));
  }
  return { path, costs };
}

/** Final costs above this (or not finite) count as "diverged" in the learning-rate sweep. */
const DIVERGED = 1e6;

/** The final cost of a run, or null if it diverged. */
export function finalCost(run: Run): number | null {
  const c = run.costs[run.costs.length - 1] as number;
  return Number.isFinite(c) && c <= DIVERGED ? c : null;
}

/** The oracle's float64 runs on the bowl (numpy), to compare with in the notebook. */
interface BowlReference {
  K: number;
  w0: number[];
  initialCost: number;
  steps: number;
  gdSlow: { alpha: number; path: number[][]; costs: number[] };
  gdFast: { alpha: number; path: number[][]; costs: number[] };
  adam: { learningRate: number; path: number[][]; costs: number[]; grads: number[][] };
  sweep: { steps: number; learningRates: number[]; gd: (number | null)[]; adam: (number | null)[]; divergedAbove: number };
}

/** The float64 reference runs written by the oracle. */
export function bowlReference(): BowlReference {
  return (loadExpected(LESSON).values ?? {}).bowl as BowlReference;
}

// ---------------------------------------------------------------- figures: optimisers

const COLORS = ["#1f77b4", "#ff7f0e", "#d62728", "#2ca02c", "#9467bd"];

/** Contour plot of the bowl with the path of each run drawn over it. */
export function plotBowlPaths(runs: { name: string; path: number[][] }[], title = "Paths on J(w1, w2) = w1² + 25·w2²"): void {
  const w1 = linspace(-10, 3, 131);
  const w2 = linspace(-2, 2, 81);
  const z = w2.map((b) => w1.map((a) => bowlCost([a, b])));
  const contour: Trace = {
    type: "contour", x: w1, y: w2, z, showscale: false, colorscale: "Blues", reversescale: true, opacity: 0.55,
    contours: { coloring: "lines", start: 0, end: 150, size: 10 }, hoverinfo: "skip", name: "J",
  };
  const lines: Trace[] = runs.map((r, i) => ({
    type: "scatter", mode: "lines+markers", name: r.name,
    x: r.path.map((p) => p[0]), y: r.path.map((p) => p[1]),
    line: { color: COLORS[i % COLORS.length], width: 2 }, marker: { size: 4 },
  }));
  const minimum: Trace = { type: "scatter", mode: "markers", name: "minimum (0, 0)", x: [0], y: [0], marker: { symbol: "star", size: 14, color: "black" } };
  plot([contour, ...lines, minimum], {
    title: { text: title }, height: 430,
    xaxis: { title: { text: "w1 (shallow direction)" }, range: [-10, 3] },
    yaxis: { title: { text: "w2 (steep direction)" }, range: [-2, 2] },
  });
}

/** Cost after every step for each run (log y axis). */
export function plotCostPerStep(runs: { name: string; costs: number[] }[], title = "Cost J after each step"): void {
  plot(runs.map((r, i) => ({
    type: "scatter", mode: "lines", name: r.name, x: r.costs.map((_, k) => k + 1), y: r.costs, line: { color: COLORS[i % COLORS.length] },
  })), { title: { text: title }, xaxis: { title: { text: "step" } }, yaxis: { title: { text: "J (log scale)" }, type: "log" } });
}

/**
 * Final cost after a fixed number of steps against the learning rate (both
 * axes logarithmic). Diverged runs (null) are drawn as ✕ along the top edge.
 */
export function plotLearningRateSweep(learningRates: number[], series: { name: string; finals: (number | null)[] }[], steps: number): void {
  const traces: Trace[] = [];
  const top = 1e4;
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    traces.push({ type: "scatter", mode: "lines+markers", name: s.name, x: learningRates, y: s.finals, line: { color }, connectgaps: false });
    const diverged = learningRates.filter((_, k) => s.finals[k] === null);
    if (diverged.length) {
      traces.push({
        type: "scatter", mode: "markers", name: `${s.name}: diverged`, x: diverged, y: diverged.map(() => top),
        marker: { symbol: "x", size: 10, color },
      });
    }
  });
  plot(traces, {
    title: { text: `Cost after ${steps} steps, for each learning rate` },
    xaxis: { title: { text: "learning rate α (log scale)" }, type: "log" },
    yaxis: { title: { text: "final J (log scale)" }, type: "log", range: [-5, 4.5] },
  });
}

// ---------------------------------------------------------------- digits

/** The model's ten logits for every row of X, as plain numbers (the input of the student's predictClasses). */
export function predictLogits(model: tf.LayersModel, X: number[][]): number[][] {
  return tf.tidy(() => predictRows(model, X).arraySync() as number[][]);
}

/** The class with the largest logit for every row of X, by tf.argMax (the reference the student's predictClasses is compared with). */
export function predictLabels(model: tf.LayersModel, X: number[][]): number[] {
  return tf.tidy(() => predictRows(model, X).argMax(-1).arraySync() as number[]);
}

/** Indices where the prediction differs from the label. */
export function misclassified(predicted: readonly number[], y: readonly number[]): number[] {
  const out: number[] = [];
  predicted.forEach((p, i) => {
    if (p !== y[i]) out.push(i);
  });
  return out;
}

/** Loss per epoch of a training run. */
export function plotLossPerEpoch(loss: readonly number[], title = "Training loss per epoch"): void {
  plotLoss(loss, title, "loss (sparse categorical cross-entropy)");
}

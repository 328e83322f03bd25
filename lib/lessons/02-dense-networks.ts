/**
 * Lesson 02 — Dense layers, Sequential models, loss and cost.
 * Notebook: notebooks/02-dense-networks.ipynb. Tests: test/lessons/02-dense-networks.test.ts.
 *
 * Helpers the notebook uses (activation functions, the lecture's coffee
 * network as plain numbers, the 0/1 digits, figures) and the graded checks
 * `02.*`. The exercises themselves are written in the notebook.
 */
import * as tf from "@tensorflow/tfjs";
import { compareCase, createChecker, type CaseRunner, formatValue, loadExpected, storedCheck, storedFunctionCheck, storedModelCheck, type CaseResult, type StoredCheck, type StoredCheckDefinition, type Tolerance } from "../checks";
import { plot, type Trace } from "../runtime";
import { loadBinaryDigits, type DigitData } from "../course/digits";

export { setup, progress, plot, linspace, seedEverything } from "../runtime";
export { demo, disposeModel, needs } from "../checks";
export { fit } from "../training";
export { loadBinaryDigits, type DigitData };

/** This lesson's slug: names its notebook, lib module, expected values and tests. */
export const LESSON = "02-dense-networks";

// ---------------------------------------------------------------- activations

/** An activation function g, applied to one number z. */
export type Activation = (z: number) => number;

/** g(z) = 1 / (1 + e^−z). */
export const sigmoid: Activation = (z) => 1 / (1 + Math.exp(-z));
/** g(z) = z. */
export const linear: Activation = (z) => z;
/** g(z) = max(0, z). */
export const relu: Activation = (z) => Math.max(0, z);

/** The activations a stored case may name (JSON cannot hold functions). */
export const ACTIVATIONS: Readonly<Record<"sigmoid" | "linear" | "relu", Activation>> = { sigmoid, linear, relu };

/** The activation function a stored case names; a course-data error for any other name. */
export function activationByName(name: unknown): Activation {
  const g = typeof name === "string" ? (ACTIVATIONS as Record<string, Activation>)[name] : undefined;
  if (!g) throw new Error(`unknown activation ${formatValue(name)} in data/expected/${LESSON}.json (expected sigmoid, linear or relu)`);
  return g;
}

/** A layer as plain numbers, the way the `sequential` exercise takes it. */
export interface PlainLayer {
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
function activationCheck(opts: { id: string; fnName: string; points: number; hint: string }, load: () => StoredCheck): StoredCheckDefinition {
  const { id, fnName, points, hint } = opts;
  return {
    id,
    points,
    hint,
    fnName,
    async run(fn: unknown, runCase: CaseRunner = compareCase): Promise<CaseResult[]> {
      const stored = load();
      // Not a function: hand it over as it is, so the harness says so in its usual words.
      const call = typeof fn === "function" ? (...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...resolveActivations(args)) : fn;
      const results: CaseResult[] = [];
      for (const c of stored.cases) {
        const tol: Tolerance = { atol: c.atol ?? stored.atol, rtol: c.rtol ?? stored.rtol };
        results.push(await runCase(c.name, call, c.args, c.expected, tol, { fnName, input: describeArgs(c.args) }));
      }
      return results;
    },
    withCases: (newId, newPoints, stored, newHint) => activationCheck({ id: newId, fnName, points: newPoints, hint: newHint ?? hint }, () => stored),
  };
}

/** The graded checks of lesson 02, in notebook order. */
export const checker = createChecker([
  activationCheck({
    id: "02.dense", fnName: "dense", points: 2,
    hint: "Unit j uses column j of W: z = b[j] + Σ_k aIn[k]·W[k][j], then a[j] = g(z). The output has W[0].length (= b.length) entries, one per unit; W.length is the number of inputs.",
  }, () => storedCheck(LESSON, "02.dense")),
  activationCheck({
    id: "02.denseBatch", fnName: "denseBatch", points: 2,
    hint: "Z = A·W + b: row i of the result is example i, column j is unit j, Z[i][j] = b[j] + Σ_k A[i][k]·W[k][j]; then apply g to every element. The result is A.length × b.length.",
  }, () => storedCheck(LESSON, "02.denseBatch")),
  activationCheck({
    id: "02.sequential", fnName: "sequential", points: 2,
    hint: "Start with a = x and, for each layer in order, a = dense(a, layer.W, layer.b, layer.g); return the last a. With no layers, the output is x itself.",
  }, () => storedCheck(LESSON, "02.sequential")),
  storedFunctionCheck({
    lesson: LESSON, id: "02.binaryCrossentropy", fnName: "binaryCrossentropy", points: 1,
    hint: "For each example: −y·log(f) − (1 − y)·log(1 − f) with Math.log (natural log); return the mean over the examples (divide the sum by yTrue.length).",
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "02.meanSquaredError", fnName: "meanSquaredError", points: 1,
    hint: "Average of (yPred[i] − yTrue[i])² over the examples: Keras' convention, with no ½ in front and no square root.",
  }),
  storedModelCheck({
    lesson: LESSON, id: "02.buildBinaryDigitModel", fnName: "buildBinaryDigitModel", points: 2,
    hint: "tf.sequential with tf.layers.dense({ inputShape: [400], units: 25, activation: \"sigmoid\" }), then 15 and 1 sigmoid units; " +
      "model.compile({ loss: \"binaryCrossentropy\", optimizer: tf.train.adam(0.001) }); return the model.",
  }),
]);

/** Runs a check and shows its report in the notebook; never throws. */
export const check = checker.check;

// ---------------------------------------------------------------- the lecture's coffee network

/**
 * The trained coffee-roasting network published with the course (Dense 3
 * sigmoid → Dense 1 sigmoid, W is inputs×units) and its normalisation.
 */
export const COFFEE_NETWORK = {
  mean: [218.668, 13.4307],
  variance: [1596.93, 1.27333],
  W1: [[-8.94, 0.29, 12.89], [-0.17, -7.34, 10.79]],
  b1: [-9.87, -9.28, 1.01],
  W2: [[-31.38], [-27.86], [-32.79]],
  b2: [15.54],
} as const;

/** Normalises (temperature, duration) rows with the coffee network's published mean and variance. */
export function normalizeRoasts(X: readonly (readonly number[])[]): number[][] {
  const { mean, variance } = COFFEE_NETWORK;
  return X.map((row) => row.map((v, j) => (v - (mean[j] as number)) / Math.sqrt(variance[j] as number)));
}

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

/** The model's output for every row of X, as plain numbers (one output unit: one number per row). */
export function predictProbabilities(model: tf.LayersModel, X: number[][]): number[] {
  return tf.tidy(() => ((model.predict(tf.tensor2d(X)) as tf.Tensor).arraySync() as number[][]).map((r) => r[0] as number));
}

/** The course's rule: predict 1 when f(x) ≥ 0.5. */
export function threshold(probabilities: readonly number[]): number[] {
  return probabilities.map((p) => (p >= 0.5 ? 1 : 0));
}

/** Fraction of predicted labels equal to the true labels. */
export function accuracy(predicted: readonly number[], y: readonly number[]): number {
  let right = 0;
  predicted.forEach((p, i) => {
    if (p === y[i]) right += 1;
  });
  return right / y.length;
}

/** Largest |a[i] − b[i]|, NaN if the lengths differ. */
export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return NaN;
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
}

/** `count` indices spread evenly over `n` examples (the data are sorted by label, so both digits appear). */
export function spreadIndices(n: number, count: number, offset = 0): number[] {
  return Array.from({ length: count }, (_, k) => (offset + Math.floor((k * n) / count)) % n);
}

// ---------------------------------------------------------------- figures

/**
 * A grid of 20×20 digits as one heat map. Each tile is labelled with its
 * label, and, when predictions are given, "label → prediction (f)"; wrong
 * predictions get a red label and frame.
 */
export function plotDigitGrid(
  X: readonly number[][], y: readonly number[], indices: readonly number[], title: string,
  predictions?: { labels: readonly number[]; probabilities: readonly number[] }, columns = 8,
): void {
  const S = 20;
  const GAP = 2;
  const LABEL = 7; // empty rows above each tile for its label
  const cellW = S + GAP;
  const cellH = S + LABEL;
  const rows = Math.max(1, Math.ceil(indices.length / columns));
  const z: (number | null)[][] = Array.from({ length: rows * cellH }, () => new Array<number | null>(columns * cellW).fill(null));
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  indices.forEach((idx, k) => {
    const r0 = Math.floor(k / columns) * cellH + LABEL;
    const c0 = (k % columns) * cellW;
    const img = X[idx] as number[];
    for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) (z[r0 + r] as (number | null)[])[c0 + c] = img[r * S + c] as number;
    const label = y[idx] as number;
    let text = `y = ${label}`;
    let wrong = false;
    if (predictions) {
      const p = predictions.probabilities[idx] as number;
      wrong = predictions.labels[idx] !== label;
      text = `${label} → ${predictions.labels[idx]} (${p < 0.001 ? p.toExponential(0) : p.toFixed(3)})`;
    }
    annotations.push({ x: c0 + S / 2 - 0.5, y: r0 - LABEL / 2, text, showarrow: false, font: { size: 10, color: wrong ? "#d62728" : "#333" } });
    if (wrong) shapes.push({ type: "rect", x0: c0 - 0.5, x1: c0 + S - 0.5, y0: r0 - 0.5, y1: r0 + S - 0.5, line: { color: "#d62728", width: 2 } });
  });
  plot([{ type: "heatmap", z, colorscale: "Greys", reversescale: true, zmin: 0, zmax: 1, showscale: false, hoverongaps: false }], {
    title: { text: title }, annotations, shapes,
    height: Math.max(220, 90 + rows * 80), width: Math.max(420, columns * 90),
    xaxis: { visible: false, constrain: "domain" },
    yaxis: { visible: false, autorange: "reversed", scaleanchor: "x" },
    margin: { l: 10, r: 10, t: 50, b: 10 },
  });
}

/** Loss per epoch of a training run (from `lab.progress()`'s history or fit's returned history). */
export function plotLossPerEpoch(loss: readonly number[], title = "Training loss per epoch"): void {
  const trace: Trace = { type: "scatter", mode: "lines+markers", name: "loss", x: loss.map((_, i) => i + 1), y: [...loss], marker: { size: 5 } };
  plot([trace], { title: { text: title }, xaxis: { title: { text: "epoch" } }, yaxis: { title: { text: "loss J (binary cross-entropy)" } } });
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

/**
 * Lesson 05 — Adam, and the digit-recognition assignment.
 * Notebook: notebooks/05-adam.ipynb. Tests: test/lessons/05-adam.test.ts.
 *
 * Helpers the notebook uses (the elongated bowl of the optimiser figures, the
 * digit data, predictions, figures) and the graded checks `05.*`. The
 * exercises themselves are written in the notebook.
 */
import * as tf from "@tensorflow/tfjs";
import { compareCase, createChecker, type CaseRunner, formatValue, loadExpected, storedCheck, storedModelCheck, type CaseResult, type StoredCheck, type StoredCheckDefinition, type Tolerance } from "../checks";
import { plot, linspace, type Trace } from "../runtime";
import { loadDigitHeldOutSet, loadDigitTrainingSet, type DigitData } from "../course/digits";

export { setup, progress, plot, linspace, seedEverything } from "../runtime";
export { demo, disposeModel, needs } from "../checks";
export { fit, SparseCategoricalCrossentropy } from "../training";
export { loadDigitTrainingSet, loadDigitHeldOutSet, type DigitData };

/** This lesson's slug: names its notebook, lib module, expected values and tests. */
export const LESSON = "05-adam";

// ---------------------------------------------------------------- the adamStep check

/** Adam's state as the exercise keeps it: both moment estimates and the step count. */
export interface AdamState {
  m: number[];
  v: number[];
  t: number;
}

/** Adam's settings; any left out take tf.train.adam's defaults. */
export interface AdamOptions {
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

function describeAdamCase(args: readonly unknown[]): string {
  const [w, grads, state, opts] = args as [number[], number[][], AdamState, AdamOptions | undefined];
  const steps = grads.length === 1 ? `grad = ${formatValue(grads[0])}` : `${grads.length} calls, grads ${formatValue(grads[0])}, ${formatValue(grads[1])}${grads.length > 2 ? ", …" : ""}`;
  const st = state.t === 0 ? "a fresh state (m = v = 0, t = 0)" : `state ${formatValue(state)}`;
  return `w = ${formatValue(w)}, ${steps}, ${st}, opts ${opts === undefined ? "not given (defaults)" : formatValue(opts)}`;
}

function adamStepCheck(id: string, points: number, hint: string, load: () => StoredCheck): StoredCheckDefinition {
  return {
    id,
    points,
    hint,
    fnName: "adamStep",
    async run(fn: unknown, runCase: CaseRunner = compareCase): Promise<CaseResult[]> {
      const stored = load();
      // Not a function: let the harness say so, in its usual words.
      const call = typeof fn === "function" ? runSteps(fn as AdamStepFn) : fn;
      const results: CaseResult[] = [];
      for (const c of stored.cases) {
        const tol: Tolerance = { atol: c.atol ?? stored.atol, rtol: c.rtol ?? stored.rtol };
        results.push(await runCase(c.name, call, c.args, c.expected, tol, { fnName: "adamStep", input: describeAdamCase(c.args) }));
      }
      return results;
    },
    withCases: (newId, newPoints, stored, newHint) => adamStepCheck(newId, newPoints, newHint ?? hint, () => stored),
  };
}

// ---------------------------------------------------------------- checks

/** The graded checks of lesson 05, in notebook order. */
export const checker = createChecker([
  adamStepCheck(
    "05.adamStep", 3,
    "Per weight j: t = state.t + 1 (store it back first); m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; " +
      "m̂ = m/(1 − β1^t); v̂ = v/(1 − β2^t); w − learningRate·m̂/(√v̂ + ε). Write m, v and t back into `state`, " +
      "return a new weights array (don't modify w), and use defaults 0.001, 0.9, 0.999, 1e-7 for options not given.",
    () => storedCheck(LESSON, "05.adamStep"),
  ),
  storedModelCheck({
    lesson: LESSON, id: "05.buildDigitModel", fnName: "buildDigitModel", points: 2,
    hint: "tf.sequential with tf.layers.dense({ inputShape: [400], units: 25, activation: \"relu\", name: \"L1\" }), " +
      "then 15 relu units named \"L2\" and 10 linear units named \"L3\" (no softmax: the loss works on logits); " +
      "compile with { loss: lab.SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: tf.train.adam(1e-3) }.",
  }),
]);

/** Runs a check and shows its report in the notebook; never throws. */
export const check = checker.check;

// ---------------------------------------------------------------- the elongated bowl

/** The bowl of the optimiser figures: J(w1, w2) = w1² + 25·w2², steep in w2 and shallow in w1. */
export const BOWL_K = 25;

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
export const DIVERGED = 1e6;

/** The final cost of a run, or null if it diverged. */
export function finalCost(run: Run): number | null {
  const c = run.costs[run.costs.length - 1] as number;
  return Number.isFinite(c) && c <= DIVERGED ? c : null;
}

/** The oracle's float64 runs on the bowl (numpy), to compare with in the notebook. */
export interface BowlReference {
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

/** Largest |a − b| over two equally shaped nested arrays of numbers. */
export function maxAbsDiff(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b);
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.reduce((m: number, x, i) => Math.max(m, maxAbsDiff(x, b[i])), 0);
  return NaN;
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

/** The class with the largest logit for every row of X (argmax of the model's output). */
export function predictLabels(model: tf.LayersModel, X: number[][]): number[] {
  return tf.tidy(() => (model.predict(tf.tensor2d(X)) as tf.Tensor).argMax(-1).arraySync() as number[]);
}

/** Fraction of predictions equal to the labels. */
export function accuracy(predicted: readonly number[], y: readonly number[]): number {
  let right = 0;
  predicted.forEach((p, i) => {
    if (p === y[i]) right += 1;
  });
  return right / y.length;
}

/** Indices where the prediction differs from the label. */
export function misclassified(predicted: readonly number[], y: readonly number[]): number[] {
  const out: number[] = [];
  predicted.forEach((p, i) => {
    if (p !== y[i]) out.push(i);
  });
  return out;
}

/** `count` indices spread evenly over `n` examples (the data are sorted by label, so every digit appears). */
export function spreadIndices(n: number, count: number, offset = 0): number[] {
  return Array.from({ length: count }, (_, k) => (offset + Math.floor((k * n) / count)) % n);
}

/** Loss per epoch of a training run. */
export function plotLossPerEpoch(loss: readonly number[], title = "Training loss per epoch"): void {
  plot([{ type: "scatter", mode: "lines+markers", name: "loss", x: loss.map((_, i) => i + 1), y: [...loss], marker: { size: 4 } }], {
    title: { text: title }, xaxis: { title: { text: "epoch" } }, yaxis: { title: { text: "loss (sparse categorical cross-entropy)" } },
  });
}

/**
 * A grid of 20×20 digits as one heat map, each tile labelled "label → prediction";
 * misclassified tiles get a red label and a red frame.
 */
export function plotDigitGrid(X: readonly number[][], y: readonly number[], predicted: readonly number[], indices: readonly number[], title: string, columns = 10): void {
  const S = 20;
  const GAP = 1;
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
    const wrong = predicted[idx] !== y[idx];
    annotations.push({
      x: c0 + S / 2 - 0.5, y: r0 - LABEL / 2, text: `${y[idx]} → ${predicted[idx]}`, showarrow: false,
      font: { size: 11, color: wrong ? "#d62728" : "#333" },
    });
    if (wrong) shapes.push({ type: "rect", x0: c0 - 0.5, x1: c0 + S - 0.5, y0: r0 - 0.5, y1: r0 + S - 0.5, line: { color: "#d62728", width: 2 } });
  });
  plot([{ type: "heatmap", z, colorscale: "Greys", reversescale: true, zmin: 0, zmax: 1, showscale: false, hoverongaps: false }], {
    title: { text: title }, annotations, shapes,
    height: Math.max(220, 90 + rows * 75), width: Math.max(400, columns * 75),
    xaxis: { visible: false, constrain: "domain" },
    yaxis: { visible: false, autorange: "reversed", scaleanchor: "x" },
    margin: { l: 10, r: 10, t: 50, b: 10 },
  });
}

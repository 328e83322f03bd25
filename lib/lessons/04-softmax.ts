/**
 * Lesson 04 — Multiclass classification, softmax and numerical round-off.
 * Notebook: notebooks/04-softmax.ipynb. Tests: test/lessons/04-softmax.test.ts.
 *
 * Helpers the notebook uses (the blobs and multi-label data sets, figures) and
 * the graded checks `04.*`. The from-logits losses for compile/fit come from
 * lib/training/losses.ts and are re-exported here.
 */
import { createChecker, decisionCheck, quizCheck, storedFunctionCheck, type Alternative } from "../checks";
import { createRng, linspace, plot, type Layout, type Trace } from "../runtime";
import { describeRegions, summariseRegions, type RegionSummary } from "../course/region-description";

export { setup, progress, plot, linspace, seedEverything, record } from "../runtime";
export { demo, disposeModel } from "../checks";
export { fit, SparseCategoricalCrossentropy, BinaryCrossentropy } from "../training";
export { outputProbabilities } from "../course/output-probabilities";

/** This lesson's slug: names its notebook, lib module, expected values and tests. */
export const LESSON = "04-softmax";

// ---------------------------------------------------------------- mistakes the checks recognise

/** −log of a probability clipped into [1e-7, 1 − 1e-7], as Keras clips. */
const clippedNegLog = (p: number): number => -Math.log(Math.min(1 - 1e-7, Math.max(1e-7, p)));

/** −log softmax(row)[k], through log-sum-exp so large values stay finite. */
function negLogSoftmaxAt(row: readonly number[], k: number): number {
  const top = row.reduce((a, b) => Math.max(a, b), -Infinity);
  const lse = top + Math.log(row.reduce((acc, v) => acc + Math.exp(v - top), 0));
  return lse - (row[k] as number);
}

const average = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * What sparseCategoricalCrossentropy returns when it does the opposite of
 * what `fromLogits` says (logits used as probabilities, or probabilities put
 * through softmax again), so an answer matching it names that mistake.
 */
function ignoredFromLogits(args: readonly unknown[]): Alternative[] {
  const [labels, rows, fromLogits] = args as [number[], number[][], boolean | undefined];
  if (!Array.isArray(labels) || !Array.isArray(rows) || rows.length === 0) return [];
  if (fromLogits) {
    return [{
      name: "logits-as-probabilities",
      expected: average(rows.map((row, i) => clippedNegLog(row[labels[i] as number] as number))),
      message: "this is the loss of the logits read as if they were probabilities: with fromLogits true, turn the logits into log-probabilities first",
    }];
  }
  return [{
    name: "probabilities-as-logits",
    expected: average(rows.map((row, i) => negLogSoftmaxAt(row, labels[i] as number))),
    message: "this is the loss of the probabilities put through softmax again, as if they were logits: with fromLogits false, use them as they are (clipped)",
  }];
}

/** What binaryCrossentropyFromLogits returns when the logits are used as if they were probabilities. */
function logitsReadAsProbabilities(args: readonly unknown[]): Alternative[] {
  const [y, z] = args as [number[], number[]];
  if (!Array.isArray(y) || !Array.isArray(z) || z.length === 0) return [];
  const loss = average(z.map((p, i) => (y[i] === 1 ? clippedNegLog(p) : clippedNegLog(1 - p))));
  return [{ name: "logits-as-probabilities", expected: loss, message: "this is the loss of the logits read as if they were probabilities: the inputs are logits, any real number" }];
}

/** The graded checks of lesson 04, in notebook order. */
export const checker = createChecker([
  storedFunctionCheck({
    lesson: LESSON, id: "04.mySoftmax", fnName: "mySoftmax", points: 1,
    hints: [
      "Revisit softmax: it turns scores into positive shares that add up to 1, a larger score getting a larger share.",
      "Add up your outputs: they must sum to 1, and the largest logit must get the largest share. If they do not sum to 1, the division is missing or divides by the wrong sum.",
      "Walk-through: a_j = e^(z_j) / Σ_k e^(z_k): exponentiate every element, add them up, divide each by the sum. The outputs add up to 1.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "04.stableSoftmax", fnName: "stableSoftmax", points: 2,
    hints: [
      "Large exponents overflow, but softmax gives the same result when every logit is shifted by the same amount: use that freedom.",
      "Run your function on [1000, 1001, 1002]: NaN or Infinity means an exponential still overflows. Common pitfalls: subtracting the maximum from only some elements; subtracting it after exponentiating (too late, the overflow already happened); forgetting to divide by the sum.",
      "Walk-through: subtract the largest z from every element before exponentiating: e^(z_j − max) / Σ e^(z_k − max) is the same value, but the largest exponent is e^0 = 1, so nothing overflows.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "04.logSoftmax", fnName: "logSoftmax", points: 2,
    hints: [
      "Work in the log domain from the start: the log of a ratio is a difference, and the log of a sum of exponentials can be computed without overflow.",
      "Run it on logits far apart, like [0, 1000]: −Infinity means a probability underflowed to 0 before the log. None of the exponentials you compute may exceed 1.",
      "Walk-through: log a_j = z_j − log Σ_k e^(z_k), and log Σ e^(z_k) = m + log Σ e^(z_k − m) with m = max z (log-sum-exp). Do not take the log of a softmax you computed first: it underflows to log 0.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "04.sparseCategoricalCrossentropy", fnName: "sparseCategoricalCrossentropy", points: 2, mistakes: ignoredFromLogits,
    hints: [
      "The loss looks only at the probability the model gives the true class; whether the inputs are logits or probabilities decides how you obtain that probability.",
      "Check which cases fail: only the fromLogits ones, only the probability ones, or all of them (then look at the mean and the sign). Common pitfalls: ignoring the fromLogits flag (treating logits as probabilities or the reverse); taking the log of an unclipped probability of 0; returning the sum instead of the mean.",
      "Walk-through: loss of one example = −log(probability of its label). From logits use −logSoftmax(z)[label]; from probabilities clip p into [1e-7, 1 − 1e-7] first, as Keras does. Return the mean over examples.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "04.binaryCrossentropyFromLogits", fnName: "binaryCrossentropyFromLogits", points: 2, mistakes: logitsReadAsProbabilities,
    hints: [
      "Rewrite the binary cross-entropy in terms of the logit itself, so no probability that rounds to 0 or 1 is ever formed.",
      "Run it on z = ±1000: Infinity or NaN means a probability was formed and rounded to 0 or 1, or an exponential overflowed; no exponent you compute may be positive.",
      "Walk-through: without forming sigmoid(z): loss = max(z, 0) − z·y + log(1 + e^(−|z|)). Only e^(−|z|) ≤ 1 is ever computed, so z = ±1000 is fine. Return the mean over examples.",
    ],
  }),
  // A decision: the hidden layers are the lab's; the output layer, the loss and fromLogits are the student's choice.
  decisionCheck({
    lesson: LESSON, id: "04.buildMulticlassModel", fnName: "buildMulticlassModel", points: 2,
    task: { hidden: { kind: "exactly", layers: [{ units: 25, activation: "relu" }, { units: 15, activation: "relu" }] } },
    target: "multiclass",
    hints: [
      "A multiclass network gives one score per class; decide where the softmax happens — in the last layer or inside the loss (this course puts it in the loss, for numerical stability).",
      "Read the check's message: it names the part that does not match. Then check the pair that must agree: does your last layer output probabilities or logits, and does your loss expect the same?",
      "Walk-through: two relu hidden layers (25, then 15 units, on 2 inputs) and one output unit per class; then either a linear output whose logits go to the course's sparse categorical cross-entropy told that it receives logits (the numerically safer route), or a softmax output with the plain sparse loss. Adam at learning rate 0.01.",
    ],
  }),
  // A decision: the student picks the hidden layers, the output activation and the loss for several yes/no answers.
  decisionCheck({
    lesson: LESSON, id: "04.buildMultiLabelModel", fnName: "buildMultiLabelModel", points: 2,
    task: { hidden: { kind: "nonlinear" } }, target: "multilabel",
    hints: [
      "Multi-label means several independent yes/no answers per example, not one choice among classes: should the outputs compete (add up to 1) or each stand alone? Choose the output activation and the loss for that.",
      "Read the check's message: it names the part that does not fit several independent yes/no answers. Common pitfalls: a softmax output, which makes the labels compete so that a car and a bus cannot both be there; the sparse or one-hot categorical loss, which expects one class per example; a sigmoid output with the from-logits loss (the sigmoid applied twice); a fixed number of outputs instead of numLabels.",
      "Walk-through: at least one hidden layer with a non-linear activation such as ReLU, on the 2 inputs; then one output unit per label, each an independent probability (a sigmoid, or a linear output with the from-logits loss), trained with binary cross-entropy; Adam at learning rate 0.01.",
    ],
  }),
  // Graded quiz (near the end of the notebook): the right answers and the explanation of each option are the
  // instructor's (grading/quiz-keys/, written by the oracle), never here: the notebook only records an answer.
  quizCheck({
    lesson: LESSON, id: "04.quiz.softmaxA4", points: 1,
    hints: [
      "The lecture's in-video question: what do the outputs of a softmax layer add up to, whatever the logits?",
      "Write the property of tier 1 as an equation in a₁, a₂, a₃ and a₄. Then decide whether that equation, with the three values you know, already fixes a₄, or whether z₄ is still needed.",
    ],
  }),
  quizCheck({
    lesson: LESSON, id: "04.quiz.softmaxOther", points: 1,
    hints: [
      "What do the outputs of a softmax add up to?",
      "Write the property of tier 1 for N = 2 as an equation in a₁ and a₂, and ask whether knowing a₁ leaves any freedom for a₂.",
    ],
  }),
  quizCheck({
    lesson: LESSON, id: "04.quiz.multiLabel", points: 1,
    hints: [
      "Multiclass: each example is exactly one of N classes. Multi-label: each example gets several yes/no answers at once.",
      "Look for the problem where one input gets several labels, each of which can be 1 or 0 independently of the others (a vector y, one sigmoid per label).",
    ],
  }),
  // A multi-select question: the answer is every true statement (stored as a sorted list of keys).
  quizCheck({
    lesson: LESSON, id: "04.quiz.softmaxFacts", points: 2,
    hints: [
      "Go through the statements one by one against the softmax formula aⱼ = e^zⱼ / Σₖ e^zₖ: what does the denominator do, and which z's does it contain?",
      "Test each statement against the formula: sum the aⱼ; list the z's that appear in one aⱼ; for N = 2, divide numerator and denominator by e^z₁ and compare with the sigmoid; and ask whether several labels that are all yes at once fit that sum.",
    ],
  }),
]);

/** Runs a check and shows its report in the notebook; never throws. */
export const check = checker.check;

/** Prints one tier of a check's hint: `lab.hint("NN.name", 2)` for more detail than a failed check shows. */
export const hint = checker.hint;

// ---------------------------------------------------------------- data

/** The four blob centres of the optional multiclass lab. */
const BLOB_CENTRES = [[-5, 2], [-2, -2], [1, 2], [5, -2]] as const;

/** 2000 points in four Gaussian blobs (std 1.0) around BLOB_CENTRES, label = blob index, seeded. */
export function loadBlobs(options: { m?: number; seed?: number; std?: number } = {}): { X: number[][]; y: number[] } {
  const rng = createRng(options.seed ?? 4);
  const std = options.std ?? 1.0;
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < (options.m ?? 2000); i++) {
    const label = i % BLOB_CENTRES.length;
    const [cx, cy] = BLOB_CENTRES[label] as readonly [number, number];
    X.push([rng.normal(cx, std), rng.normal(cy, std)]);
    y.push(label);
  }
  return { X, y };
}

/** Names of the multi-label toy set's labels. */
export const MULTI_LABELS = ["car", "bus", "pedestrian"] as const;

/**
 * A toy multi-label set: 2-D "image features" in [0, 10]², with three
 * independent yes/no labels, any number of which can be 1 at once:
 * car when x₁ > 4, bus when x₂ > 6, pedestrian when x₁ + x₂ < 7.
 */
export function loadMultiLabelData(options: { m?: number; seed?: number } = {}): { X: number[][]; Y: number[][] } {
  const rng = createRng(options.seed ?? 5);
  const X: number[][] = [];
  const Y: number[][] = [];
  for (let i = 0; i < (options.m ?? 1000); i++) {
    const a = rng.uniform(0, 10);
    const b = rng.uniform(0, 10);
    X.push([a, b]);
    Y.push([a > 4 ? 1 : 0, b > 6 ? 1 : 0, a + b < 7 ? 1 : 0]);
  }
  return { X, Y };
}

// ---------------------------------------------------------------- figures

/** Bar chart of softmax outputs for a logit vector. */
export function plotSoftmaxBars(z: readonly number[], a: readonly number[], title = "Softmax: logits z → probabilities a"): void {
  const names = z.map((_, j) => `a${j + 1}`);
  plot([
    { type: "bar", x: names, y: [...a], name: "a = softmax(z)", text: a.map((v) => v.toFixed(2)), textposition: "outside" },
    { type: "scatter", mode: "markers+text", x: names, y: [...z], name: "z (logits)", yaxis: "y2", text: z.map((v) => v.toFixed(2)), textposition: "top center", marker: { size: 10, symbol: "diamond" } },
  ], { title, yaxis: { title: { text: "probability" }, range: [0, 1] }, yaxis2: { title: { text: "logit" }, overlaying: "y", side: "right" }, bargap: 0.4 });
}

/** Relative error of (1 + x) − (1 − x) against 2x, in float64 and float32, over many x. */
export function plotRoundOff(): void {
  const xs = linspace(-8, 0, 161).map((e) => 10 ** e);
  const f = Math.fround;
  const err64 = xs.map((x) => Math.abs((1 + x - (1 - x) - 2 * x) / (2 * x)));
  const err32 = xs.map((x) => {
    const x32 = f(x);
    return Math.abs((f(f(1 + x32) - f(1 - x32)) - f(2 * x32)) / f(2 * x32));
  });
  const floor = (v: number): number => Math.max(v, 1e-18); // exact results would vanish on a log axis
  plot([
    { x: xs, y: err64.map(floor), mode: "lines", name: "float64 (JavaScript numbers, NumPy)" },
    { x: xs, y: err32.map(floor), mode: "lines", name: "float32 (TensorFlow.js tensors)" },
  ], { title: "Relative error of (1 + x) − (1 − x) compared with 2x", xaxis: { type: "log", title: { text: "x" }, exponentformat: "power" }, yaxis: { type: "log", title: { text: "relative error" }, exponentformat: "power" } });
}

/**
 * A classifier's decision regions over the blobs' square (a heat map of the
 * predicted class on a 91×61 grid) with the four classes' points on top: the
 * background of both decision-region figures.
 */
function regionTraces(predictClass: (grid: number[][]) => number[], data: { X: number[][]; y: number[] }, style: { opacity: number; markerSize: number; hover: boolean }): { traces: Trace[]; regions: RegionSummary[] } {
  const xs = linspace(-9, 9, 91);
  const ys = linspace(-6, 6, 61);
  const grid = ys.flatMap((v) => xs.map((u) => [u, v]));
  const cls = predictClass(grid);
  const z = ys.map((_, i) => cls.slice(i * xs.length, (i + 1) * xs.length));
  const colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];
  const regions = summariseRegions(xs, ys, z, ["class 0 (blue)", "class 1 (orange)", "class 2 (green)", "class 3 (red)"]);
  const heatmap: Trace = { type: "heatmap", x: xs, y: ys, z, showscale: false, opacity: style.opacity, zmin: 0, zmax: 3, colorscale: colors.map((c, i) => [[i / 4, c], [(i + 1) / 4, c]]).flat() };
  if (!style.hover) heatmap.hoverinfo = "skip";
  const traces: Trace[] = [heatmap];
  for (let k = 0; k < 4; k++) {
    const pts = data.X.filter((_, i) => data.y[i] === k);
    traces.push({ type: "scatter", mode: "markers", name: `class ${k}`, x: pts.map((p) => p[0]), y: pts.map((p) => p[1]), marker: { size: style.markerSize, color: colors[k] } });
  }
  return { traces, regions };
}

/** The text alternative of a decision-region figure: where each predicted class lies, and the data drawn on top. */
function regionsDescription(regions: readonly RegionSummary[], points: number): string {
  return `Background: the class the model predicts at each point of the square x₁ −9 to 9, x₂ −6 to 6. ${describeRegions(regions, { x: "x₁", y: "x₂" })} On top: the ${points} training points, coloured by their true class.`;
}

/** The decision-region figure (data and layout, its text alternative included), built without drawing it. */
export function decisionRegionsFigure(predictClass: (grid: number[][]) => number[], data: { X: number[][]; y: number[] }, title: string): { data: Trace[]; layout: Layout; regions: RegionSummary[] } {
  const { traces, regions } = regionTraces(predictClass, data, { opacity: 0.35, markerSize: 4, hover: true });
  return { data: traces, regions, layout: { title, xaxis: { title: { text: "x₁" } }, yaxis: { title: { text: "x₂" } }, height: 450, description: regionsDescription(regions, data.X.length) } };
}

/** Decision regions of a classifier over the blobs' square, with the data on top. */
export function plotDecisionRegions(predictClass: (grid: number[][]) => number[], data: { X: number[][]; y: number[] }, title: string): void {
  const fig = decisionRegionsFigure(predictClass, data, title);
  plot(fig.data, fig.layout);
}

/** One hidden ReLU unit of a 2-input layer: z = w · x + b, active (z > 0) on one side of the line w · x + b = 0. */
export interface HiddenUnit {
  w: [number, number];
  b: number;
}

/**
 * The segment of the line w · x + b = 0 inside the blobs' square, as plotly
 * x/y arrays. Solving for the coordinate with the larger weight keeps the
 * division well conditioned (a nearly vertical line is solved for x).
 */
export function unitBoundary(unit: HiddenUnit, box = { x: [-9, 9], y: [-6, 6] }): { x: number[]; y: number[] } {
  const [w1, w2] = unit.w;
  if (Math.hypot(w1, w2) === 0) throw new RangeError("unitBoundary: the unit's weights are both 0, so it has no boundary line (the unit is constant)");
  if (Math.abs(w2) >= Math.abs(w1)) {
    const x = linspace(box.x[0] as number, box.x[1] as number, 2);
    return { x, y: x.map((u) => -(w1 * u + unit.b) / w2) };
  }
  const y = linspace(box.y[0] as number, box.y[1] as number, 2);
  return { x: y.map((v) => -(w2 * v + unit.b) / w1), y };
}

/**
 * The multiclass lab's picture: the output layer's decision regions and the
 * data, with each hidden ReLU unit's boundary line w · x + b = 0 and an arrow
 * pointing into the half-plane where that unit is active (z > 0).
 */
export function plotHiddenUnits(units: readonly HiddenUnit[], predictClass: (grid: number[][]) => number[], data: { X: number[][]; y: number[] }, title: string): void {
  const fig = hiddenUnitsFigure(units, predictClass, data, title);
  plot(fig.data, fig.layout);
}

/** The figure of plotHiddenUnits (data and layout, its text alternative included), built without drawing it. */
export function hiddenUnitsFigure(units: readonly HiddenUnit[], predictClass: (grid: number[][]) => number[], data: { X: number[][]; y: number[] }, title: string): { data: Trace[]; layout: Layout; regions: RegionSummary[] } {
  const { traces, regions } = regionTraces(predictClass, data, { opacity: 0.25, markerSize: 3, hover: false });
  const annotations: Record<string, unknown>[] = [];
  units.forEach((unit, u) => {
    const line = unitBoundary(unit);
    traces.push({ type: "scatter", mode: "lines", name: `unit ${u + 1}: w·x + b = 0`, x: line.x, y: line.y, line: { color: "black", width: 3, dash: u === 0 ? "solid" : "dash" } });
    // An arrow 3 units long along w/|w|, from a point on the line (a quarter or three quarters of the way
    // along, so two units' arrows do not overlap) into the side where z > 0; the label sits at its head.
    const n = Math.hypot(...unit.w);
    const t = u % 2 === 0 ? 0.75 : 0.25;
    const [x0, x1] = line.x as [number, number];
    const [y0, y1] = line.y as [number, number];
    const p1 = x0 + t * (x1 - x0), p2 = y0 + t * (y1 - y0);
    annotations.push({ x: p1, y: p2, ax: p1 + (3 * unit.w[0]) / n, ay: p2 + (3 * unit.w[1]) / n, xref: "x", yref: "y", axref: "x", ayref: "y", showarrow: true, arrowside: "start", arrowhead: 2, arrowwidth: 2, text: `unit ${u + 1}: z > 0`, font: { size: 13 }, bgcolor: "rgba(255,255,255,0.8)" });
  });
  const lines = units.map((unit, u) => `unit ${u + 1}'s line ${short(unit.w[0])}·x₁ + ${short(unit.w[1])}·x₂ + ${short(unit.b)} = 0, active (z > 0) on the side w = (${short(unit.w[0])}, ${short(unit.w[1])}) points to`).join("; ");
  const description = `${regionsDescription(regions, data.X.length)} Black lines: ${lines}.`;
  return { data: traces, regions, layout: { title, xaxis: { title: { text: "x₁" }, range: [-9, 9] }, yaxis: { title: { text: "x₂" }, range: [-6, 6] }, height: 450, annotations, description } };
}

/** Three significant digits, a real minus sign: a weight as a text alternative says it. */
function short(v: number): string {
  return String(Number(v.toPrecision(3))).replace("-", "−");
}

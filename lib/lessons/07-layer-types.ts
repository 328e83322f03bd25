/**
 * Lesson 07 (optional) — Additional layer types: convolutional layers.
 * Notebook: notebooks/07-layer-types.ipynb. Tests: test/lessons/07-layer-types.test.ts.
 *
 * The synthetic heartbeat data, the windows figure, the layer summary and
 * parameter-count figure, training on the cpu
 * backend, and the graded checks `07.*`.
 */
import * as tf from "@tensorflow/tfjs";
import { createChecker, describeModel, quizCheck, storedFunctionCheck, storedModelCheck, type ModelDescription } from "../checks";
import { createRng, plot, quietCpuFirstUse, type Layout, type Trace } from "../runtime";
import { probabilityAccuracy } from "../course/accuracy";

export { setup, progress, plot, linspace, seedEverything, record } from "../runtime";
export { demo, disposeModel, describeModel } from "../checks";
export { fit } from "../training";

/** This lesson's slug: names its notebook, lib module, expected values and tests. */
export const LESSON = "07-layer-types";

/** The graded checks of lesson 07, in notebook order. */
export const checker = createChecker([
  storedFunctionCheck({
    lesson: LESSON, id: "07.conv1dValid", fnName: "conv1dValid", points: 2,
    hints: [
      "A 1-D convolution slides a window along the signal and takes a weighted sum at each position; 'valid' means the window never hangs over an edge.",
      "Check the failed case's length first: a valid convolution has floor((n − k)/stride) + 1 outputs. If the length is right but the values are not, compare your first output with the kernel applied to x's first window, element by element (in the same order, not flipped).",
      "Walk-through: output i is Σ_k x[i·stride + k]·kernel[k] for k = 0 … kernel.length − 1 (no flipping: this is what tf.conv1d computes), for every i with i·stride + kernel.length ≤ x.length.",
    ],
  }),
  storedModelCheck({
    lesson: LESSON, id: "07.buildEkgModel", fnName: "buildEkgModel", points: 2,
    hints: [
      "Compare your layers with the lecture's EKG network: the kind of each layer, its filters, width and stride, then the output unit and the loss.",
      "Read the check's message: it names the first layer that differs. For a convolution, compute its output length, floor((n − width)/stride) + 1, and compare it with the number of units the lecture gives that layer.",
      "Walk-through: on traces of 100 values × 1 channel, a relu convolution with one filter of width 20, stride 10 (9 positions), then one of width 5, stride 2 (3 positions); flatten, then one sigmoid unit, trained with binary cross-entropy.",
    ],
  }),
  // Graded quiz (near the end of the notebook): the keys and explanations are the instructor's (grading/quiz-keys/).
  quizCheck({
    lesson: LESSON, id: "07.quiz.firstLayerInputs", points: 1,
    hints: [
      "A convolutional unit looks at a window of the previous layer, not at all of it.",
      "Section 1 lists which samples each unit of layer 1 looks at; count the samples in one unit's window.",
    ],
  }),
  quizCheck({
    lesson: LESSON, id: "07.quiz.secondLayerSees", points: 1,
    hints: [
      "A unit of layer 2 looks at units of layer 1, and each of those looks at its own window of the trace.",
      "Write down the window of samples each of layer 1's units 1–5 looks at, then take the union of those windows.",
    ],
  }),
]);

/** Runs a check and shows its report in the notebook; never throws. */
export const check = checker.check;

/** Prints one tier of a check's hint: `lab.hint("NN.name", 2)` for more detail than a failed check shows. */
export const hint = checker.hint;

// ---------------------------------------------------------------- data

/** Length of every signal, as in the lecture's EKG example. */
const SIGNAL_LENGTH = 100;

/**
 * One heartbeat-like trace: beats every 22–28 samples (with jitter), each a
 * sharp spike followed by a smaller, wider bump (like an EKG's QRS complex and
 * T wave), plus noise. In an abnormal trace one beat, anywhere, has its T wave
 * inverted: a local shape a window can recognise wherever it occurs.
 */
function heartbeat(rng: ReturnType<typeof createRng>, abnormal: boolean): number[] {
  const x = Array.from({ length: SIGNAL_LENGTH }, () => rng.normal(0, 0.05));
  const period = rng.uniform(22, 28);
  const beats: number[] = [];
  for (let t = rng.uniform(2, 10); t < 92; t += period + rng.normal(0, 1)) beats.push(t);
  const bad = abnormal ? Math.floor(rng.next() * beats.length) : -1;
  beats.forEach((b, k) => {
    for (let i = 0; i < SIGNAL_LENGTH; i++) {
      x[i] = (x[i] as number) + Math.exp(-(((i - b) / 1.2) ** 2)) + (k === bad ? -1.0 : 0.35) * Math.exp(-(((i - b - 7) / 2.5) ** 2));
    }
  });
  return x.map((v) => Math.round(v * 1e4) / 1e4);
}

/** `m` seeded traces, alternating normal (y = 0) and abnormal (y = 1). */
export function loadHeartbeats(options: { m: number; seed: number }): { X: number[][]; y: number[] } {
  const rng = createRng(options.seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < options.m; i++) {
    X.push(heartbeat(rng, i % 2 === 1));
    y.push(i % 2);
  }
  return { X, y };
}

/**
 * Runs `fn` on the pure-JavaScript cpu backend and switches back afterwards.
 * The wasm backend cannot train convolutional layers: it has no kernel for the
 * filter's gradient (Conv2DBackpropFilter).
 */
export async function onCpuBackend<T>(fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend("cpu");
  quietCpuFirstUse();
  try {
    return await fn();
  } finally {
    await tf.setBackend(previous);
  }
}

/** Accuracy of a binary classifier (output ≥ 0.5 means 1) on inputs already shaped for it. */
export function modelAccuracy(model: tf.LayersModel, x: tf.Tensor, y: readonly number[]): number {
  // dataSync copies the probabilities out, so the typed array outlives the tidy that frees the tensor.
  const probabilities = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
  return probabilityAccuracy(probabilities, y);
}

// ---------------------------------------------------------------- figures

/** A few traces of each class. */
export function plotHeartbeats(data: { X: number[][]; y: number[] }, count = 2): void {
  const traces: Trace[] = [];
  for (const label of [0, 1]) {
    data.X.filter((_, i) => data.y[i] === label).slice(0, count).forEach((x, k) => {
      traces.push({ x: x.map((_, i) => i), y: x.map((v) => v + (label === 1 ? -2.5 : 0)), mode: "lines", name: `${label === 1 ? "abnormal" : "normal"} ${k + 1}`, line: { color: label === 1 ? "#d62728" : "#1f77b4", width: 1.2 }, opacity: 1 - 0.35 * k });
    });
  }
  plot(traces, { title: "Synthetic heartbeat traces (abnormal ones shifted down): one inverted T wave marks an abnormal trace", xaxis: { title: { text: "sample" } }, yaxis: { showticklabels: false } });
}

/** The windows each unit of the two convolutional layers sees. */
export function plotWindows(): void {
  const fig = windowsFigure();
  plot(fig.data, fig.layout);
}

/**
 * The figure of plotWindows, built without drawing it. Its text alternative
 * lists what the hover texts say: each layer-1 unit's window of samples and
 * each layer-2 unit's layer-1 units (working out which samples those cover is
 * the graded quiz's question, so the words leave it to the student, as the
 * picture's hover texts do).
 */
export function windowsFigure(): { data: Trace[]; layout: Layout } {
  const traces: Trace[] = [];
  for (let u = 0; u < 9; u++) {
    traces.push({ x: [u * 10, u * 10 + 19], y: [u, u], mode: "lines", line: { width: 9, color: "#1f77b4" }, name: `layer 1, unit ${u + 1}: x${u * 10 + 1}–x${u * 10 + 20}`, showlegend: false, hovertemplate: `layer 1, unit ${u + 1}: samples ${u * 10 + 1}–${u * 10 + 20}<extra></extra>` });
  }
  for (let u = 0; u < 3; u++) {
    const first = u * 2;
    traces.push({ x: [first * 10, (first + 4) * 10 + 19], y: [10.5 + u, 10.5 + u], mode: "lines", line: { width: 9, color: "#ff7f0e" }, showlegend: false, hovertemplate: `layer 2, unit ${u + 1}: layer-1 units ${first + 1}–${first + 5}<extra></extra>` });
  }
  const layer1 = Array.from({ length: 9 }, (_, u) => `unit ${u + 1}: samples ${u * 10 + 1}–${u * 10 + 20}`).join(", ");
  const layer2 = Array.from({ length: 3 }, (_, u) => `unit ${u + 1}: layer-1 units ${2 * u + 1}–${2 * u + 5}`).join(", ");
  return {
    data: traces,
    layout: {
      title: "What each unit sees: layer 1 (blue) windows of 20 samples, stride 10; layer 2 (orange) 5 layer-1 units, stride 2",
      xaxis: { title: { text: "input sample" }, range: [-2, 101] },
      yaxis: { tickvals: [0, 4, 8, 10.5, 11.5, 12.5], ticktext: ["L1 unit 1", "L1 unit 5", "L1 unit 9", "L2 unit 1", "L2 unit 2", "L2 unit 3"] },
      height: 420,
      description: `One bar per unit along the 100 input samples. Layer 1, 9 units, each a window of 20 samples moving by 10: ${layer1}. Layer 2, 3 units, each 5 neighbouring layer-1 units moving by 2, drawn over the samples those units cover: ${layer2}.`,
    },
  };
}

/** One line per model: input size, then each layer's output shape and parameter count. */
export function layerSummary(model: tf.LayersModel): string {
  const d = describeModel(model);
  const input = `input(${d.inputShape.slice(1).join("×")})`;
  const layers = d.layers.map((l) => `${l.className}(${l.outputShape.slice(1).join("×")}): ${l.params}`);
  return `${[input, ...layers].join("  →  ")}   total ${d.params} parameters`;
}

/** Parameters per layer of two models with the same widths, side by side (Flatten has none and is left out). */
export function plotParameterCounts(conv: ModelDescription, dense: ModelDescription): void {
  const weighted = (d: ModelDescription) => d.layers.filter((l) => l.className !== "Flatten");
  const names = ["layer 1 (9 units)", "layer 2 (3 units)", "output (1 unit)"];
  const bar = (d: ModelDescription, name: string, color: string): Trace => {
    const counts = weighted(d).map((l) => l.params);
    return { type: "bar", x: names, y: counts, name: `${name}: ${d.params} in all`, text: counts.map(String), textposition: "outside", marker: { color } };
  };
  plot([bar(conv, "convolutional", "#ff7f0e"), bar(dense, "dense", "#1f77b4")], {
    title: "Parameters per layer, same widths 100 → 9 → 3 → 1 (log scale)",
    barmode: "group",
    yaxis: { title: { text: "parameters" }, type: "log" },
    height: 380,
  });
}

/** One training run of the size experiment: held-out accuracy of both networks trained from one seed on the first `size` traces. */
export interface SizeRun {
  seed: number;
  size: number;
  conv: number;
  dense: number;
}

/** Mean, lowest and highest of a list of accuracies. */
interface Spread {
  mean: number;
  min: number;
  max: number;
}

/** The runs of the size experiment grouped by training-set size (ascending): mean, lowest and highest accuracy of each network over the seeds. */
export function summariseRuns(runs: readonly SizeRun[]): { size: number; runs: number; conv: Spread; dense: Spread }[] {
  const spread = (xs: number[]): Spread => ({ mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) });
  const sizes = [...new Set(runs.map((r) => r.size))].sort((a, b) => a - b);
  return sizes.map((size) => {
    const at = runs.filter((r) => r.size === size);
    return { size, runs: at.length, conv: spread(at.map((r) => r.conv)), dense: spread(at.map((r) => r.dense)) };
  });
}

/** What one training-set size of the experiment shows, as data: the notebook words its conclusion from it. */
export interface SizeFinding {
  size: number;
  /** The network ahead on average over the seeds ("tie" when the means are equal). */
  aheadOnAverage: "convolutional" | "dense" | "tie";
  /** Whether the best convolutional run beats every dense run. */
  bestConvBeatsEveryDense: boolean;
  conv: Spread;
  dense: Spread;
}

/** The findings of the size experiment, per size (ascending), computed from the runs themselves. */
export function sizeFindings(runs: readonly SizeRun[]): SizeFinding[] {
  return summariseRuns(runs).map((s) => ({
    size: s.size,
    aheadOnAverage: s.conv.mean > s.dense.mean ? "convolutional" : s.conv.mean < s.dense.mean ? "dense" : "tie",
    bestConvBeatsEveryDense: s.conv.max > s.dense.max,
    conv: s.conv,
    dense: s.dense,
  }));
}

/**
 * Held-out accuracy against training-set size for both networks: the mean
 * over the seeds as a line, the lowest and highest run as error bars, and
 * every single run as a faint dot: with one filter per layer, runs differ a lot.
 */
export function plotAccuracyVsSize(runs: readonly SizeRun[]): void {
  const fig = accuracyVsSizeFigure(runs);
  plot(fig.data, fig.layout);
}

/**
 * The text alternative of the size experiment's figure: per true training-set
 * size (not the x positions, which are pulled apart so the bars do not hide
 * each other), each network's mean held-out accuracy and its lowest to
 * highest run.
 */
function accuracyVsSizeDescription(runs: readonly SizeRun[]): string {
  const summary = summariseRuns(runs);
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  const spread = (s: Spread): string => `mean ${pct(s.mean)} (runs from ${pct(s.min)} to ${pct(s.max)})`;
  const bySize = summary.map((s) => `${s.size} training traces, ${s.runs} runs: convolutional ${spread(s.conv)}, dense ${spread(s.dense)}`);
  return `Held-out accuracy on 400 traces against training-set size. ${bySize.join("; ")}.`;
}

/** The figure of plotAccuracyVsSize (data and layout, its text alternative included), built without drawing it. */
export function accuracyVsSizeFigure(runs: readonly SizeRun[]): { data: Trace[]; layout: Layout } {
  const summary = summariseRuns(runs);
  const sizes = summary.map((s) => s.size);
  const series = (key: "conv" | "dense", name: string, color: string, shift: number): Trace[] => [
    {
      x: sizes.map((x) => x * shift), y: summary.map((s) => 100 * s[key].mean), mode: "lines+markers", name: `${name}: mean of ${summary[0]?.runs ?? 0} runs`, line: { color },
      error_y: { type: "data", symmetric: false, array: summary.map((s) => 100 * (s[key].max - s[key].mean)), arrayminus: summary.map((s) => 100 * (s[key].mean - s[key].min)), color },
    },
    { x: runs.map((r) => r.size * shift), y: runs.map((r) => 100 * r[key]), mode: "markers", name: `${name}: each run`, marker: { color, size: 5, opacity: 0.45 } },
  ];
  return {
    data: [
      // The two networks are drawn slightly apart along x so their bars do not hide each other.
      ...series("conv", "convolutional (31 parameters)", "#ff7f0e", 0.96),
      ...series("dense", "dense 100 → 9 → 3 → 1 (943 parameters)", "#1f77b4", 1.04),
    ],
    layout: {
      title: "Held-out accuracy against training-set size (bars: lowest to highest run)",
      xaxis: { title: { text: "training examples" }, type: "log", tickvals: sizes },
      yaxis: { title: { text: "accuracy on 400 held-out traces (%)" }, range: [40, 101] },
      description: accuracyVsSizeDescription(runs),
    },
  };
}

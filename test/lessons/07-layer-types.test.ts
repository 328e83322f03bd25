/**
 * Lesson 07: every check passes on the notebook's own solutions and fails on
 * several wrong implementations; conv1dValid agrees with tf.conv1d
 * (cross-correlation, kernels not flipped); the solution edition runs top to
 * bottom in a real tslab kernel with the EKG network's layer sizes and
 * parameter counts next to the dense network's, and the size experiment's
 * printed conclusions being the ones its five runs per size give (no
 * threshold of one seed's runs in the prose); the student edition runs with every check "not
 * completed yet"; wrong code everywhere still runs to the end.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { checker, sizeFindings, summariseRuns, type SizeFinding } from "../../lib/lessons/07-layer-types";
import { initBackend } from "../../lib/runtime";
import { drawnFigures, figuresAndHtml, markdownCells, type DrawnFigure, solutionFunctions, recorded } from "../helpers/notebooks";
import { assertSolutionEditionPasses, itHoldsTheCheckContract, assertStudentEditionNotCompleted, assertWrongEditionFails } from "../helpers/lesson-contract";
import { wrongEdition } from "../../setup/test";

const SLUG = "07-layer-types";
const IDS = checker.definitions.map((d) => d.id);
type Fn = (...args: never[]) => unknown;

function conv(x: number[], k: number[], stride: number, opts: { flip?: boolean; fitsStrictly?: boolean } = {}): number[] {
  const kernel = opts.flip ? [...k].reverse() : k;
  const out: number[] = [];
  for (let s = 0; opts.fitsStrictly ? s + kernel.length < x.length : s + kernel.length <= x.length; s += stride) {
    out.push(kernel.reduce((acc, kj, j) => acc + (x[s + j] as number) * kj, 0));
  }
  return out;
}
function ekg(layers: tf.layers.Layer[], loss = "binaryCrossentropy"): tf.Sequential {
  const m = tf.sequential({ layers });
  m.compile({ loss, optimizer: tf.train.adam(0.03) });
  return m;
}
const c1 = (o: Record<string, unknown> = {}) => tf.layers.conv1d({ inputShape: [100, 1], filters: 1, kernelSize: 20, strides: 10, activation: "relu", ...o });
const c2 = (o: Record<string, unknown> = {}) => tf.layers.conv1d({ filters: 1, kernelSize: 5, strides: 2, activation: "relu", ...o });
const out = () => tf.layers.dense({ units: 1, activation: "sigmoid" });

/** Wrong implementations, each a mistake students make. */
const WRONG: Record<string, Record<string, Fn>> = {
  "07.conv1dValid": {
    "flips the kernel (textbook convolution)": ((x: number[], k: number[], s: number) => conv(x, k, s, { flip: true })) as Fn,
    "ignores the stride": ((x: number[], k: number[]) => conv(x, k, 1)) as Fn,
    "drops the last window that fits": ((x: number[], k: number[], s: number) => conv(x, k, s, { fitsStrictly: true })) as Fn,
    "zero-padded ('same') output": ((x: number[], k: number[], s: number) => conv([...x, ...new Array(k.length - 1).fill(0)], k, s)) as Fn,
  },
  "07.buildEkgModel": {
    "a dense network of the same widths": (() => ekg([tf.layers.dense({ inputShape: [100], units: 9, activation: "relu" }), tf.layers.dense({ units: 3, activation: "relu" }), out()])) as Fn,
    "stride 20 (5 windows, not 9)": (() => ekg([c1({ strides: 20 }), c2(), tf.layers.flatten(), out()])) as Fn,
    "sigmoid hidden layers": (() => ekg([c1({ activation: "sigmoid" }), c2({ activation: "sigmoid" }), tf.layers.flatten(), out()])) as Fn,
    "two filters in the first layer": (() => ekg([c1({ filters: 2 }), c2(), tf.layers.flatten(), out()])) as Fn,
    "mean squared error": (() => ekg([c1(), c2(), tf.layers.flatten(), out()], "meanSquaredError")) as Fn,
  },
};

before(async () => {
  await initBackend();
});

describe("lesson 07 checks on the notebook's own solutions and on wrong code", () => {
  const solutions = solutionFunctions(SLUG);
  itHoldsTheCheckContract(checker, solutions, WRONG);

  it("the solution's conv1dValid equals tf.conv1d (valid padding, no kernel flip) on random inputs and strides", () => {
    const mine = solutions.conv1dValid as unknown as (x: number[], k: number[], s: number) => number[];
    for (const [n, k, s] of [[100, 20, 10], [9, 5, 2], [37, 5, 3], [12, 12, 1], [50, 7, 2], [30, 2, 3]] as const) {
      const x = Array.from({ length: n }, () => Math.random() * 2 - 1);
      const kernel = Array.from({ length: k }, () => Math.random() * 2 - 1);
      const theirs = tf.tidy(() => Array.from(tf.conv1d(tf.tensor2d(x, [n, 1]), tf.tensor3d(kernel, [k, 1, 1]), s, "valid").dataSync()));
      const got = mine(x, kernel, s);
      assert.equal(got.length, theirs.length, `n=${n} k=${k} s=${s}`);
      got.forEach((v, i) => assert.ok(Math.abs(v - (theirs[i] as number)) < 1e-4, `n=${n} k=${k} s=${s} [${i}]`));
    }
  });
});

/**
 * Section 4 words no run's numbers: its conclusions are printed from the runs
 * (sizeFindings). Checked on the runs the accuracy figure plotted (every run's
 * dot, regrouped by size): at least five runs per network and size, the
 * plotted means are the runs' means, and the recorded findings are the ones
 * those very runs give. Nothing here depends on which seeds were drawn.
 */
function assertSizeExperimentFindings(figures: DrawnFigure[], findings: SizeFinding[]): void {
  const fig = figures.find((f) => f.title.startsWith("Held-out accuracy against training-set size"));
  assert.ok(fig, "the accuracy-against-size figure was drawn");
  const SIZES = [16, 32, 64, 128];
  const runsOf = (prefix: string): number[][] => {
    const trace = fig.data.find((t) => String(t.name).startsWith(prefix) && String(t.name).endsWith("each run"));
    assert.ok(trace, `a trace with every ${prefix} run`);
    const xs = trace.x as number[];
    const ys = trace.y as number[];
    // The figure shifts each network's points slightly along x; the nearest size is the run's size.
    const sizeOf = (x: number): number => SIZES.reduce((best, s) => (Math.abs(Math.log(s / x)) < Math.abs(Math.log(best / x)) ? s : best));
    return SIZES.map((size) => ys.filter((_, i) => sizeOf(xs[i] as number) === size));
  };
  const conv = runsOf("convolutional");
  const dense = runsOf("dense");
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.deepEqual(findings.map((f) => f.size), SIZES);
  SIZES.forEach((size, k) => {
    const c = conv[k] as number[];
    const d = dense[k] as number[];
    assert.ok(c.length >= 5 && c.length === d.length, `at least 5 runs of each network with ${size} traces (${c.length}, ${d.length})`);
    const f = findings[k] as SizeFinding;
    const ahead = mean(c) > mean(d) ? "convolutional" : mean(c) < mean(d) ? "dense" : "tie";
    assert.equal(f.aheadOnAverage, ahead, `${size} traces: the printed average winner is the plotted one`);
    assert.equal(f.bestConvBeatsEveryDense, Math.max(...c) > Math.max(...d), `${size} traces: best convolutional run vs every dense run`);
    assert.ok(Math.abs(100 * f.conv.min - Math.min(...c)) < 1e-9, `${size} traces: the printed worst convolutional run`);
  });
  // The plotted means are the means of the plotted runs.
  const meanTrace = fig.data.find((t) => String(t.name).startsWith("convolutional") && String(t.name).includes("mean of"));
  assert.ok(meanTrace);
  (meanTrace.y as number[]).forEach((m, k) => assert.ok(Math.abs(m - mean(conv[k] as number[])) < 1e-9, `mean at ${SIZES[k]} traces`));
}

describe("lesson 07 sizeFindings", () => {
  it("says which network is ahead on average, whether the best convolutional run beats every dense run, and the worst run, per size", () => {
    const runs = [
      { seed: 1, size: 64, conv: 0.5, dense: 0.75 }, { seed: 2, size: 64, conv: 1, dense: 0.25 },
      { seed: 1, size: 16, conv: 0.5, dense: 0.5 }, { seed: 2, size: 16, conv: 0.5, dense: 0.5 },
      { seed: 1, size: 32, conv: 0.9, dense: 0.5 }, { seed: 2, size: 32, conv: 0.8, dense: 0.95 },
    ];
    const f = sizeFindings(runs);
    assert.deepEqual(f.map((x) => [x.size, x.aheadOnAverage, x.bestConvBeatsEveryDense, x.conv.min]), [
      [16, "tie", false, 0.5], [32, "convolutional", false, 0.8], [64, "convolutional", true, 0.5],
    ]);
  });
});

describe("lesson 07 summariseRuns", () => {
  it("groups runs by size (ascending) with the mean, lowest and highest accuracy of each network", () => {
    const runs = [
      { seed: 1, size: 64, conv: 0.5, dense: 0.75 }, { seed: 2, size: 64, conv: 1, dense: 0.25 },
      { seed: 1, size: 16, conv: 0.5, dense: 0.5 }, { seed: 2, size: 16, conv: 0.75, dense: 1 },
    ];
    assert.deepEqual(summariseRuns(runs), [
      { size: 16, runs: 2, conv: { mean: 0.625, min: 0.5, max: 0.75 }, dense: { mean: 0.75, min: 0.5, max: 1 } },
      { size: 64, runs: 2, conv: { mean: 0.75, min: 0.5, max: 1 }, dense: { mean: 0.5, min: 0.25, max: 0.75 } },
    ]);
  });
});

describe("lesson 07 notebook in a real tslab kernel", { concurrency: false }, () => {
  it("solution edition: layer sizes 100 → 9 → 3 → 1, 31 vs 943 parameters, the size experiment's conclusions hold over its runs", () => {
    const run = assertSolutionEditionPasses(SLUG, IDS);
    // Output lengths 100 → 9 → 3 → 1 and parameters per layer, both networks.
    type Described = { inputShape: (number | null)[]; params: number; layers: { className: string; outputShape: (number | null)[]; params: number }[] };
    const models = recorded<{ convolutional: Described; dense: Described }>(run, "models");
    const shape = (m: Described) => ({ input: m.inputShape.slice(1), layers: m.layers.map((l) => [l.className, l.outputShape.slice(1), l.params]), params: m.params });
    assert.deepEqual(shape(models.convolutional), { input: [100, 1], layers: [["Conv1D", [9, 1], 21], ["Conv1D", [3, 1], 6], ["Flatten", [3], 0], ["Dense", [1], 4]], params: 31 });
    assert.deepEqual(shape(models.dense), { input: [100], layers: [["Dense", [9], 909], ["Dense", [3], 30], ["Dense", [1], 4]], params: 943 });
    const lengths = recorded<{ mine: number; tf: number }>(run, "conv1dValidVsTf");
    assert.deepEqual({ mine: lengths.mine, tf: lengths.tf }, { mine: 9, tf: 9 });
    assertSizeExperimentFindings(drawnFigures(run), recorded<SizeFinding[]>(run, "sizeFindings"));
    // Heartbeats, windows, parameter counts, accuracy vs size.
    assert.ok(figuresAndHtml(run).filter((h) => h.includes('class="course-figure"')).length >= 4);
  });

  it("student edition: runs to the end and every check says not completed yet", () => {
    assertStudentEditionNotCompleted(SLUG, IDS);
  });

  it("wrong code in every exercise: runs to the end and every check fails", () => {
    assertWrongEditionFails(SLUG, IDS, wrongEdition(SLUG));
  });
});

describe("lesson 07 prose: the lecture's reasons, labelled truly", () => {
  it("gives the lecture's reason for speed (each unit looks at fewer inputs) and labels weight sharing as the course's", () => {
    const text = markdownCells(SLUG).join("\n");
    assert.doesNotMatch(text, /Fewer parameters is why the lecture says/);
    assert.match(text, /each unit looks at only part of the previous layer's outputs/);
    assert.match(text, /weight sharing, the course's addition/);
  });
  it("section 4 hard-codes no run's thresholds and does not send the student to other seeds", () => {
    const text = markdownCells(SLUG).join("\n");
    assert.doesNotMatch(text, /reaches 80%|below 85%|below 70%|Try other `seeds`/);
    assert.match(text, /The lines under the figure say/);
  });
  it("section 4's reading of the experiment holds for any result: no claim the printed lines do not make, no machine talk", () => {
    const md = markdownCells(SLUG);
    const text = md.join("\n");
    assert.doesNotMatch(text, /in our runs|stay near chance|fit 32 or 64 traces|it shows in the convolutional network's good runs|the lecture's claim shows in the best runs/);
    const reading = md.find((t) => t.startsWith("Five runs per size")) ?? "";
    // Each conclusion is conditional on what the printed findings (sizeFindings) say.
    assert.match(reading, /Where a line says that the best convolutional run beats every dense run/);
    assert.match(reading, /where a line says it does not/);
  });
  it("does not contradict itself on the lecture's weights: the lecture does not say whether its units share them", () => {
    const text = markdownCells(SLUG).join("\n");
    assert.doesNotMatch(text, /the lecture's units each have their own window weights/);
    assert.match(text, /The lecture does not say whether its units share weights/);
  });
});

/**
 * Lesson 03 — Activation functions.
 * Notebook: notebooks/03-activations.ipynb. Tests: test/lessons/03-activations.test.ts.
 *
 * Helpers the notebook uses (the ring data set, figures) and the graded checks `03.*`.
 */
import { compareCase, createChecker, decisionCheck, quizCheck, type Alternative, type CaseRunner, storedCheck, storedFunctionCheck, StudentCodeError, type CaseResult, type CheckDefinition } from "../checks";
import { createRng, plot, type Trace } from "../runtime";

export { setup, progress, plot, linspace, seedEverything, record } from "../runtime";
export { demo, disposeModel } from "../checks";
export { fit } from "../training";
export { loadHouses, loadWeather } from "../course/regression-data";

/** This lesson's slug: names its notebook, lib module, expected values and tests. */
export const LESSON = "03-activations";

/** A Dense layer as plain numbers: W is inputs×units (column j is unit j). */
interface LinearLayer {
  W: number[][];
  b: number[];
}

/** x·W + b for one input row. */
export function applyLayer(x: readonly number[], layer: LinearLayer): number[] {
  return layer.b.map((bj, j) => x.reduce((s, xk, k) => s + xk * (layer.W[k]?.[j] as number), bj));
}

/** The fixed first unit of the piecewise example: relu(−2x + 2). */
const FIXED_UNIT = { w: -2, b: 2 } as const;

const relu = (z: number): number => Math.max(0, z);

/** f(x) = relu(−2x + 2) + Σ relu(w·x + b) over the given units. */
export function piecewiseFunction(units: readonly { w: number; b: number }[], x: number): number {
  return relu(FIXED_UNIT.w * x + FIXED_UNIT.b) + units.reduce((s, u) => s + relu(u.w * x + u.b), 0);
}

/** The optional lab's target: −2x + 2 on [0, 1), x − 1 on [1, 2), 3x − 5 on [2, 3]. */
export function piecewiseTarget(x: number): number {
  return x < 1 ? -2 * x + 2 : x < 2 ? x - 1 : 3 * x - 5;
}

/** Turns the student's units into f(x) on a grid, saying what is wrong with a malformed answer. */
function evaluateUnits(got: unknown, grid: readonly number[]): number[] {
  if (!Array.isArray(got)) throw new StudentCodeError(`expected an array of two units like [{ w: 1, b: 0 }, { w: 1, b: 0 }], got ${typeof got}`);
  if (got.length !== 2) throw new StudentCodeError(`expected exactly two units (the fixed unit relu(−2x + 2) is added for you), got ${got.length}`);
  got.forEach((u: unknown, i) => {
    const unit = u as { w?: unknown; b?: unknown } | null;
    if (typeof unit?.w !== "number" || typeof unit?.b !== "number") throw new StudentCodeError(`unit ${i + 1} must be { w: number, b: number }`);
  });
  return grid.map((x) => piecewiseFunction(got as { w: number; b: number }[], x));
}

/**
 * The two units are checked through the function they make (plus the fixed
 * unit), on the oracle's grids: any correct answer passes, in either order.
 */
const piecewiseCheck: CheckDefinition & { fnName: string } = {
  id: "03.piecewiseReluUnits",
  fnName: "piecewiseReluUnits",
  points: 2,
  hints: [
    "Each ReLU unit adds one bend: flat up to its kink, a straight line after. Look at where the target's slope changes, and by how much.",
    "Plot your units with the figure below the check: where does your sum leave the target first? A unit relu(w·x + b) switches on at x = −b/w; check that point and the slope it adds there for each of your two units.",
    "Walk-through: the fixed unit covers [0, 1). At x = 1 the slope must go from 0 (the fixed unit has switched off) to +1, and at x = 2 from 1 to 3: each new unit adds that change in slope, starting where it happens, so its w is the change and −b/w the place.",
  ],
  async run(fn: unknown, runCase: CaseRunner = compareCase): Promise<CaseResult[]> {
    const stored = storedCheck(LESSON, "03.piecewiseReluUnits");
    const results: CaseResult[] = [];
    for (const c of stored.cases as unknown as { name: string; grid: number[]; expected: number[] }[]) {
      results.push(await runCase(c.name, fn, [], c.expected, { atol: stored.atol, rtol: stored.rtol }, {
        fnName: "piecewiseReluUnits", transform: (got) => evaluateUnits(got, c.grid), input: `x in [${c.grid[0]}, ${c.grid[c.grid.length - 1]}], ${c.grid.length} points`,
      }));
    }
    return results;
  },
};

/** A stored case of the collapse check: a network, inputs to run through it, and the expected single layer and outputs. */
interface CollapseCase {
  name: string;
  args: [LinearLayer[]];
  inputs: number[][];
  expected: { W: number[][]; b: number[]; outputs: number[][] };
}

/**
 * `collapseLinearNetwork` is checked twice per network: its W and b against
 * the oracle's products, and the outputs of x·W + b, for random inputs x,
 * against a layer-by-layer forward pass of the whole network.
 */
const collapseCheck: CheckDefinition & { fnName: string } = {
  id: "03.collapseLinearNetwork",
  fnName: "collapseLinearNetwork",
  points: 2,
  hints: [
    "A stack of layers without activations is itself one linear layer: think about what composing two affine maps gives.",
    "Compare the shapes of your W and b with the network's number of inputs and outputs, then check the bias: every later layer's weights act on the earlier layers' biases too.",
    "Walk-through: compose two layers at a time: (x·W1 + b1)·W2 + b2 = x·(W1·W2) + (b1·W2 + b2). Start from the first layer and fold each next layer in; W has as many rows as the network has inputs and as many columns as its outputs.",
  ],
  async run(fn: unknown, runCase: CaseRunner = compareCase): Promise<CaseResult[]> {
    const stored = storedCheck(LESSON, "03.collapseLinearNetwork");
    const results: CaseResult[] = [];
    for (const c of stored.cases as unknown as CollapseCase[]) {
      const transform = (got: unknown): unknown => {
        const layer = got as Partial<LinearLayer> | null;
        let outputs: unknown = "(cannot apply: W and b must be arrays)";
        if (layer && Array.isArray(layer.W) && Array.isArray(layer.b)) {
          try {
            outputs = c.inputs.map((x) => applyLayer(x, layer as LinearLayer));
          } catch {
            outputs = "(cannot apply the returned layer to an input)";
          }
        }
        return { W: layer?.W, b: layer?.b, outputs };
      };
      results.push(await runCase(c.name, fn, c.args, c.expected, { atol: stored.atol, rtol: stored.rtol }, { fnName: "collapseLinearNetwork", transform, input: `${c.args[0].length} layers: ${c.args[0].map((l) => `${l.W.length}→${l.b.length}`).join(", ")}` }));
    }
    return results;
  },
};

// ---------------------------------------------------------------- regression: mistakes the checks name

/** What goes wrong with each wrong output activation for a kind of target: every wrong choice is explained. */
function activationChoiceMistakes(target: unknown): Alternative[] {
  const range: Record<string, string> = { sigmoid: "only numbers between 0 and 1", linear: "any number, negative ones too", relu: "any number ≥ 0, without an upper limit" };
  const why = (choice: string, problem: string): Alternative => ({ name: "output-range", expected: choice, message: `a ${choice} output gives ${range[choice]}: ${problem}` });
  switch (target) {
    case "binary":
      return [
        why("linear", "a binary target needs the probability that y = 1, which must stay between 0 and 1"),
        why("relu", "it can exceed 1, so it is no probability that y = 1"),
      ];
    case "real":
      return [
        why("sigmoid", "a regression target is a number that can be far outside (0, 1), and this one can be negative"),
        why("relu", "this target can be negative, and a ReLU output never is"),
      ];
    case "nonNegative":
      return [
        why("sigmoid", "a price can be far above 1; the sigmoid is for the probability of a binary target"),
        why("linear", "it works, but it can predict a negative value where the target never is one; the lecture's rule for y ≥ 0 is the activation whose outputs are never negative"),
      ];
    default:
      return [];
  }
}

/**
 * The mean squared error as tfjs reports it, (1/m)·Σ(ŷ − y)², for the
 * regression section's comparison with model.evaluate. Students write this
 * loss once, graded, in lesson 02; here it is a helper.
 */
export function meanSquaredError(yTrue: readonly number[], yPred: readonly number[]): number {
  return yTrue.reduce((s, y, i) => s + ((yPred[i] as number) - y) ** 2, 0) / yTrue.length;
}

/** The graded checks of lesson 03, in notebook order. */
export const checker = createChecker([
  storedFunctionCheck({
    lesson: LESSON, id: "03.relu", fnName: "relu", points: 1,
    hints: [
      "Revisit ReLU: positive inputs pass through unchanged, negative ones become zero.",
      "Check a negative, a zero and a positive input: each must come back as its ReLU, in a new array of the same length, with the input left as it was.",
      "Walk-through: g(z) = max(0, z) for each element, returned as a new array (leave z unchanged). Negative inputs give 0, positive ones pass through.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "03.chooseOutputActivation", fnName: "chooseOutputActivation", points: 1,
    hints: [
      "The output activation follows from the range of values the target y can take.",
      "For the case that failed, write down the smallest and the largest value that kind of target can take, then the range of values each of the three activations can output: which one covers exactly that range?",
    ],
    mistakes: (args) => activationChoiceMistakes(args[0]),
  }),
  // A decision: the hidden layers, the output activation and the loss are the student's; the target comes from the case.
  decisionCheck({
    lesson: LESSON, id: "03.buildRegressionModel", fnName: "buildRegressionModel", points: 2,
    task: { hidden: { kind: "nonlinear" } },
    target: (args) => (args[1] === true ? "real" : "nonNegative"),
    hints: [
      "A regression network predicts a number, so decide two things from the target: which output activation can produce every value y takes, and which loss measures the gap between a predicted and a true number.",
      "Read the check's message for the case that failed: it says whether the output activation, the loss or the hidden layers are off. Then ask whether your output can reach every value the target takes when targetCanBeNegative is true, and only those when it is false.",
      "Walk-through: a hidden layer of the kind the notebook describes on numFeatures inputs, then one output unit whose activation follows targetCanBeNegative (section 2's rule); compile with the regression loss of this section and the optimizer the task names, and return the model.",
    ],
    describeArgs: (args) => `numFeatures = ${String(args[0])}, targetCanBeNegative = ${String(args[1])}`,
  }),
  collapseCheck,
  piecewiseCheck,
  // Graded quiz (near the end of the notebook): the right answers and the explanation of each option are the
  // instructor's (grading/quiz-keys/, written by the oracle), never here: the notebook only records an answer.
  quizCheck({
    lesson: LESSON, id: "03.quiz.outputActivation", points: 1,
    hints: [
      "Choose the output activation whose range of values matches the range of the target y.",
      "Write down the range of values each option can output (for softmax, also what its outputs add up to), and put each range beside the values a price can take.",
    ],
  }),
]);

/** Runs a check and shows its report in the notebook; never throws. */
export const check = checker.check;

/** Prints one tier of a check's hint: `lab.hint("NN.name", 2)` for more detail than a failed check shows. */
export const hint = checker.hint;

// ---------------------------------------------------------------- data

/** Points in the square [−3, 3]², labelled 1 inside the ring 1.2 < r < 2.4, 0 elsewhere. */
export function loadRingData(options: { m?: number; seed?: number } = {}): { X: number[][]; y: number[][] } {
  const rng = createRng(options.seed ?? 3);
  const X: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < (options.m ?? 600); i++) {
    const a = rng.uniform(-3, 3);
    const b = rng.uniform(-3, 3);
    const r = Math.hypot(a, b);
    X.push([a, b]);
    y.push([r > 1.2 && r < 2.4 ? 1 : 0]);
  }
  return { X, y };
}

// ---------------------------------------------------------------- figures

function range(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/** The three activations (left) and their slopes (right). */
export function plotActivations(): void {
  const z = range(-5, 5, 201);
  const sig = (v: number): number => 1 / (1 + Math.exp(-v));
  const curves: [string, (v: number) => number, (v: number) => number, string][] = [
    ["sigmoid", sig, (v) => sig(v) * (1 - sig(v)), "#1f77b4"],
    ["ReLU", (v) => Math.max(0, v), (v) => (v > 0 ? 1 : 0), "#d62728"],
    ["linear", (v) => v, () => 1, "#2ca02c"],
  ];
  const traces: Trace[] = curves.flatMap(([name, g, slope, color]) => [
    { x: z, y: z.map(g), mode: "lines", name: `${name} g(z)`, line: { color }, xaxis: "x", yaxis: "y" },
    { x: z, y: z.map(slope), mode: "lines", name: `${name} slope g′(z)`, line: { color, dash: "dot" }, xaxis: "x2", yaxis: "y2" },
  ]);
  plot(traces, {
    title: "Activation functions g(z) and their slopes g′(z)",
    grid: { rows: 1, columns: 2, pattern: "independent" },
    xaxis: { title: { text: "z" } }, yaxis: { title: { text: "g(z)" }, range: [-2, 5] },
    xaxis2: { title: { text: "z" } }, yaxis2: { title: { text: "g′(z)" }, range: [-0.1, 1.2] },
    height: 420,
  });
}

/** The piecewise-linear target, the three ReLU units and their sum. */
export function plotPiecewiseFit(units: readonly { w: number; b: number }[]): void {
  const x = range(0, 3, 301);
  const all = [FIXED_UNIT, ...units];
  const traces: Trace[] = all.map((u, i) => ({
    x, y: x.map((v) => relu(u.w * v + u.b)), mode: "lines", name: `unit ${i + 1}: relu(${u.w}·x ${u.b < 0 ? "−" : "+"} ${Math.abs(u.b)})`, line: { dash: "dot" },
  }));
  traces.push({ x, y: x.map(piecewiseTarget), mode: "lines", name: "target", line: { color: "#999", width: 8 }, opacity: 0.5 });
  traces.push({ x, y: x.map((v) => piecewiseFunction(units, v)), mode: "lines", name: "sum of the three units", line: { color: "#000", width: 2 } });
  plot(traces, { title: "Three ReLU units add up to a piecewise-linear function", xaxis: { title: { text: "x" } }, yaxis: { title: { text: "y" } } });
}

/** Training loss per epoch of networks that differ only in their hidden activation. */
export function plotLossCurves(curves: { name: string; loss: readonly number[] }[]): void {
  plot(curves.map((c) => ({ x: c.loss.map((_, i) => i + 1), y: [...c.loss], mode: "lines", name: c.name })), {
    title: "Same network, same data, same seed: hidden-layer activation", xaxis: { title: { text: "epoch" } }, yaxis: { title: { text: "training loss (binary cross-entropy)" }, rangemode: "tozero" },
  });
}

/** The ring data set, coloured by label. */
export function plotRingData(data: { X: number[][]; y: number[][] }): void {
  const pick = (label: number, k: 0 | 1) => data.X.filter((_, i) => data.y[i]?.[0] === label).map((r) => r[k]);
  plot([
    { type: "scatter", mode: "markers", name: "y = 1 (inside the ring)", x: pick(1, 0), y: pick(1, 1), marker: { color: "#d62728", size: 5 } },
    { type: "scatter", mode: "markers", name: "y = 0", x: pick(0, 0), y: pick(0, 1), marker: { color: "#1f77b4", size: 5, symbol: "circle-open" } },
  ], { title: "The ring data set", xaxis: { title: { text: "x₁" }, scaleanchor: "y" }, yaxis: { title: { text: "x₂" } }, height: 450 });
}

/** A regression data set's targets (points) and each model's predictions (lines, sorted by x). */
export function plotRegressionFit(
  data: { X: number[][]; y: number[][] },
  predictions: { name: string; yHat: number[] }[],
  labels: { title: string; x: string; y: string },
): void {
  const x = data.X.map((r) => r[0] as number);
  const order = x.map((_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number));
  const traces: Trace[] = [{ type: "scatter", mode: "markers", name: "targets y", x, y: data.y.map((r) => r[0] as number), marker: { color: "#999", size: 6 } }];
  for (const p of predictions) {
    traces.push({ type: "scatter", mode: "lines", name: p.name, x: order.map((i) => x[i] as number), y: order.map((i) => p.yHat[i] as number), line: { width: 3 } });
  }
  plot(traces, { title: labels.title, xaxis: { title: { text: labels.x } }, yaxis: { title: { text: labels.y }, zeroline: true } });
}

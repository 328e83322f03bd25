/**
 * Lesson 01 — Logistic regression and the three training steps.
 * Notebook: notebooks/01-logistic-regression.ipynb. Tests: test/lessons/01-logistic-regression.test.ts.
 *
 * Helpers the notebook uses (data, figures, the optional lab's coffee network) and
 * the graded checks `01.*`. The exercises themselves are written in the notebook.
 */
import { createChecker, decisionCheck, loadExpected, quizCheck, storedFunctionCheck } from "../checks";
import { plot, linspace, type Layout, type Trace } from "../runtime";
import { describeRegions, summariseRegions, type RegionSummary } from "../course/region-description";
import { loadCoffeeData, isGoodRoast, goodRoastRegion, type CoffeeData } from "../course/coffee";
import { fitNormalization, normalize, type NormStats } from "../course/normalize";

export { setup, progress, plot, linspace, record } from "../runtime";
export { demo, disposeModel, needs } from "../checks";
export { fit } from "../training";
export { loadCoffeeData, fitNormalization, normalize };
export { COFFEE_NETWORK, coffeeNetwork } from "../course/coffee-network";
// lab.probabilityAccuracy(f, y) takes the model's probabilities: f ≥ 0.5 counts as 1.
export { probabilityAccuracy } from "../course/accuracy";

/** This lesson's slug: names its notebook, lib module, expected values and tests. */
export const LESSON = "01-logistic-regression";

// ---------------------------------------------------------------- checks

/** The graded checks of lesson 01, in notebook order. */
export const checker = createChecker([
  storedFunctionCheck({
    lesson: LESSON, id: "01.sigmoid", fnName: "sigmoid", points: 1,
    hints: [
      "Revisit the sigmoid (logistic) function: it squashes any real number z into a probability between 0 and 1, one element at a time.",
      "Compare your value at z = 0 with 0.5 and at a large positive z with 1, and check that a very negative z gives 0, not NaN. Common pitfalls: a flipped sign in the exponent gives 1 − g(z), the other class's probability; changing the input array instead of returning a new one.",
      "Walk-through: apply g(z) = 1 / (1 + e^(−z)) to each element and return a new array of the same length. Mind the sign of the exponent; very negative z must give 0, not NaN.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "01.logisticLoss", fnName: "logisticLoss", points: 1,
    hints: [
      "Revisit the loss of one example: it grows as the predicted probability moves away from the label, and for each label only one of its two terms matters.",
      "Sort the failed cases by label: if only the y = 0 cases (or only the y = 1 cases) fail, the term for that label is missing or wrong; if every case is off by the same factor, check which logarithm you use.",
      "Walk-through: loss = −y·log(f) − (1 − y)·log(1 − f). Math.log is the natural logarithm; both terms are needed for y = 0 and y = 1.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "01.computeCost", fnName: "computeCost", points: 2,
    hints: [
      "The cost is the average of the per-example losses over the whole training set: predict each example, measure its loss, then average.",
      "If your cost is m times too large, the average is missing; if it is off in every case, compute one example's z = w·x + b by hand and compare: a forgotten b or a wrong index shows there.",
      "Walk-through: for each example: z = w·x + b, f = sigmoid(z), add the logistic loss. Divide the sum by m (the number of examples) once, at the end.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "01.computeGradient", fnName: "computeGradient", points: 2,
    hints: [
      "Revisit what the gradient measures: how the cost changes when each parameter moves, averaged over the examples; each weight's share depends on its own feature.",
      "If db is right but dw is not, look at which feature multiplies each example's error; if both are m times too large, the average is missing; if both have the wrong sign, check the order of f and y in the error.",
      "Walk-through: error = f(x) − y for each example; dw[j] = (1/m)·Σ error·x[j] and db = (1/m)·Σ error. Return { dw, db } with dw as long as w.",
    ],
  }),
  storedFunctionCheck({
    lesson: LESSON, id: "01.gradientDescent", fnName: "gradientDescent", points: 2,
    hints: [
      "Revisit the gradient-descent loop: repeat 'compute the gradient, step every parameter against it', updating all parameters together from the same gradient.",
      "Check the zero-iterations case first: it must return your starting w and b untouched. If the first cost in the history is off, check that it is computed after the first update, and that every parameter is updated from the same gradient.",
      "Walk-through: each iteration: gradient at the current w, b; then update every parameter at once (w[j] − alpha·dw[j], b − alpha·db); push the cost after the update. Start from a copy of w.",
    ],
  }),
  // A decision: the notebook gives the task, the student picks the layer, activation and loss.
  decisionCheck({
    lesson: LESSON, id: "01.buildLogisticModel", fnName: "buildLogisticModel", points: 2,
    task: { hidden: { kind: "none" } }, target: "binary",
    hints: [
      "Logistic regression is a network of one unit: which activation turns w·x + b into a probability, and which loss from step 2 scores a probability against a 0/1 label? A model also needs compiling before it can be trained.",
      "Read the check's message: it names the part that is not logistic regression. Common slips: a hidden layer (logistic regression has none); a ReLU or linear unit with a loss that expects a probability; the squared error of linear regression instead of the logistic cost; Adam with its default learning rate; returning the model before compiling it.",
      "Walk-through: one Dense layer with a single unit that takes numFeatures inputs (inputShape: [numFeatures]), with the activation of step 1; compile it with the cost of step 2 (tfjs calls it \"binaryCrossentropy\") and the optimizer the task names.",
    ],
  }),
  // Graded quiz (near the end of the notebook): the right answers and the explanation of each option are the
  // instructor's (grading/quiz-keys/, written by the oracle), never here: the notebook only records an answer.
  quizCheck({
    lesson: LESSON, id: "01.quiz.compileStep", points: 1,
    hints: [
      "Recall the three steps of training and the three TensorFlow.js calls: which step decides what training will minimise?",
      "Ask, for each option, whether anything about the weights is different right after compile returns, and what fit would be missing without it.",
    ],
  }),
  quizCheck({
    lesson: LESSON, id: "01.quiz.fitUpdates", points: 1,
    hints: [
      "An epoch is one pass over the training set; with mini-batches, one update uses one batch.",
      "Count the batches of 50 in one pass over the question's 1000 examples: that is the number of updates in one epoch. Then ask how many epochs fit runs.",
    ],
  }),
  quizCheck({
    lesson: LESSON, id: "01.quiz.lossChoice", points: 1,
    hints: [
      "The loss passed to compile defines the cost that fit minimises; the activation defines what the output can be.",
      "Compare −log(f) and (1 − f)² for a label y = 1 and a prediction f = 0.01, and ask which part of the model each option says would change.",
    ],
  }),
]);

/** Runs a check and shows its report in the notebook; never throws. */
export const check = checker.check;

/** Prints one tier of a check's hint: `lab.hint("NN.name", 2)` for more detail than a failed check shows. */
export const hint = checker.hint;

// ---------------------------------------------------------------- the optional lab's coffee network

/** The oracle's float64 predictions of the coffee network, for comparison in the notebook. */
export function coffeeNetworkReference(): { inputs: number[][]; predictions: number[] } {
  const values = loadExpected(LESSON).values ?? {};
  return values.coffeeNetwork as { inputs: number[][]; predictions: number[] };
}

// ---------------------------------------------------------------- figures

const GOOD = { color: "#d62728", symbol: "x", size: 8 };
const BAD = { color: "#1f77b4", symbol: "circle-open", size: 7 };

function scatterRoasts(data: CoffeeData): Trace[] {
  const pick = (label: number, k: 0 | 1) => data.X.filter((_, i) => data.y[i] === label).map((r) => r[k]);
  return [
    { type: "scatter", mode: "markers", name: "good roast (y = 1)", x: pick(1, 0), y: pick(1, 1), marker: GOOD },
    { type: "scatter", mode: "markers", name: "bad roast (y = 0)", x: pick(0, 0), y: pick(0, 1), marker: BAD },
  ];
}

/** Scatter plot of the roasts with the region of good roasts outlined. */
export function plotCoffeeData(data: CoffeeData, title = "Coffee roasting data"): void {
  // The good region: 175 < t < 260, 12 < d < 15 and d ≤ −3/85·t + 21, a triangle (goodRoastRegion).
  const corners = goodRoastRegion();
  const region: Trace = {
    type: "scatter", mode: "lines", name: "good-roast region", line: { color: "#2ca02c", dash: "dot" },
    x: corners.t, y: corners.d, hoverinfo: "skip",
  };
  plot([...scatterRoasts(data), region], {
    title, xaxis: { title: { text: "temperature (°C)" } }, yaxis: { title: { text: "duration (min)" } },
  });
}

/**
 * A logistic-regression decision boundary in original units. The model works
 * on normalised features u = (x − μ)/σ, so w·u + b = 0 becomes a line in x:
 * d = μ_d + σ_d·(−b − w_t·(t − μ_t)/σ_t)/w_d.
 */
function boundaryLine(w: readonly number[], b: number, stats: NormStats, tRange: [number, number] = [150, 285]): { t: number[]; d: number[] } {
  const [mt, md] = stats.mean as [number, number];
  const [st, sd] = stats.variance.map(Math.sqrt) as [number, number];
  const [wt, wd] = w as [number, number];
  const t = linspace(tRange[0], tRange[1], 50);
  return { t, d: t.map((ti) => md + (sd * (-b - (wt * (ti - mt)) / st)) / wd) };
}

/** The data with one or more learned decision boundaries drawn over it. */
export function plotDecisionBoundaries(data: CoffeeData, stats: NormStats, boundaries: { name: string; w: readonly number[]; b: number }[]): void {
  const dashes = ["solid", "dash", "dashdot"];
  const lines: Trace[] = boundaries.map((bd, i) => {
    const { t, d } = boundaryLine(bd.w, bd.b, stats);
    return { type: "scatter", mode: "lines", name: bd.name, x: t, y: d, line: { width: 2, dash: dashes[i % dashes.length] } };
  });
  plot([...scatterRoasts(data), ...lines], {
    title: "Learned decision boundaries (f(x) = 0.5)",
    xaxis: { title: { text: "temperature (°C)" }, range: [145, 290] },
    yaxis: { title: { text: "duration (min)" }, range: [11, 16] },
  });
}

/** Cost per iteration of gradient descent (log-scaled x axis shows the early drop). */
export function plotCostHistory(costHistory: readonly number[], title = "Cost J(w, b) per iteration"): void {
  plot([{ type: "scatter", mode: "lines", x: costHistory.map((_, i) => i + 1), y: [...costHistory], name: "J" }], {
    title, xaxis: { title: { text: "iteration" }, type: "log" }, yaxis: { title: { text: "cost J" } },
  });
}

/** Predicted probability over a grid of (temperature, duration), for a heat map of a model. */
export function plotProbabilityMap(predict: (X: number[][]) => number[], data: CoffeeData, title: string): void {
  const fig = probabilityMapFigure(predict, data, title);
  plot(fig.data, fig.layout);
}

/**
 * The figure of plotProbabilityMap, built without drawing it. Its text
 * alternative says where the model predicts a good roast (f(x) ≥ 0.5) and
 * where not: the picture's blue (high f) and red (low f) regions, in words.
 */
export function probabilityMapFigure(predict: (X: number[][]) => number[], data: CoffeeData, title: string): { data: Trace[]; layout: Layout; regions: RegionSummary[] } {
  const ts = linspace(150, 285, 60);
  const ds = linspace(11.5, 15.5, 40);
  const grid = ds.flatMap((d) => ts.map((t) => [t, d]));
  const p = predict(grid);
  const z = ds.map((_, i) => p.slice(i * ts.length, (i + 1) * ts.length));
  const regions = summariseRegions(ts, ds, z.map((row) => row.map((f) => (f >= 0.5 ? 0 : 1))), ["f(x) ≥ 0.5, predicted good roast (blue)", "f(x) < 0.5, predicted bad roast (red)"]);
  const description = `Background: the model's probability f(x) of a good roast over temperatures 150 to 285 °C and durations 11.5 to 15.5 min. ${describeRegions(regions, { x: "temperature", y: "duration" })} On top: the ${data.X.length} roasts of the data set, marked good or bad.`;
  return {
    data: [
      { type: "heatmap", x: ts, y: ds, z, colorscale: "RdBu", reversescale: true, zmin: 0, zmax: 1, opacity: 0.6, colorbar: { title: { text: "f(x)" } } },
      ...scatterRoasts(data),
    ],
    layout: { title, xaxis: { title: { text: "temperature (°C)" } }, yaxis: { title: { text: "duration (min)" } }, description },
    regions,
  };
}

/** True labels of roasts, for any list of (temperature, duration) points. */
export function labelRoasts(X: readonly number[][]): number[] {
  return X.map(([t, d]) => (isGoodRoast(t as number, d as number) ? 1 : 0));
}

/**
 * Lesson 06 (optional) — Derivatives and backpropagation.
 * Notebook: notebooks/06-backprop.ipynb. Tests: test/lessons/06-backprop.test.ts.
 *
 * Helpers the notebook uses (the computation-graph figure, the gradient-cost
 * experiment) and the graded checks `06.*`.
 */
import * as tf from "@tensorflow/tfjs";
import { createChecker, quizCheck, storedFunctionCheck } from "../checks";
import { plot, type Layout, type Trace } from "../runtime";

export { setup, plot, linspace, record } from "../runtime";
export { demo } from "../checks";

/** This lesson's slug: names its notebook, lib module, expected values and tests. */
export const LESSON = "06-backprop";

/**
 * The functions the numericalDerivative check differentiates, by name (stored
 * cases are JSON, which cannot hold functions). The oracle defines the same ones.
 */
const TEST_FUNCTIONS: Record<string, (w: number) => number> = {
  square: (w) => w * w,
  cube: (w) => w * w * w,
  twoPlusThreeWSquared: (w) => (2 + 3 * w) * (2 + 3 * w),
  inverse: (w) => 1 / w,
  exp: (w) => Math.exp(w),
};

/** The test function a stored case names. */
function testFunction(name: unknown): (w: number) => number {
  const f = typeof name === "string" && Object.hasOwn(TEST_FUNCTIONS, name) ? TEST_FUNCTIONS[name] : undefined;
  if (!f) throw new Error(`unknown test function ${String(name)} in data/expected/${LESSON}.json`);
  return f;
}

/**
 * The cases store the function to differentiate by name, then w and maybe
 * eps; the name becomes the function just before the student's code runs
 * (the function itself is passed through as it is: cloning cannot copy functions).
 */
const numericalDerivativeCheck = storedFunctionCheck({
  lesson: LESSON, id: "06.numericalDerivative", fnName: "numericalDerivative", points: 1,
  hints: [
      "A derivative is the slope of the function over a tiny step: compare the function's values at two nearby points.",
      "Compare your result for J = w² at w = 3 with section 1's 6.001: if it is 6 exactly, you stepped on both sides of w; if it is far off, check that the step you divide by is the step you took, and that eps has its default when the caller gives none.",
      "Walk-through: evaluate f at w and at w + eps (eps 0.001 when not given), take the difference and divide it by eps. Evaluate f twice; do not differentiate by hand.",
    ],
  wrapCall: (fn) => (name, ...rest) => fn(testFunction(name), ...rest),
  describeArgs: ([name, w, ...eps]) => `f = ${String(name)}, w = ${String(w)}${eps.length > 0 ? `, eps = ${String(eps[0])}` : " (default eps)"}`,
});

/** The graded checks of lesson 06, in notebook order. */
export const checker = createChecker([
  numericalDerivativeCheck,
  storedFunctionCheck({
    lesson: LESSON, id: "06.backpropSimpleNetwork", fnName: "backpropSimpleNetwork", points: 2,
    hints: [
      "Backpropagation is the chain rule applied from the cost back towards the parameters: each node's derivative is built from the one after it.",
      "Compare your fields with the course notes' example (J = 2, dJ/dw = −4) in the failed case: the first wrong field tells you the step to check. Forward values are wrong: check the order c, a, d, J and the ½ in J. A derivative is wrong: check what that node's local derivative multiplies, the derivative of the node to its right.",
      "Walk-through: forward c = w·x, a = c + b, d = a − y, J = ½d². Backward, right to left, each derivative from the one after it: dJ/dd = d, dJ/da = dJ/dd·1, dJ/dc = dJ/da·1, dJ/db = dJ/da·1, dJ/dw = dJ/dc·x.",
    ],
  }),
  // Graded quiz (near the end of the notebook): the keys and explanations are the instructor's (grading/quiz-keys/).
  quizCheck({
    lesson: LESSON, id: "06.quiz.nudgeX", points: 1,
    hints: [
      "A derivative says how much J moves per small move of any node of the graph, an input included: ΔJ ≈ (∂J/∂x)·Δx, sign included.",
      "Section 3's backward pass stops at w and b. Take one more step of the chain rule, from ∂J/∂c to x, the way section 3 took it to w (what does c = w·x multiply a change of x by?); keep the sign, then use ΔJ ≈ (∂J/∂x)·Δx.",
    ],
  }),
  quizCheck({
    lesson: LESSON, id: "06.quiz.oneBackwardPass", points: 1,
    hints: [
      "Section 4 compares N × P steps with N + P steps: where does the saving come from?",
      "Follow section 3's backward pass from J to w and to b: count the multiplications it takes to reach both, and compare with section 2's numerical method, which needs one more forward pass for every parameter.",
    ],
  }),
]);

/** Runs a check and shows its report in the notebook; never throws. */
export const check = checker.check;

/** Prints one tier of a check's hint: `lab.hint("NN.name", 2)` for more detail than a failed check shows. */
export const hint = checker.hint;

// ---------------------------------------------------------------- figures

/** The forward values and backward derivatives of the small network of the course notes. */
export interface GraphValues {
  x: number; w: number; b: number; y: number;
  c: number; a: number; d: number; J: number;
  dJ_dd: number; dJ_da: number; dJ_dc: number; dJ_db: number; dJ_dw: number;
}

/** The computation graph c = w·x → a = c + b → d = a − y → J = ½d², forward values above, derivatives below. */
export function plotComputationGraph(v: GraphValues): void {
  const fig = computationGraphFigure(v);
  plot(fig.data, fig.layout);
}

/**
 * The graph in words, for its text alternative: every node's forward value
 * (left to right) and every derivative of J (right to left), not the
 * positions the picture puts them at.
 */
function computationGraphDescription(v: GraphValues): string {
  const forward = `x = ${v.x}, w = ${v.w}, c = w·x = ${v.c}, b = ${v.b}, a = c + b = ${v.a}, y = ${v.y}, d = a − y = ${v.d}, J = ½d² = ${v.J}`;
  const backward = `∂J/∂d = ${v.dJ_dd}, ∂J/∂a = ${v.dJ_da}, ∂J/∂c = ${v.dJ_dc}, ∂J/∂b = ${v.dJ_db}, ∂J/∂w = ${v.dJ_dw}`;
  return `Nodes from left to right: w and x feed c = w·x; c and b feed a = c + b; a and y feed d = a − y; d feeds J = ½d². Forward values: ${forward}. Derivatives of J, from right to left: ${backward}.`;
}

/** The figure of plotComputationGraph (data and layout, its text alternative included), built without drawing it. */
export function computationGraphFigure(v: GraphValues): { data: Trace[]; layout: Layout } {
  const nodes: { id: string; x: number; y: number; label: string; value: number; grad?: number }[] = [
    { id: "w", x: 0, y: 1, label: "w", value: v.w, grad: v.dJ_dw },
    { id: "x", x: 0, y: 0, label: "x", value: v.x },
    { id: "c", x: 1, y: 0.5, label: "c = w·x", value: v.c, grad: v.dJ_dc },
    { id: "b", x: 1, y: -0.5, label: "b", value: v.b, grad: v.dJ_db },
    { id: "a", x: 2, y: 0.25, label: "a = c + b", value: v.a, grad: v.dJ_da },
    { id: "y", x: 2, y: -0.75, label: "y", value: v.y },
    { id: "d", x: 3, y: 0, label: "d = a − y", value: v.d, grad: v.dJ_dd },
    { id: "J", x: 4, y: 0, label: "J = ½d²", value: v.J, grad: 1 },
  ];
  const edges: [string, string][] = [["w", "c"], ["x", "c"], ["c", "a"], ["b", "a"], ["a", "d"], ["y", "d"], ["d", "J"]];
  const at = (id: string) => nodes.find((n) => n.id === id) as (typeof nodes)[number];
  const traces: Trace[] = [
    {
      type: "scatter", mode: "markers+text", x: nodes.map((n) => n.x), y: nodes.map((n) => n.y), text: nodes.map((n) => n.label),
      textposition: "middle center", marker: { size: 58, color: "#eef3fb", line: { color: "#1f77b4", width: 2 } }, hoverinfo: "skip", showlegend: false,
    },
    { type: "scatter", mode: "text", x: nodes.map((n) => n.x), y: nodes.map((n) => n.y + 0.28), text: nodes.map((n) => `${n.value}`), textfont: { color: "#2ca02c", size: 14 }, name: "forward value", hoverinfo: "skip" },
    { type: "scatter", mode: "text", x: nodes.filter((n) => n.grad !== undefined).map((n) => n.x), y: nodes.filter((n) => n.grad !== undefined).map((n) => n.y - 0.28), text: nodes.filter((n) => n.grad !== undefined).map((n) => `∂J/∂${n.id} = ${n.grad}`), textfont: { color: "#d62728", size: 13 }, name: "derivative (backprop)", hoverinfo: "skip" },
  ];
  const annotations = edges.map(([from, to]) => ({ x: at(to).x - 0.22, y: at(to).y, ax: at(from).x + 0.22, ay: at(from).y, xref: "x", yref: "y", axref: "x", ayref: "y", showarrow: true, arrowhead: 3, arrowsize: 1.2, arrowcolor: "#777", text: "" }));
  return {
    data: traces,
    layout: {
      title: "Computation graph: forward values (green, left to right) and derivatives (red, right to left)",
      xaxis: { visible: false, range: [-0.5, 4.6] }, yaxis: { visible: false, range: [-1.2, 1.5] }, annotations, height: 380, showlegend: true, legend: { orientation: "h" },
      description: computationGraphDescription(v),
    },
  };
}

// ---------------------------------------------------------------- N + P versus N × P

/** A small Dense network's cost J(θ) as a function of all its parameters in one flat vector. */
function smallNetworkCost(sizes: readonly number[], X: tf.Tensor2D, y: tf.Tensor2D): { numParams: number; cost: (theta: tf.Tensor1D) => tf.Scalar } {
  const shapes = sizes.slice(1).flatMap((units, i) => [[sizes[i] as number, units], [units]]);
  const counts = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const cost = (theta: tf.Tensor1D): tf.Scalar => tf.tidy(() => {
    const parts = tf.split(theta, counts);
    let a: tf.Tensor = X;
    for (let l = 0; l < shapes.length / 2; l++) {
      const z = a.matMul((parts[2 * l] as tf.Tensor).reshape(shapes[2 * l] as number[])).add(parts[2 * l + 1] as tf.Tensor);
      a = l < shapes.length / 2 - 1 ? tf.relu(z) : z;
    }
    return a.sub(y).square().mean() as tf.Scalar;
  });
  return { numParams: counts.reduce((a, b) => a + b, 0), cost };
}

/** Times the gradient of a small network's cost both ways: one extra forward pass per parameter, and backprop (tf.grad). */
export function compareGradientCosts(sizes: readonly number[] = [8, 16, 12, 1], examples = 32): { numParams: number; numericMs: number; backpropMs: number; maxDifference: number } {
  return tf.tidy(() => {
    const X = tf.randomNormal([examples, sizes[0] as number], 0, 1, "float32", 1) as tf.Tensor2D;
    const y = tf.randomNormal([examples, 1], 0, 1, "float32", 2) as tf.Tensor2D;
    const { numParams, cost } = smallNetworkCost(sizes, X, y);
    const theta = tf.randomNormal([numParams], 0, 0.3, "float32", 3) as tf.Tensor1D;
    const eps = 1e-2; // float32: a larger step than in float64, or rounding swamps the difference
    let t0 = performance.now();
    const J0 = cost(theta).dataSync()[0] as number;
    const base = theta.dataSync();
    const numeric = new Float32Array(numParams);
    for (let i = 0; i < numParams; i++) {
      const shifted = base.slice();
      shifted[i] = (shifted[i] as number) + eps;
      numeric[i] = ((cost(tf.tensor1d(shifted)).dataSync()[0] as number) - J0) / eps;
    }
    const numericMs = performance.now() - t0;
    t0 = performance.now();
    const backprop = tf.grad((t: tf.Tensor) => cost(t as tf.Tensor1D))(theta).dataSync();
    const backpropMs = performance.now() - t0;
    let maxDifference = 0;
    for (let i = 0; i < numParams; i++) maxDifference = Math.max(maxDifference, Math.abs((numeric[i] as number) - (backprop[i] as number)));
    return { numParams, numericMs, backpropMs, maxDifference };
  });
}

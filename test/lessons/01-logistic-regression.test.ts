/**
 * Lesson 01: every check passes on the notebook's own solutions and fails on
 * several wrong implementations; the solution edition runs top to bottom in a
 * real tslab kernel with every check passing; the student edition runs with
 * every check "not completed yet"; a notebook full of wrong code still runs to
 * the end with every check failing.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { checker, coffeeNetwork, coffeeNetworkReference, COFFEE_NETWORK, normalize } from "../../lib/lessons/01-logistic-regression";
import { initBackend } from "../../lib/runtime";
import { BinaryCrossentropy } from "../../lib/training";
import { figuresAndHtml, markdownCells, recorded, records, solutionFunctions, type NotebookRun } from "../helpers/notebooks";
import { assertBackendRecorded, assertBetween, assertSolutionEditionPasses, itHoldsTheCheckContract, assertStudentEditionNotCompleted, assertWrongEditionFails, assertOneProgressDisplay, itAcceptsEveryRightChoice } from "../helpers/lesson-contract";
import { wrongEdition } from "../../setup/test";

const SLUG = "01-logistic-regression";
const IDS = checker.definitions.map((d) => d.id);

type Fn = (...args: never[]) => unknown;
const sig = (z: number[]): number[] => z.map((v) => 1 / (1 + Math.exp(-v)));
const dot = (w: number[], x: number[]): number => w.reduce((s, wj, j) => s + wj * (x[j] as number), 0);

/** Wrong implementations, each a mistake students actually make. */
const WRONG: Record<string, Record<string, Fn>> = {
  "01.sigmoid": {
    "sign error e^z": ((z: number[]) => z.map((v) => 1 / (1 + Math.exp(v)))) as Fn,
    "NaN for very negative z": ((z: number[]) => z.map((v) => Math.exp(v) / (1 + Math.exp(v)))) as Fn,
    "returns a single number": ((z: number[]) => 1 / (1 + Math.exp(-(z[0] ?? 0)))) as Fn,
    "mutates its input": ((z: number[]) => { for (let i = 0; i < z.length; i++) z[i] = 1 / (1 + Math.exp(-(z[i] as number))); return z; }) as Fn,
    "returns a tensor": ((z: number[]) => tf.sigmoid(tf.tensor1d(z))) as Fn,
  },
  "01.logisticLoss": {
    "only the y=1 term": ((f: number, y: number) => -y * Math.log(f)) as Fn,
    "log10": ((f: number, y: number) => -y * Math.log10(f) - (1 - y) * Math.log10(1 - f)) as Fn,
    "missing minus sign": ((f: number, y: number) => y * Math.log(f) + (1 - y) * Math.log(1 - f)) as Fn,
  },
  "01.computeCost": {
    "sum, not mean": ((X: number[][], y: number[], w: number[], b: number) => X.reduce((s, x, i) => { const f = sig([dot(w, x) + b])[0] as number; return s - (y[i] as number) * Math.log(f) - (1 - (y[i] as number)) * Math.log(1 - f); }, 0)) as Fn,
    "forgets b": ((X: number[][], y: number[], w: number[]) => X.reduce((s, x, i) => { const f = sig([dot(w, x)])[0] as number; return s - (y[i] as number) * Math.log(f) - (1 - (y[i] as number)) * Math.log(1 - f); }, 0) / X.length) as Fn,
    "squared error instead of log loss": ((X: number[][], y: number[], w: number[], b: number) => X.reduce((s, x, i) => s + ((sig([dot(w, x) + b])[0] as number) - (y[i] as number)) ** 2, 0) / X.length) as Fn,
  },
  "01.computeGradient": {
    "no 1/m": ((X: number[][], y: number[], w: number[], b: number) => { const e = X.map((x, i) => (sig([dot(w, x) + b])[0] as number) - (y[i] as number)); return { dw: w.map((_, j) => e.reduce((s, ei, i) => s + ei * (X[i]?.[j] as number), 0)), db: e.reduce((s, v) => s + v, 0) }; }) as Fn,
    "error y - f": ((X: number[][], y: number[], w: number[], b: number) => { const m = X.length; const e = X.map((x, i) => (y[i] as number) - (sig([dot(w, x) + b])[0] as number)); return { dw: w.map((_, j) => e.reduce((s, ei, i) => s + ei * (X[i]?.[j] as number), 0) / m), db: e.reduce((s, v) => s + v, 0) / m }; }) as Fn,
    "linear f (no sigmoid)": ((X: number[][], y: number[], w: number[], b: number) => { const m = X.length; const e = X.map((x, i) => dot(w, x) + b - (y[i] as number)); return { dw: w.map((_, j) => e.reduce((s, ei, i) => s + ei * (X[i]?.[j] as number), 0) / m), db: e.reduce((s, v) => s + v, 0) / m }; }) as Fn,
    "wrong key names": ((X: number[][], y: number[], w: number[], b: number) => { const m = X.length; const e = X.map((x, i) => (sig([dot(w, x) + b])[0] as number) - (y[i] as number)); return { dj_dw: w.map((_, j) => e.reduce((s, ei, i) => s + ei * (X[i]?.[j] as number), 0) / m), dj_db: e.reduce((s, v) => s + v, 0) / m }; }) as Fn,
  },
  "01.gradientDescent": {},
  "01.buildLogisticModel": {
    "relu activation": ((n: number) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [n], units: 1, activation: "relu" })] }); m.compile({ loss: "binaryCrossentropy", optimizer: "adam" }); return m; }) as Fn,
    "two units": ((n: number) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [n], units: 2, activation: "sigmoid" })] }); m.compile({ loss: "binaryCrossentropy", optimizer: "adam" }); return m; }) as Fn,
    "mean squared error loss": ((n: number) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [n], units: 1, activation: "sigmoid" })] }); m.compile({ loss: "meanSquaredError", optimizer: "adam" }); return m; }) as Fn,
    "not compiled": ((n: number) => tf.sequential({ layers: [tf.layers.dense({ inputShape: [n], units: 1, activation: "sigmoid" })] })) as Fn,
    "fixed input shape 2": ((_n: number) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, activation: "sigmoid" })] }); m.compile({ loss: "binaryCrossentropy", optimizer: tf.train.adam(0.01) }); return m; }) as Fn,
    "linear output read as a probability": ((n: number) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [n], units: 1, activation: "linear" })] }); m.compile({ loss: "binaryCrossentropy", optimizer: tf.train.adam(0.01) }); return m; }) as Fn,
    "a hidden layer (not logistic regression)": ((n: number) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [n], units: 3, activation: "sigmoid" }), tf.layers.dense({ units: 1, activation: "sigmoid" })] }); m.compile({ loss: "binaryCrossentropy", optimizer: tf.train.adam(0.01) }); return m; }) as Fn,
    "Adam's default learning rate": ((n: number) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [n], units: 1, activation: "sigmoid" })] }); m.compile({ loss: "binaryCrossentropy", optimizer: "adam" }); return m; }) as Fn,
  },
};

/** A decision exercise: other right choices than the notebook's. */
const RIGHT: Record<string, Record<string, Fn>> = {
  "01.buildLogisticModel": {
    "linear output with binary cross-entropy from logits": ((n: number) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [n], units: 1, activation: "linear" })] }); m.compile({ loss: BinaryCrossentropy({ fromLogits: true }) as unknown as string, optimizer: tf.train.adam(0.01) }); return m; }) as Fn,
    "the course's BinaryCrossentropy() on a sigmoid": ((n: number) => { const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [n], units: 1, activation: "sigmoid" })] }); m.compile({ loss: BinaryCrossentropy() as unknown as string, optimizer: tf.train.adam(0.01) }); return m; }) as Fn,
  },
};

before(async () => {
  await initBackend();
});

describe("lesson 01 checks on the notebook's own solutions and on wrong code", () => {
  const solutions = solutionFunctions(SLUG);
  // gradientDescent mistakes are built on the (correct) solution's computeGradient/computeCost.
  const grad = solutions.computeGradient as unknown as (X: number[][], y: number[], w: number[], b: number) => { dw: number[]; db: number };
  const cost = solutions.computeCost as unknown as (X: number[][], y: number[], w: number[], b: number) => number;
  Object.assign(WRONG["01.gradientDescent"] as Record<string, Fn>, {
    "cost before the update": ((X: number[][], y: number[], w: number[], b: number, alpha: number, n: number) => { let wc = w.slice(); let bc = b; const h: number[] = []; for (let i = 0; i < n; i++) { h.push(cost(X, y, wc, bc)); const g = grad(X, y, wc, bc); wc = wc.map((v, j) => v - alpha * (g.dw[j] as number)); bc -= alpha * g.db; } return { w: wc, b: bc, costHistory: h }; }) as Fn,
    "sequential update (uses new w for b's gradient)": ((X: number[][], y: number[], w: number[], b: number, alpha: number, n: number) => { let wc = w.slice(); let bc = b; const h: number[] = []; for (let i = 0; i < n; i++) { const g = grad(X, y, wc, bc); wc = wc.map((v, j) => v - alpha * (g.dw[j] as number)); bc -= alpha * grad(X, y, wc, bc).db; h.push(cost(X, y, wc, bc)); } return { w: wc, b: bc, costHistory: h }; }) as Fn,
    "gradient ascent": ((X: number[][], y: number[], w: number[], b: number, alpha: number, n: number) => { let wc = w.slice(); let bc = b; const h: number[] = []; for (let i = 0; i < n; i++) { const g = grad(X, y, wc, bc); wc = wc.map((v, j) => v + alpha * (g.dw[j] as number)); bc += alpha * g.db; h.push(cost(X, y, wc, bc)); } return { w: wc, b: bc, costHistory: h }; }) as Fn,
    "modifies w in place": ((X: number[][], y: number[], w: number[], b: number, alpha: number, n: number) => { let bc = b; const h: number[] = []; for (let i = 0; i < n; i++) { const g = grad(X, y, w, bc); for (let j = 0; j < w.length; j++) w[j] = (w[j] as number) - alpha * (g.dw[j] as number); bc -= alpha * g.db; h.push(cost(X, y, w, bc)); } return { w, b: bc, costHistory: h }; }) as Fn,
  });

  itHoldsTheCheckContract(checker, solutions, WRONG);
  itAcceptsEveryRightChoice(checker, RIGHT);

  it("reports a NaN result precisely", async () => {
    const r = await checker.run("01.sigmoid", (z: number[]) => z.map(() => NaN));
    assert.equal(r.status, "failed");
    assert.ok(r.cases.some((c) => /NaN/.test(c.message ?? "")));
  });

  it("reports a Promise result precisely", async () => {
    const r = await checker.run("01.logisticLoss", async (f: number) => f);
    assert.equal(r.status, "failed");
    assert.ok(r.cases.every((c) => /Promise/.test(c.message ?? "")));
  });
});

describe("lesson 01 reference numbers", () => {
  it("the coffee network in tfjs (float32) matches the float64 oracle: ≈0.9625 and ≈3.03e-08", () => {
    const ref = coffeeNetworkReference();
    assert.ok(Math.abs((ref.predictions[0] as number) - 0.9625) < 1e-3);
    assert.ok(Math.abs((ref.predictions[1] as number) - 3.03e-8) < 1e-9);
    const model = coffeeNetwork();
    const x = normalize(ref.inputs, { mean: [...COFFEE_NETWORK.mean], variance: [...COFFEE_NETWORK.variance] });
    const p = tf.tidy(() => (model.predict(tf.tensor2d(x)) as tf.Tensor).arraySync() as number[][]);
    model.dispose();
    p.forEach((row, i) => {
      const expected = ref.predictions[i] as number;
      assert.ok(Math.abs((row[0] as number) - expected) <= 1e-5 * Math.abs(expected) + 1e-12, `${row[0]} vs ${expected}`);
    });
  });
});

describe("lesson 01 notebook in a real tslab kernel", { concurrency: false }, () => {
  let solutionRun: NotebookRun | undefined;

  it("solution edition: runs top to bottom, no error, no abort, every check passes", () => {
    const run = assertSolutionEditionPasses(SLUG, IDS);
    solutionRun = run;
    assertBackendRecorded(run);
    // The coffee network in the kernel: 200 °C, 13.9 min → f = 9.62…e-1; 200 °C, 17 min → f = 3.03…e-8.
    const coffee = recorded<{ inputs: number[][]; predictions: number[] }>(run, "coffeeNetwork");
    assert.deepEqual(coffee.inputs, [[200, 13.9], [200, 17]]);
    assertBetween(coffee.predictions[0], 0.962, 0.963, "f(200 °C, 13.9 min)");
    assertBetween(coffee.predictions[1], 3.03e-8, 3.04e-8, "f(200 °C, 17 min)");
    // Training progress is one display updated in place (update_display_data), not a line per epoch.
    assertOneProgressDisplay(run, "lab.fit(model", "logistic model", 150);
    const figures = figuresAndHtml(run).filter((h) => h.includes('class="course-figure"'));
    assert.ok(figures.length >= 5, `only ${figures.length} figures`);
  });

  it("the primer comes before the first exercise, and its tf.tidy demo leaves numTensors unchanged", () => {
    assert.ok(solutionRun, "the solution edition ran (test above)");
    const run = solutionRun;
    // Found by its anchor (a stable link target, not a sentence) and by the solution markers that make a cell an exercise.
    const primer = run.cells.find((c) => c.type === "markdown" && c.source.includes('<a id="primer"></a>'));
    const firstExercise = run.cells.find((c) => c.type === "code" && c.source.includes("// BEGIN SOLUTION"));
    assert.ok(primer, 'no markdown cell has the anchor <a id="primer"></a>');
    assert.ok(firstExercise, "no exercise cell");
    assert.ok(primer.index < firstExercise.index, `the primer (cell ${primer.index}) comes after the first exercise (cell ${firstExercise.index})`);
    const memory = records(run).filter((r) => r.name === "primerMemory");
    assert.equal(memory.length, 1, "the primer records its memory demo once");
    const cell = memory[0]?.cell as number;
    assert.ok(cell > primer.index && cell < firstExercise.index, `the memory demo (cell ${cell}) is inside the primer`);
    const m = recorded<{ before: number; insideTidy: number; afterTidy: number; withKept: number; afterDispose: number }>(run, "primerMemory");
    assert.ok(m.insideTidy > m.before, `the demo makes tensors inside tf.tidy (${m.before} → ${m.insideTidy})`);
    assert.equal(m.afterTidy, m.before, "tf.tidy freed every tensor made inside it");
    assert.equal(m.withKept, m.before + 1, "one tensor made outside tf.tidy");
    assert.equal(m.afterDispose, m.before, "dispose() freed it");
  });

  it("student edition: runs to the end and every check says not completed yet", () => {
    assertStudentEditionNotCompleted(SLUG, IDS);
  });

  it("wrong code in every exercise: runs to the end and every check fails with a message", () => {
    const { byId } = assertWrongEditionFails(SLUG, IDS, wrongEdition(SLUG));
    assert.ok(byId["01.computeCost"]?.cases.some((c) => /NaN/.test(c.message ?? "")));
    assert.ok(byId["01.computeGradient"]?.cases.some((c) => /threw TypeError: oops/.test(c.message ?? "")));
  });
});

describe("lesson 01 prose: sources labelled truly, lab.fit explained once", () => {
  const md = markdownCells(SLUG);
  it("the coffee network and its two roasts are the Week 1 optional lab's, not the lecture's", () => {
    const all = md.join("\n");
    assert.doesNotMatch(all, /lecture's coffee network|lecture's answer/);
    const section6 = md.find((t) => t.startsWith("## 6.")) ?? "";
    assert.match(section6, /optional lab/);
  });
  it("the primer says what lab.fit keeps the same (not every bit), and the training cell links back to it", () => {
    const primer = md.find((t) => t.includes('id="lab-fit"')) ?? "";
    assert.match(primer, /not digit for digit/);
    assert.doesNotMatch(md.join("\n"), /same result/);
    assert.ok(md.some((t) => t.includes("(#lab-fit)")), "the training cell links to the primer");
  });
  it("names the slide's 'epochs: number of steps' and the difference with mini-batches", () => {
    const cell = md.find((t) => t.startsWith("Train it.")) ?? "";
    assert.match(cell, /number of steps in gradient descent/);
    assert.match(cell, /mini-batches one epoch is many steps/);
  });
  it("quotes no timing the notebook does not print", () => {
    assert.doesNotMatch(md.join("\n"), /well under a second|in our runs/);
  });
});

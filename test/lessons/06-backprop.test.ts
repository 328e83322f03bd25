/**
 * Lesson 06: every check passes on the notebook's own solutions and fails on
 * several wrong implementations; the hand derivatives agree with tf.grads; the
 * solution edition runs top to bottom in a real tslab kernel reproducing the
 * lecture's numbers and showing backprop faster than numerical gradients; the
 * student edition runs with every check "not completed yet"; wrong code
 * everywhere still runs to the end.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { checker } from "../../lib/lessons/06-backprop";
import { initBackend } from "../../lib/runtime";
import { quizOptions, storedCheck } from "../../lib/checks";
import { readQuizKeys } from "../../grading/quiz-key-file";
import { cellText, readNotebook } from "../../editions/notebook";
import { figuresAndHtml, solutionFunctions, sourceNotebook, recorded } from "../helpers/notebooks";
import { assertSolutionEditionPasses, itHoldsTheCheckContract, assertStudentEditionNotCompleted, assertWrongEditionFails, assertNear } from "../helpers/lesson-contract";
import { wrongEdition } from "../../setup/test";

const SLUG = "06-backprop";
const IDS = checker.definitions.map((d) => d.id);
type Fn = (...args: never[]) => unknown;
type F = (w: number) => number;

function net(x: number, w: number, b: number, y: number, mistake = ""): Record<string, number> {
  const c = w * x;
  const a = c + b;
  const d = mistake === "sign" ? y - a : a - y;
  const J = mistake === "noHalf" ? d * d : 0.5 * d * d;
  const dJ_dd = mistake === "noHalf" ? 2 * d : d;
  const dJ_da = dJ_dd;
  const dJ_dc = dJ_da;
  const dJ_db = mistake === "dbTimesX" ? dJ_da * x : dJ_da;
  const dJ_dw = mistake === "forgotX" ? dJ_dc : dJ_dc * x;
  return { c, a, d, J, dJ_dd, dJ_da, dJ_dc, dJ_db, dJ_dw };
}

/** Wrong implementations, each a mistake students make. */
const WRONG: Record<string, Record<string, Fn>> = {
  "06.numericalDerivative": {
    "central difference instead of forward": ((f: F, w: number, eps = 0.001) => (f(w + eps) - f(w - eps)) / (2 * eps)) as unknown as Fn,
    "backward difference": ((f: F, w: number, eps = 0.001) => (f(w) - f(w - eps)) / eps) as unknown as Fn,
    "a different default eps": ((f: F, w: number, eps = 1e-6) => (f(w + eps) - f(w)) / eps) as unknown as Fn,
    "forgets to divide by eps": ((f: F, w: number, eps = 0.001) => f(w + eps) - f(w)) as unknown as Fn,
  },
  "06.backpropSimpleNetwork": {
    "dJ/dw without the factor x": ((x: number, w: number, b: number, y: number) => net(x, w, b, y, "forgotX")) as Fn,
    "J = d² (no ½)": ((x: number, w: number, b: number, y: number) => net(x, w, b, y, "noHalf")) as Fn,
    "dJ/db multiplied by x": ((x: number, w: number, b: number, y: number) => net(x, w, b, y, "dbTimesX")) as Fn,
    "d = y − a": ((x: number, w: number, b: number, y: number) => net(x, w, b, y, "sign")) as Fn,
  },
};

before(async () => {
  await initBackend();
});

describe("lesson 06 checks on the notebook's own solutions and on wrong code", () => {
  const solutions = solutionFunctions(SLUG);
  itHoldsTheCheckContract(checker, solutions, WRONG);

  it("the solution's hand derivatives equal tf.grads at random points", () => {
    const bp = solutions.backpropSimpleNetwork as unknown as (x: number, w: number, b: number, y: number) => Record<string, number>;
    for (let k = 0; k < 5; k++) {
      const [x, w, b, y] = [1, 2, 3, 4].map(() => Math.round((Math.random() * 6 - 3) * 100) / 100) as [number, number, number, number];
      const r = bp(x, w, b, y);
      const [gw, gb] = tf.tidy(() => tf.grads((wt: tf.Tensor, bt: tf.Tensor) => tf.mul(0.5, wt.mul(x).add(bt).sub(y).square()))([tf.scalar(w), tf.scalar(b)]).map((g) => g.dataSync()[0] as number));
      assert.ok(Math.abs((r.dJ_dw as number) - (gw as number)) < 1e-4 * (1 + Math.abs(gw as number)), `dJ/dw ${r.dJ_dw} vs ${gw}`);
      assert.ok(Math.abs((r.dJ_db as number) - (gb as number)) < 1e-4 * (1 + Math.abs(gb as number)), `dJ/db ${r.dJ_db} vs ${gb}`);
    }
  });
});

describe("lesson 06 uses the course notes' computation graph as its main example, labelled as the notes'", () => {
  // Course 2, Week 2, the course's notes (not the lecture): x = −2, w = 2, b = 8, y = 2 gives J = 2, dJ/dw = −4.
  const LECTURE = [-2, 2, 8, 2];
  const LAB = [2, -2, 8, 1];
  const cases = storedCheck(SLUG, "06.backpropSimpleNetwork").cases;
  const section3 = readNotebook(sourceNotebook(SLUG)).cells.map(cellText).find((t) => t.startsWith("## 3.")) ?? "";

  it("the check's first case is the notes' example, with the notes' numbers; the lab's example is a case labelled as the lab's", () => {
    const first = cases[0];
    assert.ok(first);
    assert.deepEqual(first.args, LECTURE);
    assert.match(first.name, /course notes'/);
    assert.doesNotMatch(first.name, /lecture/);
    const e = first.expected as Record<string, number>;
    assert.deepEqual([e.c, e.a, e.d, e.J, e.dJ_dd, e.dJ_da, e.dJ_dc, e.dJ_db, e.dJ_dw], [-4, 4, 2, 2, 2, 2, 2, 2, -4]);
    const fromLab = cases.find((c) => JSON.stringify(c.args) === JSON.stringify(LAB));
    assert.ok(fromLab, "the optional lab's example stays a case");
    assert.match(fromLab.name, /lab's/);
    assert.doesNotMatch(fromLab.name, /lecture/);
    assert.equal((fromLab.expected as Record<string, number>).J, 4.5);
  });

  it("section 3 states the notes' example and the numbers the oracle computes for it, including the nudge w → 2.001", () => {
    const [x, w, b, y] = LECTURE as [number, number, number, number];
    const e = cases[0]?.expected as Record<string, number>;
    assert.ok(section3.includes(`$x = ${x}$, $w = ${w}$, $b = ${b}$, $y = ${y}$`), "the notes' inputs");
    assert.ok(section3.includes(`$c = wx = ${e.c}$, $a = c + b = ${e.a}$, $d = a - y = ${e.d}$, $J = \\tfrac12 d^2 = ${e.J}$`), "the forward values");
    assert.ok(section3.includes(`\\frac{\\partial J}{\\partial w} = x \\cdot \\frac{\\partial J}{\\partial c} = ${e.dJ_dw}$`), "dJ/dw");
    const nudged = solutionFunctions(SLUG).backpropSimpleNetwork as unknown as (...a: number[]) => Record<string, number>;
    const n = nudged(x, w + 0.001, b, y);
    const r6 = (v: number | undefined): number => Math.round((v as number) * 1e6) / 1e6;
    assert.ok(section3.includes(`$c = ${r6(n.c)}$, $a = ${r6(n.a)}$, $d = ${r6(n.d)}$ and $J = ${r6(n.J)}$`), `the nudged values ${JSON.stringify(n)}`);
    assert.ok(Math.abs(((n.J as number) - e.J!) - e.dJ_dw! * 0.001) < 1e-5, "J falls by about 4 × 0.001");
    assert.match(section3, /lab's[^.]*\$x = 2\$, \$w = -2\$, \$b = 8\$, \$y = 1\$/, "the lab's example is labelled as the lab's");
  });

  it("nothing calls the notes' graph, or the numerical derivative's 6.001, the lecture's: prose, code comments, case names, hints", () => {
    const cells = readNotebook(sourceNotebook(SLUG)).cells.map(cellText);
    const graphCells = cells.filter((t) => t.includes("-2, 2, 8, 2") || t.includes("$x = -2$") || t.startsWith("# Lesson 06"));
    assert.ok(graphCells.length >= 3, "the title cell, section 3 and its demo");
    for (const t of graphCells) assert.doesNotMatch(t, /lecture's (small )?(network|example)/, t.slice(0, 80));
    assert.match(section3, /course's notes/);
    for (const c of storedCheck(SLUG, "06.numericalDerivative").cases) assert.doesNotMatch(c.name, /lecture/, c.name);
    const def = checker.definitions.find((d) => d.id === "06.backpropSimpleNetwork");
    assert.ok(def);
    for (const h of def.hints) assert.doesNotMatch(h, /lecture's example/);
  });
});

describe("lesson 06 notebook in a real tslab kernel", { concurrency: false }, () => {
  it("solution edition: the lecture's numbers, tf.grad agreement, backprop faster, no leaked tensors", () => {
    const run = assertSolutionEditionPasses(SLUG, IDS);
    // J = w² at w = 3: numerical (ε = 0.001) 6.001000, tf.grad 6.000000 (to the 6 decimals printed).
    const square = recorded<{ J: string; w: number; numerical: number; tfGrad: number }[]>(run, "derivatives").find((r) => r.J === "w²");
    assert.equal(square?.w, 3);
    assertNear(square?.numerical, 6.001, 5e-7, "numerical derivative of w² at 3");
    assertNear(square?.tfGrad, 6, 5e-7, "tf.grad of w² at 3");
    // The chain rule by hand: a = 11, J = 121, dJ/da = 22, dJ/dw = 66; tf.grad agrees exactly.
    const chain = recorded<Record<string, number>>(run, "chainRule");
    assert.deepEqual({ a: chain.a, J: chain.J, dJ_da: chain.dJ_da, dJ_dw: chain.dJ_dw, tfGrad: chain.tfGrad }, { a: 11, J: 121, dJ_da: 22, dJ_dw: 66, tfGrad: 66 });
    // The student's backprop on the lecture's network (x = −2, w = 2, b = 8, y = 2), and tf.grads.
    const net = recorded<{ result: Record<string, number>; tfGrads: { dJ_dw: number; dJ_db: number } }>(run, "simpleNetwork");
    const { c, a, d, J, dJ_dd, dJ_da, dJ_dc, dJ_db, dJ_dw } = net.result;
    assert.deepEqual({ c, a, d, J }, { c: -4, a: 4, d: 2, J: 2 });
    assert.deepEqual({ dJ_dd, dJ_da, dJ_dc, dJ_db, dJ_dw }, { dJ_dd: 2, dJ_da: 2, dJ_dc: 2, dJ_db: 2, dJ_dw: -4 });
    assert.deepEqual(net.tfGrads, { dJ_dw: -4, dJ_db: 2 });
    // The optional lab's example, shown second: J = 4.5, dJ/dw = 6.
    const fromLab = recorded<Record<string, number>>(run, "simpleNetwork:lab");
    assert.deepEqual({ J: fromLab.J, dJ_dw: fromLab.dJ_dw }, { J: 4.5, dJ_dw: 6 });
    // Backprop is much cheaper than one extra forward pass per parameter.
    const cost = recorded<{ numericMs: number; backpropMs: number }>(run, "gradientCosts");
    assert.ok(cost.backpropMs > 0 && cost.numericMs > 3 * cost.backpropMs, `numeric ${cost.numericMs} ms vs backprop ${cost.backpropMs} ms`);
    assert.ok(figuresAndHtml(run).some((h) => h.includes("Computation graph")));
  });

  it("student edition: runs to the end and every check says not completed yet", () => {
    assertStudentEditionNotCompleted(SLUG, IDS);
  });

  it("wrong code in every exercise: runs to the end and every check fails", () => {
    assertWrongEditionFails(SLUG, IDS, wrongEdition(SLUG));
  });
});

describe("lesson 06 prose", () => {
  it("quiz question 1 asks for the nudge of x, whose derivative no cell above it works out (the nudge of w is worked in section 3)", () => {
    const cells = readNotebook(sourceNotebook(SLUG)).cells.map(cellText);
    const question = cells.findIndex((t) => t.includes("**Question 1.**"));
    assert.ok(question > 0 && cells[question + 2]?.includes('lab.check("06.quiz.nudgeX"'), "the question sits above its check");
    assert.match(cells[question] as string, /the input \$x\$ goes up by 0\.001, to −1\.999/);
    for (const t of cells.slice(0, question)) assert.doesNotMatch(t, /\\partial J\}\{\\partial x\}|dJ\/dx|∂J\/∂x/, "no cell above works out ∂J/∂x");
    const key = readQuizKeys(SLUG)["06.quiz.nudgeX"];
    const options = quizOptions(storedCheck(SLUG, "06.quiz.nudgeX").cases[0]?.args ?? []);
    assert.equal(options[key?.answer as string], "J goes up by about 4 × 0.001", "the oracle's key: ∂J/∂x = w · ∂J/∂c = 4");
  });
  it("labels the 10,000-node, 100,000-parameter network as the course's illustration, not the lecture's", () => {
    const cell = readNotebook(sourceNotebook(SLUG)).cells.map(cellText).find((t) => t.includes("10,000 nodes")) ?? "";
    assert.ok(cell, "section 4 keeps the illustration");
    assert.match(cell, /an illustration, not the lecture's/);
  });
  it("doubling a dense network's parameters makes the numerical method about 4 times slower, backprop about 2", () => {
    const text = readNotebook(sourceNotebook(SLUG)).cells.filter((c) => c.cell_type === "markdown").map(cellText).join("\n");
    assert.doesNotMatch(text, /takes about twice as long/);
    assert.match(text, /about \$2 \\times 2 = 4\$ times slower/);
  });
  it("has the notes' nudges for J = a², a = 2 + 3w at w = 3: a to 11.001 gives J ≈ 121.022; w up 0.001 moves a by 0.003", () => {
    const text = readNotebook(sourceNotebook(SLUG)).cells.filter((c) => c.cell_type === "markdown").map(cellText).join("\n");
    assert.match(text, /121\.022001/);
    assert.match(text, /11\.003/);
    assert.ok(Math.abs(11.001 ** 2 - 121.022001) < 1e-9 && Math.abs(2 + 3 * 3.001 - 11.003) < 1e-12, "the numbers quoted are right");
  });
});

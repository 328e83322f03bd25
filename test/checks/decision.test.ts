/**
 * lib/checks/decision.ts: a decision check accepts every equivalent right
 * model (sigmoid + binary cross-entropy or linear + the from-logits loss;
 * softmax + sparse cross-entropy or linear + its from-logits version; any
 * non-linear hidden layers when the task leaves them open) and explains each
 * wrong choice, with the explanation computed from plain recorded data.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { decisionCheck, explainDecision, runCheck, prediction, predictionFor, type DecisionTask, type ModelDecision, type Target } from "../../lib/checks";
import { BinaryCrossentropy, SparseCategoricalCrossentropy } from "../../lib/training";
import { initBackend } from "../../lib/runtime";

type Loss = string | ReturnType<typeof BinaryCrossentropy>;

/** A Sequential model: `hidden` activations (16 units each), then `units` outputs. */
function model(inputs: number, hidden: string[], units: number, activation: string, loss: Loss | null, lr = 0.01): tf.Sequential {
  const layers = [...hidden.map((a, i) => tf.layers.dense({ ...(i === 0 ? { inputShape: [inputs] } : {}), units: 16, activation: a as "relu" })), tf.layers.dense({ ...(hidden.length === 0 ? { inputShape: [inputs] } : {}), units, activation: activation as "relu" })];
  const m = tf.sequential({ layers });
  if (loss !== null) m.compile({ loss: loss as string, optimizer: tf.train.adam(lr) });
  return m;
}

function check(id: string, task: DecisionTask, target: Target, n: number, units: number, hidden: ModelDecision["hidden"]) {
  const expected = { inputs: n, hidden, outputUnits: units, predicts: predictionFor(target), optimizer: { className: "Adam", learningRate: 0.01 } };
  return decisionCheck({ lesson: "test", id, fnName: "build", points: 1, hints: ["think", "more"], task, target }).withCases(id, 1, { atol: 0, rtol: 0, cases: [{ name: "the task", args: [n], expected }] });
}

const binary = check("t.binary", { hidden: { kind: "none" } }, "binary", 2, 1, "none");
const multiclass = check("t.multiclass", { hidden: { kind: "nonlinear" } }, "multiclass", 2, 4, "non-linear");
const multilabel = check("t.multilabel", { hidden: { kind: "nonlinear" } }, "multilabel", 2, 3, "non-linear");
const price = check("t.price", { hidden: { kind: "nonlinear" } }, "nonNegative", 1, 1, "non-linear");

before(async () => {
  await initBackend();
});

describe("decision checks", () => {
  it("name what each output activation and loss predict", () => {
    assert.equal(prediction("sigmoid", "binaryCrossentropy"), "independent probabilities");
    assert.equal(prediction("linear", "binaryCrossentropy(fromLogits)"), "independent probabilities");
    assert.equal(prediction("softmax", "sparseCategoricalCrossentropy"), "class distribution");
    assert.equal(prediction("linear", "sparseCategoricalCrossentropy(fromLogits)"), "class distribution");
    assert.equal(prediction("linear", "sparseCategoricalCrossentropy"), "logits read as probabilities");
    assert.equal(prediction("softmax", "sparseCategoricalCrossentropy(fromLogits)"), "probabilities read as logits");
    assert.equal(prediction("relu", "meanSquaredError"), "non-negative number");
    assert.equal(prediction("linear", "meanSquaredError"), "real number");
    assert.equal(prediction("sigmoid", "(not compiled: call model.compile({ loss, optimizer }))"), "not compiled");
    assert.equal(prediction("sigmoid", "hingeLoss"), "unknown pairing");
  });

  const right: [string, ReturnType<typeof check>, () => tf.LayersModel][] = [
    ["binary: sigmoid + binaryCrossentropy", binary, () => model(2, [], 1, "sigmoid", "binaryCrossentropy")],
    ["binary: sigmoid + the course's BinaryCrossentropy()", binary, () => model(2, [], 1, "sigmoid", BinaryCrossentropy())],
    ["binary: linear + BinaryCrossentropy({ fromLogits: true })", binary, () => model(2, [], 1, "linear", BinaryCrossentropy({ fromLogits: true }))],
    ["multiclass: relu hidden, softmax + sparse", multiclass, () => model(2, ["relu"], 4, "softmax", "sparseCategoricalCrossentropy")],
    ["multiclass: two relu layers, linear + sparse fromLogits", multiclass, () => model(2, ["relu", "relu"], 4, "linear", SparseCategoricalCrossentropy({ fromLogits: true }))],
    ["multiclass: tanh hidden, linear + sparse fromLogits", multiclass, () => model(2, ["tanh"], 4, "linear", SparseCategoricalCrossentropy({ fromLogits: true }))],
    ["multilabel: sigmoid outputs + binaryCrossentropy", multilabel, () => model(2, ["relu"], 3, "sigmoid", "binaryCrossentropy")],
    ["multilabel: linear outputs + binary fromLogits", multilabel, () => model(2, ["relu"], 3, "linear", BinaryCrossentropy({ fromLogits: true }))],
    ["price: relu output + meanSquaredError", price, () => model(1, ["relu"], 1, "relu", "meanSquaredError")],
  ];
  for (const [label, def, build] of right) {
    it(`accepts ${label}`, async () => {
      const before = tf.memory().numTensors;
      const r = await runCheck(def, build);
      assert.equal(r.status, "passed", JSON.stringify(r.cases));
      assert.equal(tf.memory().numTensors, before, "the model is disposed");
    });
  }

  const wrong: [string, ReturnType<typeof check>, () => tf.LayersModel, RegExp][] = [
    ["binary with relu output", binary, () => model(2, [], 1, "relu", "binaryCrossentropy"), /do not make a model/],
    ["binary with a linear output and no fromLogits", binary, () => model(2, [], 1, "linear", "binaryCrossentropy"), /fromLogits: true/],
    ["binary with a sigmoid and fromLogits", binary, () => model(2, [], 1, "sigmoid", BinaryCrossentropy({ fromLogits: true })), /applies it again/],
    ["binary with a hidden layer", binary, () => model(2, ["relu"], 1, "sigmoid", "binaryCrossentropy"), /no hidden layer/],
    ["binary with squared error", binary, () => model(2, [], 1, "sigmoid", "meanSquaredError"), /squared error is the loss for numbers/],
    ["binary with the wrong learning rate", binary, () => model(2, [], 1, "sigmoid", "binaryCrossentropy", 0.1), /learning rate 0\.01/],
    ["binary not compiled", binary, () => model(2, [], 1, "sigmoid", null), /not compiled/],
    ["multiclass with no hidden layer", multiclass, () => model(2, [], 4, "softmax", "sparseCategoricalCrossentropy"), /straight line/],
    ["multiclass with a linear hidden layer", multiclass, () => model(2, ["linear"], 4, "softmax", "sparseCategoricalCrossentropy"), /linear layers stacked/],
    ["multiclass with sigmoid outputs", multiclass, () => model(2, ["relu"], 4, "sigmoid", "binaryCrossentropy"), /one class among several/],
    ["multiclass with one-hot loss", multiclass, () => model(2, ["relu"], 4, "softmax", "categoricalCrossentropy"), /one-hot/],
    ["multiclass with 3 outputs", multiclass, () => model(2, ["relu"], 3, "softmax", "sparseCategoricalCrossentropy"), /needs 4 \(one per class\)/],
    ["multilabel with a softmax", multilabel, () => model(2, ["relu"], 3, "softmax", "sparseCategoricalCrossentropy"), /separate yes\/no|each label is a yes\/no/],
    ["price with a linear output", price, () => model(1, ["relu"], 1, "linear", "meanSquaredError"), /lecture's rule for y ≥ 0/],
    ["price with 2 inputs", price, () => model(2, ["relu"], 1, "relu", "meanSquaredError"), /takes 2 input\(s\), but each example has 1/],
    // The same pairing gets the advice its target calls for (issue 29: a multi-label softmax was told to use the sparse loss).
    ["multilabel with a softmax and categoricalCrossentropy: the softmax, not the sparse loss", multilabel, () => model(2, ["relu"], 3, "softmax", "categoricalCrossentropy"), /^(?!.*sparse).*own sigmoid and train with binary cross-entropy/],
    ["multilabel with sigmoids and the sparse loss: the labels are 0/1 rows", multilabel, () => model(2, ["relu"], 3, "sigmoid", "sparseCategoricalCrossentropy"), /rows of 0s and 1s/],
    ["multilabel with a linear output and no fromLogits: a sigmoid, not a softmax", multilabel, () => model(2, ["relu"], 3, "linear", "binaryCrossentropy"), /^(?!.*softmax).*sigmoid activation/],
    ["multiclass with a linear output and no fromLogits: a softmax", multiclass, () => model(2, ["relu"], 4, "linear", "sparseCategoricalCrossentropy"), /softmax activation/],
    ["multiclass with a softmax and binary cross-entropy: pair it with the sparse loss", multiclass, () => model(2, ["relu"], 4, "softmax", "binaryCrossentropy"), /sparse categorical cross-entropy/],
    ["price with a sigmoid and squared error: the output, not the loss", price, () => model(1, ["relu"], 1, "sigmoid", "meanSquaredError"), /use a ReLU output/],
    ["price with binary cross-entropy: a number needs the squared error", price, () => model(1, ["relu"], 1, "linear", "binaryCrossentropy"), /this target is a number: train with the squared error/],
  ];
  for (const [label, def, build, says] of wrong) {
    it(`explains ${label}`, async () => {
      const before = tf.memory().numTensors;
      const r = await runCheck(def, build);
      assert.equal(r.status, "failed");
      const c = r.cases[0];
      assert.equal(c?.mistake, "wrong-decision", c?.message);
      assert.match(c?.message ?? "", says);
      assert.equal(tf.memory().numTensors, before);
    });
  }

  it("names every wrong choice at once", async () => {
    const r = await runCheck(multiclass, () => model(3, [], 2, "linear", "sparseCategoricalCrossentropy"));
    const message = r.cases[0]?.message ?? "";
    for (const part of [/takes 3 input/, /straight line/, /needs 4/, /fromLogits: true/]) assert.match(message, part);
  });

  it("explains from plain data only, and ignores data that is not a decision", () => {
    const explain = explainDecision("binary").explain;
    assert.ok(explain);
    const want = { inputs: 2, hidden: "none", outputUnits: 1, predicts: "independent probabilities" };
    assert.equal(explain(null, want), null);
    assert.equal(explain("independent probabilities", want), null);
    assert.equal(explain({ inputs: 2 }, want), null, "no `chose`: not a decision the course made");
    const hostile = { inputs: 2, hidden: "none", outputUnits: 1, predicts: "independent probabilities", chose: { hiddenActivations: [], outputActivation: "sigmoid", loss: "binaryCrossentropy" } };
    assert.equal(explain(hostile, want), null, "data equal to a right decision has nothing to explain");
  });
});

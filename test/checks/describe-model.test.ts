/**
 * lib/checks/describe-model.ts: describeModel turns a tf.LayersModel into the plain data
 * the model checks compare; a value that is not a model is the student's error.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { quietCpuFirstUse } from "../../lib/runtime/backend";
import { StudentCodeError } from "../../lib/checks/harness";
import { describeModel, disposeModel, lossName } from "../../lib/checks/describe-model";

before(async () => {
  await tf.setBackend("cpu");
  quietCpuFirstUse();
});

function coffeeModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, activation: "sigmoid", inputShape: [2], name: "layer1" }),
      tf.layers.dense({ units: 1, activation: "sigmoid", name: "layer2" }),
    ],
  });
}

describe("describeModel", () => {
  it("describes dense layers: class, name, units, activation, output shape, parameters; input [null, n]", () => {
    const m = coffeeModel();
    try {
      const d = describeModel(m);
      assert.deepEqual(d.inputShape, [null, 2]);
      assert.deepEqual(d.layers, [
        { className: "Dense", name: "layer1", outputShape: [null, 3], params: 2 * 3 + 3, units: 3, activation: "sigmoid" },
        { className: "Dense", name: "layer2", outputShape: [null, 1], params: 3 * 1 + 1, units: 1, activation: "sigmoid" },
      ]);
      assert.equal(d.params, 13);
      assert.equal(d.loss, "(not compiled: call model.compile({ loss, optimizer }))");
      assert.deepEqual(d.optimizer, { className: "(not compiled)" });
    } finally {
      m.dispose();
    }
  });

  it("a dense layer without activation is 'linear'; input width is taken from inputShape", () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 25, inputShape: [400], activation: "relu" }), tf.layers.dense({ units: 10 })] });
    try {
      const d = describeModel(m);
      assert.deepEqual(d.inputShape, [null, 400]);
      assert.deepEqual(d.layers.map((l) => [l.units, l.activation, l.params]), [[25, "relu", 400 * 25 + 25], [10, "linear", 25 * 10 + 10]]);
      assert.equal(d.params, 10025 + 260);
    } finally {
      m.dispose();
    }
  });

  it("after compile: the loss string and the optimizer's class and hyper-parameters", () => {
    const m = coffeeModel();
    m.compile({ loss: "binaryCrossentropy", optimizer: tf.train.adam(0.01) });
    try {
      const d = describeModel(m);
      assert.equal(d.loss, "binaryCrossentropy");
      assert.equal(d.optimizer.className, "Adam");
      assert.equal(d.optimizer.learningRate, 0.01);
      assert.equal(d.optimizer.beta1, 0.9);
      assert.equal(d.optimizer.beta2, 0.999);
      assert.equal(typeof d.optimizer.epsilon, "number");
    } finally {
      disposeModel(m);
    }
    const s = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
    s.compile({ loss: "meanSquaredError", optimizer: tf.train.sgd(0.1) });
    try {
      const d = describeModel(s);
      assert.equal(d.loss, "meanSquaredError");
      assert.deepEqual(d.optimizer, { className: "SGD", learningRate: 0.1 });
    } finally {
      disposeModel(s);
    }
  });

  it("a non-model value is a StudentCodeError saying what to return", () => {
    assert.throws(() => describeModel(undefined), (err: unknown) => {
      assert.ok(err instanceof StudentCodeError);
      assert.equal(err.message, "expected a tf.LayersModel (e.g. from tf.sequential({ layers: [...] })), got undefined (did you forget `return model`?)");
      return true;
    });
    assert.throws(() => describeModel(Promise.resolve(1)), { name: "StudentCodeError", message: /got a Promise \(remove async\)$/ });
    assert.throws(() => describeModel({ layers: [] }), { name: "StudentCodeError", message: /got object$/ });
    const layer = tf.layers.dense({ units: 1 });
    assert.throws(() => describeModel(layer), StudentCodeError, "a layer is not a model");
  });
});

describe("lossName", () => {
  it("strings as they are, course losses by their lossName, functions by name", () => {
    assert.equal(lossName("categoricalCrossentropy"), "categoricalCrossentropy");
    const tagged = Object.assign(() => tf.scalar(0), { lossName: "BinaryCrossentropy(fromLogits)" });
    assert.equal(lossName(tagged), "BinaryCrossentropy(fromLogits)");
    function myLoss(): void {}
    assert.equal(lossName(myLoss), "myLoss");
    assert.equal(lossName(["a", "b"]), "a,b");
    assert.match(lossName(null), /^\(not compiled/);
  });
});

describe("disposeModel", () => {
  it("frees the weights and an optimizer object's state (Adam moments), leaving no tensors behind", async () => {
    const before = tf.memory().numTensors;
    const m = coffeeModel();
    m.compile({ loss: "binaryCrossentropy", optimizer: tf.train.adam(0.01) });
    const x = tf.tensor2d([[200, 13], [250, 14]]);
    const y = tf.tensor2d([[1], [0]]);
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    x.dispose();
    y.dispose();
    assert.ok(tf.memory().numTensors > before, "the model and Adam hold tensors");
    disposeModel(m);
    assert.equal(tf.memory().numTensors, before);
    assert.doesNotThrow(() => disposeModel("not a model"));
  });
});

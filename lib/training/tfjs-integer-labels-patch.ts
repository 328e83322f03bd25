/**
 * The course's one patch of TensorFlow.js: lets `model.fit` take integer class
 * labels with the course's `SparseCategoricalCrossentropy({ fromLogits })`, as
 * Keras does.
 *
 * Why it stays (issue: "no patching of TensorFlow.js where another design
 * exists"). tfjs-layers decides which target shape `fit` accepts by comparing
 * each output's loss, by identity, with its own string loss
 * 'sparseCategoricalCrossentropy'; any other function, ours included, must get
 * one-hot targets of the output's shape. The alternatives change what
 * students write: one-hot labels everywhere (unlike the lectures' Keras code
 * and the course's integer-labelled digits), or the string loss, which has no
 * `fromLogits` and silently trains on clipped logits (lesson 04). So after
 * `compile`, for outputs whose loss is a course sparse loss, the target-shape
 * check is pointed at tfjs's own sparse loss function (the loss actually
 * minimised is unchanged), and the 'accuracy' metric becomes sparse accuracy.
 *
 * What it relies on, each asserted by test/training/tfjs-integer-labels-patch.test.ts
 * so that a tfjs upgrade that changes them fails a test instead of training wrong:
 * - `tf.LayersModel.prototype.compile` exists and `tf.Sequential` inherits it;
 * - a compiled functional model keeps its loss functions in `lossFunctions`;
 * - `fit` checks targets against `feedLossFns` (an array, one per output).
 *
 * It is installed once, by the first `SparseCategoricalCrossentropy()` call (so a
 * course that never uses it never patches anything), or explicitly by the
 * grader before it freezes the realm.
 */
import * as tf from "@tensorflow/tfjs";

/** True for a course loss that takes integer labels. */
function isSparseCourseLoss(x: unknown): boolean {
  // Course losses mark themselves with `sparseLabels` (lib/training/losses.ts); read structurally, so this module does not import them back.
  return typeof x === "function" && (x as { sparseLabels?: unknown }).sparseLabels === true;
}

let builtinSparse: unknown = null;

/** tfjs-layers' own sparse loss function object (fit recognises integer targets by its identity). */
function builtinSparseLoss(): unknown {
  if (builtinSparse) return builtinSparse;
  // A functional model (not tf.sequential, which delegates to an inner model) keeps lossFunctions on itself.
  const input = tf.input({ shape: [1] });
  // Zeros initialiser: a random one would draw from Math.random and shift the seeded sequence.
  const probe = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, kernelInitializer: "zeros" }).apply(input) as tf.SymbolicTensor });
  probe.compile({ loss: "sparseCategoricalCrossentropy", optimizer: "sgd" });
  builtinSparse = (probe as unknown as { lossFunctions: unknown[] }).lossFunctions[0];
  probe.dispose();
  return builtinSparse;
}

/** Accuracy on integer labels, named like tfjs's own "acc" metric. */
function acc(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  // argmax is the same for logits and for their softmax, so this works for both.
  return tf.metrics.sparseCategoricalAccuracy(yTrue, yPred);
}

let installed = false;

/**
 * Lets `fit` take integer labels with a course sparse loss, as Keras does.
 * tfjs-layers decides the expected target shape, and which function the
 * 'accuracy' metric means, by comparing the loss with its own sparse loss
 * function. After `compile`, for outputs whose loss is a course sparse loss,
 * the shape check is pointed at tfjs's sparse loss (targets [N] or [N, 1]) and
 * 'accuracy' becomes sparse accuracy; the loss actually minimised is unchanged.
 * Installed once, the first time a sparse course loss is created.
 */
export function installIntegerLabelSupport(): void {
  if (installed) return;
  installed = true;
  const proto = tf.LayersModel.prototype as unknown as { compile: (args: tf.ModelCompileArgs) => void };
  const original = proto.compile;
  proto.compile = function compile(this: tf.LayersModel, args: tf.ModelCompileArgs): void {
    const sparse = isSparseCourseLoss(args.loss) || (Array.isArray(args.loss) && args.loss.some(isSparseCourseLoss));
    if (!sparse) return original.call(this, args);
    const metrics = Array.isArray(args.metrics) ? args.metrics.map((m) => (m === "accuracy" || m === "acc" ? acc : m)) : args.metrics;
    original.call(this, { ...args, metrics } as tf.ModelCompileArgs);
    const model = this as unknown as { feedLossFns: unknown[] };
    model.feedLossFns = model.feedLossFns.map((fn) => (isSparseCourseLoss(fn) ? builtinSparseLoss() : fn));
  };
}

/**
 * Keras' losses for `model.compile`, with what tfjs-layers lacks: a
 * `fromLogits` option and integer labels for the sparse loss.
 *
 *   model.compile({ loss: SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: tf.train.adam(1e-3) });
 *   await model.fit(X, y, { epochs: 40 });          // y: integer labels, like Keras
 *
 * Why: tfjs's string losses always take probabilities. With a linear output
 * layer, 'sparseCategoricalCrossentropy' clips the logits into (0, 1) as if
 * they were probabilities and trains on a wrong loss, silently. Computing the
 * loss from logits is also the numerically stable route (lesson 04):
 * log-softmax and log(1 + e^−|z|) never form e^z for large z.
 *
 * The factories are PascalCase to read like Keras' `SparseCategoricalCrossentropy(from_logits=True)`.
 * Values match tf.keras 2.x: from probabilities, predictions are clipped to
 * [ε, 1 − ε] with ε = 1e-7 (binary also adds ε inside the logs, as Keras'
 * backend does); from logits, the exact stable formulas. Each returns the loss
 * per example (mean over the last axis), which `fit` averages over the batch.
 */
import * as tf from "@tensorflow/tfjs";
import { installIntegerLabelSupport } from "./tfjs-integer-labels-patch";

/** Keras' backend epsilon. */
export const EPSILON = 1e-7;

/** Which loss a CourseLoss computes: code identifies losses by this, never by their display name. */
type CourseLossKind = "binaryCrossentropy" | "sparseCategoricalCrossentropy" | "meanSquaredError";

/** A loss function for model.compile, tagged with what it is. */
interface CourseLoss {
  (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;
  /** What the loss computes (with `fromLogits`, the whole formula). */
  kind: CourseLossKind;
  /** Name shown by model checks, e.g. "sparseCategoricalCrossentropy(fromLogits)"; for display only. */
  lossName: string;
  fromLogits: boolean;
  /** Takes integer class labels rather than one-hot targets. */
  sparseLabels: boolean;
}

function tag(fn: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor, kind: CourseLossKind, fromLogits: boolean, sparseLabels: boolean): CourseLoss {
  const loss = fn as CourseLoss;
  // A named function helps tfjs name the loss in logs and error messages.
  Object.defineProperty(loss, "name", { value: kind });
  loss.kind = kind;
  loss.lossName = fromLogits ? `${kind}(fromLogits)` : kind;
  loss.fromLogits = fromLogits;
  loss.sparseLabels = sparseLabels;
  return loss;
}

/** The CourseLoss tagged on `loss`, or null for tfjs string losses and plain functions. */
export function asCourseLoss(loss: unknown): CourseLoss | null {
  if (typeof loss !== "function") return null;
  const kind = (loss as Partial<CourseLoss>).kind;
  return kind === "binaryCrossentropy" || kind === "sparseCategoricalCrossentropy" || kind === "meanSquaredError" ? (loss as CourseLoss) : null;
}

/** Options shared by the cross-entropy losses. */
interface CrossentropyOptions {
  /** The model outputs logits z (a linear output layer), not probabilities. */
  fromLogits?: boolean;
}

/** Binary cross-entropy, from probabilities or (stably) from logits. */
export function BinaryCrossentropy(options: CrossentropyOptions = {}): CourseLoss {
  const fromLogits = options.fromLogits ?? false;
  return tag(
    (yTrue, yPred) =>
      tf.tidy(() => {
        const y = yTrue.toFloat().reshape(yPred.shape);
        let perElement: tf.Tensor;
        if (fromLogits) {
          // max(z, 0) − z·y + log(1 + e^−|z|): no exp of a large positive number.
          perElement = tf.losses.sigmoidCrossEntropy(y, yPred, undefined, 0, tf.Reduction.NONE);
        } else {
          const p = yPred.clipByValue(EPSILON, 1 - EPSILON);
          perElement = tf.neg(y.mul(p.add(EPSILON).log()).add(tf.sub(1, y).mul(tf.sub(1, p).add(EPSILON).log())));
        }
        return perElement.mean(-1);
      }),
    "binaryCrossentropy",
    fromLogits,
    false,
  );
}

/** Sparse categorical cross-entropy: integer labels 0…N−1, from probabilities or (stably) from logits. */
export function SparseCategoricalCrossentropy(options: CrossentropyOptions = {}): CourseLoss {
  const fromLogits = options.fromLogits ?? false;
  installIntegerLabelSupport();
  return tag(
    (yTrue, yPred) =>
      tf.tidy(() => {
        const numClasses = yPred.shape[yPred.shape.length - 1] as number;
        const labels = yTrue.flatten().toInt();
        const oneHot = tf.oneHot(labels, numClasses).toFloat();
        if (fromLogits) {
          // −log softmax(z)[label], computed as logSumExp(z) − z[label].
          return tf.losses.softmaxCrossEntropy(oneHot, yPred, undefined, 0, tf.Reduction.NONE);
        }
        const p = yPred.div(yPred.sum(-1, true)).clipByValue(EPSILON, 1 - EPSILON);
        return tf.neg(oneHot.mul(p.log()).sum(-1));
      }),
    "sparseCategoricalCrossentropy",
    fromLogits,
    true,
  );
}

/** Mean squared error: mean over outputs of (y − ŷ)², Keras' convention (no ½). */
export function MeanSquaredError(): CourseLoss {
  return tag((yTrue, yPred) => tf.tidy(() => yPred.sub(yTrue.toFloat().reshape(yPred.shape)).square().mean(-1)), "meanSquaredError", false, false);
}

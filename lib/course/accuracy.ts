/**
 * Accuracy: the fraction of examples a classifier gets right.
 *
 * Taught in lesson 01 (notebooks/01-logistic-regression.ipynb) on
 * probabilities, and in lesson 02 (notebooks/02-dense-networks.ipynb) as two
 * steps, threshold then compare labels; reused by 05 (labels from the argmax
 * of the logits) and 07 (a binary classifier's probabilities).
 */

/**
 * The course's decision rule: predict 1 when f(x) ≥ 0.5, else 0. A tie at
 * exactly 0.5 counts as 1, as in the lectures (tf.metrics.binaryAccuracy uses
 * > 0.5 and would count it as 0).
 */
export function threshold(probabilities: ArrayLike<number>): number[] {
  return Array.from(probabilities, (p) => (p >= 0.5 ? 1 : 0));
}

/** Fraction of predicted labels equal to the true labels (labels of any kind: 0/1, digit classes, argmax of logits). */
export function labelAccuracy(predicted: ArrayLike<number>, y: ArrayLike<number>): number {
  if (predicted.length !== y.length) {
    throw new Error(`accuracy: ${predicted.length} predictions for ${y.length} labels; pass one prediction per example`);
  }
  if (y.length === 0) throw new Error("accuracy: no examples (empty arrays); accuracy is a fraction of examples, so pass at least one");
  let right = 0;
  for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) right += 1;
  return right / y.length;
}

/** Fraction of 0/1 labels a binary classifier's probabilities get right under the f(x) ≥ 0.5 rule. */
export function probabilityAccuracy(probabilities: ArrayLike<number>, y: ArrayLike<number>): number {
  return labelAccuracy(threshold(probabilities), y);
}

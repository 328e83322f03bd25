/**
 * The probabilities a classification model predicts, whichever of the two
 * equivalent output layers the student chose (defined in lesson 02, used in
 * lessons 02, 04 and 05).
 *
 * A model with a sigmoid (or softmax) output layer outputs probabilities
 * itself. A model with a linear output trained with a `fromLogits: true`
 * loss outputs logits, and the loss applies the sigmoid (or softmax) inside:
 * the probabilities are that same function of the logits (lesson 04).
 */
import * as tf from "@tensorflow/tfjs";
import { asCourseLoss } from "../training/losses";
import { predictRows } from "./predict-rows";

/** How the model's outputs become probabilities: already are, or through a sigmoid or a softmax. */
function outputLink(model: tf.LayersModel): "none" | "sigmoid" | "softmax" {
  const loss = asCourseLoss(model.loss);
  if (!loss || !loss.fromLogits) return "none";
  return loss.kind === "sparseCategoricalCrossentropy" ? "softmax" : "sigmoid";
}

/** The model's predicted probabilities for X (a tensor, or rows of numbers); call inside tf.tidy. */
export function outputProbabilities(model: tf.LayersModel, X: tf.Tensor | readonly (readonly number[])[]): tf.Tensor {
  const out = predictRows(model, X);
  const link = outputLink(model);
  return link === "sigmoid" ? tf.sigmoid(out) : link === "softmax" ? tf.softmax(out) : out;
}

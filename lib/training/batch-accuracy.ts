/**
 * The `acc` metric of one batch, chosen as tfjs-layers chooses it for
 * `metrics: ["accuracy"]` (LayersModel.compile): binary accuracy when the
 * output has one unit or the loss is tfjs' 'binaryCrossentropy'; sparse
 * categorical accuracy for the sparse loss; categorical accuracy otherwise —
 * so a from-logits binary loss with one unit thresholds the logit at 0.5, as
 * model.fit (and Keras) does.
 */
import type { FitLoss } from "./fit-types";

/** Which accuracy function model.fit computes for `acc`. */
export type AccuracyMetric = "binaryAccuracy" | "sparseCategoricalAccuracy" | "categoricalAccuracy";

/** The accuracy model.fit logs for this loss and output width. */
export function accuracyMetric(loss: FitLoss, units: number): AccuracyMetric {
  if (units === 1 || loss === "tfjsBinaryCrossentropy") return "binaryAccuracy";
  if (loss === "sparseCategoricalFromLogits") return "sparseCategoricalAccuracy";
  return "categoricalAccuracy";
}

/** Index of the first largest value of row r (tf.argMax's tie rule). */
function argMax(a: Float32Array, r: number, units: number): number {
  let arg = 0;
  for (let j = 1; j < units; j++) if ((a[r * units + j] as number) > (a[r * units + arg] as number)) arg = j;
  return arg;
}

/** How many of the batch's n examples are right (binary accuracy: the mean over outputs of output > 0.5 equalling the target). */
export function batchCorrect(metric: AccuracyMetric, out: Float32Array, targets: Float32Array, labels: Int32Array | null, n: number, units: number): number {
  let correct = 0;
  if (metric === "binaryAccuracy") {
    // A sparse loss gets here only with one output unit: its label is the target.
    const t = labels ?? targets;
    for (let i = 0; i < n * units; i++) if (((out[i] as number) > 0.5 ? 1 : 0) === t[i]) correct += 1 / units;
  } else if (metric === "sparseCategoricalAccuracy") {
    for (let r = 0; r < n; r++) if (argMax(out, r, units) === (labels as Int32Array)[r]) correct += 1;
  } else {
    for (let r = 0; r < n; r++) if (argMax(out, r, units) === argMax(targets, r, units)) correct += 1;
  }
  return correct;
}

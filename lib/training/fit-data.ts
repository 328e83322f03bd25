/**
 * The training data of the fast path as Float32Arrays, validated against the
 * model, and the gathering of each batch's rows in the shuffled order.
 */
import * as tf from "@tensorflow/tfjs";
import type { FitPlan, LayerPlan } from "./fit-plan";

/** x as a row-major matrix, one row per example. */
interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** The examples, and their targets (one row of `units` numbers) or integer labels (sparse losses). */
export interface FitData {
  X: Matrix;
  targets: Float32Array;
  labels: Int32Array | null;
  /** Width of a target row: the output layer's units. */
  units: number;
}

/** One batch's inputs and targets, in the order of `order[start…start+n)`. */
interface Batch {
  n: number;
  input: Float32Array;
  targets: Float32Array;
  labels: Int32Array | null;
}

function toMatrix(x: tf.Tensor | number[][], what: string): Matrix {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 2) throw new Error(`fit: ${what} must be 2-D [examples, features], got shape [${x.shape.join(", ")}]`);
    return { data: x.dataSync() as Float32Array, rows: x.shape[0] as number, cols: x.shape[1] as number };
  }
  const rows = x.length;
  const cols = x[0]?.length ?? 0;
  const data = new Float32Array(rows * cols);
  x.forEach((r, i) => data.set(r, i * cols));
  return { data, rows, cols };
}

function toTargets(y: tf.Tensor | number[] | number[][], n: number, width: number): Float32Array {
  const flat = y instanceof tf.Tensor ? (y.dataSync() as Float32Array) : Float32Array.from((y as (number | number[])[]).flat());
  if (flat.length !== n * width) throw new Error(`fit: expected ${n} targets of width ${width} (${n * width} numbers), got ${flat.length}`);
  return flat;
}

/** Reads x and y for the plan; says what is wrong when they do not fit the model. */
export function readFitData(plan: FitPlan, x: tf.Tensor | number[][], y: tf.Tensor | number[] | number[][]): FitData {
  const X = toMatrix(x, "x");
  const first = plan.layers[0] as LayerPlan;
  const units = (plan.layers[plan.layers.length - 1] as LayerPlan).units;
  if (X.cols !== first.inputs) throw new Error(`fit: the model expects ${first.inputs} features per example, x has ${X.cols}`);
  if (plan.loss !== "sparseCategoricalFromLogits") return { X, targets: toTargets(y, X.rows, units), labels: null, units };
  const raw = toTargets(y, X.rows, 1);
  if (raw.some((l) => l < 0 || l >= units || !Number.isInteger(l))) throw new Error(`fit: labels must be integers 0…${units - 1} for a ${units}-unit output`);
  return { X, targets: new Float32Array(0), labels: Int32Array.from(raw), units };
}

/** Copies the rows order[start…start+n) of x and of the targets or labels into one batch. */
export function gatherBatch(data: FitData, order: readonly number[], start: number, n: number, xb: Float32Array): Batch {
  const { X, units } = data;
  for (let r = 0; r < n; r++) {
    const src = (order[start + r] as number) * X.cols;
    xb.set(X.data.subarray(src, src + X.cols), r * X.cols);
  }
  const input = n * X.cols === xb.length ? xb : xb.subarray(0, n * X.cols);
  if (data.labels) {
    const labels = new Int32Array(n);
    for (let r = 0; r < n; r++) labels[r] = data.labels[order[start + r] as number] as number;
    return { n, input, targets: data.targets, labels };
  }
  const targets = new Float32Array(n * units);
  for (let r = 0; r < n; r++) {
    const src = (order[start + r] as number) * units;
    targets.set(data.targets.subarray(src, src + units), r * units);
  }
  return { n, input, targets, labels: null };
}

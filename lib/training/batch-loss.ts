/**
 * The loss of one batch and its gradient dLoss/dz at the output layer (z
 * before the output activation), for each loss the fast path accepts, equal to
 * what tfjs' autodiff gives `model.fit` for the same loss — saturated outputs
 * included.
 *
 * The loss is the mean over outputs, then over the batch, so each element's
 * gradient carries a factor 1/(n·units). Arithmetic is float64 on float32
 * inputs; the clip bounds are the float32 values tfjs clips to, because where
 * a probability lies relative to them decides whether any gradient flows.
 */
import { EPSILON } from "./losses";
import type { Activation, FitLoss } from "./fit-types";
import { activationGrad } from "./dense-kernels";

/** A batch's mean loss and dLoss/dz of the output layer. */
interface BatchLoss {
  loss: number;
  dz: Float32Array;
}

const f32 = Math.fround;
/** ε and 1 − ε as float32: the bounds tfjs' clipByValue clips to (1 − 1e-7 rounds to 1 − 2⁻²³). */
const EPS = f32(EPSILON);
const ONE_MINUS_EPS = f32(1 - EPSILON);

/** Stable: loss = logSumExp(z) − z[label]; dLoss/dz = softmax(z) − onehot. */
function sparseFromLogits(z: Float32Array, labels: Int32Array, n: number, units: number, dz: Float32Array): number {
  let loss = 0;
  for (let r = 0; r < n; r++) {
    const o = r * units;
    const label = labels[r] as number;
    let max = -Infinity;
    for (let j = 0; j < units; j++) max = Math.max(max, z[o + j] as number);
    let sum = 0;
    for (let j = 0; j < units; j++) sum += Math.exp((z[o + j] as number) - max);
    loss += max + Math.log(sum) - (z[o + label] as number);
    for (let j = 0; j < units; j++) dz[o + j] = (Math.exp((z[o + j] as number) - max) / sum - (j === label ? 1 : 0)) / n;
  }
  return loss;
}

/**
 * One output's loss and dLoss/dz (unscaled) at output a and target y.
 * Written to `scratch[0]` to keep the batch loop free of allocations.
 */
type ElementLoss = (a: number, y: number, scratch: Float64Array) => number;

/** From logits z: max(z, 0) − z·y + log(1 + e^−|z|); dLoss/dz = σ(z) − y. */
const binaryFromLogits: ElementLoss = (z, y, scratch) => {
  scratch[0] = 1 / (1 + Math.exp(-z)) - y;
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
};

/**
 * Keras' form on a sigmoid output a: p = clip(a, ε, 1 − ε),
 * loss = −(y·log(p + ε) + (1 − y)·log(1 − p + ε)). Where the clip is active
 * no gradient flows through it; elsewhere dLoss/dz = dLoss/dp · a(1 − a),
 * which is not a − y: the ε in the logs matters as a nears 0 or 1.
 */
const binaryFromProbabilities: ElementLoss = (a, y, scratch) => {
  const p = Math.min(ONE_MINUS_EPS, Math.max(EPS, a));
  const u = f32(p + EPS);
  const w = f32(f32(1 - p) + EPS);
  scratch[0] = a < EPS || a > ONE_MINUS_EPS ? 0 : (-y / u + (1 - y) / w) * a * (1 - a);
  return -(y * Math.log(u) + (1 - y) * Math.log(w));
};

/**
 * tfjs' string 'binaryCrossentropy' on a sigmoid output a: p = clip(a, ε, 1 − ε),
 * z' = log(p / (1 − p)), then the logit form on z' (no ε in the logs). Where
 * the clip is inactive, p = a and the chain σ(z') − y, ÷ p(1 − p), × a(1 − a)
 * is a − y; where it is active, 0.
 */
const tfjsBinaryCrossentropy: ElementLoss = (a, y, scratch) => {
  const p = Math.min(ONE_MINUS_EPS, Math.max(EPS, a));
  const z = Math.log(f32(p / f32(1 - p)));
  scratch[0] = a < EPS || a > ONE_MINUS_EPS ? 0 : a - y;
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
};

/** (a − y)²; dLoss/da = 2(a − y), times g′ by the caller. */
const meanSquaredError: ElementLoss = (a, y, scratch) => {
  scratch[0] = 2 * (a - y);
  return (a - y) ** 2;
};

const ELEMENT_LOSSES: Record<Exclude<FitLoss, "sparseCategoricalFromLogits">, ElementLoss> = {
  binaryFromLogits,
  binaryFromProbabilities,
  tfjsBinaryCrossentropy,
  meanSquaredError,
};

/** Sums an element-wise loss over the batch (mean over outputs) and fills dz. */
function elementwise(kind: Exclude<FitLoss, "sparseCategoricalFromLogits">, out: Float32Array, target: Float32Array, n: number, units: number, dz: Float32Array): number {
  const fn = ELEMENT_LOSSES[kind];
  const scratch = new Float64Array(1);
  const scale = 1 / (n * units);
  let loss = 0;
  for (let i = 0; i < n * units; i++) {
    loss += fn(out[i] as number, target[i] as number, scratch);
    dz[i] = (scratch[0] as number) * scale;
  }
  return loss / units;
}

/** Loss of one batch and dLoss/dz of the output layer, for the plan's loss. */
export function batchLoss(kind: FitLoss, out: Float32Array, target: Float32Array, labels: Int32Array | null, n: number, units: number, act: Activation): BatchLoss {
  const dz = new Float32Array(n * units);
  const loss = kind === "sparseCategoricalFromLogits" ? sparseFromLogits(out, labels as Int32Array, n, units, dz) : elementwise(kind, out, target, n, units, dz);
  // Mean squared error takes any output activation; the others' gradients already include it.
  if (kind === "meanSquaredError") activationGrad(dz, out, act);
  return { loss: loss / n, dz };
}

/**
 * The course's training path: `fit(model, x, y, { epochs, batchSize, callbacks })`
 * does what `model.fit` does for the networks this course trains (a stack of
 * Dense layers with a standard loss and Adam or SGD), 3–5× faster on the wasm
 * backend, and falls back to `model.fit` for anything else.
 *
 * Why it is faster. On wasm, `model.fit`'s time goes into ~200 small kernel
 * calls per batch, not arithmetic: gathering each batch from the full data
 * tensor, transposed matrix products (a slow path, ~6× a plain one), and one
 * Adam update of 8–10 ops per weight tensor. Here the data and the parameters
 * live in Float32Arrays; only the two big matrix products of each wide layer
 * (input × weights forward, inputsᵀ × error backward) run on the backend, with
 * the transposes done in JavaScript, and everything small — the other layers,
 * the loss gradient, Adam — is plain loops over arrays.
 *
 * What stays the same as `model.fit`: the batches (it shuffles the same index
 * array with `tf.util.shuffle`, so with the same seed it sees the same batches
 * in the same order), the loss averaged over each batch, the optimizer's update
 * rule (tfjs' Adam: m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ), w −= lr·m̂/(√v̂ + ε)), the
 * per-epoch logs (`loss`, and `acc` when compiled with the accuracy metric)
 * and the callbacks' onTrainBegin / onEpochBegin / onEpochEnd / onTrainEnd.
 * Arithmetic outside the two big products is float64 rounded to float32, so
 * losses agree with `model.fit` to a few significant digits, not bit for bit.
 * Optimizer state is kept per model across calls; the tfjs optimizer object
 * itself is not updated.
 */
import * as tf from "@tensorflow/tfjs";
import type { CourseLoss } from "./losses";

type Activation = "linear" | "relu" | "sigmoid" | "tanh";
type LossKind = "sparseLogits" | "binaryLogits" | "binaryProbabilities" | "meanSquaredError";

interface LayerPlan {
  layer: tf.layers.Layer;
  inputs: number;
  units: number;
  activation: Activation;
  /** Run this layer's big matrix products on the tf backend (wide layers only). */
  onBackend: boolean;
}

interface OptimizerPlan {
  kind: "adam" | "sgd";
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** How `fit` will train a model, or why it falls back to `model.fit`. */
export interface FitPlan {
  layers: LayerPlan[];
  loss: LossKind;
  optimizer: OptimizerPlan;
  accuracy: boolean;
}

/** Per-epoch logs and the fit parameters, shaped like tf.History. */
export interface FitHistory {
  epoch: number[];
  history: Record<string, number[]>;
  params: Record<string, unknown>;
  /** Which path trained the model, and why when it was `model.fit`. */
  path: "course" | "model.fit";
  reason?: string;
}

/** Layers whose matrix products are at least this many multiply-adds per example run on the backend. */
const BACKEND_MIN_WEIGHTS = 4096;
const ACTIVATIONS: readonly string[] = ["linear", "relu", "sigmoid", "tanh"];

function lossKind(loss: unknown, outputActivation: Activation): LossKind | string {
  const course = typeof loss === "function" ? (loss as Partial<CourseLoss>) : null;
  const name = typeof loss === "string" ? loss : course?.lossName ?? (typeof loss === "function" ? loss.name : String(loss));
  if (name === "sparseCategoricalCrossentropy(fromLogits)" && outputActivation === "linear") return "sparseLogits";
  if (name === "binaryCrossentropy(fromLogits)" && outputActivation === "linear") return "binaryLogits";
  if (name === "binaryCrossentropy" && outputActivation === "sigmoid") return "binaryProbabilities";
  if (name === "meanSquaredError") return "meanSquaredError";
  return `loss "${name}" with a ${outputActivation} output layer`;
}

/** Decides whether the course's path can train this model exactly like model.fit. */
export function planFit(model: tf.LayersModel): { plan: FitPlan } | { reason: string } {
  const layers: LayerPlan[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === "InputLayer") continue;
    if (cls !== "Dense") return { reason: `a ${cls} layer` };
    const cfg = layer.getConfig() as { units: number; activation?: string; useBias?: boolean };
    const activation = cfg.activation ?? "linear";
    if (!ACTIVATIONS.includes(activation)) return { reason: `activation "${activation}"` };
    if (cfg.useBias === false) return { reason: "a Dense layer without bias" };
    const shape = layer.getWeights()[0]?.shape;
    if (!shape || shape.length !== 2) return { reason: "a layer that is not built" };
    layers.push({ layer, inputs: shape[0] as number, units: cfg.units, activation: activation as Activation, onBackend: (shape[0] as number) * cfg.units >= BACKEND_MIN_WEIGHTS });
  }
  if (layers.length === 0) return { reason: "no Dense layers" };
  if (!model.optimizer) return { reason: "the model is not compiled" };
  const last = layers[layers.length - 1] as LayerPlan;
  const loss = lossKind(model.loss, last.activation);
  if (loss.includes(" ")) return { reason: loss };
  const cls = model.optimizer.getClassName();
  const cfg = model.optimizer.getConfig() as Record<string, number>;
  let optimizer: OptimizerPlan;
  if (cls === "Adam") optimizer = { kind: "adam", learningRate: cfg.learningRate ?? 0.001, beta1: cfg.beta1 ?? 0.9, beta2: cfg.beta2 ?? 0.999, epsilon: cfg.epsilon ?? 1e-7 };
  else if (cls === "SGD") optimizer = { kind: "sgd", learningRate: cfg.learningRate ?? 0.01, beta1: 0, beta2: 0, epsilon: 0 };
  else return { reason: `the ${cls} optimizer` };
  const metrics = model.metricsNames.filter((m) => m !== "loss");
  if (metrics.some((m) => m !== "acc")) return { reason: `metrics ${metrics.join(", ")}` };
  if (metrics.length && loss === "meanSquaredError") return { reason: "accuracy with mean squared error" };
  return { plan: { layers, loss: loss as LossKind, optimizer, accuracy: metrics.includes("acc") } };
}

/** Adam/SGD state per model, so consecutive calls continue like model.fit would. */
const optimizerState = new WeakMap<tf.LayersModel, { m: Float32Array; v: Float32Array; t: number }>();

/**
 * One Adam step over every parameter at once (tfjs' form, with the bias
 * corrections folded into two constants). A single flat loop: this runs
 * 10,000+ times per batch, so it is kept small and monomorphic.
 */
function adamUpdate(theta: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, o: OptimizerPlan, t: number): void {
  const b1 = o.beta1;
  const b2 = o.beta2;
  const lrOverC1 = o.learningRate / (1 - Math.pow(b1, t));
  const invC2 = 1 / (1 - Math.pow(b2, t));
  const eps = o.epsilon;
  for (let i = 0; i < theta.length; i++) {
    const g = grad[i] as number;
    const mi = b1 * (m[i] as number) + (1 - b1) * g;
    const vi = b2 * (v[i] as number) + (1 - b2) * g * g;
    m[i] = mi;
    v[i] = vi;
    theta[i] = (theta[i] as number) - (lrOverC1 * mi) / (Math.sqrt(vi * invC2) + eps);
  }
}

function sgdUpdate(theta: Float32Array, grad: Float32Array, learningRate: number): void {
  for (let i = 0; i < theta.length; i++) theta[i] = (theta[i] as number) - learningRate * (grad[i] as number);
}

function toMatrix(x: tf.Tensor | number[][], what: string): { data: Float32Array; rows: number; cols: number } {
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

function activate(z: Float32Array, act: Activation): void {
  if (act === "relu") for (let i = 0; i < z.length; i++) z[i] = Math.max(0, z[i] as number);
  else if (act === "sigmoid") for (let i = 0; i < z.length; i++) z[i] = 1 / (1 + Math.exp(-(z[i] as number)));
  else if (act === "tanh") for (let i = 0; i < z.length; i++) z[i] = Math.tanh(z[i] as number);
}

/** dz = da · g'(z), written in terms of the activation a = g(z). */
function activationGrad(da: Float32Array, a: Float32Array, act: Activation): void {
  if (act === "relu") for (let i = 0; i < da.length; i++) { if ((a[i] as number) <= 0) da[i] = 0; }
  else if (act === "sigmoid") for (let i = 0; i < da.length; i++) da[i] = (da[i] as number) * (a[i] as number) * (1 - (a[i] as number));
  else if (act === "tanh") for (let i = 0; i < da.length; i++) da[i] = (da[i] as number) * (1 - (a[i] as number) ** 2);
}

/** out[n×units] = a[n×inputs] · W[inputs×units] + b, in JavaScript (small layers). */
function forwardJs(a: Float32Array, n: number, inputs: number, W: Float32Array, b: Float32Array, units: number): Float32Array {
  const out = new Float32Array(n * units);
  for (let r = 0; r < n; r++) {
    const o = r * units;
    for (let j = 0; j < units; j++) out[o + j] = b[j] as number;
    for (let k = 0; k < inputs; k++) {
      const av = a[r * inputs + k] as number;
      if (av === 0) continue;
      const w = k * units;
      for (let j = 0; j < units; j++) out[o + j] = (out[o + j] as number) + av * (W[w + j] as number);
    }
  }
  return out;
}

/** dW[inputs×units] = aᵀ · dz and db = column sums of dz, in JavaScript. */
function weightGradJs(a: Float32Array, dz: Float32Array, n: number, inputs: number, units: number, dW: Float32Array, db: Float32Array): void {
  dW.fill(0);
  db.fill(0);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < units; j++) db[j] = (db[j] as number) + (dz[r * units + j] as number);
    for (let k = 0; k < inputs; k++) {
      const av = a[r * inputs + k] as number;
      if (av === 0) continue;
      const w = k * units;
      for (let j = 0; j < units; j++) dW[w + j] = (dW[w + j] as number) + av * (dz[r * units + j] as number);
    }
  }
}

/** da[n×inputs] = dz · Wᵀ, in JavaScript. */
function inputGradJs(dz: Float32Array, W: Float32Array, n: number, inputs: number, units: number): Float32Array {
  const da = new Float32Array(n * inputs);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < inputs; k++) {
      let s = 0;
      const w = k * units;
      for (let j = 0; j < units; j++) s += (dz[r * units + j] as number) * (W[w + j] as number);
      da[r * inputs + k] = s;
    }
  }
  return da;
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c] as number;
  return t;
}

/** a · W on the backend (no transposes: the slow path on wasm), read back into an array. */
function matMulBackend(a: Float32Array, aShape: [number, number], W: Float32Array, wShape: [number, number]): Float32Array {
  // Not tf.tidy: tidy walks its return value element by element, which costs more than the product.
  const at = tf.tensor2d(a, aShape);
  const wt = tf.tensor2d(W, wShape);
  const out = tf.matMul(at, wt);
  const data = out.dataSync() as Float32Array;
  tf.dispose([at, wt, out]);
  return data;
}

/** Loss of one batch and dLoss/dz of the output layer (z before the output activation). */
function lossAndGrad(kind: LossKind, out: Float32Array, target: Float32Array, labels: Int32Array | null, n: number, units: number, act: Activation): { loss: number; dz: Float32Array; correct: number } {
  const dz = new Float32Array(n * units);
  let loss = 0;
  let correct = 0;
  const eps = 1e-7;
  for (let r = 0; r < n; r++) {
    const o = r * units;
    if (kind === "sparseLogits") {
      // Stable: loss = logSumExp(z) − z[label]; dLoss/dz = softmax(z) − onehot.
      const label = (labels as Int32Array)[r] as number;
      let max = -Infinity;
      let arg = 0;
      for (let j = 0; j < units; j++) if ((out[o + j] as number) > max) [max, arg] = [out[o + j] as number, j];
      let sum = 0;
      for (let j = 0; j < units; j++) sum += Math.exp((out[o + j] as number) - max);
      loss += max + Math.log(sum) - (out[o + label] as number);
      for (let j = 0; j < units; j++) dz[o + j] = (Math.exp((out[o + j] as number) - max) / sum - (j === label ? 1 : 0)) / n;
      if (arg === label) correct += 1;
    } else {
      for (let j = 0; j < units; j++) {
        const i = o + j;
        const y = target[i] as number;
        const a = out[i] as number;
        if (kind === "binaryLogits") {
          loss += (Math.max(a, 0) - a * y + Math.log1p(Math.exp(-Math.abs(a)))) / units;
          dz[i] = (1 / (1 + Math.exp(-a)) - y) / (n * units);
          if ((a > 0 ? 1 : 0) === y) correct += 1 / units;
        } else if (kind === "binaryProbabilities") {
          // tfjs clips probabilities to [ε, 1 − ε]; through the sigmoid, dLoss/dz = p − y.
          const p = Math.min(1 - eps, Math.max(eps, a));
          loss += -(y * Math.log(p) + (1 - y) * Math.log(1 - p)) / units;
          dz[i] = (a - y) / (n * units);
          if ((a > 0.5 ? 1 : 0) === y) correct += 1 / units;
        } else {
          loss += (a - y) ** 2 / units;
          dz[i] = (2 * (a - y)) / (n * units);
        }
      }
    }
  }
  if (kind === "meanSquaredError") activationGrad(dz, out, act);
  return { loss: loss / n, dz, correct };
}

/** A tfjs Callback (e.g. `progress()`) or a plain object of callback functions, as model.fit takes. */
type AnyCallback = tf.Callback | tf.CustomCallbackArgs;

/** Options of `fit`: those of model.fit that this path honours. */
export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  callbacks?: AnyCallback | AnyCallback[];
  verbose?: number;
}

/**
 * Trains `model` on x, y like `model.fit(x, y, options)`, on the course's fast
 * path when the model is a Dense stack it supports, otherwise with model.fit.
 *
 * @example await fit(model, X, y, { epochs: 40, callbacks: progress("digits") })
 */
export async function fit(model: tf.LayersModel, x: tf.Tensor | number[][], y: tf.Tensor | number[] | number[][], options: FitOptions = {}): Promise<FitHistory> {
  const planned = planFit(model);
  if ("reason" in planned || process.env.COURSE_FIT === "model.fit") {
    const reason = "reason" in planned ? planned.reason : "COURSE_FIT=model.fit";
    const xs = x instanceof tf.Tensor ? x : tf.tensor2d(x);
    const ys = y instanceof tf.Tensor ? y : tf.tensor(y as number[]);
    try {
      const h = await model.fit(xs, ys, { ...options, callbacks: options.callbacks as tf.CustomCallbackArgs[] });
      return { epoch: h.epoch, history: h.history as Record<string, number[]>, params: h.params as Record<string, unknown>, path: "model.fit", reason };
    } finally {
      if (xs !== x) xs.dispose();
      if (ys !== y) ys.dispose();
    }
  }
  const plan = planned.plan;
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const X = toMatrix(x, "x");
  const L = plan.layers;
  const first = L[0] as LayerPlan;
  const lastLayer = L[L.length - 1] as LayerPlan;
  if (X.cols !== first.inputs) throw new Error(`fit: the model expects ${first.inputs} features per example, x has ${X.cols}`);
  const N = X.rows;
  const sparse = plan.loss === "sparseLogits";
  const targets = sparse ? new Float32Array(0) : toTargets(y, N, lastLayer.units);
  const labels = sparse ? Int32Array.from(toTargets(y, N, 1)) : null;
  if (labels && labels.some((l) => l < 0 || l >= lastLayer.units || !Number.isInteger(l))) {
    throw new Error(`fit: labels must be integers 0…${lastLayer.units - 1} for a ${lastLayer.units}-unit output`);
  }

  // All parameters in one flat array (each layer's kernel and bias are views into it), and the
  // gradients likewise, so the optimizer is one loop. Written back into the model after every epoch.
  const sizes = L.flatMap((l) => [l.inputs * l.units, l.units]);
  const total = sizes.reduce((a, c) => a + c, 0);
  const theta = new Float32Array(total);
  const grad = new Float32Array(total);
  const views = (buf: Float32Array): Float32Array[] => {
    let offset = 0;
    return sizes.map((n) => buf.subarray(offset, (offset += n)));
  };
  const thetaViews = views(theta);
  const gradViews = views(grad);
  const W = L.map((_, i) => thetaViews[2 * i] as Float32Array);
  const b = L.map((_, i) => thetaViews[2 * i + 1] as Float32Array);
  const dW = L.map((_, i) => gradViews[2 * i] as Float32Array);
  const db = L.map((_, i) => gradViews[2 * i + 1] as Float32Array);
  L.forEach((l, i) => {
    const [kernel, bias] = l.layer.getWeights();
    (W[i] as Float32Array).set(kernel!.dataSync() as Float32Array);
    (b[i] as Float32Array).set(bias!.dataSync() as Float32Array);
  });
  let state = optimizerState.get(model);
  if (!state || state.m.length !== total) {
    state = { m: new Float32Array(total), v: new Float32Array(total), t: 0 };
    optimizerState.set(model, state);
  }

  const callbacks: AnyCallback[] = Array.isArray(options.callbacks) ? options.callbacks : options.callbacks ? [options.callbacks] : [];
  const fitParams = { epochs, initialEpoch: 0, samples: N, batchSize, verbose: 0, doValidation: false, metrics: plan.accuracy ? ["loss", "acc"] : ["loss"] };
  for (const cb of callbacks) {
    if (cb instanceof tf.Callback) {
      cb.setParams(fitParams);
      cb.setModel(model);
    }
  }
  const history: Record<string, number[]> = { loss: [] };
  if (plan.accuracy) history.acc = [];
  const epochList: number[] = [];
  const writeBack = (): void => {
    L.forEach((l, i) => {
      const k = tf.tensor2d(W[i] as Float32Array, [l.inputs, l.units]);
      const bias = tf.tensor1d(b[i] as Float32Array);
      l.layer.setWeights([k, bias]);
      tf.dispose([k, bias]);
    });
  };

  model.stopTraining = false;
  for (const cb of callbacks) await cb.onTrainBegin?.({});
  // The same index array, reshuffled in place every epoch with the same function, as model.fit does.
  const order = Array.from({ length: N }, (_, i) => i);
  const xb = new Float32Array(batchSize * X.cols);
  for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
    if (options.shuffle ?? true) tf.util.shuffle(order);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < N; start += batchSize) {
      const n = Math.min(batchSize, N - start);
      for (let r = 0; r < n; r++) {
        const src = (order[start + r] as number) * X.cols;
        xb.set(X.data.subarray(src, src + X.cols), r * X.cols);
      }
      const input = n === batchSize ? xb : xb.subarray(0, n * X.cols);
      // Forward: keep every layer's activations for the backward pass.
      const acts: Float32Array[] = [input];
      L.forEach((l, i) => {
        const a = acts[i] as Float32Array;
        let z: Float32Array;
        if (l.onBackend) {
          z = matMulBackend(a, [n, l.inputs], W[i] as Float32Array, [l.inputs, l.units]);
          const bias = b[i] as Float32Array;
          for (let r = 0; r < n; r++) for (let j = 0; j < l.units; j++) z[r * l.units + j] = (z[r * l.units + j] as number) + (bias[j] as number);
        } else {
          z = forwardJs(a, n, l.inputs, W[i] as Float32Array, b[i] as Float32Array, l.units);
        }
        activate(z, l.activation);
        acts.push(z);
      });
      let batchTargets = targets;
      let batchLabels: Int32Array | null = null;
      if (sparse) {
        batchLabels = new Int32Array(n);
        for (let r = 0; r < n; r++) batchLabels[r] = (labels as Int32Array)[order[start + r] as number] as number;
      } else {
        batchTargets = new Float32Array(n * lastLayer.units);
        for (let r = 0; r < n; r++) {
          const src = (order[start + r] as number) * lastLayer.units;
          batchTargets.set(targets.subarray(src, src + lastLayer.units), r * lastLayer.units);
        }
      }
      const out = acts[L.length] as Float32Array;
      const { loss, dz: dzOut, correct: right } = lossAndGrad(plan.loss, out, batchTargets, batchLabels, n, lastLayer.units, lastLayer.activation);
      lossSum += loss * n;
      correct += right;
      // Backward, last layer first.
      let dz = dzOut;
      for (let i = L.length - 1; i >= 0; i--) {
        const l = L[i] as LayerPlan;
        const a = acts[i] as Float32Array;
        if (l.onBackend) {
          // inputsᵀ · dz with the transpose done here: the backend's transposed product is its slow path.
          (dW[i] as Float32Array).set(matMulBackend(transpose(a, n, l.inputs), [l.inputs, n], dz, [n, l.units]));
          const g = db[i] as Float32Array;
          g.fill(0);
          for (let r = 0; r < n; r++) for (let j = 0; j < l.units; j++) g[j] = (g[j] as number) + (dz[r * l.units + j] as number);
        } else {
          weightGradJs(a, dz, n, l.inputs, l.units, dW[i] as Float32Array, db[i] as Float32Array);
        }
        if (i > 0) {
          const da = l.onBackend
            ? matMulBackend(dz, [n, l.units], transpose(W[i] as Float32Array, l.inputs, l.units), [l.units, l.inputs])
            : inputGradJs(dz, W[i] as Float32Array, n, l.inputs, l.units);
          activationGrad(da, a, (L[i - 1] as LayerPlan).activation);
          dz = da;
        }
      }
      // The optimizer's update, as tfjs computes it.
      state.t += 1;
      if (plan.optimizer.kind === "adam") adamUpdate(theta, grad, state.m, state.v, plan.optimizer, state.t);
      else sgdUpdate(theta, grad, plan.optimizer.learningRate);
    }
    writeBack();
    const logs: Record<string, number> = { loss: lossSum / N };
    if (plan.accuracy) logs.acc = correct / N;
    epochList.push(epoch);
    for (const [k, v] of Object.entries(logs)) history[k]?.push(v);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
    // Let the kernel send display updates (progress) between epochs.
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const cb of callbacks) await cb.onTrainEnd?.({});
  return { epoch: epochList, history, params: fitParams, path: "course" };
}

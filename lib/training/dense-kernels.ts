/**
 * The arithmetic of a Dense layer on Float32Arrays (row-major matrices):
 * activations and their derivatives, and the three matrix products of a
 * layer's forward and backward pass, in JavaScript for small layers and on
 * the tf backend for wide ones.
 */
import * as tf from "@tensorflow/tfjs";
import type { Activation } from "./fit-types";

/** a = g(z) in place, for the activations the fast path supports. */
export function activate(z: Float32Array, act: Activation): void {
  if (act === "relu") for (let i = 0; i < z.length; i++) z[i] = Math.max(0, z[i] as number);
  else if (act === "sigmoid") for (let i = 0; i < z.length; i++) z[i] = 1 / (1 + Math.exp(-(z[i] as number)));
  else if (act === "tanh") for (let i = 0; i < z.length; i++) z[i] = Math.tanh(z[i] as number);
}

/** dz = da · g'(z), written in terms of the activation a = g(z). */
export function activationGrad(da: Float32Array, a: Float32Array, act: Activation): void {
  if (act === "relu") for (let i = 0; i < da.length; i++) { if ((a[i] as number) <= 0) da[i] = 0; }
  else if (act === "sigmoid") for (let i = 0; i < da.length; i++) da[i] = (da[i] as number) * (a[i] as number) * (1 - (a[i] as number));
  else if (act === "tanh") for (let i = 0; i < da.length; i++) da[i] = (da[i] as number) * (1 - (a[i] as number) ** 2);
}

/** out[n×units] = a[n×inputs] · W[inputs×units] + b, in JavaScript (small layers). */
export function forwardJs(a: Float32Array, n: number, inputs: number, W: Float32Array, b: Float32Array, units: number): Float32Array {
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
export function weightGradJs(a: Float32Array, dz: Float32Array, n: number, inputs: number, units: number, dW: Float32Array, db: Float32Array): void {
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
export function inputGradJs(dz: Float32Array, W: Float32Array, n: number, inputs: number, units: number): Float32Array {
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

/** The transpose of a row-major rows×cols matrix. */
export function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c] as number;
  return t;
}

/** a · W on the backend (no transposes: the slow path on wasm), read back into an array. */
export function matMulBackend(a: Float32Array, aShape: [number, number], W: Float32Array, wShape: [number, number]): Float32Array {
  // Not tf.tidy: tidy walks its return value element by element, which costs more than the product.
  const at = tf.tensor2d(a, aShape);
  const wt = tf.tensor2d(W, wShape);
  const out = tf.matMul(at, wt);
  const data = out.dataSync() as Float32Array;
  tf.dispose([at, wt, out]);
  return data;
}

/** z[r, j] += b[j] for every row, in place. */
export function addBias(z: Float32Array, b: Float32Array, n: number, units: number): void {
  for (let r = 0; r < n; r++) for (let j = 0; j < units; j++) z[r * units + j] = (z[r * units + j] as number) + (b[j] as number);
}

/** db = column sums of dz[n×units]. */
export function biasGrad(dz: Float32Array, n: number, units: number, db: Float32Array): void {
  db.fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < units; j++) db[j] = (db[j] as number) + (dz[r * units + j] as number);
}

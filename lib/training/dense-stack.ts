/**
 * A stack of Dense layers on Float32Arrays: its parameters in one flat array,
 * the forward pass that keeps every layer's activations, and the backward
 * pass that fills the gradient array. Only the two big matrix products of a
 * wide layer (input × weights forward, inputsᵀ × error backward) run on the
 * backend, with the transposes done here: the backend's transposed product is
 * its slow path on wasm.
 */
import * as tf from "@tensorflow/tfjs";
import type { LayerPlan } from "./fit-plan";
import { activate, activationGrad, addBias, biasGrad, forwardJs, inputGradJs, matMulBackend, transpose, weightGradJs } from "./dense-kernels";

/**
 * All parameters in one flat array (each layer's kernel and bias are views
 * into it), and the gradients likewise, so the optimizer is one loop.
 */
export interface DenseParams {
  theta: Float32Array;
  grad: Float32Array;
  W: Float32Array[];
  b: Float32Array[];
  dW: Float32Array[];
  db: Float32Array[];
}

/** Allocates the parameter and gradient arrays and copies the model's weights in. */
export function readParams(layers: readonly LayerPlan[]): DenseParams {
  const sizes = layers.flatMap((l) => [l.inputs * l.units, l.units]);
  const total = sizes.reduce((a, c) => a + c, 0);
  const theta = new Float32Array(total);
  const grad = new Float32Array(total);
  const views = (buf: Float32Array): Float32Array[] => {
    let offset = 0;
    return sizes.map((n) => buf.subarray(offset, (offset += n)));
  };
  const t = views(theta);
  const g = views(grad);
  const params: DenseParams = {
    theta,
    grad,
    W: layers.map((_, i) => t[2 * i] as Float32Array),
    b: layers.map((_, i) => t[2 * i + 1] as Float32Array),
    dW: layers.map((_, i) => g[2 * i] as Float32Array),
    db: layers.map((_, i) => g[2 * i + 1] as Float32Array),
  };
  layers.forEach((l, i) => {
    const [kernel, bias] = l.layer.getWeights();
    (params.W[i] as Float32Array).set(kernel!.dataSync() as Float32Array);
    (params.b[i] as Float32Array).set(bias!.dataSync() as Float32Array);
  });
  return params;
}

/** Writes the parameters back into the model's layers. */
export function writeParams(layers: readonly LayerPlan[], params: DenseParams): void {
  layers.forEach((l, i) => {
    const kernel = tf.tensor2d(params.W[i] as Float32Array, [l.inputs, l.units]);
    const bias = tf.tensor1d(params.b[i] as Float32Array);
    l.layer.setWeights([kernel, bias]);
    tf.dispose([kernel, bias]);
  });
}

/** Forward pass of n examples: [input, a¹, …, aᴸ], every layer's activations for the backward pass. */
export function forward(layers: readonly LayerPlan[], params: DenseParams, input: Float32Array, n: number): Float32Array[] {
  const acts: Float32Array[] = [input];
  layers.forEach((l, i) => {
    const a = acts[i] as Float32Array;
    const W = params.W[i] as Float32Array;
    const b = params.b[i] as Float32Array;
    let z: Float32Array;
    if (l.onBackend) {
      z = matMulBackend(a, [n, l.inputs], W, [l.inputs, l.units]);
      addBias(z, b, n, l.units);
    } else {
      z = forwardJs(a, n, l.inputs, W, b, l.units);
    }
    activate(z, l.activation);
    acts.push(z);
  });
  return acts;
}

/** Backward pass from dLoss/dz of the output layer: fills params.grad, last layer first. */
export function backward(layers: readonly LayerPlan[], params: DenseParams, acts: readonly Float32Array[], dzOut: Float32Array, n: number): void {
  let dz = dzOut;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i] as LayerPlan;
    const a = acts[i] as Float32Array;
    const W = params.W[i] as Float32Array;
    if (l.onBackend) {
      // inputsᵀ · dz with the transpose done here.
      (params.dW[i] as Float32Array).set(matMulBackend(transpose(a, n, l.inputs), [l.inputs, n], dz, [n, l.units]));
      biasGrad(dz, n, l.units, params.db[i] as Float32Array);
    } else {
      weightGradJs(a, dz, n, l.inputs, l.units, params.dW[i] as Float32Array, params.db[i] as Float32Array);
    }
    if (i === 0) break;
    const da = l.onBackend ? matMulBackend(dz, [n, l.units], transpose(W, l.inputs, l.units), [l.units, l.inputs]) : inputGradJs(dz, W, n, l.inputs, l.units);
    activationGrad(da, a, (layers[i - 1] as LayerPlan).activation);
    dz = da;
  }
}

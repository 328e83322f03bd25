/**
 * The trained coffee-roasting network published with the course (Dense 3
 * sigmoid → Dense 1 sigmoid on normalised temperature and duration): its
 * weights, the normalisation it was trained with, and the network in tfjs.
 * The oracle's copy of the same numbers is oracle/lessons/coffee_network.py.
 *
 * Taught in lesson 01 (notebooks/01-logistic-regression.ipynb, run in tfjs);
 * reused by 02 (run by hand, layer by layer, with the `dense` exercise).
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The published weights (W is inputs×units: column j holds unit j's weights,
 * the layout of Keras and tfjs kernels) and the per-feature mean and
 * population variance of the data it was trained on.
 */
export const COFFEE_NETWORK = {
  mean: [218.668, 13.4307],
  variance: [1596.93, 1.27333],
  W1: [[-8.94, 0.29, 12.89], [-0.17, -7.34, 10.79]],
  b1: [-9.87, -9.28, 1.01],
  W2: [[-31.38], [-27.86], [-32.79]],
  b2: [15.54],
} as const;

/** Normalises (temperature, duration) rows with the coffee network's published mean and variance: (x − μ)/σ. */
export function normalizeRoasts(X: readonly (readonly number[])[]): number[][] {
  const { mean, variance } = COFFEE_NETWORK;
  return X.map((row, i) => {
    if (row.length !== 2) throw new Error(`normalizeRoasts: row ${i} has ${row.length} values; a roast is [temperature °C, duration min]`);
    return row.map((v, j) => (v - (mean[j] as number)) / Math.sqrt(variance[j] as number));
  });
}

/** Builds the published coffee network in tfjs with its weights loaded (it expects normalised inputs). */
export function coffeeNetwork(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [2], units: 3, activation: "sigmoid", name: "layer1" }),
      tf.layers.dense({ units: 1, activation: "sigmoid", name: "layer2" }),
    ],
  });
  const c = COFFEE_NETWORK;
  const weights = [tf.tensor2d(c.W1.map((r) => [...r])), tf.tensor1d([...c.b1]), tf.tensor2d(c.W2.map((r) => [...r])), tf.tensor1d([...c.b2])];
  model.setWeights(weights); // copies the values into the layers' own variables
  tf.dispose(weights);
  return model;
}

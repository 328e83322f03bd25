/**
 * The optimizer's update on the flat parameter array, as tfjs computes it
 * (tf.train.adam and tf.train.sgd), with the optimizer state kept per model
 * so that consecutive `fit` calls continue like consecutive `model.fit` calls.
 * The tfjs optimizer object itself is not updated.
 */
import type * as tf from "@tensorflow/tfjs";
import type { OptimizerPlan } from "./fit-plan";

/** Adam's moment estimates and step count for one model's parameters. */
export interface OptimizerState {
  m: Float32Array;
  v: Float32Array;
  t: number;
}

const states = new WeakMap<tf.LayersModel, OptimizerState>();

/** The model's optimizer state, new (zero moments, step 0) if there is none for this many parameters. */
export function optimizerState(model: tf.LayersModel, total: number): OptimizerState {
  let state = states.get(model);
  if (!state || state.m.length !== total) {
    state = { m: new Float32Array(total), v: new Float32Array(total), t: 0 };
    states.set(model, state);
  }
  return state;
}

/**
 * One Adam step over every parameter at once, in tfjs' form (Algorithm 1 of
 * the Adam paper: m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ), w −= lr·m̂/(√v̂ + ε)), with the
 * bias corrections folded into two constants. A single flat loop: this runs
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

/** w −= lr·g. */
function sgdUpdate(theta: Float32Array, grad: Float32Array, learningRate: number): void {
  for (let i = 0; i < theta.length; i++) theta[i] = (theta[i] as number) - learningRate * (grad[i] as number);
}

/** Applies one optimizer step to theta from grad, advancing the state's step count. */
export function optimizerStep(plan: OptimizerPlan, state: OptimizerState, theta: Float32Array, grad: Float32Array): void {
  state.t += 1;
  if (plan.kind === "adam") adamUpdate(theta, grad, state.m, state.v, plan, state.t);
  else sgdUpdate(theta, grad, plan.learningRate);
}

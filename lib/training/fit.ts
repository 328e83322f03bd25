/**
 * The course's training path: `fit(model, x, y, { epochs, batchSize, callbacks })`
 * does what `model.fit` does for the networks this course trains (a stack of
 * Dense layers with a standard loss and Adam or SGD), 3–5× faster on the wasm
 * backend, and falls back to `model.fit` for anything else (fit-plan.ts says
 * what is accepted and why).
 *
 * Why it is faster. On wasm, `model.fit`'s time goes into ~200 small kernel
 * calls per batch, not arithmetic: gathering each batch from the full data
 * tensor, transposed matrix products (a slow path, ~6× a plain one), and one
 * Adam update of 8–10 ops per weight tensor. Here the data and the parameters
 * live in Float32Arrays; only the two big matrix products of each wide layer
 * run on the backend (dense-stack.ts), and everything small — the other
 * layers, the loss gradient (batch-loss.ts), Adam (optimizer-step.ts) — is
 * plain loops over arrays.
 *
 * What stays the same as `model.fit`: the batches, the loss and its gradient
 * (clipping included), the optimizer's update, the per-epoch logs and the
 * callbacks (fit-loop.ts). Arithmetic outside the two big products is float64
 * rounded to float32, so losses agree with `model.fit` to float32 rounding,
 * not bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import { planFit } from "./fit-plan";
import { readFitData } from "./fit-data";
import { fitLoop, type FitHistory, type FitOptions } from "./fit-loop";
import { interruptCheck } from "../runtime/interrupt";

export { planFit } from "./fit-plan";

/**
 * The caller's callbacks, plus one that stops training between batches on
 * Kernel → Interrupt where the kernel offers a check (the browser edition);
 * elsewhere the callbacks as they are, so model.fit runs unchanged. With the
 * check, every callback becomes a tf.Callback: model.fit takes either a list of
 * tf.Callback objects or a list of plain objects, not a mix (it would call
 * setParams on a plain one).
 */
function withInterruptPoints(callbacks: FitOptions["callbacks"]): tf.ModelFitArgs["callbacks"] {
  const list = (Array.isArray(callbacks) ? callbacks : callbacks ? [callbacks] : []) as (tf.CustomCallbackArgs | tf.CustomCallback)[];
  const check = interruptCheck();
  if (!check) return list as tf.CustomCallbackArgs[];
  // tf.Callback and tf.CustomCallback both have setParams (tfjs's BaseCallback, not exported).
  const asCallback = (cb: tf.CustomCallbackArgs | tf.CustomCallback): tf.CustomCallback =>
    typeof (cb as tf.CustomCallback).setParams === "function" ? (cb as tf.CustomCallback) : new tf.CustomCallback(cb as tf.CustomCallbackArgs);
  return [...list.map(asCallback), new tf.CustomCallback({ onBatchEnd: async () => check() })];
}

/** model.fit itself, with arrays turned into tensors (and disposed after). */
async function modelFit(model: tf.LayersModel, x: tf.Tensor | number[][], y: tf.Tensor | number[] | number[][], options: FitOptions, reason: string): Promise<FitHistory> {
  const xs = x instanceof tf.Tensor ? x : tf.tensor2d(x);
  const ys = y instanceof tf.Tensor ? y : tf.tensor(y as number[]);
  try {
    const h = await model.fit(xs, ys, { ...options, callbacks: withInterruptPoints(options.callbacks) });
    return { epoch: h.epoch, history: h.history as Record<string, number[]>, params: h.params as Record<string, unknown>, path: "model.fit", reason };
  } finally {
    if (xs !== x) xs.dispose();
    if (ys !== y) ys.dispose();
  }
}

/**
 * Trains `model` on x, y like `model.fit(x, y, options)`, on the course's fast
 * path when the model is a Dense stack it supports, otherwise with model.fit.
 *
 * @example await fit(model, X, y, { epochs: 40, callbacks: progress("digits") })
 */
export async function fit(model: tf.LayersModel, x: tf.Tensor | number[][], y: tf.Tensor | number[] | number[][], options: FitOptions = {}): Promise<FitHistory> {
  const planned = planFit(model);
  if ("reason" in planned) return modelFit(model, x, y, options, planned.reason);
  if (process.env.COURSE_FIT === "model.fit") return modelFit(model, x, y, options, "COURSE_FIT=model.fit");
  return fitLoop(model, planned.plan, readFitData(planned.plan, x, y), options);
}

/**
 * Freeing what a student's function created. TensorFlow.js memory is manual:
 * a tensor lives until disposed, and a model owns its weights and, when given
 * an optimizer object, not that optimizer's state. A check must free whatever
 * it receives, or one run of a wrong function makes the next ones report leaks.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Frees a model's weights and its optimizer's state (Adam keeps two moment
 * tensors per weight). `model.dispose()` alone frees the optimizer only when
 * it was given as a string, so an optimizer object would leak.
 */
export function disposeModel(m: unknown): void {
  if (!(m instanceof tf.LayersModel)) return;
  const optimizer = m.optimizer;
  const owned = (m as unknown as { isOptimizerOwned?: boolean }).isOptimizerOwned === true;
  m.dispose();
  if (optimizer && !owned) optimizer.dispose();
}

/** Frees a returned value: a model, a tensor, or tensors inside an array or a plain object. Never throws. */
export function disposeValue(v: unknown, depth = 0): void {
  if (depth > 3 || v === null || typeof v !== "object") return;
  try {
    if (v instanceof tf.LayersModel) return disposeModel(v);
    if (v instanceof tf.Tensor) return v.isDisposed ? undefined : v.dispose();
    if (Array.isArray(v)) return v.forEach((x) => disposeValue(x, depth + 1));
    if (Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach((x) => disposeValue(x, depth + 1));
  } catch {
    /* already freed, or not ours to free */
  }
}

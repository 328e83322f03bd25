/**
 * The plan of the course's fast training path: which models, losses,
 * optimizers and metrics it trains exactly like `model.fit`, and for anything
 * else the reason it hands the model to `model.fit` instead.
 *
 * Accepted: a stack of Dense layers with bias and a linear, relu, sigmoid or
 * tanh activation; Adam or SGD; the loss metric and optionally accuracy; and
 * one of the losses below, identified by type (a course loss's `kind`, or a
 * tfjs loss string mapped explicitly), never by its display name.
 */
import * as tf from "@tensorflow/tfjs";
import { asCourseLoss } from "./losses";
import { accuracyMetric, type AccuracyMetric } from "./batch-accuracy";
import type { Activation, FitLoss } from "./fit-types";


/** One Dense layer as the fast path sees it. */
export interface LayerPlan {
  layer: tf.layers.Layer;
  inputs: number;
  units: number;
  activation: Activation;
  /** Run this layer's big matrix products on the tf backend (wide layers only). */
  onBackend: boolean;
}

/** The optimizer's hyperparameters, read from the compiled tfjs optimizer. */
export interface OptimizerPlan {
  kind: "adam" | "sgd";
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** How `fit` will train a model, or why it falls back to `model.fit`. */
export interface FitPlan {
  layers: LayerPlan[];
  loss: FitLoss;
  optimizer: OptimizerPlan;
  /** The `acc` metric, as model.fit would compute it; null when not compiled with metrics: ["accuracy"]. */
  accuracy: AccuracyMetric | null;
}

/** Layers whose matrix products are at least this many multiply-adds per example run on the backend. */
const BACKEND_MIN_WEIGHTS = 4096;
const ACTIVATIONS: readonly string[] = ["linear", "relu", "sigmoid", "tanh"];

/** tfjs' string losses the fast path computes, and the output activation each needs (null: any). */
const TFJS_STRING_LOSSES: Readonly<Record<string, { loss: FitLoss; output: Activation | null }>> = {
  binaryCrossentropy: { loss: "tfjsBinaryCrossentropy", output: "sigmoid" },
  meanSquaredError: { loss: "meanSquaredError", output: null },
};

function describeLoss(loss: unknown): string {
  if (typeof loss === "string") return `"${loss}"`;
  const course = asCourseLoss(loss);
  if (course) return `"${course.lossName}"`;
  return typeof loss === "function" ? `the function ${loss.name || "(anonymous)"}` : String(loss);
}

/** Maps the compiled loss to the formula the fast path computes, or says why it cannot. */
function planLoss(loss: unknown, output: Activation): { loss: FitLoss } | { reason: string } {
  const course = asCourseLoss(loss);
  let planned: { loss: FitLoss; output: Activation | null } | undefined;
  if (course?.kind === "sparseCategoricalCrossentropy" && course.fromLogits) planned = { loss: "sparseCategoricalFromLogits", output: "linear" };
  else if (course?.kind === "binaryCrossentropy") planned = course.fromLogits ? { loss: "binaryFromLogits", output: "linear" } : { loss: "binaryFromProbabilities", output: "sigmoid" };
  else if (course?.kind === "meanSquaredError") planned = { loss: "meanSquaredError", output: null };
  else if (typeof loss === "string" && Object.hasOwn(TFJS_STRING_LOSSES, loss)) planned = TFJS_STRING_LOSSES[loss];
  if (!planned || (planned.output !== null && planned.output !== output)) return { reason: `loss ${describeLoss(loss)} with a ${output} output layer` };
  return { loss: planned.loss };
}

function planLayer(layer: tf.layers.Layer): LayerPlan | string {
  const cls = layer.getClassName();
  if (cls !== "Dense") return `a ${cls} layer`;
  const cfg = layer.getConfig() as { units: number; activation?: string; useBias?: boolean };
  const activation = cfg.activation ?? "linear";
  if (!ACTIVATIONS.includes(activation)) return `activation "${activation}"`;
  if (cfg.useBias === false) return "a Dense layer without bias";
  const shape = layer.getWeights()[0]?.shape;
  if (!shape || shape.length !== 2) return "a layer that is not built";
  const inputs = shape[0] as number;
  return { layer, inputs, units: cfg.units, activation: activation as Activation, onBackend: inputs * cfg.units >= BACKEND_MIN_WEIGHTS };
}

function planOptimizer(optimizer: tf.Optimizer): OptimizerPlan | string {
  const cls = optimizer.getClassName();
  const cfg = optimizer.getConfig() as Record<string, number>;
  // The defaults are tf.train.adam's and tf.train.sgd's.
  if (cls === "Adam") return { kind: "adam", learningRate: cfg.learningRate ?? 0.001, beta1: cfg.beta1 ?? 0.9, beta2: cfg.beta2 ?? 0.999, epsilon: cfg.epsilon ?? 1e-7 };
  if (cls === "SGD") return { kind: "sgd", learningRate: cfg.learningRate ?? 0.01, beta1: 0, beta2: 0, epsilon: 0 };
  return `the ${cls} optimizer`;
}

/** Decides whether the course's path can train this model exactly like model.fit. */
export function planFit(model: tf.LayersModel): { plan: FitPlan } | { reason: string } {
  const layers: LayerPlan[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    const planned = planLayer(layer);
    if (typeof planned === "string") return { reason: planned };
    layers.push(planned);
  }
  if (layers.length === 0) return { reason: "no Dense layers" };
  if (!model.optimizer) return { reason: "the model is not compiled" };
  const output = layers[layers.length - 1] as LayerPlan;
  const loss = planLoss(model.loss, output.activation);
  if ("reason" in loss) return loss;
  const optimizer = planOptimizer(model.optimizer);
  if (typeof optimizer === "string") return { reason: optimizer };
  const metrics = model.metricsNames.filter((m) => m !== "loss");
  if (metrics.some((m) => m !== "acc")) return { reason: `metrics ${metrics.join(", ")}` };
  if (metrics.length && loss.loss === "meanSquaredError") return { reason: "accuracy with mean squared error" };
  return { plan: { layers, loss: loss.loss, optimizer, accuracy: metrics.includes("acc") ? accuracyMetric(loss.loss, output.units) : null } };
}

/**
 * Describes a tf.LayersModel as plain data (layers, units, activations, input
 * shape, parameters, loss, optimizer), so a model-building exercise can be
 * checked against stored expectations the way the course's `test_model` does.
 */
import * as tf from "@tensorflow/tfjs";
import { StudentCodeError } from "./harness";
import { isPromiseLike } from "./compare";

/** One layer as the checks see it. */
interface LayerDescription {
  className: string;
  name: string;
  units?: number;
  activation?: string;
  filters?: number;
  kernelSize?: number[];
  strides?: number[];
  outputShape: (number | null)[];
  params: number;
}

/** A whole model as the checks see it. */
export interface ModelDescription {
  inputShape: (number | null)[];
  layers: LayerDescription[];
  params: number;
  loss: string;
  optimizer: { className: string; learningRate?: number; beta1?: number; beta2?: number; epsilon?: number };
}

/** Name of a loss: tfjs strings as they are; course losses carry a `lossName`; else the function's name. */
export function lossName(loss: unknown): string {
  if (loss === undefined || loss === null) return "(not compiled: call model.compile({ loss, optimizer }))";
  if (typeof loss === "string") return loss;
  if (Array.isArray(loss)) return loss.map(lossName).join(",");
  if (typeof loss === "function") {
    const tagged = (loss as { lossName?: unknown }).lossName;
    return typeof tagged === "string" ? tagged : loss.name || "(anonymous loss function)";
  }
  return String(loss);
}

function isLayersModel(m: unknown): m is tf.LayersModel {
  return m instanceof tf.LayersModel;
}

/** Describes a model; a value that is not a tf.LayersModel gets a message saying what to return. */
export function describeModel(m: unknown): ModelDescription {
  if (!isLayersModel(m)) {
    const what = isPromiseLike(m) ? "a Promise (remove async)" : m === undefined ? "undefined (did you forget `return model`?)" : typeof m;
    throw new StudentCodeError(`expected a tf.LayersModel (e.g. from tf.sequential({ layers: [...] })), got ${what}`);
  }
  const layers = m.layers.map((layer): LayerDescription => {
    const cfg = layer.getConfig() as Record<string, unknown>;
    const d: LayerDescription = {
      className: layer.getClassName(),
      name: layer.name,
      outputShape: (Array.isArray(layer.outputShape[0]) ? layer.outputShape[0] : layer.outputShape) as (number | null)[],
      params: layer.countParams(),
    };
    if (typeof cfg.units === "number") d.units = cfg.units;
    if (typeof cfg.activation === "string") d.activation = cfg.activation;
    if (typeof cfg.filters === "number") d.filters = cfg.filters;
    if (Array.isArray(cfg.kernelSize)) d.kernelSize = cfg.kernelSize as number[];
    if (Array.isArray(cfg.strides)) d.strides = cfg.strides as number[];
    return d;
  });
  const input = m.inputs[0];
  let optimizer: ModelDescription["optimizer"] = { className: "(not compiled)" };
  if (m.optimizer) {
    const cfg = m.optimizer.getConfig() as Record<string, unknown>;
    optimizer = { className: m.optimizer.getClassName() };
    for (const k of ["learningRate", "beta1", "beta2", "epsilon"] as const) {
      if (typeof cfg[k] === "number") optimizer[k] = cfg[k] as number;
    }
  }
  return {
    inputShape: input ? input.shape : [],
    layers,
    params: m.countParams(),
    loss: lossName(m.loss),
    optimizer,
  };
}

export { disposeModel } from "./dispose";

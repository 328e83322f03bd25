/**
 * The epoch and batch loop of the fast path, shaped like model.fit's: the
 * same index array reshuffled in place every epoch with `tf.util.shuffle`
 * (so with the same seed it sees the same batches in the same order), the
 * callbacks' onTrainBegin / onEpochBegin / onEpochEnd / onTrainEnd, per-epoch
 * logs (`loss`, and `acc` when compiled with the accuracy metric) and a
 * History-like result. Weights are written back into the model after every
 * epoch, so callbacks and the caller see the trained model.
 */
import * as tf from "@tensorflow/tfjs";
import type { FitPlan, LayerPlan } from "./fit-plan";
import { gatherBatch, type FitData } from "./fit-data";
import { backward, forward, readParams, writeParams, type DenseParams } from "./dense-stack";
import { batchLoss } from "./batch-loss";
import { batchCorrect } from "./batch-accuracy";
import { optimizerState, optimizerStep, type OptimizerState } from "./optimizer-step";
import { interruptPoint } from "../runtime/interrupt";

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

/** Per-epoch logs and the fit parameters, shaped like tf.History. */
export interface FitHistory {
  epoch: number[];
  history: Record<string, number[]>;
  params: Record<string, unknown>;
  /** Which path trained the model, and why when it was `model.fit`. */
  path: "course" | "model.fit";
  reason?: string;
}

/** Everything one training run needs, set up once. */
interface Run {
  plan: FitPlan;
  data: FitData;
  params: DenseParams;
  state: OptimizerState;
  batchSize: number;
  /** The example order, reshuffled in place every epoch as model.fit does. */
  order: number[];
  /** Reused buffer for a batch's inputs. */
  xb: Float32Array;
}

/** One batch: forward, loss, backward, optimizer step. Returns the batch's summed loss and correct count. */
function trainBatch(run: Run, start: number): { lossSum: number; correct: number } {
  const { plan, data, params } = run;
  const n = Math.min(run.batchSize, data.X.rows - start);
  const batch = gatherBatch(data, run.order, start, n, run.xb);
  const acts = forward(plan.layers, params, batch.input, n);
  const output = plan.layers[plan.layers.length - 1] as LayerPlan;
  const out = acts[plan.layers.length] as Float32Array;
  const correct = plan.accuracy ? batchCorrect(plan.accuracy, out, batch.targets, batch.labels, n, output.units) : 0;
  const { loss, dz } = batchLoss(plan.loss, out, batch.targets, batch.labels, n, output.units, output.activation);
  backward(plan.layers, params, acts, dz, n);
  optimizerStep(plan.optimizer, run.state, params.theta, params.grad);
  return { lossSum: loss * n, correct };
}

/** One epoch over every batch; returns its logs. */
function trainEpoch(run: Run, shuffle: boolean): Record<string, number> {
  if (shuffle) tf.util.shuffle(run.order);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < run.data.X.rows; start += run.batchSize) {
    // Kernel → Interrupt stops training here, between two batches (a no-op outside the browser edition).
    interruptPoint();
    const r = trainBatch(run, start);
    lossSum += r.lossSum;
    correct += r.correct;
  }
  const logs: Record<string, number> = { loss: lossSum / run.data.X.rows };
  if (run.plan.accuracy) logs.acc = correct / run.data.X.rows;
  return logs;
}

function callbackList(model: tf.LayersModel, options: FitOptions, params: Parameters<tf.Callback["setParams"]>[0]): AnyCallback[] {
  const callbacks: AnyCallback[] = Array.isArray(options.callbacks) ? options.callbacks : options.callbacks ? [options.callbacks] : [];
  for (const cb of callbacks) {
    if (cb instanceof tf.Callback) {
      cb.setParams(params);
      cb.setModel(model);
    }
  }
  return callbacks;
}

/** Trains `model` on the fast path for the planned model and validated data. */
export async function fitLoop(model: tf.LayersModel, plan: FitPlan, data: FitData, options: FitOptions): Promise<FitHistory> {
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const params = readParams(plan.layers);
  const run: Run = { plan, data, params, state: optimizerState(model, params.theta.length), batchSize, order: Array.from({ length: data.X.rows }, (_, i) => i), xb: new Float32Array(batchSize * data.X.cols) };
  const fitParams = { epochs, initialEpoch: 0, samples: data.X.rows, batchSize, verbose: 0, doValidation: false, metrics: plan.accuracy ? ["loss", "acc"] : ["loss"] };
  const callbacks = callbackList(model, options, fitParams);
  const history: Record<string, number[]> = { loss: [] };
  if (plan.accuracy) history.acc = [];
  const epochList: number[] = [];
  model.stopTraining = false;
  for (const cb of callbacks) await cb.onTrainBegin?.({});
  for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
    const logs = trainEpoch(run, options.shuffle ?? true);
    writeParams(plan.layers, params);
    epochList.push(epoch);
    for (const [k, v] of Object.entries(logs)) history[k]?.push(v);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
    // Let the kernel send display updates (progress) between epochs.
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const cb of callbacks) await cb.onTrainEnd?.({});
  return { epoch: epochList, history, params: fitParams, path: "course" };
}

/**
 * Training progress for `model.fit`, updated in place in the notebook (one
 * line: epoch, loss and metrics, elapsed and time left) instead of a log line
 * per epoch. Outside a kernel it prints a line about every 10% of the epochs.
 */
import * as tf from "@tensorflow/tfjs";
import { liveDisplay, type LiveDisplay } from "./display";
import { record } from "./record";
import { interruptPoint } from "./interrupt";

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** One epoch's logs, as kept by the progress callback. */
interface EpochLog {
  epoch: number;
  logs: Record<string, number>;
}

/** A tfjs callback that shows progress in place and keeps every epoch's logs. */
export class Progress extends tf.Callback {
  /** Every epoch's logs (e.g. for a loss-per-epoch figure). */
  readonly history: EpochLog[] = [];
  private start = 0;
  private lastPrinted = 0;
  private display: LiveDisplay | null = null;

  constructor(private readonly label = "training") {
    super();
  }

  private get epochs(): number {
    return Number((this.params as { epochs?: number } | undefined)?.epochs ?? 0);
  }

  private line(done: boolean): string {
    const last = this.history[this.history.length - 1];
    const epoch = last?.epoch ?? 0;
    const elapsed = Date.now() - this.start;
    const left = epoch > 0 ? (elapsed / epoch) * (this.epochs - epoch) : NaN;
    const metrics = Object.entries(last?.logs ?? {}).map(([k, v]) => `${k} ${Number(v).toPrecision(4)}`).join(", ");
    const timing = done ? `done in ${seconds(elapsed)}` : `${seconds(elapsed)} elapsed, ~${Number.isFinite(left) ? seconds(left) : "?"} left`;
    return `${this.label}: epoch ${epoch}/${this.epochs}${metrics ? ` — ${metrics}` : ""} — ${timing}`;
  }

  override async onTrainBegin(): Promise<void> {
    this.start = Date.now();
    this.display = liveDisplay();
  }

  // With model.fit itself, Kernel → Interrupt stops training here, between two batches (a no-op outside the browser edition).
  override async onBatchEnd(): Promise<void> {
    interruptPoint();
  }

  override async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    const l: Record<string, number> = {};
    for (const [k, v] of Object.entries(logs ?? {})) l[k] = typeof v === "number" ? v : Number(v);
    this.history.push({ epoch: epoch + 1, logs: l });
    if (!this.display) return;
    const step = Math.max(1, Math.round(this.epochs / 10));
    if (this.display.inPlace || epoch + 1 - this.lastPrinted >= step) {
      this.lastPrinted = epoch + 1;
      this.display.text(this.line(false));
    }
  }

  override async onTrainEnd(): Promise<void> {
    this.display?.text(this.line(true));
    // The final state as data (`progress:<label>`), for tests: the progress line is prose.
    const last = this.history[this.history.length - 1];
    record(`progress:${this.label}`, {
      label: this.label,
      epoch: last?.epoch ?? 0,
      epochs: this.epochs,
      logs: last?.logs ?? {},
      seconds: (Date.now() - this.start) / 1000,
      inPlace: this.display?.inPlace ?? false,
    });
  }
}

/**
 * Progress for `model.fit(x, y, { epochs, callbacks: progress() })`.
 * `label` names the run in the progress line.
 */
export function progress(label = "training"): Progress {
  return new Progress(label);
}

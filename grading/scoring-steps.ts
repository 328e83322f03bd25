/**
 * The step machine of scoring, shared by the grader (grading/scoring.ts: a
 * sandboxed process per run) and the browser's "Check my work as the grader
 * will" (frontends/lite-app/validate/driver.js: a web worker per run), so that
 * both time, blame and restart alike. Pure: no Node or DOM APIs and no timers;
 * it says which limit to arm and the caller owns the clock and the worker.
 *
 * A run's worker runs the exercise cells and checks in the notebook's order
 * (grading/scoring-order.ts) and reports each step (grading/protocol.ts). A
 * cell has the cell limit; between a check's report and the next step, the
 * check limit; before "ready" (starting the worker, loading tfjs and the
 * lesson) the cell limit + 60 s. When a run stops (a limit, a crash), the
 * cell or check it was in takes the blame and the next run goes on without it.
 */
import { scoringOrder, type ExerciseCell, type OrderedCheck, type ScoringStep } from "./scoring-order";
import type { CheckOutcome } from "./judge";
import type { StopKind } from "./types";

/** Seconds a cell and a check may take. */
interface StepLimits {
  cellTimeout: number;
  checkTimeout: number;
}

/** A limit for the caller to arm (replacing the armed one): when it expires, the run stops with `why`. */
export interface Limit {
  seconds: number;
  why: string;
}

/** Where a run is: in a cell or check, or null (before "ready", between steps, after the last). */
type StopPoint = ScoringStep | null;

/** A cell a run stopped in: later runs leave it out, and its names are undefined there. */
interface FailedCell {
  index: number;
  defines: string[];
  message: string;
}

/** How a run ended: `reason` "" when the worker finished cleanly; else why it stopped, and the kind of stop. */
export interface RunEnd {
  reason: string;
  stop: StopKind;
}

/** One run's steps: consumes the worker's messages, records the checks' first reports. */
class StepMachine {
  private next = 0; // the step the worker is in, or about to start
  private current: StopPoint = null; // nothing of the submission runs before "ready"
  private isReady = false;
  private isDone = false;

  constructor(
    readonly steps: readonly ScoringStep[],
    private readonly limits: StepLimits,
    private readonly remaining: Set<string>,
    private readonly outcomes: Map<string, CheckOutcome>,
  ) {}

  /** The limit to arm when the worker starts: it has a few seconds to load before the first step. */
  start(): Limit {
    return { seconds: this.limits.cellTimeout + 60, why: "did not start within the time limit" };
  }

  /** True once the worker said "ready" (then its submission's code may run). */
  get started(): boolean {
    return this.isReady;
  }

  /** True once the worker said "done" (it may have said so before every check reported). */
  get done(): boolean {
    return this.isDone;
  }

  /** The cell or check the run is in: the blame if it stops now. */
  get stoppedIn(): StopPoint {
    return this.current;
  }

  /**
   * One message from the worker (untrusted: the submission runs there and can
   * forge any). Returns the limit to arm now, or null to keep the armed one.
   */
  message(m: unknown): Limit | null {
    if (typeof m !== "object" || m === null) return null;
    const { type, index, id } = m as { type?: unknown; index?: unknown; id?: unknown };
    if (type === "ready" && !this.isReady) {
      this.isReady = true;
      return this.enter();
    }
    if (type === "cell" && this.isReady) {
      const at = this.stepOf((s) => s.kind === "cell" && s.index === index);
      if (at < 0) return null;
      this.next = at + 1;
      return this.enter();
    }
    if (type === "done") {
      this.isDone = true;
      return null;
    }
    // Only a check still without an outcome may start or report: a check's first report counts.
    if (typeof id !== "string" || !this.remaining.has(id)) return null;
    if (type === "start") {
      const at = this.stepOf((s) => s.kind === "check" && s.id === id);
      if (at >= 0) this.next = at;
      this.current = { kind: "check", id };
      return { seconds: this.limits.checkTimeout, why: `did not finish within ${this.limits.checkTimeout} s (an infinite loop?)` };
    }
    if (type === "outputs" || type === "missing") {
      // The first report for a check counts (it leaves `remaining`); a forged one is at most other outputs.
      const { outputs, message } = m as { outputs?: unknown; message?: unknown };
      this.outcomes.set(id, type === "outputs"
        ? { kind: "outputs", outputs: Array.isArray(outputs) ? outputs : [] }
        : { kind: "missing", message: String(message).slice(0, 2000) });
      this.remaining.delete(id);
      const at = this.stepOf((s) => s.kind === "check" && s.id === id);
      if (at >= 0) this.next = at + 1;
      return this.enter();
    }
    return null;
  }

  /** The next step starts: a cell has the cell limit; between a check's outputs and the next check, the check limit. */
  private enter(): Limit {
    const step = this.steps[this.next];
    this.current = step?.kind === "cell" ? step : null;
    return step?.kind === "cell"
      ? { seconds: this.limits.cellTimeout, why: `did not finish within ${this.limits.cellTimeout} s` }
      : { seconds: this.limits.checkTimeout, why: "stopped between checks" };
  }

  private stepOf(match: (s: ScoringStep) => boolean): number {
    return this.steps.findIndex((s, i) => i >= this.next && match(s));
  }
}

/** One run to start: the cells and checks of its request, the cells earlier runs stopped in, and its machine. */
export interface ScoringRun<C extends OrderedCheck> {
  cells: ExerciseCell[];
  checks: C[];
  failed: FailedCell[];
  machine: StepMachine;
}

/**
 * The restart loop: runs until each check has an outcome, a run ends without
 * blame, or the attempts are spent. `problems` are the cell problems a
 * student is told of (the caller decides whether to report them).
 */
export class ScoringLoop<C extends OrderedCheck> {
  readonly outcomes = new Map<string, CheckOutcome>();
  readonly failed: FailedCell[] = [];
  readonly problems: string[] = [];
  private readonly remaining: Set<string>;
  private cellsLeft: ExerciseCell[];
  private attempt = 0;
  private over = false;
  /**
   * Every run but the last blames one check or one cell, so the checks and cells there are at the start, plus
   * one, are enough. Fixed here: a bound counted from the cells still run shrank with each blamed cell, and a
   * submission with more hanging cells than checks + 2 left checks of its good cells without an outcome.
   */
  private readonly maxAttempts: number;

  constructor(private readonly checks: readonly C[], cells: ExerciseCell[], private readonly limits: StepLimits) {
    this.remaining = new Set(checks.map((c) => c.id));
    this.cellsLeft = cells;
    this.maxAttempts = checks.length + cells.length + 2;
  }

  /** The cells still run (without those a run stopped in). */
  get cells(): ExerciseCell[] {
    return this.cellsLeft;
  }

  /** The next run, or null when the loop is over. */
  nextRun(): ScoringRun<C> | null {
    if (this.over || this.remaining.size === 0 || this.attempt >= this.maxAttempts) return null;
    this.attempt++;
    const checks = this.checks.filter((c) => this.remaining.has(c.id));
    const cells = this.cellsLeft;
    const machine = new StepMachine(scoringOrder(cells, checks), this.limits, this.remaining, this.outcomes);
    return { cells, checks, failed: [...this.failed], machine };
  }

  /** A run ended: blame the cell or check it stopped in, or end the loop. */
  end(run: ScoringRun<C>, end: RunEnd): void {
    const where = end.reason ? run.machine.stoppedIn : null;
    if (!where) {
      // A stop before "ready" is the grader's own problem (nothing of the submission ran); a clean end, none.
      if (end.reason && !run.machine.started) this.problems.push(`the grading process did not start: ${end.reason}`);
      this.over = true;
    } else if (where.kind === "check") {
      this.outcomes.set(where.id, { kind: "stopped", message: `${where.id} ${end.reason}`, stop: end.stop });
      this.remaining.delete(where.id);
    } else {
      // The cell itself hung or killed the worker: grade without it (its functions are then undefined).
      const bad = where.index;
      this.failed.push({ index: bad, defines: this.cellsLeft.find((c) => c.index === bad)?.defines ?? [], message: end.reason });
      this.cellsLeft = this.cellsLeft.filter((c) => c.index !== bad);
      this.problems.push(`cell ${bad + 1} ${end.reason} while being loaded for grading; its functions score 0`);
    }
  }
}

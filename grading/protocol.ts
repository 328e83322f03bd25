/**
 * The scoring worker's protocol: the one request the grader writes to the
 * worker's stdin (JSON), and the messages the worker writes back, one JSON
 * object per line on stdout. The messages are untrusted: the submission's
 * code runs in the worker's process and can print anything.
 */
import type { StoredCheck } from "../lib/checks";
import type { WireOutput } from "./wire";
import type { ExerciseCell, OrderedCheck } from "./scoring-order";
import type { ContextCell } from "./helper-declarations";

/** One check to compute outputs for: a lesson's check by id, or a hidden one with its cases (inputs only). */
export interface CheckRequest extends OrderedCheck {
  hidden?: { fn: string; points: number; stored: StoredCheck };
}

/** What the parent asks for. */
export interface GradeRequest {
  lesson: string;
  /** Every cell that declares a graded name, in notebook order (a name declared twice: both). */
  cells: ExerciseCell[];
  /** The notebook's other code cells that compile in the kernel: where helpers the exercises call are found. */
  context?: ContextCell[];
  /**
   * True when `compileError` of each cell is the kernel's verdict; false when it
   * could not be had, and the worker then refuses only cells with syntax errors.
   */
  compileChecked?: boolean;
  checks: CheckRequest[];
  /** Cells an earlier worker stopped in (hung, crashed): they define nothing, and this is why. */
  failed?: { index: number; defines: string[]; message: string }[];
}

/** What the worker reports (untrusted: the submission's code runs in this process). */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "cell"; index: number; ok: boolean; message?: string }
  | { type: "start"; id: string }
  | { type: "outputs"; id: string; outputs: WireOutput[] }
  | { type: "missing"; id: string; message: string }
  | { type: "done" };


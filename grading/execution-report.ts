/**
 * The execution report from what kernel/run_notebook.py wrote on the grader's
 * pipe, and the one-line summary of it shown in the gradebook, the class
 * summary and the console.
 *
 * The runner shares its sandbox with the submitted code, which may kill it:
 * a report counts only when it is whole (it ends with `"complete": true`, and
 * a cut-off JSON text does not parse) and the runner exited with a status of
 * its own, not by a signal. Nothing else in the sandbox can write to the
 * runner's pipe (run_notebook.py, guard_report_fd), so a report that counts
 * says what the runner sent to the kernel and what came back. Its text is
 * still the kernel's output, hence untrusted: statuses and numbers are
 * checked for type, strings are bounded.
 */
import type { ExecutionError, ExecutionReport } from "./types";

/** Most problem cells listed per notebook (a --keep-going run may have one per cell). */
const MAX_ERRORS = 20;
/** Longest first line kept of a cell's error text. */
export const FIRST_LINE_LIMIT = 200;

/** How the runner's process ended. */
export interface RunnerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The first non-blank line of a cell's stderr (tslab writes a failed cell's
 * error there, e.g. `2:39 - ')' expected.`), control characters removed, at most
 * FIRST_LINE_LIMIT characters: it is the submission's own text.
 */
export function firstLine(text: string): string {
  const line = text.split(/\r?\n|\r/).map((l) => l.trim()).find((l) => l.length > 0) ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ");
  return clean.length > FIRST_LINE_LIMIT ? `${clean.slice(0, FIRST_LINE_LIMIT - 1)}…` : clean;
}

/** A status as the runner wrote it, bounded (it is a field of untrusted JSON). */
function statusOf(v: unknown): string {
  return typeof v === "string" ? v.slice(0, 20) : "unknown";
}

/**
 * The cells that did not finish, and how many code cells after the first of
 * them never ran: "abort" (the runner, as Run All does, does not send the
 * cells below an error) or "not-run" (after a timeout or a dead kernel). An
 * "abort" or "not-run" before any failure is itself listed (e.g. the kernel
 * did not start).
 */
export function cellProblems(cells: readonly unknown[]): { errors: ExecutionError[]; aborted: number } {
  const errors: ExecutionError[] = [];
  let aborted = 0;
  let failed = false;
  for (const [position, c] of cells.entries()) {
    const cell = (typeof c === "object" && c !== null ? c : {}) as { index?: unknown; type?: unknown; status?: unknown; stderr?: unknown };
    if (cell.type !== "code") continue;
    const status = statusOf(cell.status);
    if (status === "ok") continue;
    if (failed && (status === "abort" || status === "not-run")) {
      aborted++;
      continue;
    }
    failed = true;
    if (errors.length >= MAX_ERRORS) continue;
    const index = Number.isSafeInteger(cell.index) && (cell.index as number) >= 0 ? (cell.index as number) : position;
    errors.push({ cell: index + 1, status, firstLine: firstLine(typeof cell.stderr === "string" ? cell.stderr.slice(0, 64 * 1024) : "") });
  }
  return { errors, aborted };
}

/**
 * The execution report from the runner's output `text` and how it exited. A
 * report that is not whole, or a runner stopped by a signal, gives
 * `ran: false` with the reason as data.
 */
export function parseRunReport(text: string, exit: RunnerExit, seconds: number, stderr: string): ExecutionReport {
  type RunJson = { error?: unknown; cells?: unknown; complete?: unknown };
  let run: RunJson | null = null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) run = parsed as RunJson;
  } catch {
    run = null;
  }
  const killed = exit.signal !== null || exit.code === null || exit.code >= 128;
  if (killed) {
    const how = exit.signal ?? (exit.code !== null && exit.code >= 128 ? `signal ${exit.code - 128}` : "unknown");
    return { ran: false, reason: "runner-stopped", seconds, message: `the notebook's runner was stopped (${how}) before it finished, so there is no report of how its cells ran` };
  }
  if (!run || run.complete !== true) {
    return { ran: false, reason: "no-report", seconds, message: `could not run: ${stderr.slice(-300) || "no report"}` };
  }
  const cells = Array.isArray(run.cells) ? (run.cells as unknown[]) : [];
  const counts: Record<string, number> = {};
  for (const c of cells) {
    const cell = (typeof c === "object" && c !== null ? c : {}) as { type?: unknown; status?: unknown };
    if (cell.type === "code") counts[statusOf(cell.status)] = (counts[statusOf(cell.status)] ?? 0) + 1;
  }
  const { errors, aborted } = cellProblems(cells);
  const parts = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ");
  const error = typeof run.error === "string" ? `; ${run.error.slice(0, 300)}` : "";
  return { ran: true, seconds, counts, errors, aborted, message: `${parts}${error}` };
}

/** One problem cell in a line: "cell 12: 2:39 - ')' expected." or "cell 12: timeout". */
export function errorLine(e: ExecutionError): string {
  if (e.status === "error") return `cell ${e.cell}: ${e.firstLine || "error"}`;
  return `cell ${e.cell}: ${e.status}${e.firstLine ? `: ${e.firstLine}` : ""}`;
}

/**
 * The execution report in one line, for the gradebook's column: "ok", the
 * problem cells ("cell 12: 2:39 - ')' expected. (+21 aborted)"), "did not run: …",
 * or "" when there is none (not executed).
 */
export function executionSummary(e: ExecutionReport | undefined | null): string {
  if (!e) return "";
  if (!e.ran) return `did not run: ${e.message.slice(0, 300)}`;
  const errors = e.errors ?? [];
  if (errors.length === 0) return "ok";
  const aborted = e.aborted ? ` (+${e.aborted} aborted)` : "";
  return `${errors.map(errorLine).join("; ")}${aborted}`;
}

/** Whether the report is worth an instructor's attention: a cell failed, or the notebook did not run (but for a grader without Jupyter). */
export function hasExecutionProblem(e: ExecutionReport | undefined | null): boolean {
  if (!e) return false;
  if (!e.ran) return e.reason !== "no-python";
  return (e.errors?.length ?? 0) > 0;
}

/** The grader's results: what `npm run grade` reports per check and per notebook. */
import type { CaseResult, CheckStatus, MistakeName } from "../lib/checks";

/**
 * How a check ended in grading: the statuses a notebook's own check shows
 * (passed, failed, not-completed, error, recorded), and the grader's own:
 * "stopped" (the grading process was stopped in it: see `stop`), "missing"
 * (the graded name was not defined when the check ran: deleted, moved, or its
 * cell failed), "not-graded" (the grading process kept stopping before it).
 */
type GradeStatus = CheckStatus | "stopped" | "missing" | "not-graded";

/** Why the grading process was stopped in a check. */
export type StopKind = "timeout" | "out-of-memory" | "exit" | "output";

/** One check's grade, as written to the JSON report. */
export interface CheckGrade {
  id: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  /**
   * How the check ended (see GradeStatus). "recorded": a graded quiz answer of
   * a valid form that was not judged because the quiz key is absent (a student
   * release's `npm run validate`); its points are pending, not lost.
   */
  status: GradeStatus;
  /** With status "stopped": why. */
  stop?: StopKind;
  message: string;
  /** An instructor's hidden check: its cases' inputs and expected values are never reported. */
  hidden?: boolean;
  /** Per-case results (visible checks only), for feedback. */
  cases?: CaseResult[];
  /**
   * The named mistakes (lib/checks/mistakes.ts's catalogue) the judge diagnosed in this check's cases, each
   * once, in case order: the same ids as the cases' `mistake` fields, here for hidden checks too.
   */
  mistakes?: MistakeName[];
  /** A hidden check's cases, outcome only: never their inputs or expected values (the instructor's item analysis). */
  hiddenCases?: HiddenCaseGrade[];
  /**
   * The hint tiers of this check the student was shown, as the submitted notebook's saved outputs record them
   * (grading/hint-record.ts): counted in the item analysis, never scored. Absent when none is recorded.
   */
  hintTiers?: number[];
}

/** One hidden case's outcome: its name and category (the instructor's words), never its inputs or expected value. */
export interface HiddenCaseGrade {
  name: string;
  /** The kind of case ("large logits"), which the student's feedback names when the case fails. */
  category?: string;
  passed: boolean;
  mistake?: MistakeName;
}

/** A code cell that did not finish cleanly when the notebook ran top to bottom. */
export interface ExecutionError {
  /** The cell's number, 1-based, markdown cells included (as students count the cells of their notebook). */
  cell: number;
  /**
   * How it ended, as kernel/run_notebook.py recorded it: "error" (tslab reported an error), "timeout" (the cell
   * limit), "dead" (the kernel died), "abort" (the kernel aborted it), "not-run" (never sent), or another
   * reply status the kernel gave. At most 20 characters.
   */
  status: string;
  /** First non-blank line of what the cell wrote to stderr (tslab's error text): the submission's own text, one line, at most 200 characters. */
  firstLine: string;
}

/** Why a notebook has no execution report. */
export type ExecutionNotRun =
  | "no-python" // the grader found no Python with Jupyter's nbclient
  | "notebook-timeout" // the whole run took longer than --notebook-timeout
  | "report-too-large"
  | "out-of-memory" // the sandbox went over its memory budget (its cgroup's record)
  | "check-stuck" // not run: a check hung while being scored, so the notebook would stop at its check cell
  | "runner-stopped" // the runner was killed (by a signal): the submission may have killed it
  | "no-report"; // the runner exited without a whole report (it could not start Jupyter, …)

/** How the notebook ran in a fresh kernel. */
export interface ExecutionReport {
  ran: boolean;
  /** When it did not run: why (absent when the grader chose not to run it). */
  reason?: ExecutionNotRun;
  seconds?: number;
  /** Code cells per status ("ok", "error", "abort", …). */
  counts?: Record<string, number>;
  /** The cells that did not finish, in notebook order (at most 20); empty when every cell ran. */
  errors?: ExecutionError[];
  /** Code cells below the first problem that never ran: aborted after an error (as Run All does) or not sent after a timeout. */
  aborted?: number;
  message: string;
}

/** One notebook's grade. */
export interface NotebookGrade {
  path: string;
  lesson: string | null;
  score: number;
  maxScore: number;
  checks: CheckGrade[];
  /** Points of quiz answers "recorded" but not judged here (no key): graded when handed in; part of maxScore, not lost. */
  recordedPoints?: number;
  execution?: ExecutionReport;
  /** The notebook's code is its lesson's handout (student edition) unchanged: nothing was attempted (grading/handout.ts). */
  unchanged?: boolean;
  problems: string[];
  /** Why the submitted file itself was not read (grading/submitted-file.ts's kind: "symbolic-link", "fifo", "too-large", …). */
  fileProblem?: string;
  /**
   * True when grading itself failed (the grader's own error, or its process
   * stopped), not the submission: such a grade is never cached, and is graded
   * again on the next run.
   */
  gradingFailed?: boolean;
}

/** Grader settings (seconds and megabytes). */
export interface GradeOptions {
  hiddenDir?: string;
  checkTimeout: number;
  cellTimeout: number;
  notebookTimeout: number;
  memoryMb: number;
  execute: boolean;
  /** Run submitted code with the grader's own rights, without the sandbox (only for notebooks you trust). */
  unsafeNoSandbox?: boolean;
}

/**
 * The grader's default limits (seconds and megabytes): `npm run grade` and `npm run validate` use the same.
 * Every course check takes well under a second on the solution; 10 s per check leaves a wide margin for a
 * slow machine, while a stuck submission (an infinite loop) costs 10 s of a core, not a minute.
 */
export const DEFAULT_GRADE_OPTIONS: Readonly<GradeOptions> = Object.freeze({ checkTimeout: 10, cellTimeout: 120, notebookTimeout: 900, memoryMb: 2048, execute: true });

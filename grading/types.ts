/** The grader's results: what `npm run grade` reports per check and per notebook. */
import type { CaseResult, CheckStatus } from "../lib/checks";

/** One check's grade, as written to the JSON report. */
export interface CheckGrade {
  id: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  /**
   * How the check ended (visible checks). "recorded": a graded quiz answer of a
   * valid form that was not judged because the quiz key is absent (a student
   * release's `npm run validate`); its points are pending, not lost.
   */
  status?: CheckStatus;
  message: string;
  /** An instructor's hidden check: its cases' inputs and expected values are never reported. */
  hidden?: boolean;
  /** Per-case results (visible checks only), for feedback. */
  cases?: CaseResult[];
}

/** How the notebook ran in a fresh kernel. */
export interface ExecutionReport {
  ran: boolean;
  seconds?: number;
  counts?: Record<string, number>;
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
  problems: string[];
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

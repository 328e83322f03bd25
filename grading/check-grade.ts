/**
 * The grader's rule for one check's grade: its status as data (the worker's
 * outcome where the grader's own, the judged check's otherwise), its points,
 * and the message shown (the check's, with its first failing case). Shared by
 * the grader (grading/scoring.ts) and the browser edition's validation
 * (setup/lite-app/validate/), so both report the same grade for the same
 * outcome. Pure: no I/O.
 */
import type { CheckResult } from "../lib/checks";
import type { CheckOutcome } from "./judge";
import type { CheckGrade } from "./types";

/** One check's grade from what the worker reported (`outcome`, absent: never reached) and its judged result `r` (grading/judge.ts). */
export function checkGrade(r: CheckResult, outcome: CheckOutcome | undefined, hidden: boolean): CheckGrade {
  const status: CheckGrade["status"] = !outcome ? "not-graded" : outcome.kind === "stopped" ? "stopped" : outcome.kind === "missing" ? "missing" : r.status;
  const stop = outcome?.kind === "stopped" ? { stop: outcome.stop } : {};
  if (hidden) {
    return { id: r.id, points: r.points, maxPoints: r.maxPoints, passed: r.passed, status, ...stop, hidden: true, message: r.passed ? "hidden check passed" : "hidden check failed (its cases are not shown)" };
  }
  const firstFailure = r.cases.find((c) => !c.passed && !c.recorded && c.message);
  const message = r.status === "not-completed" ? "not completed yet" : firstFailure ? `${r.message}; first: ${firstFailure.name}: ${firstFailure.message}` : r.message;
  return { id: r.id, points: r.points, maxPoints: r.maxPoints, passed: r.passed, status, ...stop, message, ...(r.cases.length ? { cases: r.cases } : {}) };
}

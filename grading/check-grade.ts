/**
 * The grader's rule for one check's grade: its status as data (the worker's
 * outcome where the grader's own, the judged check's otherwise), its points,
 * the named mistakes the judge diagnosed, and the message shown (the check's,
 * with its first failing case; for a hidden check only pass/fail and each
 * case's category). Shared by the grader (grading/scoring.ts) and the browser
 * edition's validation (frontends/lite-app/validate/), so both report the same
 * grade for the same outcome. Pure: no I/O.
 */
import type { CheckResult } from "../lib/checks";
import type { CheckOutcome } from "./judge";
import type { CheckGrade, HiddenCaseGrade } from "./types";

/** The longest hidden-case category kept (an instructor's few words: "large logits"). */
const MAX_CATEGORY = 80;

/** A hidden case's category as the feedback shows it: one line of text, at most MAX_CATEGORY characters; else none. */
function caseCategory(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const text = v.replace(/\s+/g, " ").trim();
  return text ? text.slice(0, MAX_CATEGORY) : undefined;
}

/** What the grade needs of a hidden check's stored cases: each case's category, in order. */
interface HiddenCases {
  cases: readonly { category?: unknown }[];
}

/**
 * One check's grade from what the worker reported (`outcome`, absent: never
 * reached) and its judged result `r` (grading/judge.ts). `hidden`: the stored
 * hidden check when the check is one (null: a visible check).
 */
export function checkGrade(r: CheckResult, outcome: CheckOutcome | undefined, hidden: HiddenCases | null): CheckGrade {
  const status: CheckGrade["status"] = !outcome ? "not-graded" : outcome.kind === "stopped" ? "stopped" : outcome.kind === "missing" ? "missing" : r.status;
  const stop = outcome?.kind === "stopped" ? { stop: outcome.stop } : {};
  // The named mistakes as data: the judge's ids (it ran outside the sandbox), each once.
  const named = [...new Set(r.cases.flatMap((c) => (c.mistake ? [c.mistake] : [])))];
  const mistakes = named.length ? { mistakes: named } : {};
  if (hidden) {
    // Outcomes only: a hidden case's inputs, expected value and message (which quotes them) stay with the grader.
    const hiddenCases: HiddenCaseGrade[] = r.cases.map((c, i) => {
      const category = caseCategory(hidden.cases[i]?.category);
      return { name: c.name, ...(category ? { category } : {}), passed: c.passed, ...(c.mistake ? { mistake: c.mistake } : {}) };
    });
    return { id: r.id, points: r.points, maxPoints: r.maxPoints, passed: r.passed, status, ...stop, hidden: true, message: r.passed ? "hidden check passed" : "hidden check failed (its cases are not shown)", ...mistakes, ...(hiddenCases.length ? { hiddenCases } : {}) };
  }
  const firstFailure = r.cases.find((c) => !c.passed && !c.recorded && c.message);
  const message = r.status === "not-completed" ? "not completed yet" : firstFailure ? `${r.message}; first: ${firstFailure.name}: ${firstFailure.message}` : r.message;
  return { id: r.id, points: r.points, maxPoints: r.maxPoints, passed: r.passed, status, ...stop, message, ...(r.cases.length ? { cases: r.cases } : {}), ...mistakes };
}

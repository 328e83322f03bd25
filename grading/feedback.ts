/**
 * A student's feedback page (OUT/feedback/<student>.html): per notebook, its
 * score, problems, every check with the per-case table and hint the student
 * sees in the notebook (drawn by lib/checks/report.ts's renderHtml, the same
 * renderer), and how the notebook ran in a fresh kernel (each failed cell with
 * its number and the first line of its error, also as data attributes).
 *
 * Self-contained (inline CSS, no scripts to run, nothing fetched) and every
 * student-controlled string escaped. Hidden checks show only pass/fail and
 * their message, and the category of each failed case where the instructor
 * gave one: never their cases' inputs or expected values.
 */
import * as path from "path";
import { renderHtml, type CheckResult } from "../lib/checks";
import { htmlMark } from "../lib/checks/marks";
import { escapeHtml } from "../lib/runtime/display";
import { findLesson } from "../lib/lessons";
import { countedGrades, type StudentGrades } from "./gradebook";
import type { CheckGrade, ExecutionReport, NotebookGrade, StopKind } from "./types";

/** The status report.ts draws, from a grade's status (the grader's own statuses are failures to the student). */
function checkStatus(c: CheckGrade): CheckResult["status"] {
  switch (c.status) {
    case "passed":
    case "failed":
    case "not-completed":
    case "error":
    case "recorded":
      return c.status;
    default:
      return "failed";
  }
}

/** What a stopped check's reason is, in words. */
const STOPPED: Record<StopKind, string> = {
  timeout: "did not finish within the time limit (an infinite loop?)",
  "out-of-memory": "ran out of memory",
  exit: "stopped the grading process",
  output: "printed too much",
};

/**
 * What a student may see of a hidden check: only what its status says. Its
 * message is never shown: the grader's names the first failing case and its
 * values, and the student's own error text could echo the hidden inputs
 * (`throw new Error(String(z))`), as could any text the hidden run's worker,
 * which saw them, sends back.
 */
export function hiddenMessage(c: CheckGrade): string {
  switch (c.status) {
    case "passed":
      return "passed";
    case "not-completed":
      return "not completed yet";
    case "stopped":
      return STOPPED[c.stop ?? "exit"];
    case "missing":
      return "its function was not defined when the check ran";
    case "not-graded":
      return "not graded";
    default:
      return "failed (its cases are not shown)";
  }
}

/**
 * The categories of a hidden check's failed cases, each once with how many of its cases failed, in case
 * order; cases without a category are counted under null. Only the categories: never a case's name (an
 * instructor may name a case by its input), inputs or expected values.
 */
export function failedCategories(c: CheckGrade): { category: string | null; cases: number }[] {
  const out = new Map<string | null, number>();
  for (const h of c.hiddenCases ?? []) if (!h.passed) out.set(h.category ?? null, (out.get(h.category ?? null) ?? 0) + 1);
  return [...out].map(([category, cases]) => ({ category, cases }));
}

/** The failed categories in words, for the console ("large logits; 1 case without a category"). */
export function failedCategoriesText(c: CheckGrade): string {
  return failedCategories(c).map((f) => (f.category === null ? `${f.cases} case${f.cases === 1 ? "" : "s"} without a category` : f.cases > 1 ? `${f.category} (${f.cases} cases)` : f.category)).join("; ");
}

function failedCategoriesHtml(c: CheckGrade): string {
  const items = failedCategories(c).map((f) =>
    f.category === null
      ? `<li class="hidden-category" data-category="" data-cases="${f.cases}">${f.cases} case${f.cases === 1 ? "" : "s"} without a category</li>`
      : `<li class="hidden-category" data-category="${escapeHtml(f.category)}" data-cases="${f.cases}">${escapeHtml(f.category)}${f.cases > 1 ? ` (${f.cases} cases)` : ""}</li>`);
  return items.length ? `<div>Failed kinds of case:</div><ul class="hidden-categories">${items.join("")}</ul>` : "";
}

/** One check: the notebook's own report for a visible check; pass/fail, message and failed categories only for a hidden one. */
export function checkHtml(c: CheckGrade, hint: string | undefined): string {
  const status = checkStatus(c);
  if (c.hidden || /\.hidden$/.test(c.id)) {
    return `<div class="course-check hidden-check" data-check-id="${escapeHtml(c.id)}" data-status="${status}"><b>${htmlMark(c.passed ? "passed" : "failed")} ${escapeHtml(c.id)}</b> (hidden check, ${c.points}/${c.maxPoints}) — ${escapeHtml(hiddenMessage(c))}${c.passed ? "" : failedCategoriesHtml(c)}</div>`;
  }
  const r: CheckResult = { id: c.id, points: c.points, maxPoints: c.maxPoints, passed: c.passed, status, message: c.message, cases: c.cases ?? [], ...(hint ? { hints: [hint] } : {}) };
  return renderHtml(r);
}

/**
 * The cells that failed when the notebook ran, each with its number and the first line of its error, and how
 * many cells below did not run. The numbers are also data attributes (data-cell, data-status, data-first-line,
 * data-aborted), for tools that read the page.
 */
function executionErrorsHtml(e: ExecutionReport): string {
  const errors = e.errors ?? [];
  if (!errors.length) return "";
  const items = errors.map((x) => `<li class="exec-error" data-cell="${x.cell}" data-status="${escapeHtml(x.status)}" data-first-line="${escapeHtml(x.firstLine)}">cell ${x.cell}${x.status === "error" ? "" : ` (${escapeHtml(x.status)})`}${x.firstLine ? `: <code>${escapeHtml(x.firstLine)}</code>` : ""}</li>`);
  const aborted = e.aborted ? `<p class="exec" data-aborted="${e.aborted}">The ${e.aborted} code cell${e.aborted === 1 ? "" : "s"} below did not run (as with Run All, a failed cell stops the rest): fix the first one and run the notebook again.</p>` : "";
  return `<ul class="exec-errors">${items.join("")}</ul>${aborted}`;
}

export function executionHtml(e: ExecutionReport | undefined): string {
  if (!e) return `<p class="exec">Not run top to bottom in a fresh kernel (the grader was asked not to).</p>`;
  const counts = e.counts ? Object.entries(e.counts).map(([k, v]) => `${v} ${escapeHtml(k)}`).join(", ") : "";
  const secs = e.seconds !== undefined ? ` in ${e.seconds.toFixed(1)} s` : "";
  const data = `data-ran="${e.ran}"${e.reason ? ` data-reason="${escapeHtml(e.reason)}"` : ""}${e.aborted !== undefined ? ` data-aborted="${e.aborted}"` : ""}`;
  return `<div class="execution" ${data}><p class="exec"><b>Run top to bottom in a fresh kernel${secs}:</b> ${e.ran ? "" : "did not run — "}${escapeHtml(e.message)}${counts && !e.message.includes(counts) ? ` (cells: ${counts})` : ""}</p>` +
    `${executionErrorsHtml(e)}</div>`;
}

export function problemsHtml(problems: string[]): string {
  return problems.length ? `<ul class="problems">${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join("")}</ul>` : "";
}

function notebookHtml(g: NotebookGrade, counts: boolean, several: boolean, hints: Record<string, string>): string {
  const title = g.lesson ? `${escapeHtml(g.lesson)}${findLesson(g.lesson) ? ` — ${escapeHtml(findLesson(g.lesson)?.title ?? "")}` : ""}` : "not graded";
  const note = several ? (counts ? " (counts: your best notebook for this lesson)" : " (does not count: another notebook for this lesson scored higher)") : "";
  return `<section class="notebook"><h2>${escapeHtml(path.basename(g.path))}: ${title}</h2>` +
    `<p class="score">Score: <b>${g.score}/${g.maxScore}</b>${note}</p>` +
    (g.unchanged ? `<p class="unchanged" data-unchanged="true"><b>Unchanged from the handout:</b> this notebook's code is the notebook as it was handed out, so no exercise was attempted. Did you hand in the right file?</p>` : "") +
    problemsHtml(g.problems) +
    g.checks.map((c) => checkHtml(c, hints[c.id])).join("\n") +
    (g.lesson ? executionHtml(g.execution) : "") +
    `</section>`;
}

const STYLE = `body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.course-check{margin:.6em 0}.course-check td,.course-check th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
.problems li{color:#9a6700}.exec{color:#444}.exec-errors li{color:#9a1c00}code{white-space:pre-wrap;word-break:break-all}`;

/** The whole feedback page of one student. `hints` maps check id to the hint shown when it fails. */
export function feedbackHtml(s: StudentGrades, hints: Record<string, string> = {}): string {
  const counted = new Set(countedGrades(s));
  const perLesson = new Map<string, number>();
  for (const g of s.notebooks) if (g.lesson) perLesson.set(g.lesson, (perLesson.get(g.lesson) ?? 0) + 1);
  const total = [...counted].reduce((t, g) => t + g.score, 0);
  const max = [...counted].reduce((t, g) => t + g.maxScore, 0);
  const body = s.notebooks.map((g) => notebookHtml(g, counted.has(g), (perLesson.get(g.lesson ?? "") ?? 0) > 1, hints)).join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback: ${escapeHtml(s.student)}</title><style>${STYLE}</style></head>
<body><h1>Feedback for ${escapeHtml(s.student)}</h1>
<p>Total: <b>${total}/${max}</b> point${max === 1 ? "" : "s"} over ${counted.size} lesson${counted.size === 1 ? "" : "s"}.</p>
${problemsHtml(s.problems)}${s.notebooks.length === 0 ? "<p>No notebook was graded.</p>" : ""}
${body}
</body></html>
`;
}

/**
 * The class summary page (OUT/summary.html), for the instructor: per exercise
 * (check id), the share of students who passed it and the most frequent
 * failure messages, with a plotly bar chart; then the class's problems, among
 * them every notebook whose run top to bottom failed (the cell, its first error
 * line and how many cells it stopped).
 * Self-contained: the plotly bundle is inlined from node_modules (as the
 * notebooks' setup() does), so it opens offline. The figures' numbers are also
 * embedded as JSON (`<script type="application/json" id="class-summary">`).
 */
import * as path from "path";
import { escapeHtml } from "../lib/runtime/display";
import { figureHtml, plotlyBundleHtml } from "../lib/runtime/plot";
import { classColumns, countedGrades, type StudentGrades } from "./gradebook";
import { executionSummary, hasExecutionProblem } from "./execution-report";
import type { ExecutionError, ExecutionNotRun } from "./types";
import { itemAnalysis, topMistakes } from "./item-analysis";

/** A notebook whose run top to bottom failed or did not happen. */
interface ExecutionProblem {
  student: string;
  /** The notebook's file name. */
  notebook: string;
  lesson: string | null;
  ran: boolean;
  reason?: ExecutionNotRun;
  errors: ExecutionError[];
  aborted: number;
  /** The gradebook's line for it ("cell 12: 2:39 - ')' expected. (+21 aborted)"). */
  summary: string;
}

/** Every graded notebook (counted or not) whose execution report shows a problem, students in the given order. */
function executionProblems(students: StudentGrades[]): ExecutionProblem[] {
  return students.flatMap((s) => s.notebooks.filter((g) => hasExecutionProblem(g.execution)).map((g) => {
    const e = g.execution!;
    return { student: s.student, notebook: path.basename(g.path), lesson: g.lesson, ran: e.ran, ...(e.reason ? { reason: e.reason } : {}), errors: e.errors ?? [], aborted: e.aborted ?? 0, summary: executionSummary(e) };
  }));
}

function executionProblemHtml(p: ExecutionProblem): string {
  const first = p.errors[0];
  const data = `data-kind="execution" data-student="${escapeHtml(p.student)}" data-ran="${p.ran}" data-aborted="${p.aborted}"` +
    (first ? ` data-cell="${first.cell}" data-status="${escapeHtml(first.status)}" data-first-line="${escapeHtml(first.firstLine)}"` : "") +
    (p.reason ? ` data-reason="${escapeHtml(p.reason)}"` : "");
  return `<li ${data}><b>${escapeHtml(p.student)}</b>: ${escapeHtml(p.notebook)} run top to bottom: <code>${escapeHtml(p.summary)}</code></li>`;
}

/** How the class did on one check. */
interface ExerciseSummary {
  id: string;
  lesson: string;
  /** Students whose counted notebook for the lesson has this check. */
  students: number;
  passed: number;
  /** passed / students (0 when nobody handed the lesson in). */
  share: number;
  /** The most frequent kinds of failure (messages equal but for their numbers; one example each), most frequent first. */
  failures: { message: string; count: number }[];
}

/** A failure message with its numbers blanked out, to group the same mistake made with different values. */
export function failureKind(message: string): string {
  return message.replace(/[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/gi, "#");
}

/** The class's results per check, lessons in course order. */
export function summarize(students: StudentGrades[], topFailures = 3): ExerciseSummary[] {
  const out: ExerciseSummary[] = [];
  for (const col of classColumns(students)) {
    for (const k of col.checks) {
      let n = 0;
      let passed = 0;
      // Messages that differ only in their numbers (each student's wrong values) are one kind of failure.
      const msgs = new Map<string, { message: string; count: number }>();
      for (const s of students) {
        const g = countedGrades(s).find((x) => x.lesson === col.lesson);
        const c = g?.checks.find((x) => x.id === k.id);
        if (!c) continue;
        n++;
        if (c.passed) passed++;
        else {
          const key = failureKind(c.message);
          const seen = msgs.get(key);
          msgs.set(key, { message: seen?.message ?? c.message, count: (seen?.count ?? 0) + 1 });
        }
      }
      const failures = [...msgs.values()].sort((a, b) => b.count - a.count || a.message.localeCompare(b.message)).slice(0, topFailures);
      out.push({ id: k.id, lesson: col.lesson, students: n, passed, share: n ? passed / n : 0, failures });
    }
  }
  return out;
}

/** The summary page; `classProblems` are the folder's own (stray files), each student's are listed too. */
export function summaryHtml(students: StudentGrades[], classProblems: string[] = []): string {
  const rows = summarize(students);
  const fig = figureHtml(
    [{ type: "bar", x: rows.map((r) => r.id), y: rows.map((r) => Math.round(1000 * r.share) / 10), text: rows.map((r) => `${r.passed}/${r.students}`), textposition: "auto", hovertemplate: "%{x}: %{y}% passed (%{text})<extra></extra>" }],
    // Check ids are long ("04.binaryCrossentropyFromLogits"): plotly tilts them, and automargin grows the bottom
    // margin to fit them instead of clipping them at the default 80 px.
    { title: "Share of students who passed each exercise", yaxis: { title: { text: "% passed" }, range: [0, 100], automargin: true }, xaxis: { title: { text: "check" }, tickangle: -45, automargin: true }, height: 520 },
  );
  const table = rows
    .map((r) => `<tr><td>${escapeHtml(r.id)}</td><td>${r.passed}/${r.students}</td><td>${(100 * r.share).toFixed(0)}%</td><td>${r.failures.map((f) => `<div>${f.count}× <code>${escapeHtml(f.message)}</code></div>`).join("")}</td></tr>`)
    .join("\n");
  // The named mistakes diagnosed most often (grading/item-analysis.ts), as a small table per exercise.
  const mistakes = topMistakes(itemAnalysis(students));
  const mistakeRows = mistakes
    .map((m) => `<tr class="top-mistake" data-check-id="${escapeHtml(m.check)}" data-mistake="${m.mistake}" data-students="${m.students}"><td>${escapeHtml(m.check)}</td><td><code>${m.mistake}</code></td><td>${m.students}/${m.of}</td></tr>`)
    .join("\n");
  const execution = executionProblems(students);
  const problems = [
    ...classProblems.map((p) => `<li>${escapeHtml(p)}</li>`),
    ...students.flatMap((s) => [...s.problems, ...s.notebooks.flatMap((g) => g.problems)].map((p) => `<li><b>${escapeHtml(s.student)}</b>: ${escapeHtml(p)}</li>`)),
    ...execution.map(executionProblemHtml),
  ];
  const graded = students.filter((s) => countedGrades(s).length > 0).length;
  const data = JSON.stringify({ students: students.length, graded, exercises: rows, topMistakes: mistakes, execution }).replace(/</g, "\\u003c");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Class summary</title>
<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}table{border-collapse:collapse}code{white-space:pre-wrap}</style>
</head><body>
<h1>Class summary</h1>
<p>${students.length} student${students.length === 1 ? "" : "s"}, ${graded} with at least one graded notebook.</p>
${plotlyBundleHtml({ note: false })}
${fig.html}
<h2>Per exercise</h2>
<table><thead><tr><th>check</th><th>passed</th><th>share</th><th>most frequent failures (one example message each)</th></tr></thead><tbody>
${table}
</tbody></table>
<h2>Top named mistakes</h2>
${mistakes.length ? `<p>The mistakes the checks recognised most often (up to 3 per exercise; every count is in item-analysis.csv).</p>
<table id="top-mistakes"><thead><tr><th>exercise</th><th>mistake</th><th>students</th></tr></thead><tbody>
${mistakeRows}
</tbody></table>` : "<p>No named mistake was diagnosed.</p>"}
<h2>Problems (${problems.length})</h2>
${problems.length ? `<ul>${problems.join("\n")}</ul>` : "<p>None.</p>"}
<script type="application/json" id="class-summary">${data}</script>
</body></html>
`;
}

/**
 * Renders check results: an HTML table in the notebook (with the result as
 * JSON in a <script type="application/json"> tag for graders), plain text
 * elsewhere.
 */
import type { CheckResult } from "./harness";
import { formatValue } from "./compare";
import { escapeHtml, showHtml } from "../runtime/display";
import { caseMark, COLOR, htmlMark, TEXT_MARK } from "./marks";

function formatValueSafe(v: number | undefined): string {
  return v === undefined ? "" : formatValue(v);
}

/** The MIME-like type tag graders look for in a check cell's HTML output. */
export const RESULT_TAG = "application/vnd.course.check+json";


function headline(r: CheckResult): string {
  const pts = `${r.points}/${r.maxPoints} point${r.maxPoints === 1 ? "" : "s"}`;
  switch (r.status) {
    case "passed":
      return `${r.id} passed — ${r.message} (${pts})`;
    case "failed":
      return `${r.id} failed — ${r.message} (${pts})`;
    case "not-completed":
      return `${r.id}: ${r.message}`;
    case "recorded":
      return `${r.id}: ${r.message} (${r.maxPoints} point${r.maxPoints === 1 ? "" : "s"})`;
    case "error":
      return `${r.id}: ${r.message}`;
  }
}

/** Labels of the hint tiers as a report shows them (a report shows at most tiers 1–2; lab.hint shows any). */
const TIER_LABEL = ["Hint", "More detail"];

/** The hint lines of a failed result: each tier shown, then how to ask for the next one. */
function hintLines(r: CheckResult): { label: string; text: string }[] {
  if (r.status !== "failed" || !r.hints?.length) return [];
  const lines = r.hints.map((text, i) => ({ label: TIER_LABEL[i] ?? `Hint ${i + 1}`, text }));
  const next = r.hints.length + 1;
  if (r.hintLevels !== undefined && r.hintLevels >= next) lines.push({ label: "More", text: `lab.hint("${r.id}", ${next}) shows hint level ${next} of ${r.hintLevels}` });
  return lines;
}

/** Plain-text report (used outside a kernel and by the grader's console table). */
export function renderText(r: CheckResult): string {
  const lines = [`${TEXT_MARK[r.status]} ${headline(r)}`];
  for (const c of r.cases) {
    const tol = c.tolerance ? ` tol atol=${formatValueSafe(c.tolerance.atol)} rtol=${formatValueSafe(c.tolerance.rtol)}` : "";
    const diff = c.maxDiff !== undefined && Number.isFinite(c.maxDiff) ? ` maxdiff=${formatValueSafe(c.maxDiff)}` : "";
    lines.push(`  ${caseMark(c)} ${c.name}${c.input ? `  input: ${c.input}` : ""}`);
    if ((!c.passed && !c.recorded) || c.expected !== undefined) lines.push(`      expected ${c.expected ?? "—"}  got ${c.got ?? "—"}${diff}${tol}`);
    if (c.message) lines.push(`      ${c.message}`);
  }
  for (const h of hintLines(r)) lines.push(`  ${h.label}: ${h.text}`);
  return lines.join("\n");
}

/** HTML report with the machine-readable result embedded. */
export function renderHtml(r: CheckResult): string {
  const rows = r.cases
    .map((c) => {
      const tol = c.tolerance ? `${formatValueSafe(c.tolerance.atol)} / ${formatValueSafe(c.tolerance.rtol)}` : "";
      const diff = c.maxDiff !== undefined && !Number.isNaN(c.maxDiff) ? formatValueSafe(c.maxDiff) : "";
      const msg = c.message ? `<div style="color:${c.passed ? COLOR.passed : c.recorded ? COLOR.recorded : COLOR.failed}">${escapeHtml(c.message)}</div>` : "";
      return `<tr><td>${caseMark(c)}</td><td>${escapeHtml(c.name)}</td><td><code>${escapeHtml(c.input ?? "")}</code></td>` +
        `<td><code>${escapeHtml(c.expected ?? "")}</code></td><td><code>${escapeHtml(c.got ?? "")}</code>${msg}</td><td>${diff}</td><td>${tol}</td></tr>`;
    })
    .join("");
  const table = r.cases.length
    ? `<table style="font-size:smaller;border-collapse:collapse"><thead><tr><th></th><th>case</th><th>input</th><th>expected</th><th>got</th><th>max diff</th><th>atol / rtol</th></tr></thead><tbody>${rows}</tbody></table>`
    : "";
  const hint = hintLines(r).map((h) => `<div><b>${escapeHtml(h.label)}:</b> ${escapeHtml(h.text)}</div>`).join("");
  const json = JSON.stringify(r).replace(/</g, "\\u003c");
  return `<div class="course-check" data-check-id="${escapeHtml(r.id)}" data-status="${r.status}">` +
    `<div style="font-weight:bold;color:${COLOR[r.status]}">${htmlMark(r.status)} ${escapeHtml(headline(r))}</div>${table}${hint}` +
    `<script type="${RESULT_TAG}">${json}</script></div>`;
}

/** Shows a result in the notebook, or prints it as text outside a kernel. */
export function report(r: CheckResult): void {
  if (!showHtml(renderHtml(r))) console.log(renderText(r));
}

/** Extracts check results embedded in HTML outputs (for graders and tests). */
export function parseResults(html: string): CheckResult[] {
  const out: CheckResult[] = [];
  const re = new RegExp(`<script type="${RESULT_TAG.replace(/[.+]/g, "\\$&")}">([\\s\\S]*?)</script>`, "g");
  for (const m of html.matchAll(re)) out.push(JSON.parse(m[1] ?? "null") as CheckResult);
  return out;
}

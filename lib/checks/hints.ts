/**
 * Hints in tiers. A failed check shows tier 1 (which idea to revisit); from
 * the third failed run of the same check in the same kernel it also shows
 * tier 2 (which step to check, from what the failed case shows; never the
 * solution in words). A tier 3, where a check has one, walks through the
 * solution and is shown only when asked for with `lab.hint(id, 3)`: no
 * failure count ever shows it. Any tier can be asked for with
 * `lab.hint(id, level)`. Tiers never contain code.
 */
import type { CheckDefinition, CheckResult, HintTiers } from "./harness";
import { escapeHtml } from "../runtime/display";

/** From this many failed runs of one check on, its report adds tier 2 under tier 1. */
export const MORE_DETAIL_AFTER = 3;

/** The tiers a failed result shows after `failures` failed runs (this one included): tier 1, then tier 2 from the third. */
export function tiersToShow(hints: HintTiers, failures: number): string[] {
  return hints.slice(0, failures >= MORE_DETAIL_AFTER ? 2 : 1);
}

/** Counts failed runs per check id (one counter per lesson's checker, so per kernel). */
export class FailureCounter {
  private readonly counts = new Map<string, number>();

  /** Counts a result if it failed (a pass, a stub or a broken check does not count); returns the check's failures so far. */
  record(r: CheckResult): number {
    if (r.status !== "failed") return this.failures(r.id);
    const n = this.failures(r.id) + 1;
    this.counts.set(r.id, n);
    return n;
  }

  failures(id: string): number {
    return this.counts.get(id) ?? 0;
  }
}

/**
 * A result with the tiers its report shows: runCheck gives every result tier 1;
 * a failure shows tier 2 too from the third failure on.
 */
export function withTiers(r: CheckResult, def: CheckDefinition | undefined, failures: number): CheckResult {
  if (!def || r.status !== "failed") return r;
  return { ...r, hints: tiersToShow(def.hints, failures) };
}

/** The outcome of asking for one tier of one check's hint. */
export type HintLookup =
  | { ok: true; id: string; level: number; levels: number; text: string }
  | { ok: false; message: string };

/** Tier `level` (1-based) of check `id`'s hint, or a message listing the ids or levels that exist. */
export function lookupHint(definitions: readonly CheckDefinition[], id: string, level: number = 1): HintLookup {
  const def = definitions.find((d) => d.id === id);
  if (!def) return { ok: false, message: `no check "${id}" in this lesson; its checks are ${definitions.map((d) => d.id).join(", ")}` };
  const levels = def.hints.length;
  if (!Number.isInteger(level) || level < 1 || level > levels) {
    return { ok: false, message: `${id} has hint levels 1 to ${levels}; ${String(level)} is not one of them` };
  }
  return { ok: true, id, level, levels, text: def.hints[level - 1] as string };
}

/** The text `lab.hint` prints for a lookup (marks from basic fonts: lib/checks/marks.ts). */
export function renderHint(h: HintLookup): string {
  if (!h.ok) return `⚠ ${h.message}`;
  const more = h.level < h.levels ? `\n(more detail: lab.hint("${h.id}", ${h.level + 1}))` : "";
  return `Hint: ${h.id}, hint ${h.level} of ${h.levels}: ${h.text}${more}`;
}

/**
 * The type tag of the record a shown hint leaves in the notebook's saved
 * output: `{"id": …, "level": …}` in a `<script type=…>` tag, which no browser
 * runs. A grader counts how many students needed each tier from it
 * (grading/hint-record.ts); it is never used for scoring.
 */
export const HINT_TAG = "application/vnd.course.hint+json";

/** What `lab.hint` shows in a notebook: the text, and the record of which tier was asked for. */
export function renderHintHtml(h: HintLookup): string {
  const text = `<pre style="white-space:pre-wrap;font-family:inherit;margin:0">${escapeHtml(renderHint(h))}</pre>`;
  if (!h.ok) return `<div class="course-hint">${text}</div>`;
  const record = JSON.stringify({ id: h.id, level: h.level }).replace(/</g, "\\u003c");
  return `<div class="course-hint" data-check-id="${escapeHtml(h.id)}" data-level="${h.level}">${text}<script type="${HINT_TAG}">${record}</script></div>`;
}

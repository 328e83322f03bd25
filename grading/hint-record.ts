/**
 * Which hint tiers a student was shown, read from the submitted notebook's saved outputs: the records
 * `lab.hint` leaves (lib/checks/hints.ts's HINT_TAG: `{"id", "level"}`) and the result each failed check's
 * report embeds (lib/checks/report.ts's RESULT_TAG: its `hints`, tier 1 then tier 2 from the third failure).
 *
 * The outputs are the submission's own: anything can be written there. So this is only ever counted (the
 * item analysis's "students who needed tier k"), never scored, and only what the lesson could have shown is
 * kept: a check id of the lesson's visible checks, a whole tier between 1 and that check's number of tiers
 * (a check's report shows at most 2). A notebook saves only each cell's last output, so a hint shown before
 * a later run of its cell is not counted: the counts are a lower bound.
 */
import { HINT_TAG, RESULT_TAG, type CheckDefinition } from "../lib/checks";
import type { Notebook } from "../editions/notebook";

/** Longest HTML output read (a check's report is a few kB; a hint's record well under one). */
const MAX_HTML = 1024 * 1024;
/** Most records read per notebook (a student asks for a few dozen hints at most). */
const MAX_RECORDS = 10_000;
/** Most tiers a check's own report shows (lib/checks/report.ts: tier 1, and tier 2 after repeated failures). */
const REPORT_TIERS = 2;

/** The JSON records of `tag` in `html`, at most `most` of them (a broken one counts too: it was read). */
function scripts(html: string, tag: string, most: number): { records: unknown[]; read: number } {
  const records: unknown[] = [];
  let read = 0;
  const re = new RegExp(`<script type="${tag.replace(/[.+]/g, "\\$&")}">([\\s\\S]*?)</script>`, "g");
  for (const m of html.matchAll(re)) {
    if (read >= most) break;
    read++;
    try {
      records.push(JSON.parse(m[1] ?? ""));
    } catch {
      // not a record: ignored
    }
  }
  return { records, read };
}

function htmlOf(output: Record<string, unknown>): string {
  const data = output.data;
  if (typeof data !== "object" || data === null) return "";
  const html = (data as Record<string, unknown>)["text/html"];
  const text = typeof html === "string" ? html : Array.isArray(html) && html.every((x) => typeof x === "string") ? html.join("") : "";
  return text.length <= MAX_HTML ? text : "";
}

/** The hint tiers each visible check's id was shown with, by the notebook's saved outputs; sorted, each once. */
export function hintTiersShown(nb: Notebook, visible: readonly CheckDefinition[]): Map<string, number[]> {
  const levels = new Map(visible.map((d) => [d.id, d.hints.length]));
  const seen = new Map<string, Set<number>>();
  const add = (id: unknown, tier: unknown, most: number): void => {
    if (typeof id !== "string" || !levels.has(id)) return;
    const max = Math.min(most, levels.get(id) as number);
    if (typeof tier !== "number" || !Number.isInteger(tier) || tier < 1 || tier > max) return;
    seen.set(id, (seen.get(id) ?? new Set()).add(tier));
  };
  let left = MAX_RECORDS;
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code" || !Array.isArray(cell.outputs)) continue;
    for (const output of cell.outputs) {
      if (typeof output !== "object" || output === null) continue;
      const html = htmlOf(output);
      if (!html) continue;
      const shown = scripts(html, HINT_TAG, left);
      left -= shown.read;
      const reports = scripts(html, RESULT_TAG, left);
      left -= reports.read;
      for (const r of shown.records) {
        if (typeof r === "object" && r !== null) add((r as { id?: unknown }).id, (r as { level?: unknown }).level, Infinity);
      }
      for (const r of reports.records) {
        // Only a failed result shows its hints (runCheck gives every result tier 1, shown or not).
        if (typeof r !== "object" || r === null || (r as { status?: unknown }).status !== "failed") continue;
        const hints = (r as { hints?: unknown }).hints;
        if (!Array.isArray(hints) || hints.length > REPORT_TIERS) continue;
        for (let t = 1; t <= hints.length; t++) add((r as { id?: unknown }).id, t, REPORT_TIERS);
      }
    }
  }
  return new Map([...seen].map(([id, tiers]) => [id, [...tiers].sort((a, b) => a - b)]));
}

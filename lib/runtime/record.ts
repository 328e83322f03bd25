/**
 * Named results published as data. `record(name, value)` puts a
 * machine-readable copy of a result in the cell's output, beside whatever the
 * cell prints for students, so tests and graders read numbers instead of
 * parsing sentences that may be reworded.
 *
 * The payload travels like a check result (lib/checks/report.ts): a hidden
 * text/html output holding a <script> of type RECORD_TAG, because tslab sends
 * one MIME type per display message and has no custom JSON output.
 */
import { escapeHtml, showHtml } from "./display";

/** The MIME-like type tag of a recorded value in a cell's HTML output. */
export const RECORD_TAG = "application/vnd.course.record+json";

/** One published result. */
export interface RecordedValue {
  name: string;
  value: unknown;
}

/**
 * JSON has no Infinity or NaN (JSON.stringify writes null), yet "the
 * probability route gives Infinity" is a result worth recording; non-finite
 * numbers travel as { "$number": "Infinity" }. Typed arrays become arrays.
 */
function encode(_key: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  return v;
}

function decode(_key: string, v: unknown): unknown {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const n = (v as { $number?: unknown }).$number;
    if (keys.length === 1 && typeof n === "string") return Number(n);
  }
  return v;
}

/** The hidden HTML that carries one recorded value. */
export function recordHtml(name: string, value: unknown): string {
  if (typeof name !== "string" || name.trim() === "") {
    throw new TypeError(`record(name, value) needs a non-empty name, got ${JSON.stringify(name)}: name the result, e.g. record("trainingAccuracy", acc)`);
  }
  const json = JSON.stringify({ name, value: value === undefined ? null : value }, encode).replace(/</g, "\\u003c");
  return `<div class="course-record" data-name="${escapeHtml(name)}" style="display:none"><script type="${RECORD_TAG}">${json}</script></div>`;
}

/**
 * Publishes a named result of the cell as data (invisible in the notebook).
 * Outside a kernel it does nothing: scripts and unit tests call the lesson's
 * functions directly.
 *
 * @example lab.record("trainingAccuracy", lab.labelAccuracy(labels, digits.y));
 */
export function record(name: string, value: unknown): void {
  showHtml(recordHtml(name, value));
}

/** Extracts the values recorded in one HTML output, in order (for tests and graders). */
export function parseRecords(html: string): RecordedValue[] {
  const out: RecordedValue[] = [];
  const re = new RegExp(`<script type="${RECORD_TAG.replace(/[.+]/g, "\\$&")}">([\\s\\S]*?)</script>`, "g");
  for (const m of html.matchAll(re)) out.push(JSON.parse(m[1] ?? "null", decode) as RecordedValue);
  return out;
}

/**
 * The marks a report shows for a check's status, drawn so that they render
 * without an emoji font: a machine without one (a fresh Linux desktop, a
 * server's terminal, a PDF printer) shows emoji such as U+2705 and U+274C as
 * empty boxes. HTML gets inline SVG (drawn shapes, no font at all); plain text
 * gets symbols from the Dingbats and Geometric Shapes blocks, which DejaVu Sans
 * and DejaVu Sans Mono (the default fonts of most Linux systems) have:
 * ✔ U+2714, ✘ U+2718, ○ U+25CB, ⚠ U+26A0 (without the emoji selector U+FE0F),
 * ✎ U+270E, ✓ U+2713, ✗ U+2717.
 */
import type { CheckStatus } from "./harness";

/** A check's mark in plain text (console, a report outside a kernel). */
export const TEXT_MARK: Readonly<Record<CheckStatus, string>> = { passed: "✔", failed: "✘", "not-completed": "○", error: "⚠", recorded: "✎" };

/** A case's mark in plain text and in a report's table. */
export function caseMark(c: { passed: boolean; recorded?: boolean }): string {
  return c.passed ? "✓" : c.recorded ? "✎" : "✗";
}

/** The colours of the statuses (GitHub's palette: readable on white). */
export const COLOR: Readonly<Record<CheckStatus, string>> = { passed: "#1a7f37", failed: "#cf222e", "not-completed": "#9a6700", error: "#cf222e", recorded: "#0969da" };

/** The shape inside each status's badge (a 16×16 view box). */
const SHAPE: Readonly<Record<CheckStatus, string>> = {
  passed: `<circle cx="8" cy="8" r="8" fill="${COLOR.passed}"/><path d="M4.2 8.4l2.6 2.6 5-5.4" fill="none" stroke="#fff" stroke-width="2"/>`,
  failed: `<circle cx="8" cy="8" r="8" fill="${COLOR.failed}"/><path d="M5 5l6 6M11 5l-6 6" stroke="#fff" stroke-width="2"/>`,
  "not-completed": `<circle cx="8" cy="8" r="6.5" fill="none" stroke="${COLOR["not-completed"]}" stroke-width="2"/><path d="M8 4.5V8l2.5 1.5" fill="none" stroke="${COLOR["not-completed"]}" stroke-width="1.6"/>`,
  error: `<path d="M8 1L15.5 15H.5z" fill="${COLOR.error}"/><path d="M8 6v4.5M8 12v1.5" stroke="#fff" stroke-width="1.8"/>`,
  recorded: `<circle cx="8" cy="8" r="8" fill="${COLOR.recorded}"/><path d="M4.5 11.5l.6-2.4 5-5 1.8 1.8-5 5z" fill="#fff"/>`,
};

/** A check's mark in HTML: an inline SVG badge (no font needed), named for screen readers by its status. */
export function htmlMark(status: CheckStatus): string {
  return `<svg class="course-mark" data-mark="${status}" role="img" aria-label="${status}" width="1em" height="1em" viewBox="0 0 16 16" style="vertical-align:-0.15em">${SHAPE[status]}</svg>`;
}

/**
 * Icons that render without an emoji font (lib/checks/marks.ts): every report a student or instructor reads —
 * a check's HTML and text report, a hint, a feedback page, the class summary — holds no emoji code point, which
 * shows as an empty box where no emoji font is installed. HTML marks are inline SVG, named by their status.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { lookupHint, renderHint, renderHintHtml, renderHtml, renderText, type CheckResult } from "../../lib/checks";
import type { CheckStatus } from "../../lib/checks/harness";
import { TEXT_MARK } from "../../lib/checks/marks";
import { lessonChecks } from "../../grading/check-catalogue";
import { feedbackHtml } from "../../grading/feedback";
import { summaryHtml } from "../../grading/summary";
import type { StudentGrades } from "../../grading/gradebook";
import type { CheckGrade } from "../../grading/types";

/** Emoji blocks (Misc Symbols and Pictographs … Symbols and Pictographs Extended-A), ✅, ❌, ⏳ and the emoji selector. */
const EMOJI = /[\u{1F300}-\u{1FAFF}\u{2705}\u{274C}\u{23F3}\u{FE0F}]/u;
const STATUSES: CheckStatus[] = ["passed", "failed", "not-completed", "error", "recorded"];

function result(status: CheckStatus): CheckResult {
  return {
    id: "01.sigmoid", points: status === "passed" ? 1 : 0, maxPoints: 1, passed: status === "passed", status, message: status,
    cases: [{ name: "zero", passed: true, input: "[0]", expected: "[0.5]", got: "[0.5]" }, { name: "large", passed: false, input: "[40]", expected: "[1]", got: "[0]", message: "wrong sign" }, { name: "quiz", passed: false, recorded: true, message: "recorded" }],
    hints: ["tier 1", "tier 2"],
  };
}

function emojiIn(text: string): string | null {
  const m = EMOJI.exec(text);
  return m ? `U+${(m[0].codePointAt(0) as number).toString(16).toUpperCase()} in …${text.slice(Math.max(0, m.index - 40), m.index + 10)}` : null;
}

describe("report marks without an emoji font", () => {
  it("a check's HTML and text reports, for every status", () => {
    for (const s of STATUSES) {
      const html = renderHtml(result(s));
      assert.equal(emojiIn(html), null, `${s} HTML`);
      assert.equal(emojiIn(renderText(result(s))), null, `${s} text`);
      // The HTML mark is drawn (inline SVG), named by its status; the text mark is the status's own.
      assert.match(html, new RegExp(`<svg class="course-mark" data-mark="${s}" role="img" aria-label="${s}"`));
      assert.ok(renderText(result(s)).startsWith(`${TEXT_MARK[s]} `));
    }
    assert.equal(new Set(Object.values(TEXT_MARK)).size, STATUSES.length, "each status its own text mark");
  });

  it("hints, feedback pages and the class summary", () => {
    const defs = lessonChecks("01-logistic-regression");
    for (const h of [lookupHint(defs, "01.sigmoid", 1), lookupHint(defs, "01.nothing", 1)]) {
      assert.equal(emojiIn(renderHint(h)), null);
      assert.equal(emojiIn(renderHintHtml(h)), null);
    }
    const checks: CheckGrade[] = STATUSES.map((s) => ({ ...result(s), status: s, id: `01.c${s}` }));
    checks.push({ id: "01.sigmoid.hidden", points: 0, maxPoints: 1, passed: false, status: "failed", hidden: true, message: "hidden check failed", hiddenCases: [{ name: "a", category: "large inputs", passed: false }] });
    checks.push({ id: "01.computeCost.hidden", points: 1, maxPoints: 1, passed: true, status: "passed", hidden: true, message: "hidden check passed" });
    const student: StudentGrades = { student: "ann", problems: [], notebooks: [{ path: "/c/ann/01-logistic-regression.ipynb", lesson: "01-logistic-regression", score: 1, maxScore: 7, checks, problems: [] }] };
    const page = feedbackHtml(student, { "01.cfailed": "a hint" });
    assert.equal(emojiIn(page), null, "feedback page");
    assert.match(page, /data-check-id="01\.sigmoid\.hidden"[^>]*><b><svg class="course-mark" data-mark="failed"/);
    assert.match(page, /data-check-id="01\.computeCost\.hidden"[^>]*><b><svg class="course-mark" data-mark="passed"/);
    assert.equal(emojiIn(summaryHtml([student, { student: "bob", problems: ["no notebook"], notebooks: [] }])), null, "summary");
  });
});

/**
 * lib/checks/report.ts: the HTML report embeds the result as JSON that graders
 * recover exactly, escapes whatever the messages contain, and the text report
 * says expected/got/hint on failure.
 */
import { describe, it, mock } from "node:test";
import * as assert from "node:assert/strict";
import type { CheckResult } from "../../lib/checks/harness";
import { RESULT_TAG, parseResults, renderHtml, renderText, report } from "../../lib/checks/report";

const failed: CheckResult = {
  id: "01.sigmoid",
  points: 0,
  maxPoints: 2,
  passed: false,
  status: "failed",
  message: "1 of 2 cases failed",
  hints: ["use Math.exp(-z)"],
  cases: [
    { name: "zero", passed: true, input: "[0]", expected: "[0.5]", got: "[0.5]", maxDiff: 0, tolerance: { atol: 1e-12, rtol: 1e-9 } },
    {
      name: "small <values>",
      passed: false,
      input: "[-1, 1]",
      expected: "[0.2689414214, 0.7310585786]",
      got: "[0.7310585786, 0.2689414214]",
      maxDiff: 0.4621171572600098,
      tolerance: { atol: 1e-12, rtol: 1e-9 },
      message: "0.7310585786 ≠ 0.2689414214 at [0] (difference 0.4621171573 > tolerance 2.699414214e-10) (and 1 more element)",
    },
  ],
};

const passed: CheckResult = {
  id: "01.cost", points: 2, maxPoints: 2, passed: true, status: "passed", message: "all 1 cases passed", hints: ["never shown when passed"],
  cases: [{ name: "c", passed: true, input: "[1]", expected: "0.25", got: "0.25", maxDiff: 0, tolerance: { atol: 1e-12, rtol: 1e-9 } }],
};

const count = (s: string, sub: string): number => s.split(sub).length - 1;

describe("renderHtml / parseResults", () => {
  it("the embedded JSON is recovered exactly by parseResults", () => {
    assert.deepEqual(parseResults(renderHtml(failed)), [failed]);
    assert.deepEqual(parseResults(renderHtml(passed)), [passed]);
  });

  it("several reports in one output are all recovered, in order; other HTML yields none", () => {
    const html = `<p>before</p>${renderHtml(passed)}<div>between</div>${renderHtml(failed)}<script>var x = 1;</script>`;
    assert.deepEqual(parseResults(html), [passed, failed]);
    assert.deepEqual(parseResults("<div>no results</div><script type=\"application/json\">{}</script>"), []);
  });

  it("the JSON sits in a <script> of the course's type with the id and status as attributes", () => {
    const html = renderHtml(failed);
    assert.equal(RESULT_TAG, "application/vnd.course.check+json");
    assert.ok(html.includes(`<script type="${RESULT_TAG}">`));
    assert.match(html, /^<div class="course-check" data-check-id="01\.sigmoid" data-status="failed">/);
  });

  it("markup in messages, names and ids is escaped in the visible part and cannot end the JSON script early", () => {
    const evil: CheckResult = {
      id: "01.<b>x</b>", points: 0, maxPoints: 1, passed: false, status: "failed",
      message: "</script><script>alert(1)</script>", hints: ["<img src=x onerror=alert(2)>"],
      cases: [{ name: "<i>n</i>", passed: false, input: "<u>", expected: "\"q\" & <", got: "</script>", message: "<script>alert(3)</script>" }],
    };
    const html = renderHtml(evil);
    assert.equal(count(html, "<script"), 1, "only the report's own <script> tag");
    assert.equal(count(html, "</script"), 1, "only the report's own closing tag");
    assert.equal(count(html, "<img"), 0);
    assert.equal(count(html, "<i>"), 0);
    assert.ok(html.includes("&lt;script&gt;alert(3)&lt;/script&gt;"));
    assert.ok(html.includes("&lt;img src=x onerror=alert(2)&gt;"));
    assert.ok(html.includes("&quot;q&quot; &amp; &lt;"));
    assert.ok(html.includes('data-check-id="01.&lt;b&gt;x&lt;/b&gt;"'));
    assert.deepEqual(parseResults(html), [evil]);
  });

  it("a failed report shows the hint; passed and not-completed ones do not", () => {
    assert.ok(renderHtml(failed).includes("<b>Hint:</b> use Math.exp(-z)"));
    assert.ok(!renderHtml(passed).includes("Hint:"));
    const pending: CheckResult = { ...failed, status: "not-completed", message: "sigmoid is not completed yet", cases: [] };
    const html = renderHtml(pending);
    assert.ok(!html.includes("Hint:"));
    assert.ok(!html.includes("<table"), "no empty case table");
    assert.match(html, /<svg class="course-mark" data-mark="not-completed"[^]*?<\/svg> 01\.sigmoid: sigmoid is not completed yet/);
  });

  it("a case's message takes its case's colour: green when passed (a right quiz answer's explanation), blue when recorded, red when failed", () => {
    const result: CheckResult = {
      id: "04.quiz.x", points: 1, maxPoints: 2, passed: false, status: "failed", message: "judged",
      cases: [
        { name: "right", passed: true, got: '"b"', message: "RIGHT-EXPLAINED" },
        { name: "recorded", passed: false, recorded: true, got: '"a"', message: "RECORDED-NOTE" },
        { name: "wrong", passed: false, got: '"c"', message: "WRONG-EXPLAINED" },
      ],
    };
    const html = renderHtml(result);
    const colourOf = (text: string): string | undefined => new RegExp(`<div style="color:(#[0-9a-f]{6})">${text}</div>`).exec(html)?.[1];
    assert.equal(colourOf("RIGHT-EXPLAINED"), "#1a7f37");
    assert.equal(colourOf("RECORDED-NOTE"), "#0969da");
    assert.equal(colourOf("WRONG-EXPLAINED"), "#cf222e");
  });

  it("a NaN maxDiff is left blank in the table and comes back from the JSON as null", () => {
    const r: CheckResult = { ...failed, cases: [{ name: "nan", passed: false, expected: "1", got: "NaN", maxDiff: NaN, message: "got NaN" }] };
    const html = renderHtml(r);
    assert.ok(html.includes("<td></td><td></td></tr>"), "empty max-diff and tolerance cells");
    assert.equal(parseResults(html)[0]?.cases[0]?.maxDiff, null);
  });
});

describe("renderText", () => {
  it("a failure lists each case with input, expected, got, max diff, tolerance, the message and the hint", () => {
    const text = renderText(failed);
    const lines = text.split("\n");
    assert.equal(lines[0], "✘ 01.sigmoid failed — 1 of 2 cases failed (0/2 points)");
    assert.equal(lines[1], "  ✓ zero  input: [0]");
    assert.equal(lines[2], "      expected [0.5]  got [0.5] maxdiff=0 tol atol=1e-12 rtol=1e-9");
    assert.equal(lines[3], "  ✗ small <values>  input: [-1, 1]");
    assert.equal(lines[4], "      expected [0.2689414214, 0.7310585786]  got [0.7310585786, 0.2689414214] maxdiff=0.4621171573 tol atol=1e-12 rtol=1e-9");
    assert.equal(lines[5], `      ${failed.cases[1]?.message}`);
    assert.equal(lines[6], "  Hint: use Math.exp(-z)");
    assert.equal(lines.length, 7);
  });

  it("a pass has no hint; points are singular for 1 point", () => {
    const text = renderText(passed);
    assert.match(text, /^✔ 01\.cost passed — all 1 cases passed \(2\/2 points\)/);
    assert.doesNotMatch(text, /Hint/);
    assert.match(renderText({ ...passed, points: 1, maxPoints: 1 }), /\(1\/1 point\)$/m);
  });

  it("a failed case without got or with an infinite diff still reads sensibly", () => {
    const r: CheckResult = { ...failed, cases: [{ name: "threw", passed: false, input: "[1]", expected: "[2]", maxDiff: Infinity, message: "f threw TypeError: x" }] };
    const lines = renderText(r).split("\n");
    assert.equal(lines[2], "      expected [2]  got —");
    assert.equal(lines[3], "      f threw TypeError: x");
  });

  it("not-completed and error results use their own icon and no hint", () => {
    const pending = renderText({ ...failed, status: "not-completed", message: "sigmoid is not completed yet", cases: [] });
    assert.equal(pending, "○ 01.sigmoid: sigmoid is not completed yet");
    const error = renderText({ ...failed, status: "error", message: "the check could not run: Error: x", cases: [] });
    assert.equal(error, "⚠ 01.sigmoid: the check could not run: Error: x");
  });

  it("report() prints the text outside a kernel", () => {
    const logged: string[] = [];
    const spy = mock.method(console, "log", (...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    try {
      report(failed);
    } finally {
      spy.mock.restore();
    }
    assert.deepEqual(logged, [renderText(failed)]);
  });
});

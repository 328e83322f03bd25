/**
 * Feedback pages and the class summary from synthetic grades: per-case tables (as the sandboxed
 * grader fills `cases`) drawn by the notebook's own renderer, hidden checks
 * reduced to pass/fail and a verdict even when the grade carries their cases,
 * and every student-controlled string escaped.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { parseResults } from "../../lib/checks";
import { failedCategories, failedCategoriesText, feedbackHtml, hiddenMessage } from "../../grading/feedback";
import { failureKind, summarize } from "../../grading/summary";
import { gradescopeResults } from "../../grading/gradescope-results";
import type { StudentGrades } from "../../grading/gradebook";
import type { CheckGrade, NotebookGrade } from "../../grading/types";

const XSS = "<script>alert(1)</script>";

function grade(checks: CheckGrade[], extra: Partial<NotebookGrade> = {}): NotebookGrade {
  return { path: `/class/${XSS}/01-logistic-regression.ipynb`, lesson: "01-logistic-regression", score: checks.reduce((s, c) => s + c.points, 0), maxScore: checks.reduce((s, c) => s + c.maxPoints, 0), checks, problems: [], ...extra };
}

const visible: CheckGrade = {
  id: "01.sigmoid", points: 0, maxPoints: 1, passed: false, status: "failed", message: `1 of 2 cases failed; first: zero: ${XSS}`,
  cases: [
    { name: "zero", passed: false, input: "[0]", expected: "[0.5]", got: XSS, maxDiff: 0.5, tolerance: { atol: 1e-12, rtol: 1e-9 }, message: XSS },
    { name: "large", passed: true, input: "[40]", expected: "[1]", got: "[1]", maxDiff: 0, tolerance: { atol: 1e-12, rtol: 1e-9 } },
  ],
};
const hidden: CheckGrade = {
  id: "01.sigmoid.hidden", points: 0, maxPoints: 1, passed: false, status: "failed", hidden: true,
  message: "1 of 2 cases failed; first: other values: 0.5 ≠ 0.9990889488 at [3]",
  cases: [{ name: "other values", passed: false, input: "[-5.5, -0.25, 0.125, 7, 40]", expected: "[0.004070137716, 0.9990889488]", got: "[0.5]", maxDiff: 0.5 }],
};

describe("feedback pages", () => {
  const student: StudentGrades = { student: `eve${XSS}`, notebooks: [grade([visible, hidden], { problems: [XSS], execution: { ran: true, seconds: 3, counts: { ok: 2, error: 1 }, message: `2 ok, 1 error; ${XSS}` } })], problems: [] };
  const html = feedbackHtml(student, { "01.sigmoid": "σ(z) = 1/(1+e^(−z)) <b>", "01.sigmoid.hidden": "secret hint" });

  it("draws visible checks with the notebook's renderer: per-case table, hint, embedded result", () => {
    const results = parseResults(html);
    assert.deepEqual(results.map((r) => r.id), ["01.sigmoid"], "only the visible check embeds its result");
    assert.equal(results[0]?.cases.length, 2);
    assert.match(html, /<th>input<\/th><th>expected<\/th><th>got<\/th>/);
    assert.match(html, /<b>Hint:<\/b> σ\(z\) = 1\/\(1\+e\^\(−z\)\) &lt;b&gt;/);
  });

  it("hidden checks: pass/fail and a verdict, never cases, inputs, expected values or hints", () => {
    for (const leak of ["0.9990889488", "-5.5", "0.004070137716", "other values", "secret hint"]) assert.ok(!html.includes(leak), `leaks ${leak}`);
    assert.match(html, /01\.sigmoid\.hidden<\/b> \(hidden check, 0\/1\) — failed \(its cases are not shown\)</);
    // The words come from the status alone: no message text, whatever it holds, ever reaches the page.
    assert.equal(hiddenMessage({ ...hidden, message: "[-5.5, 40] did not finish" }), "failed (its cases are not shown)");
    assert.equal(hiddenMessage({ ...hidden, status: "error", message: "sigmoid threw Error: [-5.5, 0.125]" }), "failed (its cases are not shown)");
    assert.equal(hiddenMessage({ ...hidden, status: "not-completed", message: "sigmoid threw Error: [-5.5] not completed yet" }), "not completed yet");
    assert.equal(hiddenMessage({ ...hidden, status: "stopped", stop: "timeout", message: "01.sigmoid.hidden [-5.5]" }), "did not finish within the time limit (an infinite loop?)");
    assert.equal(hiddenMessage({ ...hidden, status: "stopped", stop: "out-of-memory", message: "" }), "ran out of memory");
    assert.equal(hiddenMessage({ ...hidden, status: "missing", message: "sigmoid is not defined: [-5.5]" }), "its function was not defined when the check ran");
  });

  it("a failed hidden check names the categories of its failed cases, never their names, inputs or expected values", () => {
    const graded: CheckGrade = {
      ...hidden,
      hiddenCases: [
        { name: "other values", category: "moderate and large inputs", passed: true },
        { name: "[-1000]", category: `large logits ${XSS}`, passed: false, mistake: "wrong-sign" },
        { name: "0.6443966600735709", category: `large logits ${XSS}`, passed: false },
        { name: "uncategorised", passed: false },
      ],
    };
    assert.deepEqual(failedCategories(graded), [{ category: `large logits ${XSS}`, cases: 2 }, { category: null, cases: 1 }]);
    assert.equal(failedCategoriesText({ ...graded, hiddenCases: graded.hiddenCases?.slice(0, 2) }), `large logits ${XSS}`);
    const page = feedbackHtml({ student: "eve", problems: [], notebooks: [grade([graded])] });
    const items = [...page.matchAll(/<li class="hidden-category" data-category="([^"]*)" data-cases="(\d+)">/g)].map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(items, [["large logits &lt;script&gt;alert(1)&lt;/script&gt;", 2], ["", 1]]);
    for (const leak of ["moderate and large inputs", "[-1000]", "0.6443966600735709", "uncategorised", "other values", "-5.5", "0.9990889488", XSS]) assert.ok(!page.includes(leak), `leaks ${leak}`);
    // Gradescope's test for the check shows the same.
    const test = gradescopeResults([grade([graded])]).tests.find((t) => t.name === "01.sigmoid.hidden");
    assert.deepEqual([...(test?.output ?? "").matchAll(/<li class="hidden-category" data-category="([^"]*)"/g)].map((m) => m[1]), ["large logits &lt;script&gt;alert(1)&lt;/script&gt;", ""]);
    // A passed hidden check lists no category.
    const passed = feedbackHtml({ student: "eve", problems: [], notebooks: [grade([{ ...graded, passed: true, points: 1, status: "passed" }])] });
    assert.ok(!passed.includes("hidden-category"));
  });

  it("escapes every student-controlled string; the only scripts are inert data", () => {
    assert.ok(!html.includes(XSS));
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1] ?? "");
    assert.ok(scripts.length >= 1 && scripts.every((a) => a.includes('type="application/vnd.course.check+json"')), scripts.join(" | "));
    assert.ok(!/<script[^>]*>[^<]*<\/script>[^]*<script>alert/.test(html));
    assert.match(html, /Feedback for eve&lt;script&gt;/);
    assert.match(html, /Run top to bottom in a fresh kernel in 3\.0 s:/);
  });
});

describe("class summary", () => {
  it("groups failures that differ only in their numbers, most frequent first", () => {
    const wrong = (got: string): CheckGrade => ({ id: "01.sigmoid", points: 0, maxPoints: 1, passed: false, status: "failed", message: `2 of 4 cases failed; first: small values: ${got} ≠ 0.2689414214 at [0]` });
    const students: StudentGrades[] = [
      { student: "a", problems: [], notebooks: [grade([wrong("0.7310585786")])] },
      { student: "b", problems: [], notebooks: [grade([wrong("0.5")])] },
      { student: "c", problems: [], notebooks: [grade([{ ...wrong(""), status: "not-completed", message: "not completed yet" }])] },
      { student: "d", problems: [], notebooks: [grade([{ ...wrong(""), passed: true, points: 1, status: "passed", message: "all 4 cases passed" }])] },
    ];
    const [s] = summarize(students);
    assert.equal(s?.students, 4);
    assert.equal(s?.passed, 1);
    assert.deepEqual(s?.failures.map((f) => f.count), [2, 1]);
    assert.match(s?.failures[0]?.message ?? "", /0\.7310585786 ≠/);
    assert.equal(failureKind("1 of 2 cases failed; first: w=[1,-2.5e-3]: 3 ≠ 4"), "# of # cases failed; first: w=[#,#]: # ≠ #");
  });
});

/**
 * The execution report as data (grading/execution-report.ts), from runner
 * outputs written here: which reports count (whole, and the runner exited on
 * its own), the failed cells with their number and first error line, the cells
 * they stopped; and how that reaches the feedback page, the class summary's
 * Problems and the gradebook's execution column (asserted on data attributes,
 * the summary's embedded JSON and CSV fields). The same, end to end through
 * the grader and a real kernel: test/grading/class.test.ts (a syntax error)
 * and test/grading/sandbox.test.ts (a submission that forges its report).
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { cellProblems, executionSummary, firstLine, parseRunReport, FIRST_LINE_LIMIT } from "../../grading/execution-report";
import { feedbackHtml } from "../../grading/feedback";
import { gradebookCsv } from "../../grading/gradebook";
import { summaryHtml } from "../../grading/summary";
import type { StudentGrades } from "../../grading/gradebook";
import type { ExecutionReport, NotebookGrade } from "../../grading/types";
import { htmlAttributes } from "../helpers/grading";

const XSS = `<img src=x onerror="alert(1)">`;

/** A runner's output: a markdown cell, then code cells with these statuses and stderr. */
function runJson(cells: [string, string][], extra: Record<string, unknown> = { complete: true }): string {
  const all = [{ index: 0, type: "markdown", status: "markdown", stderr: "" }, ...cells.map(([status, stderr], i) => ({ index: i + 1, type: "code", status, stderr }))];
  return JSON.stringify({ notebook: "/x.ipynb", error: null, cells: all, ...extra });
}

const SYNTAX: [string, string][] = [["ok", ""], ["error", "\n2:39 - ')' expected.\n3:1 - Declaration or statement expected.\n"], ["abort", ""], ["abort", ""]];
const EXITED = { code: 0, signal: null };

describe("parseRunReport: which reports count", () => {
  it("a whole report from a runner that exited: the failed cell (1-based, markdown counted), its first error line, the cells it stopped", () => {
    const r = parseRunReport(runJson(SYNTAX), EXITED, 2, "");
    assert.equal(r.ran, true);
    assert.deepEqual(r.errors, [{ cell: 3, status: "error", firstLine: "2:39 - ')' expected." }]);
    assert.equal(r.aborted, 2);
    assert.deepEqual(r.counts, { ok: 1, error: 1, abort: 2 });
  });

  it("a runner killed by a signal (seen directly, or as bwrap's 128 + signal) gives no report, even a whole one", () => {
    for (const exit of [{ code: null, signal: "SIGKILL" as const }, { code: 137, signal: null }]) {
      const r = parseRunReport(runJson([["ok", ""], ["ok", ""]]), exit, 2, "");
      assert.equal(r.ran, false);
      assert.equal(r.reason, "runner-stopped");
      assert.equal(r.counts, undefined);
    }
  });

  it("a report without its end marker, cut off, or not an object does not count", () => {
    const whole = runJson([["ok", ""]]);
    for (const text of [runJson([["ok", ""]], {}), runJson([["ok", ""]], { complete: "yes" }), whole.slice(0, -1), "", "[1]", "null"]) {
      const r = parseRunReport(text, EXITED, 1, "boom");
      assert.equal(r.ran, false, text);
      assert.equal(r.reason, "no-report");
    }
    assert.equal(parseRunReport(whole, EXITED, 1, "").ran, true);
  });

  it("a timeout: the cell, its status, the cells never sent", () => {
    const r = parseRunReport(runJson([["ok", ""], ["timeout", ""], ["not-run", ""]]), EXITED, 1, "");
    assert.deepEqual(r.errors, [{ cell: 3, status: "timeout", firstLine: "" }]);
    assert.equal(r.aborted, 1);
    assert.equal(executionSummary(r), "cell 3: timeout (+1 aborted)");
  });

  it("--keep-going runs list every failed cell; a clean run has none", () => {
    const r = parseRunReport(runJson([["error", "a"], ["ok", ""], ["error", "b"]]), EXITED, 1, "");
    assert.deepEqual(r.errors?.map((e) => [e.cell, e.firstLine]), [[2, "a"], [4, "b"]]);
    assert.equal(r.aborted, 0);
    const clean = parseRunReport(runJson([["ok", ""], ["ok", "a warning on stderr"]]), EXITED, 1, "");
    assert.deepEqual(clean.errors, []);
    assert.equal(executionSummary(clean), "ok");
  });

  it("untrusted fields: first lines bounded to one line without control characters, statuses bounded, at most 20 errors", () => {
    assert.equal(firstLine(`\n  \r\n  x\u001b[31m\u2028y  \nz`), "x [31m y");
    assert.equal(firstLine("é".repeat(5000)).length, FIRST_LINE_LIMIT);
    const many = parseRunReport(runJson(Array.from({ length: 30 }, () => ["e".repeat(100), "x"] as [string, string])), EXITED, 1, "");
    assert.equal(many.errors?.length, 20);
    assert.equal(many.errors?.[0]?.status, "e".repeat(20));
    const odd = cellProblems([{ type: "code", status: 5, index: "7" }, null, "x"]);
    assert.deepEqual(odd.errors, [{ cell: 1, status: "unknown", firstLine: "" }]);
  });
});

function notebook(execution: ExecutionReport | undefined): NotebookGrade {
  return { path: `/class/${XSS}/01-logistic-regression.ipynb`, lesson: "01-logistic-regression", score: 1, maxScore: 1, checks: [{ id: "01.sigmoid", points: 1, maxPoints: 1, passed: true, status: "passed", message: "all cases passed" }], problems: [], ...(execution ? { execution } : {}) };
}

const failed = parseRunReport(runJson([["ok", ""], ["error", `1:5 - ${XSS}`], ["abort", ""]]), EXITED, 3, "");
const students: StudentGrades[] = [
  { student: "ann", notebooks: [notebook(parseRunReport(runJson([["ok", ""]]), EXITED, 3, ""))], problems: [] },
  { student: `bob${XSS}`, notebooks: [notebook(failed)], problems: [] },
  { student: "cat", notebooks: [notebook({ ran: false, reason: "runner-stopped", seconds: 1, message: "stopped" })], problems: [] },
  { student: "dan", notebooks: [notebook(undefined)], problems: [] },
];

describe("the failed cell in the feedback page, the summary's Problems and the gradebook", () => {
  it("feedback: the cell number, status and first line as data, escaped", () => {
    const html = feedbackHtml(students[1] as StudentGrades);
    assert.ok(!html.includes(XSS), "escaped");
    assert.deepEqual(htmlAttributes(html, /class="exec-error"/).map((a) => [a["data-cell"], a["data-status"], a["data-first-line"]]), [["3", "error", `1:5 - ${XSS}`]]);
    assert.deepEqual(htmlAttributes(html, /class="execution"/).map((a) => [a["data-ran"], a["data-aborted"]]), [["true", "1"]]);
    assert.deepEqual(htmlAttributes(feedbackHtml(students[0] as StudentGrades), /class="exec-error"/), [], "a clean run lists no cell");
  });

  it("summary: one Problems entry per notebook whose run failed or was stopped, as data and in the embedded JSON", () => {
    const html = summaryHtml(students);
    assert.ok(!html.includes(XSS), "escaped");
    const items = htmlAttributes(html, /data-kind="execution"/);
    assert.deepEqual(items.map((a) => [a["data-student"], a["data-ran"], a["data-cell"], a["data-first-line"], a["data-aborted"], a["data-reason"]]), [
      [`bob${XSS}`, "true", "3", `1:5 - ${XSS}`, "1", undefined],
      ["cat", "false", undefined, undefined, "0", "runner-stopped"],
    ]);
    assert.match(html, /<h2>Problems \(2\)<\/h2>/);
    const data = JSON.parse(/<script type="application\/json" id="class-summary">([^<]*)<\/script>/.exec(html)?.[1] ?? "{}") as { execution: { student: string; errors: unknown[]; aborted: number }[] };
    assert.deepEqual(data.execution.map((p) => [p.student, p.errors, p.aborted]), [[`bob${XSS}`, [{ cell: 3, status: "error", firstLine: `1:5 - ${XSS}` }], 1], ["cat", [], 0]]);
  });

  it("gradebook.csv: an execution column per lesson after the total", () => {
    const rows = gradebookCsv(students).trim().split("\r\n");
    assert.equal(rows[0], "student,01.sigmoid,total,execution 01-logistic-regression");
    assert.equal(rows[1], "Points Possible,1,1,");
    assert.deepEqual(rows.slice(2).map((r) => r.split(",").slice(3).join(",")), ["ok", `"cell 3: 1:5 - ${XSS.replace(/"/g, '""')} (+1 aborted)"`, "did not run: stopped", ""]);
  });
});

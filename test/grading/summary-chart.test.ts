/**
 * The class summary's chart (grading/summary.ts), read as data: the figure's layout gives its long check-id
 * labels room (tilted, automargin) instead of clipping them, and the page carries the plotly bundle without the
 * notebooks' "loaded for this session" line.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { summaryHtml } from "../../grading/summary";
import type { StudentGrades } from "../../grading/gradebook";

const students: StudentGrades[] = [
  { student: "ann", problems: [], notebooks: [{ path: "/c/ann.ipynb", lesson: "04-softmax", score: 1, maxScore: 2, problems: [], checks: [
    { id: "04.binaryCrossentropyFromLogits", points: 1, maxPoints: 1, passed: true, status: "passed", message: "" },
    { id: "04.sparseCategoricalCrossentropy", points: 0, maxPoints: 1, passed: false, status: "failed", message: "1 of 3 cases failed" },
  ] }] },
];

describe("summary.html's chart", () => {
  const html = summaryHtml(students);
  it("tilts the check ids and lets plotly grow the margins to fit them", () => {
    const fig = JSON.parse(/fig = (\{.*?\}), tries = 0/s.exec(html)?.[1] ?? "null") as { data: { x: string[] }[]; layout: { xaxis: { tickangle?: number; automargin?: boolean }; yaxis: { automargin?: boolean } } };
    assert.deepEqual(fig.data[0]?.x, ["04.binaryCrossentropyFromLogits", "04.sparseCategoricalCrossentropy"]);
    assert.deepEqual([fig.layout.xaxis.tickangle, fig.layout.xaxis.automargin, fig.layout.yaxis.automargin], [-45, true, true]);
  });
  it("inlines plotly without the notebooks' session note", () => {
    assert.match(html, /<script type="text\/javascript">[^]*plotly\.js v\d/);
    assert.ok(!html.includes('class="course-plotly-note"'));
  });
});

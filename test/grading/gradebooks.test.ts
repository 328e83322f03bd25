/**
 * The class gradebooks written from graded notebooks (no grading here: the
 * grades are built in the test), parsed back as CSV: gradebook.csv's
 * points-possible row, Canvas's and Moodle's import files. What Moodle's CSV
 * import needs is in docs/grading.md ("Import the gradebook").
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { canvasCsv, gradebookCsv, moodleCsv, POINTS_POSSIBLE, type StudentGrades } from "../../grading/gradebook";
import type { CheckGrade, NotebookGrade } from "../../grading/types";
import { parseCsv } from "../helpers/grading";

function check(id: string, points: number, maxPoints: number, hidden = false): CheckGrade {
  return { id, points, maxPoints, passed: points === maxPoints, status: points === maxPoints ? "passed" : "failed", message: "", ...(hidden ? { hidden } : {}) };
}

function notebook(lesson: string, checks: CheckGrade[]): NotebookGrade {
  const score = checks.reduce((t, c) => t + c.points, 0);
  return { path: `/class/${lesson}.ipynb`, lesson, score, maxScore: checks.reduce((t, c) => t + c.maxPoints, 0), checks, problems: [] };
}

const L1 = "01-logistic-regression";
const L3 = "03-activations";
const students: StudentGrades[] = [
  { student: "ann", notebooks: [notebook(L1, [check("01.sigmoid", 2, 2), check("01.sigmoid.hidden", 1, 1, true)]), notebook(L3, [check("03.relu", 3, 3)])], problems: [] },
  // Two notebooks for lesson 01: the better one counts.
  { student: "bob", notebooks: [notebook(L1, [check("01.sigmoid", 0, 2), check("01.sigmoid.hidden", 0, 1, true)]), notebook(L1, [check("01.sigmoid", 2, 2), check("01.sigmoid.hidden", 0, 1, true)])], problems: [] },
  { student: "=cmd", notebooks: [], problems: ["empty folder"] },
];

describe("gradebook.csv", () => {
  it("has a Points Possible row under the header: each check's maximum and the total's, the execution columns empty", () => {
    const rows = parseCsv(gradebookCsv(students));
    assert.deepEqual(rows[0], ["student", "01.sigmoid", "01.sigmoid.hidden", "03.relu", "total", `execution ${L1}`, `execution ${L3}`]);
    assert.deepEqual(rows[1], [POINTS_POSSIBLE, "2", "1", "3", "6", "", ""]);
    assert.deepEqual(rows.slice(2).map((r) => r.slice(0, 5)), [["ann", "2", "1", "3", "6"], ["bob", "2", "0", "", "2"], ["'=cmd", "", "", "", "0"]]);
  });
});

describe("gradebook-canvas.csv", () => {
  it("Canvas's columns, a Points Possible row per lesson, the login id in SIS Login ID", () => {
    const rows = parseCsv(canvasCsv(students));
    assert.deepEqual(rows, [
      ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lesson 01 (points)", "Lesson 03 (points)"],
      [POINTS_POSSIBLE, "", "", "", "", "3", "3"],
      ["ann", "", "", "ann", "", "3", "3"],
      ["bob", "", "", "bob", "", "2", ""],
      ["'=cmd", "", "", "'=cmd", "", "", ""],
    ]);
  });
});

describe("gradebook-moodle.csv", () => {
  it("Username and one column per lesson, every row below the header a student (Moodle stops an import at a row it cannot map to a user)", () => {
    const rows = parseCsv(moodleCsv(students));
    assert.deepEqual(rows, [
      ["Username", "Lesson 01", "Lesson 03"],
      ["ann", "3", "3"],
      ["bob", "2", ""],
      ["'=cmd", "", ""],
    ]);
  });
});

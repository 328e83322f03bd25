/**
 * "Unchanged from the handout" (grading/handout.ts): a notebook whose code is its lesson's student edition, for
 * any place it is made for, is recognised; one edited exercise, or the solution, is an attempt. The grader's
 * record of it (`unchanged` in --json's results) is asserted on test/grading/grade.test.ts's adversarial run,
 * which grades the student edition and the solution anyway; class.test.ts asserts it in grades.json.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { studentEdition } from "../../editions/editions";
import { readNotebook } from "../../editions/notebook";
import { unchangedFromHandout } from "../../grading/handout";
import { sourceNotebook } from "../helpers/notebooks";
import { withExercise } from "../helpers/grading";

const SLUG = "01-logistic-regression";
const source = () => readNotebook(sourceNotebook(SLUG));

describe("unchanged from the handout", () => {
  it("recognises every place's student edition, not an attempt or the solution", () => {
    for (const place of ["student", "notebooks", "browser"] as const) assert.equal(unchangedFromHandout(studentEdition(source(), `notebooks/${SLUG}.ipynb`, place), SLUG), true, place);
    const tried = withExercise(studentEdition(source(), `notebooks/${SLUG}.ipynb`), "sigmoid", "function sigmoid(z: number[]): number[] {\n    return z;\n}");
    assert.equal(unchangedFromHandout(tried, SLUG), false);
    assert.equal(unchangedFromHandout(source(), SLUG), false);
  });
});

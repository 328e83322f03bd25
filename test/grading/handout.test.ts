/**
 * "Unchanged from the handout" (grading/handout.ts): a notebook whose code is its lesson's student edition, for
 * any place it is made for, is recognised; one edited exercise, or the solution, is an attempt. Then through
 * `npm run grade -- --json` (scores only): the untouched student edition is graded `unchanged: true`, the
 * solution `false`.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { studentEdition } from "../../editions/editions";
import { readNotebook, writeNotebook } from "../../editions/notebook";
import { unchangedFromHandout } from "../../grading/handout";
import { OUT, sourceNotebook } from "../helpers/notebooks";
import { runGrade, withExercise } from "../helpers/grading";

const SLUG = "01-logistic-regression";
const source = () => readNotebook(sourceNotebook(SLUG));

describe("unchanged from the handout", () => {
  it("recognises every place's student edition, not an attempt or the solution", () => {
    for (const place of ["student", "notebooks", "browser"] as const) assert.equal(unchangedFromHandout(studentEdition(source(), `notebooks/${SLUG}.ipynb`, place), SLUG), true, place);
    const tried = withExercise(studentEdition(source(), `notebooks/${SLUG}.ipynb`), "sigmoid", "function sigmoid(z: number[]): number[] {\n    return z;\n}");
    assert.equal(unchangedFromHandout(tried, SLUG), false);
    assert.equal(unchangedFromHandout(source(), SLUG), false);
  });

  it("npm run grade -- --json records it per notebook", () => {
    const dir = path.join(OUT, `handout-${process.pid}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    writeNotebook(path.join(dir, "blank.ipynb"), studentEdition(source(), `notebooks/${SLUG}.ipynb`));
    writeNotebook(path.join(dir, "done.ipynb"), source());
    const r = runGrade(["--no-execute", "--json", path.join(dir, "grades.json"), path.join(dir, "blank.ipynb"), path.join(dir, "done.ipynb")]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, "grades.json"), "utf8")) as { notebooks: { path: string; unchanged: boolean; score: number }[] };
    assert.deepEqual(doc.notebooks.map((n) => [path.basename(n.path), n.unchanged]), [["blank.ipynb", true], ["done.ipynb", false]]);
  });
});

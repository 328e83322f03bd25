/**
 * `npm test` starts the slowest test files first (two run at a time), and the
 * rest by name, so both slots stay busy to the end.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { once } from "events";
import * as path from "path";
import { lessonCells, namesLesson, selectTestFiles, startOrder } from "../../setup/test";
import { startCellCacheWarm, warmCellCache, ROOT } from "../../setup/jupyter";
import { studentEdition } from "../../setup/editions";
import { codeSources, readNotebook } from "../../setup/notebook";
import { lessonSlugs } from "../../lib/lessons";

describe("npm test's start order", () => {
  it("browser first, then the scaffolding test, lesson 05, grading, the other lessons; the rest by name", () => {
    const files = ["b/test/training/fit.test.js", "b/test/lessons/01-x.test.js", "b/test/checks/compare.test.js", "b/test/lessons/05-adam.test.js", "b/test/grading/grade.test.js", "b/test/browser/front-ends.test.js", "b/test/tools/new-lesson.test.js", "b/test/lessons/02-y.test.js"];
    assert.deepEqual(startOrder(files), ["b/test/browser/front-ends.test.js", "b/test/tools/new-lesson.test.js", "b/test/lessons/05-adam.test.js", "b/test/grading/grade.test.js", "b/test/lessons/01-x.test.js", "b/test/lessons/02-y.test.js", "b/test/checks/compare.test.js", "b/test/training/fit.test.js"]);
  });

  it("keeps every file exactly once", () => {
    const files = ["z.test.js", "a.test.js", "b/test/lessons/03.test.js"];
    assert.deepEqual([...startOrder(files)].sort(), [...files].sort());
  });

  it("warms the cell cache with every lesson and its student edition, lesson 05 and then 01 first (the files that start first run them)", () => {
    const order = ["05", "01", ...lessonSlugs().map((s) => s.slice(0, 2)).filter((n) => n !== "05" && n !== "01")];
    const expected = order.flatMap((n) => {
      const slug = lessonSlugs().find((s) => s.startsWith(n)) as string;
      const nb = readNotebook(path.join(ROOT, "notebooks", `${slug}.ipynb`));
      return [codeSources(nb), codeSources(studentEdition(nb, `notebooks/${slug}.ipynb`))];
    });
    assert.deepEqual(lessonCells(), expected);
  });

  it("the background warm compiles notebooks into the course's cell cache, where the next look finds every cell", async () => {
    const token = `bg${process.pid}_${Date.now()}`;
    const notebooks = [[`const ${token}: number = 1;\n`, `const next_${token}: number = ${token} + 1;\n`], [`const other_${token}: string = "a";\n`]];
    const child = startCellCacheWarm(notebooks);
    assert.ok(child, "the warm started");
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 0);
    const again = warmCellCache(notebooks);
    assert.deepEqual(again && { compiled: again.compiled, cached: again.cached, written: again.written }, { compiled: 3, cached: 3, written: 0 });
  });
});

describe("npm test's file selection", () => {
  const slugs = ["01-logistic-regression", "08-batch-norm"];
  const files = ["test/lessons/01-logistic-regression.test.js", "test/lessons/08-batch-norm.test.js", "test/notebooks.test.js", "test/tools/expected.test.js", "test/tools/new-lesson.test.js", "test/grading/grade.test.js", "test/student/notebooks.test.js"];

  it("a lesson's slug, number or slug prefix names the lesson; other filters do not", () => {
    for (const f of ["08-batch-norm", "08", "08-batch", "lessons/08-batch-norm", "test/lessons/08"]) assert.equal(namesLesson(f, slugs), true, f);
    for (const f of ["09", "grading", "notebooks.test", "8-batch", "08-batch-normx", "080"]) assert.equal(namesLesson(f, slugs), false, f);
  });

  it("one lesson runs its tests with the notebook conventions and the expected values' staleness test", () => {
    assert.deepEqual(selectTestFiles(files, ["08-batch-norm"], slugs, false), ["test/lessons/08-batch-norm.test.js", "test/notebooks.test.js", "test/tools/expected.test.js"]);
    assert.deepEqual(selectTestFiles(files, ["08"], slugs, false), ["test/lessons/08-batch-norm.test.js", "test/notebooks.test.js", "test/tools/expected.test.js"]);
  });

  it("a filter that names no lesson takes only the files it matches", () => {
    assert.deepEqual(selectTestFiles(files, ["grading/"], slugs, false), ["test/grading/grade.test.js"]);
  });

  it("the whole suite leaves out the student release's own suite, except in a release", () => {
    assert.equal(selectTestFiles(files, [], slugs, false).includes("test/student/notebooks.test.js"), false);
    assert.equal(selectTestFiles(files, [], slugs, true).includes("test/student/notebooks.test.js"), true);
    assert.equal(selectTestFiles(files, [], slugs, false).length, files.length - 1);
  });
});

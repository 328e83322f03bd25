/**
 * npm test fills the kernel's cell cache, before the first test file starts,
 * with the lessons the selected files run in tslab kernels (setup/test.ts
 * warmedLessons, warmCells): a kernel started beside the warm compiled the same
 * cells a second time.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { lessonCells, lessonTestSlugs, warmCells, warmedLessons, wrongEdition, wrongEditionCells } from "../../setup/test";
import { codeSources, readNotebook } from "../../editions/notebook";
import { writeVariant } from "../helpers/notebooks";
import { warmCellCache } from "../../setup/jupyter";

describe("npm test's cell cache warm", () => {
  const slugs = ["01-logistic-regression", "02-dense-networks", "05-adam"];
  const f = (rel: string): string => path.join("b", ...rel.split("/"));

  it("warms the lessons whose test files are selected, every lesson for the browser front ends, none for other files", () => {
    assert.deepEqual(warmedLessons([f("test/lessons/05-adam.test.js"), f("test/notebooks.test.js"), f("test/tools/expected.test.js")], slugs), ["05-adam"]);
    assert.deepEqual(warmedLessons([f("test/lessons/02-dense-networks.test.js"), f("test/lessons/01-logistic-regression.test.js")], slugs), ["01-logistic-regression", "02-dense-networks"]);
    assert.deepEqual(warmedLessons([f("test/browser/front-ends.test.js")], slugs), slugs);
    assert.deepEqual(warmedLessons([f("test/grading/grade.test.js"), f("test/tools/new-lesson.test.js"), f("test/browser/lite.test.js"), f("test/setup/kernel-speedups.test.js")], slugs), []);
    // A slug that only starts like a selected file's is not taken.
    assert.deepEqual(warmedLessons([f("test/lessons/05-adam-extra.test.js")], slugs), []);
  });

  it("takes the cells of the named lessons only, and of their student editions", () => {
    const all = lessonCells();
    const one = lessonCells(["02-dense-networks"]);
    assert.equal(one.length, 2, "the lesson and its student edition");
    assert.ok(all.some((nb) => JSON.stringify(nb) === JSON.stringify(one[0])) && all.some((nb) => JSON.stringify(nb) === JSON.stringify(one[1])));
    assert.deepEqual(lessonCells([]), []);
  });

  it("warms the wrong editions of the lessons whose own test files are selected (not for the front ends), cell for cell as those files run them", () => {
    assert.deepEqual(lessonTestSlugs([f("test/lessons/05-adam.test.js"), f("test/browser/front-ends.test.js")], slugs), ["05-adam"]);
    assert.deepEqual(lessonTestSlugs([f("test/browser/front-ends.test.js"), f("test/lessons/05-adam-extra.test.js")], slugs), []);
    const warmed = wrongEditionCells(["02-dense-networks", "05-adam"]);
    const run = ["02-dense-networks", "05-adam"].map((slug) => {
      const file = writeVariant(slug, `warm-${process.pid}`, wrongEdition(slug));
      const cells = codeSources(readNotebook(file));
      fs.rmSync(file);
      return cells;
    });
    assert.deepEqual(warmed, run);
    assert.ok(!lessonCells(["02-dense-networks"]).some((nb) => JSON.stringify(nb) === JSON.stringify(warmed[0])), "not the solution or student edition");
    assert.deepEqual(wrongEditionCells(["no-such-lesson"]), []);
  });

  it("resolves once the warm is done: every cell is then in the course's cell cache", async () => {
    const token = `sel${process.pid}_${Date.now()}`;
    const notebooks = [[`const ${token}: number = 1;\n`, `const next_${token}: number = ${token} + 1;\n`], [`const other_${token}: string = "a";\n`]];
    await warmCells(notebooks);
    const again = warmCellCache(notebooks);
    assert.deepEqual(again && { compiled: again.compiled, cached: again.cached, written: again.written }, { compiled: 3, cached: 3, written: 0 });
    await warmCells([]);
  });
});

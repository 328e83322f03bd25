/**
 * `npm test` starts the slowest test files first (two run at a time), and the
 * rest by name, so both slots stay busy to the end.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { startOrder } from "../../setup/test";

describe("npm test's start order", () => {
  it("browser first, then the scaffolding test, lesson 05, grading, the other lessons; the rest by name", () => {
    const files = ["b/test/training/fit.test.js", "b/test/lessons/01-x.test.js", "b/test/checks/compare.test.js", "b/test/lessons/05-adam.test.js", "b/test/grading/grade.test.js", "b/test/browser/front-ends.test.js", "b/test/tools/new-lesson.test.js", "b/test/lessons/02-y.test.js"];
    assert.deepEqual(startOrder(files), ["b/test/browser/front-ends.test.js", "b/test/tools/new-lesson.test.js", "b/test/lessons/05-adam.test.js", "b/test/grading/grade.test.js", "b/test/lessons/01-x.test.js", "b/test/lessons/02-y.test.js", "b/test/checks/compare.test.js", "b/test/training/fit.test.js"]);
  });

  it("keeps every file exactly once", () => {
    const files = ["z.test.js", "a.test.js", "b/test/lessons/03.test.js"];
    assert.deepEqual([...startOrder(files)].sort(), [...files].sort());
  });
});

/**
 * The per-file timing table `npm test` prints (setup/test-timings.ts): only
 * top-level results count (a nested test's time is inside its suite's), files
 * are summed and ordered slowest first, paths made relative to build/test.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { addResult, slowestFirst, timingTable } from "../../setup/test-timings";

test("a file's time is the sum of its top-level results; nested ones are not counted twice", () => {
  const root = path.join("/c", "build", "test");
  const a = path.join(root, "grading", "class.test.js");
  const b = path.join(root, "lessons", "01-x.test.js");
  const totals = new Map<string, number>();
  addResult(totals, { file: a, nesting: 0, details: { duration_ms: 2000 } });
  addResult(totals, { file: a, nesting: 1, details: { duration_ms: 1500 } });
  addResult(totals, { file: a, nesting: 0, details: { duration_ms: 3000 } });
  addResult(totals, { file: b, nesting: 0, details: { duration_ms: 7250 } });
  addResult(totals, { file: undefined, nesting: 0, details: { duration_ms: 9000 } });
  const slowest = slowestFirst(totals, root);
  assert.deepEqual(slowest, [
    { file: "lessons/01-x.test.js", seconds: 7.3 },
    { file: "grading/class.test.js", seconds: 5 },
  ]);
  const table = timingTable(slowest, 1).split("\n");
  assert.equal(table.length, 2);
  assert.match(table[1], /7\.3 s {2}lessons\/01-x\.test\.js$/);
});

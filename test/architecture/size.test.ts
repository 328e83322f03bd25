/**
 * grading/ stays readable file by file: no source file in it is over 300
 * lines (issue 27). A file that grows past that is split by job, each new
 * module with a header saying its one job.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";
import { sourceFiles } from "../helpers/sources";

const MAX_LINES = 300;

/** Every .ts file under a folder of the course (its own files, not compiled output). */
function tsFiles(dir: string): string[] {
  return sourceFiles(dir, { files: /\.ts$/ });
}

/** Lines of a file, counting a last line without a newline. */
function lineCount(file: string): number {
  const text = fs.readFileSync(file, "utf8");
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

describe("file size", () => {
  it(`no .ts file in grading/ is over ${MAX_LINES} lines`, () => {
    const files = tsFiles(path.join(ROOT, "grading"));
    assert.ok(files.length > 10, "grading/ was read");
    const over = files.map((f) => ({ file: path.relative(ROOT, f), lines: lineCount(f) })).filter((f) => f.lines > MAX_LINES);
    assert.deepEqual(over, []);
  });
});

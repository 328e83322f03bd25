/**
 * One file names every cache path (issue 27): kernel/cache-paths.js. No other
 * source of the kernel, the grader, the npm commands, the tools, the front
 * ends' TypeScript or the benchmarks spells out build/lib/cache in code
 * (comments may). lib/course/digits.ts keeps the library's own digits cache
 * there: lib/ imports nothing from kernel/.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";
import { sourceFiles } from "../helpers/sources";

const ROOMS = ["kernel", "grading", "setup", "editions", "tools", "bench", "frontends"];
/** Not read, besides what no source walk reads: the browser edition's apps (they keep no cache of the course's). */
const APPS = ["lite-app", "jupyterlab-app"];
const OWNER = "kernel/cache-paths.js";
const SPELLED = /["']build["']\s*,\s*["']lib["']\s*,\s*["']cache["']|build\/lib\/cache/;

function sources(dir: string): string[] {
  return sourceFiles(dir, { files: /\.(ts|js)$/, skip: APPS });
}

/** A source's code without its comments (block comments, and // to the end of a line). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/** Files (relative) whose code spells out the cache folder. */
function spellers(files: string[]): string[] {
  return files.filter((f) => SPELLED.test(code(fs.readFileSync(f, "utf8")))).map((f) => path.relative(ROOT, f).split(path.sep).join("/")).sort();
}

describe("cache paths", () => {
  it(`only ${OWNER} spells out build/lib/cache`, () => {
    const files = ROOMS.flatMap((r) => sources(path.join(ROOT, r)));
    assert.ok(files.length > 50, "the sources were read");
    assert.deepEqual(spellers(files), [OWNER]);
  });
});

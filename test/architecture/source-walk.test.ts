/**
 * The architecture tests' one walk of the sources (test/helpers/sources.ts):
 * in a scratch folder, it keeps regular files of the asked names, never
 * follows a link, skips installed, built and dot folders and the walk's own
 * skips, and reads only the top folder when not deep.
 */
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sourceFiles } from "../helpers/sources";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "source-walk-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Writes each file (relative path → text) under `root`. */
function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

describe("source walk", () => {
  const root = path.join(scratch, "course");
  const outside = path.join(scratch, "outside");
  write(outside, { "far.ts": "", "deep/far2.ts": "" });
  write(root, {
    "a.ts": "", "b.js": "", "c.py": "", "x.d.ts": "",
    "lib/d.ts": "", "lib/app/e.ts": "",
    "node_modules/p.ts": "", "build/q.js": "", "dist/r.js": "", "static/s.js": "", "__pycache__/t.py": "",
    ".gen/u.js": "", "lib/.cache/v.ts": "",
  });
  fs.symlinkSync(path.join(outside, "far.ts"), path.join(root, "link.ts"));
  fs.symlinkSync(path.join(outside, "deep"), path.join(root, "linked"), "dir");
  const rel = (files: string[]): string[] => files.map((f) => path.relative(root, f).split(path.sep).join("/")).sort();

  it("keeps regular files of the asked names, skips links and installed, built, cache and dot folders", () => {
    assert.deepEqual(rel(sourceFiles(root, { files: /\.(ts|js)$/ })), ["a.ts", "b.js", "lib/app/e.ts", "lib/d.ts", "x.d.ts"]);
    assert.deepEqual(rel(sourceFiles(root, { files: /\.py$/ })), ["c.py"]);
  });

  it("skips the walk's own folders, and reads only the top folder when not deep", () => {
    assert.deepEqual(rel(sourceFiles(root, { files: /\.ts$/, skip: ["app"] })), ["a.ts", "lib/d.ts", "x.d.ts"]);
    assert.deepEqual(rel(sourceFiles(root, { files: /\.(ts|js)$/, deep: false })), ["a.ts", "b.js", "x.d.ts"]);
  });

  it("has nothing under a missing folder, a file, or a link to a folder", () => {
    assert.deepEqual(sourceFiles(path.join(root, "missing"), { files: /./ }), []);
    assert.deepEqual(sourceFiles(path.join(root, "a.ts"), { files: /./ }), []);
    assert.deepEqual(sourceFiles(path.join(root, "linked"), { files: /./ }), []);
  });
});

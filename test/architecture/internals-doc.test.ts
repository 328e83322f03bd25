/**
 * docs/internals.md lists every COURSE_* environment variable the sources
 * read, each marked for users or internal, and no name the sources no longer
 * use (issue 27): a new variable is documented when it is added. The users'
 * guides (README.md, docs/grading.md) link to it.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";
import { sourceFiles } from "../helpers/sources";

/** The course's own source folders (docs are what is checked, so they are not sources). */
const SOURCE_DIRS = ["lib", "grading", "tools", "setup", "kernel", "bench", "editions", "frontends", "oracle", "test", ".ci"];
const SOURCE_FILE = /\.(ts|js|mjs|cjs|py|sh)$|^(run|run_autograder)$/;
/** A variable's name: COURSE_ and at least one letter or digit (a bare `COURSE_` prefix is not a name). */
const NAME = /\bCOURSE_[A-Z0-9_]*[A-Z0-9]\b/g;

/** Every COURSE_* name in the sources, with a file that uses it. */
function usedNames(): Map<string, string> {
  const used = new Map<string, string>();
  for (const file of SOURCE_DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d), { files: SOURCE_FILE }))) {
    for (const m of fs.readFileSync(file, "utf8").matchAll(NAME)) if (!used.has(m[0])) used.set(m[0], path.relative(ROOT, file));
  }
  return used;
}

/** The rows of internals.md's table: name → "user" | "internal" (whatever its second column says). */
function documented(): Map<string, string> {
  const text = fs.readFileSync(path.join(ROOT, "docs", "internals.md"), "utf8");
  const rows = new Map<string, string>();
  for (const m of text.matchAll(/^\| `(COURSE_[A-Z0-9_]+)` \| ([^|]*) \|/gm)) rows.set(m[1] as string, (m[2] as string).trim());
  return rows;
}

describe("docs/internals.md: the COURSE_* variables", () => {
  it("lists every name the sources use, and only those", () => {
    const used = usedNames();
    const rows = documented();
    assert.ok(used.size >= 15, `the sources were read (${used.size} names)`);
    const missing = [...used].filter(([name]) => !rows.has(name)).map(([name, file]) => `${name} (${file})`);
    const stale = [...rows.keys()].filter((name) => !used.has(name));
    assert.deepEqual({ missing, stale }, { missing: [], stale: [] });
  });

  it("marks each one for users or internal", () => {
    const wrong = [...documented()].filter(([, kind]) => kind !== "user" && kind !== "internal");
    assert.deepEqual(wrong, []);
  });

  it("README.md and docs/grading.md link to it", () => {
    assert.ok(fs.readFileSync(path.join(ROOT, "README.md"), "utf8").includes("](docs/internals.md"), "README.md");
    assert.ok(fs.readFileSync(path.join(ROOT, "docs", "grading.md"), "utf8").includes("](internals.md"), "docs/grading.md");
  });
});

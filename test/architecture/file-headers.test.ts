/**
 * A file's header (its first comment block) is how a reader finds the code it
 * talks about, so every repository path it names exists (issue 27: ten headers
 * still cited lib/core/*.ts after that folder was split). A path is looked up
 * from the course root, then from the file's folder and the folders above it
 * (a front end's files name their neighbours from the front end's folder). Paths with a placeholder or a
 * wildcard (NN-slug, *.ts, …) and folders that are generated (build/, dist/, a
 * release's notebooks/updates/) are not files to look for.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";
import { sourceFiles } from "../helpers/sources";

/** The folders whose files' headers are read. */
const SOURCE_DIRS = ["lib", "grading", "tools", "setup", "test", "oracle", "kernel", "bench", "editions", "frontends"];
/** A repository path: a top-level folder of the course, a slash, then a name (up to a space, quote or closing mark). */
const REPO_PATH = /(?<![\w./-])((?:lib|grading|tools|setup|test|oracle|kernel|bench|editions|frontends|docs|notebooks|data|\.ci)\/[^\s`'"(),;:\]]*)/g;
/** A placeholder or wildcard: the header names a kind of file, not one file. */
const PATTERN = /[*{}<>$…]|NN|\.\.\./;
/** Written by the course's commands or installed by npm, not kept in the repository. */
const GENERATED = /(^|\/)(build|dist|node_modules)(\/|$)|^notebooks\/updates\/?$/;

/** Source files whose headers are read. */
const SOURCE_FILE = /\.(ts|js|py)$/;

/** The first comment block: a leading /* … *\/ or """ … """ block, or the leading // or # lines (after a #! line). */
function fileHeader(text: string): string {
  const lines = text.split("\n");
  let i = lines[0]?.startsWith("#!") ? 1 : 0;
  const first = (lines[i] ?? "").trim();
  const rest = lines.slice(i).join("\n");
  if (first.startsWith("/*")) return rest.slice(0, rest.indexOf("*/") + 2);
  const quote = first.startsWith('"""') ? '"""' : first.startsWith("'''") ? "'''" : null;
  if (quote) return rest.slice(0, rest.indexOf(quote, rest.indexOf(quote) + 3) + 3);
  const out: string[] = [];
  for (; i < lines.length && /^\s*(\/\/|#)/.test(lines[i] as string); i++) out.push(lines[i] as string);
  return out.join("\n");
}

/** The repository paths a header names that exist neither from the root nor from the file's folder or one above it. */
function missingPaths(file: string, header: string, root = ROOT): string[] {
  const missing: string[] = [];
  for (const m of header.matchAll(REPO_PATH)) {
    const name = (m[1] as string).replace(/\.+$/, "");
    if (PATTERN.test(name) || GENERATED.test(name)) continue;
    const found = [root, ...foldersUp(path.dirname(file), root)].some((base) => ["", ".ts", ".js", ".py"].some((ext) => fs.existsSync(path.join(base, name + ext))));
    if (!found) missing.push(name);
  }
  return missing;
}

/** A folder and the folders above it, up to (not including) the root. */
function foldersUp(dir: string, root: string): string[] {
  const out: string[] = [];
  for (let d = dir; d.startsWith(root + path.sep); d = path.dirname(d)) out.push(d);
  return out;
}

describe("file headers", () => {
  it("finds a header's missing path, in both comment styles, and lets patterns and generated folders be", () => {
    const file = path.join(ROOT, "test", "architecture", "example.ts");
    assert.deepEqual(missingPaths(file, fileHeader("/**\n * lib/core/plot.ts: figures; see lib/runtime/plot.ts.\n */\nexport {};\n")), ["lib/core/plot.ts"]);
    assert.deepEqual(missingPaths(file, fileHeader('#!/usr/bin/env python3\n"""A port of lib/core/rng.ts."""\n')), ["lib/core/rng.ts"]);
    assert.deepEqual(missingPaths(file, fileHeader("// grading/no-such-module, test/lessons/NN-slug.test.ts, build/lib/cache/cells\nconst x = 'lib/core/x.ts';\n")), ["grading/no-such-module"]);
    assert.deepEqual(missingPaths(file, fileHeader("/** size.test.ts beside it, grading/worker (a module), docs/grading.md. */")), []);
  });

  it("every path a source file's header names exists", () => {
    const files = SOURCE_DIRS.flatMap((d) => sourceFiles(path.join(ROOT, d), { files: SOURCE_FILE }));
    assert.ok(files.length > 100, `the sources were read (${files.length} files)`);
    const wrong = files.flatMap((f) => missingPaths(f, fileHeader(fs.readFileSync(f, "utf8"))).map((p) => `${path.relative(ROOT, f)}: ${p}`));
    assert.deepEqual(wrong, []);
  });
});

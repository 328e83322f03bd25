/**
 * The course's top-level folders are rooms with one job each, and imports
 * between them run one way (issue 27): no room imports a room that imports
 * it, and grading/ and tools/ import nothing from setup/ (the npm commands
 * and finding or installing Jupyter). The import graph is read from the
 * sources: relative imports and requires, and requires of a course path
 * (`require(path.join(ROOT, "kernel", …))`).
 */
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";
import { OUT } from "../helpers/notebooks";
import { SKIPPED_DIRS, sourceFiles } from "../helpers/sources";

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;
const ROOT_REQUIRE = /\brequire\s*\(\s*path\.join\(\s*ROOT\s*,\s*["']([\w.-]+)["']/g;

/** Source files (.ts, .js) under `dir`. */
function sources(dir: string): string[] {
  return sourceFiles(dir, { files: /\.(ts|js)$/ });
}

/** Each room's imports of other rooms: room → room → one importing file, for the message. */
function roomGraph(root: string): Map<string, Map<string, string>> {
  const rooms = fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory() && !SKIPPED_DIRS.has(e.name) && !e.name.startsWith(".")).map((e) => e.name);
  const graph = new Map<string, Map<string, string>>();
  for (const room of rooms) {
    const out = new Map<string, string>();
    for (const file of sources(path.join(root, room))) {
      const text = fs.readFileSync(file, "utf8");
      const targets = [
        ...[...text.matchAll(IMPORT)].map((m) => path.relative(root, path.resolve(path.dirname(file), m[1] as string)).split(path.sep)[0]),
        ...[...text.matchAll(ROOT_REQUIRE)].map((m) => m[1]),
      ];
      for (const t of targets) if (t && t !== room && rooms.includes(t) && !out.has(t)) out.set(t, path.relative(root, file));
    }
    graph.set(room, out);
  }
  return graph;
}

/** Pairs of rooms that import each other, each with one file on either side. */
function twoWay(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  for (const [a, out] of graph) {
    for (const [b, file] of out) if (a < b && graph.get(b)?.has(a)) found.push(`${a} ⇄ ${b} (${file}; ${graph.get(b)?.get(a)})`);
  }
  return found.sort();
}

const SCRATCH = path.join(OUT, `rooms-${process.pid}`);
after(() => fs.rmSync(SCRATCH, { recursive: true, force: true }));

describe("rooms by job: imports run one way", () => {
  const graph = roomGraph(ROOT);

  it("the graph is read: grading/ imports lib/, kernel/ and editions/", () => {
    assert.deepEqual(["lib", "kernel", "editions"].filter((r) => !graph.get("grading")?.has(r)), []);
  });

  it("grading/ and tools/ import nothing from setup/", () => {
    assert.deepEqual(["grading", "tools"].filter((r) => graph.get(r)?.has("setup")).map((r) => `${r} → setup (${graph.get(r)?.get("setup")})`), []);
  });

  it("no room imports a room that imports it", () => {
    assert.deepEqual(twoWay(graph), []);
  });

  it("a room importing its importer, or grading/ importing setup/, is found (the check can fail)", () => {
    const files: Record<string, string> = {
      "setup/start.ts": 'import { x } from "../frontends/app";\n',
      "frontends/app.ts": 'import { y } from "../setup/npm-app";\nexport const x = 1;\n',
      "setup/npm-app.ts": "export const y = 1;\n",
      "grading/grade.ts": 'const { ensureBuilt } = require(path.join(ROOT, "setup", "build-lib.js"));\n',
      "lib/a.ts": "export const a = 1;\n",
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(SCRATCH, rel)), { recursive: true });
      fs.writeFileSync(path.join(SCRATCH, rel), text);
    }
    const g = roomGraph(SCRATCH);
    assert.deepEqual(twoWay(g), ["frontends ⇄ setup (frontends/app.ts; setup/start.ts)"]);
    assert.equal(g.get("grading")?.get("setup"), "grading/grade.ts");
  });
});

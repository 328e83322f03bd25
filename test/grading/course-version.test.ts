/**
 * The grade cache key's course version (grading/class-run.ts courseVersion)
 * hashes whole rooms: every file under lib/, kernel/, editions/, grading/ and
 * data/expected/, so a change anywhere on the grading path (a kernel hook,
 * the notebook format, a quiz key) regrades the class, while a change off it
 * (tools/, a report-only module, a README) does not.
 */
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { courseVersion } from "../../grading/class-run";
import { OUT } from "../helpers/notebooks";

const COURSE = path.join(OUT, `course-version-${process.pid}`);

/** A small course tree: one file in each room, and some off the grading path. */
const FILES: Record<string, string> = {
  "package-lock.json": "{}",
  "lib/checks/a.ts": "export const a = 1;",
  "kernel/kernel.js": "// launcher",
  "kernel/hooks/cell-cache.js": "// hook",
  "kernel/run_notebook.py": "# runner",
  "kernel/kernel-types/globals.d.ts": "declare const x: number;",
  "editions/notebook.ts": "export const n = 1;",
  "editions/editions.ts": "export const e = 1;",
  "grading/scoring.ts": "export const s = 1;",
  "grading/summary.ts": "export const report = 1;",
  "grading/quiz-keys/01.json": "{}",
  "grading/README.md": "# grader",
  "data/expected/01.json": "{}",
  "tools/release.ts": "export const r = 1;",
  "setup/start.ts": "export const st = 1;",
};

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(COURSE, rel)), { recursive: true });
  fs.writeFileSync(path.join(COURSE, rel), text);
}

/** The course version after `rel` is changed, then restored. */
function versionWithEdit(rel: string): string {
  const file = path.join(COURSE, rel);
  const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  write(rel, `${before ?? ""}\n// edited`);
  try {
    return courseVersion(undefined, COURSE);
  } finally {
    if (before === null) fs.rmSync(file);
    else write(rel, before);
  }
}

after(() => fs.rmSync(COURSE, { recursive: true, force: true }));

describe("the grade cache key's course version", () => {
  for (const [rel, text] of Object.entries(FILES)) write(rel, text);
  const base = courseVersion(undefined, COURSE);

  it("is the same for the same course", () => {
    assert.equal(courseVersion(undefined, COURSE), base);
  });

  const onPath = ["lib/checks/a.ts", "kernel/kernel.js", "kernel/hooks/cell-cache.js", "kernel/run_notebook.py", "kernel/kernel-types/globals.d.ts",
    "editions/notebook.ts", "editions/editions.ts", "grading/scoring.ts", "grading/quiz-keys/01.json", "data/expected/01.json", "package-lock.json",
    "kernel/hooks/new-hook.js", "editions/new-module.ts"];
  for (const rel of onPath) {
    it(`changes when ${rel} changes (on the grading path)`, () => {
      assert.notEqual(versionWithEdit(rel), base);
    });
  }

  const offPath = ["tools/release.ts", "setup/start.ts", "grading/summary.ts", "grading/README.md"];
  for (const rel of offPath) {
    it(`stays when ${rel} changes (off the grading path)`, () => {
      assert.equal(versionWithEdit(rel), base);
    });
  }
});

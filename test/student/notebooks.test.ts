/**
 * The student's set-up works: each lesson's student edition runs top to
 * bottom in a real tslab kernel (through Jupyter's nbclient) with every check
 * saying "not completed yet". Shipped with the student release, where the
 * editions are the pristine copies the release wrote (.release/editions/; the
 * student's own notebooks/ are never run here); in the course, the editions
 * are generated from notebooks/ now. COURSE_TEST_LESSONS=01-…,02-… limits the
 * lessons (one notebook takes 30-90 s). In the course itself the lesson tests
 * (test/lessons/) already run every student edition, so `npm test` runs this
 * suite there only when a filter names it (setup/test.ts).
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { lessonCheckIds, lessonSlugs } from "../../lib/lessons";
import { studentEdition } from "../../editions/editions";
import { readNotebook, writeNotebook, type Notebook } from "../../editions/notebook";
import { EDITIONS_PATH, isRelease } from "../../editions/release-manifest";
import { OUT, ROOT, checkResults, problems, runNotebook } from "../helpers/notebooks";

/** The lessons to run: all, or those named in COURSE_TEST_LESSONS. */
function selectedLessons(): string[] {
  const all = lessonSlugs();
  const wanted = (process.env.COURSE_TEST_LESSONS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((s) => !all.includes(s));
  if (unknown.length) throw new Error(`COURSE_TEST_LESSONS names no lesson: ${unknown.join(", ")} (the lessons are ${all.join(", ")})`);
  return wanted.length ? all.filter((s) => wanted.includes(s)) : all;
}

/** The student edition of a lesson as released (or as it would be), written one level below the root so its imports resolve. */
function editionFile(slug: string): string {
  const nb: Notebook = isRelease()
    ? readNotebook(path.join(ROOT, EDITIONS_PATH, `${slug}.ipynb`))
    : studentEdition(readNotebook(path.join(ROOT, "notebooks", `${slug}.ipynb`)), `notebooks/${slug}.ipynb`);
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${slug}.student-check.ipynb`);
  writeNotebook(file, nb);
  return file;
}

describe("student editions in a real kernel", () => {
  for (const slug of selectedLessons()) {
    it(`${slug} runs top to bottom with every check "not completed yet"`, () => {
      const run = runNotebook(editionFile(slug));
      assert.deepEqual(problems(run), [], "every code cell ran without an error");
      const results = checkResults(run);
      assert.deepEqual(results.map((r) => r.id), lessonCheckIds(slug), "every check of the lesson ran, in order");
      for (const r of results) {
        assert.equal(r.status, "not-completed", `${r.id}: ${r.message}`);
        assert.equal(r.points, 0);
        assert.match(r.message, /not completed yet/);
      }
    });
  }
});

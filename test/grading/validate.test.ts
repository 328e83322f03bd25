/**
 * `npm run validate`: grades with the grader's own code and the visible checks
 * only, runs the notebook in a fresh kernel, and says which edition a file is.
 * Full marks for the solutions, 0 ("not completed yet") for the student
 * edition; a clear verdict for a file that is not a lesson and for one made
 * for another release of its lesson. Two runs: the student edition with its
 * execution report (a kernel run costs seconds of CPU), everything else with
 * --no-execute (the solution's clean run in a fresh kernel is asserted on
 * test/grading/grade.test.ts's class run, through the same grading code).
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { lessonCheckIds } from "../../lib/lessons";
import { contentHash, studentEdition } from "../../editions/editions";
import { readNotebook, toSource, writeNotebook, type Notebook } from "../../editions/notebook";
import { OUT, ROOT, sourceNotebook } from "../helpers/notebooks";
import { lessonPoints } from "../helpers/grading";
import { currentEditionHashes, type Validation } from "../../grading/validate";
import { EDITIONS_PATH, MANIFEST_PATH } from "../../editions/release-manifest";

const SLUG = "01-logistic-regression";
const VALIDATE = path.join(ROOT, "build", "grading", "validate.js");

function save(label: string, nb: Notebook): string {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${SLUG}.validate-${label}.ipynb`);
  writeNotebook(file, nb);
  return file;
}

function validate(files: string[], extra: string[] = []): { results: Validation[]; stdout: string } {
  const json = path.join(OUT, `validate-${process.pid}-${Date.now()}.json`);
  const r = spawnSync(process.execPath, [VALIDATE, "--json", json, ...extra, ...files], { cwd: ROOT, encoding: "utf8", timeout: 10 * 60_000, env: { ...process.env, INIT_CWD: ROOT } });
  assert.equal(r.status, 0, `validate exits 0 when it ran: ${r.stderr}\n${r.stdout}`);
  const results = (JSON.parse(fs.readFileSync(json, "utf8")) as { notebooks: Validation[] }).notebooks;
  fs.unlinkSync(json);
  return { results, stdout: r.stdout };
}

describe("which editions count as this release of a lesson", () => {
  const stamp = (nb: Notebook): string => (nb.metadata.course as { generatedHash: string }).generatedHash;
  const editions = (["student", "notebooks", "browser"] as const).map((place) => studentEdition(readNotebook(sourceNotebook(SLUG)), `notebooks/${SLUG}.ipynb`, place));

  it("in the course: the student edition made for student/, for a release's notebooks/ and for the browser edition", () => {
    assert.deepEqual(currentEditionHashes(SLUG), editions.map(stamp));
  });

  it("in a student release: the manifest's stamp, and the released cells with each place's closing cell", () => {
    const root = fs.mkdtempSync(path.join((fs.mkdirSync(OUT, { recursive: true }), OUT), "release-root-"));
    try {
      const released = editions[1] as Notebook;
      fs.mkdirSync(path.join(root, EDITIONS_PATH), { recursive: true });
      writeNotebook(path.join(root, EDITIONS_PATH, `${SLUG}.ipynb`), released);
      const manifest = { course: "x", version: "1", release: "r", lessons: { [SLUG]: { notebook: `notebooks/${SLUG}.ipynb`, generatedHash: stamp(released), checks: [] } }, files: [] };
      fs.writeFileSync(path.join(root, MANIFEST_PATH), JSON.stringify(manifest));
      assert.deepEqual(currentEditionHashes(SLUG, root), [stamp(released), stamp(editions[0] as Notebook), stamp(editions[2] as Notebook)]);
      fs.rmSync(path.join(root, EDITIONS_PATH), { recursive: true });
      assert.deepEqual(currentEditionHashes(SLUG, root), [stamp(released)], "without the pristine copy, the manifest's stamp alone");
      assert.deepEqual(currentEditionHashes("02-dense-networks", root), [], "a lesson the release does not have");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("npm run validate", () => {
  let executed: Validation[] = [];
  let executedStdout = "";
  let scored: Validation[] = [];
  let scoredStdout = "";
  before(() => {
    const solution = save("solution", readNotebook(sourceNotebook(SLUG)));
    const student = save("student", studentEdition(readNotebook(sourceNotebook(SLUG)), `notebooks/${SLUG}.ipynb`));
    ({ results: executed, stdout: executedStdout } = validate([student]));
    fs.mkdirSync(OUT, { recursive: true });
    const notLesson = path.join(OUT, "my-notes.validate.ipynb");
    writeNotebook(notLesson, { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", id: "a", metadata: {}, source: ["console.log(1);"], outputs: [], execution_count: null }] });
    // An edition of lesson 01 as an earlier release made it: other text, its own (matching) stamp.
    const older = studentEdition(readNotebook(sourceNotebook(SLUG)), `notebooks/${SLUG}.ipynb`);
    older.cells.splice(1, 0, { cell_type: "markdown", id: "old", metadata: {}, source: toSource("An explanation later rewritten.") });
    (older.metadata.course as { generatedHash: string }).generatedHash = contentHash(older);
    const olderFile = save("older-release", older);
    ({ results: scored, stdout: scoredStdout } = validate([solution, notLesson, olderFile], ["--no-execute"]));
  });

  it("the solutions get full marks from every visible check", () => {
    const v = scored[0] as Validation;
    assert.equal(v.grade.lesson, SLUG);
    assert.deepEqual(v.grade.checks.map((c) => c.id), lessonCheckIds(SLUG), "the visible checks only, no hidden ones");
    for (const c of v.grade.checks) assert.equal(c.passed, true, `${c.id}: ${c.message}`);
    assert.equal(v.grade.score, v.grade.maxScore);
    assert.equal(v.grade.maxScore, lessonPoints(SLUG));
    assert.deepEqual(v.grade.problems, []);
    assert.equal(v.edition.status, "unstamped", "the instructor's notebook has no student-edition stamp");
  });

  it("the student edition gets 0, every check saying not completed yet; it is the current edition; it runs cleanly in a fresh kernel", () => {
    const v = executed[0] as Validation;
    assert.equal(v.grade.score, 0);
    assert.equal(v.grade.maxScore, lessonPoints(SLUG));
    assert.deepEqual(v.grade.checks.map((c) => [c.id, c.points, c.message]), lessonCheckIds(SLUG).map((id) => [id, 0, "not completed yet"]));
    assert.equal(v.grade.execution?.ran, true);
    // Its check cells report "not completed" without failing: every cell ran.
    assert.deepEqual(Object.keys(v.grade.execution?.counts ?? {}), ["ok"], `every cell ran: ${v.grade.execution?.message}`);
    assert.equal(v.edition.status, "current");
  });

  it("prints per check its points and message, the total and the execution report", () => {
    assert.match(scoredStdout, /01\.sigmoid\s+1\/1\s/);
    assert.match(executedStdout, /01\.sigmoid\s+0\/1\s+not completed yet/);
    const max = lessonPoints(SLUG);
    assert.ok(scoredStdout.includes(`total ${max}/${max}`) && executedStdout.includes(`total 0/${max}`), `${scoredStdout}\n${executedStdout}`);
    assert.match(executedStdout, /run top to bottom in a fresh kernel: \d+ ok/);
  });

  it("says when a file is not a lesson of this course, or was made for another release of its lesson", () => {
    const [, a, b] = scored as [Validation, Validation, Validation];
    assert.equal(a.edition.status, "not-a-lesson");
    assert.equal(a.grade.lesson, null);
    assert.equal(a.grade.maxScore, 0);
    assert.equal(b.edition.status, "other-release");
    assert.equal(b.grade.lesson, SLUG);
    assert.equal(b.grade.execution, undefined, "--no-execute");
    assert.match(scoredStdout, /✖ not a lesson of this course/);
    assert.match(scoredStdout, /✖ made for an older \(or another\) release of lesson 01-logistic-regression/);
  });

  it("a usage error exits 2 with the usage", () => {
    const r = spawnSync(process.execPath, [VALIDATE], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: npm run validate -- /);
  });
});

/**
 * `npm run gradescope`'s autograder archive, used as Gradescope uses it: unpacked (by Python's zipfile, with
 * the permissions the archive records) into a scratch folder shaped like /autograder (source/, submission/,
 * results/), then run_autograder once per submission — the solution, and one both wrong and hostile — with
 * AUTOGRADER_ROOT pointing there. Each results.json is validated against Gradescope's documented format (schemas/gradescope-results.schema.json)
 * and read as data: scores, statuses, visibility, and what a hidden check's output never shows.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { formatValue } from "../../lib/checks";
import { lessonChecks } from "../../grading/check-catalogue";
import { readNotebook, writeNotebook } from "../../editions/notebook";
import { autograderEntries } from "../../grading/gradescope";
import { zipBuffer } from "../../grading/zip";
import type { GradescopeResults } from "../../grading/gradescope-results";
import { withExercise } from "../helpers/grading";
import { validate, type Schema } from "../helpers/json-schema";
import { OUT, ROOT, sourceNotebook } from "../helpers/notebooks";

const SLUG = "01-logistic-regression";
const HIDDEN = path.join(ROOT, "grading", "hidden-example");
const SCHEMA = JSON.parse(fs.readFileSync(path.join(ROOT, "test", "grading", "schemas", "gradescope-results.schema.json"), "utf8")) as Schema;
const WRONG_SIGMOID = "function sigmoid(z: number[]): number[] {\n    return z.map((v) => 1 / (1 + Math.exp(v)));\n}";
const SCRIPT = "<script>alert('owned')</script>";
/** An exercise that throws an error whose message is markup (its signature is the solution's). */
const THROWING_COMPUTE_COST = `function computeCost(X: number[][], y: number[], w: number[], b: number): number {\n    throw new Error(${JSON.stringify(SCRIPT)});\n}`;

/** The hidden cases' expected values as the feedback would print them (short texts like "[0]" also occur in visible checks' tables). */
function hiddenValues(): string[] {
  const stored = JSON.parse(fs.readFileSync(path.join(HIDDEN, `${SLUG}.json`), "utf8")) as { checks: Record<string, { cases: { expected: unknown }[] }> };
  return Object.values(stored.checks).flatMap((k) => k.cases).map((c) => formatValue(c.expected)).filter((v) => v.length > 4);
}

/** Unpacks the archive as Gradescope does, keeping each entry's Unix permissions. */
function unzip(zip: string, dest: string): void {
  const py = "import sys, zipfile, os\nz = zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n    p = z.extract(i, sys.argv[2])\n    m = (i.external_attr >> 16) & 0o777\n    if m: os.chmod(p, m)\n";
  const r = spawnSync(process.env.COURSE_TEST_PYTHON ?? "python3", ["-c", py, zip, dest], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
}

/** Runs run_autograder on the files put in submission/; returns results.json. */
function runAutograder(root: string, put: (dir: string) => void): GradescopeResults {
  for (const d of ["submission", "results"]) fs.rmSync(path.join(root, d), { recursive: true, force: true });
  fs.mkdirSync(path.join(root, "submission"), { recursive: true });
  fs.mkdirSync(path.join(root, "results"), { recursive: true });
  put(path.join(root, "submission"));
  const r = spawnSync(path.join(root, "source", "run_autograder"), [], { env: { ...process.env, AUTOGRADER_ROOT: root }, encoding: "utf8", timeout: 15 * 60_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return JSON.parse(fs.readFileSync(path.join(root, "results", "results.json"), "utf8")) as GradescopeResults;
}

describe("the Gradescope autograder archive", () => {
  const root = path.join(OUT, `gradescope-${process.pid}`);
  const results: Record<"right" | "wrong" | "hostile", GradescopeResults | null> = { right: null, wrong: null, hostile: null };
  before(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    const zip = path.join(root, "autograder.zip");
    fs.writeFileSync(zip, zipBuffer(autograderEntries(HIDDEN)));
    unzip(zip, path.join(root, "source"));
    // What setup.sh's `npm ci` gives (tests reuse the course's packages, as test/helpers/course-copy.ts does).
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "source", "node_modules"));
    // The sandbox runs submissions as a uid of its own: it must read the unpacked course (setup.sh does the same).
    spawnSync("chmod", ["-R", "a+rX", root]);
    // withExercise edits the notebook it is given: a fresh copy each time.
    const solution = () => readNotebook(sourceNotebook(SLUG));
    results.right = runAutograder(root, (dir) => writeNotebook(path.join(dir, `${SLUG}.ipynb`), solution()));
    // One run for the wrong and the hostile submission (each autograder run grades with execution: tens of
    // seconds of CPU): a wrong sigmoid, a computeCost whose error message is markup, and a link to the
    // hidden checks in the image.
    results.wrong = runAutograder(root, (dir) => {
      fs.symlinkSync(path.join(root, "source", "hidden", `${SLUG}.json`), path.join(dir, "a-link.ipynb"));
      writeNotebook(path.join(dir, `${SLUG}.ipynb`), withExercise(withExercise(solution(), "sigmoid", WRONG_SIGMOID), "computeCost", THROWING_COMPUTE_COST));
    });
    results.hostile = results.wrong;
  });

  it("has setup.sh and run_autograder at its root, executable", () => {
    for (const f of ["setup.sh", "run_autograder"]) assert.equal(fs.statSync(path.join(root, "source", f)).mode & 0o111, 0o111, f);
    assert.ok(fs.statSync(path.join(root, "source", "hidden", `${SLUG}.json`)).isFile(), "--hidden's checks as hidden/");
  });

  it("writes results.json in Gradescope's documented format, for every submission", () => {
    for (const [name, r] of Object.entries(results)) assert.deepEqual(validate(r, SCHEMA), [], name);
  });

  it("right: one test per check with its points, every one passed; hidden checks shown after the due date", () => {
    const r = results.right as GradescopeResults;
    const ids = lessonChecks(SLUG, HIDDEN).map((d) => d.id);
    assert.deepEqual(r.tests.map((t) => t.name), ids);
    assert.deepEqual(r.tests.map((t) => t.status), ids.map(() => "passed"));
    assert.deepEqual(r.tests.map((t) => t.score), r.tests.map((t) => t.max_score));
    assert.equal(r.score, r.tests.reduce((s, t) => s + t.max_score, 0));
    assert.deepEqual(r.tests.map((t) => t.visibility), ids.map((id) => (id.endsWith(".hidden") ? "after_due_date" : "visible")));
    assert.deepEqual(r.extra_data.notebooks.map((n) => [n.file, n.lesson, n.counts, n.fileProblem]), [[`${SLUG}.ipynb`, SLUG, true, null]]);
  });

  it("wrong: the sigmoid checks fail with 0 points; the feedback page's check report is the output; hidden cases never shown", () => {
    const r = results.wrong as GradescopeResults;
    const sigmoid = r.tests.find((t) => t.name === "01.sigmoid");
    assert.deepEqual([sigmoid?.status, sigmoid?.score], ["failed", 0]);
    assert.match(sigmoid?.output ?? "", /data-check-id="01\.sigmoid" data-status="failed"/);
    const hidden = r.tests.find((t) => t.name === "01.sigmoid.hidden");
    assert.deepEqual([hidden?.status, hidden?.score, hidden?.visibility], ["failed", 0, "after_due_date"]);
    for (const t of r.tests.filter((x) => x.name.endsWith(".hidden"))) for (const v of hiddenValues()) assert.ok(!t.output.includes(v), `${t.name}: no hidden expected value ${v}`);
    assert.equal(r.score, r.tests.reduce((s, t) => s + t.score, 0));
  });

  it("hostile: a link is reported as data and never read; a student's markup is escaped", () => {
    const r = results.hostile as GradescopeResults;
    const link = r.extra_data.notebooks.find((n) => n.file === "a-link.ipynb");
    assert.deepEqual([link?.lesson, link?.counts, link?.fileProblem], [null, false, "symbolic-link"]);
    assert.deepEqual(r.tests.map((t) => t.name), lessonChecks(SLUG, HIDDEN).map((d) => d.id), "tests come from the real notebook only");
    assert.equal(r.tests.find((t) => t.name === "01.sigmoid")?.status, "failed");
    const all = [r.output, ...r.tests.map((t) => t.output)].join("\n");
    assert.ok(!all.includes(SCRIPT), "escaped");
    assert.ok(all.includes("&lt;script&gt;alert('owned')&lt;/script&gt;"), "the message is shown, escaped");
    for (const v of hiddenValues()) assert.ok(!all.includes(v), `nothing of the hidden checks' file: ${v}`);
  });
});

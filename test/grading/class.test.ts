/**
 * `npm run grade -- --out OUT CLASS_DIR`: a class folder built in a scratch
 * folder from lesson 01's solution, its student edition and wrong variants,
 * with every kind of bad entry (duplicate id, empty folder, malformed notebook,
 * unknown lesson, older release, stray file). Asserts on the written files
 * (grades.json, both CSVs parsed, the summary's embedded data), on escaping and
 * hidden checks in the feedback pages, and on the cache (a re-run grades
 * nothing; changing one file regrades only it). A class run with execution in
 * fresh kernels (its report in grades.json, feedback, summary and gradebook) is
 * test/grading/grade.test.ts's, which runs those kernels once for several claims.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { formatValue, HINT_TAG } from "../../lib/checks";
import { studentEdition } from "../../editions/editions";
import { readNotebook, toSource, writeNotebook, type Notebook } from "../../editions/notebook";
import { csvField } from "../../grading/gradebook";
import { currentEditionHashes, inspectNotebook } from "../../grading/class-folder";
import { OUT, ROOT, sourceNotebook } from "../helpers/notebooks";
import { lessonPoints, parseCsv, readGrades, runGrade, withExercise, type Entry, type Grades } from "../helpers/grading";

const SLUG = "01-logistic-regression";
const HIDDEN = path.join(ROOT, "grading", "hidden-example");
/** The lesson's visible points and the hidden example's (2): a right notebook's score. */
const FULL = lessonPoints(SLUG) + 2;

function source(): Notebook {
  return readNotebook(sourceNotebook(SLUG));
}

const SCRIPT_MESSAGE = "<script>alert('owned')</script>";
const WRONG_SIGMOID = "function sigmoid(z: number[]): number[] {\n    return z.map((v) => 1 / (1 + Math.exp(v)));\n}";
const THROWING_SIGMOID = `function sigmoid(z: number[]): number[] {\n    throw new Error(${JSON.stringify(SCRIPT_MESSAGE)});\n}`;
// Passes the visible sigmoid check, fails the hidden one (its cases go above 35).
const HIDDEN_ONLY_WRONG = "function sigmoid(z: number[]): number[] {\n    return z.map((v) => (v > 35 && v < 100 ? 0.5 : 1 / (1 + Math.exp(-v))));\n}";

/** What `lab.hint` leaves in a saved output: one record of a tier shown. */
const hintRecord = (r: unknown): string => `<script type="${HINT_TAG}">${JSON.stringify(r)}</script>`;

/** Saved outputs showing hint tier 2 of 01.sigmoid, and records naming what the lesson has not (never counted). */
function withHintRecords(nb: Notebook): Notebook {
  const cell = nb.cells.find((c) => c.cell_type === "code");
  if (!cell) throw new Error("no code cell");
  const records = [{ id: "01.sigmoid", level: 2 }, { id: "01.sigmoid", level: 42 }, { id: "99.evil", level: 1 }, { id: "01.sigmoid.hidden", level: 1 }];
  cell.outputs = [{ output_type: "display_data", metadata: {}, data: { "text/html": records.map(hintRecord).join("") } }];
  return nb;
}

/** Builds the class folder; returns it. */
function buildClass(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const put = (rel: string, nb: Notebook): void => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeNotebook(path.join(dir, rel), nb);
  };
  const student = (): Notebook => studentEdition(source(), `notebooks/${SLUG}.ipynb`);
  put(`ann/${SLUG}.ipynb`, source()); // a folder student: full marks
  put("bob.ipynb", student()); // a file student: the untouched student edition
  put(`cat/${SLUG}.ipynb`, withExercise(student(), "sigmoid", THROWING_SIGMOID)); // a message with <script>
  put("dan.ipynb", source()); // duplicate id with dan/
  put(`dan/${SLUG}.ipynb`, source());
  fs.mkdirSync(path.join(dir, "eve")); // empty folder
  fs.writeFileSync(path.join(dir, "fay.ipynb"), "{ not a notebook"); // malformed
  const unknown = student();
  unknown.metadata.course = { edition: "student", source: "notebooks/09-transformers.ipynb", generatedHash: "0000000000000000" };
  put("gus.ipynb", unknown); // unknown lesson
  // Older release: the solution in a notebook whose recorded edition hash is not the current one.
  const old = source();
  old.metadata.course = { edition: "student", source: `notebooks/${SLUG}.ipynb`, generatedHash: "0123456789abcdef" };
  put(`hal/week1/${SLUG}.ipynb`, old);
  put(`ivy/${SLUG}.ipynb`, withExercise(source(), "sigmoid", HIDDEN_ONLY_WRONG));
  put(`jon/${SLUG}.ipynb`, withHintRecords(withExercise(source(), "sigmoid", WRONG_SIGMOID)));
  put(`kim/${SLUG}.ipynb`, student()); // byte-identical to lee's: graded once
  put(`lee/${SLUG}.ipynb`, student());
  fs.writeFileSync(path.join(dir, "notes.txt"), "not a submission");
}

describe("a student edition made for any place is this release of its lesson", () => {
  it("student/, a release's notebooks/ and the browser edition (npm run lite) differ only in their closing cell: no older-release warning", () => {
    const dir = fs.mkdtempSync(path.join((fs.mkdirSync(OUT, { recursive: true }), OUT), "editions-"));
    try {
      const hashes = currentEditionHashes([SLUG]);
      for (const place of ["student", "notebooks", "browser"] as const) {
        const file = path.join(dir, `${place}-${SLUG}.ipynb`);
        writeNotebook(file, studentEdition(source(), `notebooks/${SLUG}.ipynb`, place));
        assert.deepEqual(inspectNotebook(file, { [SLUG]: ["sigmoid"] }, hashes), { file, lesson: SLUG, gradable: true, problems: [] }, place);
      }
      const old = studentEdition(source(), `notebooks/${SLUG}.ipynb`, "browser");
      old.cells[0] = { ...(old.cells[0] as Notebook["cells"][number]), source: toSource("# An older title") };
      old.metadata.course = { ...(old.metadata.course as object), generatedHash: "0123456789abcdef" };
      const file = path.join(dir, `old-${SLUG}.ipynb`);
      writeNotebook(file, old);
      assert.match(inspectNotebook(file, { [SLUG]: ["sigmoid"] }, hashes).problems.join(" "), /older release of 01-logistic-regression/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm run grade -- --out OUT CLASS_DIR (no execution)", () => {
  const dir = path.join(OUT, `class-${process.pid}`);
  const out = path.join(OUT, `class-${process.pid}-out`);
  let grades: Grades;
  const opts = ["--no-execute", "--hidden", HIDDEN, "--check-timeout", "20"];
  before(() => {
    buildClass(dir);
    fs.rmSync(out, { recursive: true, force: true });
    const r = runGrade(["--out", out, ...opts, dir]);
    assert.equal(r.status, 0, `${r.stderr}\n${r.stdout}`);
    grades = readGrades(out);
  });
  const entries = (student: string): Entry[] => grades.notebooks.filter((n) => n.student === student);
  const one = (student: string): Entry => {
    const e = entries(student);
    assert.equal(e.length, 1, `one entry for ${student}: ${JSON.stringify(e)}`);
    return e[0] as Entry;
  };

  it("grades.json: --json's format plus student, one entry per notebook or bad entry", () => {
    assert.deepEqual([...new Set(grades.notebooks.map((n) => n.student))].sort(), ["ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal", "ivy", "jon", "kim", "lee"]);
    for (const n of grades.notebooks) assert.deepEqual(Object.keys(n).sort(), ["checks", "counts", "execution", "feedback", "fileProblem", "lesson", "maxScore", "path", "problems", "score", "student", "unchanged"]);
    // bob, kim and lee handed in the student edition untouched; everyone else changed something (or nothing was read).
    assert.deepEqual(grades.notebooks.filter((n) => (n as { unchanged?: boolean }).unchanged).map((n) => n.student).sort(), ["bob", "kim", "lee"]);
    assert.equal(one("ann").score, FULL);
    assert.equal(one("ann").maxScore, FULL, "the visible points + 2 hidden points");
    assert.equal(one("bob").score, 0);
    assert.match(one("bob").checks.find((c) => c.id === "01.sigmoid")?.message ?? "", /not completed yet/);
    assert.equal(one("ivy").checks.find((c) => c.id === "01.sigmoid")?.passed, true);
    assert.equal(one("ivy").checks.find((c) => c.id === "01.sigmoid.hidden")?.passed, false);
    assert.equal(one("ivy").score, FULL - 1);
    assert.equal(one("jon").checks.find((c) => c.id === "01.sigmoid")?.passed, false);
    assert.ok(one("jon").score < FULL);
  });

  it("every bad entry gets a clear problem, and the rest of the class is graded", () => {
    assert.match(one("dan").problems.join(" "), /duplicate student id "dan": (dan\/ and dan\.ipynb|dan\.ipynb and dan\/) both belong to it; neither was graded/);
    assert.equal(one("dan").lesson, null);
    assert.match(one("eve").problems.join(" "), /folder eve\/ holds no notebook/);
    assert.match(one("fay").problems.join(" "), /malformed notebook: .*not valid JSON/);
    assert.match(one("gus").problems.join(" "), /lesson "09-transformers", which this course does not have/);
    assert.equal(one("gus").lesson, null);
    assert.match(one("hal").problems.join(" "), /older release of 01-logistic-regression/);
    assert.equal(one("hal").score, FULL, "an older release is still graded");
    assert.deepEqual(one("ann").problems, []);
    assert.match(grades.problems.join(" "), /notes\.txt: neither a notebook/);
    assert.equal(grades.run.identical, 1, "kim's and lee's identical notebooks were graded once");
    assert.deepEqual(one("kim").checks, one("lee").checks);
    assert.equal(grades.run.graded, 8, "ann bob cat hal ivy jon kim lee (not dan, eve, fay, gus)");
  });

  it("grades.json's run: each sandbox's memory budget and the run's peak, all sandboxes at once", () => {
    const run = grades.run;
    assert.ok(run.memoryLimit === "cgroup-v1" || run.memoryLimit === "cgroup-v2", `${run.memoryLimit}: ${run.memoryNotLimited}`);
    assert.equal(run.memoryNotLimited, null);
    assert.ok(run.jobs >= 1 && run.memoryBudgetMb > 2048, `${run.jobs} × ${run.memoryBudgetMb} MB`);
    // Kernels and workers hold tens of MB at least; never more than every job's sandbox and cell warmer at their budget.
    assert.ok(run.peakMemoryMb !== null && run.peakMemoryMb > 32 && run.peakMemoryMb <= run.jobs * run.jobMemoryBudgetMb, `peak ${run.peakMemoryMb} MB`);
    assert.ok(run.jobMemoryBudgetMb > run.memoryBudgetMb && run.jobMemoryBudgetMb < 2 * run.memoryBudgetMb, "a job: its sandbox and a smaller warmer");
  });

  it("gradebook.csv: student, one column per check, total, the execution column — matching grades.json", () => {
    const rows = parseCsv(fs.readFileSync(path.join(out, "gradebook.csv"), "utf8")).map((r) => r.slice(0, -1));
    const execution = parseCsv(fs.readFileSync(path.join(out, "gradebook.csv"), "utf8")).map((r) => r[r.length - 1]);
    assert.deepEqual(execution, ["execution 01-logistic-regression", ...rows.slice(1).map(() => "")], "not executed: empty");
    assert.deepEqual(rows[1], ["Points Possible", ...(rows[0] as string[]).slice(1, -1).map((id) => String(entries("ann")[0]?.checks.find((c) => c.id === id)?.maxPoints)), String(FULL)]);
    const header = rows[0] as string[];
    assert.equal(header[0], "student");
    assert.equal(header[header.length - 1], "total");
    assert.ok(header.includes("01.sigmoid") && header.includes("01.sigmoid.hidden") && header.includes("01.buildLogisticModel"));
    assert.equal(rows.length, 2 + 12);
    for (const row of rows.slice(2)) {
      const student = row[0] as string;
      const e = entries(student).find((n) => n.lesson);
      assert.equal(Number(row[row.length - 1]), e?.score ?? 0, `${student} total`);
      for (const [k, id] of header.entries()) {
        if (k === 0 || k === header.length - 1) continue;
        const c = e?.checks.find((x) => x.id === id);
        assert.equal(row[k], c ? String(c.points) : "", `${student} ${id}`);
      }
    }
  });

  it("gradebook-canvas.csv: Canvas's import columns, a Points Possible row, one column per lesson", () => {
    const rows = parseCsv(fs.readFileSync(path.join(out, "gradebook-canvas.csv"), "utf8"));
    assert.deepEqual(rows[0], ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lesson 01 (points)"]);
    assert.deepEqual(rows[1], ["Points Possible", "", "", "", "", String(FULL)]);
    const ann = rows.find((r) => r[0] === "ann");
    assert.deepEqual(ann, ["ann", "", "", "ann", "", String(FULL)]);
    assert.equal(rows.find((r) => r[0] === "eve")?.[5], "", "nothing handed in: an empty cell, not a zero");
    assert.equal(csvField("=HYPERLINK(1)"), "'=HYPERLINK(1)", "a student id cannot become a spreadsheet formula");
    const moodle = parseCsv(fs.readFileSync(path.join(out, "gradebook-moodle.csv"), "utf8"));
    assert.deepEqual(moodle.map((r) => r.length), moodle.map(() => 2));
    assert.deepEqual(moodle.slice(1).map((r) => r[0]), rows.slice(2).map((r) => r[0]), "Moodle's file: the same students, no Points Possible row");
    assert.deepEqual(moodle.slice(1).map((r) => r[1]), rows.slice(2).map((r) => r[5]));
  });

  it("feedback pages: one per student, escaped, hidden checks without their cases", () => {
    const files = fs.readdirSync(path.join(out, "feedback")).sort();
    assert.deepEqual(files, ["ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal", "ivy", "jon", "kim", "lee"].map((s) => `${s}.html`));
    const cat = fs.readFileSync(path.join(out, "feedback", "cat.html"), "utf8");
    assert.ok(!cat.includes(SCRIPT_MESSAGE), "the student's <script> is escaped");
    assert.ok(cat.includes("&lt;script&gt;alert("), "and still shown");
    const scripts = [...cat.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.ok(scripts.every((attrs) => /type="application\/vnd\.course\.check\+json"/.test(attrs ?? "")), `only inert data scripts: ${scripts.join(" | ")}`);
    // Per-case tables and hints from the notebook's own renderer, for visible checks.
    const jon = fs.readFileSync(path.join(out, "feedback", "jon.html"), "utf8");
    assert.match(jon, /data-check-id="01\.sigmoid" data-status="failed"/);
    assert.match(jon, /<b>Hint:<\/b>/);
    // Hidden checks: pass/fail and message only.
    const hidden = JSON.parse(fs.readFileSync(path.join(HIDDEN, `${SLUG}.json`), "utf8")) as { checks: Record<string, { cases: { name: string; args: unknown[]; expected: unknown }[] }> };
    for (const student of ["ann", "ivy", "jon", "cat"]) {
      const html = fs.readFileSync(path.join(out, "feedback", `${student}.html`), "utf8");
      assert.match(html, /data-check-id="01\.sigmoid\.hidden"/);
      for (const check of Object.values(hidden.checks)) {
        for (const c of check.cases) {
          // (Short texts like "[0]" also occur in visible checks' tables.)
          const expected = formatValue(c.expected);
          if (expected.length > 4) assert.ok(!html.includes(expected), `${student}: no hidden expected value ${expected}`);
          const input = c.args.map((a) => formatValue(a)).join(", ");
          if (input.length > 4) assert.ok(!html.includes(input), `${student}: no hidden input ${input}`);
          // Nor any single non-integer expected number (the grader's message quotes the first wrong element).
          for (const v of [c.expected].flat(3)) if (typeof v === "number" && !Number.isInteger(v)) assert.ok(!html.includes(formatValue(v)), `${student}: no hidden expected element ${formatValue(v)}`);
        }
      }
    }
    assert.match(fs.readFileSync(path.join(out, "feedback", "ivy.html"), "utf8"), /01\.sigmoid\.hidden<\/b> \(hidden check, 0\/1\) — failed \(its cases are not shown\)</);
    assert.match(fs.readFileSync(path.join(out, "feedback", "dan.html"), "utf8"), /duplicate student id/);
  });

  it("summary.html: share passed per exercise, frequent failures, an offline plotly chart", () => {
    const html = fs.readFileSync(path.join(out, "summary.html"), "utf8");
    const m = /<script type="application\/json" id="class-summary">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(m, "summary data embedded");
    const data = JSON.parse(m[1] as string) as { students: number; exercises: { id: string; students: number; passed: number; share: number; failures: { message: string; count: number }[] }[] };
    assert.equal(data.students, 12);
    const sig = data.exercises.find((e) => e.id === "01.sigmoid");
    // Graded for lesson 01: ann, bob, cat, hal, ivy, jon, kim, lee; sigmoid passes for ann, hal, ivy.
    assert.equal(sig?.students, 8);
    assert.equal(sig?.passed, 3);
    assert.ok(Math.abs((sig?.share ?? 0) - 3 / 8) < 1e-12);
    assert.deepEqual(sig?.failures.find((f) => /not completed yet/.test(f.message))?.count, 3, "bob, kim and lee");
    assert.ok((sig?.failures.length ?? 0) >= 1);
    assert.match(html, /Plotly\.newPlot/);
    assert.ok(html.length > 1_000_000, "the plotly bundle is inlined (works offline)");
    assert.ok(!/<script[^>]+src=/.test(html), "nothing loaded from elsewhere");
    assert.ok(!html.includes(SCRIPT_MESSAGE), "failure messages escaped in the summary too");
  });

  it("item-analysis.json and .csv: pass rates, named mistakes and hint tiers per check and case", () => {
    const a = JSON.parse(fs.readFileSync(path.join(out, "item-analysis.json"), "utf8")) as { denominator: string; rows: { check: string; case: string | null; category: string | null; hidden: boolean; students: number; passed: number; passRate: number; mistakes: Record<string, number>; hintTiers: Record<string, number> }[] };
    const row = (check: string, kase: string | null = null) => {
      const r = a.rows.find((x) => x.check === check && x.case === kase);
      assert.ok(r, `${check} ${kase}`);
      return r;
    };
    // Handed in lesson 01 (counted): ann, bob, cat, hal, ivy, jon, kim, lee; sigmoid passes for ann, hal, ivy.
    assert.deepEqual([row("01.sigmoid").students, row("01.sigmoid").passed, row("01.sigmoid").passRate], [8, 3, 3 / 8]);
    // jon's exponent has the wrong sign: named once per student, on the check and on its hidden twin.
    assert.deepEqual(row("01.sigmoid").mistakes, { "wrong-sign": 1 });
    assert.equal(row("01.sigmoid.hidden").mistakes["wrong-sign"], 1);
    assert.equal(row("01.sigmoid.hidden", "other values").mistakes["wrong-sign"], 1);
    // jon's saved outputs show tier 2 of 01.sigmoid; the records of a tier, check or hidden check the lesson has not are dropped.
    assert.deepEqual(row("01.sigmoid").hintTiers, { "2": 1 });
    assert.deepEqual(a.rows.filter((r) => Object.keys(r.hintTiers).length).map((r) => r.check), ["01.sigmoid"]);
    assert.ok(!a.rows.some((r) => r.check === "99.evil"));
    // Hidden cases: their categories and outcomes; ivy fails only the large inputs, jon both.
    const large = row("01.sigmoid.hidden", "other values");
    assert.deepEqual([large.hidden, large.category, large.students, large.passed], [true, "moderate and large inputs", 8, 2]);
    assert.equal(row("01.sigmoid.hidden", "one very negative value").passed, 3);
    // The CSV holds the same numbers.
    const [header, ...rows] = parseCsv(fs.readFileSync(path.join(out, "item-analysis.csv"), "utf8"));
    assert.equal(rows.length, a.rows.length);
    const col = (name: string): number => (header as string[]).indexOf(name);
    const sig = rows.find((r) => r[col("check")] === "01.sigmoid" && r[col("case")] === "") as string[];
    assert.deepEqual([sig[col("denominator")], sig[col("students")], sig[col("passed")], sig[col("mistake wrong-sign")], sig[col("hint tier 2")]], [a.denominator, "8", "3", "1", "1"]);
    // The summary's table of top named mistakes.
    const summary = fs.readFileSync(path.join(out, "summary.html"), "utf8");
    const top = [...summary.matchAll(/<tr class="top-mistake" data-check-id="([^"]+)" data-mistake="([^"]+)" data-students="(\d+)">/g)].map((m) => [m[1], m[2], Number(m[3])]);
    assert.deepEqual(top.find((t) => t[0] === "01.sigmoid"), ["01.sigmoid", "wrong-sign", 1]);
    assert.deepEqual(new Set(top.map((t) => t[0])), new Set(a.rows.filter((r) => r.case === null && Object.keys(r.mistakes).length).map((r) => r.check)), "every exercise with a named mistake");
  });

  it("feedback names the category of each failed hidden case, never its values", () => {
    const categories = (student: string): string[] => {
      const html = fs.readFileSync(path.join(out, "feedback", `${student}.html`), "utf8");
      return [...html.matchAll(/<li class="hidden-category" data-category="([^"]*)"/g)].map((m) => m[1] as string);
    };
    const ivy = one("ivy").checks.find((c) => c.id === "01.sigmoid.hidden") as { hiddenCases?: { name: string; category?: string; passed: boolean }[] };
    assert.deepEqual(ivy.hiddenCases?.map((h) => [h.category, h.passed]), [["moderate and large inputs", false], ["a very negative input (exp overflows)", true]]);
    assert.deepEqual(categories("ivy"), ["moderate and large inputs"]);
    assert.deepEqual(categories("ann"), []);
    // jon's wrong sigmoid fails both its hidden cases, and both of computeCost's, which calls it.
    assert.deepEqual(categories("jon"), ["moderate and large inputs", "a very negative input (exp overflows)", "a larger random problem", "a single example"]);
  });

  it("a re-run grades nothing; changing one submission regrades only it", () => {
    const again = runGrade(["--out", out, ...opts, dir]);
    assert.equal(again.status, 0, again.stderr);
    const g2 = readGrades(out);
    assert.equal(g2.run.graded, 0);
    assert.equal(g2.run.cached, grades.run.graded);
    assert.deepEqual(g2.notebooks.map((n) => [n.student, n.score]), grades.notebooks.map((n) => [n.student, n.score]));
    // bob finishes sigmoid.
    const bob = path.join(dir, "bob.ipynb");
    writeNotebook(bob, withExercise(readNotebook(bob), "sigmoid", "function sigmoid(z: number[]): number[] {\n    return z.map((v) => 1 / (1 + Math.exp(-v)));\n}"));
    const third = runGrade(["--out", out, ...opts, dir]);
    assert.equal(third.status, 0, third.stderr);
    const g3 = readGrades(out);
    assert.deepEqual(g3.run.gradedFiles, [bob]);
    assert.equal(g3.notebooks.find((n) => n.student === "bob")?.checks.find((c) => c.id === "01.sigmoid")?.passed, true);
  });

  it("usage errors: a folder without --out, --out without a folder", () => {
    const a = runGrade([dir]);
    assert.equal(a.status, 2);
    assert.match(a.stderr, /is a folder: grade a class folder with --out OUT/);
    const b = runGrade(["--out", out, path.join(dir, "bob.ipynb")]);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /--out grades one class folder/);
  });
});

/**
 * What the class got wrong (grading/item-analysis.ts) from synthetic grades, and the hint tiers read back from a
 * submitted notebook's saved outputs (grading/hint-record.ts): counts per check and per case, the denominator,
 * only the counted notebook of a student, ids and tiers outside the lesson's catalogue never counted, and a CSV
 * whose cells a spreadsheet cannot run as formulas. The same through a real class run: test/grading/class.test.ts.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { HINT_TAG, RESULT_TAG, renderHintHtml, lookupHint, type CheckDefinition } from "../../lib/checks";
import { lessonChecks } from "../../grading/check-catalogue";
import { hintTiersShown } from "../../grading/hint-record";
import { DENOMINATOR, itemAnalysis, itemAnalysisCsv, topMistakes, type ItemRow } from "../../grading/item-analysis";
import type { StudentGrades } from "../../grading/gradebook";
import type { CheckGrade, NotebookGrade } from "../../grading/types";
import type { Notebook } from "../../editions/notebook";
import { parseCsv } from "../helpers/grading";

const LESSON = "01-logistic-regression";

function nb(student: string, checks: CheckGrade[], file = `${LESSON}.ipynb`): StudentGrades {
  const g: NotebookGrade = { path: `/class/${student}/${file}`, lesson: LESSON, score: checks.reduce((s, c) => s + c.points, 0), maxScore: checks.reduce((s, c) => s + c.maxPoints, 0), checks, problems: [] };
  return { student, notebooks: [g], problems: [] };
}

const right: CheckGrade = { id: "01.sigmoid", points: 1, maxPoints: 1, passed: true, status: "passed", message: "2 of 2 cases passed", cases: [{ name: "zero", passed: true }, { name: "large", passed: true }] };
const wrongSign: CheckGrade = {
  id: "01.sigmoid", points: 0, maxPoints: 1, passed: false, status: "failed", message: "wrong", mistakes: ["wrong-sign"], hintTiers: [1, 2],
  cases: [{ name: "zero", passed: true }, { name: "large", passed: false, mistake: "wrong-sign" }],
};
const hiddenRight: CheckGrade = { id: "01.sigmoid.hidden", points: 1, maxPoints: 1, passed: true, status: "passed", hidden: true, message: "hidden check passed", hiddenCases: [{ name: "other values", category: "moderate and large inputs", passed: true }, { name: "very negative", category: "=HYPERLINK(\"x\")", passed: true }] };
const hiddenWrong: CheckGrade = { ...hiddenRight, points: 0, passed: false, status: "failed", message: "hidden check failed", mistakes: ["wrong-sign"], hiddenCases: [{ name: "other values", category: "moderate and large inputs", passed: false, mistake: "wrong-sign" }, { name: "very negative", category: "=HYPERLINK(\"x\")", passed: true }] };

function row(rows: ItemRow[], check: string, kase: string | null = null): ItemRow {
  const r = rows.find((x) => x.check === check && x.case === kase);
  assert.ok(r, `a row for ${check} ${kase ?? ""}`);
  return r;
}

describe("item analysis from grades", () => {
  // ann right; bob and cat show the wrong sign; dan hands in twice (the right one counts); eve hands in nothing.
  const dan = nb("dan", [wrongSign, hiddenWrong], "a.ipynb");
  dan.notebooks.push(...nb("dan", [right, hiddenRight], "b.ipynb").notebooks);
  const students: StudentGrades[] = [nb("ann", [right, hiddenRight]), nb("bob", [wrongSign, hiddenWrong]), nb("cat", [{ ...wrongSign, hintTiers: [2] }, hiddenRight]), dan, { student: "eve", notebooks: [], problems: ["no notebook"] }];
  const levels = { "01.sigmoid": 3 };
  const a = itemAnalysis(students, levels);

  it("one row per check and per case, each over the students who handed the lesson in", () => {
    assert.equal(a.denominator, DENOMINATOR);
    assert.deepEqual(a.rows.map((r) => [r.check, r.case]), [["01.sigmoid", null], ["01.sigmoid", "zero"], ["01.sigmoid", "large"], ["01.sigmoid.hidden", null], ["01.sigmoid.hidden", "other values"], ["01.sigmoid.hidden", "very negative"]]);
    for (const r of a.rows) assert.equal(r.students, 4, "ann, bob, cat, dan (eve handed nothing in)");
    const sig = row(a.rows, "01.sigmoid");
    assert.equal(sig.passed, 2, "ann, and dan's counted notebook");
    assert.equal(sig.passRate, 0.5);
    assert.deepEqual(sig.mistakes, { "wrong-sign": 2 });
    assert.deepEqual(row(a.rows, "01.sigmoid", "large").mistakes, { "wrong-sign": 2 });
    assert.deepEqual(row(a.rows, "01.sigmoid", "zero"), { ...row(a.rows, "01.sigmoid", "zero"), passed: 4, mistakes: {} });
    const hid = row(a.rows, "01.sigmoid.hidden", "other values");
    assert.equal(hid.hidden, true);
    assert.equal(hid.category, "moderate and large inputs");
    assert.equal(hid.passed, 3);
    assert.deepEqual(hid.mistakes, { "wrong-sign": 1 });
  });

  it("hint tiers: students shown each tier, on the check's row, within the check's tiers", () => {
    assert.deepEqual(row(a.rows, "01.sigmoid").hintTiers, { "1": 1, "2": 2 });
    assert.deepEqual(row(a.rows, "01.sigmoid", "large").hintTiers, {});
    // A check the catalogue gives no tiers counts none, whatever the grades say.
    assert.deepEqual(itemAnalysis(students, {}).rows.find((r) => r.case === null && r.check === "01.sigmoid")?.hintTiers, {});
  });

  it("a mistake id or tier that is not the lesson's is never counted (a grades file shaped by hand)", () => {
    const forged = { ...wrongSign, mistakes: ["pwned", "wrong-sign"], hintTiers: [0, 1.5, 4, 99], cases: [{ name: "zero", passed: false, mistake: "<script>" }] } as unknown as CheckGrade;
    const b = itemAnalysis([nb("mal", [forged])], levels);
    assert.deepEqual(row(b.rows, "01.sigmoid").mistakes, { "wrong-sign": 1 });
    assert.deepEqual(row(b.rows, "01.sigmoid").hintTiers, {});
    assert.deepEqual(row(b.rows, "01.sigmoid", "zero").mistakes, {});
  });

  it("the CSV: the denominator in a column, a column per mistake seen and per tier, formula cells defused", () => {
    const csv = parseCsv(itemAnalysisCsv(a));
    const [header, ...rows] = csv;
    assert.deepEqual(header, ["lesson", "check", "case", "category", "hidden", "denominator", "students", "passed", "pass rate", "mistake wrong-sign", "hint tier 1", "hint tier 2"]);
    assert.equal(rows.length, a.rows.length);
    const at = (check: string, kase: string): string[] => rows.find((r) => r[1] === check && r[2] === kase) as string[];
    assert.deepEqual(at("01.sigmoid", ""), [LESSON, "01.sigmoid", "", "", "no", DENOMINATOR, "4", "2", "0.5", "2", "1", "2"]);
    assert.equal(at("01.sigmoid.hidden", "very negative")[3], "'=HYPERLINK(\"x\")", "a category starting with = is not a formula");
  });

  it("the summary's table: the most frequent named mistakes per exercise", () => {
    assert.deepEqual(topMistakes(a), [{ check: "01.sigmoid", mistake: "wrong-sign", students: 2, of: 4 }, { check: "01.sigmoid.hidden", mistake: "wrong-sign", students: 1, of: 4 }]);
  });
});

describe("hint tiers recorded in a notebook's saved outputs", () => {
  const visible: readonly CheckDefinition[] = lessonChecks(LESSON);
  const html = (text: string): Record<string, unknown> => ({ output_type: "display_data", data: { "text/html": text }, metadata: {} });
  const record = (r: unknown): string => `<script type="${HINT_TAG}">${JSON.stringify(r)}</script>`;
  const notebook = (outputs: Record<string, unknown>[]): Notebook => ({ cells: [{ cell_type: "code", source: "lab.hint()", metadata: {}, outputs }], metadata: {}, nbformat: 4, nbformat_minor: 5 }) as Notebook;

  it("lab.hint's output records the tier shown, and the grader reads it back", () => {
    const shown = lookupHint(visible, "01.sigmoid", 2);
    assert.equal(shown.ok, true);
    assert.deepEqual([...hintTiersShown(notebook([html(renderHintHtml(shown))]), visible)], [["01.sigmoid", [2]]]);
  });

  it("a failed check's report counts its tiers; a passed one's does not", () => {
    const result = (status: string, hints: string[]): string => `<script type="${RESULT_TAG}">${JSON.stringify({ id: "01.computeCost", status, hints })}</script>`;
    assert.deepEqual([...hintTiersShown(notebook([html(result("failed", ["a", "b"])), html(result("passed", ["a"]))]), visible)], [["01.computeCost", [1, 2]]]);
    assert.deepEqual([...hintTiersShown(notebook([html(result("passed", ["a"]))]), visible)], []);
  });

  it("anything else a student writes there is not counted: unknown ids, hidden checks, tiers out of range", () => {
    const hostile = [
      record({ id: "99.evil", level: 1 }), record({ id: "01.sigmoid.hidden", level: 1 }), record({ id: "01.sigmoid", level: 99 }),
      record({ id: "01.sigmoid", level: 0 }), record({ id: "01.sigmoid", level: 1.5 }), record({ id: "01.sigmoid", level: "1" }),
      `<script type="${HINT_TAG}">{not json</script>`, `<script type="${RESULT_TAG}">${JSON.stringify({ id: "01.sigmoid", status: "failed", hints: ["1", "2", "3", "4"] })}</script>`,
    ];
    assert.deepEqual([...hintTiersShown(notebook(hostile.map(html)), visible)], []);
  });

  it("reads at most 10,000 records per notebook, over all its outputs", () => {
    const junk = html(record({ id: "99.evil", level: 1 }).repeat(10_000));
    const valid = html(record({ id: "01.sigmoid", level: 1 }));
    assert.deepEqual([...hintTiersShown(notebook([valid, junk]), visible)], [["01.sigmoid", [1]]]);
    assert.deepEqual([...hintTiersShown(notebook([junk, valid]), visible)], []);
  });
});

/**
 * The grader grades quiz answers with the other checks: a submission's
 * `const quizName = "…";` cell is found like an exercise cell, read from the
 * sandboxed realm (a `const` is no property of its global object), and judged
 * outside with the question's key (grading/quiz-keys/), which no sandbox sees:
 * the notebook itself only records the answer. Lesson 03, graded without
 * executing the notebooks (the checks alone).
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { studentEdition, declaredFunction } from "../../editions/editions";
import { cellText, readNotebook, toSource, writeNotebook, type Notebook } from "../../editions/notebook";
import { declaredFunctions } from "../../grading/submission";
import { OUT, ROOT, sourceNotebook } from "../helpers/notebooks";
import { readQuizKeys } from "../../grading/quiz-key-file";
import { prepareGrading } from "../../grading/grading-context";
import { courseSecrets, findSecretLeaks } from "../../tools/secret-scan";

const SLUG = "03-activations";
const ID = "03.quiz.outputActivation";
const NAME = "quizOutputActivation";
const GRADE = path.join(ROOT, "build", "grading", "grade.js");

interface Report {
  notebooks: { path: string; score: number; maxScore: number; recordedPoints?: number; checks: { id: string; points: number; passed: boolean; status?: string; message: string; cases?: { choice?: string; mistake?: string; message?: string }[] }[] }[];
}

function withAnswer(code: string): Notebook {
  const nb = readNotebook(sourceNotebook(SLUG));
  const cell = nb.cells.find((c) => c.cell_type === "code" && declaredFunction(cellText(c)) === NAME);
  if (!cell) throw new Error(`no quiz cell ${NAME}`);
  cell.source = toSource(code);
  return nb;
}

describe("npm run grade: quiz answers", () => {
  const files: Record<string, string> = {};
  let report: Report;
  before(() => {
    fs.mkdirSync(OUT, { recursive: true });
    const notebooks: Record<string, Notebook> = {
      solution: readNotebook(sourceNotebook(SLUG)),
      student: studentEdition(readNotebook(sourceNotebook(SLUG)), `notebooks/${SLUG}.ipynb`),
      wrong: withAnswer(`const ${NAME} = "a";`),
      unknown: withAnswer(`const ${NAME}: string = "z";`),
      throws: withAnswer(`const ${NAME} = (() => { throw new Error("boom"); })();`),
    };
    for (const [label, nb] of Object.entries(notebooks)) {
      files[label] = path.join(OUT, `${SLUG}.quiz-${label}.ipynb`);
      writeNotebook(files[label] as string, nb);
    }
    const json = path.join(OUT, `grade-quiz-${process.pid}.json`);
    const r = spawnSync(process.execPath, [GRADE, "--json", json, "--no-execute", ...Object.values(files)], { encoding: "utf8", cwd: ROOT, timeout: 10 * 60_000 });
    assert.ok(fs.existsSync(json), `grader wrote no JSON (exit ${r.status}): ${r.stderr}\n${r.stdout}`);
    report = JSON.parse(fs.readFileSync(json, "utf8")) as Report;
    fs.unlinkSync(json);
  });

  const quiz = (label: string) => {
    const n = report.notebooks.find((x) => path.resolve(x.path) === path.resolve(files[label] as string));
    assert.ok(n, `no report for ${label}`);
    const c = n.checks.find((x) => x.id === ID);
    assert.ok(c, `${label}: the grader did not grade ${ID}`);
    return { n, c };
  };

  it("finds a quiz answer declaration as it finds an exercise function", () => {
    assert.deepEqual(declaredFunctions(`// note\nconst ${NAME} = "c";`), [NAME]);
    assert.deepEqual(declaredFunctions(`const other = "c";\n  const ${NAME} = "c";`), [], "top level, quiz names only");
  });

  it("the solution's answer earns the point, with the whole lesson", () => {
    const { n, c } = quiz("solution");
    assert.equal(c.passed, true, c.message);
    assert.equal(c.status, "passed");
    assert.equal(n.score, n.maxScore);
  });

  it('the student edition\'s placeholder "?" earns nothing', () => {
    const { n, c } = quiz("student");
    assert.equal(c.passed, false);
    assert.match(c.message, /not completed yet/);
    assert.equal(n.score, 0);
  });

  it("a wrong option fails with its feedback; an unknown key lists the options; a cell that throws defines nothing", () => {
    const wrong = quiz("wrong");
    const key = readQuizKeys(SLUG)[ID];
    assert.ok(key && typeof key.answer === "string" && key.answer !== "a");
    assert.equal(wrong.c.passed, false);
    assert.equal(wrong.c.status, "failed");
    assert.equal(wrong.c.cases?.[0]?.choice, "a");
    assert.equal(wrong.c.cases?.[0]?.mistake, "wrong-choice");
    // The feedback data explains the option chosen, from the key, and never names or explains the right one.
    assert.ok(wrong.c.cases?.[0]?.message?.includes(key.feedback.a as string), wrong.c.cases?.[0]?.message);
    const text = JSON.stringify(wrong.c);
    assert.ok(!text.includes(`"${key.answer}"`) && !text.includes(key.feedback[key.answer] as string), text);
    assert.equal(wrong.n.score, wrong.n.maxScore - 1, "only the quiz point is lost");
    const unknown = quiz("unknown");
    assert.equal(unknown.c.cases?.[0]?.mistake, "unknown-option");
    assert.match(unknown.c.cases?.[0]?.message ?? "", /"a", "b", "c", "d"/);
    const throws = quiz("throws");
    assert.equal(throws.c.passed, false);
    assert.match(throws.c.message, new RegExp(`${NAME} is not defined`));
    assert.equal(throws.n.score, throws.n.maxScore - 1);
  });
});

describe("what the grader shows its sandboxes", () => {
  it("the data snapshots (the execution report's and the scoring sandbox's) hold no quiz key; the grader holds them", () => {
    const ctx = prepareGrading();
    try {
      const secrets = courseSecrets();
      assert.ok(secrets.quiz.length >= 7, "the scan knows the keys to look for");
      assert.deepEqual(findSecretLeaks(ctx.dataDir, secrets), []);
      assert.deepEqual(findSecretLeaks(ctx.inputsDir, secrets), []);
      assert.deepEqual(ctx.quizKeys[SLUG]?.[ID], readQuizKeys(SLUG)[ID], "judging uses the key, read when grading starts");
      // The scan can fail: the key file itself, in a snapshot, is found.
      fs.copyFileSync(path.join(ROOT, "grading", "quiz-keys", `${SLUG}.json`), path.join(ctx.dataDir, "planted.json"));
      assert.deepEqual(findSecretLeaks(ctx.dataDir, secrets).filter((l) => l.id === ID).map((l) => l.kind).sort(), ["quiz-feedback", "quiz-key"]);
    } finally {
      ctx.close();
    }
  });
});

/**
 * lib/checks/quiz.ts: a quiz question graded like an exercise. The answer is
 * a value (an option key), compared with the stored right key; a wrong option
 * is explained by its own feedback and the right answer never appears in the
 * result. Uses a temporary data folder (COURSE_DATA_DIR) with one question,
 * then checks every lesson's quiz against its notebook.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { quietCpuFirstUse } from "../../lib/runtime/backend";
import { isQuizId, loadExpected, quizAnswerName, quizCheck, quizOptions, runCheck, type QuizCheckDefinition } from "../../lib/checks";
import { lessonSlugs, loadLesson } from "../../lib/lessons";
import { markdownCells } from "../helpers/notebooks";

const FEEDBACK = { a: "FEEDBACK-A", b: "FEEDBACK-B", c: "FEEDBACK-C" };
const sample = quizCheck({ lesson: "99-quiz", id: "99.quiz.sample", points: 2, hints: ["tier 1", "tier 2"], feedback: FEEDBACK });
let dir = "";
const saved = process.env.COURSE_DATA_DIR;

before(async () => {
  await tf.ready();
  quietCpuFirstUse();
});

describe("quizCheck", () => {
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "quiz-test-"));
    fs.mkdirSync(path.join(dir, "expected"));
    const checks = {
      "99.quiz.sample": { atol: 0, rtol: 0, cases: [{ name: "sample", args: [{ a: "one", b: "two", c: "three" }], expected: "b" }] },
      "99.quiz.unexplained": { atol: 0, rtol: 0, cases: [{ name: "sample", args: [{ a: "one", b: "two", c: "three", d: "four" }], expected: "b" }] },
    };
    fs.writeFileSync(path.join(dir, "expected", "99-quiz.json"), JSON.stringify({ lesson: "99-quiz", generatedBy: "test", checks }));
    process.env.COURSE_DATA_DIR = dir;
  });

  after(() => {
    if (saved === undefined) delete process.env.COURSE_DATA_DIR;
    else process.env.COURSE_DATA_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("names the answer variable after the id", () => {
    assert.equal(sample.fnName, "quizSample");
    assert.equal(quizAnswerName("03.quiz.outputActivation"), "quizOutputActivation");
    assert.equal(isQuizId("03.quiz.outputActivation"), true);
    assert.equal(isQuizId("03.relu"), false);
    assert.throws(() => quizAnswerName("03.relu"));
  });

  it("passes on the right key, trimmed and in any case, with full points and no expected value shown", async () => {
    for (const answer of ["b", " B "]) {
      const r = await runCheck(sample, answer);
      assert.equal(r.status, "passed");
      assert.equal(r.points, 2);
      assert.equal(r.cases[0]?.choice, "b");
      assert.equal(r.cases[0]?.expected, undefined);
    }
  });

  it("fails on a wrong option with that option's feedback, never the right answer's", async () => {
    for (const key of ["a", "c"] as const) {
      const r = await runCheck(sample, key);
      assert.equal(r.status, "failed");
      assert.equal(r.points, 0);
      const c = r.cases[0];
      assert.equal(c?.choice, key);
      assert.equal(c?.mistake, "wrong-choice");
      assert.ok(c?.message?.includes(FEEDBACK[key]));
      assert.equal(c?.expected, undefined);
      assert.equal(c?.tolerance, undefined);
      const text = JSON.stringify(r);
      assert.ok(!text.includes(FEEDBACK.b) && !text.includes('"b"'), text);
    }
  });

  it('the placeholder "?" is not completed', async () => {
    const r = await runCheck(sample, "?");
    assert.equal(r.status, "not-completed");
    assert.match(r.message, /quizSample is not completed yet/);
  });

  it("an unknown key fails and lists the valid ones", async () => {
    const r = await runCheck(sample, "e");
    assert.equal(r.status, "failed");
    assert.equal(r.cases[0]?.mistake, "unknown-option");
    assert.equal(r.cases[0]?.choice, "e");
    for (const k of ["a", "b", "c"]) assert.ok(r.cases[0]?.message?.includes(`"${k}"`));
  });

  it("an answer that is not a string fails, saying what to write; undefined asks to run the cell", async () => {
    const num = await runCheck(sample, 2);
    assert.equal(num.status, "failed");
    assert.equal(num.cases[0]?.choice, undefined);
    assert.match(num.cases[0]?.message ?? "", /"a", "b", "c"/);
    const undef = await runCheck(sample, undefined);
    assert.equal(undef.status, "failed");
    assert.match(undef.cases[0]?.message ?? "", /undefined: run the cell/);
  });

  it("an option without feedback is a course error, not the student's", async () => {
    const broken = quizCheck({ lesson: "99-quiz", id: "99.quiz.unexplained", points: 1, hints: ["h"], feedback: FEEDBACK });
    const r = await runCheck(broken, "a");
    assert.equal(r.status, "error");
    assert.match(r.message, /"d"/);
  });
});

describe("the lessons' quiz questions", () => {
  const quizzes = lessonSlugs().flatMap((slug) =>
    loadLesson(slug).checker.definitions.filter((d) => isQuizId(d.id)).map((d) => ({ slug, def: d as QuizCheckDefinition })),
  );

  it("lessons 02 to 05 each have at least one, at the end of their checks", () => {
    for (const slug of lessonSlugs().filter((s) => /^0[2-5]/.test(s))) {
      const ids = loadLesson(slug).checker.definitions.map((d) => d.id);
      const first = ids.findIndex(isQuizId);
      assert.ok(first >= 0, `${slug} has no quiz`);
      assert.ok(ids.slice(first).every(isQuizId), `${slug}: the quiz comes after the exercises`);
    }
  });

  it("every option of every question is shown, with its key, in one markdown cell of the notebook", () => {
    for (const { slug, def } of quizzes) {
      const options = quizOptions(loadExpected(slug).checks[def.id]?.cases[0]?.args ?? []);
      const cell = markdownCells(slug).find((m) => Object.entries(options).every(([k, text]) => m.includes(`**${k}**: ${text}`)));
      assert.ok(cell, `${def.id}: no markdown cell lists ${JSON.stringify(options)}`);
    }
  });

  it("the softmax question's answer is the lecture's: two outputs with a1 = 0.71 give a2 = 0.29", () => {
    const stored = loadExpected("04-softmax").checks["04.quiz.softmaxOther"]?.cases[0];
    const text = quizOptions(stored?.args ?? [])[stored?.expected as string];
    // Softmax of two logits z1, z2: a1 = 1 / (1 + e^(z2 − z1)); pick z2 − z1 so that a1 = 0.71.
    const d = Math.log(1 / 0.71 - 1);
    const a2 = Math.exp(d) / (1 + Math.exp(d));
    assert.equal(Number(text), Number(a2.toFixed(2)));
    assert.equal(text, "0.29");
  });
});

/**
 * lib/checks/quiz.ts: a graded quiz question. In the notebook (no key) a valid
 * answer is only "recorded": the result is the same whether the answer is right
 * or wrong. With its key (the grader) the answer is judged: the right key earns
 * the points, a wrong option is explained by its own feedback and the right
 * answer never appears in the result. Uses a temporary data folder
 * (COURSE_DATA_DIR) with one question, then checks every lesson's quiz against
 * its notebook and its key.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { quietCpuFirstUse } from "../../lib/runtime/backend";
import { isQuizId, loadExpected, quizAnswerName, quizCheck, quizOptions, runCheck, type CheckResult, type QuizCheckDefinition } from "../../lib/checks";
import { lessonSlugs, loadLesson } from "../../lib/lessons";
import { readQuizKeys } from "../../grading/quiz-key-file";
import { markdownCells } from "../helpers/notebooks";

const FEEDBACK = { a: "FEEDBACK-A", b: "FEEDBACK-B", c: "FEEDBACK-C" };
const sample = quizCheck({ lesson: "99-quiz", id: "99.quiz.sample", points: 2, hints: ["tier 1", "tier 2"] });
/** The question as the grader judges it, with its key. */
const keyed = sample.withKey({ answer: "b", feedback: FEEDBACK });
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
      "99.quiz.sample": { atol: 0, rtol: 0, cases: [{ name: "sample", args: [{ a: "one", b: "two", c: "three" }] }] },
      "99.quiz.unexplained": { atol: 0, rtol: 0, cases: [{ name: "sample", args: [{ a: "one", b: "two", c: "three", d: "four" }] }] },
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

  it("without the key, a valid answer is recorded: no verdict, no points counted, and the same result right or wrong", async () => {
    const results: CheckResult[] = [];
    for (const answer of ["b", " B ", "a", "c"]) {
      const r = await runCheck(sample, answer);
      assert.equal(r.status, "recorded", `${answer}: ${r.message}`);
      assert.equal(r.points, 0);
      assert.equal(r.passed, false);
      assert.equal(r.maxPoints, 2);
      assert.equal(r.cases[0]?.recorded, true);
      assert.equal(r.cases[0]?.mistake, undefined);
      assert.equal(r.cases[0]?.expected, undefined);
      results.push(r);
    }
    // Only the choice differs between a right answer ("b") and wrong ones: the notebook cannot tell them apart.
    const strip = (r: CheckResult) => JSON.stringify({ ...r, cases: r.cases.map(({ choice: _c, got: _g, ...rest }) => rest) });
    for (const r of results) assert.equal(strip(r), strip(results[0] as CheckResult));
    assert.equal(results[1]?.cases[0]?.choice, "b", "trimmed and lower case");
  });

  it("with the key, passes on the right key, trimmed and in any case, with full points and no expected value shown", async () => {
    for (const answer of ["b", " B "]) {
      const r = await runCheck(keyed, answer);
      assert.equal(r.status, "passed");
      assert.equal(r.points, 2);
      assert.equal(r.cases[0]?.choice, "b");
      assert.equal(r.cases[0]?.expected, undefined);
    }
  });

  it("with the key, fails on a wrong option with that option's feedback, never the right answer's", async () => {
    for (const key of ["a", "c"] as const) {
      const r = await runCheck(keyed, key);
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

  it('the placeholder "?" is not completed, with or without the key', async () => {
    for (const def of [sample, keyed]) {
      const r = await runCheck(def, "?");
      assert.equal(r.status, "not-completed");
      assert.match(r.message, /quizSample is not completed yet/);
    }
  });

  it("an unknown key fails and lists the valid ones, with or without the key", async () => {
    for (const def of [sample, keyed]) {
      const r = await runCheck(def, "e");
      assert.equal(r.status, "failed");
      assert.equal(r.cases[0]?.mistake, "unknown-option");
      assert.equal(r.cases[0]?.choice, "e");
      for (const k of ["a", "b", "c"]) assert.ok(r.cases[0]?.message?.includes(`"${k}"`));
    }
  });

  it("an answer that is not a string fails, saying what to write; undefined asks to run the cell", async () => {
    for (const def of [sample, keyed]) {
      const num = await runCheck(def, 2);
      assert.equal(num.status, "failed");
      assert.equal(num.cases[0]?.choice, undefined);
      assert.match(num.cases[0]?.message ?? "", /"a", "b", "c"/);
      const undef = await runCheck(def, undefined);
      assert.equal(undef.status, "failed");
      assert.match(undef.cases[0]?.message ?? "", /undefined: run the cell/);
    }
  });

  it("a key without feedback for an option is a course error, not the student's", async () => {
    const broken = quizCheck({ lesson: "99-quiz", id: "99.quiz.unexplained", points: 1, hints: ["h"] }).withKey({ answer: "b", feedback: FEEDBACK });
    const r = await runCheck(broken, "a");
    assert.equal(r.status, "error");
    assert.match(r.message, /"d"/);
  });
});

describe("the lessons' quiz questions", () => {
  const quizzes = lessonSlugs().flatMap((slug) =>
    loadLesson(slug).checker.definitions.filter((d) => isQuizId(d.id)).map((d) => ({ slug, def: d as QuizCheckDefinition })),
  );

  it("every lesson has at least one, at the end of its checks", () => {
    for (const slug of lessonSlugs().filter((s) => /^0[1-7]-/.test(s))) {
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

  it("data/expected holds each question's options but no answer; its key (grading/quiz-keys/) explains every option", () => {
    assert.ok(quizzes.length >= 7, `the lessons' quiz questions (${quizzes.length})`);
    for (const { slug, def } of quizzes) {
      const stored = loadExpected(slug).checks[def.id];
      for (const c of stored?.cases ?? []) assert.ok(!("expected" in c), `${def.id}: data/expected/${slug}.json holds its answer`);
      const key = readQuizKeys(slug)[def.id];
      assert.ok(key, `${def.id} has a key`);
      const options = Object.keys(quizOptions(stored?.cases[0]?.args ?? []));
      assert.deepEqual(Object.keys(key.feedback).sort(), options.sort(), `${def.id}: feedback for exactly its options`);
      for (const k of Array.isArray(key.answer) ? key.answer : [key.answer]) assert.ok(options.includes(k), `${def.id}: its answer is an option`);
    }
  });

  it("no explanation repeats the verdict the grade already gives, or names an option's letter", () => {
    for (const { slug, def } of quizzes) {
      const key = readQuizKeys(slug)[def.id];
      for (const [k, text] of Object.entries(key?.feedback ?? {})) {
        // The grade says '"b" is not true: …' or '"b" is not the answer: …' itself.
        assert.doesNotMatch(text, /^(not so|true|false|wrong|right|correct)\b/i, `${def.id} option ${k} repeats the verdict: ${text}`);
        assert.doesNotMatch(text, /\b(answer|option|choice|letter) "?[a-e]"?\b|\([a-e]\)/i, `${def.id} option ${k} names a letter: ${text}`);
      }
    }
  });

  it("the lecture's in-video question: a1, a2, a3 = 0.30, 0.20, 0.15 give a4 = 0.35", () => {
    const stored = loadExpected("04-softmax").checks["04.quiz.softmaxA4"]?.cases[0];
    const answer = readQuizKeys("04-softmax")["04.quiz.softmaxA4"]?.answer as string;
    assert.equal(Number(quizOptions(stored?.args ?? [])[answer]), Number((1 - 0.3 - 0.2 - 0.15).toFixed(2)));
  });

  it("the softmax question's answer is the lecture's: two outputs with a1 = 0.71 give a2 = 0.29", () => {
    const stored = loadExpected("04-softmax").checks["04.quiz.softmaxOther"]?.cases[0];
    const answer = readQuizKeys("04-softmax")["04.quiz.softmaxOther"]?.answer as string;
    const text = quizOptions(stored?.args ?? [])[answer];
    // Softmax of two logits z1, z2: a1 = 1 / (1 + e^(z2 − z1)); pick z2 − z1 so that a1 = 0.71.
    const d = Math.log(1 / 0.71 - 1);
    const a2 = Math.exp(d) / (1 + Math.exp(d));
    assert.equal(Number(text), Number(a2.toFixed(2)));
    assert.equal(text, "0.29");
  });
});

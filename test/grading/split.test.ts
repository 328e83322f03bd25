/**
 * The grader's split of a check gives exactly what `lab.check` gives: for
 * every check of every lesson, outputs recorded without any expected value
 * (data/ pointed at the inputs-only copy), sent through JSON and judged
 * outside, give the very CheckResult of running the check directly, for the
 * solution and for the usual ways to be wrong (throw, stub, undefined, NaN, a
 * tensor, a Promise, not a function). A graded quiz question is judged with its
 * key (grading/quiz-keys/), as the grader does, and without it is "recorded"
 * on both sides.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { lessonSlugs, loadLesson } from "../../lib/lessons";
import { initBackend } from "../../lib/runtime";
import { NOT_COMPLETED, isQuizCheck, runCheck, type CheckDefinition, type CheckResult, type QuizKey } from "../../lib/checks";
import { readQuizKeys } from "../../grading/quiz-key-file";
import { judgeCheck } from "../../grading/judge";
import { recordingRunner } from "../../grading/worker";
import { writeInputsOnly } from "../../grading/inputs";
import { decodeValue, encodeValue, type WireOutput } from "../../grading/wire";
import { ROOT, solutionFunctions } from "../helpers/notebooks";

let inputsDir = "";

before(async () => {
  await initBackend();
  inputsDir = fs.mkdtempSync(path.join(os.tmpdir(), "split-test-"));
  writeInputsOnly(path.join(ROOT, "data"), inputsDir);
});

after(() => fs.rmSync(inputsDir, { recursive: true, force: true }));

/** Records a check's outputs with no expected value in reach, then judges them as the grader does. */
async function split(def: CheckDefinition, fn: unknown, key?: QuizKey): Promise<CheckResult> {
  const outputs: WireOutput[] = [];
  process.env.COURSE_DATA_DIR = inputsDir;
  try {
    await def.run(fn, recordingRunner(outputs));
  } catch {
    // the judge ends the same way
  } finally {
    delete process.env.COURSE_DATA_DIR;
  }
  return judgeCheck(def, { kind: "outputs", outputs: JSON.parse(JSON.stringify(outputs)) as WireOutput[] }, key);
}

/** The result as JSON, with tfjs's automatic layer names (a global counter: dense_Dense7) made equal. */
function normalise(r: CheckResult): unknown {
  return JSON.parse(JSON.stringify(r).replace(/name: \\"[A-Za-z0-9]+_[A-Za-z0-9]+?\d+\\"/g, 'name: \\"(auto)\\"'));
}

const WRONG: Record<string, () => unknown> = {
  throws: () => {
    throw new RangeError("boom");
  },
  stub: () => {
    throw new Error(`${NOT_COMPLETED}: write your code`);
  },
  undefined: () => undefined,
  NaN: () => NaN,
  "NaN array": () => [NaN, -0, Infinity],
  tensor: () => tf.tensor1d([1, 2]),
  promise: async () => 1,
  object: () => ({ W: [[1]], b: [Number.NEGATIVE_INFINITY], extra: undefined }),
};

/** Answers as a quiz question sees them (any other check: "expected a function"): a key, the placeholder, no option. */
const QUIZ_ANSWERS: [string, unknown][] = [["option a", "a"], ["option B, padded", " B "], ["option d", "d"], ["placeholder", "?"], ["unknown option", "zz"], ["array", ["a"]]];

describe("the grader's compute/judge split matches lab.check", () => {
  for (const slug of lessonSlugs()) {
    it(`${slug}: every check, solution and wrong answers`, async () => {
      const solutions = solutionFunctions(slug);
      for (const def of loadLesson(slug).checker.definitions) {
        const fnName = (def as { fnName?: string }).fnName ?? def.id.split(".")[1] ?? "";
        const candidates: [string, unknown][] = [["solution", solutions[fnName]], ...Object.entries(WRONG), ["not a function", 5], ...QUIZ_ANSWERS];
        const key = isQuizCheck(def) ? readQuizKeys(slug)[def.id] : undefined;
        for (const [label, fn] of candidates) {
          const live = await runCheck(def, fn);
          const judged = await split(def, fn);
          assert.deepEqual(normalise(judged), normalise(live), `${def.id} / ${label}`);
          if (isQuizCheck(def)) {
            // Without the key (the notebook, a release) both sides only record; with it, both judge alike.
            assert.ok(key, `${def.id} has a key`);
            if (label === "solution") assert.equal(judged.status, "recorded", `${def.id}: ${judged.message}`);
            const withKey = await split(def, fn, key);
            assert.deepEqual(normalise(withKey), normalise(await runCheck(def.withKey(key), fn)), `${def.id} / ${label}, with the key`);
            if (label === "solution") assert.equal(withKey.passed, true, `${def.id}: ${withKey.message}`);
          } else if (label === "solution") assert.equal(judged.passed, true, `${def.id}: ${judged.message}`);
        }
      }
    });
  }
});

describe("wire values", () => {
  it("keep what compare and formatValue look at, and never throw on junk", () => {
    const v = decodeValue(JSON.parse(JSON.stringify(encodeValue({ a: [NaN, -0, Infinity, undefined], t: new Float32Array([1.5]), ["__proto__"]: 1 })))) as Record<string, unknown>;
    assert.ok(Object.is((v.a as number[])[1], -0));
    assert.ok(Number.isNaN((v.a as number[])[0]));
    assert.equal((v.a as unknown[])[3], undefined);
    assert.ok(v.t instanceof Float32Array);
    assert.equal(Object.getPrototypeOf(v), Object.prototype, "a __proto__ key stays a plain key");
    for (const junk of [undefined, { $o: 5 }, { $a: "Nope", v: [1, "x"] }, { $t: null }, { $n: "evil" }, { kind: "value" }]) assert.doesNotThrow(() => decodeValue(junk));
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    assert.doesNotThrow(() => decodeValue(deep));
  });
});

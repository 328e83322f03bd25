/**
 * lib/checks/hints.ts and the checker's tiers: a failed check shows tier 1;
 * from the third failed run of the same check it shows tiers 1–2; passes,
 * stubs and broken checks are not counted; lab.hint(id, level) gives any tier
 * and says which ids and levels exist when asked for one that does not.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { createChecker } from "../../lib/checks/stored-checks";
import { compareCase, NOT_COMPLETED, type CheckDefinition, type CheckResult } from "../../lib/checks/harness";
import { FailureCounter, lookupHint, MORE_DETAIL_AFTER, tiersToShow } from "../../lib/checks/hints";
import { renderHtml, renderText } from "../../lib/checks/report";
import { checker as lesson04, hint as lesson04Hint } from "../../lib/lessons/04-softmax";
import { loadExpected, quizOptions } from "../../lib/checks";
import { readQuizKeys } from "../../grading/quiz-key-file";

const TIERS = ["idea to revisit", "the formula", "the usual pitfalls"] as const;

/** A one-case check of `double` on [1, 2] → [2, 4], with three hint tiers. */
const doubleCheck: CheckDefinition = {
  id: "99.double",
  points: 1,
  hints: TIERS,
  run: async (fn) => [await compareCase("doubles", fn, [[1, 2]], [2, 4], { atol: 0, rtol: 0 })],
};
const right = (xs: number[]): number[] => xs.map((x) => 2 * x);
const wrong = (xs: number[]): number[] => xs.map((x) => 3 * x);
const stub = (): never => { throw new Error(NOT_COMPLETED); };

function captureLog(fn: () => void): string {
  const orig = console.log;
  let out = "";
  console.log = (...a: unknown[]) => { out += `${a.join(" ")}\n`; };
  try {
    fn();
  } finally {
    console.log = orig;
  }
  return out;
}

describe("tier selection", () => {
  it("tiersToShow: tier 1 for the first and second failures, tiers 1–2 from the third", () => {
    assert.equal(MORE_DETAIL_AFTER, 3);
    assert.deepEqual(tiersToShow(TIERS, 1), ["idea to revisit"]);
    assert.deepEqual(tiersToShow(TIERS, 2), ["idea to revisit"]);
    assert.deepEqual(tiersToShow(TIERS, 3), ["idea to revisit", "the formula"]);
    assert.deepEqual(tiersToShow(TIERS, 7), ["idea to revisit", "the formula"], "tier 3 only on request");
    assert.deepEqual(tiersToShow(["only one"], 5), ["only one"]);
  });

  it("FailureCounter counts failed results per id only", () => {
    const c = new FailureCounter();
    const r = (id: string, status: CheckResult["status"]): CheckResult => ({ id, status, points: 0, maxPoints: 1, passed: status === "passed", message: "", cases: [] });
    assert.equal(c.record(r("a", "failed")), 1);
    assert.equal(c.record(r("a", "passed")), 1);
    assert.equal(c.record(r("a", "not-completed")), 1);
    assert.equal(c.record(r("a", "error")), 1);
    assert.equal(c.record(r("b", "failed")), 1);
    assert.equal(c.record(r("a", "failed")), 2);
  });

  it("through a checker: 1st failure → tier 1 only; 3rd failure → tiers 1–2; passes and stubs do not count", async () => {
    const checker = createChecker([doubleCheck]);
    const first = await checker.attempt("99.double", wrong);
    assert.equal(first.status, "failed");
    assert.deepEqual(first.hints, ["idea to revisit"]);
    assert.equal(first.hintLevels, 3);
    const pass = await checker.attempt("99.double", right);
    assert.equal(pass.status, "passed");
    assert.equal((await checker.attempt("99.double", stub)).status, "not-completed");
    const second = await checker.attempt("99.double", wrong);
    assert.deepEqual(second.hints, ["idea to revisit"], "the pass and the stub in between were not counted");
    const third = await checker.attempt("99.double", wrong);
    assert.deepEqual(third.hints, ["idea to revisit", "the formula"]);
    const fourth = await checker.attempt("99.double", wrong);
    assert.deepEqual(fourth.hints, ["idea to revisit", "the formula"]);
  });

  it("run() counts nothing (tests and the grader see tier 1 only)", async () => {
    const checker = createChecker([doubleCheck]);
    for (let i = 0; i < 4; i++) assert.deepEqual((await checker.run("99.double", wrong)).hints, ["idea to revisit"]);
    assert.deepEqual((await checker.attempt("99.double", wrong)).hints, ["idea to revisit"]);
  });

  it("the report shows the tiers of a failed result and how to ask for the next one", async () => {
    const checker = createChecker([doubleCheck]);
    const r = await checker.attempt("99.double", wrong);
    const text = renderText(r);
    assert.ok(text.includes(TIERS[0]));
    assert.ok(!text.includes(TIERS[1]), "tier 2 is not shown after one failure");
    assert.match(text, /lab\.hint\("99\.double", 2\)/);
    const html = renderHtml({ ...r, hints: [TIERS[0], TIERS[1]] });
    assert.ok(html.includes(TIERS[1]));
    assert.match(html, /lab\.hint\(&quot;99\.double&quot;, 3\)|lab\.hint\("99\.double", 3\)/);
    assert.ok(!renderText({ ...r, status: "passed" }).includes(TIERS[0]), "a pass shows no hint");
  });
});

describe("lab.hint(id, level)", () => {
  it("gives the requested tier of a lesson's check", () => {
    const def = lesson04.definitions.find((d) => d.id === "04.stableSoftmax") as CheckDefinition;
    const h = lookupHint(lesson04.definitions, "04.stableSoftmax", 2);
    assert.deepEqual(h, { ok: true, id: "04.stableSoftmax", level: 2, levels: def.hints.length, text: def.hints[1] });
    assert.equal((lookupHint(lesson04.definitions, "04.stableSoftmax") as { level: number }).level, 1, "level 1 by default");
    const printed = captureLog(() => lesson04Hint("04.stableSoftmax", 2));
    assert.ok(printed.includes(def.hints[1] as string), "lab.hint prints tier 2");
    assert.ok(!printed.includes(def.hints[0]), "and only tier 2");
  });

  it("an unknown id lists the lesson's ids; an unknown level lists the levels", () => {
    const id = lookupHint(lesson04.definitions, "04.nope", 1);
    assert.equal(id.ok, false);
    for (const d of lesson04.definitions) assert.ok((id as { message: string }).message.includes(d.id));
    for (const level of [0, 4, 1.5, Number.NaN]) {
      const l = lookupHint(lesson04.definitions, "04.mySoftmax", level);
      assert.equal(l.ok, false, `level ${level}`);
      assert.match((l as { message: string }).message, /levels 1 to 3/);
    }
    const printed = captureLog(() => lesson04Hint("04.nope", 1));
    assert.match(printed, /04\.mySoftmax/);
  });

  it("every check of every lesson has a conceptual tier 1 and its formula as tier 2", async () => {
    const slugs = ["01-logistic-regression", "02-dense-networks", "03-activations", "04-softmax", "05-adam", "06-backprop", "07-layer-types"];
    for (const slug of slugs) {
      const mod = (await import(`../../lib/lessons/${slug}`)) as { checker: { definitions: CheckDefinition[] }; hint: unknown };
      assert.equal(typeof mod.hint, "function", `${slug} exports hint`);
      for (const d of mod.checker.definitions) {
        assert.ok(d.hints.length >= 2, `${d.id} has at least two tiers`);
        assert.ok(d.hints.every((t) => t.length > 20), `${d.id}'s tiers are sentences`);
        assert.equal(new Set(d.hints).size, d.hints.length, `${d.id}'s tiers differ`);
      }
    }
  });
});

describe("hints that teach: tier 2 never the solution in words, the walk-through only as tier 3", () => {
  // Each entry: a check whose tier 2 used to spell out the solution, and phrases of that solution.
  const SOLUTION_PHRASES: Record<string, { slug: string; phrases: RegExp[]; walkThrough: boolean }> = {
    "01.buildLogisticModel": { slug: "01-logistic-regression", phrases: [/single unit that takes numFeatures inputs/], walkThrough: true },
    "02.sequential": { slug: "02-dense-networks", phrases: [/a = dense\(a/, /return the last a/], walkThrough: true },
    "02.buildBinaryDigitModel": { slug: "02-dense-networks", phrases: [/Dense 25 sigmoid/, /Dense 15 sigmoid/], walkThrough: true },
    "03.chooseOutputActivation": { slug: "03-activations", phrases: [/→ sigmoid/, /→ linear/, /→ relu/], walkThrough: false },
    "03.buildRegressionModel": { slug: "03-activations", phrases: [/16 relu units/, /"meanSquaredError"/], walkThrough: true },
    "03.piecewiseReluUnits": { slug: "03-activations", phrases: [/from 0 \(the fixed unit has switched off\) to \+1/], walkThrough: true },
    "04.buildMulticlassModel": { slug: "04-softmax", phrases: [/25, then 15 units/], walkThrough: true },
    "05.adamStep": { slug: "05-adam", phrases: [/m = β1·m/, /v̂ = v\/\(1 − β2\^t\)/], walkThrough: true },
    "05.buildDigitModel": { slug: "05-adam", phrases: [/L1 \(25 relu/], walkThrough: true },
    "06.numericalDerivative": { slug: "06-backprop", phrases: [/\(f\(w \+ eps\) − f\(w\)\) \/ eps/], walkThrough: true },
    "06.backpropSimpleNetwork": { slug: "06-backprop", phrases: [/dJ\/dw = dJ\/dc·x/, /dJ\/dd = d\b/], walkThrough: true },
    "07.conv1dValid": { slug: "07-layer-types", phrases: [/Σ_k x\[i·stride \+ k\]·kernel\[k\]/], walkThrough: true },
    "07.buildEkgModel": { slug: "07-layer-types", phrases: [/one filter of width 20, stride 10/], walkThrough: true },
  };
  for (const [id, { slug, phrases, walkThrough }] of Object.entries(SOLUTION_PHRASES)) {
    it(`${id}: tiers 1 and 2 do not spell out the solution${walkThrough ? "; tier 3 walks through it, on request only" : ""}`, async () => {
      const mod = (await import(`../../lib/lessons/${slug}`)) as { checker: { definitions: CheckDefinition[] } };
      const def = mod.checker.definitions.find((d) => d.id === id);
      assert.ok(def, `${slug} has no check ${id}`);
      for (const tier of def.hints.slice(0, 2)) for (const p of phrases) assert.doesNotMatch(tier, p, `${id}: an automatic tier gives away ${p}`);
      if (walkThrough) {
        assert.equal(def.hints.length, 3, `${id} keeps its walk-through as tier 3`);
        assert.match(def.hints[2] as string, /^Walk-through/, `${id}'s tier 3 is the walk-through`);
        assert.deepEqual(tiersToShow(def.hints, 1000), def.hints.slice(0, 2), "no number of failures shows tier 3");
      }
    });
  }
});

describe("every exercise's hints: a walk-through exists, only as tier 3", () => {
  it("each graded exercise (not a quiz question, not a one-word choice) has three tiers, the third a walk-through; tiers 1 and 2 are not", async () => {
    const slugs = ["01-logistic-regression", "02-dense-networks", "03-activations", "04-softmax", "05-adam", "06-backprop", "07-layer-types"];
    for (const slug of slugs) {
      const mod = (await import(`../../lib/lessons/${slug}`)) as { checker: { definitions: CheckDefinition[] } };
      for (const d of mod.checker.definitions.filter((x) => !x.id.includes(".quiz.") && x.id !== "03.chooseOutputActivation")) {
        assert.equal(d.hints.length, 3, `${d.id} has ${d.hints.length} tiers`);
        assert.match(d.hints[2] as string, /^Walk-through: /, `${d.id}'s tier 3`);
        for (const t of d.hints.slice(0, 2)) assert.doesNotMatch(t, /^Walk-through/, `${d.id}: an automatic tier is the walk-through`);
      }
    }
  });
});


/** Lower case, letters and digits only: "binary cross-entropy" and "binaryCrossentropy" compare equal. */
const squash = (t: string): string => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
/** Numbers (200, 0.35, 1–60 gives 1 and 60) and words of five letters or more, lower case. */
const numbersIn = (t: string): Set<string> => new Set(t.match(/\d+(?:\.\d+)?/g) ?? []);
const wordsIn = (t: string): Set<string> => new Set((t.toLowerCase().match(/\p{L}{5,}/gu) ?? []));

/**
 * What a tier-2 hint must not contain for a quiz question: each right option's text, and what sets it apart
 * from the wrong options (a number or a word of five letters or more that no wrong option has). The right
 * option comes from the instructor's key (grading/quiz-keys/, not shipped to students), its text from the
 * options the notebook shows (data/expected/).
 */
export function quizGiveaways(slug: string, id: string): { rightTexts: string[]; numbers: string[]; words: string[] } {
  const key = readQuizKeys(slug)[id];
  assert.ok(key, `${id} has a key`);
  const options = quizOptions(loadExpected(slug).checks[id]?.cases[0]?.args ?? []);
  const right = Array.isArray(key.answer) ? key.answer : [key.answer];
  const rightTexts = right.map((k) => options[k] as string);
  const wrongTexts = Object.entries(options).filter(([k]) => !right.includes(k)).map(([, t]) => t);
  const wrongNumbers = new Set(wrongTexts.flatMap((t) => [...numbersIn(t)]));
  const wrongWords = new Set(wrongTexts.flatMap((t) => [...wordsIn(t)]));
  return {
    rightTexts,
    numbers: [...new Set(rightTexts.flatMap((t) => [...numbersIn(t)]))].filter((n) => !wrongNumbers.has(n)),
    words: [...new Set(rightTexts.flatMap((t) => [...wordsIn(t)]))].filter((w) => !wrongWords.has(w)),
  };
}

describe("quiz hints: tier 2 points at the reasoning step, never at the right option", () => {
  const slugs = ["01-logistic-regression", "02-dense-networks", "03-activations", "04-softmax", "05-adam", "06-backprop", "07-layer-types"];
  it("the giveaway finder sees a right option's number and its distinctive words (so the test below can fail)", () => {
    const g = quizGiveaways("01-logistic-regression", "01.quiz.fitUpdates");
    assert.deepEqual(g.numbers, ["200"]);
    assert.ok(quizGiveaways("05-adam", "05.quiz.adamRaises").words.includes("direction"));
    assert.ok(quizGiveaways("02-dense-networks", "02.quiz.binaryLoss").words.includes("exactly"));
  });
  for (const slug of slugs) {
    it(`${slug}: no quiz's tier 2 contains its right option's text, number or distinctive words`, async () => {
      const mod = (await import(`../../lib/lessons/${slug}`)) as { checker: { definitions: CheckDefinition[] } };
      const quizzes = mod.checker.definitions.filter((d) => d.id.includes(".quiz."));
      assert.ok(quizzes.length >= 1, `${slug} has a graded quiz`);
      for (const d of quizzes) {
        assert.equal(d.hints.length, 2, `${d.id}: a quiz has two tiers`);
        const tier2 = d.hints[1] as string;
        const g = quizGiveaways(slug, d.id);
        for (const t of g.rightTexts) assert.ok(!squash(tier2).includes(squash(t)), `${d.id}: tier 2 contains the right option "${t}"`);
        const numbers = numbersIn(tier2);
        for (const n of g.numbers) assert.ok(!numbers.has(n), `${d.id}: tier 2 contains the right option's number ${n}`);
        const words = wordsIn(tier2);
        for (const w of g.words) assert.ok(!words.has(w), `${d.id}: tier 2 contains "${w}", which only the right option has`);
      }
    });
  }
});

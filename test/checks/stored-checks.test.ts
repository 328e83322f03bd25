/**
 * lib/checks/stored-checks.ts: a lesson's check(id, fn) and run(id, fn), and checks
 * built from the stored cases in data/expected/<lesson>.json (the real file for
 * lesson 01, and a temporary data folder through COURSE_DATA_DIR).
 */
import { after, before, describe, it, mock } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { quietCpuFirstUse } from "../../lib/runtime/backend";
import type { CheckDefinition } from "../../lib/checks/harness";
import { createChecker, loadExpected, storedCheck, storedFunctionCheck, type ExpectedFile } from "../../lib/checks/stored-checks";
import { courseRoot } from "../../lib/runtime/paths";

before(async () => {
  await tf.ready();
  quietCpuFirstUse();
});

const sigmoid = (z: number[]): number[] => z.map((v) => 1 / (1 + Math.exp(-v)));
const wrongSigmoid = (z: number[]): number[] => z.map((v) => 1 / (1 + Math.exp(v)));

/** The real stored cases, read independently of the code under test. */
const LESSON01 = JSON.parse(fs.readFileSync(path.join(courseRoot(), "data", "expected", "01-logistic-regression.json"), "utf8")) as ExpectedFile;

const sigmoidCheck = storedFunctionCheck({ lesson: "01-logistic-regression", id: "01.sigmoid", fnName: "sigmoid", points: 2, hints: ["1 / (1 + e^-z), element by element"] });

const constant = (id: string, points = 1): CheckDefinition => ({
  id, points, hints: [`hint for ${id}`],
  run: async () => [{ name: "only", passed: true }],
});

/** Runs `body` with console.log captured; returns what was logged. */
async function captureLog(body: () => Promise<void>): Promise<string> {
  const logged: string[] = [];
  const spy = mock.method(console, "log", (...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  try {
    await body();
  } finally {
    spy.mock.restore();
  }
  return logged.join("\n");
}

describe("createChecker", () => {
  it("keeps the definitions in order and runs the one with the given id", async () => {
    const defs = [constant("01.a", 1), constant("01.b", 4)];
    const checker = createChecker(defs);
    assert.equal(checker.definitions, defs);
    const r = await checker.run("01.b", () => 0);
    assert.equal(r.id, "01.b");
    assert.equal(r.status, "passed");
    assert.equal(r.points, 4);
  });

  it("run() with an unknown id gives status error listing the lesson's ids", async () => {
    const checker = createChecker([constant("01.a"), constant("01.b")]);
    const r = await checker.run("01.sigmod", () => 0);
    assert.equal(r.status, "error");
    assert.equal(r.points, 0);
    assert.equal(r.passed, false);
    assert.deepEqual(r.cases, []);
    assert.equal(r.message, 'unknown check id "01.sigmod"; this lesson\'s checks are 01.a, 01.b');
  });

  it("check() prints the report outside a kernel and resolves", async () => {
    const checker = createChecker([constant("01.a")]);
    const out = await captureLog(() => checker.check("01.a", () => 0));
    assert.match(out, /^✔ 01\.a passed — all 1 cases passed \(1\/1 point\)/);
  });

  it("check() never throws: not when a definition's run throws, nor when the definition itself is broken", async () => {
    const throwing: CheckDefinition = { id: "01.t", points: 1, hints: [""], run: async () => { throw new Error("boom in run"); } };
    const broken = {
      id: "01.x", points: 1,
      get hints(): [string] {
        throw new Error("broken definition");
      },
      run: async () => [],
    } as CheckDefinition;
    const checker = createChecker([throwing, broken]);
    let out = "";
    await assert.doesNotReject(async () => {
      out = await captureLog(() => checker.check("01.t", () => 0));
    });
    assert.match(out, /^⚠ 01\.t: the check could not run: Error: boom in run/);
    await assert.doesNotReject(async () => {
      out = await captureLog(() => checker.check("01.x", () => 0));
    });
    assert.match(out, /^⚠ 01\.x: the check itself failed \(broken definition\)\. Please report this\./);
    await assert.doesNotReject(async () => {
      out = await captureLog(() => checker.check("nope", () => 0));
    });
    assert.match(out, /unknown check id "nope"/);
  });
});

describe("storedFunctionCheck on data/expected/01-logistic-regression.json", () => {
  const stored = LESSON01.checks["01.sigmoid"];

  it("the real file has cases for 01.sigmoid (sanity check of the fixture)", () => {
    assert.ok(stored && stored.cases.length >= 3);
    assert.deepEqual(storedCheck("01-logistic-regression", "01.sigmoid"), stored);
    assert.deepEqual(loadExpected("01-logistic-regression"), LESSON01);
  });

  it("a correct sigmoid passes every stored case at the stored tolerance", async () => {
    const r = await createChecker([sigmoidCheck]).run("01.sigmoid", sigmoid);
    assert.equal(r.status, "passed", JSON.stringify(r.cases));
    assert.equal(r.points, 2);
    assert.equal(r.maxPoints, 2);
    assert.deepEqual(r.cases.map((c) => c.name), stored?.cases.map((c) => c.name));
    for (const c of r.cases) assert.deepEqual(c.tolerance, { atol: stored?.atol, rtol: stored?.rtol });
  });

  it("a wrong sigmoid (sign error) fails, on exactly the cases where it differs", async () => {
    const r = await createChecker([sigmoidCheck]).run("01.sigmoid", wrongSigmoid);
    assert.equal(r.status, "failed");
    assert.equal(r.points, 0);
    assert.deepEqual(r.hints, ["1 / (1 + e^-z), element by element"]);
    const byName = new Map(r.cases.map((c) => [c.name, c]));
    assert.equal(byName.get("z = 0 gives 0.5")?.passed, true, "σ(0) = 0.5 either way");
    assert.equal(byName.get("empty array")?.passed, true);
    const small = byName.get("small values");
    assert.equal(small?.passed, false);
    assert.match(small?.message ?? "", /^0\.7310585786 ≠ 0\.2689414214 at \[0\]/);
    assert.equal(r.message, `${r.cases.filter((c) => !c.passed).length} of ${stored?.cases.length} cases failed`);
  });

  it("a sigmoid accurate only to float32 fails at the stored tolerance (the check is tight enough to notice)", async () => {
    const f32 = (z: number[]): number[] => Array.from(new Float32Array(sigmoid(z)));
    const r = await createChecker([sigmoidCheck]).run("01.sigmoid", f32);
    assert.equal(r.status, "failed");
  });

  it("an id missing from the file is a course error naming the file, not the student's failure", async () => {
    assert.throws(() => storedCheck("01-logistic-regression", "01.nope"), /data\/expected\/01-logistic-regression\.json has no entry for 01\.nope: run `npm run expected`/);
    const def = storedFunctionCheck({ lesson: "01-logistic-regression", id: "01.nope", fnName: "nope", points: 1, hints: [""] });
    const r = await createChecker([def]).run("01.nope", sigmoid);
    assert.equal(r.status, "error");
    assert.match(r.message, /has no entry for 01\.nope/);
  });

  it("withCases re-uses the check on other cases, honouring a case's own tolerance", async () => {
    const hidden = sigmoidCheck.withCases("01.sigmoid.hidden", 5, {
      atol: 0, rtol: 0,
      cases: [
        { name: "exact", args: [[0]], expected: [0.5] },
        { name: "loose", args: [[0]], expected: [0.6], atol: 0.2 },
      ],
    });
    assert.equal(hidden.id, "01.sigmoid.hidden");
    assert.deepEqual(hidden.hints, ["1 / (1 + e^-z), element by element"], "the hint is kept unless replaced");
    assert.equal(hidden.fnName, "sigmoid");
    const r = await createChecker([hidden]).run("01.sigmoid.hidden", sigmoid);
    assert.equal(r.status, "passed");
    assert.equal(r.points, 5);
    assert.deepEqual(r.cases.map((c) => c.tolerance), [{ atol: 0, rtol: 0 }, { atol: 0.2, rtol: 0 }]);
    // Without the override the second case would fail: the override is what made it pass.
    const strict = sigmoidCheck.withCases("h2", 1, { atol: 0, rtol: 0, cases: [{ name: "loose", args: [[0]], expected: [0.6] }] }, ["new hint"]);
    const s = await createChecker([strict]).run("h2", sigmoid);
    assert.equal(s.status, "failed");
    assert.deepEqual(s.hints, ["new hint"]);
  });

  it("wrapCall calls the student's function through a wrapper and describeArgs names each case's input; withCases keeps both", async () => {
    // Stored cases name a scale ("double") that JSON cannot hold as a function; the wrapper resolves it.
    const scales: Record<string, (v: number) => number> = { double: (v) => 2 * v };
    const scaled = storedFunctionCheck({
      lesson: "01-logistic-regression", id: "01.sigmoid", fnName: "sigmoid", points: 1, hints: [""],
      wrapCall: (fn) => (z) => (fn(z) as number[]).map(scales.double as (v: number) => number),
      describeArgs: (args) => `${(args[0] as number[]).length} values`,
    });
    const hidden = scaled.withCases("h", 1, { atol: 1e-12, rtol: 0, cases: [{ name: "zero", args: [[0, 0]], expected: [1, 1] }] });
    const r = await createChecker([hidden]).run("h", sigmoid);
    assert.equal(r.status, "passed", JSON.stringify(r.cases));
    assert.deepEqual(r.cases.map((c) => c.input), ["2 values"]);
    const unwrapped = await createChecker([sigmoidCheck.withCases("h", 1, { atol: 1e-12, rtol: 0, cases: [{ name: "zero", args: [[0, 0]], expected: [1, 1] }] })]).run("h", sigmoid);
    assert.equal(unwrapped.status, "failed", "without the wrapper the same case fails: the wrapper is what ran");
    assert.equal(unwrapped.cases[0]?.input, "[0, 0]");
  });

  it("wrapCall is not applied to something that is not a function: the harness still says so", async () => {
    let wrapped = 0;
    const def = storedFunctionCheck({ lesson: "01-logistic-regression", id: "01.sigmoid", fnName: "sigmoid", points: 1, hints: [""], wrapCall: (fn) => { wrapped += 1; return fn; } });
    const r = await createChecker([def]).run("01.sigmoid", 42);
    assert.equal(r.status, "failed");
    assert.match(`${r.message} ${r.cases.map((c) => c.message ?? "").join(" ")}`, /expected a function/);
    assert.equal(wrapped, 0);
  });
});

describe("stored cases are read from COURSE_DATA_DIR on every run", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "course-checker-"));
  const saved = process.env.COURSE_DATA_DIR;
  const write = (expected: number[]): void => {
    const file: ExpectedFile = { lesson: "98-tmp", generatedBy: "test", checks: { "98.f": { atol: 1e-12, rtol: 0, cases: [{ name: "c", args: [[1, 2]], expected }] } } };
    fs.writeFileSync(path.join(dir, "expected", "98-tmp.json"), JSON.stringify(file));
  };
  before(() => {
    fs.mkdirSync(path.join(dir, "expected"));
    process.env.COURSE_DATA_DIR = dir;
  });
  after(() => {
    if (saved === undefined) delete process.env.COURSE_DATA_DIR;
    else process.env.COURSE_DATA_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a regenerated file is picked up without rebuilding the checker", async () => {
    const checker = createChecker([storedFunctionCheck({ lesson: "98-tmp", id: "98.f", fnName: "f", points: 1, hints: [""] })]);
    const f = (xs: number[]): number[] => xs.map((x) => x * 10);
    write([10, 20]);
    assert.equal((await checker.run("98.f", f)).status, "passed");
    write([10, 21]);
    assert.equal((await checker.run("98.f", f)).status, "failed");
  });

  it("a missing or invalid file is an error status that says what to run", async () => {
    const missing = createChecker([storedFunctionCheck({ lesson: "97-none", id: "97.f", fnName: "f", points: 1, hints: [""] })]);
    const r = await missing.run("97.f", () => []);
    assert.equal(r.status, "error");
    assert.match(r.message, /Missing data file .*97-none\.json: run `npm run expected`/);
    fs.writeFileSync(path.join(dir, "expected", "96-bad.json"), "{ not json");
    const bad = createChecker([storedFunctionCheck({ lesson: "96-bad", id: "96.f", fnName: "f", points: 1, hints: [""] })]);
    const b = await bad.run("96.f", () => []);
    assert.equal(b.status, "error");
    assert.match(b.message, /96-bad\.json is not valid JSON/);
  });
});

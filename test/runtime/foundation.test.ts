/**
 * The foundation's promises: backend fallback and forcing, the student edition
 * never overwriting a student's work, deterministic data (the RNG equals its
 * independent Python port), check-harness edge cases, and figure HTML.
 */
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { BACKEND_ENV, createRng, figureHtml, initBackend } from "../../lib/runtime";
import { compare, createChecker, parseResults, renderHtml, runCheck, storedFunctionCheck } from "../../lib/checks";
import { loadCoffeeData } from "../../lib/course/coffee";
import { loadBinaryDigits, loadDigitHeldOutSet, loadDigitTrainingSet, resample28to20 } from "../../lib/course/digits";
import { generateStudentEditions, stripSolutions } from "../../editions/editions";
import { readNotebook, writeNotebook } from "../../editions/notebook";
import { ROOT } from "../helpers/notebooks";

const python = process.env.COURSE_TEST_PYTHON ?? "/usr/bin/python3";

describe("backend selection", () => {
  after(async () => {
    await initBackend({ env: {} });
  });
  it("without tfjs-node, falls back to wasm and says why", async (t) => {
    let nodeAvailable = true;
    try {
      require.resolve("@tensorflow/tfjs-node");
    } catch {
      nodeAvailable = false;
    }
    if (nodeAvailable) t.diagnostic("tfjs-node is installed here: the fallback branch is exercised by forcing below");
    const choice = await initBackend({ env: {} });
    if (!nodeAvailable) {
      assert.equal(choice.kind, "wasm");
      assert.equal(tf.getBackend(), "wasm");
      assert.match(choice.reason, /tfjs-node is not installed/);
    } else {
      assert.equal(choice.kind, "node");
    }
  });
  it(`${BACKEND_ENV}=cpu forces the cpu backend`, async () => {
    const choice = await initBackend({ env: { [BACKEND_ENV]: "cpu" } });
    assert.equal(choice.kind, "cpu");
    assert.equal(tf.getBackend(), "cpu");
    assert.match(choice.reason, /forced/);
  });
  it("forcing a backend that cannot start fails with what to do", async () => {
    let nodeAvailable = true;
    try {
      require.resolve("@tensorflow/tfjs-node");
    } catch {
      nodeAvailable = false;
    }
    if (!nodeAvailable) await assert.rejects(initBackend({ env: { [BACKEND_ENV]: "node" } }), /cannot run: tfjs-node is not installed.*Unset COURSE_TF_BACKEND/);
    await assert.rejects(initBackend({ env: { [BACKEND_ENV]: "gpu" } }), /is not a backend: use node, wasm or cpu/);
  });
});

describe("student edition", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "course-editions-"));
  const src = path.join(dir, "src");
  const out = path.join(dir, "student");
  fs.mkdirSync(src);
  const lesson = (body: string) => ({
    nbformat: 4, nbformat_minor: 5, metadata: {},
    cells: [
      { cell_type: "markdown", id: "m", metadata: {}, source: ["# Lesson"] },
      { cell_type: "code", id: "c", metadata: {}, execution_count: 3, outputs: [{ output_type: "stream", name: "stdout", text: "old" }], source: [`function f(x: number): number {\n    // BEGIN SOLUTION\n    return ${body};\n    // END SOLUTION\n}`] },
    ],
  });
  const file = path.join(out, "98-x.ipynb");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is created with solutions stubbed and outputs cleared", () => {
    writeNotebook(path.join(src, "98-x.ipynb"), lesson("x + 1") as never);
    assert.deepEqual(generateStudentEditions(src, out).map((o) => o.action), ["created"]);
    const text = fs.readFileSync(file, "utf8");
    assert.doesNotMatch(text, /x \+ 1|BEGIN SOLUTION/);
    assert.match(text, /throw new Error\(\\"f is not completed yet\\"\)/);
    assert.deepEqual(readNotebook(file).cells[1]?.outputs, []);
  });
  it("is left alone when nothing changed, and updated when the lesson changed but the student did not", () => {
    assert.deepEqual(generateStudentEditions(src, out).map((o) => o.action), ["unchanged"]);
    writeNotebook(path.join(src, "98-x.ipynb"), { ...lesson("x + 2"), cells: [...lesson("x + 2").cells, { cell_type: "markdown", id: "n", metadata: {}, source: ["new"] }] } as never);
    assert.deepEqual(generateStudentEditions(src, out).map((o) => o.action), ["updated"]);
  });
  it("never overwrites a notebook the student edited; the update goes to updates/", () => {
    const nb = readNotebook(file);
    (nb.cells[1] as { source: string[] }).source = ["function f(x: number): number { return x + 100; } // my work"];
    writeNotebook(file, nb);
    const before = fs.readFileSync(file);
    writeNotebook(path.join(src, "98-x.ipynb"), lesson("x + 3") as never);
    const [o] = generateStudentEditions(src, out);
    assert.equal(o?.action, "kept-edited");
    assert.ok(fs.readFileSync(file).equals(before), "the student's file is byte-identical");
    assert.ok(o?.updateFile && fs.existsSync(o.updateFile));
  });
  it("refuses unbalanced markers, naming the cell", () => {
    assert.throws(() => stripSolutions("// BEGIN SOLUTION\nx", "lesson cell 4"), /lesson cell 4: "\/\/ BEGIN SOLUTION" on line 1 has no matching/);
    assert.throws(() => stripSolutions("// END SOLUTION", "c"), /without a BEGIN/);
  });
});

describe("data is the same on every run and machine", () => {
  it("the seeded RNG equals its independent Python port (oracle/course_rng.py)", () => {
    const ts = Array.from({ length: 5 }, ((r) => () => r.next())(createRng(2)));
    const r = spawnSync(python, ["-c", "import sys; sys.path.insert(0, 'oracle'); from course_rng import Rng; r = Rng(2); print(repr([r.next() for _ in range(5)]))"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const py = JSON.parse(r.stdout.trim()) as number[];
    assert.deepEqual(ts, py);
  });
  it("the coffee data equals the oracle's regeneration", () => {
    const d = loadCoffeeData();
    const ref = (JSON.parse(fs.readFileSync(path.join(ROOT, "data", "expected", "01-logistic-regression.json"), "utf8")) as { values: { coffeeData: { first: number[][]; sum: number[]; positives: number } } }).values.coffeeData;
    assert.deepEqual(d.X.slice(0, 3), ref.first);
    assert.equal(d.y.filter((v) => v === 1).length, ref.positives);
    d.X.reduce((s, r) => [s[0]! + r[0]!, s[1]! + r[1]!], [0, 0]).forEach((v, j) => assert.ok(Math.abs(v - ref.sum[j]!) < 1e-9));
  });
  it("digit sets: sizes, balance, order, value range, determinism, no overlap between training and held-out", () => {
    const bin = loadBinaryDigits();
    assert.equal(bin.X.length, 1000);
    assert.deepEqual([...new Set(bin.y.slice(0, 500))], [0]);
    assert.deepEqual([...new Set(bin.y.slice(500))], [1]);
    const train = loadDigitTrainingSet();
    assert.equal(train.X.length, 5000);
    assert.equal(train.X[0]?.length, 400);
    for (let d = 0; d < 10; d++) assert.equal(train.y.filter((v) => v === d).length, 500);
    assert.ok(train.X.every((r) => r.every((v) => v >= 0 && v <= 1)));
    const again = loadDigitTrainingSet();
    assert.deepEqual(again.X[1234], train.X[1234]);
    const held = loadDigitHeldOutSet();
    assert.equal(held.X.length, 2000);
    const key = (r: number[]) => r.join(",");
    const trainKeys = new Set(train.X.map(key));
    assert.equal(held.X.filter((r) => trainKeys.has(key(r))).length, 0);
  });
  it("resampling keeps a uniform image uniform and scales total ink by (20/28)²", () => {
    assert.ok(resample28to20(new Array(784).fill(0.5)).every((v) => v === 0.5));
    const img = Array.from({ length: 784 }, (_, i) => ((i * 37) % 11) / 10);
    const inSum = img.reduce((a, b) => a + b, 0);
    const outSum = resample28to20(img).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(outSum - inSum * (400 / 784)) < 0.05);
    assert.throws(() => resample28to20([1, 2]), /expected 784 pixels, got 2/);
  });
});

describe("check harness edge cases", () => {
  const checker = createChecker([storedFunctionCheck({ lesson: "01-logistic-regression", id: "01.sigmoid", fnName: "sigmoid", points: 1, hints: ["h"] })]);
  it("wrong shape, wrong type, forgotten return and thrown errors each get a precise message", async () => {
    const msg = async (fn: unknown) => (await checker.run("01.sigmoid", fn)).cases.map((c) => c.message ?? "").join(" | ");
    assert.match(await msg((z: number[]) => z.slice(1).map(() => 0.5)), /wrong shape: expected \[\d+\], got \[\d+\]/);
    assert.match(await msg(() => "0.5"), /expected an array of length \d+, got a string/);
    assert.match(await msg(() => undefined), /did you forget `return`\?/);
    assert.match(await msg(() => { throw new RangeError("boom"); }), /sigmoid threw RangeError: boom/);
  });
  it("a function that leaks tensors fails with the count", async () => {
    const r = await checker.run("01.sigmoid", (z: number[]) => { tf.tensor(z); return z.map((v) => 1 / (1 + Math.exp(-v))); });
    assert.equal(r.status, "failed");
    assert.ok(r.cases.some((c) => /leaked 1 tensor/.test(c.message ?? "")));
  });
  it("a check whose own code breaks reports an error status instead of throwing", async () => {
    const r = await runCheck({ id: "x.y", points: 1, hints: [""], run: async () => { throw new Error("data missing"); } }, () => 1);
    assert.equal(r.status, "error");
    assert.match(r.message, /the check could not run: Error: data missing/);
  });
  it("compare uses atol + rtol·|expected|", () => {
    assert.equal(compare(1.0 + 1e-7, 1.0, { atol: 0, rtol: 1e-6 }).ok, true);
    assert.equal(compare(1.0 + 1e-5, 1.0, { atol: 0, rtol: 1e-6 }).ok, false);
    assert.equal(compare(1e-13, 0, { atol: 1e-12, rtol: 0 }).ok, true);
  });
  it("the embedded result survives HTML rendering, even with markup in messages", () => {
    const r = { id: "01.sigmoid", points: 0, maxPoints: 1, passed: false, status: "failed" as const, message: "</script><b>x</b>", cases: [] };
    assert.deepEqual(parseResults(renderHtml(r)), [r]);
  });
});

describe("figures", () => {
  it("figure HTML carries its data, draws with Plotly.newPlot, and cannot be broken by '</script>' in data", () => {
    const fig = figureHtml([{ x: [1, 2], y: [3, 4], name: "</script><script>alert(1)</script>" }], { title: "t" });
    assert.match(fig.html, /Plotly\.newPlot/);
    assert.equal((fig.html.match(/<\/script>/g) ?? []).length, 1, "only the figure's own closing tag");
    assert.deepEqual(fig.layout.title, { text: "t" }, "string titles become { text } for plotly 3");
  });
});

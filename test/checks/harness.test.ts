/**
 * lib/checks/harness.ts: callStudent protects the stored cases and classifies what
 * the student's code did; compareCase turns one call into a case result;
 * runCheck never throws and gives points only for a pass.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as vm from "vm";
import * as tf from "@tensorflow/tfjs";
import { quietCpuFirstUse } from "../../lib/runtime/backend";
import {
  NOT_COMPLETED,
  NotCompletedError,
  StudentCodeError,
  callStudent,
  compareCase,
  runCheck,
  type CaseResult,
  type CheckDefinition,
  type CompareCaseOptions,
} from "../../lib/checks/harness";
import type { Tolerance } from "../../lib/checks/compare";

before(async () => {
  await tf.ready();
  quietCpuFirstUse(); // no tfjs "running in Node.js" banner in the test output
});

const TOL: Tolerance = { atol: 1e-12, rtol: 1e-9 };
const double = (xs: number[]): number[] => xs.map((x) => 2 * x);

/** A one-case check of `double` on [1, 2] → [2, 4], worth 3 points. */
function doubleCheck(opts: CompareCaseOptions = {}): CheckDefinition {
  return {
    id: "99.double",
    points: 3,
    hints: ["multiply each element by 2"],
    run: async (fn: unknown): Promise<CaseResult[]> => [await compareCase("doubles", fn, [[1, 2]], [2, 4], TOL, { fnName: "double", ...opts })],
  };
}

describe("callStudent", () => {
  it("returns the value and no leak for a pure function", async () => {
    const call = await callStudent<number[]>(double, [[1, 2, 3]]);
    assert.deepEqual(call, { value: [2, 4, 6], leakedTensors: 0 });
  });

  it("passes a private copy: a function that modifies its argument is a StudentCodeError and the stored args are untouched", async () => {
    const stored: readonly unknown[] = [[1, 2, 3], [[0.5, 0.25]]];
    const mutate = (a: number[], b: number[][]): number => {
      (b[0] as number[])[1] = 99;
      return a.length;
    };
    await assert.rejects(callStudent(mutate, stored, { fnName: "f" }), (err: unknown) => {
      assert.ok(err instanceof StudentCodeError);
      assert.equal(err.name, "StudentCodeError");
      assert.match(err.message, /^f modified its argument #2 in place; copy it first/);
      return true;
    });
    assert.deepEqual(stored, [[1, 2, 3], [[0.5, 0.25]]]);
    // Push/sort are modifications too; the stored array is never the one the student sees.
    const args: readonly unknown[] = [[3, 1, 2]];
    await assert.rejects(callStudent((xs: number[]) => xs.sort(), args), /your function modified its argument #1 in place/);
    assert.deepEqual(args, [[3, 1, 2]]);
    let seen: unknown = null;
    await callStudent((xs: number[]) => { seen = xs; return 0; }, args);
    assert.notEqual(seen, args[0], "the function receives a copy, not the stored array");
    assert.deepEqual(seen, args[0]);
  });

  it(`an error containing "${NOT_COMPLETED}" becomes NotCompletedError naming the function`, async () => {
    const stub = (): never => {
      throw new Error("sigmoid is not completed yet");
    };
    await assert.rejects(callStudent(stub, [], { fnName: "sigmoid" }), (err: unknown) => {
      assert.ok(err instanceof NotCompletedError);
      assert.equal(err.name, "NotCompletedError");
      assert.match(err.message, /^sigmoid is not completed yet: write your code in the exercise cell above/);
      return true;
    });
    // Also when an async function (allowed) rejects with it.
    await assert.rejects(callStudent(async () => { throw new Error("x is not completed yet"); }, [], { allowAsync: true }), NotCompletedError);
  });

  it("any other throw becomes StudentCodeError naming the function and the error, even from another realm or a non-Error", async () => {
    await assert.rejects(callStudent(() => { throw new TypeError("z.map is not a function"); }, [], { fnName: "sigmoid" }), {
      name: "StudentCodeError",
      message: "sigmoid threw TypeError: z.map is not a function",
    });
    const foreign: unknown = vm.runInNewContext("(function () { throw new RangeError('too far'); })");
    await assert.rejects(callStudent(foreign, [], { fnName: "g" }), { message: "g threw RangeError: too far" });
    await assert.rejects(callStudent(() => { throw "plain string"; }, []), { message: "your function threw plain string" });
  });

  it("a value that is not a function is a StudentCodeError saying so", async () => {
    await assert.rejects(callStudent(undefined, []), { name: "StudentCodeError", message: "expected a function, got undefined (did the exercise cell run?)" });
    await assert.rejects(callStudent(42, []), { message: "expected a function, got number" });
  });

  it("counts tensors the function left behind, unless it keeps them on purpose", async () => {
    const made: tf.Tensor[] = [];
    const leaky = (xs: number[]): number[] => {
      made.push(tf.tensor1d(xs), tf.scalar(1));
      return xs;
    };
    try {
      assert.equal((await callStudent(leaky, [[1, 2]])).leakedTensors, 2);
      assert.equal((await callStudent(leaky, [[1, 2]], { keepsTensors: true })).leakedTensors, 0);
      const tidy = (xs: number[]): number[] => tf.tidy(() => tf.tensor1d(xs).mul(2).arraySync() as number[]);
      assert.deepEqual(await callStudent(tidy, [[1, 2]]), { value: [2, 4], leakedTensors: 0 });
    } finally {
      for (const t of made) t.dispose();
    }
  });

  it("awaits a Promise only with allowAsync; otherwise returns it, and a rejected one is not left unhandled", async () => {
    const asyncDouble = async (xs: number[]): Promise<number[]> => double(xs);
    assert.deepEqual((await callStudent(asyncDouble, [[1]], { allowAsync: true })).value, [2]);
    const returned = (await callStudent(asyncDouble, [[1]])).value;
    assert.ok(returned instanceof Promise, "without allowAsync the Promise itself is returned for compare() to reject");
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      await callStudent(() => Promise.reject(new Error("late failure")), []);
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });
});

describe("compareCase", () => {
  it("a passing case records input, expected, got, maxDiff and tolerance", async () => {
    const c = await compareCase("doubles", double, [[1, 2]], [2, 4], TOL, { fnName: "double" });
    assert.deepEqual(c, { name: "doubles", input: "[1, 2]", expected: "[2, 4]", got: "[2, 4]", maxDiff: 0, tolerance: TOL, passed: true });
  });

  it("transform is applied before comparing and dispose always runs", async () => {
    const disposed: unknown[] = [];
    const c = await compareCase("t", (x: number) => ({ v: x + 1 }), [1], 2, TOL, {
      transform: (got) => (got as { v: number }).v,
      dispose: (got) => void disposed.push(got),
      input: "custom input",
    });
    assert.equal(c.passed, true);
    assert.equal(c.input, "custom input");
    assert.deepEqual(disposed.slice(), [{ v: 2 }]);
    const bad = await compareCase("t", () => 1, [], 2, TOL, { transform: () => { throw new StudentCodeError("not a model"); }, dispose: (g) => void disposed.push(g) });
    assert.equal(bad.passed, false);
    assert.equal(bad.message, "not a model");
    assert.deepEqual(disposed, [{ v: 2 }, 1], "dispose ran although transform threw");
  });

  it("a stub's NotCompletedError propagates (runCheck turns it into not-completed)", async () => {
    await assert.rejects(compareCase("c", () => { throw new Error(`f is ${NOT_COMPLETED}`); }, [], 1, TOL), NotCompletedError);
  });
});

describe("runCheck", () => {
  it("passed: full points, status passed, every case listed", async () => {
    const r = await runCheck(doubleCheck(), double);
    assert.equal(r.status, "passed");
    assert.equal(r.passed, true);
    assert.equal(r.points, 3);
    assert.equal(r.maxPoints, 3);
    assert.equal(r.id, "99.double");
    assert.equal(r.message, "all 1 cases passed");
    assert.deepEqual(r.hints, ["multiply each element by 2"]);
    assert.equal(r.cases.length, 1);
  });

  it("failed: no points, the case says which element is wrong", async () => {
    const r = await runCheck(doubleCheck(), (xs: number[]) => xs.map((x) => x + 1));
    assert.equal(r.status, "failed");
    assert.equal(r.passed, false);
    assert.equal(r.points, 0);
    assert.equal(r.maxPoints, 3);
    assert.equal(r.message, "1 of 1 cases failed");
    assert.equal(r.cases[0]?.got, "[2, 3]");
    assert.match(r.cases[0]?.message ?? "", /^3 ≠ 4 at \[1\]/);
  });

  it("one failing case of several fails the whole check", async () => {
    const def: CheckDefinition = {
      id: "99.sq", points: 2, hints: [""],
      run: async (fn) => [
        await compareCase("a", fn, [2], 4, TOL),
        await compareCase("b", fn, [3], 9, TOL),
        await compareCase("c", fn, [-3], 9, TOL),
      ],
    };
    const r = await runCheck(def, (x: number) => (x > 0 ? x * x : x));
    assert.equal(r.status, "failed");
    assert.equal(r.points, 0);
    assert.equal(r.message, "1 of 3 cases failed");
    assert.deepEqual(r.cases.map((c) => c.passed), [true, true, false]);
    const ok = await runCheck(def, (x: number) => x * x);
    assert.equal(ok.points, 2);
  });

  it("not-completed: the stub's error gives status not-completed, no points, no cases", async () => {
    const r = await runCheck(doubleCheck(), () => {
      throw new Error("double is not completed yet");
    });
    assert.equal(r.status, "not-completed");
    assert.equal(r.points, 0);
    assert.equal(r.passed, false);
    assert.deepEqual(r.cases, []);
    assert.match(r.message, /^double is not completed yet/);
  });

  it("error: a check whose own code breaks, or that has no cases, gives status error (not failed)", async () => {
    const broken: CheckDefinition = { id: "99.b", points: 1, hints: [""], run: async () => { throw new Error("data missing"); } };
    const r = await runCheck(broken, double);
    assert.equal(r.status, "error");
    assert.equal(r.points, 0);
    assert.equal(r.message, "the check could not run: Error: data missing");
    const empty: CheckDefinition = { id: "99.e", points: 1, hints: [""], run: async () => [] };
    const e = await runCheck(empty, double);
    assert.equal(e.status, "error");
    assert.match(e.message, /check 99\.e has no cases/);
  });

  it("a StudentCodeError escaping the definition is the student's failure, not a course error", async () => {
    const def: CheckDefinition = { id: "99.s", points: 1, hints: [""], run: async () => { throw new StudentCodeError("expected a tf.LayersModel"); } };
    const r = await runCheck(def, double);
    assert.equal(r.status, "failed");
    assert.equal(r.points, 0);
    assert.equal(r.message, "expected a tf.LayersModel");
  });

  it("never throws, whatever the student's value is", async () => {
    const values: unknown[] = [undefined, null, 42, "double", {}, () => undefined, () => NaN, () => { throw null; }, () => { throw Symbol("s"); }, async () => [2, 4]];
    for (const v of values) {
      const r = await runCheck(doubleCheck(), v);
      assert.equal(r.status, "failed", `status for ${String(v)}`);
      assert.equal(r.points, 0);
      assert.equal(r.cases.length, 1);
      assert.equal(typeof r.cases[0]?.message, "string");
    }
  });

  it("a leaked tensor fails the case with the count and how to fix it, even when the values are right", async () => {
    const made: tf.Tensor[] = [];
    try {
      const r = await runCheck(doubleCheck(), (xs: number[]) => {
        const t = tf.tensor1d(xs).mul(2);
        made.push(t);
        return t.arraySync() as number[];
      });
      assert.equal(r.status, "failed");
      assert.equal(r.points, 0);
      const c = r.cases[0];
      assert.equal(c?.got, "[2, 4]", "the values themselves were right");
      // tensor1d + mul: two tensors left behind
      assert.equal(c?.message, "leaked 2 tensor(s): wrap tensor code in tf.tidy(() => …) or dispose() what you create");
    } finally {
      for (const t of made) t.dispose();
    }
  });

  it("frees what a wrong function left behind or returned, so one bad call leaves no tensors in the kernel", async () => {
    const before = tf.memory().numTensors;
    const leaks = await runCheck(doubleCheck(), (xs: number[]) => tf.tensor1d(xs).mul(2).arraySync() as number[]);
    assert.match(leaks.cases[0]?.message ?? "", /leaked 2 tensor\(s\)/);
    assert.equal(tf.memory().numTensors, before, "the two leaked tensors were freed after counting");
    const returnsTensor = await runCheck(doubleCheck(), (xs: number[]) => tf.tensor1d(xs).mul(2));
    assert.match(returnsTensor.cases[0]?.message ?? "", /returned a tf\.Tensor.*arraySync/);
    assert.equal(tf.memory().numTensors, before, "the returned tensor and its input were freed");
    const throws = await runCheck(doubleCheck(), (xs: number[]) => {
      tf.tensor1d(xs);
      throw new TypeError("oops");
    });
    assert.match(throws.cases[0]?.message ?? "", /threw TypeError: oops/);
    assert.equal(tf.memory().numTensors, before, "tensors made before a throw were freed");
  });

  it("frees a model that an unawaited async function resolves to", async () => {
    const before = tf.memory().numTensors;
    const asyncBuilder = async (xs: number[]): Promise<tf.Tensor> => tf.tensor1d(xs).mul(2);
    const r = await runCheck(doubleCheck(), asyncBuilder);
    assert.match(r.cases[0]?.message ?? "", /Promise/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(tf.memory().numTensors, before);
  });

  it("keepsTensors disables leak detection (a builder's weights are not a leak), and dispose frees them", async () => {
    const before = tf.memory().numTensors;
    const intermediates: tf.Tensor[] = [];
    const builder = (xs: number[]): { w: tf.Tensor; values: number[] } => {
      const x = tf.tensor1d(xs);
      intermediates.push(x);
      const w = x.mul(2);
      return { w, values: w.arraySync() as number[] };
    };
    const opts: CompareCaseOptions = {
      keepsTensors: true,
      transform: (got) => (got as { values: number[] }).values,
      dispose: (got) => (got as { w: tf.Tensor }).w.dispose(),
    };
    const r = await runCheck(doubleCheck(opts), builder);
    assert.equal(r.status, "passed");
    assert.equal(r.points, 3);
    assert.equal(r.cases[0]?.message, undefined);
    // The returned weight was disposed by `dispose`; only the builder's intermediate remains.
    assert.equal(tf.memory().numTensors - before, 1);
    for (const t of intermediates) t.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it("a returned Promise fails with the 'synchronous' message; with allowAsync it is awaited", async () => {
    const asyncDouble = async (xs: number[]): Promise<number[]> => double(xs);
    const r = await runCheck(doubleCheck(), asyncDouble);
    assert.equal(r.status, "failed");
    assert.equal(r.cases[0]?.got, "Promise");
    assert.match(r.cases[0]?.message ?? "", /^returned a Promise: this exercise is synchronous — remove `async`\/`await` and return the value itself/);
    const ok = await runCheck(doubleCheck({ allowAsync: true }), asyncDouble);
    assert.equal(ok.status, "passed");
  });

  it("a function that throws a TypeError gives a failed case naming the error, with the input shown", async () => {
    const r = await runCheck(doubleCheck(), (xs: unknown) => (xs as { nope: () => number[] }).nope());
    assert.equal(r.status, "failed");
    assert.equal(r.points, 0);
    const c = r.cases[0];
    assert.equal(c?.passed, false);
    assert.equal(c?.input, "[1, 2]");
    assert.equal(c?.expected, "[2, 4]");
    assert.equal(c?.got, undefined);
    assert.match(c?.message ?? "", /^double threw TypeError: .*nope is not a function/);
  });

  it("a function that modifies the stored input fails the case, and the next case sees the original data", async () => {
    const shared = [1, 2];
    const def: CheckDefinition = {
      id: "99.m", points: 1, hints: [""],
      run: async (fn) => [await compareCase("first", fn, [shared], [2, 4], TOL, { fnName: "double" }), await compareCase("second", fn, [shared], [2, 4], TOL, { fnName: "double" })],
    };
    const r = await runCheck(def, (xs: number[]) => {
      for (let i = 0; i < xs.length; i++) xs[i] = (xs[i] as number) * 2;
      return xs;
    });
    assert.equal(r.status, "failed");
    assert.deepEqual(shared, [1, 2]);
    for (const c of r.cases) assert.match(c.message ?? "", /^double modified its argument #1 in place/);
  });
});

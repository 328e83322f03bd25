/**
 * The browser kernel's cooperative interrupt, in Node: the cell compiler puts
 * the interrupt check at the head of every loop body (frontends/lite-app/kernel/
 * loop-checks.js), so a check that throws stops `while (true) {}` and the
 * cells' earlier variables stay; the course's training (`fit`, on its own
 * path and on model.fit's, and `progress()` with model.fit) stops between
 * batches once a kernel installs a check under `nn-course.interrupt-check`
 * (lib/runtime/interrupt.ts), and runs as before when none is installed.
 * The same in headless Chromium: test/browser/lite-work.test.ts.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { ROOT } from "../../lib/runtime/paths";
import { fit, planFit } from "../../lib/training";
import { initBackend, progress, seedEverything } from "../../lib/runtime";
import { interruptPoint } from "../../lib/runtime/interrupt";

interface Runner {
  run(code: string): Promise<{ hasLastExpression: boolean; value: unknown }>;
  locals: Record<string, unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kernel = require(path.join(ROOT, "frontends", "lite-app", "kernel", "convert.js")) as {
  createCellRunner: (req: (id: string) => unknown, check?: () => void) => Runner;
};

class Stop extends Error {}

/** A check that throws once it has been called `limit` times; `calls` counts the calls. */
function countingCheck(limit: number): { check: () => void; calls: () => number } {
  let calls = 0;
  return {
    check: () => {
      calls++;
      if (calls > limit) throw new Stop("stop");
    },
    calls: () => calls,
  };
}

function runner(check?: () => void): Runner {
  return kernel.createCellRunner((id) => {
    throw new Error(`Cannot find module '${id}'`);
  }, check);
}

describe("browser kernel: loop checks", () => {
  it("stops `while (true) {}` and keeps the earlier cells' variables", async () => {
    const c = countingCheck(1000);
    const r = runner(c.check);
    await r.run("const kept = [1, 2, 3];");
    await assert.rejects(r.run("while (true) {}"), Stop);
    assert.equal(c.calls(), 1001);
    assert.deepEqual(await (await r.run("kept.map((x) => x * 2)")).value, [2, 4, 6]);
  });

  it("checks every kind of loop, nested, in functions, single-statement bodies included", async () => {
    const kinds: Record<string, string> = {
      for: "for (;;) n++;",
      forIn: "for (const k in { a: 1 }) { n++; continue; }",
      forOf: "for (const x of [1, 2]) n += x;",
      forAwait: "for await (const x of [1]) n += x;",
      doWhile: "do { n++; } while (n < 0);",
      nested: "outer: for (let i = 0; i < 2; i++) { for (let j = 0; j < 2; j++) { if (j) continue outer; n++; } }",
      inFunction: "function spin() { while (true) n++; } spin();",
      arrow: "const go = () => { for (;;) {} }; go();",
    };
    for (const [kind, code] of Object.entries(kinds)) {
      const c = countingCheck(0);
      const r = runner(c.check);
      await r.run("let n = 0;");
      await assert.rejects(r.run(code), Stop, `${kind}: not stopped`);
      assert.equal(c.calls(), 1, `${kind}: the check ran ${c.calls()} times before the first iteration`);
      assert.equal(r.locals.n, 0, `${kind}: the loop body ran before the check`);
    }
  });

  it("leaves what loops compute unchanged, one check per iteration", async () => {
    const c = countingCheck(Infinity);
    const r = runner(c.check);
    const { value } = await r.run("let s = 0; outer: for (let i = 0; i < 3; i++) { for (const j of [1, 2, 3]) { if (j === 2) continue outer; s += i * j; } } let k = 0; do k++; while (k < 4); [s, k]");
    assert.deepEqual(value, [3, 4]);
    assert.equal(c.calls(), 3 + 6 + 4);
  });

  it("a function a cell defines keeps its checks when a later cell calls it", async () => {
    const c = countingCheck(Infinity);
    const r = runner(c.check);
    await r.run("function count(n: number) { let i = 0; while (i < n) i++; return i; }");
    assert.equal((await r.run("count(5)")).value, 5);
    assert.equal(c.calls(), 5);
  });

  it("without a check (the tslab-like default), cells compile without calls", async () => {
    const r = runner();
    assert.equal((await r.run("let i = 0; while (i < 3) i++; i")).value, 3);
  });
});

describe("library: interrupt points in training", () => {
  const KEY = Symbol.for("nn-course.interrupt-check");
  const g = globalThis as Record<symbol, unknown>;
  before(async () => {
    await initBackend();
  });
  after(() => {
    delete g[KEY];
  });

  function model(): tf.Sequential {
    seedEverything(3);
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 4, activation: "relu" }), tf.layers.dense({ units: 1, activation: "sigmoid" })] });
    m.compile({ optimizer: tf.train.adam(0.01), loss: "binaryCrossentropy" });
    return m;
  }
  const X = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i)]);
  const y = X.map((r) => ((r[0] as number) > 0 ? 1 : 0));

  it("interruptPoint does nothing when no kernel installed a check", () => {
    delete g[KEY];
    assert.doesNotThrow(() => interruptPoint());
  });

  it("fit (the course's path) stops between batches once the check throws", async () => {
    const c = countingCheck(5);
    g[KEY] = c.check;
    try {
      await assert.rejects(fit(model(), X, y, { epochs: 10, batchSize: 8 }), Stop);
      assert.equal(c.calls(), 6);
    } finally {
      delete g[KEY];
    }
    const h = await fit(model(), X, y, { epochs: 2, batchSize: 8 });
    assert.equal(h.path, "course");
    assert.equal(h.epoch.length, 2);
  });

  it("fit on model.fit's path and progress() with model.fit stop between batches", async () => {
    const conv = (): tf.Sequential => {
      const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3, activation: "tanh", useBias: false }), tf.layers.dropout({ rate: 0 }), tf.layers.dense({ units: 1, activation: "sigmoid" })] });
      m.compile({ optimizer: tf.train.sgd(0.1), loss: "binaryCrossentropy" });
      return m;
    };
    assert.ok("reason" in planFit(conv()), "this model should go to model.fit");
    const c = countingCheck(3);
    g[KEY] = c.check;
    try {
      const h = fit(conv(), X, y, { epochs: 10, batchSize: 8 });
      await assert.rejects(h, Stop);
      assert.equal(c.calls(), 4);
      // With the caller's callbacks, a tf.Callback (progress()) and a plain object, mixed with the check's (tfjs rejects a mixed list).
      const c1 = countingCheck(Infinity);
      g[KEY] = c1.check;
      const ends: number[] = [];
      const h2 = await fit(conv(), X, y, { epochs: 2, batchSize: 8, callbacks: [progress("t"), { onEpochEnd: async (e: number) => void ends.push(e) }] });
      assert.equal(h2.path, "model.fit");
      assert.deepEqual(ends, [0, 1]);
      assert.equal(c1.calls(), 2 * 8 * 2, "progress() and fit each check after every batch");
      g[KEY] = c.check;
      const c2 = countingCheck(2);
      g[KEY] = c2.check;
      await assert.rejects(model().fit(tf.tensor2d(X), tf.tensor1d(y), { epochs: 10, batchSize: 8, callbacks: [progress("t")] }), Stop);
      assert.equal(c2.calls(), 3);
    } finally {
      delete g[KEY];
    }
  });
});

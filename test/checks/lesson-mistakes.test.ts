/**
 * The listed common mistakes, each through a real lesson check: the failed
 * cases carry the mistake's name (CaseResult.mistake) and the check's
 * correct answers and unrelated wrong answers carry none.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/runtime";
import type { CheckResult } from "../../lib/checks/harness";
import { checker as c01 } from "../../lib/lessons/01-logistic-regression";
import { checker as c02 } from "../../lib/lessons/02-dense-networks";
import { checker as c03 } from "../../lib/lessons/03-activations";
import { checker as c04, SparseCategoricalCrossentropy } from "../../lib/lessons/04-softmax";
import { checker as c05 } from "../../lib/lessons/05-adam";

before(async () => {
  await initBackend();
});

/** The mistakes named by the failed cases of a result (every failed case, in order). */
function mistakes(r: CheckResult): (string | undefined)[] {
  return r.cases.filter((c) => !c.passed).map((c) => c.mistake);
}

/** The check failed, and every failed case (at least one) names `name`, in its field and its message. */
function assertNamed(r: CheckResult, name: string, words: RegExp): void {
  assert.equal(r.status, "failed", r.message);
  const failed = r.cases.filter((c) => !c.passed);
  assert.ok(failed.length > 0);
  for (const c of failed) {
    assert.equal(c.mistake, name, `${c.name}: ${c.message}`);
    assert.match(c.message ?? "", words);
  }
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const clipLog = (p: number): number => -Math.log(Math.min(1 - 1e-7, Math.max(1e-7, p)));
const logSm = (z: number[]): number[] => { const m = Math.max(...z); const l = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)); return z.map((v) => v - l); };

describe("common mistakes named through the lessons' checks", () => {
  it("01.sigmoid with the wrong sign in the exponent names the sign", async () => {
    assertNamed(await c01.run("01.sigmoid", (z: number[]) => z.map((v) => 1 / (1 + Math.exp(v)))), "wrong-sign", /sign/);
    const unrelated = await c01.run("01.sigmoid", (z: number[]) => z.map((v) => 1 / (1 + Math.exp(-2 * v))));
    assert.equal(unrelated.status, "failed");
    assert.deepEqual(mistakes(unrelated).filter(Boolean), []);
  });

  it("01.computeGradient with error y − f names the sign", async () => {
    const wrong = (X: number[][], y: number[], w: number[], b: number) => {
      const m = X.length;
      const dw = w.map(() => 0);
      let db = 0;
      X.forEach((x, i) => {
        const f = 1 / (1 + Math.exp(-(x.reduce((s, xj, j) => s + xj * (w[j] as number), b))));
        const err = (y[i] as number) - f;
        x.forEach((xj, j) => { dw[j] = (dw[j] as number) + err * xj / m; });
        db += err / m;
      });
      return { dw, db };
    };
    assertNamed(await c01.run("01.computeGradient", wrong), "wrong-sign", /sign/);
  });

  it("04.stableSoftmax without the division names 'not normalised'; a different wrong softmax does not", async () => {
    const unnormalised = (z: number[]) => { const m = Math.max(...z); return z.map((v) => Math.exp(v - m)); };
    const r = await c04.run("04.stableSoftmax", unnormalised);
    assert.equal(r.status, "failed");
    const failed = r.cases.filter((c) => !c.passed);
    // The far-apart logits case rounds to [0, 0, 1] either way and passes.
    assert.ok(failed.length >= 3);
    for (const c of failed) assert.equal(c.mistake, "not-normalised", c.message);
    assert.match(failed[0]?.message ?? "", /not normalised/);
    const minShift = (z: number[]) => { const m = Math.min(...z); const e = z.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b, 0); return e.map((v) => v / s); };
    assert.deepEqual(mistakes(await c04.run("04.stableSoftmax", minShift)).filter(Boolean), []);
  });

  it("04.sparseCategoricalCrossentropy names logits read as probabilities, and probabilities put through softmax", async () => {
    const alwaysProbabilities = (y: number[], p: number[][]) => mean(y.map((l, i) => clipLog(p[i]?.[l] as number)));
    const r1 = await c04.run("04.sparseCategoricalCrossentropy", alwaysProbabilities);
    assert.equal(r1.status, "failed");
    assert.deepEqual(mistakes(r1), ["logits-as-probabilities", "logits-as-probabilities"], "the two from-logits cases");
    assert.match(r1.cases.find((c) => !c.passed)?.message ?? "", /logits/);
    const alwaysLogits = (y: number[], z: number[][]) => mean(y.map((l, i) => -(logSm(z[i] as number[])[l] as number)));
    const r2 = await c04.run("04.sparseCategoricalCrossentropy", alwaysLogits);
    assert.deepEqual(mistakes(r2), ["probabilities-as-logits", "probabilities-as-logits"], "the two probability cases");
    const sumNotMean = (y: number[], p: number[][], fl: boolean) => y.reduce((s, l, i) => s + (fl ? -(logSm(p[i] as number[])[l] as number) : clipLog(p[i]?.[l] as number)), 0);
    assert.deepEqual(mistakes(await c04.run("04.sparseCategoricalCrossentropy", sumNotMean)).filter(Boolean), [], "an unrelated mistake is not named");
  });

  it("02.denseBatch returning Z transposed, and 03.collapseLinearNetwork returning W transposed, name the transpose", async () => {
    const denseBatchT = (A: number[][], W: number[][], b: number[], act: (z: number) => number) =>
      b.map((bj, j) => A.map((row) => act(row.reduce((s, a, k) => s + a * ((W[k] as number[])[j] as number), bj))));
    const r = await c02.run("02.denseBatch", denseBatchT);
    const failed = r.cases.filter((c) => !c.passed);
    assert.ok(failed.some((c) => c.mistake === "transposed"), JSON.stringify(failed.map((c) => c.message)));
    assert.ok(failed.every((c) => c.mistake === "transposed" || c.mistake === undefined), "square cases may fail without a name, never with another");

    type L = { W: number[][]; b: number[] };
    const matmul = (A: number[][], B: number[][]) => A.map((r) => (B[0] as number[]).map((_, j) => r.reduce((s, a, k) => s + a * ((B[k] as number[])[j] as number), 0)));
    const collapse = (layers: L[]): L => layers.slice(1).reduce<L>((acc, l) => ({ W: matmul(acc.W, l.W), b: matmul([acc.b], l.W)[0]!.map((v, j) => v + (l.b[j] as number)) }), layers[0]!);
    const collapseT = (layers: L[]): L => { const c = collapse(layers); return { W: (c.W[0] as number[]).map((_, j) => c.W.map((r) => r[j] as number)), b: c.b }; };
    assert.equal((await c03.run("03.collapseLinearNetwork", collapse)).status, "passed", "the reference collapse is right");
    const rc = await c03.run("03.collapseLinearNetwork", collapseT);
    const notSquare = rc.cases.filter((c) => !c.passed);
    assert.ok(notSquare.length > 0);
    assert.ok(notSquare.some((c) => c.mistake === "transposed"), JSON.stringify(notSquare.map((c) => c.message)));
    assert.match(notSquare.find((c) => c.mistake)?.message ?? "", /transposed/);
  });

  it("05.layerWeightShapes with W as [units, inputs] names the transpose", async () => {
    const reversed = (sizes: number[]) => sizes.slice(1).map((u, i) => ({ W: [u, sizes[i] as number], b: [u] }));
    const r = await c05.run("05.layerWeightShapes", reversed);
    assert.equal(r.status, "failed");
    assert.ok(r.cases.filter((c) => !c.passed).every((c) => c.mistake === "transposed"), JSON.stringify(r.cases.map((c) => c.message)));
  });

  it("05.predictClasses counting classes from 1 names the off-by-one; returning the largest value does not", async () => {
    const argmax = (row: number[]) => row.reduce((best, v, j) => (v > (row[best] as number) ? j : best), 0);
    assertNamed(await c05.run("05.predictClasses", (Z: number[][]) => Z.map((row) => argmax(row) + 1)), "off-by-one", /off by one/);
    const values = await c05.run("05.predictClasses", (Z: number[][]) => Z.map((row) => Math.max(...row)));
    assert.deepEqual(mistakes(values).filter(Boolean), []);
  });

  it("model checks name the layer given another layer's activation (05 digit model, 04 multiclass model)", async () => {
    const dense = (units: number, activation: string, name: string, inputShape?: number[]) => tf.layers.dense({ units, activation: activation as "relu", name, ...(inputShape ? { inputShape } : {}) });
    const digit = (acts: [string, string, string]) => () => {
      const m = tf.sequential({ layers: [dense(25, acts[0], "L1", [400]), dense(15, acts[1], "L2"), dense(10, acts[2], "L3")] });
      m.compile({ loss: SparseCategoricalCrossentropy({ fromLogits: true }) as unknown as string, optimizer: tf.train.adam(1e-3) });
      return m;
    };
    assert.equal((await c05.run("05.buildDigitModel", digit(["relu", "relu", "linear"]))).status, "passed");
    const r = await c05.run("05.buildDigitModel", digit(["relu", "linear", "linear"]));
    assert.equal(r.status, "failed");
    const c = r.cases.find((x) => !x.passed);
    // buildDigitModel is a decision exercise: its explanation names the hidden layer.
    assert.equal(c?.mistake, "wrong-decision");
    assert.match(c?.message ?? "", /hidden layer 2 should be as described .* activation linear/);

    const build = (out: string) => (k: number) => {
      const m = tf.sequential({ layers: [tf.layers.dense({ units: 25, activation: "relu", inputShape: [2] }), tf.layers.dense({ units: 15, activation: "relu" }), tf.layers.dense({ units: k, activation: out as "linear" })] });
      m.compile({ loss: SparseCategoricalCrossentropy({ fromLogits: true }) as unknown as string, optimizer: tf.train.adam(0.01) });
      return m;
    };
    assert.equal((await c04.run("04.buildMulticlassModel", build("linear"))).status, "passed");
    // buildMulticlassModel is a decision exercise too: a softmax output with a loss told it gets logits applies softmax twice.
    const soft = await c04.run("04.buildMulticlassModel", build("softmax"));
    assert.deepEqual(mistakes(soft), ["wrong-decision", "wrong-decision"]);
    assert.match(soft.cases[0]?.message ?? "", /already applies its softmax, and the loss applies it again/);
  });
});

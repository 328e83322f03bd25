/**
 * lib/course/coffee.ts, normalize.ts and digits.ts: the coffee-roasting data
 * (checked against the independent Python oracle's regeneration stored in
 * data/expected/01-logistic-regression.json), feature normalisation, and the
 * 20×20 digit data.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { courseRoot } from "../../lib/runtime/paths";
import { createRng } from "../../lib/runtime/rng";
import { goodRoastRegion, isGoodRoast, loadCoffeeData } from "../../lib/course/coffee";
import { loadBinaryDigits, loadDigits, resample28to20 } from "../../lib/course/digits";
import { fitNormalization, normalize } from "../../lib/course/normalize";

interface CoffeeOracle {
  first: number[][];
  sum: number[];
  positives: number;
  mean: number[];
  variance: number[];
}

const ORACLE = (JSON.parse(fs.readFileSync(path.join(courseRoot(), "data", "expected", "01-logistic-regression.json"), "utf8")) as { values: { coffeeData: CoffeeOracle } }).values.coffeeData;

const close = (got: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(got - expected) <= tol, `${what}: ${got} vs ${expected} (tolerance ${tol})`);

describe("coffee data", () => {
  const data = loadCoffeeData();

  it("is deterministic: two loads are identical", () => {
    assert.deepEqual(loadCoffeeData(), data);
  });

  it("has 200 rows of (temperature, duration) in 150–285 °C × 11.5–15.5 min, with 0/1 labels", () => {
    assert.equal(data.X.length, 200);
    assert.equal(data.y.length, 200);
    for (const row of data.X) {
      assert.equal(row.length, 2);
      const [t, d] = row as [number, number];
      assert.ok(t >= 150 && t < 285, `temperature ${t}`);
      assert.ok(d >= 11.5 && d < 15.5, `duration ${d}`);
    }
    assert.ok(data.y.every((v) => v === 0 || v === 1));
    const temps = data.X.map((r) => r[0] as number);
    assert.ok(Math.min(...temps) < 160 && Math.max(...temps) > 275, "spread over the range");
  });

  it("labels agree with isGoodRoast", () => {
    data.X.forEach(([t, d], i) => assert.equal(data.y[i], isGoodRoast(t as number, d as number) ? 1 : 0, `row ${i}`));
    assert.ok(data.y.includes(0) && data.y.includes(1), "both classes occur");
  });

  it("isGoodRoast: inside 175–260 °C × 12–15 min and on or below d = −3/85·t + 21 (the original course's rule)", () => {
    assert.equal(isGoodRoast(200, 13.5), true); // line at 200 °C: 13.94 min
    assert.equal(isGoodRoast(200, 14.0), false); // above the line
    assert.equal(isGoodRoast(250, 12.1), true); // line at 250 °C: 12.18 min
    assert.equal(isGoodRoast(250, 12.2), false);
    assert.equal(isGoodRoast(180, 14.6), true); // line at 180 °C: 14.65 min
    assert.equal(isGoodRoast(180, 14.7), false);
    assert.equal(isGoodRoast(170, 13), false); // too cool
    assert.equal(isGoodRoast(262, 11.9), false); // too hot
    assert.equal(isGoodRoast(255, 11.9), false); // too short
    assert.equal(isGoodRoast(200, 12), false); // the window is open: exactly 12 min is too short
    assert.equal(isGoodRoast(175, 13), false); // exactly 175 °C is too cool
  });

  it("goodRoastRegion: the triangle (175, 12), (255, 12), (175, 14.82) that isGoodRoast describes, closed", () => {
    const { t, d } = goodRoastRegion();
    const corners = t.map((ti, i) => [ti, d[i] as number] as [number, number]);
    assert.deepEqual(corners[0], corners[corners.length - 1], "closed polygon");
    const open = corners.slice(0, -1);
    // d = 21 − 3t/85 meets d = 12 at t = 255 and t = 175 at d = 21 − 3·175/85 = 14.8235…; it never reaches d = 15 for t > 175.
    const expected: [number, number][] = [[175, 12], [255, 12], [175, 21 - (3 * 175) / 85]];
    assert.equal(open.length, expected.length, `corners ${JSON.stringify(open)}`);
    for (const [te, de] of expected) {
      assert.ok(open.some(([tc, dc]) => Math.abs(tc - te) < 1e-9 && Math.abs(dc - de) < 1e-9), `corner (${te}, ${de}) in ${JSON.stringify(open)}`);
    }
    assert.ok(Math.abs((21 - (3 * 175) / 85) - 14.82) < 0.01);
    // Points just inside the triangle are good roasts, points just outside each edge are not.
    const [cx, cy] = [open.reduce((s, c) => s + c[0], 0) / 3, open.reduce((s, c) => s + c[1], 0) / 3];
    for (const [tc, dc] of open) {
      assert.equal(isGoodRoast(tc + 0.01 * (cx - tc), dc + 0.01 * (cy - dc)), true, `inside near (${tc}, ${dc})`);
      assert.equal(isGoodRoast(tc - 0.01 * (cx - tc), dc - 0.01 * (cy - dc)), false, `outside near (${tc}, ${dc})`);
    }
  });

  it("matches the Python oracle: first rows, column sums, positives, population mean and variance (1e-9)", () => {
    assert.equal(ORACLE.first.length >= 3, true);
    ORACLE.first.forEach((row, i) => row.forEach((v, j) => close(data.X[i]?.[j] as number, v, 1e-9, `X[${i}][${j}]`)));
    for (let j = 0; j < 2; j++) close(data.X.reduce((s, r) => s + (r[j] as number), 0), ORACLE.sum[j] as number, 1e-9, `sum of column ${j}`);
    assert.equal(data.y.filter((v) => v === 1).length, ORACLE.positives);
    const stats = fitNormalization(data.X);
    for (let j = 0; j < 2; j++) {
      close(stats.mean[j] as number, ORACLE.mean[j] as number, 1e-9, `mean ${j}`);
      close(stats.variance[j] as number, ORACLE.variance[j] as number, 1e-9, `variance ${j}`);
    }
  });

  it("m and seed options: a prefix for a smaller m, other data for another seed", () => {
    const five = loadCoffeeData({ m: 5 });
    assert.deepEqual(five.X, data.X.slice(0, 5));
    assert.deepEqual(five.y, data.y.slice(0, 5));
    assert.notDeepEqual(loadCoffeeData({ m: 5, seed: 3 }).X, five.X);
  });
});

describe("normalisation", () => {
  it("fitNormalization uses the population mean and variance (divides by m)", () => {
    const stats = fitNormalization([[1, 10], [3, 30]]);
    assert.deepEqual(stats, { mean: [2, 20], variance: [1, 100] });
    const s3 = fitNormalization([[0], [0], [3]]);
    close(s3.mean[0] as number, 1, 1e-15, "mean");
    close(s3.variance[0] as number, 2, 1e-15, "variance (m − 1 would give 3)");
    assert.throws(() => fitNormalization([]), /fitNormalization: X is empty/);
  });

  it("normalize applies (x − mean)/√variance per feature, giving mean 0 and variance 1", () => {
    assert.deepEqual(normalize([[1, 10], [3, 30]], { mean: [2, 20], variance: [1, 100] }), [[-1, -1], [1, 1]]);
    assert.deepEqual(normalize([[6]], { mean: [2], variance: [4] }), [[2]]);
    const X = loadCoffeeData().X;
    const n = fitNormalization(normalize(X, fitNormalization(X)));
    for (let j = 0; j < 2; j++) {
      close(n.mean[j] as number, 0, 1e-12, `mean ${j}`);
      close(n.variance[j] as number, 1, 1e-12, `variance ${j}`);
    }
  });

  it("does not modify its input", () => {
    const X = [[1, 2], [3, 4]];
    normalize(X, fitNormalization(X));
    assert.deepEqual(X, [[1, 2], [3, 4]]);
  });
});

describe("resample28to20", () => {
  it("keeps a constant image constant", () => {
    for (const v of [0, 0.5, 1]) {
      const out = resample28to20(new Array<number>(784).fill(v));
      assert.equal(out.length, 400);
      assert.ok(out.every((x) => x === v), `constant ${v}`);
    }
  });

  it("scales total ink by (20/28)² and stays in [0, 1]", () => {
    const r = createRng(9);
    for (let k = 0; k < 3; k++) {
      const img = Array.from({ length: 784 }, () => (r.next() < 0.3 ? r.next() : 0));
      const out = resample28to20(img);
      const inSum = img.reduce((a, b) => a + b, 0);
      const outSum = out.reduce((a, b) => a + b, 0);
      // Rounding to 4 decimals moves each of 400 pixels by at most 5e-5.
      close(outSum, inSum * (20 / 28) ** 2, 400 * 5e-5, `ink of image ${k}`);
      assert.ok(out.every((x) => x >= 0 && x <= 1));
    }
  });

  it("averages areas: the top-left input pixel lands only in the top-left output pixel, weight (1/1.4)²", () => {
    const img = new Array<number>(784).fill(0);
    img[0] = 1;
    const out = resample28to20(img);
    assert.equal(out[0], 0.5102); // (1/1.4)² = 0.510204…, rounded to 4 decimals
    assert.equal(out.filter((x) => x !== 0).length, 1);
    // Input row 1 (covering [1, 2)) is split between output rows 0 ([0, 1.4)) and 1 ([1.4, 2.8)).
    const row1 = new Array<number>(784).fill(0);
    for (let b = 0; b < 28; b++) row1[28 + b] = 1;
    const o = resample28to20(row1);
    close(o[0] as number, 0.4 / 1.4, 1e-4, "output row 0");
    close(o[20] as number, 0.6 / 1.4, 1e-4, "output row 1");
    assert.ok(o.slice(40).every((x) => x === 0));
  });

  it("rejects an image of the wrong size", () => {
    assert.throws(() => resample28to20([1, 2, 3]), /expected 784 pixels, got 3/);
  });
});

describe("digits", () => {
  const bin = loadBinaryDigits();

  it("loadBinaryDigits: 1000 × 400, 500 zeros then 500 ones, values in [0, 1]", () => {
    assert.equal(bin.X.length, 1000);
    assert.ok(bin.X.every((row) => row.length === 400));
    assert.deepEqual(bin.y, [...new Array<number>(500).fill(0), ...new Array<number>(500).fill(1)]);
    assert.ok(bin.X.every((row) => row.every((v) => v >= 0 && v <= 1)));
    assert.ok(bin.X.every((row) => row.some((v) => v > 0.5)), "every image has ink");
    // A 0 has more ink than a 1 on average.
    const ink = (rows: number[][]): number => rows.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0) / rows.length;
    assert.ok(ink(bin.X.slice(0, 500)) > ink(bin.X.slice(500)));
  });

  it("is deterministic, and the examples are distinct", () => {
    assert.deepEqual(loadBinaryDigits(), bin);
    assert.equal(new Set(bin.X.map((r) => r.join(","))).size, 1000);
  });

  it("loadDigits: order of the requested digits, offset skips examples, too many is an error", () => {
    const d = loadDigits({ digits: [7, 3], perDigit: 2 });
    assert.deepEqual(d.y, [7, 7, 3, 3]);
    const zeros = loadDigits({ digits: [0], perDigit: 3, offset: 2 });
    assert.deepEqual(zeros.X[0], bin.X[2], "offset 2 starts at the third zero");
    assert.throws(() => loadDigits({ digits: [0], perDigit: 100000 }), /digit 0 has \d+ examples; 0 \+ 100000 requested/);
    assert.throws(() => loadDigits({ digits: [10], perDigit: 1 }), /no digit 10/);
  });
});

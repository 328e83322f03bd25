/**
 * lib/runtime/rng.ts: deterministic, seed-dependent, in range, unbiased enough,
 * and equal to its independent Python port (oracle/course_rng.py).
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { courseRoot } from "../../lib/runtime/paths";
import { createRng } from "../../lib/runtime/rng";

const PYTHON = "/usr/bin/python3";

const take = (n: number, f: () => number): number[] => Array.from({ length: n }, () => f());

describe("createRng", () => {
  it("the same seed gives the same sequence, for every method", () => {
    const a = createRng(42);
    const b = createRng(42);
    assert.deepEqual(take(100, a.next), take(100, b.next));
    assert.deepEqual(take(20, () => a.normal(1, 2)), take(20, () => b.normal(1, 2)));
    assert.deepEqual(take(20, () => a.int(7)), take(20, () => b.int(7)));
    assert.deepEqual(a.shuffle([1, 2, 3, 4, 5, 6]), b.shuffle([1, 2, 3, 4, 5, 6]));
  });

  it("different seeds give different sequences; the generator moves on between calls", () => {
    const s1 = take(10, createRng(1).next);
    const s2 = take(10, createRng(2).next);
    assert.notDeepEqual(s1, s2);
    assert.equal(new Set(s1).size, 10, "no repeats within 10 draws");
    // Seeds are taken as unsigned 32-bit: 2^32 + 5 is seed 5.
    assert.deepEqual(take(5, createRng(2 ** 32 + 5).next), take(5, createRng(5).next));
  });

  it("rejects a non-finite seed", () => {
    assert.throws(() => createRng(NaN), /seed must be a finite number, got NaN/);
    assert.throws(() => createRng(Infinity), TypeError);
  });

  it("next() is in [0, 1) and uniform(lo, hi) in [lo, hi), covering the range", () => {
    const r = createRng(7);
    const xs = take(20000, r.next);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const us = take(20000, () => r.uniform(150, 285));
    assert.ok(us.every((u) => u >= 150 && u < 285));
    assert.ok(Math.min(...us) < 151 && Math.max(...us) > 284, "spans the whole range");
    // Each tenth of the range gets about 10% of the draws (binomial sd ≈ 0.2%).
    const bins = new Array<number>(10).fill(0);
    for (const u of us) bins[Math.floor((u - 150) / 13.5)]! += 1;
    for (const b of bins) assert.ok(Math.abs(b / 20000 - 0.1) < 0.01, `bin share ${b / 20000}`);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  });

  it("int(n) gives every integer in [0, n) and nothing else", () => {
    const r = createRng(3);
    const ks = take(5000, () => r.int(6));
    assert.ok(ks.every((k) => Number.isInteger(k) && k >= 0 && k < 6));
    assert.deepEqual([...new Set(ks)].sort(), [0, 1, 2, 3, 4, 5]);
  });

  it("shuffle returns a new array that is a permutation, and leaves the input alone", () => {
    const r = createRng(11);
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const copy = xs.slice();
    const s = r.shuffle(xs);
    assert.notEqual(s, xs);
    assert.deepEqual(xs, copy, "input unchanged");
    assert.deepEqual(s.slice().sort((a, b) => a - b), xs);
    assert.notDeepEqual(s, xs, "50 elements are not left in order");
    assert.deepEqual(r.shuffle([]), []);
    assert.deepEqual(r.shuffle(["only"]), ["only"]);
    // Every position of a 3-element shuffle is reached by every element.
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(r.shuffle(["a", "b", "c"]).join(""));
    assert.equal(seen.size, 6, "all 6 permutations occur");
  });

  it("normal(mean, std) has roughly that mean and standard deviation over 20000 draws", () => {
    const r = createRng(5);
    const n = 20000;
    const xs = take(n, () => r.normal(3, 2));
    assert.ok(xs.every(Number.isFinite));
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    // Standard errors: mean 2/√20000 ≈ 0.014, std ≈ 0.01.
    assert.ok(Math.abs(mean - 3) < 0.06, `mean ${mean}`);
    assert.ok(Math.abs(std - 2) < 0.05, `std ${std}`);
    const within1 = xs.filter((x) => Math.abs(x - 3) < 2).length / n;
    assert.ok(Math.abs(within1 - 0.6827) < 0.015, `share within one sd ${within1}`);
    const z = createRng(5);
    const standard = take(2000, () => z.normal());
    const m0 = standard.reduce((s, x) => s + x, 0) / 2000;
    assert.ok(Math.abs(m0) < 0.1, `default mean 0, got ${m0}`);
  });

  it("normal() is Box–Muller on two consecutive next() values: mean + std·√(−2 ln(1 − u))·cos(2πv)", () => {
    const a = createRng(17);
    const b = createRng(17);
    for (let i = 0; i < 5; i++) {
      const u = b.next();
      const v = b.next();
      const expected = 1.5 + 0.5 * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
      assert.equal(a.normal(1.5, 0.5), expected);
    }
    // uniform and int consume exactly one draw each.
    const c = createRng(4);
    const d = createRng(4);
    assert.equal(c.uniform(-2, 6), -2 + 8 * d.next());
    assert.equal(c.int(10), Math.floor(d.next() * 10));
    assert.equal(c.next(), d.next());
  });

  it("the first values for seed 2 equal the independent Python port's (oracle/course_rng.py)", () => {
    const script = "import sys, json; sys.path.insert(0, 'oracle'); from course_rng import Rng; r = Rng(2); print(json.dumps([r.next() for _ in range(5)] + [r.uniform(150, 285) for _ in range(3)]))";
    const py = spawnSync(PYTHON, ["-c", script], { cwd: courseRoot(), encoding: "utf8" });
    assert.equal(py.status, 0, py.stderr);
    const expected = JSON.parse(py.stdout) as number[];
    const r = createRng(2);
    const got = [...take(5, r.next), ...take(3, () => r.uniform(150, 285))];
    assert.equal(expected.length, 8);
    assert.deepEqual(got, expected, "bit-for-bit equal");
  });
});

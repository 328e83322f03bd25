/**
 * The pieces that make scoring run what the notebook runs, without a kernel:
 * the order of cells and checks (grading/scoring-order.ts), where check cells
 * stand, and which helper declarations of other cells the exercises reach
 * (grading/helper-declarations.ts). test/grading/kernel-agreement.test.ts
 * compares the whole against a real kernel.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { checkCellIndexes, scoringOrder } from "../../grading/scoring-order";
import { helperDeclarations } from "../../grading/helper-declarations";

describe("scoringOrder", () => {
  it("puts each check after the cells above its check cell, and checks without one at the end", () => {
    const steps = scoringOrder([{ index: 2 }, { index: 5 }, { index: 9 }], [{ id: "a", at: 3 }, { id: "hidden" }, { id: "b", at: 12 }, { id: "c", at: 1 }]);
    assert.deepEqual(steps, [
      { kind: "check", id: "c" },
      { kind: "cell", index: 2 },
      { kind: "check", id: "a" },
      { kind: "cell", index: 5 },
      { kind: "cell", index: 9 },
      { kind: "check", id: "b" },
      { kind: "check", id: "hidden" },
    ]);
  });
});

describe("checkCellIndexes", () => {
  it("finds the first code cell that calls check(ID), whatever the quotes, and nothing in markdown", () => {
    const cells = [
      { cell_type: "markdown", source: 'lab.check("03.relu", relu)' },
      { cell_type: "code", source: "function relu() {}" },
      { cell_type: "code", source: "await lab.check( '03.relu', relu);" },
      { cell_type: "code", source: 'await lab.check("03.relu", relu); await lab.check(`03.other`, x);' },
    ];
    assert.deepEqual([...checkCellIndexes(cells, ["03.relu", "03.other", "03.absent"])], [["03.relu", 2], ["03.other", 3]]);
  });
});

describe("helperDeclarations", () => {
  const provided = new Set(["tf", "lab", "relu"]);

  it("takes only the declarations the exercise reaches, transitively, from cells above it, in notebook order", () => {
    const context = [
      { index: 1, source: 'const unused = 1;\nfunction scale(v: number): number { return v * FACTOR; }\nconst FACTOR = 2;\nlab.plotSomething(); // not a declaration: never taken' },
      { index: 3, source: "function late(): number { return 0; }" },
    ];
    const got = helperDeclarations([{ index: 2, source: "function relu(z: number[]) { return z.map(scale).map(Math.abs).concat(late()); }" }], context, provided);
    assert.deepEqual(got.map((d) => d.names), [["scale"], ["FACTOR"]], "scale and the constant it reads; not `unused`, not `late` (declared below the exercise)");
  });

  it("resolves a name to the last declaration above the cell that uses it", () => {
    const context = [
      { index: 1, source: "const eps = 1e-3;" },
      { index: 2, source: "const eps = 1e-9;" },
      { index: 6, source: "const eps = 5;" },
    ];
    const got = helperDeclarations([{ index: 4, source: "function relu(z: number[]) { return z.map((v) => v + eps); }" }], context, provided);
    assert.deepEqual(got.map((d) => [d.cell, d.source]), [[2, "const eps = 1e-9;"]]);
  });

  it("does not mistake property names, object keys, types or the worker's own names for helpers", () => {
    const context = [{ index: 0, source: "const units = 3; type Shape = number[]; function tf() {}\nconst key = 1; const label = 2;" }];
    const got = helperDeclarations([{ index: 1, source: "function relu(z: Shape): { key: number } { tf.tidy(() => 0); const o = { key: 1 }; outer: for (;;) { break outer; } return { key: z.units }; }" }], context, provided);
    assert.deepEqual(got, []);
  });
});

/**
 * lib/course/digit-figures: where each digit's pixels land in the grid, the
 * captions and red frames of both lessons' grids, the figure size, clear
 * errors for a bad index, and spreadIndices.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
  BINARY_GRID_STYLE, MULTICLASS_GRID_STYLE, binaryDigitTiles, digitGridFigure, multiclassDigitTiles, plotBinaryDigitGrid, spreadIndices,
} from "../../lib/course/digit-figures";

/** A 20×20 image whose pixel (r, c) is (r·20 + c + 1) / 1000 · scale: every pixel distinct. */
const image = (scale: number): number[] => Array.from({ length: 400 }, (_, k) => ((k + 1) / 1000) * scale);
const X = [image(1), image(2), image(0.5)];

describe("digitGridFigure", () => {
  const style = { ...MULTICLASS_GRID_STYLE, columns: 2 };
  const tiles = [{ index: 2, caption: "a", wrong: false }, { index: 0, caption: "b", wrong: true }, { index: 1, caption: "c", wrong: false }];
  const fig = digitGridFigure(X, tiles, "t", style);
  const z = (fig.data[0] as { z: (number | null)[][] }).z;

  it("is one heat map: 2 rows of 27 (7 caption rows + 20 pixels), 2 columns of 21 (20 pixels + gap 1)", () => {
    assert.equal(fig.data.length, 1);
    assert.equal(z.length, 2 * 27);
    assert.ok(z.every((row) => row.length === 2 * 21));
  });

  it("copies each tile's image row-major below its caption rows, in tile order", () => {
    // Tile 0 (example 2) at rows 7–26, columns 0–19; tile 1 (example 0) at columns 21–40; tile 2 (example 1) on the second row.
    assert.equal(z[7]?.[0], (X[2] as number[])[0]);
    assert.equal(z[7 + 19]?.[19], (X[2] as number[])[399]);
    assert.equal(z[7 + 3]?.[21 + 5], (X[0] as number[])[3 * 20 + 5]);
    assert.equal(z[27 + 7 + 1]?.[2], (X[1] as number[])[20 + 2]);
  });

  it("leaves caption rows, gaps and the unused last tile null", () => {
    assert.ok(z.slice(0, 7).every((row) => row.every((v) => v === null)));
    assert.equal(z[10]?.[20], null); // the gap column between tiles
    assert.ok(z.slice(27).every((row) => row.slice(21).every((v) => v === null)));
  });

  it("captions every tile above its centre; only the wrong one is red and framed", () => {
    const annotations = fig.layout.annotations as { text: string; x: number; y: number; font: { color: string; size: number } }[];
    assert.deepEqual(annotations.map((a) => a.text), ["a", "b", "c"]);
    assert.deepEqual(annotations.map((a) => a.font.color), ["#333", "#d62728", "#333"]);
    assert.deepEqual(annotations[1], { x: 21 + 9.5, y: 3.5, text: "b", showarrow: false, font: { size: 11, color: "#d62728" } });
    const shapes = fig.layout.shapes as { x0: number; x1: number; y0: number; y1: number }[];
    assert.equal(shapes.length, 1);
    assert.deepEqual([shapes[0]?.x0, shapes[0]?.x1, shapes[0]?.y0, shapes[0]?.y1], [20.5, 40.5, 6.5, 26.5]);
  });

  it("sizes the figure from the style: 90 + rows·rowPixels high, columns·columnPixels wide, with minimums", () => {
    assert.equal(fig.layout.height, 90 + 2 * 75);
    assert.equal(fig.layout.width, 400); // 2 columns · 75 px is below the minimum width
    const wide = digitGridFigure(X, tiles, "t", { ...BINARY_GRID_STYLE });
    assert.equal(wide.layout.height, 220); // one row: 90 + 80 is below the minimum height
    assert.equal(wide.layout.width, 8 * 90);
  });

  it("says which index is not an example, and rejects images that are not 20×20", () => {
    assert.throws(() => digitGridFigure(X, [{ index: 3, caption: "", wrong: false }], "t", style), { message: "plotDigitGrid: index 3 is not an example (X has 3 rows, indices 0 to 2)" });
    assert.throws(() => digitGridFigure([[0, 1]], [{ index: 0, caption: "", wrong: false }], "t", style), /example 0 has 2 values; a 20×20 digit has 400/);
    assert.throws(() => digitGridFigure(X, [], "t", { ...style, columns: 0 }), /columns must be a whole number ≥ 1/);
  });

  it("draws an empty grid (no tiles) as one empty row", () => {
    const empty = digitGridFigure(X, [], "nothing", style);
    assert.equal((empty.data[0] as { z: unknown[] }).z.length, 27);
    assert.deepEqual(empty.layout.annotations, []);
  });
});

describe("lesson 02's and lesson 05's captions", () => {
  const y = [0, 1, 1, 0];

  it("binary tiles: 'y = label' without predictions; 'label → prediction (f)' with them, wrong ones marked", () => {
    assert.deepEqual(binaryDigitTiles(y, [1, 3]), [{ index: 1, caption: "y = 1", wrong: false }, { index: 3, caption: "y = 0", wrong: false }]);
    const predictions = { labels: [0, 1, 0, 0], probabilities: [0.0123456, 0.9, 0.4999, 3.03e-8] };
    assert.deepEqual(binaryDigitTiles(y, [0, 1, 2, 3], predictions).map((t) => [t.caption, t.wrong]), [
      ["0 → 0 (0.012)", false],
      ["1 → 1 (0.900)", false],
      ["1 → 0 (0.500)", true],
      ["0 → 0 (3e-8)", false], // below 0.001: one significant digit, not 0.000
    ]);
  });

  it("multiclass tiles: 'label → predicted class', wrong ones marked", () => {
    assert.deepEqual(multiclassDigitTiles([7, 3, 9], [7, 8, 9], [1, 0]), [
      { index: 1, caption: "3 → 8", wrong: true },
      { index: 0, caption: "7 → 7", wrong: false },
    ]);
  });

  it("plotBinaryDigitGrid checks its indices before drawing anything", () => {
    assert.throws(() => plotBinaryDigitGrid(X, [0, 1, 0], [5], "t"), /index 5 is not an example/);
  });
});

describe("spreadIndices", () => {
  it("spreads count indices evenly over n, from the offset", () => {
    assert.deepEqual(spreadIndices(1000, 4), [0, 250, 500, 750]);
    assert.deepEqual(spreadIndices(1000, 4, 3), [3, 253, 503, 753]);
    assert.deepEqual(spreadIndices(10, 3), [0, 3, 6]);
  });

  it("wraps around past the end and stays within 0 … n − 1", () => {
    assert.deepEqual(spreadIndices(10, 2, 7), [7, 2]);
    const many = spreadIndices(2000, 40, 7);
    assert.equal(many.length, 40);
    assert.ok(many.every((i) => Number.isInteger(i) && i >= 0 && i < 2000));
    assert.equal(new Set(many).size, 40);
  });

  it("covers every block of a label-sorted set: 16 of 1000 (500 zeros, then 500 ones) include both digits", () => {
    const idx = spreadIndices(1000, 16, 3);
    assert.ok(idx.some((i) => i < 500) && idx.some((i) => i >= 500));
  });

  it("gives nothing for count 0, and an error for no examples", () => {
    assert.deepEqual(spreadIndices(5, 0), []);
    assert.throws(() => spreadIndices(0, 3), /spreadIndices: n \(the number of examples\) must be a whole number ≥ 1, got 0/);
  });
});

/**
 * Text alternatives of the figures whose generic description (lib/runtime/plot.ts: title, axes, numbers of
 * each trace) says nothing useful: the computation graph (06), the digit grids (02, 05), the size experiment
 * and the windows (07), and the decision-region heat maps (01, 04). Each figure's aria-label, as
 * describeFigure builds it from its data and layout, must carry what a student reads off the picture.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { describeFigure, figureHtml } from "../../lib/runtime";
import { summariseRegions } from "../../lib/course/region-description";
import { binaryDigitTiles, digitGridFigure, MULTICLASS_GRID_STYLE, BINARY_GRID_STYLE, multiclassDigitTiles } from "../../lib/course/digit-figures";
import { computationGraphFigure, type GraphValues } from "../../lib/lessons/06-backprop";
import { accuracyVsSizeFigure, windowsFigure, type SizeRun } from "../../lib/lessons/07-layer-types";
import { probabilityMapFigure } from "../../lib/lessons/01-logistic-regression";
import { decisionRegionsFigure, hiddenUnitsFigure } from "../../lib/lessons/04-softmax";

const altOf = (fig: { data: Record<string, unknown>[]; layout: Record<string, unknown> }): string => describeFigure(fig.data, fig.layout);

describe("summariseRegions", () => {
  it("gives each class its share of the grid, its box and centre, and a class predicted nowhere share 0", () => {
    const xs = [0, 1, 2, 3];
    const ys = [10, 20];
    const classOf = [[0, 0, 1, 1], [0, 0, 0, 1]];
    const [a, b, c] = summariseRegions(xs, ys, classOf, ["A", "B", "C"]);
    assert.deepEqual(a, { name: "A", share: 5 / 8, x: [0, 2], y: [10, 20], centre: [(0 + 1 + 0 + 1 + 2) / 5, (10 + 10 + 20 + 20 + 20) / 5] });
    assert.deepEqual(b, { name: "B", share: 3 / 8, x: [2, 3], y: [10, 20], centre: [(2 + 3 + 3) / 3, (10 + 10 + 20) / 3] });
    assert.deepEqual(c, { name: "C", share: 0, x: null, y: null, centre: null });
  });
});

describe("figure text alternatives", () => {
  it("06 computation graph: every forward value and derivative of the notes' graph, not the node positions", () => {
    // The course notes' graph: x = −2, w = 2, b = 8, y = 2.
    const v: GraphValues = { x: -2, w: 2, b: 8, y: 2, c: -4, a: 4, d: 2, J: 2, dJ_dd: 2, dJ_da: 2, dJ_dc: 2, dJ_db: 2, dJ_dw: -4 };
    const alt = altOf(computationGraphFigure(v));
    for (const part of ["x = -2", "w = 2", "c = w·x = -4", "b = 8", "a = c + b = 4", "y = 2", "d = a − y = 2", "J = ½d² = 2", "∂J/∂d = 2", "∂J/∂a = 2", "∂J/∂c = 2", "∂J/∂b = 2", "∂J/∂w = -4"]) {
      assert.ok(alt.includes(part), `missing "${part}" in: ${alt}`);
    }
    assert.doesNotMatch(alt, /\bpoints?\b|scatter/, "no trace coordinates");
  });

  it("digit grids: every tile's caption (label → prediction) row by row, and which are wrong", () => {
    const X = Array.from({ length: 4 }, () => new Array<number>(400).fill(0.5));
    const y = [3, 7, 1, 3];
    const multi = digitGridFigure(X, multiclassDigitTiles(y, [3, 9, 1, 8], [0, 1, 2, 3]), "t", { ...MULTICLASS_GRID_STYLE, columns: 3 });
    const alt = altOf(multi);
    assert.ok(alt.includes("3 → 3; 7 → 9; 1 → 1; 3 → 8"), alt);
    assert.ok(alt.includes("2 marked wrong, in red: 7 → 9; 3 → 8"), alt);
    assert.ok(alt.includes("4 digit images of 20×20 pixels in 2 rows of up to 3"), alt);
    const binary = digitGridFigure(X, binaryDigitTiles([0, 1, 1, 0], [0, 1], { labels: [0, 1, 0, 0], probabilities: [0.1, 0.93, 0.2, 0.3] }), "t", BINARY_GRID_STYLE);
    const altBinary = altOf(binary);
    assert.ok(altBinary.includes("0 → 0 (0.100); 1 → 1 (0.930)"), altBinary);
    assert.ok(altBinary.includes("None is marked wrong."), altBinary);
    assert.doesNotMatch(alt, /heatmap|value from/, "not the heat map's numbers");
  });

  it("07 size experiment: the true sizes with each network's mean and range, not the pulled-apart x positions", () => {
    const runs: SizeRun[] = [16, 32, 64, 128].flatMap((size, i) => [
      { seed: 1, size, conv: 0.6 + 0.05 * i, dense: 0.7 },
      { seed: 2, size, conv: 0.8 + 0.05 * i, dense: 0.5 },
    ]);
    const fig = accuracyVsSizeFigure(runs);
    const alt = altOf(fig);
    assert.ok(alt.includes("16 training traces, 2 runs: convolutional mean 70.0% (runs from 60.0% to 80.0%), dense mean 60.0% (runs from 50.0% to 70.0%)"), alt);
    assert.ok(alt.includes("128 training traces, 2 runs: convolutional mean 85.0% (runs from 75.0% to 95.0%)"), alt);
    for (const size of [32, 64]) assert.ok(alt.includes(`${size} training traces`), `size ${size}`);
    // The x positions of the drawn traces are the sizes times 0.96 and 1.04: none of them may reach the words.
    const xs = fig.data.flatMap((t) => (t.x as number[]) ?? []).filter((x) => !Number.isInteger(x));
    assert.ok(xs.length > 0, "the figure does pull the two networks apart");
    for (const x of xs) assert.ok(!alt.includes(String(Number(x.toPrecision(3)))), `jittered x ${x} in: ${alt}`);
  });

  it("07 windows: each layer-1 unit's samples and each layer-2 unit's layer-1 units, not the quiz's sample span", () => {
    const alt = altOf(windowsFigure());
    for (let u = 0; u < 9; u++) assert.ok(alt.includes(`unit ${u + 1}: samples ${10 * u + 1}–${10 * u + 20}`), `layer-1 unit ${u + 1}`);
    for (const [u, first, last] of [[1, 1, 5], [2, 3, 7], [3, 5, 9]]) assert.ok(alt.includes(`unit ${u}: layer-1 units ${first}–${last}`), `layer-2 unit ${u}`);
    assert.doesNotMatch(alt, /samples 1–60/, "the second quiz question's answer is left to the student");
  });

  it("01 probability map: where f(x) ≥ 0.5 (good roast) and where not, in temperature and duration", () => {
    const predict = (X: number[][]): number[] => X.map(([t]) => ((t as number) > 200 ? 0.9 : 0.1));
    const fig = probabilityMapFigure(predict, { X: [[180, 12], [230, 14]], y: [0, 1] }, "map");
    const [good, bad] = fig.regions;
    assert.ok(good && bad && good.x && bad.x);
    assert.ok(good.x[0] > 200 && good.x[1] === 285 && bad.x[1] < 200 && bad.x[0] === 150, JSON.stringify(fig.regions));
    assert.ok(Math.abs(good.share + bad.share - 1) < 1e-12);
    const alt = altOf(fig);
    assert.match(alt, /f\(x\) ≥ 0\.5, predicted good roast \(blue\): 6\d% of the area, temperature 20\d to 285, duration 11\.5 to 15\.5/);
    assert.match(alt, /f\(x\) < 0\.5, predicted bad roast \(red\): 3\d% of the area, temperature 150 to 19\d/);
    assert.ok(alt.includes("the 2 roasts"), alt);
  });

  it("04 decision regions and hidden units: which part of the square each class takes, a class predicted nowhere said so, each unit's line", () => {
    const predictClass = (grid: number[][]): number[] => grid.map(([u, v]) => ((u as number) < 0 ? ((v as number) < 0 ? 0 : 1) : 2));
    const data = { X: [[-5, -3], [-5, 3], [5, 0]], y: [0, 1, 2] };
    const fig = decisionRegionsFigure(predictClass, data, "regions");
    const alt = altOf(fig);
    assert.deepEqual(fig.regions.map((r) => r.name), ["class 0 (blue)", "class 1 (orange)", "class 2 (green)", "class 3 (red)"]);
    assert.match(alt, /class 0 \(blue\): 2\d% of the area, x₁ −9 to −0\.2, x₂ −6 to −0\.2/);
    assert.match(alt, /class 2 \(green\): 5\d% of the area, x₁ 0 to 9, x₂ −6 to 6/);
    assert.ok(alt.includes("class 3 (red): predicted nowhere"), alt);
    assert.ok(alt.includes("the 3 training points"), alt);
    const units = hiddenUnitsFigure([{ w: [1, 0], b: 0 }, { w: [0, -2], b: 1.5 }], predictClass, data, "units");
    const altUnits = altOf(units);
    assert.ok(altUnits.includes("unit 1's line 1·x₁ + 0·x₂ + 0 = 0"), altUnits);
    assert.ok(altUnits.includes("unit 2's line 0·x₁ + −2·x₂ + 1.5 = 0, active (z > 0) on the side w = (0, −2) points to"), altUnits);
  });

  it("the text alternative is the figure's aria-label", () => {
    const html = figureHtml(...Object.values(windowsFigure()) as [never, never]).html;
    assert.match(html, /aria-label="What each unit sees[^"]*unit 9: samples 81–100/);
  });
});

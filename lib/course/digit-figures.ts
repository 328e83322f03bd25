/**
 * Figures of the 20×20 digit images: a grid of tiles, each captioned with its
 * label (and the model's prediction), wrong predictions framed in red, and
 * the choice of which examples to show.
 *
 * Taught in lesson 02 (notebooks/02-dense-networks.ipynb, the 0/1 digits and
 * their predicted probabilities); reused by 05 (all ten digits, the predicted
 * class).
 */
import { plot, type Layout, type Trace } from "../runtime";

/** Side of a digit image in pixels (400 features = 20 × 20, row-major). */
const SIDE = 20;
/** Empty heat-map rows above each tile, where its caption goes. */
const CAPTION_ROWS = 7;

/** One tile of a digit grid: which example, the caption above it, and whether it is a wrong prediction. */
interface DigitTile {
  index: number;
  caption: string;
  wrong: boolean;
}

/** The size and look of a grid: tiles per row, gap between tiles, caption font, and pixels per tile row and column. */
interface DigitGridStyle {
  columns: number;
  gap: number;
  fontSize: number;
  rowPixels: number;
  columnPixels: number;
  minWidth: number;
}

/** The plotly data and layout of a digit grid, built without drawing it. */
interface DigitGridFigure {
  data: Trace[];
  layout: Layout;
}

/**
 * A grid of digits as one heat map (one trace, however many tiles): each
 * tile's pixels are copied into a large matrix with null gaps between tiles,
 * and the captions are annotations. Empty cells stay null and are not drawn.
 */
export function digitGridFigure(X: readonly (readonly number[])[], tiles: readonly DigitTile[], title: string, style: DigitGridStyle): DigitGridFigure {
  const { columns, gap } = style;
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`plotDigitGrid: columns must be a whole number ≥ 1, got ${columns}`);
  const cellW = SIDE + gap;
  const cellH = SIDE + CAPTION_ROWS;
  const rows = Math.max(1, Math.ceil(tiles.length / columns));
  const z: (number | null)[][] = Array.from({ length: rows * cellH }, () => new Array<number | null>(columns * cellW).fill(null));
  const annotations: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  tiles.forEach((tile, k) => {
    const img = X[tile.index];
    if (!img) throw new Error(`plotDigitGrid: index ${tile.index} is not an example (X has ${X.length} rows, indices 0 to ${X.length - 1})`);
    if (img.length !== SIDE * SIDE) throw new Error(`plotDigitGrid: example ${tile.index} has ${img.length} values; a 20×20 digit has ${SIDE * SIDE}`);
    const r0 = Math.floor(k / columns) * cellH + CAPTION_ROWS;
    const c0 = (k % columns) * cellW;
    for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) (z[r0 + r] as (number | null)[])[c0 + c] = img[r * SIDE + c] as number;
    annotations.push({
      x: c0 + SIDE / 2 - 0.5, y: r0 - CAPTION_ROWS / 2, text: tile.caption, showarrow: false,
      font: { size: style.fontSize, color: tile.wrong ? "#d62728" : "#333" },
    });
    if (tile.wrong) shapes.push({ type: "rect", x0: c0 - 0.5, x1: c0 + SIDE - 0.5, y0: r0 - 0.5, y1: r0 + SIDE - 0.5, line: { color: "#d62728", width: 2 } });
  });
  return {
    data: [{ type: "heatmap", z, colorscale: "Greys", reversescale: true, zmin: 0, zmax: 1, showscale: false, hoverongaps: false }],
    layout: {
      title: { text: title }, annotations, shapes,
      height: Math.max(220, 90 + rows * style.rowPixels), width: Math.max(style.minWidth, columns * style.columnPixels),
      xaxis: { visible: false, constrain: "domain" },
      yaxis: { visible: false, autorange: "reversed", scaleanchor: "x" },
      margin: { l: 10, r: 10, t: 50, b: 10 },
      description: digitGridDescription(tiles, columns),
    },
  };
}

/**
 * The grid's text alternative: what a sighted student reads off it, the
 * tiles' captions row by row and which of them are wrong, not the pixels.
 */
function digitGridDescription(tiles: readonly DigitTile[], columns: number): string {
  const rows = Math.max(1, Math.ceil(tiles.length / columns));
  const wrong = tiles.filter((t) => t.wrong).map((t) => t.caption);
  const captions = tiles.map((t) => t.caption).join("; ");
  const mistakes = wrong.length === 0 ? "None is marked wrong." : `${wrong.length} marked wrong, in red: ${wrong.join("; ")}.`;
  return `${tiles.length} digit image${tiles.length === 1 ? "" : "s"} of 20×20 pixels in ${rows} row${rows === 1 ? "" : "s"} of up to ${columns}, each with its caption; row by row: ${captions}. ${mistakes}`;
}

/** A probability as a short caption: three decimals, or one significant digit below 0.001 (so 3e-8 is not shown as 0.000). */
function formatProbability(p: number): string {
  return p < 0.001 ? p.toExponential(0) : p.toFixed(3);
}

/**
 * Tiles of lesson 02's grid: "y = label", or with predictions
 * "label → predicted label (probability of a 1)", wrong ones marked.
 */
export function binaryDigitTiles(y: readonly number[], indices: readonly number[], predictions?: { labels: readonly number[]; probabilities: readonly number[] }): DigitTile[] {
  return indices.map((index) => {
    const label = y[index] as number;
    if (!predictions) return { index, caption: `y = ${label}`, wrong: false };
    const predicted = predictions.labels[index];
    return { index, caption: `${label} → ${predicted} (${formatProbability(predictions.probabilities[index] as number)})`, wrong: predicted !== label };
  });
}

/** Tiles of lesson 05's grid: "label → predicted class", wrong ones marked. */
export function multiclassDigitTiles(y: readonly number[], predicted: readonly number[], indices: readonly number[]): DigitTile[] {
  return indices.map((index) => ({ index, caption: `${y[index]} → ${predicted[index]}`, wrong: predicted[index] !== y[index] }));
}

/** Lesson 02's grid: few wide tiles a row, room for a probability in each caption. */
export const BINARY_GRID_STYLE: Readonly<DigitGridStyle> = { columns: 8, gap: 2, fontSize: 10, rowPixels: 80, columnPixels: 90, minWidth: 420 };
/** Lesson 05's grid: more, narrower tiles a row (captions are just "label → class"). */
export const MULTICLASS_GRID_STYLE: Readonly<DigitGridStyle> = { columns: 10, gap: 1, fontSize: 11, rowPixels: 75, columnPixels: 75, minWidth: 400 };

/**
 * A grid of 0/1 digits, each labelled with its label and, when predictions
 * are given, "label → prediction (f)"; wrong predictions get a red label and frame.
 */
export function plotBinaryDigitGrid(
  X: readonly number[][], y: readonly number[], indices: readonly number[], title: string,
  predictions?: { labels: readonly number[]; probabilities: readonly number[] }, columns = BINARY_GRID_STYLE.columns,
): void {
  const fig = digitGridFigure(X, binaryDigitTiles(y, indices, predictions), title, { ...BINARY_GRID_STYLE, columns });
  plot(fig.data, fig.layout);
}

/** A grid of digits, each tile labelled "label → predicted class"; misclassified tiles get a red label and a red frame. */
export function plotMulticlassDigitGrid(
  X: readonly number[][], y: readonly number[], predicted: readonly number[], indices: readonly number[], title: string, columns = MULTICLASS_GRID_STYLE.columns,
): void {
  const fig = digitGridFigure(X, multiclassDigitTiles(y, predicted, indices), title, { ...MULTICLASS_GRID_STYLE, columns });
  plot(fig.data, fig.layout);
}

/**
 * `count` indices spread evenly over `n` examples, starting at `offset` and
 * wrapping around. The digit sets are sorted by label, so an even spread shows
 * every digit rather than the first few hundred zeros.
 */
export function spreadIndices(n: number, count: number, offset = 0): number[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`spreadIndices: n (the number of examples) must be a whole number ≥ 1, got ${n}`);
  return Array.from({ length: count }, (_, k) => (offset + Math.floor((k * n) / count)) % n);
}

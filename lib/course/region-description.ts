/**
 * Text alternatives of decision-region heat maps: which part of the plotted
 * rectangle each predicted class covers, as data (summariseRegions) and in
 * words a screen reader can read (describeRegions). A student without the
 * picture learns the same thing as one who sees it: where each class is.
 *
 * Used by lesson 01's probability map and lesson 04's decision regions, which
 * pass the words as the figure's `layout.description` (lib/runtime/plot.ts).
 */

/** Where one predicted class lies on the grid: its share of the cells, the box around them and their centre. */
export interface RegionSummary {
  name: string;
  /** Fraction of the grid's cells predicted as this class, 0 to 1. */
  share: number;
  /** Lowest and highest x and y of its cells (null when the class is predicted nowhere). */
  x: [number, number] | null;
  y: [number, number] | null;
  centre: [number, number] | null;
}

/**
 * Summarises a grid of predicted classes: `classOf[i][j]` is the class index
 * at (xs[j], ys[i]); `names[k]` names class k. Every class gets an entry,
 * also one predicted nowhere (share 0).
 */
export function summariseRegions(xs: readonly number[], ys: readonly number[], classOf: readonly (readonly number[])[], names: readonly string[]): RegionSummary[] {
  const cells = xs.length * ys.length;
  return names.map((name, k) => {
    let n = 0, sx = 0, sy = 0, x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    ys.forEach((y, i) => xs.forEach((x, j) => {
      if (classOf[i]?.[j] !== k) return;
      n += 1; sx += x; sy += y;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }));
    if (n === 0) return { name, share: 0, x: null, y: null, centre: null };
    return { name, share: n / cells, x: [x0, x1], y: [y0, y1], centre: [sx / n, sy / n] };
  });
}

/** Three significant digits, no trailing zeros, a real minus sign. */
function short(v: number): string {
  return String(Number(v.toPrecision(3))).replace("-", "−");
}

/** The regions in words: per class, its share of the area, its extent along both axes and its centre. */
export function describeRegions(regions: readonly RegionSummary[], axes: { x: string; y: string }): string {
  return regions.map((r) => {
    if (!r.x || !r.y || !r.centre) return `${r.name}: predicted nowhere`;
    return `${r.name}: ${Math.round(100 * r.share)}% of the area, ${axes.x} ${short(r.x[0])} to ${short(r.x[1])}, ${axes.y} ${short(r.y[0])} to ${short(r.y[1])}, centred near (${short(r.centre[0])}, ${short(r.centre[1])})`;
  }).join("; ") + ".";
}

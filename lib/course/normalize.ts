/**
 * Feature normalisation with population mean and variance, as Keras'
 * `Normalization.adapt` computes them (tfjs has no such layer).
 */

/** Per-feature mean and (population) variance. */
export interface NormStats {
  mean: number[];
  variance: number[];
}

/** Computes per-feature mean and population variance (divides by m, not m − 1). */
export function fitNormalization(X: readonly number[][]): NormStats {
  const m = X.length;
  if (m === 0) throw new Error("fitNormalization: X is empty");
  const n = (X[0] ?? []).length;
  const mean = new Array<number>(n).fill(0);
  for (const row of X) for (let j = 0; j < n; j++) mean[j] += row[j] / m;
  const variance = new Array<number>(n).fill(0);
  for (const row of X) for (let j = 0; j < n; j++) variance[j] += (row[j] - mean[j]) ** 2 / m;
  return { mean, variance };
}

/** Applies (x − mean) / sqrt(variance) to every row. */
export function normalize(X: readonly number[][], stats: NormStats): number[][] {
  return X.map((row) => row.map((x, j) => (x - stats.mean[j]) / Math.sqrt(stats.variance[j])));
}

/**
 * The largest absolute difference between two results computed two ways (by
 * hand in float64 and with tfjs in float32, or against the oracle's numpy
 * reference): the one number that says how closely they agree.
 *
 * Taught in lesson 02 (notebooks/02-dense-networks.ipynb); reused by 05.
 */

/** A number, or an array (of arrays …) of numbers: a vector, a matrix, a list of weight vectors. */
type NestedNumbers = number | readonly NestedNumbers[];

/**
 * Largest |a − b| over two equally shaped numbers or nested arrays of
 * numbers; 0 for two empty arrays, NaN when the shapes differ (so a shape
 * mistake shows as NaN in the printed comparison rather than as a small number).
 */
export function maxAbsDiff(a: NestedNumbers, b: NestedNumbers): number {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b);
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return (a as readonly NestedNumbers[]).reduce((m: number, x, i) => Math.max(m, maxAbsDiff(x, b[i] as NestedNumbers)), 0);
  }
  return NaN;
}

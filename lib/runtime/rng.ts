/**
 * A small seeded pseudo-random generator, so every dataset, initialisation and
 * shuffle in the course is the same on every run and every machine.
 *
 * mulberry32: 32-bit state, period 2^32, passes the usual statistical batteries
 * for this kind of use. It is not cryptographic and does not need to be.
 * `oracle/course_rng.py` is a line-by-line port, so the Python oracle can
 * regenerate the same datasets independently.
 */
interface Rng {
  /** Uniform float in [0, 1), 32 bits of randomness. */
  next(): number;
  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Normal sample (Box–Muller), mean `mean`, standard deviation `std`. */
  normal(mean?: number, std?: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A new array with the elements of `xs` in a random order (Fisher–Yates). */
  shuffle<T>(xs: readonly T[]): T[];
}

/** Creates a seeded generator; the same seed always gives the same sequence. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new TypeError(`createRng: seed must be a finite number, got ${seed}`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal: (mean = 0, std = 1) => {
      // Box–Muller; 1 - u keeps the argument of log in (0, 1].
      const u = 1 - next();
      const v = next();
      return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int: (n) => Math.floor(next() * n),
    shuffle: <T>(xs: readonly T[]): T[] => {
      const out = xs.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
  };
}

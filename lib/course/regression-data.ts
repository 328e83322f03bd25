/**
 * Two small seeded regression data sets for lesson 03's output-layer choice:
 * one whose target is never negative (a house price) and one whose target can
 * be negative (a temperature change). Only `uniform` draws are used, in a fixed
 * order, so `oracle/lessons/lesson_03_activations.py` regenerates the same
 * numbers bit for bit with its port of the generator.
 */
import { createRng } from "../runtime/rng";

/** A one-feature regression set: X is m×1, y is m×1 (the shapes `fit` takes). */
export interface RegressionSet {
  X: number[][];
  y: number[][];
}

/** Default sizes and seeds, shared with the oracle. */
const HOUSES = { m: 80, seed: 31 } as const;
const WEATHER = { m: 80, seed: 32 } as const;

/**
 * House size in 100 m² (0.5 to 3) → price in units of 100 000: roughly linear
 * in the size plus a bounded noise, and never below 0.45, so y ≥ 0 by construction.
 */
export function loadHouses(options: { m?: number; seed?: number } = {}): RegressionSet {
  const rng = createRng(options.seed ?? HOUSES.seed);
  const X: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < (options.m ?? HOUSES.m); i++) {
    const size = rng.uniform(0.5, 3);
    const noise = rng.uniform(-0.25, 0.25);
    X.push([size]);
    y.push([1.1 * size + 0.2 + noise]);
  }
  return { X, y };
}

/**
 * Today's change in air pressure (hPa, −3 to 3) → tomorrow's temperature
 * change (°C): rising pressure, warmer; falling, colder. About half the
 * targets are negative, which a ReLU output can never produce.
 */
export function loadWeather(options: { m?: number; seed?: number } = {}): RegressionSet {
  const rng = createRng(options.seed ?? WEATHER.seed);
  const X: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < (options.m ?? WEATHER.m); i++) {
    const dp = rng.uniform(-3, 3);
    const noise = rng.uniform(-0.8, 0.8);
    X.push([dp]);
    y.push([1.2 * dp + noise]);
  }
  return { X, y };
}

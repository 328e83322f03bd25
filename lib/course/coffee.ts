/**
 * The coffee-roasting dataset of Machine Learning Specialization, Course 2
 * (roasting temperature in °C and duration in minutes; label 1 for a good
 * roast), regenerated with the course's seeded RNG.
 */
import { createRng } from "../runtime/rng";

/** Features X (m×2: temperature, duration) and labels y (m). */
export interface CoffeeData {
  X: number[][];
  y: number[];
}

/**
 * A roast is good when the temperature is in (175, 260) °C, the duration in
 * (12, 15) min, and the point lies on or below the line d = 21 − 3t/85, which
 * runs from (175 °C, 14.82 min) to (260 °C, 11.82 min): hotter roasts must be
 * shorter. (This is the course lab's rule exactly, slope −3/(260 − 175) and
 * intercept 21, so the labels match the lab's data generator.)
 */
export function isGoodRoast(temperature: number, duration: number): boolean {
  const line = (-3 / (260 - 175)) * temperature + 21;
  return temperature > 175 && temperature < 260 && duration > 12 && duration < 15 && duration <= line;
}

/** Generates `m` roasts uniformly over 150–285 °C × 11.5–15.5 min. */
export function loadCoffeeData(options: { m?: number; seed?: number } = {}): CoffeeData {
  const m = options.m ?? 200;
  const rng = createRng(options.seed ?? 2);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < m; i++) {
    const t = rng.uniform(150, 285);
    const d = rng.uniform(11.5, 15.5);
    X.push([t, d]);
    y.push(isGoodRoast(t, d) ? 1 : 0);
  }
  return { X, y };
}

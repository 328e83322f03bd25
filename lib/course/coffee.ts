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

/**
 * The corners of the good-roast region of `isGoodRoast`, as a closed polygon
 * (first corner repeated at the end) for plotting: the box 175–260 °C ×
 * 12–15 min cut by the half-plane d ≤ 21 − 3t/85. The line leaves the box
 * through its left edge at (175, 14.82) and its bottom edge at (255, 12), so
 * the region is a triangle; it never reaches d = 15 for t > 175.
 */
export function goodRoastRegion(): { t: number[]; d: number[] } {
  const line = (t: number): number => (-3 / (260 - 175)) * t + 21;
  const box: [number, number][] = [[175, 12], [260, 12], [260, 15], [175, 15]];
  // One step of Sutherland–Hodgman clipping: keep corners below the line, add the crossings of each edge.
  const below = ([t, d]: [number, number]): boolean => d <= line(t);
  const corners: [number, number][] = [];
  box.forEach((p, i) => {
    const q = box[(i + 1) % box.length] as [number, number];
    if (below(p)) corners.push(p);
    if (below(p) !== below(q)) {
      // The edge from p to q crosses d = line(t): solve along the edge p + s·(q − p).
      const gp = p[1] - line(p[0]);
      const gq = q[1] - line(q[0]);
      const s = gp / (gp - gq);
      corners.push([p[0] + s * (q[0] - p[0]), p[1] + s * (q[1] - p[1])]);
    }
  });
  const closed = [...corners, corners[0] as [number, number]];
  return { t: closed.map((c) => c[0]), d: closed.map((c) => c[1]) };
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

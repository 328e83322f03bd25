/**
 * Where `npm test`'s time goes: the seconds each test file's top-level tests
 * took, summed per file. Node's runner reports no event for a whole file (each
 * runs in its own process), so a file's time is the sum of its top-level tests
 * and suites, which run one after another inside it; what that leaves out is
 * the file's module loading, well under a second.
 *
 * The whole-suite target (≤ 480 s on a fresh clone) is met by keeping the slow
 * files few and short; this table, printed at the end of a run and written to
 * .test-out/test-timings.json, says which ones they are.
 */
import * as path from "path";

/** One finished top-level test or suite, as the runner's test:pass/test:fail events carry it. */
export interface TopLevelResult {
  file: string | undefined;
  nesting: number;
  details: { duration_ms: number };
}

/** Seconds per test file, summed over its top-level tests and suites; deeper results are inside those. */
export function addResult(totals: Map<string, number>, r: TopLevelResult): void {
  if (r.nesting !== 0 || r.file === undefined) return;
  totals.set(r.file, (totals.get(r.file) ?? 0) + r.details.duration_ms / 1000);
}

interface FileTiming {
  /** The file's path inside build/test, with forward slashes (grading/class.test.js). */
  file: string;
  seconds: number;
}

/** The files, slowest first, their paths made relative to `testRoot`; seconds rounded to tenths. */
export function slowestFirst(totals: ReadonlyMap<string, number>, testRoot: string): FileTiming[] {
  return [...totals]
    .map(([file, s]) => ({ file: path.relative(testRoot, file).split(path.sep).join("/"), seconds: Math.round(s * 10) / 10 }))
    .sort((a, b) => b.seconds - a.seconds || a.file.localeCompare(b.file));
}

/** The table printed after a run: the `n` slowest files and the sum over all of them. */
export function timingTable(timings: readonly FileTiming[], n: number): string {
  const total = timings.reduce((s, t) => s + t.seconds, 0);
  const rows = timings.slice(0, n).map((t) => `  ${t.seconds.toFixed(1).padStart(7)} s  ${t.file}`);
  return [`Slowest test files (of ${timings.length}; ${total.toFixed(0)} s of test time in all, files run side by side):`, ...rows].join("\n");
}

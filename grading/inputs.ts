/**
 * The check inputs without their expected values: all the scoring sandbox may
 * see of data/expected/ and of an instructor's hidden checks.
 */
import * as fs from "fs";
import * as path from "path";
import type { StoredCheck } from "../lib/checks";

/** A stored check without its expected values (every other field of a case stays: args, grids, inputs). */
export function withoutExpected(stored: StoredCheck): StoredCheck {
  return { ...stored, cases: stored.cases.map(({ expected: _expected, ...rest }) => rest as StoredCheck["cases"][number]) };
}

/** Writes `to/expected/*.json`: `from`'s files with every expected value removed, and no `values`. */
export function writeInputsOnly(from: string, to: string): void {
  fs.mkdirSync(path.join(to, "expected"), { recursive: true, mode: 0o755 });
  for (const name of fs.readdirSync(path.join(from, "expected"))) {
    if (!name.endsWith(".json")) continue;
    const file = JSON.parse(fs.readFileSync(path.join(from, "expected", name), "utf8")) as { lesson: string; generatedBy: string; checks: Record<string, StoredCheck> };
    const checks = Object.fromEntries(Object.entries(file.checks).map(([id, c]) => [id, withoutExpected(c)]));
    fs.writeFileSync(path.join(to, "expected", name), JSON.stringify({ lesson: file.lesson, generatedBy: file.generatedBy, checks }), { mode: 0o644 });
  }
}

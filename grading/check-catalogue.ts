/**
 * The checks the grader runs for a lesson: its visible checks (from the
 * lesson's module) and an instructor's hidden checks (`--hidden DIR`), each
 * hidden one the visible check of the same function on other cases, and the
 * names of the graded functions and quiz answers each lesson declares. Used
 * on both sides: the grader judges with these definitions, and the worker
 * computes outputs with them.
 */
import * as fs from "fs";
import * as path from "path";
import type { CheckDefinition, StoredCheck, StoredCheckDefinition } from "../lib/checks";
import { lessonSlugs, loadLesson } from "../lib/lessons";

/** An instructor's hidden check: stored cases for one graded function. */
export interface HiddenCheck extends StoredCheck {
  fn: string;
  points: number;
  hint?: string;
}

/** The instructor's hidden checks for a lesson (`hiddenDir/<lesson>.json`), by id; none without the file. */
export function readHiddenChecks(lesson: string, hiddenDir?: string): Record<string, HiddenCheck> {
  if (!hiddenDir) return {};
  const file = path.join(hiddenDir, `${lesson}.json`);
  if (!fs.existsSync(file)) return {};
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { checks: Record<string, HiddenCheck> }).checks;
}

/** The visible check a hidden check re-uses, run on the hidden cases. */
export function hiddenDefinition(visible: readonly CheckDefinition[], id: string, h: { fn: string; points: number; stored: StoredCheck; hint?: string }, where: string): StoredCheckDefinition {
  // An instructor's hint is one tier; without one, the visible check's tiers (never shown for a hidden check's cases).
  const base = visible.find((d) => (d as Partial<StoredCheckDefinition>).fnName === h.fn) as StoredCheckDefinition | undefined;
  if (!base?.withCases) throw new Error(`${where}: hidden check ${id} is for "${h.fn}", which has no stored-cases check`);
  return base.withCases(id, h.points, h.stored, h.hint ? [h.hint] : undefined);
}

/** The lesson's visible checks plus any hidden ones from `hiddenDir/<lesson>.json`. */
export function lessonChecks(lesson: string, hiddenDir?: string): CheckDefinition[] {
  const visible = [...loadLesson(lesson).checker.definitions];
  const hidden = readHiddenChecks(lesson, hiddenDir);
  const where = `${hiddenDir ?? ""}/${lesson}.json`;
  return [...visible, ...Object.entries(hidden).map(([id, h]) => hiddenDefinition(visible, id, { fn: h.fn, points: h.points, stored: h, hint: h.hint }, where))];
}


/** The graded names (functions and quiz answers) each lesson's checks call, by lesson. */
export function exerciseNames(): Record<string, string[]> {
  return Object.fromEntries(lessonSlugs().map((s) => [s, lessonChecks(s).map((d) => (d as { fnName?: string }).fnName ?? "")]));
}

/**
 * The README's table of lessons, generated from the registry (lib/lessons.ts)
 * and each lesson's own checks, so it cannot go stale: `npm run expected`
 * rewrites it, and test/tools/lesson-table.test.ts fails when README.md
 * differs from what the registry says now.
 */
import * as fs from "fs";
import * as path from "path";
import { isQuizId } from "../lib/checks/quiz-answer";
import { LESSONS, loadLesson, type Lesson } from "../lib/lessons";
import { ROOT } from "../lib/runtime/paths";

/** The markers around the generated table in README.md. */
export const TABLE_START = "<!-- lessons table: generated from lib/lessons.ts and the lessons' checks by `npm run expected`; do not edit -->";
export const TABLE_END = "<!-- end of the lessons table -->";

/** The table, one row per registered lesson, in course order (drafts marked). */
export function lessonTable(lessons: readonly Lesson[] = LESSONS): string {
  const rows = lessons.map((l) => {
    const defs = loadLesson(l.slug).checker.definitions;
    const exercises = defs.filter((d) => !isQuizId(d.id)).map((d) => `\`${(d as { fnName?: string }).fnName ?? d.id}\``);
    const quiz = defs.filter((d) => isQuizId(d.id)).length;
    const points = defs.reduce((sum, d) => sum + d.points, 0);
    const marks = [l.optional ? "optional" : "", l.draft ? "draft" : ""].filter(Boolean);
    return `| ${l.slug.slice(0, 2)} | ${l.title}${marks.length ? ` (${marks.join(", ")})` : ""} | \`${l.slug}\` | ${exercises.join(", ")} | ${quiz} | ${points} |`;
  });
  return [TABLE_START, "| # | lesson | slug | graded exercises | graded quiz questions | points |", "| --- | --- | --- | --- | --- | --- |", ...rows, TABLE_END].join("\n");
}

/** README text with its table replaced by `table`; throws when the markers are missing. */
export function withTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no lessons table between "${TABLE_START}" and "${TABLE_END}"`);
  return readme.slice(0, start) + table + readme.slice(end + TABLE_END.length);
}

/** Rewrites README.md's table (check = only compare); returns whether it was already current. */
export function updateReadmeTable(check: boolean, root = ROOT): boolean {
  const file = path.join(root, "README.md");
  const readme = fs.readFileSync(file, "utf8");
  const next = withTable(readme, lessonTable());
  if (next === readme) return true;
  if (!check) fs.writeFileSync(file, next);
  return false;
}

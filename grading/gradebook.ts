/**
 * The class gradebook as CSV: one row per student, one column per check (across
 * lessons), the total and, per lesson, how the notebook ran top to bottom
 * (gradebook.csv, with a points-possible row), and two variants with one column
 * per lesson: Canvas's gradebook import format (gradebook-canvas.csv) and one
 * that Moodle's CSV grade import accepts (gradebook-moodle.csv).
 *
 * When a student handed in several notebooks for one lesson, the best one
 * counts. A lesson a student did not hand in (or that could not be graded) is
 * an empty cell, not a zero: Canvas and Moodle leave empty cells ungraded, so
 * the course's missing-work policy decides.
 */
import { findLesson, lessonSlugs } from "../lib/lessons";
import { executionSummary } from "./execution-report";
import type { NotebookGrade } from "./types";

/** One student's graded notebooks and the problems with their entry. */
export interface StudentGrades {
  student: string;
  /** The class folder's entry (or entries, for a duplicate id) the work came from. */
  sources?: string[];
  notebooks: NotebookGrade[];
  problems: string[];
  /** Folders of the entry that could not be opened (grading/class-folder.ts): nothing in them was graded. */
  unreadable?: { path: string; kind: string }[];
}

/** The notebook that counts for each lesson (the best score when there are several), in course order. */
export function countedGrades(s: StudentGrades): NotebookGrade[] {
  const best = new Map<string, NotebookGrade>();
  for (const g of s.notebooks) {
    if (!g.lesson) continue;
    const seen = best.get(g.lesson);
    if (!seen || g.score > seen.score) best.set(g.lesson, g);
  }
  return lessonOrder([...best.keys()]).map((l) => best.get(l) as NotebookGrade);
}

/** Lessons in course order (unknown ones last, by name). */
function lessonOrder(lessons: Iterable<string>): string[] {
  const order = lessonSlugs();
  const rank = (l: string): number => (order.includes(l) ? order.indexOf(l) : order.length);
  return [...new Set(lessons)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Every lesson anyone handed in, and its check ids (with maximum points) in the order the grader reports them. */
export function classColumns(students: StudentGrades[]): { lesson: string; checks: { id: string; maxPoints: number }[] }[] {
  const checks = new Map<string, Map<string, number>>();
  for (const s of students) {
    for (const g of countedGrades(s)) {
      const m = checks.get(g.lesson as string) ?? new Map<string, number>();
      for (const c of g.checks) if (!m.has(c.id)) m.set(c.id, c.maxPoints);
      checks.set(g.lesson as string, m);
    }
  }
  return lessonOrder(checks.keys()).map((lesson) => ({ lesson, checks: [...(checks.get(lesson) as Map<string, number>)].map(([id, maxPoints]) => ({ id, maxPoints })) }));
}

/** One CSV field (RFC 4180), with text that a spreadsheet would run as a formula defused. */
export function csvField(v: string | number): string {
  if (typeof v === "number") return String(v);
  // A student id is a folder name the student may have chosen: "=cmd|…" must stay text.
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(rows: (string | number)[][]): string {
  return rows.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** The gradebook's column with how a lesson's notebook ran top to bottom. */
function executionColumn(lesson: string): string {
  return `execution ${lesson}`;
}

/** The first cell of the row under the header that holds each column's maximum (as Canvas names it). */
export const POINTS_POSSIBLE = "Points Possible";

/** A lesson's maximum: the sum of its checks' maximum points (visible and hidden). */
function lessonMax(col: { checks: { maxPoints: number }[] }): number {
  return col.checks.reduce((t, k) => t + k.maxPoints, 0);
}

/**
 * gradebook.csv: student, points per check id (lessons in course order), total, then per lesson how its counted
 * notebook ran top to bottom: "ok", the failed cells ("cell 12: 2:39 - ')' expected. (+21 aborted)"), "did not
 * run: …", or empty (not handed in, or not executed). The second row, "Points Possible", holds each check's
 * maximum and the total's (the execution columns empty), so a spreadsheet can turn points into percentages.
 */
export function gradebookCsv(students: StudentGrades[]): string {
  const cols = classColumns(students);
  const header = ["student", ...cols.flatMap((c) => c.checks.map((k) => k.id)), "total", ...cols.map((c) => executionColumn(c.lesson))];
  const possible = [POINTS_POSSIBLE, ...cols.flatMap((c) => c.checks.map((k) => k.maxPoints)), cols.reduce((t, c) => t + lessonMax(c), 0), ...cols.map(() => "")];
  const rows = students.map((s) => {
    const counted = new Map(countedGrades(s).map((g) => [g.lesson as string, g]));
    const cells: (string | number)[] = [s.student];
    for (const col of cols) {
      const g = counted.get(col.lesson);
      for (const k of col.checks) {
        const c = g?.checks.find((x) => x.id === k.id);
        cells.push(c ? c.points : "");
      }
    }
    cells.push([...counted.values()].reduce((t, g) => t + g.score, 0));
    for (const col of cols) cells.push(executionSummary(counted.get(col.lesson)?.execution));
    return cells;
  });
  return csv([header, possible, ...rows]);
}

/** Canvas's assignment column for a lesson: "Lesson 01 (points)". */
function canvasColumn(lesson: string): string {
  const nn = /^(\d+)-/.exec(lesson)?.[1];
  return nn && findLesson(lesson) ? `Lesson ${nn} (points)` : `${lesson} (points)`;
}

/**
 * gradebook-canvas.csv, Canvas's gradebook import format: Student, ID, SIS User
 * ID, SIS Login ID, Section, then one column per lesson (its points), and a
 * "Points Possible" row under the header. The student id goes in Student and
 * SIS Login ID (Canvas matches a row to a student by ID, SIS User ID or SIS
 * Login ID); ID, SIS User ID and Section are left empty. See docs/grading.md.
 */
export function canvasCsv(students: StudentGrades[]): string {
  const cols = classColumns(students);
  const header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ...cols.map((c) => canvasColumn(c.lesson))];
  const possible = [POINTS_POSSIBLE, "", "", "", "", ...cols.map(lessonMax)];
  const rows = students.map((s) => {
    const counted = new Map(countedGrades(s).map((g) => [g.lesson as string, g]));
    return [s.student, "", "", s.student, "", ...cols.map((c) => counted.get(c.lesson)?.score ?? "")];
  });
  return csv([header, possible, ...rows]);
}

/** Moodle's grade column for a lesson: "Lesson 01" (Moodle's import offers it as a new grade item of that name). */
function moodleColumn(lesson: string): string {
  const nn = /^(\d+)-/.exec(lesson)?.[1];
  return nn && findLesson(lesson) ? `Lesson ${nn}` : lesson;
}

/**
 * gradebook-moodle.csv, for Moodle's CSV grade import (Grades → Import → CSV file): a header, then one row per
 * student with `Username` (the student id, which the import maps to Moodle's username), then one column per
 * lesson (its points). Nothing else: Moodle takes every row below the header for a student, and one it cannot
 * map to a user (a "Points Possible" row) stops the whole import, so the maximum of each lesson is set on its
 * grade item in Moodle instead (docs/grading.md). An empty cell is "no grade" to Moodle, as here.
 */
export function moodleCsv(students: StudentGrades[]): string {
  const cols = classColumns(students);
  const header = ["Username", ...cols.map((c) => moodleColumn(c.lesson))];
  const rows = students.map((s) => {
    const counted = new Map(countedGrades(s).map((g) => [g.lesson as string, g]));
    return [s.student, ...cols.map((c) => counted.get(c.lesson)?.score ?? "")];
  });
  return csv([header, ...rows]);
}

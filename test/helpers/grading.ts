/**
 * What the grading tests share: running the grader (`build/grading/grade.js`)
 * in a child process, reading what a class run wrote (grades.json and its
 * types), swapping an exercise's code in a notebook, and parsing the gradebooks.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { declaredFunction } from "../../editions/editions";
import { cellText, toSource, type Notebook } from "../../editions/notebook";
import { ROOT } from "./notebooks";
import { loadLesson } from "../../lib/lessons";
import { isQuizId } from "../../lib/checks/quiz-answer";

/** A lesson's points: all its visible checks', or its graded quiz questions' only. */
export function lessonPoints(slug: string, which: "all" | "quiz" = "all"): number {
  return loadLesson(slug).checker.definitions.filter((d) => which === "all" || isQuizId(d.id)).reduce((t, d) => t + d.points, 0);
}

const GRADE = path.join(ROOT, "build", "grading", "grade.js");
export const VALIDATE = path.join(ROOT, "build", "grading", "validate.js");

/** One entry of grades.json's `notebooks`. */
export interface Entry {
  student: string;
  path: string;
  lesson: string | null;
  score: number;
  maxScore: number;
  checks: { id: string; points: number; maxPoints: number; passed: boolean; message: string; hidden?: boolean }[];
  execution: { ran: boolean; counts?: Record<string, number>; errors?: { cell: number; status: string; firstLine: string }[]; aborted?: number; reason?: string; message: string } | null;
  problems: string[];
  counts: boolean;
  feedback: string;
  fileProblem: string | null;
}

/** grades.json as a class run writes it. */
export interface Grades {
  notebooks: Entry[];
  students: { student: string; feedback: string; sources: string[]; problems: string[]; unreadable: { path: string; kind: string }[] }[];
  problems: string[];
  run: { graded: number; cached: number; identical: number; gradedFiles: string[]; peakMemoryMb: number | null; memoryBudgetMb: number; jobMemoryBudgetMb: number; jobs: number; memoryLimit: string; memoryNotLimited: string | null };
}

/** Runs the grader with `args`; never throws (the caller asserts on the status). */
export function runGrade(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [GRADE, ...args], { encoding: "utf8", cwd: ROOT, timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function readGrades(out: string): Grades {
  return JSON.parse(fs.readFileSync(path.join(out, "grades.json"), "utf8")) as Grades;
}

/** Replaces the exercise cell that declares `fn` (in the solution or the student edition) with `code`. */
export function withExercise(nb: Notebook, fn: string, code: string): Notebook {
  const cell = nb.cells.find((c) => c.cell_type === "code" && declaredFunction(cellText(c)) === fn && /BEGIN SOLUTION|not completed yet/.test(cellText(c)));
  if (!cell) throw new Error(`no exercise ${fn}`);
  cell.source = toSource(code);
  return nb;
}

/** A minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(field), (field = "");
    else if (ch === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else if (ch !== "\r") field += ch;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

/**
 * The `name="value"` attributes, unescaped, of every li, div or p element of a
 * feedback page or summary whose attributes match `marker` (its class or
 * data-kind, e.g. /class="exec-error"/): what the reports carry as data.
 */
export function htmlAttributes(html: string, marker: RegExp): Record<string, string>[] {
  const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return [...html.matchAll(/<(?:li|div|p)\s([^>]*)>/g)].map((m) => m[1] ?? "").filter((a) => marker.test(a))
    .map((a) => Object.fromEntries([...a.matchAll(/([\w-]+)="([^"]*)"/g)].map((x) => [x[1] as string, unescape(x[2] as string)])));
}

/**
 * Reading a submitted notebook for grading: which lesson it is, and which code
 * cells define the graded functions. Only those cells are ever used for
 * scoring; check cells, markdown and everything else in the submission are
 * ignored, so deleting, reordering or editing them changes nothing.
 */
import * as path from "path";
import { declaredFunction } from "../editions/editions";
import { cellText, type Notebook } from "../editions/notebook";
import { lessonSlugs } from "../lib/lessons";
import { QUIZ_ANSWER_DECLARATION } from "../lib/checks/quiz-answer";
import { readSubmittedNotebook, type FileProblemKind } from "./submitted-file";
import type { ExerciseCell } from "./scoring-order";
import type { ContextCell } from "./helper-declarations";

export { lessonSlugs };

export type { ExerciseCell };

/** What the grader needs from a submission. */
export interface Submission {
  path: string;
  notebook: Notebook | null;
  lesson: string | null;
  /** Why the lesson could not be determined or the file read. */
  problem?: string;
  /** Why the file itself was not read (a link, a FIFO, too large, …), when that is the problem. */
  fileProblem?: FileProblemKind;
  /** What went wrong while grading it (filled in by the grader). */
  problems?: string[];
}

/** Functions a code cell declares at its top level (`function name(`), and quiz answers (`const quizName =`). */
export function declaredFunctions(source: string): string[] {
  const functions = [...source.matchAll(/^(?:export\s+)?(?:async\s+)?function\s+([A-Za-z_$][\w$]*)\s*\(/gm)].map((m) => m[1] as string);
  const answers = [...source.matchAll(new RegExp(QUIZ_ANSWER_DECLARATION.source, "gm"))].map((m) => m[1] as string);
  return [...functions, ...answers];
}

/**
 * Which lesson a submission belongs to: the student edition's metadata, else
 * an `NN-slug` in the file name, else the lesson whose graded functions it defines.
 */
export function identifyLesson(file: string, nb: Notebook, exerciseNames: Record<string, string[]>): string | null {
  const slugs = Object.keys(exerciseNames);
  const source = (nb.metadata.course as { source?: unknown } | undefined)?.source;
  if (typeof source === "string") {
    const m = /(\d\d-[a-z0-9-]+)\.ipynb$/.exec(source);
    if (m && slugs.includes(m[1] as string)) return m[1] as string;
  }
  const base = path.basename(file);
  const byName = slugs.find((s) => base.includes(s));
  if (byName) return byName;
  const defined = new Set(nb.cells.filter((c) => c.cell_type === "code").flatMap((c) => declaredFunctions(cellText(c))));
  let best: string | null = null;
  let bestCount = 0;
  for (const [slug, names] of Object.entries(exerciseNames)) {
    const n = names.filter((x) => defined.has(x)).length;
    if (n > bestCount) [best, bestCount] = [slug, n];
  }
  return best;
}

/** Reads a submission; a malformed file becomes a problem to report, never an exception. */
export function readSubmission(file: string, exerciseNames: Record<string, string[]>): Submission {
  const read = readSubmittedNotebook(file);
  if (!read.ok) return { path: file, notebook: null, lesson: null, problem: read.message, ...(read.kind !== "malformed" ? { fileProblem: read.kind } : {}) };
  const nb = read.notebook;
  const lesson = identifyLesson(file, nb, exerciseNames);
  return lesson
    ? { path: file, notebook: nb, lesson }
    : { path: file, notebook: nb, lesson: null, problem: "cannot tell which lesson this notebook is (no course metadata, no NN-slug in its name, no graded function defined)" };
}

/**
 * How the course kernel compiles a notebook's code cells, by notebook cell
 * index: the errors it reports for a cell ([] when it compiles). A cell with
 * errors is never run by the kernel. Null: not known (the compile could not be
 * had), and the worker then refuses only syntax errors.
 */
export type CompileVerdicts = Map<number, string[]> | null;

/** What the scoring worker is given of a notebook. */
export interface ScoringCells {
  /** Every code cell that declares a graded name, in notebook order, with the kernel's first error if it refuses it. */
  cells: ExerciseCell[];
  /** The other code cells the kernel compiles: where helpers called by the exercises are looked for. */
  context: ContextCell[];
}

/**
 * The code cells scoring runs: every cell that declares a graded function or
 * quiz answer (a name declared in several cells is defined by each in turn, as
 * the notebook runs them), and, as context, the other cells that compile.
 * Markdown cells never count.
 */
export function scoringCells(nb: Notebook, names: readonly string[], verdicts: CompileVerdicts): ScoringCells {
  const cells: ExerciseCell[] = [];
  const context: ContextCell[] = [];
  nb.cells.forEach((c, index) => {
    if (c.cell_type !== "code") return;
    const source = cellText(c);
    const errors = verdicts?.get(index) ?? [];
    const defines = declaredFunctions(source).filter((fn) => names.includes(fn));
    if (defines.length) cells.push({ index, source, defines: [...new Set(defines)], ...(errors.length ? { compileError: errors[0] as string } : {}) });
    else if (errors.length === 0) context.push({ index, source });
  });
  return { cells, context };
}

export { declaredFunction };

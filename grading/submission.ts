/**
 * Reading a submitted notebook for grading: which lesson it is, and which code
 * cells define the graded functions. Only those cells are ever used for
 * scoring; check cells, markdown and everything else in the submission are
 * ignored, so deleting, reordering or editing them changes nothing.
 */
import type { Notebook } from "../editions/notebook";
import { lessonSlugs } from "../lib/lessons";
import { readSubmittedNotebook, type FileProblemKind } from "./submitted-file";
import { identifyLesson } from "./scoring-plan";
import type { ExerciseCell } from "./scoring-order";

export { declaredFunctions, identifyLesson, type CompileVerdicts, type ScoringCells } from "./scoring-plan";

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


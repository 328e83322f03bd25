/**
 * `npm run grade -- --out OUT CLASS_DIR`: grades a class folder (see
 * grading/class-folder.ts for its layout) and writes, into OUT:
 *   grades.json           every notebook's grade, as `--json` writes it, plus `student`;
 *   gradebook.csv         student, points per check (across lessons), total;
 *   gradebook-canvas.csv  the same per lesson, in Canvas's gradebook import format;
 *   feedback/<student>.html  what each student gets back;
 *   summary.html          per exercise: share passed, most frequent failures, a chart.
 * Grading runs in `jobs` parallel processes and is cached in OUT/.cache, so a
 * re-run grades only submissions that changed (grading/class-run.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import { lessonSlugs } from "../lib/lessons";
import { readClassFolder } from "./class-folder";
import { gradeFiles, type PoolOptions, type RunMemory } from "./class-run";
import { feedbackHtml } from "./feedback";
import { canvasCsv, gradebookCsv, type StudentGrades } from "./gradebook";
import { summaryHtml } from "./summary";
import { lessonChecks } from "./worker";
import type { GradeOptions, NotebookGrade } from "./types";

// Plain-JS build helper: the grading processes must find the library built (and not all build it at once).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require(path.join(ROOT, "setup", "build-lib.js")) as { ensureBuilt: (o: { quiet?: boolean }) => { ok: boolean; output: string } };

/** What grading a class did. */
export interface ClassRun {
  students: StudentGrades[];
  /** Problems with the folder itself (stray files). */
  problems: string[];
  graded: number;
  cached: number;
  /** Notebooks graded in this run; the others were unchanged and read from the cache. */
  gradedFiles: string[];
  /** Of those, how many were byte-identical to another submission and took its grade. */
  identical: number;
  seconds: number;
  /** How the sandboxes' memory was limited, each one's budget, and the run's peak. */
  memory: RunMemory;
}

/**
 * The JSON report: `--json`'s format, each entry with its student (students with
 * nothing graded get one entry too), plus the folder's problems and what this run graded.
 */
export function gradesJson(run: ClassRun): unknown {
  const entry = (student: string, g: NotebookGrade) => ({ student, path: g.path, lesson: g.lesson, score: g.score, maxScore: g.maxScore, checks: g.checks, execution: g.execution ?? null, problems: g.problems });
  return {
    notebooks: run.students.flatMap((s) =>
      s.notebooks.length ? s.notebooks.map((g) => entry(s.student, g)) : [entry(s.student, { path: s.sources?.[0] ?? "", lesson: null, score: 0, maxScore: 0, checks: [], problems: s.problems })],
    ),
    problems: run.problems,
    run: {
      graded: run.graded, cached: run.cached, identical: run.identical, gradedFiles: run.gradedFiles, seconds: run.seconds,
      peakMemoryMb: run.memory.peakMb, memoryBudgetMb: run.memory.budgetMb, jobs: run.memory.jobs, memoryLimit: run.memory.limit, memoryNotLimited: run.memory.notLimited,
    },
  };
}

/** Each check's first hint tier (shown in feedback when it fails), for every lesson. */
function checkHints(hiddenDir?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const slug of lessonSlugs()) for (const d of lessonChecks(slug, hiddenDir)) out[d.id] = d.hints[0];
  return out;
}

/** Grades a class folder; bad entries are reported, never thrown. */
export async function gradeClass(dir: string, outDir: string, opts: GradeOptions, run: { jobs?: number; log?: (line: string) => void; onGrade?: PoolOptions["onGrade"] } = {}): Promise<ClassRun> {
  const log = run.log ?? console.log;
  const build = ensureBuilt({ quiet: true });
  if (!build.ok) throw new Error(`the course library does not compile:\n${build.output}`);
  const exerciseNames = Object.fromEntries(lessonSlugs().map((s) => [s, lessonChecks(s).map((d) => (d as { fnName?: string }).fnName ?? "")]));
  const folder = readClassFolder(dir, exerciseNames);
  for (const p of folder.problems) log(`! ${p}`);

  const tasks = folder.students.flatMap((s) => s.notebooks.filter((n) => n.gradable).map((n) => ({ student: s.id, file: n.file })));
  let done = 0;
  const pool = await gradeFiles(tasks.map((t) => t.file), opts, {
    jobs: run.jobs,
    cacheDir: path.join(outDir, ".cache"),
    onGrade: (g, info) => {
      run.onGrade?.(g, info);
      done++;
      const t = tasks[info.index] as { student: string; file: string };
      log(`[${done}/${tasks.length}] ${t.student}: ${path.basename(t.file)} ${g.score}/${g.maxScore}${info.cached ? " (unchanged, from the cache)" : ` (${info.seconds.toFixed(1)} s)`}${g.problems.length ? ` — ${g.problems.length} problem(s)` : ""}`);
    },
  });
  const byFile = new Map(tasks.map((t, i) => [t.file, pool.grades[i] as NotebookGrade]));

  const students: StudentGrades[] = folder.students.map((s) => ({
    student: s.id,
    sources: s.sources,
    problems: s.problems,
    notebooks: s.notebooks.map((n) => {
      const g = n.gradable ? byFile.get(n.file) : undefined;
      const grade: NotebookGrade = g ?? { path: n.file, lesson: null, score: 0, maxScore: 0, checks: [], problems: [] };
      return { ...grade, problems: [...n.problems, ...grade.problems] };
    }),
  }));
  const result: ClassRun = { students, problems: folder.problems, graded: pool.graded, cached: pool.cached, gradedFiles: pool.gradedFiles, identical: pool.identical, seconds: pool.seconds, memory: pool.memory };
  writeClassReports(result, outDir, checkHints(opts.hiddenDir));
  return result;
}

/** Writes grades.json, the two gradebooks, every feedback page and the summary. */
export function writeClassReports(run: ClassRun, outDir: string, hints: Record<string, string>): void {
  fs.mkdirSync(path.join(outDir, "feedback"), { recursive: true });
  fs.writeFileSync(path.join(outDir, "grades.json"), JSON.stringify(gradesJson(run), null, 2) + "\n");
  fs.writeFileSync(path.join(outDir, "gradebook.csv"), gradebookCsv(run.students));
  fs.writeFileSync(path.join(outDir, "gradebook-canvas.csv"), canvasCsv(run.students));
  // Pages of students no longer in the folder would be returned by mistake.
  for (const f of fs.readdirSync(path.join(outDir, "feedback"))) if (f.endsWith(".html")) fs.unlinkSync(path.join(outDir, "feedback", f));
  for (const s of run.students) fs.writeFileSync(path.join(outDir, "feedback", `${s.student}.html`), feedbackHtml(s, hints));
  fs.writeFileSync(path.join(outDir, "summary.html"), summaryHtml(run.students, run.problems));
}

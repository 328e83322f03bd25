/**
 * `npm run grade -- --out OUT CLASS_DIR`: grades a class folder (see
 * grading/class-folder.ts for its layout) and writes, into OUT:
 *   grades.json           every notebook's grade, as `--json` writes it, plus `student`;
 *   gradebook.csv         student, points per check (across lessons), total, with a points-possible row;
 *   gradebook-canvas.csv  the same per lesson, in Canvas's gradebook import format;
 *   gradebook-moodle.csv  the same per lesson, for Moodle's CSV grade import;
 *   feedback/<name>.html  what each student gets back (the name: grading/student-id.ts);
 *   summary.html          per exercise: share passed, most frequent failures, top named mistakes, a chart;
 *   item-analysis.json    what the class got wrong, per check and per case: pass rate, named mistakes,
 *   item-analysis.csv     hint tiers shown (grading/item-analysis.ts).
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
import { canvasCsv, countedGrades, gradebookCsv, moodleCsv, type StudentGrades } from "./gradebook";
import { consoleText, feedbackFileName } from "./student-id";
import { summaryHtml } from "./summary";
import { exerciseNames, lessonChecks } from "./check-catalogue";
import type { GradeOptions, NotebookGrade } from "./types";
import { readShards, shardOf, writeShardFile, type Shard } from "./shard";
import { itemAnalysis, itemAnalysisCsv } from "./item-analysis";

// Plain-JS build helper: the grading processes must find the library built (and not all build it at once).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require(path.join(ROOT, "kernel", "build-lib.js")) as typeof import("../kernel/build-lib");

/** What grading a class did. */
interface ClassRun {
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

/** Where a student's feedback page is, relative to OUT. */
function feedbackPath(student: string): string {
  return `feedback/${feedbackFileName(student)}`;
}

/**
 * The JSON report: `--json`'s format, each entry with its student (students with
 * nothing graded get one entry too), whether it counts (the best of several
 * notebooks for one lesson) and the student's feedback page; each student's own
 * problems; the folder's problems and what this run graded.
 */
function gradesJson(run: ClassRun): unknown {
  const entry = (s: StudentGrades, g: NotebookGrade, counts: boolean) => ({
    student: s.student, path: g.path, lesson: g.lesson, score: g.score, maxScore: g.maxScore, checks: g.checks, execution: g.execution ?? null, problems: g.problems,
    counts, feedback: feedbackPath(s.student), fileProblem: g.fileProblem ?? null, unchanged: g.unchanged ?? false,
  });
  return {
    notebooks: run.students.flatMap((s) => {
      const counted = new Set(countedGrades(s));
      return s.notebooks.length ? s.notebooks.map((g) => entry(s, g, counted.has(g))) : [entry(s, { path: s.sources?.[0] ?? "", lesson: null, score: 0, maxScore: 0, checks: [], problems: s.problems }, false)];
    }),
    students: run.students.map((s) => ({ student: s.student, feedback: feedbackPath(s.student), sources: s.sources ?? [], problems: s.problems, unreadable: s.unreadable ?? [] })),
    problems: run.problems,
    run: {
      graded: run.graded, cached: run.cached, identical: run.identical, gradedFiles: run.gradedFiles, seconds: run.seconds,
      peakMemoryMb: run.memory.peakMb, memoryBudgetMb: run.memory.budgetMb, jobMemoryBudgetMb: run.memory.jobBudgetMb, jobs: run.memory.jobs, memoryLimit: run.memory.limit, memoryNotLimited: run.memory.notLimited,
    },
  };
}

/** Console lines saying which notebook counts, for each student with several notebooks for one lesson. */
function countsLines(students: StudentGrades[]): string[] {
  const lines: string[] = [];
  for (const s of students) {
    const counted = new Set(countedGrades(s));
    const perLesson = new Map<string, NotebookGrade[]>();
    for (const g of s.notebooks) if (g.lesson) perLesson.set(g.lesson, [...(perLesson.get(g.lesson) ?? []), g]);
    for (const [lesson, gs] of perLesson) {
      if (gs.length < 2) continue;
      const each = gs.map((g) => `${consoleText(path.basename(g.path))} ${g.score}/${g.maxScore} ${counted.has(g) ? "counts" : "does not count"}`);
      lines.push(`${consoleText(s.student)}: ${gs.length} notebooks for ${lesson}, the best score counts: ${each.join("; ")}`);
    }
  }
  return lines;
}

/** Each check's first hint tier (shown in feedback when it fails), for every lesson. */
export function checkHints(hiddenDir?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const slug of lessonSlugs()) for (const d of lessonChecks(slug, hiddenDir)) out[d.id] = d.hints[0];
  return out;
}

/** Each check's number of hint tiers, for every lesson (the item analysis counts no tier beyond). */
function checkHintLevels(hiddenDir?: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const slug of lessonSlugs()) for (const d of lessonChecks(slug, hiddenDir)) out[d.id] = d.hints.length;
  return out;
}

/** Grades a class folder; bad entries are reported, never thrown. */
export async function gradeClass(dir: string, outDir: string, opts: GradeOptions, run: { jobs?: number; log?: (line: string) => void; onGrade?: PoolOptions["onGrade"]; shard?: Shard } = {}): Promise<ClassRun> {
  const log = run.log ?? console.log;
  const build = ensureBuilt({ quiet: true });
  if (!build.ok) throw new Error(`the course library does not compile:\n${build.output}`);
  const whole = readClassFolder(dir, exerciseNames());
  // A shard (grading/shard.ts) grades its share of the students, and only shard 1 reports the folder's own problems.
  const shard = run.shard;
  const positions = new Map(whole.students.map((s, i) => [s, i]));
  const folder = shard ? { ...whole, students: whole.students.filter((s) => shardOf(s.id, shard.count) === shard.index), problems: shard.index === 1 ? whole.problems : [] } : whole;
  // Names come from the class folder: escaped, so a newline in one cannot start a line of its own.
  for (const p of folder.problems) log(`! ${consoleText(p)}`);
  for (const s of folder.students) {
    for (const p of [...s.problems, ...s.notebooks.filter((n) => !n.gradable).flatMap((n) => n.problems)]) log(`! ${consoleText(s.id)}: ${consoleText(p)}`);
  }

  const tasks = folder.students.flatMap((s) => s.notebooks.filter((n) => n.gradable).map((n) => ({ student: s.id, file: n.file })));
  let done = 0;
  const pool = await gradeFiles(tasks.map((t) => t.file), opts, {
    jobs: run.jobs,
    cacheDir: path.join(outDir, ".cache"),
    onGrade: (g, info) => {
      run.onGrade?.(g, info);
      done++;
      const t = tasks[info.index] as { student: string; file: string };
      log(`[${done}/${tasks.length}] ${consoleText(t.student)}: ${consoleText(path.basename(t.file))} ${g.score}/${g.maxScore}${info.cached ? " (unchanged, from the cache)" : ` (${info.seconds.toFixed(1)} s)`}${g.problems.length ? ` — ${g.problems.length} problem(s)` : ""}`);
    },
  });
  const byFile = new Map(tasks.map((t, i) => [t.file, pool.grades[i] as NotebookGrade]));

  const students: StudentGrades[] = folder.students.map((s) => ({
    student: s.id,
    sources: s.sources,
    problems: s.problems,
    unreadable: s.unreadable,
    notebooks: s.notebooks.map((n) => {
      const g = n.gradable ? byFile.get(n.file) : undefined;
      const grade: NotebookGrade = g ?? { path: n.file, lesson: null, score: 0, maxScore: 0, checks: [], problems: [], ...(n.fileProblem ? { fileProblem: n.fileProblem } : {}) };
      return { ...grade, problems: [...n.problems, ...grade.problems] };
    }),
  }));
  for (const line of countsLines(students)) log(line);
  const result: ClassRun = { students, problems: folder.problems, graded: pool.graded, cached: pool.cached, gradedFiles: pool.gradedFiles, identical: pool.identical, seconds: pool.seconds, memory: pool.memory };
  writeClassReports(result, outDir, checkHints(opts.hiddenDir), checkHintLevels(opts.hiddenDir));
  if (shard) {
    writeShardFile(outDir, {
      format: "course-shard-1", shard, problems: result.problems,
      students: students.map((s, i) => ({ position: positions.get(folder.students[i] as (typeof whole.students)[number]) as number, grades: s })),
      run: { graded: result.graded, cached: result.cached, identical: result.identical, gradedFiles: result.gradedFiles, seconds: result.seconds, memory: result.memory },
    });
  }
  return result;
}

/**
 * `--merge OUT_1 … OUT_n --out OUT`: the reports of one whole run (grades.json, the gradebooks, feedback pages,
 * summary) from the shards' grades. grades.json's `run` adds the shards' counts up (its `seconds` and peak
 * memory: the largest shard's, as the shards run side by side; `jobs`: all of them).
 */
export function mergeShards(dirs: string[], outDir: string, hiddenDir?: string): ClassRun {
  const { students, problems, runs } = readShards(dirs);
  const peaks = runs.map((r) => r.memory.peakMb).filter((p): p is number => p !== null);
  const result: ClassRun = {
    students, problems,
    graded: runs.reduce((t, r) => t + r.graded, 0),
    cached: runs.reduce((t, r) => t + r.cached, 0),
    identical: runs.reduce((t, r) => t + r.identical, 0),
    gradedFiles: runs.flatMap((r) => r.gradedFiles),
    seconds: Math.max(0, ...runs.map((r) => r.seconds)),
    memory: {
      limit: runs[0]?.memory.limit ?? "none",
      notLimited: runs.find((r) => r.memory.notLimited)?.memory.notLimited ?? null,
      budgetMb: Math.max(0, ...runs.map((r) => r.memory.budgetMb)),
      jobBudgetMb: Math.max(0, ...runs.map((r) => r.memory.jobBudgetMb ?? 0)),
      jobs: runs.reduce((t, r) => t + r.memory.jobs, 0),
      peakMb: peaks.length ? Math.max(...peaks) : null,
    },
  };
  fs.mkdirSync(outDir, { recursive: true });
  writeClassReports(result, outDir, checkHints(hiddenDir), checkHintLevels(hiddenDir));
  return result;
}

/**
 * Writes every feedback page, then grades.json, the gradebooks, the summary
 * and the item analysis (`hintLevels`: each check's number of hint tiers). A page that cannot be written is a problem of that student's
 * (listed in grades.json and the summary); every other output is still written.
 */
function writeClassReports(run: ClassRun, outDir: string, hints: Record<string, string>, hintLevels: Record<string, number> = {}): void {
  const feedbackDir = path.join(outDir, "feedback");
  fs.mkdirSync(feedbackDir, { recursive: true });
  // Pages of students no longer in the folder would be returned by mistake.
  for (const f of fs.readdirSync(feedbackDir)) if (f.endsWith(".html")) fs.unlinkSync(path.join(feedbackDir, f));
  const written = new Set<string>();
  for (const s of run.students) {
    const name = feedbackFileName(s.student);
    // Distinct ids have distinct names (grading/student-id.ts); should two ever meet (case-insensitively), the second is not written over the first.
    if (written.has(name.toLowerCase())) {
      s.problems = [...s.problems, `no feedback page: its file name ${name} is another student's; rename this student's entry`];
      continue;
    }
    try {
      fs.writeFileSync(path.join(feedbackDir, name), feedbackHtml(s, hints));
      written.add(name.toLowerCase());
    } catch (err) {
      s.problems = [...s.problems, `no feedback page: writing ${name} failed (${(err as NodeJS.ErrnoException).code ?? "error"})`];
    }
  }
  fs.writeFileSync(path.join(outDir, "grades.json"), JSON.stringify(gradesJson(run), null, 2) + "\n");
  fs.writeFileSync(path.join(outDir, "gradebook.csv"), gradebookCsv(run.students));
  fs.writeFileSync(path.join(outDir, "gradebook-canvas.csv"), canvasCsv(run.students));
  fs.writeFileSync(path.join(outDir, "gradebook-moodle.csv"), moodleCsv(run.students));
  fs.writeFileSync(path.join(outDir, "summary.html"), summaryHtml(run.students, run.problems));
  const items = itemAnalysis(run.students, hintLevels);
  fs.writeFileSync(path.join(outDir, "item-analysis.json"), JSON.stringify(items, null, 2) + "\n");
  fs.writeFileSync(path.join(outDir, "item-analysis.csv"), itemAnalysisCsv(items));
}

/**
 * `npm run grade -- [options] <submitted.ipynb>...`: grades submissions.
 *
 * For each notebook:
 *  1. scores it: the graded functions are taken from the submission's code
 *     cells and every check (and hidden check) is re-run from the course's own
 *     lib and a snapshot of its expected values, in an isolated worker with a
 *     time limit per check (grading/worker.ts);
 *  2. executes it top to bottom in a fresh course kernel, with a time limit per
 *     cell and per notebook, and reports how its cells ran (informational:
 *     points come only from step 1).
 * Prints a table per notebook and a total; `--json FILE` writes the results.
 * Exit code 0 whenever grading ran, whatever the scores.
 *
 * `npm run grade -- --out OUT CLASS_DIR` grades a whole class folder in
 * parallel and writes grades, gradebooks, feedback pages and a summary into
 * OUT (grading/class-grade.ts; docs/grading.md). `--shard i/n --out OUT_i CLASS_DIR` grades a share of
 * the class, `--merge --out OUT OUT_1 … OUT_n` merges the shards (grading/shard.ts).
 *
 * Options: --json FILE, --hidden DIR (instructor's hidden checks),
 *   --out OUT (class mode), --jobs N (class mode: parallel graders, default the core count),
 *   --check-timeout S (10), --cell-timeout S (120), --notebook-timeout S (900),
 *   --memory MB (2048), --no-execute (skip step 2),
 *   --unsafe-no-sandbox (run submitted code without the bubblewrap sandbox of
 *   grading/sandbox.ts, with your own rights: only for notebooks you trust).
 * Both steps run submitted code only inside that sandbox; scores are computed
 * outside it, from the plain outputs it returns.
 */
import * as fs from "fs";
import * as path from "path";
import { gradeClass, mergeShards } from "./class-grade";
import { parseShard, type Shard } from "./shard";
import { gradeNotebook } from "./grade-notebook";
import { prepareGrading } from "./grading-context";
import { SandboxUnavailableError } from "./sandbox";
import { consoleText } from "./student-id";
import { noteMemoryControl } from "./sandbox";
import { DEFAULT_GRADE_OPTIONS, type GradeOptions, type NotebookGrade } from "./types";
import { errorLine } from "./execution-report";
import { failedCategoriesText } from "./feedback";

export type { CheckGrade, ExecutionReport, GradeOptions, NotebookGrade } from "./types";

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** Prints one notebook's table. */
function printGrade(g: NotebookGrade): void {
  console.log(`\n${consoleText(path.relative(process.cwd(), g.path) || g.path)}  (lesson ${g.lesson ?? "?"})`);
  for (const p of g.problems) console.log(`  ! ${consoleText(p)}`);
  if (g.checks.length) {
    const w = Math.max(5, ...g.checks.map((c) => c.id.length));
    console.log(`  ${pad("check", w)}  points  passed  message`);
    for (const c of g.checks) {
      // A failed hidden check names the kinds of case it failed (their categories), never their values.
      const kinds = c.hidden && !c.passed ? failedCategoriesText(c) : "";
      console.log(`  ${pad(c.id, w)}  ${pad(`${c.points}/${c.maxPoints}`, 6)}  ${pad(c.passed ? "yes" : "no", 6)}  ${c.message}${kinds ? `; failed kinds of case: ${consoleText(kinds)}` : ""}`);
    }
  }
  if (g.unchanged) console.log("  unchanged from the handout: no exercise was attempted");
  console.log(`  total ${g.score}/${g.maxScore}`);
  if (g.execution) console.log(`  execution in a fresh kernel: ${g.execution.message}${g.execution.seconds !== undefined ? ` (${g.execution.seconds.toFixed(1)} s)` : ""}`);
  for (const e of g.execution?.errors ?? []) console.log(`    ${errorLine(e)}`);
  if (g.execution?.aborted) console.log(`    (+${g.execution.aborted} cells after it did not run)`);
}

/** Grades every file; never throws for a bad submission. */
export async function gradeAll(files: string[], opts: GradeOptions): Promise<NotebookGrade[]> {
  const ctx = prepareGrading({ unsafeNoSandbox: opts.unsafeNoSandbox });
  if (!opts.unsafeNoSandbox) noteMemoryControl(); // says once when each sandbox's memory is limited per process only
  const grades: NotebookGrade[] = [];
  try {
    for (const [n, file] of files.entries()) {
      const grade = await gradeNotebook(file, opts, ctx, n);
      grades.push(grade);
      printGrade(grade);
    }
  } finally {
    ctx.close();
  }
  return grades;
}

function parseArgs(argv: string[]): { files: string[]; json?: string; out?: string; jobs?: number; shard?: Shard; merge?: boolean; opts: GradeOptions } {
  const opts: GradeOptions = { ...DEFAULT_GRADE_OPTIONS };
  const files: string[] = [];
  let json: string | undefined;
  let out: string | undefined;
  let jobs: number | undefined;
  let shard: Shard | undefined;
  let merge = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = (): number => {
      const v = Number(next());
      if (!(v > 0)) throw new Error(`${a} needs a positive number`);
      return v;
    };
    if (a === "--json") json = next();
    else if (a === "--shard") shard = parseShard(next());
    else if (a === "--merge") merge = true;
    else if (a === "--out") out = next();
    else if (a === "--jobs") {
      jobs = num();
      if (!Number.isInteger(jobs)) throw new Error("--jobs needs a whole number");
    }
    else if (a === "--hidden") opts.hiddenDir = path.resolve(next());
    else if (a === "--check-timeout") opts.checkTimeout = num();
    else if (a === "--cell-timeout") opts.cellTimeout = num();
    else if (a === "--notebook-timeout") opts.notebookTimeout = num();
    else if (a === "--memory") opts.memoryMb = num();
    else if (a === "--no-execute") opts.execute = false;
    else if (a === "--unsafe-no-sandbox") opts.unsafeNoSandbox = true;
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else files.push(a);
  }
  if (merge) {
    if (!out) throw new Error("--merge needs --out OUT, the folder for the merged reports");
    if (shard) throw new Error("--merge takes the shards' output folders, not --shard");
    if (files.length === 0) throw new Error("--merge needs the shards' output folders (OUT_1 … OUT_n)");
    return { files, out, merge, opts };
  }
  if (shard && !out) throw new Error("--shard grades a share of a class folder: give --out OUT_i CLASS_DIR");
  if (files.length === 0) throw new Error(out ? "no class folder given" : "no notebooks given");
  if (out) {
    if (files.length !== 1 || !fs.existsSync(files[0] as string) || !fs.statSync(files[0] as string).isDirectory()) throw new Error(`--out grades one class folder: give exactly one folder (got ${files.join(" ")})`);
    if (json) throw new Error("--json is for single notebooks; with --out the results go to OUT/grades.json");
  } else {
    const dir = files.find((f) => fs.existsSync(f) && fs.statSync(f).isDirectory());
    if (dir) throw new Error(`${dir} is a folder: grade a class folder with --out OUT ${dir}`);
    if (jobs !== undefined) throw new Error("--jobs is for class folders (with --out)");
  }
  return { files, json, out, jobs, shard, merge, opts };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`✖ ${(err as Error).message}\nusage: npm run grade -- [--json FILE] [--hidden DIR] [--no-execute] [--unsafe-no-sandbox] [--check-timeout S] [--cell-timeout S] [--notebook-timeout S] [--memory MB] <submitted.ipynb>...\n       npm run grade -- --out OUT [--jobs N] [--shard i/n] [same options] CLASS_DIR\n       npm run grade -- --merge --out OUT OUT_1 … OUT_n`);
    return 2;
  }
  if (parsed.opts.hiddenDir && !fs.existsSync(parsed.opts.hiddenDir)) {
    console.error(`✖ hidden checks folder ${parsed.opts.hiddenDir} does not exist`);
    return 2;
  }
  let grades: NotebookGrade[];
  try {
    if (parsed.merge && parsed.out) {
      const out = path.resolve(parsed.out);
      let run;
      try {
        run = mergeShards(parsed.files.map((f) => path.resolve(f)), out, parsed.opts.hiddenDir);
      } catch (err) {
        console.error(`✖ ${(err as Error).message}`);
        return 2;
      }
      console.log(`Merged ${parsed.files.length} shard(s): ${run.students.length} student(s). Written to ${out}: grades.json, gradebook.csv, gradebook-canvas.csv, gradebook-moodle.csv, feedback/, summary.html`);
      return 0;
    }
    if (parsed.out) {
      const out = path.resolve(parsed.out);
      const run = await gradeClass(path.resolve(parsed.files[0] as string), out, parsed.opts, { jobs: parsed.jobs, ...(parsed.shard ? { shard: parsed.shard } : {}) });
      const notebooks = run.students.reduce((n, s) => n + s.notebooks.length, 0);
      console.log(`\n${run.students.length} student(s), ${notebooks} notebook(s): ${run.graded} graded, ${run.cached} unchanged since the last run, in ${run.seconds.toFixed(1)} s.`);
      console.log(`Written to ${out}: grades.json, gradebook.csv, gradebook-canvas.csv, gradebook-moodle.csv, feedback/, summary.html`);
      return 0;
    }
    grades = await gradeAll(parsed.files, parsed.opts);
  } catch (err) {
    if (!(err instanceof SandboxUnavailableError)) throw err;
    console.error(`✖ ${err.message}`);
    return 2;
  }
  const total = grades.reduce((s, g) => s + g.score, 0);
  const max = grades.reduce((s, g) => s + g.maxScore, 0);
  console.log(`\n${grades.length} notebook(s) graded: ${total}/${max} points in all.`);
  if (parsed.json) {
    const doc = { notebooks: grades.map((g) => ({ path: g.path, lesson: g.lesson, score: g.score, maxScore: g.maxScore, checks: g.checks, execution: g.execution ?? null, problems: g.problems, fileProblem: g.fileProblem ?? null, unchanged: g.unchanged ?? false })) };
    fs.writeFileSync(parsed.json, JSON.stringify(doc, null, 2) + "\n");
    console.log(`Results written to ${parsed.json}`);
  }
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`✖ the grader failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    },
  );
}

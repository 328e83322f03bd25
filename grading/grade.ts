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
import { callerPath, parseCommandLine, positiveNumber, runCommand, UsageError } from "../lib/runtime/command-line";


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

/** What the command line asks for: the notebooks (or folders) and the options, every path absolute. */
interface GradeArgs {
  files: string[];
  json?: string;
  out?: string;
  jobs?: number;
  shard?: Shard;
  merge?: boolean;
  opts: GradeOptions;
}

const GRADE_USAGE = "npm run grade -- [--json FILE] [--hidden DIR] [--no-execute] [--unsafe-no-sandbox] [--check-timeout S] [--cell-timeout S] [--notebook-timeout S] [--memory MB] <submitted.ipynb>...\n       npm run grade -- --out OUT [--jobs N] [--shard i/n] [same options] CLASS_DIR\n       npm run grade -- --merge --out OUT OUT_1 … OUT_n";

const GRADE_FLAGS = {
  json: { type: "string" },
  hidden: { type: "string" },
  out: { type: "string" },
  jobs: { type: "string" },
  shard: { type: "string" },
  merge: { type: "boolean" },
  "check-timeout": { type: "string" },
  "cell-timeout": { type: "string" },
  "notebook-timeout": { type: "string" },
  memory: { type: "string" },
  "no-execute": { type: "boolean" },
  "unsafe-no-sandbox": { type: "boolean" },
} as const;

/** Reads the command line; every path is resolved against the caller's folder. Throws UsageError. */
export function parseGradeArgs(argv: readonly string[]): GradeArgs {
  const { values: v, positionals } = parseCommandLine(argv, GRADE_FLAGS);
  const opts: GradeOptions = { ...DEFAULT_GRADE_OPTIONS };
  const files = positionals.map(callerPath);
  const json = v.json === undefined ? undefined : callerPath(v.json);
  const out = v.out === undefined ? undefined : callerPath(v.out);
  const jobs = positiveNumber("jobs", v.jobs);
  if (jobs !== undefined && !Number.isInteger(jobs)) throw new UsageError("--jobs needs a whole number");
  let shard: Shard | undefined;
  if (v.shard !== undefined) {
    try {
      shard = parseShard(v.shard);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const merge = v.merge ?? false;
  if (v.hidden !== undefined) opts.hiddenDir = callerPath(v.hidden);
  opts.checkTimeout = positiveNumber("check-timeout", v["check-timeout"]) ?? opts.checkTimeout;
  opts.cellTimeout = positiveNumber("cell-timeout", v["cell-timeout"]) ?? opts.cellTimeout;
  opts.notebookTimeout = positiveNumber("notebook-timeout", v["notebook-timeout"]) ?? opts.notebookTimeout;
  opts.memoryMb = positiveNumber("memory", v.memory) ?? opts.memoryMb;
  if (v["no-execute"]) opts.execute = false;
  if (v["unsafe-no-sandbox"]) opts.unsafeNoSandbox = true;
  if (merge) {
    if (!out) throw new UsageError("--merge needs --out OUT, the folder for the merged reports");
    if (shard) throw new UsageError("--merge takes the shards' output folders, not --shard");
    if (files.length === 0) throw new UsageError("--merge needs the shards' output folders (OUT_1 … OUT_n)");
    return { files, out, merge, opts };
  }
  if (shard && !out) throw new UsageError("--shard grades a share of a class folder: give --out OUT_i CLASS_DIR");
  if (files.length === 0) throw new UsageError(out ? "no class folder given" : "no notebooks given");
  if (out) {
    if (files.length !== 1 || !fs.existsSync(files[0] as string) || !fs.statSync(files[0] as string).isDirectory()) throw new UsageError(`--out grades one class folder: give exactly one folder (got ${files.join(" ")})`);
    if (json) throw new UsageError("--json is for single notebooks; with --out the results go to OUT/grades.json");
  } else {
    const dir = files.find((f) => fs.existsSync(f) && fs.statSync(f).isDirectory());
    if (dir) throw new UsageError(`${dir} is a folder: grade a class folder with --out OUT ${dir}`);
    if (jobs !== undefined) throw new UsageError("--jobs is for class folders (with --out)");
  }
  if (opts.hiddenDir && !fs.existsSync(opts.hiddenDir)) throw new UsageError(`hidden checks folder ${opts.hiddenDir} does not exist`);
  return { files, json, out, jobs, shard, merge, opts };
}

async function main(): Promise<number> {
  const parsed = parseGradeArgs(process.argv.slice(2));
  let grades: NotebookGrade[];
  try {
    if (parsed.merge && parsed.out) {
      const out = parsed.out;
      let run;
      try {
        run = mergeShards(parsed.files, out, parsed.opts.hiddenDir);
      } catch (err) {
        console.error(`✖ ${(err as Error).message}`);
        return 2;
      }
      console.log(`Merged ${parsed.files.length} shard(s): ${run.students.length} student(s). Written to ${out}: grades.json, gradebook.csv, gradebook-canvas.csv, gradebook-moodle.csv, feedback/, summary.html`);
      return 0;
    }
    if (parsed.out) {
      const out = parsed.out;
      const run = await gradeClass(parsed.files[0] as string, out, parsed.opts, { jobs: parsed.jobs, ...(parsed.shard ? { shard: parsed.shard } : {}) });
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
  runCommand(GRADE_USAGE, main).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`✖ the grader failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    },
  );
}

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
 * Options: --json FILE, --hidden DIR (instructor's hidden checks),
 *   --check-timeout S (60), --cell-timeout S (120), --notebook-timeout S (900),
 *   --memory MB (2048), --no-execute (skip step 2).
 */
import { fork, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findTestPython, jupyterEnv, writeKernelSpec, ROOT } from "../setup/jupyter";
import { exerciseCells, lessonSlugs, readSubmission, type Submission } from "./submission";
import { lessonChecks, type GradeRequest, type WorkerMessage } from "./worker";
import { writeNotebook } from "../tools/notebook";

// Plain-JS build helper shared with the kernel launcher and bootstrap.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require(path.join(ROOT, "setup", "build-lib.js")) as { ensureBuilt: (o: { quiet?: boolean }) => unknown };

/** One check's grade, as written to the JSON report. */
export interface CheckGrade {
  id: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  message: string;
}

/** How the notebook ran in a fresh kernel. */
export interface ExecutionReport {
  ran: boolean;
  seconds?: number;
  counts?: Record<string, number>;
  message: string;
}

/** One notebook's grade. */
export interface NotebookGrade {
  path: string;
  lesson: string | null;
  score: number;
  maxScore: number;
  checks: CheckGrade[];
  execution?: ExecutionReport;
  problems: string[];
}

/** Grader settings (seconds and megabytes). */
export interface GradeOptions {
  hiddenDir?: string;
  checkTimeout: number;
  cellTimeout: number;
  notebookTimeout: number;
  memoryMb: number;
  execute: boolean;
}

const WORKER = path.join(__dirname, "worker.js");

/** Every file under a folder, with its bytes (to detect and undo tampering). */
function snapshotTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(p, fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Restores files that changed or vanished since the snapshot; returns their names. */
function restoreTree(snapshot: Map<string, Buffer>): string[] {
  const changed: string[] = [];
  for (const [file, bytes] of snapshot) {
    const now = fs.existsSync(file) ? fs.readFileSync(file) : null;
    if (!now || !now.equals(bytes)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bytes);
      changed.push(path.relative(ROOT, file));
    }
  }
  return changed;
}

/** Scores one submission in isolated workers, restarting after hangs, exits and crashes. */
export async function scoreSubmission(sub: Submission, opts: GradeOptions, dataDir: string): Promise<CheckGrade[]> {
  const lesson = sub.lesson as string;
  const defs = lessonChecks(lesson, opts.hiddenDir);
  const names = [...new Set(defs.map((d) => (d as { fnName?: string }).fnName ?? d.id.split(".")[1] ?? ""))];
  let cells = exerciseCells(sub.notebook!, names);
  const grades = new Map<string, CheckGrade>();
  let remaining = defs.map((d) => d.id);

  for (let attempt = 0; remaining.length > 0 && attempt < defs.length + cells.length + 2; attempt++) {
    const outcome = await new Promise<{ stoppedIn: { kind: "cell"; index: number } | { kind: "check"; id: string } | null; reason: string }>((resolve) => {
      const child = fork(WORKER, [], {
        execArgv: [`--max-old-space-size=${opts.memoryMb}`],
        env: { ...process.env, COURSE_DATA_DIR: dataDir, COURSE_TF_BACKEND: process.env.COURSE_TF_BACKEND ?? "" },
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      });
      let stderr = "";
      child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      const pendingCells = cells.map((c) => c.index);
      let current: { kind: "cell"; index: number } | { kind: "check"; id: string } | null = pendingCells.length ? { kind: "cell", index: pendingCells[0] as number } : null;
      let timer: NodeJS.Timeout | null = null;
      let finished = false;
      let reason = "";
      const arm = (seconds: number, why: string): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          reason = why;
          child.kill("SIGKILL");
        }, seconds * 1000);
      };
      // Loading tfjs and the lesson takes a few seconds; cells have the vm's own limit plus slack.
      arm(opts.cellTimeout + 30, `did not finish within the time limit`);
      child.on("message", (m: WorkerMessage) => {
        if (m.type === "cell") {
          pendingCells.shift();
          current = pendingCells.length ? { kind: "cell", index: pendingCells[0] as number } : null;
          arm(opts.cellTimeout + 30, "did not finish within the time limit");
        } else if (m.type === "start") {
          current = { kind: "check", id: m.id };
          arm(opts.checkTimeout, `did not finish within ${opts.checkTimeout} s (an infinite loop?)`);
        } else if (m.type === "result") {
          const r = m.result;
          const firstFailure = r.cases.find((c) => !c.passed && c.message);
          const message = r.status === "not-completed" ? "not completed yet" : firstFailure ? `${r.message}; first: ${firstFailure.name}: ${firstFailure.message}` : r.message;
          grades.set(r.id, { id: r.id, points: r.points, maxPoints: r.maxPoints, passed: r.passed, message });
          remaining = remaining.filter((id) => id !== r.id);
          current = null;
          arm(opts.checkTimeout, "stopped between checks");
        } else if (m.type === "done") {
          finished = true;
        }
      });
      child.on("exit", (code, signal) => {
        if (timer) clearTimeout(timer);
        if (finished && code === 0) return resolve({ stoppedIn: null, reason: "" });
        const why = reason || (/heap out of memory|Allocation failed/i.test(stderr) ? "ran out of memory" : `stopped the grading process (exit ${code ?? signal})`);
        resolve({ stoppedIn: current, reason: why });
      });
      const req: GradeRequest = { lesson, cells, checks: remaining, hiddenDir: opts.hiddenDir, cellTimeoutMs: opts.cellTimeout * 1000 };
      child.send(req);
    });
    if (!outcome.stoppedIn) {
      // Finished: anything not reported had no definition (should not happen).
      break;
    }
    if (outcome.stoppedIn.kind === "check") {
      const id = outcome.stoppedIn.id;
      const def = defs.find((d) => d.id === id);
      grades.set(id, { id, points: 0, maxPoints: def?.points ?? 0, passed: false, message: `${id} ${outcome.reason}` });
      remaining = remaining.filter((x) => x !== id);
    } else {
      // The cell itself hung or killed the process: grade without it (its functions are then undefined).
      const bad = outcome.stoppedIn.index;
      cells = cells.filter((c) => c.index !== bad);
      sub.problems = [...(sub.problems ?? []), `cell ${bad + 1} ${outcome.reason} while being loaded for grading; its functions score 0`];
    }
  }
  return defs.map((d) => grades.get(d.id) ?? { id: d.id, points: 0, maxPoints: d.points, passed: false, message: "not graded (the grading process kept stopping)" });
}

/** Runs the submission top to bottom in a fresh kernel, with limits, and summarises how its cells ran. */
function executeSubmission(sub: Submission, opts: GradeOptions, workDir: string, n: number): ExecutionReport {
  const python = process.env.COURSE_TEST_PYTHON ?? findTestPython();
  if (!python) return { ran: false, message: "skipped: no Python with nbclient found" };
  // One level below the course root, like notebooks/, so its `../build/lib/…` imports resolve.
  const copy = path.join(workDir, `${n}-${path.basename(sub.path)}`);
  writeNotebook(copy, sub.notebook!);
  const out = `${copy}.json`;
  const started = Date.now();
  const r = spawnSync(python, [path.join(ROOT, "setup", "run_notebook.py"), copy, "--out", out, "--cell-timeout", String(opts.cellTimeout), "--kernel", "tslab"], {
    env: { ...jupyterEnv(), NODE_OPTIONS: `--max-old-space-size=${opts.memoryMb}`, COURSE_NO_REBUILD: "1" },
    timeout: opts.notebookTimeout * 1000,
    encoding: "utf8",
    killSignal: "SIGKILL",
  });
  const seconds = (Date.now() - started) / 1000;
  if (!fs.existsSync(out)) {
    const timedOut = r.error && /ETIMEDOUT/.test(String(r.error));
    return { ran: false, seconds, message: timedOut ? `did not finish within ${opts.notebookTimeout} s` : `could not run: ${(r.stderr || String(r.error)).slice(-300)}` };
  }
  const run = JSON.parse(fs.readFileSync(out, "utf8")) as { error: string | null; cells: { type: string; status: string }[] };
  const counts: Record<string, number> = {};
  for (const c of run.cells) if (c.type === "code") counts[c.status] = (counts[c.status] ?? 0) + 1;
  const parts = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(", ");
  return { ran: true, seconds, counts, message: `${parts}${run.error ? `; ${run.error}` : ""}` };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** Prints one notebook's table. */
function printGrade(g: NotebookGrade): void {
  console.log(`\n${path.relative(process.cwd(), g.path) || g.path}  (lesson ${g.lesson ?? "?"})`);
  for (const p of g.problems) console.log(`  ! ${p}`);
  if (g.checks.length) {
    const w = Math.max(5, ...g.checks.map((c) => c.id.length));
    console.log(`  ${pad("check", w)}  points  passed  message`);
    for (const c of g.checks) console.log(`  ${pad(c.id, w)}  ${pad(`${c.points}/${c.maxPoints}`, 6)}  ${pad(c.passed ? "yes" : "no", 6)}  ${c.message}`);
  }
  console.log(`  total ${g.score}/${g.maxScore}`);
  if (g.execution) console.log(`  execution in a fresh kernel: ${g.execution.message}${g.execution.seconds !== undefined ? ` (${g.execution.seconds.toFixed(1)} s)` : ""}`);
}

/** Grades every file; never throws for a bad submission. */
export async function gradeAll(files: string[], opts: GradeOptions): Promise<NotebookGrade[]> {
  writeKernelSpec();
  const build = ensureBuilt({ quiet: true }) as { ok: boolean; output: string };
  if (!build.ok) throw new Error(`the course library does not compile:\n${build.output}`);
  const slugs = lessonSlugs();
  const exerciseNames = Object.fromEntries(slugs.map((s) => [s, lessonChecks(s).map((d) => (d as { fnName?: string }).fnName ?? "")]));
  // Expected values are read from a private snapshot; data/ and build/lib are restored if a submission's code changes them.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "course-grade-"));
  const dataDir = path.join(tmp, "data");
  fs.cpSync(path.join(ROOT, "data"), dataDir, { recursive: true });
  const guarded = new Map([...snapshotTree(path.join(ROOT, "data")), ...snapshotTree(path.join(ROOT, "build", "lib"))]);
  const workDir = path.join(ROOT, ".grade-work");
  fs.mkdirSync(workDir, { recursive: true });
  const grades: NotebookGrade[] = [];
  try {
    for (const [n, file] of files.entries()) {
      const sub = readSubmission(path.resolve(file), exerciseNames);
      const grade: NotebookGrade = { path: file, lesson: sub.lesson, score: 0, maxScore: 0, checks: [], problems: [] };
      if (!sub.lesson || !sub.notebook) {
        grade.problems.push(sub.problem ?? "unreadable");
      } else {
        try {
          grade.checks = await scoreSubmission(sub, opts, dataDir);
        } catch (err) {
          grade.problems.push(`grading failed: ${(err as Error).message}`);
        }
        grade.problems.push(...(sub.problems ?? []));
        if (opts.execute) {
          grade.execution = executeSubmission(sub, opts, workDir, n);
          const restored = restoreTree(guarded);
          if (restored.length) grade.problems.push(`running this notebook modified course files (${restored.join(", ")}); they were restored`);
        }
      }
      if (grade.checks.length === 0 && grade.lesson) grade.checks = lessonChecks(grade.lesson, opts.hiddenDir).map((d) => ({ id: d.id, points: 0, maxPoints: d.points, passed: false, message: "not graded" }));
      grade.score = grade.checks.reduce((s, c) => s + c.points, 0);
      grade.maxScore = grade.checks.reduce((s, c) => s + c.maxPoints, 0);
      grades.push(grade);
      printGrade(grade);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return grades;
}

function parseArgs(argv: string[]): { files: string[]; json?: string; opts: GradeOptions } {
  const opts: GradeOptions = { checkTimeout: 60, cellTimeout: 120, notebookTimeout: 900, memoryMb: 2048, execute: true };
  const files: string[] = [];
  let json: string | undefined;
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
    else if (a === "--hidden") opts.hiddenDir = path.resolve(next());
    else if (a === "--check-timeout") opts.checkTimeout = num();
    else if (a === "--cell-timeout") opts.cellTimeout = num();
    else if (a === "--notebook-timeout") opts.notebookTimeout = num();
    else if (a === "--memory") opts.memoryMb = num();
    else if (a === "--no-execute") opts.execute = false;
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) throw new Error("no notebooks given");
  return { files, json, opts };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`✖ ${(err as Error).message}\nusage: npm run grade -- [--json FILE] [--hidden DIR] [--no-execute] [--check-timeout S] [--cell-timeout S] [--notebook-timeout S] [--memory MB] <submitted.ipynb>...`);
    return 2;
  }
  if (parsed.opts.hiddenDir && !fs.existsSync(parsed.opts.hiddenDir)) {
    console.error(`✖ hidden checks folder ${parsed.opts.hiddenDir} does not exist`);
    return 2;
  }
  const grades = await gradeAll(parsed.files, parsed.opts);
  const total = grades.reduce((s, g) => s + g.score, 0);
  const max = grades.reduce((s, g) => s + g.maxScore, 0);
  console.log(`\n${grades.length} notebook(s) graded: ${total}/${max} points in all.`);
  if (parsed.json) {
    const doc = { notebooks: grades.map((g) => ({ path: g.path, lesson: g.lesson, score: g.score, maxScore: g.maxScore, checks: g.checks, execution: g.execution ?? null, problems: g.problems })) };
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

/**
 * Grading one submitted notebook: score it (every check re-run on the
 * submission's graded functions, in isolated workers with limits) and, when
 * asked, execute it top to bottom in a fresh kernel for the execution report.
 * `gradeNotebook` never throws for a bad submission: problems are reported in
 * the grade.
 */
import { fork, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findTestPython, jupyterEnv, writeKernelSpec, ROOT } from "../setup/jupyter";
import { exerciseCells, lessonSlugs, readSubmission, type Submission } from "./submission";
import { lessonChecks, type GradeRequest, type WorkerMessage } from "./worker";
import { writeNotebook } from "../tools/notebook";
import type { CheckGrade, ExecutionReport, GradeOptions, NotebookGrade } from "./types";

// Plain-JS build helper shared with the kernel launcher and bootstrap.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require(path.join(ROOT, "setup", "build-lib.js")) as { ensureBuilt: (o: { quiet?: boolean }) => unknown };

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
export function executeSubmission(sub: Submission, opts: GradeOptions, workDir: string, n: number): ExecutionReport {
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

/** What grading a batch of notebooks shares: the built library, a snapshot of the expected values, a work folder. */
export interface GradingContext {
  dataDir: string;
  workDir: string;
  exerciseNames: Record<string, string[]>;
  guarded: Map<string, Buffer>;
  /** Removes the snapshot. */
  close(): void;
}

/** Builds the course library (once) and snapshots what a submission must not change. */
export function prepareGrading(): GradingContext {
  writeKernelSpec();
  const build = ensureBuilt({ quiet: true }) as { ok: boolean; output: string };
  if (!build.ok) throw new Error(`the course library does not compile:\n${build.output}`);
  const exerciseNames = Object.fromEntries(lessonSlugs().map((s) => [s, lessonChecks(s).map((d) => (d as { fnName?: string }).fnName ?? "")]));
  // Expected values are read from a private snapshot; data/ and build/lib are restored if a submission's code changes them.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "course-grade-"));
  const dataDir = path.join(tmp, "data");
  fs.cpSync(path.join(ROOT, "data"), dataDir, { recursive: true });
  const guarded = new Map([...snapshotTree(path.join(ROOT, "data")), ...snapshotTree(path.join(ROOT, "build", "lib"))]);
  const workDir = path.join(ROOT, ".grade-work");
  fs.mkdirSync(workDir, { recursive: true });
  return { dataDir, workDir, exerciseNames, guarded, close: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

/** Grades one notebook file; never throws for a bad submission. `n` makes its work files unique. */
export async function gradeNotebook(file: string, opts: GradeOptions, ctx: GradingContext, n: number): Promise<NotebookGrade> {
  const sub = readSubmission(path.resolve(file), ctx.exerciseNames);
  const grade: NotebookGrade = { path: file, lesson: sub.lesson, score: 0, maxScore: 0, checks: [], problems: [] };
  if (!sub.lesson || !sub.notebook) {
    grade.problems.push(sub.problem ?? "unreadable");
  } else {
    try {
      grade.checks = await scoreSubmission(sub, opts, ctx.dataDir);
    } catch (err) {
      grade.problems.push(`grading failed: ${(err as Error).message}`);
    }
    grade.problems.push(...(sub.problems ?? []));
    if (opts.execute) {
      grade.execution = executeSubmission(sub, opts, ctx.workDir, n);
      const restored = restoreTree(ctx.guarded);
      if (restored.length) grade.problems.push(`running this notebook modified course files (${restored.join(", ")}); they were restored`);
    }
  }
  if (grade.checks.length === 0 && grade.lesson) grade.checks = lessonChecks(grade.lesson, opts.hiddenDir).map((d) => ({ id: d.id, points: 0, maxPoints: d.points, passed: false, message: "not graded" }));
  grade.score = grade.checks.reduce((s, c) => s + c.points, 0);
  grade.maxScore = grade.checks.reduce((s, c) => s + c.maxPoints, 0);
  return grade;
}

/**
 * Grading one submitted notebook: score it and, when asked, execute it top to
 * bottom in a fresh kernel for the execution report. Every piece of submitted
 * code runs in the OS-level sandbox of grading/sandbox.ts:
 *  - scoring: a worker in the sandbox computes what the graded functions
 *    return for the checks' inputs (it never sees an expected value: its
 *    data/ has the inputs only); the grader judges those outputs here, outside
 *    (grading/judge.ts). Hidden checks run in a sandbox of their own and are
 *    reported as pass/fail with a generic message, so nothing the submission
 *    controls (its thrown messages, outputs, prints) carries their cases out;
 *  - the execution report: Jupyter and the course kernel run in a sandbox that
 *    sees the visible expected values but no solutions, hidden checks or other
 *    submissions.
 * `gradeNotebook` never throws for a bad submission: problems are reported in
 * the grade. It throws SandboxUnavailableError when the sandbox cannot run
 * (unless `--unsafe-no-sandbox`).
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findTestPython, jupyterEnv, warmCellCache, warmKernelCaches, warmKernelCodeCacheFor, writeKernelSpec, JUPYTER_DATA, KERNEL_NODE_FLAGS, ROOT } from "../setup/jupyter";
import { studentEdition } from "../setup/editions";
import { cellText, codeSources, readNotebook, writeNotebook, type Notebook } from "../setup/notebook";
import { unchangedFromHandout } from "./handout";
import { lessonSlugs, readSubmission, scoringCells, type CompileVerdicts, type ExerciseCell, type ScoringCells, type Submission } from "./submission";
import { checkCellIndexes, scoringOrder, type ScoringStep } from "./scoring-order";
import { lessonChecks, readHiddenChecks, type CheckRequest, type GradeRequest, type WorkerMessage } from "./worker";
import { workerCodeCacheFile } from "./worker-process";
import { judgeCheck, type CheckOutcome } from "./judge";
import { readAllQuizKeys } from "./quiz-key-file";
import type { QuizKey } from "../lib/checks";
import { withoutExpected, writeInputsOnly } from "./inputs";
import { ensureSandbox, killTree, sandboxBudgetMb, spawnSandboxed, warmerUid, SandboxUnavailableError, type SandboxHandle, type SandboxSpec } from "./sandbox";
import { CellWarmer, type WarmOutcome } from "./cell-warmer";
import { LineReader } from "./line-reader";
import { parseRunReport, type RunnerExit } from "./execution-report";
import type { CheckGrade, ExecutionReport, GradeOptions, NotebookGrade } from "./types";

export { SandboxUnavailableError };

// Plain-JS build helper shared with the kernel launcher and bootstrap.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require(path.join(ROOT, "setup", "build-lib.js")) as { ensureBuilt: (o: { quiet?: boolean }) => unknown };

/** The scoring worker's process (it loads worker.ts through the code cache). */
const WORKER = path.join(__dirname, "worker-process.js");
const MB = 1024 * 1024;
/** Most a scoring worker may print in all (its outputs are a few kB to a few MB). */
const WORKER_OUTPUT_LIMIT = 64 * MB;
/** Longest line of worker output read as a message (a check's outputs); longer lines are the submission's printing. */
const WORKER_MESSAGE_LIMIT = 16 * MB;
/** Most the execution report (run_notebook.py's JSON) may be. */
const REPORT_LIMIT = 16 * MB;
/** The grader's cell cache, in build/lib/cache/: the lessons' student editions, compiled (see warmLessonCells). */
const STUDENT_CELLS = "student-cells";
export const STUDENT_CELLS_DIR = path.join(ROOT, "build", "lib", "cache", STUDENT_CELLS);
/** Processes and threads one sandbox may have (node has ~12 threads, Jupyter + a kernel ~40). */
const PROCESSES = 256;
/** Private /tmp (and scratch) size of one sandbox, MB. */
const DISK_MB = 256;

/**
 * The kernel's own caches under build/lib/cache: compiled cells (the course's,
 * and the grader's student editions) and V8's code cache. Kernels write them
 * while grading runs (an instructor's, another grader's), so they are not
 * guarded: restoring them would only undo those writes, and report them as
 * the submission's. A sandboxed submission cannot write them (build/lib is
 * read-only there).
 */
const KERNEL_CACHES = new Set(["cells", STUDENT_CELLS, "v8"].map((d) => path.join(ROOT, "build", "lib", "cache", d)));

/** Every file under a folder, with its bytes (to detect and undo tampering), but the kernel's caches. */
function snapshotTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    if (!fs.existsSync(d) || KERNEL_CACHES.has(d)) return;
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

/** Environment inside a sandbox: nothing of the grader's but what the course needs. */
function sandboxEnv(extra: Record<string, string> = {}): Record<string, string> {
  // USER and LOGNAME: the sandbox's uid has no account, and Python's getpass asks these first.
  const env: Record<string, string> = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/tmp", LANG: "C.UTF-8", TMPDIR: "/tmp", USER: "student", LOGNAME: "student", ...extra };
  if (process.env.COURSE_TF_BACKEND) env.COURSE_TF_BACKEND = process.env.COURSE_TF_BACKEND;
  return env;
}

type StopPoint = ScoringStep | null;

/** Worker flags (and NODE_OPTIONS) whose code cache this process has written or found. */
const warmedWorkerFlags = new Set<string>();

/**
 * Writes V8's code cache of TypeScript's compiler and TensorFlow.js for
 * workers started with `flags` and `nodeOptions` in NODE_OPTIONS
 * (worker-process.ts), outside the sandbox, when it is missing: every
 * sandboxed worker then reads it. ~0.5 s once; never fatal (workers only
 * start slower without it).
 */
function warmWorkerCodeCache(flags: string[], nodeOptions: string): void {
  const key = `${flags.join(" ")}\0${nodeOptions}`;
  if (warmedWorkerFlags.has(key)) return;
  warmedWorkerFlags.add(key);
  if (fs.existsSync(workerCodeCacheFile(flags, nodeOptions))) return;
  spawnSync(process.execPath, [...flags, WORKER, "--warm-code-cache"], { stdio: "ignore", timeout: 60_000, env: { ...process.env, NODE_OPTIONS: nodeOptions } });
}

/** The largest memory budget of one of this grader's sandboxes (the execution report's: it has a scratch folder), MB. */
export function gradingBudgetMb(opts: GradeOptions): number {
  return sandboxBudgetMb({ memoryMb: opts.memoryMb, processes: PROCESSES, diskMb: DISK_MB }, 1);
}

/** Starts one scoring worker: in the sandbox, or (--unsafe-no-sandbox) as a plain child process. */
function startWorker(opts: GradeOptions, ctx: GradingContext): ChildProcess & { sandbox?: SandboxHandle } {
  const flags = [`--max-old-space-size=${opts.memoryMb}`];
  const node = [process.execPath, ...flags, WORKER];
  // A sandboxed worker's environment has no NODE_OPTIONS (sandboxEnv); an unsandboxed one inherits the grader's.
  warmWorkerCodeCache(flags, opts.unsafeNoSandbox ? process.env.NODE_OPTIONS ?? "" : "");
  if (opts.unsafeNoSandbox) {
    return spawn(node[0] as string, node.slice(1), {
      stdio: ["pipe", "pipe", "pipe"], detached: true,
      env: { ...process.env, COURSE_DATA_DIR: ctx.inputsDir, COURSE_TF_BACKEND: process.env.COURSE_TF_BACKEND ?? "" },
    });
  }
  const spec: SandboxSpec = { root: ROOT, dataDir: ctx.inputsDir, env: sandboxEnv(), cwd: "/tmp", limits: { memoryMb: opts.memoryMb, processes: PROCESSES, diskMb: DISK_MB } };
  return spawnSandboxed(node, spec);
}

/**
 * Runs the worker on these checks until each has an outcome, restarting it
 * after a hang, an exit, a crash or too much output (the cell or check it was
 * in then gets the blame). Cell problems go to `sub.problems` when `reportCells`.
 */
async function computeOutcomes(sub: Submission, given: ScoringCells & { compileChecked: boolean }, reqs: CheckRequest[], opts: GradeOptions, ctx: GradingContext, reportCells: boolean): Promise<{ outcomes: Map<string, CheckOutcome>; cells: ExerciseCell[] }> {
  const outcomes = new Map<string, CheckOutcome>();
  const wanted = new Set(reqs.map((r) => r.id));
  let remaining = reqs.map((r) => r.id);
  let cells = given.cells;
  const failed: { index: number; defines: string[]; message: string }[] = [];

  for (let attempt = 0; remaining.length > 0 && attempt < reqs.length + cells.length + 2; attempt++) {
    const checks = reqs.filter((r) => remaining.includes(r.id));
    // The order the worker runs cells and checks in (grading/scoring-order.ts): each step has its own limit.
    const steps = scoringOrder(cells, checks);
    const outcome = await new Promise<{ stoppedIn: StopPoint; reason: string; started?: boolean }>((resolve) => {
      const child = startWorker(opts, ctx);
      let stderr = "";
      let printed = 0;
      const lines = new LineReader(WORKER_MESSAGE_LIMIT);
      let next = 0; // the step the worker is in, or about to start
      // Nothing of the submission runs before "ready": a stop then is the grader's own problem.
      let current: StopPoint = null;
      let timer: NodeJS.Timeout | null = null;
      let finished = false;
      let ready = false;
      let reason = "";
      const stop = (why: string): void => {
        reason ||= why;
        killTree(child);
      };
      const arm = (seconds: number, why: string): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => stop(why), seconds * 1000);
      };
      const cellLimit = `did not finish within ${opts.cellTimeout} s`;
      // The next step starts: a cell has the cell limit; between a check's outputs and the next check, the check limit.
      const enter = (): void => {
        const step = steps[next];
        current = step?.kind === "cell" ? step : null;
        if (step?.kind === "cell") arm(opts.cellTimeout, cellLimit);
        else arm(opts.checkTimeout, "stopped between checks");
      };
      // Starting the sandbox and loading tfjs and the lesson take a few seconds; then each step has its limit.
      arm(opts.cellTimeout + 60, "did not start within the time limit");
      const stepOf = (match: (s: ScoringStep) => boolean): number => steps.findIndex((s, i) => i >= next && match(s));
      const onMessage = (m: WorkerMessage): void => {
        if (m.type === "ready" && !ready) {
          ready = true;
          enter();
        } else if (m.type === "cell" && ready) {
          const at = stepOf((s) => s.kind === "cell" && s.index === m.index);
          if (at < 0) return;
          next = at + 1;
          enter();
        } else if (m.type === "start" && remaining.includes(m.id)) {
          const at = stepOf((s) => s.kind === "check" && s.id === m.id);
          if (at >= 0) next = at;
          current = { kind: "check", id: m.id };
          arm(opts.checkTimeout, `did not finish within ${opts.checkTimeout} s (an infinite loop?)`);
        } else if ((m.type === "outputs" || m.type === "missing") && remaining.includes(m.id)) {
          // The first report for a check counts; anything the submission forges is at most other outputs.
          outcomes.set(m.id, m.type === "outputs"
            ? { kind: "outputs", outputs: Array.isArray(m.outputs) ? m.outputs : [] }
            : { kind: "missing", message: String(m.message).slice(0, 2000) });
          remaining = remaining.filter((id) => id !== m.id);
          const at = stepOf((s) => s.kind === "check" && s.id === m.id);
          if (at >= 0) next = at + 1;
          enter();
        } else if (m.type === "done") {
          finished = true;
        }
      };
      child.stdout?.on("data", (d: Buffer) => {
        printed += d.length;
        if (printed > WORKER_OUTPUT_LIMIT) return stop(`printed more than ${WORKER_OUTPUT_LIMIT / MB} MB`);
        for (const text of lines.push(d)) {
          let m: unknown;
          try {
            m = JSON.parse(text);
          } catch {
            continue; // something the submission printed
          }
          if (typeof m === "object" && m !== null && typeof (m as { type?: unknown }).type === "string") onMessage(m as WorkerMessage);
        }
      });
      child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child.stdin?.on("error", () => undefined); // the worker may die before reading its request
      child.on("exit", () => killTree(child)); // whatever it left behind (an unsandboxed run's children, a dying namespace)
      child.on("close", (code, signal) => {
        if (timer) clearTimeout(timer);
        if (finished && code === 0 && !reason) return resolve({ stoppedIn: null, reason: "" });
        // The sandbox's budget (its cgroup's record), else a process's own limit (V8's heap, RLIMIT_DATA: said on stderr only).
        const why = reason || (child.sandbox?.outOfMemory() || /out of memory|Allocation failed|ENOMEM/i.test(stderr) ? "ran out of memory" : `stopped the grading process (exit ${code ?? signal})`);
        resolve({ stoppedIn: current, reason: why, started: ready });
      });
      const req: GradeRequest = { lesson: sub.lesson as string, cells, context: given.context, compileChecked: given.compileChecked, checks, failed };
      child.stdin?.end(JSON.stringify(req));
    });
    if (!outcome.stoppedIn) {
      if (outcome.reason && !outcome.started && reportCells) sub.problems = [...(sub.problems ?? []), `the grading process did not start: ${outcome.reason}`];
      break;
    }
    if (outcome.stoppedIn.kind === "check") {
      const id = outcome.stoppedIn.id;
      outcomes.set(id, { kind: "stopped", message: `${id} ${outcome.reason}` });
      remaining = remaining.filter((x) => x !== id);
    } else {
      // The cell itself hung or killed the process: grade without it (its functions are then undefined).
      const bad = outcome.stoppedIn.index;
      failed.push({ index: bad, defines: cells.find((c) => c.index === bad)?.defines ?? [], message: outcome.reason });
      cells = cells.filter((c) => c.index !== bad);
      if (reportCells) sub.problems = [...(sub.problems ?? []), `cell ${bad + 1} ${outcome.reason} while being loaded for grading; its functions score 0`];
    }
  }
  for (const id of outcomes.keys()) if (!wanted.has(id)) outcomes.delete(id);
  return { outcomes, cells };
}

/** Scores one submission: outputs computed in the sandbox, judged here against the expected values. */
export async function scoreSubmission(sub: Submission, opts: GradeOptions, ctx: GradingContext, verdicts: CompileVerdicts = null): Promise<CheckGrade[]> {
  const lesson = sub.lesson as string;
  const nb = sub.notebook as NonNullable<Submission["notebook"]>;
  const defs = lessonChecks(lesson, opts.hiddenDir);
  const hidden = readHiddenChecks(lesson, opts.hiddenDir);
  // A visible check is computed where its check cell stands, as in the notebook (grading/scoring-order.ts).
  const at = checkCellIndexes(nb.cells.map((c) => ({ cell_type: c.cell_type, source: c.cell_type === "code" ? cellText(c) : "" })), defs.map((d) => d.id));
  const visibleReqs: CheckRequest[] = defs.filter((d) => !(d.id in hidden)).map((d) => (at.has(d.id) ? { id: d.id, at: at.get(d.id) as number } : { id: d.id }));
  const hiddenReqs: CheckRequest[] = Object.entries(hidden).map(([id, h]) => ({ id, hidden: { fn: h.fn, points: h.points, stored: withoutExpected(h) } }));
  const names = [...new Set(defs.map((d) => (d as { fnName?: string }).fnName ?? d.id.split(".")[1] ?? ""))];
  const given = { ...scoringCells(nb, names, verdicts), compileChecked: verdicts !== null };
  const visible = await computeOutcomes(sub, given, visibleReqs, opts, ctx, true);
  const outcomes = visible.outcomes;
  // Hidden cases go to a sandbox of their own: the visible run, whose messages are shown, never sees them.
  // It starts without the cells that already hung or crashed.
  if (hiddenReqs.length) for (const [id, o] of (await computeOutcomes(sub, { ...given, cells: visible.cells }, hiddenReqs, opts, ctx, false)).outcomes) outcomes.set(id, o);
  const grades: CheckGrade[] = [];
  for (const def of defs) {
    const r = await judgeCheck(def, outcomes.get(def.id), ctx.quizKeys[lesson]?.[def.id]);
    if (def.id in hidden) {
      grades.push({ id: r.id, points: r.points, maxPoints: r.maxPoints, passed: r.passed, hidden: true, message: r.passed ? "hidden check passed" : "hidden check failed (its cases are not shown)" });
      continue;
    }
    const firstFailure = r.cases.find((c) => !c.passed && !c.recorded && c.message);
    const message = r.status === "not-completed" ? "not completed yet" : firstFailure ? `${r.message}; first: ${firstFailure.name}: ${firstFailure.message}` : r.message;
    grades.push({ id: r.id, points: r.points, maxPoints: r.maxPoints, passed: r.passed, status: r.status, message, ...(r.cases.length ? { cases: r.cases } : {}) });
  }
  return grades;
}

/** Where a Python lives, when outside /usr (the sandbox then shows its prefix read-only). */
function pythonPrefix(python: string): string | null {
  const r = spawnSync(python, ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8", timeout: 20_000 });
  const prefix = r.stdout?.trim();
  return prefix && !prefix.startsWith("/usr") ? prefix : null;
}

/** The Python that runs execution reports, and its prefix; probed once per process (~1 s: it imports Jupyter's packages). */
let pythonFound: { python: string | null; prefix: string | null } | undefined;
function reportPython(): { python: string | null; prefix: string | null } {
  if (!pythonFound) {
    const python = process.env.COURSE_TEST_PYTHON ?? findTestPython();
    pythonFound = { python, prefix: python ? pythonPrefix(python) : null };
  }
  return pythonFound;
}

/** Runs the submission top to bottom in a fresh kernel, in the sandbox, with limits, and summarises how its cells ran. */
export function executeSubmission(sub: Submission, opts: GradeOptions, workDir: string, n: number, dataDir = path.join(ROOT, "data"), cellCache?: string): Promise<ExecutionReport> {
  const { python, prefix } = reportPython();
  if (!python) return Promise.resolve({ ran: false, reason: "no-python", message: "skipped: no Python with nbclient found" });
  if (opts.unsafeNoSandbox) return Promise.resolve(executeUnsandboxed(sub, opts, workDir, n, python));
  // The copy is shown read-only one level below the course root, like notebooks/, so its `../build/lib/…` imports resolve.
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), "course-exec-"));
  fs.chmodSync(hostDir, 0o755);
  const hostCopy = path.join(hostDir, "submission.ipynb");
  writeNotebook(hostCopy, sub.notebook!);
  fs.chmodSync(hostCopy, 0o644);
  const inside = path.join(ROOT, ".submission");
  const copy = path.join(inside, `${n}-${path.basename(sub.path).replace(/[^\w.-]/g, "_")}`);
  const spec: SandboxSpec = {
    root: ROOT, dataDir, files: { [hostCopy]: copy }, scratch: [inside], readOnly: prefix ? [prefix] : [], cellCache,
    env: sandboxEnv({
      JUPYTER_PATH: JUPYTER_DATA, JUPYTER_RUNTIME_DIR: "/tmp/jupyter-runtime", JUPYTER_CONFIG_DIR: "/tmp/jupyter-config", JUPYTER_DATA_DIR: "/tmp/jupyter-data",
      IPYTHONDIR: "/tmp/ipython", PYTHONDONTWRITEBYTECODE: "1", NODE_OPTIONS: kernelNodeOptions(opts), COURSE_NO_REBUILD: "1",
    }),
    cwd: inside,
    limits: { memoryMb: opts.memoryMb, processes: PROCESSES, diskMb: DISK_MB },
  };
  // The runner writes its report straight to fd 3, a pipe only it holds (no file the kernel could write, no shell
  // around it): see run_notebook.py's guard_report_fd and execution-report.ts for what makes a report count.
  const runner = [python, path.join(ROOT, "setup", "run_notebook.py"), copy, "--report-fd", "3", "--cell-timeout", String(Math.ceil(opts.cellTimeout)), "--kernel", "tslab"];
  const started = Date.now();
  return new Promise<ExecutionReport>((resolve) => {
    const child = spawnSandboxed(runner, spec, 1);
    let report = "";
    let size = 0;
    let stderr = "";
    let stopped: Pick<ExecutionReport, "reason" | "message"> | null = null;
    const timer = setTimeout(() => {
      stopped ??= { reason: "notebook-timeout", message: `did not finish within ${opts.notebookTimeout} s` };
      killTree(child);
    }, opts.notebookTimeout * 1000);
    const fd3 = child.stdio[3] as NodeJS.ReadableStream | undefined;
    fd3?.on("data", (d: Buffer) => {
      size += d.length;
      if (size > REPORT_LIMIT) {
        stopped ??= { reason: "report-too-large", message: "its report was too large" };
        killTree(child);
      } else report += d.toString("utf8");
    });
    child.stdout?.resume(); // whatever the kernel prints is drained, never kept
    child.on("exit", () => killTree(child));
    child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    // The runner is the sandbox's command (prlimit, setpriv and bwrap exec into one another; bwrap exits with the
    // runner's status, 128 + the signal when it was killed).
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      fs.rmSync(hostDir, { recursive: true, force: true });
      const seconds = (Date.now() - started) / 1000;
      if (!stopped && child.sandbox.outOfMemory()) stopped = { reason: "out-of-memory", message: "ran out of memory" };
      if (stopped) return resolve({ ran: false, seconds, ...stopped });
      resolve(summariseRun(report, { code, signal }, seconds, stderr));
    });
  });
}

/** The execution report from run_notebook.py's output and exit (untrusted: the notebook ran beside it). */
function summariseRun(text: string, exit: RunnerExit, seconds: number, stderr: string): ExecutionReport {
  return parseRunReport(text, exit, seconds, stderr);
}

/** The old way, with the instructor's rights (--unsafe-no-sandbox): only for notebooks you trust. */
function executeUnsandboxed(sub: Submission, opts: GradeOptions, workDir: string, n: number, python: string): ExecutionReport {
  const copy = path.join(workDir, `${n}-${path.basename(sub.path)}`);
  writeNotebook(copy, sub.notebook!);
  const started = Date.now();
  // The report on fd 3, as in the sandbox (there, guarding it matters; here the notebook has the grader's rights anyway).
  const r = spawnSync(python, [path.join(ROOT, "setup", "run_notebook.py"), copy, "--report-fd", "3", "--cell-timeout", String(opts.cellTimeout), "--kernel", "tslab"], {
    env: { ...jupyterEnv(), NODE_OPTIONS: kernelNodeOptions(opts), COURSE_NO_REBUILD: "1" },
    stdio: ["ignore", "ignore", "pipe", "pipe"],
    timeout: opts.notebookTimeout * 1000,
    encoding: "utf8",
    killSignal: "SIGKILL",
    maxBuffer: REPORT_LIMIT,
  });
  const seconds = (Date.now() - started) / 1000;
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ETIMEDOUT") return { ran: false, reason: "notebook-timeout", seconds, message: `did not finish within ${opts.notebookTimeout} s` };
  if (code === "ENOBUFS") return { ran: false, reason: "report-too-large", seconds, message: "its report was too large" };
  const report = String((r.output as (string | null)[] | null)?.[3] ?? "");
  return summariseRun(report, { code: r.status, signal: r.signal }, seconds, r.stderr ?? String(r.error ?? ""));
}

/** NODE_OPTIONS of the execution report's kernel: its memory limit. */
function kernelNodeOptions(opts: GradeOptions): string {
  return `--max-old-space-size=${opts.memoryMb}`;
}

/** Kernel flags whose code cache this process has made sure of. */
const warmedKernelOptions = new Set<string>();

/**
 * The execution report's kernel runs with its memory limit in NODE_OPTIONS,
 * and V8 rejects a code cache made under other flags: the kernel would compile
 * TypeScript's compiler and TensorFlow.js again in every sandbox (~0.4 s of a
 * core). Their cache for these flags is written here, outside, when missing.
 */
function warmKernelCode(opts: GradeOptions): void {
  const options = kernelNodeOptions(opts);
  if (warmedKernelOptions.has(options)) return;
  warmedKernelOptions.add(options);
  warmKernelCodeCacheFor(options);
}

/**
 * Fills the grader's cell cache (build/lib/cache/student-cells/) with the
 * lesson's student edition, compiled: a submission's cells that match it,
 * usually all but the exercises, are then not type-checked again in its
 * execution report. The student edition only: what the sandbox shows must hold
 * no solution (the course's own cache has them, compiled). Once per lesson and
 * grading run; the entries outlive the run (their key covers the library
 * build and the cell), so the next run finds them (~0.5 s instead of ~3 s).
 */
function warmLessonCells(ctx: GradingContext, slug: string): void {
  if (ctx.warmedCells.has(slug)) return;
  ctx.warmedCells.add(slug);
  const file = path.join(ROOT, "notebooks", `${slug}.ipynb`);
  if (!fs.existsSync(file)) return;
  const student = studentEdition(readNotebook(file), `notebooks/${slug}.ipynb`);
  warmCellCache([codeSources(student)], ctx.cellCacheDir);
  // Readable by the sandbox's own uid (whatever the umask). Another grader may be writing here: its
  // temporary files come and go, and one missing is no error.
  for (const f of fs.readdirSync(ctx.cellCacheDir)) {
    try {
      fs.chmodSync(path.join(ctx.cellCacheDir, f), 0o644);
    } catch {
      // renamed or removed meanwhile
    }
  }
}

/** Inside the cell warmer's sandbox: where its host folder (GradingContext.cellWarmsDir) is shown. */
const CELL_WARMS_INSIDE = "/tmp/cell-warms";
/** Longest the cell warmer may take over one notebook before it is stopped (it only compiles: ~0.1 s a new cell). */
const CELL_WARM_TIMEOUT_MS = 60_000;

/**
 * The context's cell warmer (grading/cell-warmer.ts), made on first use: its
 * server runs in a sandbox like the execution report's kernel (the course
 * read-only, the student editions' compiled cells, no data, no network), with
 * the kernel's flags and memory limit, and one folder it may write. Under
 * --unsafe-no-sandbox it runs as a plain process. It both compiles each
 * submission's cells for its kernel and says which cells the kernel refuses
 * to compile, which scoring then treats as the kernel does.
 */
export function cellWarmerOf(ctx: GradingContext, opts: GradeOptions): CellWarmer | null {
  if (!ctx.cellWarmsDir) return null;
  if (ctx.cellWarmer) return ctx.cellWarmer;
  const host = ctx.cellWarmsDir;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const notebooks = path.join(ROOT, "notebooks");
  const command = [process.execPath, ...KERNEL_NODE_FLAGS, path.join(ROOT, "setup", "kernel.js"), "--serve-cell-warms", notebooks];
  try {
    fs.mkdirSync(host, { recursive: true, mode: 0o755 });
    // The warmer's uid writes the submissions' folders here (0755 and 0644: the kernels' uid reads them; the grader removes them).
    if (root && !opts.unsafeNoSandbox) fs.chownSync(host, warmerUid(), warmerUid());
  } catch {
    ctx.cellWarmsDir = null; // no warmer: kernels compile for themselves
    return null;
  }
  if (opts.unsafeNoSandbox) {
    const spawnPlain = (): ChildProcess => spawn(command[0] as string, command.slice(1), {
      stdio: ["pipe", "pipe", "pipe"], detached: true, cwd: notebooks,
      env: { ...process.env, NODE_OPTIONS: kernelNodeOptions(opts), COURSE_NO_REBUILD: "1", COURSE_CELL_CACHE_DIR: ctx.cellCacheDir },
    });
    ctx.cellWarmer = new CellWarmer(spawnPlain, host, host, CELL_WARM_TIMEOUT_MS);
    return ctx.cellWarmer;
  }
  const spec: SandboxSpec = {
    root: ROOT, dataDir: null, cellCache: ctx.cellCacheDir, writable: { [host]: CELL_WARMS_INSIDE },
    env: sandboxEnv({ NODE_OPTIONS: kernelNodeOptions(opts), COURSE_NO_REBUILD: "1" }),
    cwd: notebooks,
    limits: { memoryMb: opts.memoryMb, processes: PROCESSES, diskMb: DISK_MB },
    ...(root ? { uid: warmerUid() } : {}),
  };
  ctx.cellWarmer = new CellWarmer(() => spawnSandboxed(command, spec), host, CELL_WARMS_INSIDE, CELL_WARM_TIMEOUT_MS);
  return ctx.cellWarmer;
}

/**
 * How the course kernel compiles each code cell of the notebook, by cell
 * index (its errors; [] when it compiles), from the warm; null when the warm
 * failed.
 */
function compileVerdicts(nb: Notebook, warm: WarmOutcome | null): CompileVerdicts {
  if (!warm?.errors) return null;
  const verdicts = new Map<number, string[]>();
  let k = 0;
  nb.cells.forEach((c, index) => {
    if (c.cell_type !== "code") return;
    verdicts.set(index, warm.errors?.[k++] ?? []);
  });
  return verdicts;
}

/** What grading a batch of notebooks shares: the built library, snapshots of the data, a work folder. */
export interface GradingContext {
  /** Snapshot of data/ (what the execution report's sandbox sees). */
  dataDir: string;
  /** data/ with the check inputs only, no expected values (what the scoring sandbox sees). */
  inputsDir: string;
  /**
   * The graded quiz keys by lesson and check id (grading/quiz-keys/, read when
   * grading starts; no sandbox ever sees them). Empty where they are absent (a
   * student release): quiz answers are then "recorded", not judged.
   */
  quizKeys: Record<string, Record<string, QuizKey>>;
  workDir: string;
  exerciseNames: Record<string, string[]>;
  guarded: Map<string, Buffer>;
  /** Why the sandbox cannot run here, or null when it can. */
  sandboxProblem: string | null;
  /** The kernel's cell cache shown to the execution report's sandbox: compiled student editions only (build/lib/cache/student-cells/). */
  cellCacheDir: string;
  /** Lessons whose student edition is in it (warmLessonCells). */
  warmedCells: Set<string>;
  /**
   * Compiles each submission's cells as the course kernel would, in one
   * sandboxed process kept for the whole run (grading/cell-warmer.ts): which
   * cells the kernel refuses (for scoring), and the compiled cells its
   * execution report's kernel finds. Made on first use; null until then.
   */
  cellWarmer: CellWarmer | null;
  /** Where the cell warmer is given its folders (made when it first starts); null: it could not be made. */
  cellWarmsDir: string | null;
  /** Removes the snapshots. */
  close(): void;
}

/**
 * Builds the course library (once), makes sure the sandbox runs (installing
 * bubblewrap when root on Debian) and snapshots the data. Throws
 * SandboxUnavailableError when the sandbox cannot run, unless `unsafeNoSandbox`.
 */
export function prepareGrading(options: { unsafeNoSandbox?: boolean } = {}): GradingContext {
  const sandboxProblem = options.unsafeNoSandbox ? "not checked (--unsafe-no-sandbox)" : ensureSandbox();
  if (sandboxProblem && !options.unsafeNoSandbox) throw new SandboxUnavailableError(sandboxProblem);
  writeKernelSpec();
  const build = ensureBuilt({ quiet: true }) as { ok: boolean; output: string };
  if (!build.ok) throw new Error(`the course library does not compile:\n${build.output}`);
  // Before the data snapshot: sandboxed kernels cannot write build/lib/cache, so it is filled here.
  warmKernelCaches();
  const exerciseNames = Object.fromEntries(lessonSlugs().map((s) => [s, lessonChecks(s).map((d) => (d as { fnName?: string }).fnName ?? "")]));
  // Expected values are read from a private snapshot; data/ and build/lib are restored if an unsandboxed run changes them.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "course-grade-"));
  fs.chmodSync(tmp, 0o755); // the sandbox runs as a uid of its own and must read the snapshots
  const dataDir = path.join(tmp, "data");
  fs.cpSync(path.join(ROOT, "data"), dataDir, { recursive: true });
  const inputsDir = path.join(tmp, "inputs");
  writeInputsOnly(dataDir, inputsDir);
  const quizKeys = readAllQuizKeys(lessonSlugs());
  const guarded = new Map([...snapshotTree(path.join(ROOT, "data")), ...snapshotTree(path.join(ROOT, "build", "lib"))]);
  const workDir = path.join(ROOT, ".grade-work");
  fs.mkdirSync(workDir, { recursive: true });
  const cellCacheDir = STUDENT_CELLS_DIR;
  fs.mkdirSync(cellCacheDir, { recursive: true, mode: 0o755 });
  const cellWarmsDir = path.join(tmp, "cell-warms");
  const ctx: GradingContext = {
    dataDir, inputsDir, quizKeys, workDir, exerciseNames, guarded, sandboxProblem, cellCacheDir, warmedCells: new Set(), cellWarmer: null, cellWarmsDir,
    close: () => {
      ctx.cellWarmer?.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  return ctx;
}

/** Grades one notebook file; never throws for a bad submission. `n` makes its work files unique. */
export async function gradeNotebook(file: string, opts: GradeOptions, ctx: GradingContext, n: number): Promise<NotebookGrade> {
  if (ctx.sandboxProblem && !opts.unsafeNoSandbox) throw new SandboxUnavailableError(ctx.sandboxProblem);
  const sub = readSubmission(path.resolve(file), ctx.exerciseNames);
  const grade: NotebookGrade = { path: file, lesson: sub.lesson, score: 0, maxScore: 0, checks: [], problems: [] };
  if (!sub.lesson || !sub.notebook) {
    grade.problems.push(sub.problem ?? "unreadable");
    if (sub.fileProblem) grade.fileProblem = sub.fileProblem;
  } else {
    if (unchangedFromHandout(sub.notebook, sub.lesson)) grade.unchanged = true;
    // The kernel's compile of every code cell (in the cell warmer): which cells it refuses, for scoring,
    // and the compiled cells its execution report's kernel then finds (null: the warm failed).
    warmLessonCells(ctx, sub.lesson);
    const warmer = cellWarmerOf(ctx, opts);
    const warm = warmer ? await warmer.warm(codeSources(sub.notebook), String(n)) : null;
    try {
      if (!warm?.errors) grade.problems.push(`type errors were not checked (the course kernel's compile could not be run: ${warm?.problem || "no cell warmer"}); cells with syntax errors still define nothing`);
      try {
        grade.checks = await scoreSubmission(sub, opts, ctx, compileVerdicts(sub.notebook, warm));
      } catch (err) {
        grade.problems.push(`grading failed: ${(err as Error).message}`);
      }
      grade.problems.push(...(sub.problems ?? []));
      // A check that hung while scoring hangs the notebook at the same cell: running it would only spend
      // the cell limit (minutes of a core) to report what the check already says.
      const stuck = grade.checks.find((c) => !c.hidden && /did not finish within/.test(c.message));
      if (opts.execute && stuck) {
        grade.execution = { ran: false, message: `not run: ${stuck.id} did not finish while being scored, so the notebook would stop at its check cell` };
      } else if (opts.execute) {
        warmKernelCode(opts);
        grade.execution = await executeSubmission(sub, opts, ctx.workDir, n, ctx.dataDir, warm?.dir ?? ctx.cellCacheDir);
        const restored = restoreTree(ctx.guarded);
        if (restored.length) grade.problems.push(`running this notebook modified course files (${restored.join(", ")}); they were restored`);
      }
    } finally {
      warmer?.release(warm?.dir ?? null);
    }
  }
  if (grade.checks.length === 0 && grade.lesson) grade.checks = lessonChecks(grade.lesson, opts.hiddenDir).map((d) => ({ id: d.id, points: 0, maxPoints: d.points, passed: false, message: "not graded" }));
  grade.score = grade.checks.reduce((s, c) => s + c.points, 0);
  grade.maxScore = grade.checks.reduce((s, c) => s + c.maxPoints, 0);
  const recorded = grade.checks.filter((c) => c.status === "recorded").reduce((s, c) => s + c.maxPoints, 0);
  if (recorded > 0) grade.recordedPoints = recorded;
  return grade;
}

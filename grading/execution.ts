/**
 * The execution report: the submission run top to bottom in a fresh course
 * kernel, through Jupyter, in the sandbox (or, with --unsafe-no-sandbox, with
 * the grader's rights), with a time limit per cell and per notebook. Its
 * runner (setup/run_notebook.py) writes the report to a pipe the kernel cannot
 * reach, and grading/execution-report.ts accepts it only whole. Informational:
 * points come from scoring only.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findTestPython, jupyterEnv, warmKernelCodeCacheFor, JUPYTER_DATA, ROOT } from "../setup/jupyter";
import { writeNotebook } from "../setup/notebook";
import type { Submission } from "./submission";
import { killTree, spawnSandboxed } from "./sandbox";
import { type SandboxSpec } from "./sandbox-command";
import { parseRunReport, type RunnerExit } from "./execution-report";
import { DISK_MB, PROCESSES, sandboxEnv } from "./grading-context";
import type { ExecutionReport, GradeOptions } from "./types";

const MB = 1024 * 1024;
/** Most the execution report (run_notebook.py's JSON) may be. */
const REPORT_LIMIT = 16 * MB;

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
export function kernelNodeOptions(opts: GradeOptions): string {
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
export function warmKernelCode(opts: GradeOptions): void {
  const options = kernelNodeOptions(opts);
  if (warmedKernelOptions.has(options)) return;
  warmedKernelOptions.add(options);
  warmKernelCodeCacheFor(options);
}

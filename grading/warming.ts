/**
 * What the grader compiles before it runs a submission: the lesson's student
 * edition into the grader's cell cache (build/lib/cache/student-cells/), and
 * each submission's own cells in the cell warmer (grading/cell-warmer.ts), a
 * sandboxed process per grading job that compiles as the course kernel does.
 * Its answer is both the compiled cells the execution report's kernel finds
 * and the kernel's verdict on each cell, which scoring follows.
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { warmCellCache, KERNEL_NODE_FLAGS, ROOT } from "../setup/jupyter";
import { studentEdition } from "../setup/editions";
import { codeSources, readNotebook, type Notebook } from "../setup/notebook";
import type { CompileVerdicts } from "./submission";
import { spawnSandboxed } from "./sandbox";
import { type SandboxSpec } from "./sandbox-command";
import { sandboxBudgetMb, warmerUid } from "./sandbox-limits";
import { CellWarmer, type WarmOutcome } from "./cell-warmer";
import { kernelNodeOptions } from "./execution";
import { DISK_MB, gradingBudgetMb, PROCESSES, sandboxEnv, type GradingContext } from "./grading-context";
import type { GradeOptions } from "./types";

/**
 * The cell warmer's JS heap, MB: it only compiles (TypeScript's program for the
 * lib, TensorFlow.js and the course, ~300 MB), so it gets less than a kernel.
 */
const WARMER_HEAP_MB = 1024;

/** The cell warmer's limits: a budget of its own, smaller than a sandbox's. */
function warmerLimits(opts: GradeOptions): { memoryMb: number; processes: number; diskMb: number } {
  return { memoryMb: Math.min(opts.memoryMb, WARMER_HEAP_MB), processes: PROCESSES, diskMb: DISK_MB };
}

/**
 * What one grading job may hold at once, MB: the sandbox it runs (one at a
 * time) and its cell warmer, each at its budget. A run of `jobs` jobs holds at
 * most jobs × this.
 */
export function jobBudgetMb(opts: GradeOptions): number {
  return gradingBudgetMb(opts) + sandboxBudgetMb(warmerLimits(opts), 0);
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
export function warmLessonCells(ctx: GradingContext, slug: string): void {
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
    // The kernel's NODE_OPTIONS (V8's code cache is keyed by them); its budget is the smaller one below.
    env: sandboxEnv({ NODE_OPTIONS: kernelNodeOptions(opts), COURSE_NO_REBUILD: "1" }),
    cwd: notebooks,
    limits: warmerLimits(opts),
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
export function compileVerdicts(nb: Notebook, warm: WarmOutcome | null): CompileVerdicts {
  if (!warm?.errors) return null;
  const verdicts = new Map<number, string[]>();
  let k = 0;
  nb.cells.forEach((c, index) => {
    if (c.cell_type !== "code") return;
    verdicts.set(index, warm.errors?.[k++] ?? []);
  });
  return verdicts;
}

/**
 * Grading many notebooks: a pool of `jobs` grading processes
 * (grading/grade-child.ts), and a cache so that a re-run grades only what
 * changed. A grade is cached in OUT/.cache/ under a hash of the submission
 * file (bytes and name), the course version (every file of the rooms on the
 * grading path: lib/, kernel/, editions/, grading/, data/expected/; the locked
 * dependencies; hidden checks) and the grading options; an unchanged
 * submission is read back instead of graded again, and an interrupted run
 * resumes where it stopped.
 */
import { createHash } from "crypto";
import { fork, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import type { ChildMessage, ChildRequest } from "./grade-child";
import { ensureSandbox, noteMemoryControl, SandboxUnavailableError } from "./sandbox";
import { readSubmittedFile } from "./submitted-file";
import { openRunGroup, RUN_GROUP_ENV, type MemoryLimitKind } from "./cgroup";
import { gradingBudgetMb } from "./grading-context";
import { jobBudgetMb } from "./warming";
import type { GradeOptions, NotebookGrade } from "./types";

const CHILD = path.join(__dirname, "grade-child.js");

/**
 * The rooms on the grading path, hashed whole (every file, whatever its kind):
 * the course library, the kernel (launcher, hooks, notebook runner), the
 * notebook format and student editions, the grader (its quiz keys included)
 * and the expected values. A file added to one of them is in the key without
 * anyone listing it, so no edit on the grading path leaves stale grades cached.
 */
const GRADING_PATH = ["lib", "kernel", "editions", "grading", "data/expected", "package-lock.json"];

/**
 * grading/ modules that only turn grades into reports: changing them must not
 * regrade a class (executing a hundred notebooks takes many minutes). Nor do
 * READMEs, installed packages or Python's byte-code.
 */
const REPORT_ONLY = new Set(["class-folder.ts", "class-grade.ts", "class-run.ts", "gradebook.ts", "feedback.ts", "summary.ts", "grade.ts", "student-id.ts"].map((f) => `grading/${f}`));
const NEVER_HASHED = new Set(["node_modules", "__pycache__", ".ipynb_checkpoints"]);

/** Hashes every file under `dir` (or `dir` itself) but those `skip` refuses, each with its path relative to `root`. */
function hashTree(h: ReturnType<typeof createHash>, root: string, dir: string, skip: (rel: string) => boolean): void {
  if (!fs.existsSync(dir)) return;
  const rel = path.relative(root, dir).split(path.sep).join("/");
  if (fs.statSync(dir).isFile()) {
    if (!skip(rel)) h.update(`${rel}\u0000`).update(fs.readFileSync(dir)).update("\u0001");
    return;
  }
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (NEVER_HASHED.has(e.name)) continue;
    if (e.isDirectory() || e.isFile()) hashTree(h, root, path.join(dir, e.name), skip);
  }
}

/** A hash of everything in the course at `root` that can change a notebook's grade. */
export function courseVersion(hiddenDir?: string, root = ROOT): string {
  const h = createHash("sha256");
  const skip = (rel: string): boolean => REPORT_ONLY.has(rel) || rel.endsWith(".md");
  for (const room of GRADING_PATH) hashTree(h, root, path.join(root, room), skip);
  if (hiddenDir) hashTree(h, root, hiddenDir, () => false);
  return h.digest("hex");
}

/** The cache key of one submission under a course version and options; throws when the file is not read (grading/submitted-file.ts). */
export function cacheKey(file: string, version: string, opts: GradeOptions): string {
  const read = readSubmittedFile(file);
  if (!read.ok) throw new Error(read.problem.message);
  const h = createHash("sha256");
  // The name counts too: it can decide which lesson a notebook is for.
  h.update(path.basename(file)).update("\u0000").update(read.bytes).update("\u0000").update(version).update("\u0000");
  const { hiddenDir, ...rest } = opts;
  // The hidden checks' contents are in the course version; here only whether they are used.
  h.update(JSON.stringify(Object.entries({ ...rest, hidden: !!hiddenDir }).sort()));
  return h.digest("hex").slice(0, 32);
}

/** A grade worth keeping: not one the grader could not produce (those are retried next run). */
function cacheable(g: NotebookGrade): boolean {
  return !g.gradingFailed;
}

/** Settings of a pool run. */
export interface PoolOptions {
  /** Parallel grading processes (default: the number of cores). */
  jobs?: number;
  /** Where grades are cached; no caching when absent. */
  cacheDir?: string;
  /** Called as each notebook is done (from the cache or graded). */
  onGrade?: (g: NotebookGrade, info: { index: number; cached: boolean; seconds: number }) => void;
}

/** What a pool run did. */
interface PoolResult {
  /** One grade per input file, in input order. */
  grades: NotebookGrade[];
  graded: number;
  cached: number;
  /** The files graded in this run (not read from the cache). */
  gradedFiles: string[];
  /** How many of those were byte-identical to another one and took its grade. */
  identical: number;
  seconds: number;
  memory: RunMemory;
}

/** How the run's sandboxes were limited in memory, and what they used. */
export interface RunMemory {
  /** How each sandbox's budget was enforced ("none": per-process RLIMITs only). */
  limit: MemoryLimitKind;
  /** Why each sandbox's memory is not limited as a whole (null when it is), for people. */
  notLimited: string | null;
  /** One sandbox's budget, MB (the largest: an execution report's). */
  budgetMb: number;
  /** One job's: the sandbox it runs and its cell warmer, each at its budget, MB. The run holds at most jobs × this. */
  jobBudgetMb: number;
  /** Parallel grading processes: each runs one sandbox at a time, plus its cell warmer's. */
  jobs: number;
  /** The most memory all of the run's sandboxes held at once, MB (null when not measured: no cgroup, or nothing graded). */
  peakMb: number | null;
}

/** The number of parallel grading processes when none is asked for. */
export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/** Grades files in parallel processes, reusing cached grades; never throws for a bad submission. */
export async function gradeFiles(files: string[], opts: GradeOptions, pool: PoolOptions = {}): Promise<PoolResult> {
  const started = Date.now();
  // Submitted code runs only in the sandbox: stop before any child starts if it cannot run.
  const sandboxProblem = opts.unsafeNoSandbox ? null : ensureSandbox();
  if (sandboxProblem) throw new SandboxUnavailableError(sandboxProblem);
  const grades: (NotebookGrade | undefined)[] = new Array(files.length);
  const keys: (string | null)[] = files.map(() => null);
  let cached = 0;
  const fromCache = new Set<number>();
  if (pool.cacheDir) {
    fs.mkdirSync(pool.cacheDir, { recursive: true });
    const version = courseVersion(opts.hiddenDir);
    files.forEach((file, i) => {
      try {
        keys[i] = cacheKey(file, version, opts);
      } catch {
        keys[i] = null; // unreadable: graded (and reported) below, never cached
      }
      const hit = keys[i] && path.join(pool.cacheDir as string, `${keys[i]}.json`);
      if (hit && fs.existsSync(hit)) {
        try {
          const g = JSON.parse(fs.readFileSync(hit, "utf8")) as NotebookGrade;
          grades[i] = { ...g, path: file };
          cached++;
          fromCache.add(i);
          pool.onGrade?.(grades[i] as NotebookGrade, { index: i, cached: true, seconds: 0 });
        } catch {
          // A torn cache file: grade again.
        }
      }
    });
  }
  // Byte-identical submissions (same name and options: e.g. untouched student editions) are graded once.
  const sameAs = new Map<number, number[]>();
  const firstWithKey = new Map<string, number>();
  const queue = files.map((_, i) => i).filter((i) => {
    if (grades[i]) return false;
    const key = keys[i];
    const first = key ? firstWithKey.get(key) : undefined;
    if (first === undefined) {
      if (key) firstWithKey.set(key, i);
      return true;
    }
    sameAs.set(first, [...(sameAs.get(first) ?? []), i]);
    return false;
  });
  const jobs = Math.max(1, Math.min(pool.jobs ?? defaultJobs(), queue.length));
  // One run group holds every sandbox of this batch (grading/cgroup.ts): its peak is the batch's peak.
  const control = opts.unsafeNoSandbox ? null : noteMemoryControl();
  const runGroup = control && queue.length && control.kind.startsWith("cgroup") ? openRunGroup() : null;
  const childEnv = runGroup ? { ...process.env, [RUN_GROUP_ENV]: runGroup.name } : process.env;
  // Each child keeps one cell warmer (grading/cell-warmer.ts) for all its notebooks: its TypeScript
  // program is built once per child instead of once per notebook.
  const childArgs = opts.unsafeNoSandbox ? ["--unsafe-no-sandbox"] : [];
  // `n` names each notebook's work files; the pid keeps concurrent runs apart.
  const workId = (i: number): number => process.pid * 100_000 + i;

  const store = (i: number, g: NotebookGrade, seconds: number): void => {
    grades[i] = g;
    const key = keys[i];
    if (pool.cacheDir && key && cacheable(g)) {
      const file = path.join(pool.cacheDir, `${key}.json`);
      // Written whole then renamed, so an interrupted run never leaves a torn entry.
      fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(g));
      fs.renameSync(`${file}.${process.pid}.tmp`, file);
    }
    pool.onGrade?.(g, { index: i, cached: false, seconds });
    for (const j of sameAs.get(i) ?? []) {
      grades[j] = { ...g, path: files[j] as string };
      pool.onGrade?.(grades[j] as NotebookGrade, { index: j, cached: false, seconds: 0 });
    }
  };

  const runChild = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let child: ChildProcess;
      let current: number | null = null;
      let ready = false;
      const next = (): void => {
        const i = queue.shift();
        if (i === undefined) {
          current = null;
          child.send({ type: "close" } satisfies ChildRequest);
          return;
        }
        current = i;
        child.send({ type: "grade", n: workId(i), file: files[i] as string, opts } satisfies ChildRequest);
      };
      const start = (): void => {
        ready = false;
        child = fork(CHILD, childArgs, { stdio: ["ignore", "inherit", "inherit", "ipc"], env: childEnv });
        child.on("message", (m: ChildMessage) => {
          if (m.type === "ready") {
            ready = true;
            next();
          } else if (m.type === "graded") {
            store(m.n - process.pid * 100_000, m.grade, m.seconds);
            next();
          } else if (m.type === "failed") {
            reject(new Error(`a grading process could not start: ${m.message}`));
          }
        });
        child.on("exit", (code, signal) => {
          if (current === null && (ready || code === 0)) return resolve();
          if (!ready) return reject(new Error(`a grading process stopped before it was ready (exit ${code ?? signal})`));
          // It died while grading a notebook: report that notebook, carry on with a fresh process.
          const i = current as number;
          store(i, { path: files[i] as string, lesson: null, score: 0, maxScore: 0, checks: [], problems: [`the grading process stopped unexpectedly (exit ${code ?? signal}) while grading this notebook; grade it again`], gradingFailed: true }, 0);
          current = null;
          if (queue.length) start();
          else resolve();
        });
      };
      start();
    });

  let peakBytes: number | null = null;
  try {
    await Promise.all(Array.from({ length: queue.length ? jobs : 0 }, runChild));
  } finally {
    peakBytes = runGroup?.peakBytes() ?? null;
    runGroup?.close();
  }
  const notLimited = !control ? "not sandboxed (--unsafe-no-sandbox)" : control.kind === "none" ? control.reason : null;
  const memory: RunMemory = {
    limit: control?.kind ?? "none", notLimited, budgetMb: gradingBudgetMb(opts), jobBudgetMb: jobBudgetMb(opts), jobs,
    peakMb: peakBytes === null ? null : Math.round(peakBytes / (1024 * 1024)),
  };
  return { memory, grades: grades as NotebookGrade[], graded: files.length - cached, cached, gradedFiles: files.filter((_, i) => !fromCache.has(i)), identical: [...sameAs.values()].reduce((t, xs) => t + xs.length, 0), seconds: (Date.now() - started) / 1000 };
}

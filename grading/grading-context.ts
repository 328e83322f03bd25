/**
 * What grading a batch of notebooks shares, and the limits every sandbox of
 * it gets: the built course, the data snapshots each sandbox is shown (the
 * scoring sandbox's has inputs only), the tamper guard over data/ and
 * build/lib (snapshot and restore), the quiz keys (read here, outside every
 * sandbox), and the environment inside a sandbox. Made once per grading
 * process by `prepareGrading`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { warmKernelCaches, writeKernelSpec, ROOT } from "../setup/jupyter";
import { exerciseNames } from "./check-catalogue";
import { readAllQuizKeys } from "./quiz-key-file";
import type { QuizKey } from "../lib/checks";
import { writeInputsOnly } from "./inputs";
import { ensureSandbox, SandboxUnavailableError } from "./sandbox";
import { sandboxBudgetMb } from "./sandbox-limits";
import type { CellWarmer } from "./cell-warmer";
import { lessonSlugs } from "./submission";
import type { GradeOptions } from "./types";

// Plain-JS build helper shared with the kernel launcher and bootstrap.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require(path.join(ROOT, "setup", "build-lib.js")) as typeof import("../setup/build-lib");

/** The grader's cell cache, in build/lib/cache/: the lessons' student editions, compiled (see warmLessonCells). */
const STUDENT_CELLS = "student-cells";
export const STUDENT_CELLS_DIR = path.join(ROOT, "build", "lib", "cache", STUDENT_CELLS);

/** Processes and threads one sandbox may have (node has ~12 threads, Jupyter + a kernel ~40). */
export const PROCESSES = 256;
/** Private /tmp (and scratch) size of one sandbox, MB. */
export const DISK_MB = 256;

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
export function restoreTree(snapshot: Map<string, Buffer>): string[] {
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
export function sandboxEnv(extra: Record<string, string> = {}): Record<string, string> {
  // USER and LOGNAME: the sandbox's uid has no account, and Python's getpass asks these first.
  const env: Record<string, string> = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/tmp", LANG: "C.UTF-8", TMPDIR: "/tmp", USER: "student", LOGNAME: "student", ...extra };
  if (process.env.COURSE_TF_BACKEND) env.COURSE_TF_BACKEND = process.env.COURSE_TF_BACKEND;
  return env;
}

/** The largest memory budget of one of this grader's sandboxes (the execution report's: it has a scratch folder), MB. */
export function gradingBudgetMb(opts: GradeOptions): number {
  return sandboxBudgetMb({ memoryMb: opts.memoryMb, processes: PROCESSES, diskMb: DISK_MB }, 1);
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
  const build = ensureBuilt({ quiet: true });
  if (!build.ok) throw new Error(`the course library does not compile:\n${build.output}`);
  // Before the data snapshot: sandboxed kernels cannot write build/lib/cache, so it is filled here.
  warmKernelCaches();
  const names = exerciseNames();
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
    dataDir, inputsDir, quizKeys, workDir, exerciseNames: names, guarded, sandboxProblem, cellCacheDir, warmedCells: new Set(), cellWarmer: null, cellWarmsDir,
    close: () => {
      ctx.cellWarmer?.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  return ctx;
}

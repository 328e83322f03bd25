/**
 * A sandbox's limits and their arithmetic: the limits one run asks for, the
 * whole sandbox's memory budget they add up to (heap, slack and every tmpfs),
 * the per-process RLIMIT_NPROC that enforces the process count, and the uids
 * sandboxes run as when the grader is root. The command that applies them is
 * grading/sandbox-command.ts's.
 */
import * as fs from "fs";

/** Resource limits of one sandboxed run. */
export interface SandboxLimits {
  /** The JavaScript heap and RLIMIT_DATA (plus slack for WebAssembly and native memory), MB; see sandboxBudgetMb. */
  memoryMb: number;
  /** Processes and threads (the cgroup's pids.max, and RLIMIT_NPROC). */
  processes: number;
  /** Size of the private /tmp and of any file written, MB. */
  diskMb: number;
}

/** The range of uids sandboxes run as when the grader is root (no account has them). */
const SANDBOX_UIDS = { first: 200_000, count: 50_000 } as const;

/**
 * The uid (and gid) this grader's sandboxes run as when it is root: one of its
 * own, so RLIMIT_NPROC counts only its sandboxes (they run one at a time), and
 * a fork bomb cannot starve another grading run on the same machine.
 */
export function sandboxUid(): number {
  return sandboxUidOf(process.pid);
}

/**
 * The uid of this grader's cell warmer when it is root (grading/cell-warmer.ts):
 * another than its sandboxes', so the warmer's threads never count against an
 * execution report's process limit.
 */
export function warmerUid(): number {
  return SANDBOX_UIDS.first + ((process.pid + SANDBOX_UIDS.count / 2) % SANDBOX_UIDS.count);
}

/** The uid the sandboxes of the grader with this pid run as (when it is root). */
export function sandboxUidOf(graderPid: number): number {
  return SANDBOX_UIDS.first + (graderPid % SANDBOX_UIDS.count);
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * RLIMIT_NPROC counts every process and thread of the real user. As the
 * sandbox's own uid (grader is root) that is this grader's sandbox alone; as the instructor's own user it
 * includes their session, so the budget goes on top of what already runs.
 */
export function processLimit(budget: number): number {
  if (isRoot()) return budget;
  const uid = process.getuid?.();
  let running = 0;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      if (new RegExp(`^Uid:\\s+${uid}\\s`, "m").test(status)) running += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
    } catch {
      // gone meanwhile
    }
  }
  return running + budget;
}

export const MB = 1024 * 1024;
/** Memory above the JS heap for everything else of a sandbox: other processes, WebAssembly, native memory, MB. */
export const SLACK_MB = 512;
/** Size of the sandbox's /dev/shm, MB (POSIX shared memory and semaphores: Python's multiprocessing needs a few kB). */
export const SHM_MB = 64;
/** The two 1 MB tmpfs under the course (its root and an empty cell cache), MB. */
const ROOT_TMPFS_MB = 2;

/**
 * One sandbox's memory budget, MB: the heap, the slack, and the size of every
 * tmpfs it has (/tmp, each scratch folder, /dev/shm, the course's), whose
 * contents are memory too: a full /tmp never eats into the kernel's heap, and
 * the budget is never more than a sandbox can honestly use.
 */
export function sandboxBudgetMb(limits: SandboxLimits, scratchDirs = 0): number {
  return limits.memoryMb + SLACK_MB + limits.diskMb * (1 + scratchDirs) + SHM_MB + ROOT_TMPFS_MB;
}

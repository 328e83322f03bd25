/**
 * The OS-level sandbox every piece of submitted code runs in: Debian's
 * bubblewrap (`bwrap`). Inside, the machine is seen through a whitelist:
 * /usr and /etc read-only, the course's compiled library, node_modules,
 * setup/ and package.json read-only, `data/` only as the grader chooses (the
 * scoring sandbox gets the check inputs without expected values), an empty
 * notebooks/ (no solutions), a private size-limited /tmp, no network (its own
 * network namespace has only a loopback), its own pid namespace, no other
 * submission, hidden check, gradebook or anything else of the instructor's.
 * Limits: one memory budget and process count for the whole sandbox (a
 * cgroup, grading/cgroup.ts, joined before anything of the sandbox runs),
 * covering every process, shared memory and tmpfs contents; per process, as a
 * second line, memory (RLIMIT_DATA, which unlike RLIMIT_AS leaves WebAssembly's
 * address-space reservations alone), processes (RLIMIT_NPROC, enforced by
 * running as an unused uid of its own when the grader is root) and file size;
 * sized tmpfs everywhere (a read-only /dev but for a sized /dev/shm); no user
 * namespaces inside (so no `unshare -r` root). The caller kills on time and
 * caps what it reads from the child; the spawn's `sandbox` handle says whether
 * the budget was hit and the peak.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { JOIN_SCRIPT, memoryControl, runGroup, systemdScopeArgs, type MemoryLimitKind, type SandboxGroup } from "./cgroup";
import { ROOT } from "../lib/runtime/paths";
import { aptInstall, isRootOnDebian } from "../setup/jupyter";

/** The bwrap binary (COURSE_BWRAP overrides it, e.g. to test a machine without one). */
export function bwrapPath(): string {
  return process.env.COURSE_BWRAP ?? "/usr/bin/bwrap";
}

/** Resource limits of one sandboxed run. */
export interface SandboxLimits {
  /** The JavaScript heap and RLIMIT_DATA (plus slack for WebAssembly and native memory), MB; see sandboxBudgetMb. */
  memoryMb: number;
  /** Processes and threads (the cgroup's pids.max, and RLIMIT_NPROC). */
  processes: number;
  /** Size of the private /tmp and of any file written, MB. */
  diskMb: number;
}

/** What a sandboxed command sees. */
export interface SandboxSpec {
  /** The course root on the host (mounted, in part, at the same path). */
  root: string;
  /** Host folder shown read-only as `<root>/data`, or null for an empty one. */
  dataDir: string | null;
  /** Extra host files shown read-only inside (e.g. the notebook to run): host path → path inside. */
  files?: Record<string, string>;
  /**
   * Host folder shown read-only as the kernel's cache of compiled cells
   * (`<root>/build/lib/cache/cells`), or none for an empty one. The course's
   * own cache is never shown: kernels of the instructor's notebooks fill it
   * with their solutions, compiled.
   */
  cellCache?: string;
  /** Extra host folders shown read-only at the same path (e.g. a Python outside /usr). */
  readOnly?: string[];
  /** Writable, size-limited folders inside (tmpfs), besides /tmp. */
  scratch?: string[];
  /**
   * Host folders shown read-write: host path → path inside (under /tmp). Only
   * the grader's own work folders (the cell warmer's output), never the course.
   */
  writable?: Record<string, string>;
  /** Environment inside (nothing else of the grader's environment is passed). */
  env: Record<string, string>;
  /** Working folder inside. */
  cwd: string;
  /** When the grader is root: the uid to run as, instead of this grader's (sandboxUid). */
  uid?: number;
  limits: SandboxLimits;
}

/** The range of uids sandboxes run as when the grader is root (no account has them). */
export const SANDBOX_UIDS = { first: 200_000, count: 50_000 } as const;

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

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/**
 * RLIMIT_NPROC counts every process and thread of the real user. As the
 * sandbox's own uid (grader is root) that is this grader's sandbox alone; as the instructor's own user it
 * includes their session, so the budget goes on top of what already runs.
 */
function processLimit(budget: number): number {
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

const MB = 1024 * 1024;
/** Memory above the JS heap for everything else of a sandbox: other processes, WebAssembly, native memory, MB. */
const SLACK_MB = 512;
/** Size of the sandbox's /dev/shm, MB (POSIX shared memory and semaphores: Python's multiprocessing needs a few kB). */
export const SHM_MB = 64;
/** The two 1 MB tmpfs under the course (its root and an empty cell cache), MB. */
const COURSE_TMPFS_MB = 2;

/**
 * One sandbox's memory budget, MB: the heap, the slack, and the size of every
 * tmpfs it has (/tmp, each scratch folder, /dev/shm, the course's), whose
 * contents are memory too: a full /tmp never eats into the kernel's heap, and
 * the budget is never more than a sandbox can honestly use.
 */
export function sandboxBudgetMb(limits: SandboxLimits, scratchDirs = 0): number {
  return limits.memoryMb + SLACK_MB + limits.diskMb * (1 + scratchDirs) + SHM_MB + COURSE_TMPFS_MB;
}

/**
 * `--ro-bind`s for /usr and the merged-/usr symlinks (or directories) /bin,
 * /lib, /lib64, /sbin; /proc; a /dev of device nodes only (read-only: bwrap's
 * /dev is a tmpfs without a size) with a sized /dev/shm.
 */
function systemMounts(): string[] {
  const args = ["--ro-bind", "/usr", "/usr"];
  for (const d of ["/bin", "/lib", "/lib64", "/sbin"]) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(d);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push("--symlink", fs.readlinkSync(d), d);
    else args.push("--ro-bind", d, d);
  }
  return [...args, "--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev", "--size", String(SHM_MB * MB), "--tmpfs", "/dev/shm", "--remount-ro", "/dev"];
}

/** How a sandbox joins its memory budget: a cgroup's `cgroup.procs` files, or a systemd scope. */
export type SandboxJoin = { procsFiles: string[] } | { systemdScope: string[] };

/**
 * The full command line: (joining the sandbox's cgroup or scope) → prlimit
 * (per-process limits) → setpriv (the sandbox uid, when root) → bwrap
 * (namespaces and mounts) → `command`.
 */
export function sandboxCommand(command: readonly string[], spec: SandboxSpec, join: SandboxJoin | null = null): { file: string; args: string[] } {
  const { root, limits } = spec;
  const mb = MB;
  const course: string[] = ["--size", String(mb), "--tmpfs", root];
  for (const p of ["package.json", "tsconfig.json", "lib", "setup", "kernel", "build/lib", "build/grading", ".jupyter"]) {
    const host = path.join(root, p);
    if (fs.existsSync(host)) course.push("--ro-bind", host, host);
  }
  // Over build/lib: the kernel's cell cache, the grader's (student editions only) or an empty one.
  const cells = path.join(root, "build", "lib", "cache", "cells");
  if (fs.existsSync(path.join(root, "build", "lib"))) {
    fs.mkdirSync(cells, { recursive: true }); // the mount point, on the host
    if (spec.cellCache) course.push("--ro-bind", spec.cellCache, cells);
    else course.push("--size", String(mb), "--tmpfs", cells);
  }
  // node_modules may be a symlink (worktrees share one): show its target at the usual place.
  const modules = path.join(root, "node_modules");
  if (fs.existsSync(modules)) course.push("--ro-bind", fs.realpathSync(modules), modules);
  // courseRoot() recognises the course by package.json, lib/ and notebooks/: an empty notebooks/, never the solutions.
  course.push("--dir", path.join(root, "notebooks"));
  if (spec.dataDir) course.push("--ro-bind", spec.dataDir, path.join(root, "data"));
  else course.push("--dir", path.join(root, "data"));
  for (const dir of spec.readOnly ?? []) course.push("--ro-bind", dir, dir);
  for (const dir of spec.scratch ?? []) course.push("--size", String(limits.diskMb * mb), "--tmpfs", dir);
  for (const [host, inside] of Object.entries(spec.files ?? {})) course.push("--ro-bind", host, inside);
  for (const [host, inside] of Object.entries(spec.writable ?? {})) course.push("--bind", host, inside);
  course.push("--remount-ro", root);

  const env = Object.entries(spec.env).flatMap(([k, v]) => ["--setenv", k, v]);
  const bwrap = [
    bwrapPath(),
    // A user namespace of its own, in which no further one can be made: no `unshare -r` root inside.
    "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv", ...env,
    ...systemMounts(),
    "--size", String(limits.diskMb * mb), "--tmpfs", "/tmp",
    ...course,
    "--chdir", spec.cwd,
    "--", ...command,
  ];
  // RLIMIT_DATA covers the heap, WebAssembly memory and native allocations; 512 MB of slack above the JS heap.
  const dataBytes = (limits.memoryMb + SLACK_MB) * mb;
  const prlimit = ["--data=" + dataBytes, "--nproc=" + processLimit(limits.processes), "--fsize=" + limits.diskMb * mb, "--core=0", "--nofile=1024"];
  const uid = spec.uid ?? sandboxUid();
  const drop = isRoot() ? ["/usr/bin/setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--"] : [];
  const limited = ["/usr/bin/prlimit", ...prlimit, "--", ...drop, ...bwrap];
  if (join && "procsFiles" in join) return { file: "/bin/sh", args: ["-c", JOIN_SCRIPT, "sh", ...join.procsFiles, "--", ...limited] };
  if (join) return { file: "systemd-run", args: [...join.systemdScope, ...limited] };
  return { file: limited[0] as string, args: limited.slice(1) };
}

/** What a sandbox's memory budget recorded: read by the grader as data, never from messages. */
export interface SandboxHandle {
  /** How the budget is enforced ("none": per-process RLIMITs only). */
  readonly limit: MemoryLimitKind;
  /** The whole sandbox's memory budget, bytes. */
  readonly budgetBytes: number;
  /** The sandbox hit its budget (the kernel killed a process of it; the grader then stopped the rest). */
  outOfMemory(): boolean;
  /** The most memory the sandbox held at once, bytes (null when not recorded). */
  peakBytes(): number | null;
}

/** A sandboxed child process and its budget's record. */
export type SandboxedProcess = ChildProcess & { readonly sandbox: SandboxHandle };

/** How often a running sandbox's cgroup is asked whether it hit its budget, ms. */
const OOM_POLL_MS = 200;

/**
 * Watches a sandbox's cgroup: when the kernel kills one of its processes for
 * the budget, the rest are killed too (a sandbox over budget is stopped, not
 * left running with one process fewer); when the child exits, what is left is
 * killed, the record kept and the group removed.
 */
function watchGroup(child: ChildProcess, group: SandboxGroup, budgetBytes: number): SandboxHandle {
  const timer = setInterval(() => {
    if (group.outOfMemory()) group.kill();
  }, OOM_POLL_MS);
  timer.unref();
  // Registered before the caller's listeners, so the record is final when theirs run.
  child.once("exit", () => {
    clearInterval(timer);
    group.finish();
  });
  return { limit: group.kind, budgetBytes, outOfMemory: () => group.outOfMemory(), peakBytes: () => group.peakBytes() };
}

/**
 * A systemd scope's record: its cgroup (v2) is found from the child's own
 * /proc entry while it runs (systemd-run execs the sandbox in place) and read
 * until it ends; systemd removes the scope itself.
 */
function watchScope(child: ChildProcess, budgetBytes: number): SandboxHandle {
  let dir: string | null = null;
  let oom = false;
  let peak: number | null = null;
  const look = (): void => {
    if (!dir && child.pid !== undefined) {
      const line = fs.existsSync(`/proc/${child.pid}/cgroup`) ? fs.readFileSync(`/proc/${child.pid}/cgroup`, "utf8").split("\n").find((l) => l.startsWith("0::")) : undefined;
      if (line?.endsWith(".scope")) dir = path.join("/sys/fs/cgroup", line.slice(3));
    }
    if (!dir) return;
    try {
      oom ||= /^oom_kill [1-9]/m.test(fs.readFileSync(path.join(dir, "memory.events"), "utf8"));
      peak = Number(fs.readFileSync(path.join(dir, "memory.peak"), "utf8")) || peak;
    } catch {
      // the scope is gone, or the kernel has no memory.peak
    }
    if (oom) killTree(child);
  };
  const timer = setInterval(look, OOM_POLL_MS);
  timer.unref();
  child.once("exit", () => clearInterval(timer));
  return { limit: "systemd-scope", budgetBytes, outOfMemory: () => oom, peakBytes: () => peak };
}

/**
 * Spawns a sandboxed command in its own process group (so `killTree` reaches
 * everything) and, where the machine allows, in a cgroup of its own with the
 * sandbox's memory budget (sandboxBudgetMb) and process limit, joined before
 * anything of the sandbox runs.
 */
export function spawnSandboxed(command: readonly string[], spec: SandboxSpec, extraFds = 0): SandboxedProcess {
  const scratch = (spec.scratch ?? []).length;
  const budgetBytes = sandboxBudgetMb(spec.limits, scratch) * MB;
  const control = memoryControl();
  const group = control.kind.startsWith("cgroup") ? runGroup()?.sandbox(budgetBytes, spec.limits.processes) ?? null : null;
  const join: SandboxJoin | null = group ? { procsFiles: group.procsFiles } : control.kind === "systemd-scope" ? { systemdScope: systemdScopeArgs(budgetBytes, spec.limits.processes) } : null;
  const { file, args } = sandboxCommand(command, spec, join);
  const stdio: ("pipe" | "ignore")[] = ["pipe", "pipe", "pipe", ...Array.from({ length: extraFds }, () => "pipe" as const)];
  const child = spawn(file, args, { stdio, detached: true, env: { PATH: "/usr/bin:/bin" } });
  const sandbox: SandboxHandle = group ? watchGroup(child, group, budgetBytes)
    : join ? watchScope(child, budgetBytes)
    : { limit: "none", budgetBytes, outOfMemory: () => false, peakBytes: () => null };
  return Object.assign(child, { sandbox });
}

let noted = false;

/**
 * Says once per process, on stderr, when sandboxes' memory is limited per
 * process only (no cgroup, no systemd scope); returns how it is limited, for reports.
 */
export function noteMemoryControl(): { kind: MemoryLimitKind; reason: string | null } {
  const control = memoryControl();
  if (control.kind === "none" && !noted) {
    noted = true;
    process.stderr.write(`note: each sandbox's memory is limited per process only (RLIMIT_DATA), not as a whole: shared memory and several processes together can exceed --memory (${control.reason}). Grade as root, or where systemd-run --user --scope works, for one budget per sandbox.\n`);
  }
  return control;
}

/**
 * SIGKILLs a child's whole process group (the sandbox's pid namespace dies
 * with bwrap); also after the child itself has exited, for what it left behind.
 */
export function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // the group is gone already
  }
}

/** Raised when grading cannot run submitted code safely. */
export class SandboxUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxUnavailableError";
  }
}

/** Whether bwrap runs here: `null` when it does, else why not. */
export function probeSandbox(): string | null {
  const bwrap = bwrapPath();
  if (!fs.existsSync(bwrap)) return `${bwrap} was not found`;
  for (const tool of ["/usr/bin/prlimit", ...(isRoot() ? ["/usr/bin/setpriv"] : [])]) {
    if (!fs.existsSync(tool)) return `${tool} (util-linux) was not found`;
  }
  // The course must also be readable from inside (as the sandbox uid, when root): a umask-077 checkout is not.
  const needed = [path.join(ROOT, "package.json"), path.join(ROOT, "build", "grading", "worker.js"), path.join(ROOT, "node_modules", "@tensorflow", "tfjs", "package.json")];
  const probe = sandboxCommand(["/bin/sh", "-c", `for f in "$@"; do test -r "$f" || { echo "cannot read $f" >&2; exit 7; }; done`, "probe", ...needed], {
    root: ROOT, dataDir: null, env: { PATH: "/usr/bin:/bin" }, cwd: "/tmp",
    limits: { memoryMb: 256, processes: 64, diskMb: 16 },
  });
  const r = spawnSync(probe.file, probe.args, { encoding: "utf8", timeout: 20_000 });
  if (r.status === 7) return `the sandbox${isRoot() ? ` (uid ${sandboxUid()})` : ""} ${r.stderr.trim()}: make the course readable by all (chmod -R a+rX)`;
  return r.status === 0 ? null : `${bwrap} does not run here: ${(r.stderr || String(r.error ?? `exit ${r.status}`)).trim().slice(0, 300)}`;
}

/**
 * Makes sure the sandbox runs, installing Debian's bubblewrap when it is
 * missing and the grader is root on Debian (as `npm start` installs Jupyter).
 * Returns null when it runs, else a message that says what to do.
 */
export function ensureSandbox(): string | null {
  let why = probeSandbox();
  if (why && !process.env.COURSE_BWRAP && !fs.existsSync(bwrapPath()) && isRootOnDebian()) {
    process.stderr.write("Installing bubblewrap (the grading sandbox)\n");
    if (aptInstall(["bubblewrap"])) why = probeSandbox();
  }
  if (!why) return null;
  return [
    `cannot grade safely: the sandbox for submitted code is unavailable (${why}).`,
    "Submitted code must not run with your rights. Install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap;",
    "it needs unprivileged user namespaces or root) and grade again, or, only for notebooks you trust,",
    "pass --unsafe-no-sandbox.",
  ].join("\n");
}

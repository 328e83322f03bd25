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
 *
 * This file runs sandboxes (spawning, watching the budget, killing, probing
 * that bwrap works); sandbox-command.ts builds the command line and
 * sandbox-limits.ts holds the limits' arithmetic and the sandbox uids.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { memoryControl, runGroup, type MemoryLimitKind, type SandboxGroup } from "./cgroup";
import { systemdScopeArgs } from "./systemd-scope";
import { bwrapPath, sandboxCommand, type SandboxJoin, type SandboxSpec } from "./sandbox-command";
import { isRoot, MB, sandboxBudgetMb, sandboxUid } from "./sandbox-limits";
import { ROOT } from "../lib/runtime/paths";
import { aptInstall, isRootOnDebian } from "../kernel/python";

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
type SandboxedProcess = ChildProcess & { readonly sandbox: SandboxHandle };

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
function probeSandbox(): string | null {
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

/**
 * One memory budget per grading sandbox: a control group (cgroup) per
 * sandbox, holding every one of its processes, so that what they use together
 * (private and shared memory, tmpfs contents, kernel memory) has one limit
 * and one process count. RLIMITs (grading/sandbox.ts) limit each process on
 * its own and miss shared mappings and tmpfs; they stay as a second line.
 *
 * Layout: a run group per grading run (named after the process that owns the
 * run: `course-grade-<pid>-<start time>`), under the grader's own group of each
 * controller, holding one group per sandbox (`s-<pid>-<start time>-<n>`). The run
 * group's own peak is the peak of all the run's sandboxes at once. Groups are
 * removed when their sandbox ends (after killing what is left), the run group
 * when its owner exits; a later run removes groups whose owner is gone (a
 * crashed grader), never another live grader's.
 *
 * Where the machine has no usable cgroup (a non-root instructor without a
 * delegated cgroup v2), `systemd-run --user --scope` gives each sandbox a
 * scope with MemoryMax and TasksMax when it works; otherwise memoryControl()
 * says so (kind "none", with the reason) and only the RLIMITs apply.
 *
 * This file holds the groups' lifecycle (a run's group, each sandbox's group,
 * their limits, peaks and teardown); cgroup-files.ts the file operations they
 * share, cgroup-hierarchy.ts where the groups live (v1 or v2), and
 * systemd-scope.ts the fallback.
 */
import * as fs from "fs";
import * as path from "path";
import { keyed, killGroups, numberIn, read, removeStale, removeTree, selfTag, write } from "./cgroup-files";
import { makeRunDirs, RUN_PREFIX, type RunDirs } from "./cgroup-hierarchy";
import { systemdScopeWorks } from "./systemd-scope";

/** How sandboxes' memory is limited on this machine. */
export type MemoryLimitKind = "cgroup-v1" | "cgroup-v2" | "systemd-scope" | "none";

interface MemoryControl {
  kind: MemoryLimitKind;
  /** Why no cgroup of our own could be made (kinds "systemd-scope" and "none"), for people. */
  reason: string | null;
}

/** The environment variable through which a run's owner hands its run group's name to its grading processes. */
export const RUN_GROUP_ENV = "COURSE_GRADE_RUN_GROUP";

/** A grading run's group: every sandbox of the run is in it. */
class RunGroup {
  private closed = false;
  constructor(readonly name: string, readonly dirs: RunDirs, readonly owner: boolean) {}
  get kind(): "cgroup-v1" | "cgroup-v2" {
    return this.dirs.kind;
  }
  /** The most memory all of the run's sandboxes held at once so far, in bytes. */
  peakBytes(): number | null {
    return numberIn(path.join(this.dirs.memory, this.kind === "cgroup-v1" ? "memory.max_usage_in_bytes" : "memory.peak"));
  }
  /** Makes a sandbox's group in this run. */
  sandbox(budgetBytes: number, processes: number): SandboxGroup | null {
    const name = `s-${selfTag()}-${++sandboxCount}`;
    for (const d of this.dirs.all) removeStale(d, `s-`);
    const dirs = this.dirs.all.map((d) => path.join(d, name));
    try {
      for (const d of dirs) fs.mkdirSync(d);
    } catch {
      for (const d of dirs) removeTree(d);
      return null;
    }
    const [memory, pids] = [dirs[0] as string, dirs[dirs.length - 1] as string];
    const bytes = String(budgetBytes);
    const set = this.kind === "cgroup-v1"
      // memsw (memory + swap) must be set after the memory limit, and only exists with swap accounting.
      ? write(path.join(memory, "memory.limit_in_bytes"), bytes) && (!fs.existsSync(path.join(memory, "memory.memsw.limit_in_bytes")) || write(path.join(memory, "memory.memsw.limit_in_bytes"), bytes))
      : write(path.join(memory, "memory.max"), bytes) && (!fs.existsSync(path.join(memory, "memory.swap.max")) || write(path.join(memory, "memory.swap.max"), "0"));
    if (!set || !write(path.join(pids, "pids.max"), String(processes))) {
      for (const d of dirs) removeTree(d);
      return null;
    }
    const group = new SandboxGroup(this, dirs);
    liveSandboxes.add(group);
    return group;
  }
  /** Kills what is left and removes the run group (its owner only; a joined run's groups are the owner's to remove). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const g of liveSandboxes) if (g.run === this) g.finish();
    if (this.owner) for (const d of this.dirs.all) removeTree(d);
  }
}

let sandboxCount = 0;
const liveSandboxes = new Set<SandboxGroup>();

/** What a sandbox's group recorded when it ended. */
interface SandboxMemory {
  /** The group hit its memory budget and the kernel killed a process of it. */
  outOfMemory: boolean;
  /** The most memory the sandbox held at once, in bytes (null when the kernel does not record it). */
  peakBytes: number | null;
}

/** One sandbox's group: processes join it through `procsFiles` before anything of the sandbox runs. */
export class SandboxGroup {
  private ended: SandboxMemory | null = null;
  private oom = false;
  constructor(readonly run: RunGroup, readonly dirs: string[]) {}
  get kind(): "cgroup-v1" | "cgroup-v2" {
    return this.run.kind;
  }
  /** The files a process writes its pid into to join the group (one per hierarchy). */
  get procsFiles(): string[] {
    return this.dirs.map((d) => path.join(d, "cgroup.procs"));
  }
  private get memory(): string {
    return this.dirs[0] as string;
  }
  /** Whether the kernel has killed a process of this group for its memory budget (v1 memory.oom_control, v2 memory.events). */
  outOfMemory(): boolean {
    if (this.ended) return this.ended.outOfMemory;
    if (!this.oom) {
      const events = keyed(read(path.join(this.memory, this.kind === "cgroup-v1" ? "memory.oom_control" : "memory.events")));
      this.oom = (events.oom_kill ?? 0) > 0 || (events.under_oom ?? 0) > 0;
    }
    return this.oom;
  }
  peakBytes(): number | null {
    if (this.ended) return this.ended.peakBytes;
    return numberIn(path.join(this.memory, this.kind === "cgroup-v1" ? "memory.max_usage_in_bytes" : "memory.peak"));
  }
  /** SIGKILLs every process in the group. */
  kill(): void {
    killGroups(this.dirs);
  }
  /** Kills what is left, records what the group saw, removes it. Idempotent. */
  finish(): SandboxMemory {
    if (this.ended) return this.ended;
    this.kill();
    const record = { outOfMemory: this.outOfMemory(), peakBytes: this.peakBytes() };
    for (const d of this.dirs) removeTree(d);
    liveSandboxes.delete(this);
    this.ended = record;
    return record;
  }
}

let runGroupOf: RunGroup | null | undefined;
let runReason: string | null = null;
let runCount = 0;
/** Run groups this process made: removed when it exits, whatever way it exits. */
const ownedRuns = new Set<RunGroup>();

/**
 * Opens a new run group owned by this process (a class run opens one per
 * batch, so each batch's peak is its own), or null when no cgroup can be made.
 */
export function openRunGroup(): RunGroup | null {
  const name = `${RUN_PREFIX}${selfTag()}-${++runCount}`;
  const made = makeRunDirs(name, true);
  runReason = made.reason;
  if (!made.dirs) return null;
  const group = new RunGroup(name, made.dirs, true);
  if (ownedRuns.size === 0) process.on("exit", () => {
    // Synchronous on purpose: a crash or process.exit() still removes this process's groups.
    for (const g of ownedRuns) g.close();
  });
  ownedRuns.add(group);
  return group;
}

/**
 * This process's run group: the one named in RUN_GROUP_ENV (a class run's
 * grading processes join their parent's), else one of its own, made on first
 * use and removed when this process exits. Null when no cgroup can be made.
 */
export function runGroup(): RunGroup | null {
  if (runGroupOf !== undefined) return runGroupOf;
  const joined = process.env[RUN_GROUP_ENV];
  if (joined && /^course-grade-\d+-\d+-\d+$/.test(joined)) {
    const made = makeRunDirs(joined, false);
    if (made.dirs) {
      runGroupOf = new RunGroup(joined, made.dirs, false);
      // A joined run is the owner's to remove; this process removes its own sandboxes' groups.
      process.on("exit", () => runGroupOf?.close());
      return runGroupOf;
    }
  }
  runGroupOf = openRunGroup();
  return runGroupOf;
}

let control: MemoryControl | undefined;

/** How this machine limits sandboxes' memory (probed once per process). */
export function memoryControl(): MemoryControl {
  if (control) return control;
  const group = runGroup();
  if (group) control = { kind: group.kind, reason: null };
  else if (systemdScopeWorks()) control = { kind: "systemd-scope", reason: runReason };
  else control = { kind: "none", reason: `${runReason ?? "no cgroup"}; systemd-run --user --scope does not work either` };
  return control;
}

/**
 * The wrapper that puts a process into a sandbox's group before it execs the
 * sandbox (`sh -c SCRIPT sh PROCS… -- COMMAND…`): no code of the sandbox runs
 * outside the group. Exit 125 when a group cannot be joined (nothing runs).
 */
export const JOIN_SCRIPT = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';

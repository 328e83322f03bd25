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
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** How sandboxes' memory is limited on this machine. */
export type MemoryLimitKind = "cgroup-v1" | "cgroup-v2" | "systemd-scope" | "none";

export interface MemoryControl {
  kind: MemoryLimitKind;
  /** Why no cgroup of our own could be made (kinds "systemd-scope" and "none"), for people. */
  reason: string | null;
}

/** The environment variable through which a run's owner hands its run group's name to its grading processes. */
export const RUN_GROUP_ENV = "COURSE_GRADE_RUN_GROUP";
const RUN_PREFIX = "course-grade-";
const MB = 1024 * 1024;

/** A cgroup hierarchy this process sits in: where it is mounted and this process's own group in it. */
interface Hierarchy {
  /** The folder of this process's own group. */
  own: string;
}

/** `/proc/<pid>/stat`'s start time (field 22), or null when there is no such process. */
function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** This process's tag in group names: its pid and start time (a reused pid has another start time). */
function selfTag(): string {
  return `${process.pid}-${startTime(process.pid) ?? 0}`;
}

/** Whether the process that named a group `…<pid>-<start>…` still runs. */
function ownerAlive(name: string): boolean {
  const m = /(\d+)-(\d+)/.exec(name);
  if (!m) return true; // not ours to judge
  return startTime(Number(m[1])) === m[2];
}

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function write(file: string, text: string): boolean {
  try {
    fs.writeFileSync(file, text);
    return true;
  } catch {
    return false;
  }
}

/** `key value` lines (memory.events, memory.oom_control) as numbers. */
function keyed(text: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

function numberIn(file: string): number | null {
  const t = read(file)?.trim();
  return t && /^\d+$/.test(t) ? Number(t) : null;
}

/** Synchronous short wait (teardown runs in `exit` handlers, where nothing asynchronous runs). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** SIGKILLs every process in these groups until they are empty (or a few rounds have passed). */
function killGroups(dirs: string[]): void {
  for (const dir of dirs) if (fs.existsSync(path.join(dir, "cgroup.kill")) && write(path.join(dir, "cgroup.kill"), "1")) return;
  for (let round = 0; round < 20; round++) {
    const pids = new Set(dirs.flatMap((d) => (read(path.join(d, "cgroup.procs")) ?? "").split("\n").filter((p) => /^\d+$/.test(p))));
    if (pids.size === 0) return;
    for (const pid of pids) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    pause(10);
  }
}

/** Kills what is left in a group (and its children) and removes it; true when it is gone. */
function removeTree(dir: string): boolean {
  if (!fs.existsSync(dir)) return true;
  let children: string[] = [];
  try {
    children = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
  } catch {
    return false;
  }
  for (const c of children) removeTree(c);
  killGroups([dir]);
  // A killed process leaves its group when it has exited; rmdir says EBUSY until then.
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      fs.rmdirSync(dir);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return true;
      pause(10);
    }
  }
  return false;
}

/** Removes the groups under `dir` named with `prefix` whose owner process is gone. */
function removeStale(dir: string, prefix: string): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const n of names) if (!ownerAlive(n)) removeTree(path.join(dir, n));
}

/** `/proc/self/mountinfo` → for each cgroup mount: its fs type, its root, where it is mounted, its options. */
function cgroupMounts(): { type: string; root: string; point: string; options: string[] }[] {
  const out: { type: string; root: string; point: string; options: string[] }[] = [];
  for (const line of (read("/proc/self/mountinfo") ?? "").split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const f = left.split(" ");
    const [type, , superOptions] = right.split(" ");
    if (type !== "cgroup" && type !== "cgroup2") continue;
    out.push({ type, root: f[3] ?? "/", point: (f[4] ?? "").replace(/\\040/g, " "), options: (superOptions ?? "").split(",") });
  }
  return out;
}

/** This process's groups: controller (or "" for cgroup v2) → path, from /proc/self/cgroup. */
function ownGroups(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (read("/proc/self/cgroup") ?? "").split("\n")) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const c of (m[1] as string).split(",")) out.set(c, m[2] as string);
  }
  return out;
}

/** The folder of this process's own group on a mount (its path is relative to the mount's root). */
function ownDir(mount: { root: string; point: string }, own: string): string {
  const rel = mount.root !== "/" && own.startsWith(mount.root) ? own.slice(mount.root.length) : own;
  return path.join(mount.point, rel);
}

/** cgroup v1: this process's memory and pids groups, when both controllers are mounted. */
function v1Hierarchies(): { memory: Hierarchy; pids: Hierarchy } | null {
  const mounts = cgroupMounts().filter((m) => m.type === "cgroup");
  const own = ownGroups();
  const find = (c: string): Hierarchy | null => {
    const m = mounts.find((x) => x.options.includes(c));
    const p = own.get(c);
    return m && p !== undefined ? { own: ownDir(m, p) } : null;
  };
  const memory = find("memory");
  const pids = find("pids");
  return memory && pids ? { memory, pids } : null;
}

/** cgroup v2: the unified mount with the memory and pids controllers, and this process's group in it. */
function v2Hierarchy(): Hierarchy | null {
  const m = cgroupMounts().find((x) => x.type === "cgroup2" && /\bmemory\b/.test(read(path.join(x.point, "cgroup.controllers")) ?? ""));
  const p = ownGroups().get("");
  return m && p !== undefined ? { own: ownDir(m, p) } : null;
}

/** The v1 or v2 run group folders, by controller. */
interface RunDirs {
  kind: "cgroup-v1" | "cgroup-v2";
  /** The folder holding the run's memory accounting (v1 memory, v2 unified). */
  memory: string;
  /** Every folder of the run group (v1: memory and pids; v2: one). */
  all: string[];
}

/**
 * Makes (or joins) the run group. v1: under the grader's own memory and pids
 * groups (`memory.use_hierarchy` must be 1, so the run's sandboxes also count
 * in the grader's own limit). v2: under the grader's own group, or beside it
 * when the own group holds processes (cgroup v2 then refuses to enable
 * controllers below it), with the memory and pids controllers enabled for the
 * sandbox groups.
 */
function makeRunDirs(name: string, create: boolean): { dirs: RunDirs | null; reason: string | null } {
  const v1 = v1Hierarchies();
  if (v1) {
    if (read(path.join(v1.memory.own, "memory.use_hierarchy"))?.trim() === "0") return { dirs: null, reason: `memory.use_hierarchy is 0 in ${v1.memory.own}` };
    const dirs = [v1.memory.own, v1.pids.own].map((d) => path.join(d, name));
    for (const [i, d] of dirs.entries()) {
      if (!create && !fs.existsSync(d)) return { dirs: null, reason: `the run group ${d} does not exist` };
      if (create) removeStale(path.dirname(d), RUN_PREFIX);
      try {
        fs.mkdirSync(d);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
          for (const made of dirs.slice(0, i)) removeTree(made);
          return { dirs: null, reason: `cannot make ${d}: ${(err as NodeJS.ErrnoException).code}` };
        }
      }
    }
    return { dirs: { kind: "cgroup-v1", memory: dirs[0] as string, all: dirs }, reason: null };
  }
  const v2 = v2Hierarchy();
  if (!v2) return { dirs: null, reason: "neither cgroup v1 (memory and pids) nor cgroup v2 with the memory controller is mounted" };
  let why = "";
  for (const base of [v2.own, path.dirname(v2.own)]) {
    const dir = path.join(base, name);
    if (!create) {
      if (fs.existsSync(path.join(dir, "memory.max"))) return { dirs: { kind: "cgroup-v2", memory: dir, all: [dir] }, reason: null };
      continue;
    }
    removeStale(base, RUN_PREFIX);
    try {
      fs.mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
        why = `cannot make ${dir}: ${(err as NodeJS.ErrnoException).code}`;
        continue;
      }
    }
    const controllers = (): string => read(path.join(dir, "cgroup.controllers")) ?? "";
    if (!/\bmemory\b/.test(controllers()) || !/\bpids\b/.test(controllers())) write(path.join(base, "cgroup.subtree_control"), "+memory +pids");
    if (/\bmemory\b/.test(controllers()) && /\bpids\b/.test(controllers()) && write(path.join(dir, "cgroup.subtree_control"), "+memory +pids")) {
      return { dirs: { kind: "cgroup-v2", memory: dir, all: [dir] }, reason: null };
    }
    removeTree(dir);
    why = `cannot enable the memory and pids controllers under ${base}`;
  }
  return { dirs: null, reason: why || "no run group" };
}

/** A grading run's group: every sandbox of the run is in it. */
export class RunGroup {
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
export interface SandboxMemory {
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

let systemdScope: boolean | undefined;

/** Whether `systemd-run --user --scope` can limit memory here (probed once: a scope that runs `true`). */
function systemdScopeWorks(): boolean {
  if (systemdScope === undefined) {
    const r = spawnSync("systemd-run", ["--user", "--scope", "--quiet", "--collect", "-p", "MemoryMax=64M", "-p", "TasksMax=16", "--", "/bin/true"], { stdio: "ignore", timeout: 10_000 });
    systemdScope = r.status === 0;
  }
  return systemdScope;
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

/** `systemd-run` arguments that run a command in a scope of its own with this budget (kind "systemd-scope"). */
export function systemdScopeArgs(budgetBytes: number, processes: number): string[] {
  return ["--user", "--scope", "--quiet", "--collect", "-p", `MemoryMax=${Math.floor(budgetBytes / MB)}M`, "-p", "MemorySwapMax=0", "-p", `TasksMax=${processes}`, "--"];
}

/**
 * The wrapper that puts a process into a sandbox's group before it execs the
 * sandbox (`sh -c SCRIPT sh PROCS… -- COMMAND…`): no code of the sandbox runs
 * outside the group. Exit 125 when a group cannot be joined (nothing runs).
 */
export const JOIN_SCRIPT = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';

/**
 * Where this process's cgroups are (cgroup v1: the memory and pids
 * hierarchies; cgroup v2: the unified one), and making or finding a grading
 * run's group folders there. The groups themselves (limits, peaks, teardown)
 * are grading/cgroup.ts's.
 */
import * as fs from "fs";
import * as path from "path";
import { read, removeStale, removeTree, write } from "./cgroup-files";

/** Run groups are named `course-grade-<pid>-<start time>-<n>` (grading/cgroup.ts). */
export const RUN_PREFIX = "course-grade-";

/** A cgroup hierarchy this process sits in: where it is mounted and this process's own group in it. */
interface Hierarchy {
  /** The folder of this process's own group. */
  own: string;
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
export interface RunDirs {
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
export function makeRunDirs(name: string, create: boolean): { dirs: RunDirs | null; reason: string | null } {
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

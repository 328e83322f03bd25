/**
 * The file-level operations on cgroup folders that cgroup v1 and v2 share:
 * reading and writing their control files, killing what a group holds,
 * removing groups (also those a crashed grader left), and naming groups after
 * the process that owns them (pid and start time, so a reused pid is told
 * apart). What a group is for lives in grading/cgroup.ts.
 */
import * as fs from "fs";
import * as path from "path";

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
export function selfTag(): string {
  return `${process.pid}-${startTime(process.pid) ?? 0}`;
}

/** Whether the process that named a group `…<pid>-<start>…` still runs. */
function ownerAlive(name: string): boolean {
  const m = /(\d+)-(\d+)/.exec(name);
  if (!m) return true; // not ours to judge
  return startTime(Number(m[1])) === m[2];
}

export function read(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

export function write(file: string, text: string): boolean {
  try {
    fs.writeFileSync(file, text);
    return true;
  } catch {
    return false;
  }
}

/** `key value` lines (memory.events, memory.oom_control) as numbers. */
export function keyed(text: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? "").split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

export function numberIn(file: string): number | null {
  const t = read(file)?.trim();
  return t && /^\d+$/.test(t) ? Number(t) : null;
}

/** Synchronous short wait (teardown runs in `exit` handlers, where nothing asynchronous runs). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** SIGKILLs every process in these groups until they are empty (or a few rounds have passed). */
export function killGroups(dirs: string[]): void {
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
export function removeTree(dir: string): boolean {
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
export function removeStale(dir: string, prefix: string): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const n of names) if (!ownerAlive(n)) removeTree(path.join(dir, n));
}

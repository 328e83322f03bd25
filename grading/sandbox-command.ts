/**
 * The sandbox's command line, built but not run: what the sandboxed command
 * sees (SandboxSpec: the course's folders read-only, an empty notebooks/,
 * `data/` as the grader chooses, sized tmpfs, a clean environment) and the
 * chain that applies it: joining the sandbox's cgroup or systemd scope →
 * prlimit (per-process limits) → setpriv (the sandbox uid, when root) → bwrap
 * (namespaces and mounts). Running it is grading/sandbox.ts's job.
 */
import * as fs from "fs";
import * as path from "path";
import { JOIN_SCRIPT } from "./cgroup";
import { isRoot, MB, processLimit, sandboxUid, SHM_MB, SLACK_MB, type SandboxLimits } from "./sandbox-limits";

/** The bwrap binary (COURSE_BWRAP overrides it, e.g. to test a machine without one). */
export function bwrapPath(): string {
  return process.env.COURSE_BWRAP ?? "/usr/bin/bwrap";
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

/**
 * The fallback memory budget where no cgroup of the grader's own can be made
 * (a non-root instructor without a delegated cgroup v2): `systemd-run --user
 * --scope` gives each sandbox a scope with MemoryMax and TasksMax, when it
 * works on this machine.
 */
import { spawnSync } from "child_process";

const MB = 1024 * 1024;

let systemdScope: boolean | undefined;

/** Whether `systemd-run --user --scope` can limit memory here (probed once: a scope that runs `true`). */
export function systemdScopeWorks(): boolean {
  if (systemdScope === undefined) {
    const r = spawnSync("systemd-run", ["--user", "--scope", "--quiet", "--collect", "-p", "MemoryMax=64M", "-p", "TasksMax=16", "--", "/bin/true"], { stdio: "ignore", timeout: 10_000 });
    systemdScope = r.status === 0;
  }
  return systemdScope;
}

/** `systemd-run` arguments that run a command in a scope of its own with this budget (kind "systemd-scope"). */
export function systemdScopeArgs(budgetBytes: number, processes: number): string[] {
  return ["--user", "--scope", "--quiet", "--collect", "-p", `MemoryMax=${Math.floor(budgetBytes / MB)}M`, "-p", "MemorySwapMax=0", "-p", `TasksMax=${processes}`, "--"];
}

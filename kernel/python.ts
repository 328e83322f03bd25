/**
 * Finding the Python that runs notebooks (nbclient, for kernel/run_notebook.py)
 * and saying or doing what installs its packages. The default `python3` may
 * lack Jupyter (e.g. a pyenv Python) while another one has it (Debian's
 * /usr/bin/python3), so every candidate is probed. The npm commands (setup/),
 * the grader (its notebook runner, and bubblewrap for its sandbox) and the
 * authoring tools all use it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { isRelease } from "../editions/release-manifest";

/** A Python interpreter and what it has. */
export interface PythonInfo {
  python: string;
  lab?: string;
  notebook?: string;
  nbclient?: string;
  numpy?: string;
  /** jupyterlab_server's version, when it and jupyter_server import: enough to serve frontends/jupyterlab-app/. */
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

/**
 * A Python that can execute notebooks (nbclient) and run the oracle (numpy).
 * A student release has no oracle: nbclient is enough there.
 */
export function findTestPython(infos = probeAll()): string | null {
  const needsNumpy = !isRelease();
  return infos.find((i) => i.nbclient && (i.numpy || !needsNumpy))?.python ?? null;
}

/** Runs an install command, echoed on stderr, with the terminal; true when it succeeds. */
export function run(cmd: string, args: string[], timeoutMs: number): boolean {
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
/** PyPI packages for the same, where PyPI is reachable. */
export const PIP_PACKAGES = ["jupyterlab", "nbclient", "nbformat", "numpy"];

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

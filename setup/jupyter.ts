/**
 * Finding (or installing) Jupyter for the npm commands: which front end serves
 * the course, Chromium for the browser tests, installing Jupyter's packages.
 * The kernel's side of Jupyter (its spec, warming its caches: kernel/jupyter.ts)
 * and finding the Python that runs notebooks (kernel/python.ts) live with the
 * kernel, so the grader and the tools need nothing from setup/; they are
 * re-exported here for the npm commands.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";

import { CHROMIUM } from "../frontends/chromium";
import { aptInstall, isRootOnDebian, probeAll, run, DEBIAN_PACKAGES, PIP_PACKAGES, type PythonInfo } from "../kernel/python";

export * from "../kernel/jupyter";
export * from "../kernel/python";
export { CHROMIUM };

/** Which front end serves the course: JupyterLab, the course's own JupyterLab build, or the classic Notebook. */
type JupyterApp = "lab" | "course-lab" | "notebook";

/**
 * The best Jupyter front end available: an installed JupyterLab first; else the
 * course's JupyterLab build (frontends/jupyterlab-app/, served by jupyterlab_server, which
 * Debian packages); else the classic Notebook. `only` restricts the choice
 * (`npm start -- --classic` / `--lab`). `version` is the Python package's:
 * jupyterlab, jupyterlab_server or notebook.
 */
export function findJupyter(infos: PythonInfo[] = probeAll(), only?: "lab" | "classic"): { python: string; app: JupyterApp; version: string } | null {
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
export function ensureLabServer(infos: PythonInfo[] = probeAll()): boolean {
  if (infos.some((i) => i.labServer || i.lab)) return true;
  if (!isRootOnDebian()) return false;
  return aptInstall(["python3-jupyterlab-server"]) && probeAll().some((i) => i.labServer);
}

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

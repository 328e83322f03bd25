/**
 * The course's own JupyterLab (frontends/jupyterlab-app/): JupyterLab 4's front end built
 * from its npm packages and served by Debian's jupyterlab_server, for machines
 * that have the classic Notebook but not JupyterLab (Debian 12, no PyPI).
 *
 * The build is cached in frontends/jupyterlab-app/build/ under a stamp: the hash of the
 * files it is made from. `npm start` calls ensureLabApp() (so does the
 * JupyterLab browser test, through `npm start -- --lab`), which rebuilds only
 * when the stamp is missing or different.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import { npmCiIfLockChanged, runStep } from "./npm-app";

const LAB_APP = path.join(ROOT, "frontends", "jupyterlab-app");
const build = (dir: string): string => path.join(dir, "build");
const stampFile = (dir: string): string => path.join(build(dir), ".course-stamp");
/** What the front end is built from; a change to any of them means a rebuild. */
export const LAB_APP_SOURCES = ["package.json", "package-lock.json", "extensions.json", "index.js", "webpack.config.js", "templates/index.html"];

function hashOf(dir: string, files: string[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(f).update("\0").update(fs.readFileSync(path.join(dir, f))).update("\0");
  return h.digest("hex");
}

/** The hash a build of these sources is stamped with. */
export function labAppSourceHash(dir = LAB_APP): string {
  return hashOf(dir, LAB_APP_SOURCES);
}

/** True when build/ holds a front end built from the current sources. */
export function labAppIsBuilt(dir = LAB_APP): boolean {
  const stamp = stampFile(dir);
  return fs.existsSync(path.join(build(dir), "bundle.js")) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === labAppSourceHash(dir);
}

interface LabBuild {
  ok: boolean;
  /** What was done, or what failed and what to do about it. */
  message: string;
  seconds: number;
}


/**
 * Installs jupyterlab-app's npm packages (npm ci, when the lock file changed)
 * and builds the front end (webpack), unless build/ is already current.
 * Never throws: a failure comes back as { ok: false, message }.
 */
export function ensureLabApp(log: (line: string) => void = (l) => console.log(l), dir = LAB_APP): LabBuild {
  const t0 = Date.now();
  const seconds = (): number => (Date.now() - t0) / 1000;
  if (labAppIsBuilt(dir)) return { ok: true, message: "JupyterLab's front end is built", seconds: seconds() };
  const install = npmCiIfLockChanged(dir, () => log("Installing JupyterLab's front-end packages (once; about 40 s)…"));
  if (install && !install.ok) {
    return { ok: false, seconds: seconds(), message: `could not install JupyterLab's npm packages (npm ci in ${dir}):\n${install.output}\nCheck the network or the npm registry, or run \`npm start -- --classic\` to use the classic Notebook.` };
  }
  log("Building JupyterLab's front end (about 15 s)…");
  const webpack = path.join(dir, "node_modules", "webpack-cli", "bin", "cli.js");
  const r = runStep(dir, process.execPath, [webpack, "--config", "webpack.config.js"], 10 * 60_000);
  if (!r.ok || !fs.existsSync(path.join(build(dir), "bundle.js"))) {
    return { ok: false, seconds: seconds(), message: `could not build JupyterLab's front end (webpack in ${dir}):\n${r.output}\nRun \`npm start -- --classic\` to use the classic Notebook meanwhile.` };
  }
  fs.writeFileSync(stampFile(dir), labAppSourceHash(dir) + "\n");
  return { ok: true, seconds: seconds(), message: `built JupyterLab's front end in ${seconds().toFixed(0)} s` };
}

/** The JupyterLab release jupyterlab-app/ builds, from its package.json. */
export function labAppVersion(dir = LAB_APP): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  return pkg.dependencies["@jupyterlab/application"] ?? "4";
}

/** Command-line arguments for serving the course's JupyterLab with `python`. */
export function labAppArgs(opts: { port: number; token: string; root: string }): string[] {
  return ["-m", "course_lab", "--no-browser", "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${opts.port}`, "--ServerApp.port_retries=0", `--ServerApp.root_dir=${opts.root}`, `--ServerApp.token=${opts.token}`];
}

/** The environment that makes `python -m course_lab` importable. */
export function labAppEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = base.PYTHONPATH ? [base.PYTHONPATH] : [];
  return { ...base, PYTHONPATH: [LAB_APP, ...rest].join(path.delimiter) };
}

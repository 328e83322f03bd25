/**
 * `npm start`: registers the course kernel, refreshes the student edition,
 * finds (or installs) Jupyter, and starts it on localhost in the course folder.
 *
 *   npm start                      # student edition (student/)
 *   npm start -- --solutions       # instructors: the lessons with solutions (notebooks/)
 *   npm start -- --port 9000
 *   npm start -- --classic         # the classic Notebook even where JupyterLab is available
 *   npm start -- --lab             # JupyterLab or nothing (no fallback to the classic Notebook)
 *
 * In a student release (npm run release), notebooks/ holds the student's own
 * notebooks: nothing is regenerated and there are no solutions to open.
 *
 * Front ends, best first: an installed JupyterLab; the course's own JupyterLab
 * build (frontends/jupyterlab-app/, built on first use, served by Debian's
 * jupyterlab_server); the classic Notebook.
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as net from "net";
import * as path from "path";
import { findJupyter, installInstructions, installJupyter, jupyterEnv, probeAll, warmKernelCaches, writeKernelSpec, JUPYTER_DATA, KERNEL_NAME, ROOT } from "./jupyter";
import { ensureLabApp, labAppArgs, labAppEnv, labAppIsBuilt, labAppVersion } from "../frontends/jupyterlab-app";
import { refreshStudentEdition } from "./student";
import { isRelease } from "../editions/release-manifest";
import { parseCommandLine, runCommand, UsageError } from "../lib/runtime/command-line";

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

async function choosePort(preferred: number): Promise<number> {
  for (let p = preferred; p < preferred + 50; p++) if (await portFree(p)) return p;
  throw new Error(`no free port between ${preferred} and ${preferred + 49}; pass --port N`);
}

const START_USAGE = "npm start -- [--solutions] [--port N] [--classic | --lab] [--dry-run]";

/** What `npm start` was asked for. */
interface StartArgs {
  solutions: boolean;
  /** Which front end only (undefined: the best one found). */
  only?: "classic" | "lab";
  /** The preferred port (undefined: COURSE_PORT, else 8888). */
  port?: number;
  /** Print the plan as JSON instead of starting Jupyter. */
  dryRun: boolean;
}

/** Reads the command line. Throws UsageError. */
export function parseStartArgs(argv: readonly string[]): StartArgs {
  const { values: v, positionals } = parseCommandLine(argv, { solutions: { type: "boolean" }, port: { type: "string" }, classic: { type: "boolean" }, lab: { type: "boolean" }, "dry-run": { type: "boolean" } });
  if (positionals.length) throw new UsageError(`npm start takes only options (got ${positionals.join(" ")})`);
  const port = v.port === undefined ? undefined : Number(v.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UsageError(`--port needs a port number (got ${v.port})`);
  const only = v.classic ? "classic" : v.lab ? "lab" : undefined;
  return { solutions: v.solutions ?? false, dryRun: v["dry-run"] ?? false, ...(only ? { only } : {}), ...(port !== undefined ? { port } : {}) };
}

async function main(): Promise<number> {
  const args = parseStartArgs(process.argv.slice(2));
  const solutions = args.solutions;
  // A release's notebooks/ are the student's: never regenerated, never overwritten here.
  const release = isRelease();
  if (release && solutions) throw new Error("this is the student release of the course: it has no solutions (--solutions is for the instructor's course).");
  const folder = solutions || release ? "notebooks" : "student";

  writeKernelSpec();
  warmKernelCaches();
  if (!solutions && !release) refreshStudentEdition();

  const only = args.only;
  let jupyter = findJupyter(probeAll(), only);
  if (!jupyter) {
    console.log("Jupyter not found; trying to install it…");
    if (installJupyter()) jupyter = findJupyter(probeAll(), only);
    if (!jupyter) {
      console.error(`\n✖ ${only === "lab" ? "JupyterLab (or Debian's python3-jupyterlab-server for the course's own JupyterLab) was not found." : installInstructions()}`);
      process.exit(1);
    }
  }
  if (jupyter.app === "course-lab" && !args.dryRun) {
    const built = ensureLabApp();
    if (!built.ok) {
      const classic = only === "lab" ? null : findJupyter(probeAll(), "classic");
      console.error(`\n✖ ${built.message}${classic ? "\n  Opening the classic Notebook instead." : ""}`);
      if (!classic) process.exit(1);
      jupyter = classic;
    } else if (built.seconds > 1) console.log(built.message);
  }
  const port = await choosePort(args.port ?? Number(process.env.COURSE_PORT ?? 8888));
  const token = process.env.COURSE_TOKEN ?? randomBytes(16).toString("hex");
  const lab = jupyter.app !== "notebook";
  const first = `${folder}/01-logistic-regression.ipynb`;
  const url = lab ? `http://127.0.0.1:${port}/lab/tree/${first}?token=${token}` : `http://127.0.0.1:${port}/notebooks/${first}?token=${token}`;
  const jupyterArgs = jupyter.app === "course-lab"
    ? labAppArgs({ port, token, root: ROOT })
    : lab
    ? ["-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${port}`, "--ServerApp.port_retries=0", `--ServerApp.root_dir=${ROOT}`, `--IdentityProvider.token=${token}`, `--ServerApp.token=${token}`]
    : ["-m", "notebook", "--no-browser", "--NotebookApp.ip=127.0.0.1", `--NotebookApp.port=${port}`, "--NotebookApp.port_retries=0", `--NotebookApp.notebook_dir=${ROOT}`, `--NotebookApp.token=${token}`];
  // Jupyter refuses to start as root without this (containers, CI machines).
  if (typeof process.getuid === "function" && process.getuid() === 0) jupyterArgs.push(lab ? "--ServerApp.allow_root=True" : "--NotebookApp.allow_root=True");
  // File → New Notebook (and a notebook without a kernel) gets the course's TypeScript kernel, not python3:
  // the kernel manager's default, which both servers read from this trait.
  jupyterArgs.push(`--MappingKernelManager.default_kernel_name=${KERNEL_NAME}`);
  // Python 3.11's debugger support (debugpy, loaded by the server's Python kernel machinery) warns at every start
  // that frozen modules hide breakpoints ("Debugger warning: … frozen modules"); nobody debugs the server here.
  const quiet = { PYDEVD_DISABLE_FILE_VALIDATION: "1" };
  if (args.dryRun) {
    const plan = { python: jupyter.python, app: jupyter.app, args: jupyterArgs, env: quiet, url, ...(jupyter.app === "course-lab" ? { frontEndBuilt: labAppIsBuilt() } : {}) };
    console.log(JSON.stringify(plan, null, 2));
    return 0;
  }
  const name = {
    lab: `JupyterLab ${jupyter.version}`,
    "course-lab": `JupyterLab ${labAppVersion()} (the course's build, jupyterlab_server ${jupyter.version})`,
    notebook: `Jupyter Notebook (classic) ${jupyter.version}`,
  }[jupyter.app];
  console.log(`\nStarting ${name} with ${jupyter.python}…`);
  // Runtime files (connection files, cookie secret) stay in the project too.
  const base = { ...jupyterEnv(), ...quiet, JUPYTER_RUNTIME_DIR: path.join(JUPYTER_DATA, "runtime") };
  const env = jupyter.app === "course-lab" ? labAppEnv(base) : base;
  const child = spawn(jupyter.python, jupyterArgs, { cwd: ROOT, env, stdio: ["ignore", "inherit", "pipe"] });
  let announced = false;
  child.stderr.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    process.stderr.write(text);
    if (!announced && /is running at|Jupyter Server .* is running|http:\/\/127\.0\.0\.1/.test(text)) {
      announced = true;
      console.log(`\n  The course is open at:\n\n    ${url}\n\n  ${solutions ? "Instructor edition (solutions) in notebooks/." : `Your notebooks are in ${folder}/; your edits are never overwritten.`}  Ctrl-C stops the server.\n`);
    }
  });
  const stop = (): void => {
    child.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code, signal) => {
    if (code && !announced) console.error(`\n✖ Jupyter stopped with exit code ${code} before it was ready; its messages are above.`);
    process.exit(code ?? (signal ? 0 : 1));
  });
  return 0;
}

if (require.main === module) {
  runCommand(START_USAGE, main).then(
    // 0 once Jupyter is running: the process then lives until Jupyter exits (the handler above).
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (err: unknown) => {
      console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}

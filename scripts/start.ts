/**
 * `npm start`: registers the course kernel, refreshes the student edition,
 * finds (or installs) Jupyter, and starts it on localhost in the course folder.
 *
 *   npm start                      # student edition (student/)
 *   npm start -- --solutions       # instructors: the lessons with solutions (notebooks/)
 *   npm start -- --port 9000
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as net from "net";
import * as path from "path";
import { findJupyter, installInstructions, installJupyter, jupyterEnv, writeKernelSpec, JUPYTER_DATA, ROOT } from "./jupyter";
import { refreshStudentEdition } from "./student";

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

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const solutions = args.includes("--solutions");
  const folder = solutions ? "notebooks" : "student";

  writeKernelSpec();
  if (!solutions) refreshStudentEdition();

  let jupyter = findJupyter();
  if (!jupyter) {
    console.log("Jupyter not found; trying to install it…");
    if (installJupyter()) jupyter = findJupyter();
    if (!jupyter) {
      console.error(`\n✖ ${installInstructions()}`);
      process.exit(1);
    }
  }
  const port = await choosePort(Number(argValue(args, "--port") ?? process.env.COURSE_PORT ?? 8888));
  const token = process.env.COURSE_TOKEN ?? randomBytes(16).toString("hex");
  const lab = jupyter.app === "lab";
  const first = `${folder}/01-logistic-regression.ipynb`;
  const url = lab ? `http://127.0.0.1:${port}/lab/tree/${first}?token=${token}` : `http://127.0.0.1:${port}/notebooks/${first}?token=${token}`;
  const jupyterArgs = lab
    ? ["-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", `--ServerApp.port=${port}`, "--ServerApp.port_retries=0", `--ServerApp.root_dir=${ROOT}`, `--IdentityProvider.token=${token}`, `--ServerApp.token=${token}`]
    : ["-m", "notebook", "--no-browser", "--NotebookApp.ip=127.0.0.1", `--NotebookApp.port=${port}`, "--NotebookApp.port_retries=0", `--NotebookApp.notebook_dir=${ROOT}`, `--NotebookApp.token=${token}`];
  // Jupyter refuses to start as root without this (containers, CI machines).
  if (typeof process.getuid === "function" && process.getuid() === 0) jupyterArgs.push(lab ? "--ServerApp.allow_root=True" : "--NotebookApp.allow_root=True");
  if (args.includes("--dry-run")) {
    console.log(JSON.stringify({ python: jupyter.python, args: jupyterArgs, url }, null, 2));
    return;
  }
  console.log(`\nStarting ${lab ? "JupyterLab" : "Jupyter Notebook (classic)"} ${jupyter.version} with ${jupyter.python}…`);
  // Runtime files (connection files, cookie secret) stay in the project too.
  const env = { ...jupyterEnv(), JUPYTER_RUNTIME_DIR: path.join(JUPYTER_DATA, "runtime") };
  const child = spawn(jupyter.python, jupyterArgs, { cwd: ROOT, env, stdio: ["ignore", "inherit", "pipe"] });
  let announced = false;
  child.stderr.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    process.stderr.write(text);
    if (!announced && /is running at|Jupyter Server .* is running|http:\/\/127\.0\.0\.1/.test(text)) {
      announced = true;
      console.log(`\n  The course is open at:\n\n    ${url}\n\n  ${solutions ? "Instructor edition (solutions) in notebooks/." : "Your notebooks are in student/; your edits are never overwritten."}  Ctrl-C stops the server.\n`);
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
}

main().catch((err: unknown) => {
  console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

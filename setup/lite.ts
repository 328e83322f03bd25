/**
 * `npm run lite`: the zero-install edition. Builds dist/lite/, a static
 * JupyterLite site made from npm packages only (setup/lite-app/), that runs the
 * course's notebooks in the browser with a TypeScript kernel; students open it
 * from any static file server and need nothing installed.
 *
 *   npm run lite                    build dist/lite/ with the student editions
 *   npm run lite -- --solutions     … with the lessons as written (instructors, tests)
 *   npm run lite -- --out DIR       build into DIR instead
 *   npm run lite -- --serve         build (if anything changed), then serve it on 127.0.0.1
 *   npm run lite -- --serve --port 9000
 *
 * The build is skipped when the site in the output folder was built from the
 * same sources (a stamp records their hash), as for setup/jupyterlab-app/.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import { loadDigits } from "../lib/course/digits";
import { lessonSlugs } from "../lib/lessons";
import { studentEdition, VALIDATE_CELL_ID } from "./editions";
import { readNotebook, toSource, writeNotebook, type Cell } from "./notebook";

export const LITE_APP = path.join(ROOT, "setup", "lite-app");
export const LITE_OUT = path.join(ROOT, "dist", "lite");
/** setup/lite-app's files the site is built from (besides the course's build/lib, notebooks and data). */
const APP_SOURCES = ["package.json", "package-lock.json", "index.js", "build.js", "templates/index.html", "kernel/plugin.js", "kernel/worker.js", "kernel/convert.js", "kernel/fs.js", "kernel/globals.js", "kernel/root.js", "kernel/tslab.js"];
const STAMP = ".course-lite-stamp";

export interface LiteOptions {
  out: string;
  solutions: boolean;
}

/** The closing cell of a student notebook in the browser, instead of the `npm run validate` one. */
function liteValidateCell(notebookName: string): Cell {
  return {
    cell_type: "markdown",
    id: VALIDATE_CELL_ID,
    metadata: {},
    source: toSource(
      [
        "## Before you submit",
        "",
        "Your work is kept in this browser (reloading the page keeps it; clearing the browser's site data deletes it). " +
          `Download it with **File → Download** (\`${notebookName}\`). To see exactly what the grader will, run ` +
          `\`npm run validate -- ${notebookName}\` in a copy of the course on a computer with Node.js, or submit it as your instructor says.`,
      ].join("\n"),
    ),
  };
}

/** Writes the notebooks the site offers into `dir`: the student editions, or the lessons themselves. */
function writeNotebooks(dir: string, solutions: boolean): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const slug of lessonSlugs()) {
    const name = `${slug}.ipynb`;
    const source = readNotebook(path.join(ROOT, "notebooks", name));
    if (solutions) {
      writeNotebook(path.join(dir, name), source);
      continue;
    }
    const nb = studentEdition(source, `notebooks/${name}`, "notebooks");
    nb.cells = nb.cells.map((c) => (c.id === VALIDATE_CELL_ID ? liteValidateCell(name) : c));
    writeNotebook(path.join(dir, name), nb);
  }
}

function hashInputs(opts: LiteOptions): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ solutions: opts.solutions })).update("\0");
  const add = (file: string): void => {
    h.update(path.relative(ROOT, file)).update("\0");
    if (fs.existsSync(file)) h.update(fs.readFileSync(file));
    h.update("\0");
  };
  for (const f of APP_SOURCES) add(path.join(LITE_APP, f));
  add(path.join(ROOT, "build", ".stamp"));
  add(path.join(ROOT, "build", "BUILD_ERRORS.txt"));
  for (const slug of lessonSlugs()) add(path.join(ROOT, "notebooks", `${slug}.ipynb`));
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else add(p);
    }
  };
  walk(path.join(ROOT, "data"));
  return h.digest("hex");
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } });
  return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

/** Installs setup/lite-app's packages when its lock file changed (npm ci). */
function ensureAppInstalled(log: (s: string) => void): void {
  const marker = path.join(LITE_APP, "node_modules", ".course-lock-hash");
  const lockHash = createHash("sha256").update(fs.readFileSync(path.join(LITE_APP, "package-lock.json"))).digest("hex");
  if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8").trim() === lockHash) return;
  log("Installing the browser edition's npm packages (once; about 40 s)…");
  const r = run(process.platform === "win32" ? "npm.cmd" : "npm", ["ci"], LITE_APP, 15 * 60_000);
  if (!r.ok) throw new Error(`could not install setup/lite-app's npm packages (npm ci):\n${r.output.split("\n").slice(-15).join("\n")}`);
  fs.writeFileSync(marker, lockHash + "\n");
}

/** Builds the site into opts.out unless it is current. Returns what happened. */
export function buildLite(opts: LiteOptions, log: (s: string) => void = (s) => console.log(s)): { built: boolean; seconds: number } {
  const t0 = Date.now();
  ensureAppInstalled(log);
  // The resampled digits, built once from the mnist package, are shipped as a file the kernel reads on demand.
  loadDigits({ digits: [0], perDigit: 1 });
  const hash = hashInputs(opts);
  const stamp = path.join(opts.out, STAMP);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === hash) return { built: false, seconds: (Date.now() - t0) / 1000 };
  const notebooks = fs.mkdtempSync(path.join(os.tmpdir(), "course-lite-"));
  try {
    writeNotebooks(notebooks, opts.solutions);
    log(`Building the browser edition (${opts.solutions ? "lessons with solutions" : "student editions"}) into ${path.relative(ROOT, opts.out) || opts.out}…`);
    const r = run(process.execPath, [path.join(LITE_APP, "build.js"), "--root", ROOT, "--out", opts.out, "--notebooks", notebooks], LITE_APP, 10 * 60_000);
    if (!r.ok) throw new Error(`could not build the browser edition (setup/lite-app/build.js):\n${r.output.split("\n").slice(-30).join("\n")}`);
  } finally {
    fs.rmSync(notebooks, { recursive: true, force: true });
  }
  fs.writeFileSync(stamp, hash + "\n");
  return { built: true, seconds: (Date.now() - t0) / 1000 };
}

function siteSize(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? siteSize(p) : fs.statSync(p).size;
  }
  return total;
}

function parseArgs(argv: string[]): LiteOptions & { serve: boolean; port: number } {
  const opts = { out: LITE_OUT, solutions: false, serve: false, port: 8000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--solutions") opts.solutions = true;
    else if (a === "--serve") opts.serve = true;
    else if (a === "--out") opts.out = path.resolve(argv[++i] ?? "");
    else if (a === "--port") opts.port = Number(argv[++i]);
    else throw new Error(`unknown option ${a}: use --solutions, --out DIR, --serve, --port N`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error("--port needs a port number");
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const r = buildLite(opts);
  const size = (siteSize(opts.out) / 1e6).toFixed(1);
  console.log(r.built ? `Built ${opts.out} in ${r.seconds.toFixed(1)} s (${size} MB).` : `${opts.out} is up to date (${size} MB).`);
  if (!opts.serve) {
    console.log("Serve it with any static file server, or `npm run lite -- --serve`.");
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { serve } = require(path.join(LITE_APP, "serve.js")) as { serve: (dir: string, port: number) => Promise<{ url: string }> };
  const { url } = await serve(opts.out, opts.port);
  console.log(`Serving the browser edition at ${url} (Ctrl-C stops it).`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

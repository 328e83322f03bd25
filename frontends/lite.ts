/**
 * `npm run lite`: the zero-install edition. Builds dist/lite/, a static
 * JupyterLite site made from npm packages only (frontends/lite-app/), that runs the
 * course's notebooks in the browser with a TypeScript kernel; students open it
 * from any static file server and need nothing installed.
 *
 *   npm run lite                    build dist/lite/ with the student editions
 *   npm run lite -- --solutions     … with the lessons as written (instructors, tests)
 *   npm run lite -- --out DIR       build into DIR instead
 *   npm run lite -- --serve         build (if anything changed), then serve it on 127.0.0.1
 *   npm run lite -- --serve --port 9000
 *   npm run lite -- --drafts        … with draft lessons too (lib/lessons.ts, `draft: true`; left out otherwise)
 *   npm run lite -- --hidden DIR    also refuse a site holding an expected value of DIR's hidden checks
 *
 * The site never holds a graded quiz key or a hidden check's expected value:
 * the build refuses to finish when tools/secret-scan.ts finds one in it.
 *
 * The build is skipped when the site in the output folder was built from the
 * same sources (a stamp records their hash), as for frontends/jupyterlab-app/;
 * when only the notebooks changed (switching between the student editions and
 * --solutions), only they are written.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import { callerPath, parseCommandLine, runCommand, UsageError } from "../lib/runtime/command-line";
import { loadDigits } from "../lib/course/digits";
import { LESSONS, lessonSlugs, publishedSlugs } from "../lib/lessons";
import { courseSecrets, describeLeaks, findSecretLeaks } from "../tools/secret-scan";
import { studentEdition } from "../editions/editions";
import { readNotebook, writeNotebook } from "../editions/notebook";
import { npmCiIfLockChanged, runStep } from "./npm-app";

export const LITE_APP = path.join(ROOT, "frontends", "lite-app");
export const LITE_OUT = path.join(ROOT, "dist", "lite");
/**
 * frontends/lite-app's files the site is built from (besides the course's build/lib, notebooks and data), relative
 * to it: every regular file but installed packages, what the build generates (dot folders), its documentation
 * and the declarations only its type check reads (types/, tsconfig.json, check-types.js). Walked, not listed: a
 * hand-kept list had missed the interrupt's four files, so editing one left a stale site.
 */
export function appSources(dir: string = LITE_APP): string[] {
  const typeCheckOnly = new Set(["types", "tsconfig.json", "check-types.js"]);
  const walk = (rel: string): string[] =>
    fs.readdirSync(path.join(dir, rel)).sort().flatMap((name) => {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(dir, r));
      if (name === "node_modules" || name.startsWith(".") || (rel === "" && typeCheckOnly.has(name))) return [];
      if (st.isDirectory()) return walk(r);
      return st.isFile() && !name.endsWith(".md") ? [r] : [];
    });
  return [...walk(""), "../jupyterlab-app/extensions.json"];
}
const STAMP = ".course-lite-stamp";

interface LiteOptions {
  out: string;
  solutions: boolean;
  /** A site folder (the other edition) whose bundles may be copied when they were built from the same sources. */
  reuse?: string;
  /** Include draft lessons (left out otherwise). */
  drafts?: boolean;
  /** An instructor's hidden-check folders: the build refuses if one of their expected values is in the site. */
  hiddenDirs?: readonly string[];
}

/** The lessons a site offers: every lesson but drafts, unless asked. */
function siteSlugs(opts: LiteOptions): string[] {
  return publishedSlugs(LESSONS, opts.drafts === true);
}

/** Writes the notebooks the site offers into `dir`: the student editions, or the lessons themselves. */
function writeNotebooks(dir: string, solutions: boolean, slugs: readonly string[]): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const slug of slugs) {
    const name = `${slug}.ipynb`;
    const source = readNotebook(path.join(ROOT, "notebooks", name));
    if (solutions) {
      writeNotebook(path.join(dir, name), source);
      continue;
    }
    // Its closing cell says how to keep and validate work done in a browser; the hash it records covers that cell.
    writeNotebook(path.join(dir, name), studentEdition(source, `notebooks/${name}`, "browser"));
  }
}

/**
 * Hashes of what a site is built from: `app`, everything but the notebooks
 * (frontends/lite-app/, the compiled course library, data/); `site`, that and the
 * notebooks it offers.
 */
function hashInputs(opts: LiteOptions): SiteStamp {
  const app = createHash("sha256");
  const add = (h: ReturnType<typeof createHash>, file: string): void => {
    h.update(path.relative(ROOT, file)).update("\0");
    if (fs.existsSync(file)) h.update(fs.readFileSync(file));
    h.update("\0");
  };
  for (const f of appSources()) add(app, path.join(LITE_APP, f));
  add(app, path.join(ROOT, "build", ".stamp"));
  add(app, path.join(ROOT, "build", "BUILD_ERRORS.txt"));
  // The type checker's light program reads it (frontends/lite-app/checker-files.js).
  add(app, path.join(ROOT, "kernel", "kernel-types", "globals.d.ts"));
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else add(app, p);
    }
  };
  walk(path.join(ROOT, "data"));
  // The lessons it holds (drafts or not) decide the kernel's modules and data as well as the notebooks.
  app.update(JSON.stringify(siteSlugs(opts)));
  const appHash = app.digest("hex");
  const site = createHash("sha256").update(appHash).update(JSON.stringify({ solutions: opts.solutions })).update("\0");
  for (const slug of siteSlugs(opts)) add(site, path.join(ROOT, "notebooks", `${slug}.ipynb`));
  return { app: appHash, site: site.digest("hex") };
}

interface SiteStamp {
  app: string;
  site: string;
}

function readStamp(dir: string): SiteStamp | null {
  try {
    const s = JSON.parse(fs.readFileSync(path.join(dir, STAMP), "utf8")) as Partial<SiteStamp>;
    return typeof s.app === "string" && typeof s.site === "string" ? { app: s.app, site: s.site } : null;
  } catch {
    return null;
  }
}


/** Installs frontends/lite-app's packages when its lock file changed (npm ci). */
function ensureAppInstalled(log: (s: string) => void): void {
  const r = npmCiIfLockChanged(LITE_APP, () => log("Installing the browser edition's npm packages (once; about 40 s)…"));
  if (r && !r.ok) throw new Error(`could not install frontends/lite-app's npm packages (npm ci):\n${r.output}`);
}

/**
 * Builds the site into opts.out unless it is current. When only the notebooks
 * differ (the other edition was built there, or is in `opts.reuse`), the
 * bundles are kept (or copied) and only the notebooks are written. Returns
 * what happened.
 */
export function buildLite(options: LiteOptions, log: (s: string) => void = (s) => console.log(s)): { built: "no" | "notebooks" | "all"; seconds: number } {
  const t0 = Date.now();
  // build.js runs in frontends/lite-app/: a relative folder means one relative to this process's directory.
  const opts = { ...options, out: path.resolve(options.out) };
  ensureAppInstalled(log);
  // The resampled digits, built once from the mnist package, are shipped as a file the kernel reads on demand.
  loadDigits({ digits: [0], perDigit: 1 });
  const hash = hashInputs(opts);
  const current = readStamp(opts.out);
  if (current?.site === hash.site) return { built: "no", seconds: (Date.now() - t0) / 1000 };
  let contentsOnly = current?.app === hash.app;
  if (!contentsOnly && opts.reuse && path.resolve(opts.reuse) !== opts.out && readStamp(opts.reuse)?.app === hash.app) {
    fs.rmSync(opts.out, { recursive: true, force: true });
    fs.cpSync(path.resolve(opts.reuse), opts.out, { recursive: true });
    contentsOnly = true;
  }
  // A half-written site must not look current.
  fs.rmSync(path.join(opts.out, STAMP), { force: true });
  const notebooks = fs.mkdtempSync(path.join(os.tmpdir(), "course-lite-"));
  try {
    writeNotebooks(notebooks, opts.solutions, siteSlugs(opts));
    const what = opts.solutions ? "lessons with solutions" : "student editions";
    log(contentsOnly ? `Writing the ${what} into the browser edition in ${path.relative(ROOT, opts.out) || opts.out}…` : `Building the browser edition (${what}) into ${path.relative(ROOT, opts.out) || opts.out}…`);
    const args = [path.join(LITE_APP, "build.js"), "--root", ROOT, "--out", opts.out, "--notebooks", notebooks, "--lessons", siteSlugs(opts).join(","), ...(contentsOnly ? ["--contents-only"] : [])];
    const r = runStep(LITE_APP, process.execPath, args, 10 * 60_000, 30);
    if (!r.ok) throw new Error(`could not build the browser edition (frontends/lite-app/build.js):\n${r.output}`);
  } finally {
    fs.rmSync(notebooks, { recursive: true, force: true });
  }
  // No graded quiz key or hidden expected value may be published; the stamp is written only for a clean site.
  const leaks = findSecretLeaks(opts.out, courseSecrets(ROOT, opts.hiddenDirs ?? [], lessonSlugs()));
  if (leaks.length) throw new Error(describeLeaks(leaks, `the browser edition (${opts.out})`));
  fs.writeFileSync(path.join(opts.out, STAMP), JSON.stringify(hash) + "\n");
  return { built: contentsOnly ? "notebooks" : "all", seconds: (Date.now() - t0) / 1000 };
}

function siteSize(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? siteSize(p) : fs.statSync(p).size;
  }
  return total;
}

const LITE_USAGE = "npm run lite -- [--solutions] [--drafts] [--hidden DIR]... [--out DIR] [--serve] [--port N]";

/** Reads the command line; every path is resolved against the caller's folder. Throws UsageError. */
export function parseLiteArgs(argv: readonly string[]): LiteOptions & { serve: boolean; port: number } {
  const { values: v, positionals } = parseCommandLine(argv, {
    solutions: { type: "boolean" },
    drafts: { type: "boolean" },
    hidden: { type: "string", multiple: true },
    serve: { type: "boolean" },
    out: { type: "string" },
    port: { type: "string" },
  });
  if (positionals.length) throw new UsageError(`npm run lite takes only options (got ${positionals.join(" ")})`);
  const hiddenDirs = (v.hidden ?? []).map(callerPath);
  for (const dir of hiddenDirs) if (!fs.existsSync(dir)) throw new UsageError(`--hidden needs a hidden-checks folder (${dir} does not exist)`);
  const port = v.port === undefined ? 8000 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port needs a port number (got ${v.port})`);
  return { out: v.out === undefined ? LITE_OUT : callerPath(v.out), solutions: v.solutions ?? false, serve: v.serve ?? false, port, drafts: v.drafts ?? false, hiddenDirs };
}

async function main(): Promise<number> {
  const opts = parseLiteArgs(process.argv.slice(2));
  const r = buildLite(opts);
  const size = (siteSize(opts.out) / 1e6).toFixed(1);
  console.log(r.built !== "no" ? `Built ${opts.out} in ${r.seconds.toFixed(1)} s (${size} MB).` : `${opts.out} is up to date (${size} MB).`);
  if (!opts.serve) {
    console.log("Serve it with any static file server, or `npm run lite -- --serve`.");
    return 0;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { serve } = require(path.join(LITE_APP, "serve.js")) as { serve: (dir: string, port: number) => Promise<{ url: string }> };
  const { url } = await serve(opts.out, opts.port);
  console.log(`Serving the browser edition at ${url} (Ctrl-C stops it).`);
  return 0;
}

if (require.main === module) {
  runCommand(LITE_USAGE, main).then(
    // 0: built (and, with --serve, serving until Ctrl-C).
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (err: unknown) => {
      console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}

// @ts-check
/**
 * Compiles the course (lib, setup, tools, grading, tests) into build/ with the project's own
 * TypeScript, only when a source is newer than the last build; the same compile type-checks the
 * kernel's JavaScript (setup/*.js, kernel/hooks/*.js: tsconfig.json's checkJs), so a type error
 * there fails the build like one in TypeScript. Then the browser kernel's JavaScript
 * (frontends/lite-app: its own tsconfig.json, checked by its check-types.js against the compiled
 * grading modules it imports) is type-checked the same way. Plain JS with no
 * dependencies: it runs before anything else is built (npm start, npm test,
 * and the kernel launcher, so an instructor's edit to lib/ is picked up on a
 * kernel restart).
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const { ROOT } = require("../lib/runtime/root");
const STAMP = path.join(ROOT, "build", ".stamp");
/**
 * The same stamp where kernels in the grading sandbox can read it (they see
 * build/lib, not build/): the kernel's cell cache is keyed by it, so a cell
 * compiled against an older library is never reused (kernel/hooks/cell-cache.js).
 */
const LIB_STAMP = path.join(ROOT, "build", "lib", ".stamp");
const ERRORS = path.join(ROOT, "build", "BUILD_ERRORS.txt");
/** The folders tsconfig.json compiles (frontends/jupyterlab-app has its own build and is skipped). */
const SOURCE_DIRS = ["lib", "kernel", "setup", "editions", "bench", "frontends", "tools", "grading", "test"];
/**
 * The plain JavaScript tsconfig.json type-checks (checkJs), as paths relative to the course: an
 * edit to the kernel's JavaScript makes the build stale, so `npm run build` checks it again.
 */
const CHECKED_JS = /^(lib\/runtime\/root|setup\/[^/]+|kernel\/.+|frontends\/lite-app\/(?:(?:kernel|work|validate|hooks|sw)\/)?[^/]+)\.js$/;
/** The browser kernel's type check (a second program: frontends/lite-app/tsconfig.json, no output). */
const LITE_CHECK = path.join(ROOT, "frontends", "lite-app", "check-types.js");
const LITE_TSCONFIG = path.join(ROOT, "frontends", "lite-app", "tsconfig.json");
const JUPYTERLAB_APP = path.join(ROOT, "frontends", "jupyterlab-app");

/** Newest modification time of the compiled sources. */
function newestSource() {
  let newest = 0;
  const walk = (/** @type {string} */ dir) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      // Not compiled by tsconfig.json: packages, and the JupyterLab build (thousands of .ts files
      // under its node_modules, which cost every kernel start ~0.25 s to stat).
      if (e.isDirectory() && (e.name === "node_modules" || p === JUPYTERLAB_APP)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") || CHECKED_JS.test(path.relative(ROOT, p).split(path.sep).join("/"))) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) walk(path.join(ROOT, d));
  const liteConfig = fs.existsSync(LITE_TSCONFIG) ? fs.statSync(LITE_TSCONFIG).mtimeMs : 0;
  return Math.max(newest, liteConfig, fs.statSync(path.join(ROOT, "tsconfig.json")).mtimeMs);
}

/** True when build/ is older than some source. */
function isStale() {
  return !fs.existsSync(STAMP) || fs.statSync(STAMP).mtimeMs < newestSource();
}

/**
 * Builds if stale. Type errors do not stop the build (tsc still emits), but are
 * written to build/BUILD_ERRORS.txt, which the notebooks' setup() shows.
 * @param {{ quiet?: boolean, strict?: boolean }} [opts] strict: throw on type errors
 * @returns {{ built: boolean, ok: boolean, output: string }}
 */
function ensureBuilt(opts = {}) {
  if (!isStale()) return { built: false, ok: !fs.existsSync(ERRORS), output: "" };
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  if (!fs.existsSync(tsc)) throw new Error("TypeScript is not installed: run `npm ci` in the course folder.");
  if (!opts.quiet) process.stderr.write("Compiling the course library (lib/ → build/)…\n");
  // The stamp carries the time the build started: a source saved while tsc runs
  // (which tsc may not have read) is then newer than the stamp, so it is built next time.
  const started = new Date();
  const r = spawnSync(process.execPath, [tsc, "-p", ROOT], { cwd: ROOT, encoding: "utf8" });
  let output = `${r.stdout || ""}${r.stderr || ""}`.trim();
  let ok = r.status === 0;
  // The browser kernel, once the course compiled (it imports build/grading's declarations).
  if (ok && fs.existsSync(LITE_CHECK)) {
    // --if-changed: skipped when nothing it read changed (an edit to lib/ alone rebuilds the course, not this).
    const lite = spawnSync(process.execPath, [LITE_CHECK, "--if-changed"], { cwd: ROOT, encoding: "utf8" });
    output = [output, `${lite.stdout || ""}${lite.stderr || ""}`.trim()].filter(Boolean).join("\n");
    ok = lite.status === 0;
  }
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  if (ok) {
    if (fs.existsSync(ERRORS)) fs.unlinkSync(ERRORS);
    fs.writeFileSync(LIB_STAMP, started.toISOString());
    fs.writeFileSync(STAMP, started.toISOString());
    fs.utimesSync(STAMP, started, started);
    return { built: true, ok: true, output };
  }
  fs.writeFileSync(ERRORS, output + "\n");
  // No stamp: the next start tries again once the source is fixed.
  if (opts.strict) throw new Error(`TypeScript errors in the course:\n${output}`);
  if (!opts.quiet) process.stderr.write(`${output}\n`);
  return { built: true, ok: false, output };
}

module.exports = { ensureBuilt, ROOT };

if (require.main === module) {
  try {
    const r = ensureBuilt({ strict: process.argv.includes("--strict") });
    process.stderr.write(r.built ? "build/ is up to date.\n" : "build/ was already up to date.\n");
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  }
}

#!/usr/bin/env node
// @ts-check
// Type-checks the browser edition's JavaScript (this folder's tsconfig.json: checkJs, strict, no output).
// `npm run build` runs it after the course's compile (kernel/build-lib.js): the browser kernel, its workers,
// the front end's plugins and the build scripts fail the build on a type error, as the tslab kernel's
// JavaScript does in the root tsconfig.json.
//
//   node frontends/lite-app/check-types.js            check against types/*.d.ts (no install needed)
//   node frontends/lite-app/check-types.js --real     check against the installed packages
//                                                     (frontends/lite-app/node_modules: `npm run lite` installs them)
//   … --json                                          the diagnostics as JSON ([{file, line, column, code, message}];
//                                                     null: not checked, see --if-changed)
//   … --if-changed                                    skip the check when nothing it read changed since the last clean one
//                                                     (kernel/build-lib.js: a lib/ edit rebuilds the course, not this)
//
// It is a script rather than `tsc -p` for one reason: after `npm run lite`, .gen/ holds the generated
// modules (the data files, the lessons' module table, the extension list) and TypeScript would resolve the
// imports of .gen/*.js to them and check them: what is checked would depend on the last site built. This
// host hides .gen/ so those imports always resolve to types/gen.d.ts's declarations.
"use strict";
const fs = require("fs");
const path = require("path");

const HERE = __dirname;
/** The course's root: the TypeScript that checks is the course's own (root package.json). */
const ROOT = path.resolve(HERE, "..", "..");
const GEN = path.join(HERE, ".gen") + path.sep;
/**
 * What the last clean check read (every file of its program, the config and this script), with sizes and
 * modification times: `--if-changed` skips the check when all are as they were and the folder's file list
 * is the same. In build/, which is the build's output (a fresh clone has none: it checks).
 */
const STAMP = path.join(ROOT, "build", ".lite-types-stamp.json");

/**
 * @typedef {{ roots: string[], files: [string, number, number][] }} Stamp
 */

/**
 * @param {string} file
 * @returns {[string, number, number] | null}
 */
function fileState(file) {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? [file, st.size, st.mtimeMs] : null;
}

/**
 * True when the last clean check read exactly these roots and none of its files changed since.
 * @param {string[]} roots
 */
function unchangedSinceClean(roots) {
  /** @type {Stamp} */
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(STAMP, "utf8"));
  } catch {
    return false;
  }
  if (!Array.isArray(stamp.roots) || !Array.isArray(stamp.files) || stamp.roots.join("\n") !== roots.join("\n")) return false;
  return stamp.files.every(([file, size, mtime]) => {
    const now = fileState(file);
    return now !== null && now[1] === size && now[2] === mtime;
  });
}

/**
 * @typedef {{ file: string, line: number, column: number, code: number, message: string }} TypeDiagnostic
 *   file: relative to the course root ("frontends/lite-app/kernel/worker.js"); line and column from 1.
 */

/**
 * Checks the folder's JavaScript; returns the diagnostics (none: it type-checks), or null when
 * `ifChanged` and nothing the last clean check read has changed.
 * @param {{ real?: boolean, ifChanged?: boolean }} [opts] real: resolve the browser-only packages to the installed ones
 * @returns {TypeDiagnostic[] | null}
 */
function checkLiteTypes(opts = {}) {
  /** @type {typeof import("typescript")} */
  const ts = require(require.resolve("typescript", { paths: [ROOT] }));
  const configPath = path.join(HERE, "tsconfig.json");
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!config) throw new Error(`could not read ${configPath}`);
  const options = { ...config.options };
  if (opts.real) {
    if (!fs.existsSync(path.join(HERE, "node_modules", "@jupyterlab", "coreutils"))) {
      throw new Error("--real needs the browser edition's packages: run `npm run lite` (or `npm ci` in frontends/lite-app) first.");
    }
    delete options.paths;
  }
  // .gen/ is the site build's output. Without --real, this folder's own node_modules is hidden too: the check
  // must read the same files whether or not the browser edition is installed (an import of "buffer" found the
  // installed package before the declarations in types/), so that `npm run build` gives one verdict on a fresh
  // clone and on a checkout whose site was built, and its stamp names no file a course copy leaves out.
  const hiddenDirs = opts.real ? [GEN] : [GEN, path.join(HERE, "node_modules") + path.sep];
  const hidden = (/** @type {string} */ p) => hiddenDirs.some((d) => path.resolve(p).startsWith(d));
  const host = ts.createCompilerHost(options);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (p) => !hidden(p) && fileExists(p);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (p) => !hidden(p + path.sep) && (directoryExists ? directoryExists(p) : true);
  const roots = [...config.fileNames].sort();
  const useStamp = opts.ifChanged && !opts.real;
  if (useStamp && unchangedSinceClean(roots)) return null;
  const program = ts.createProgram({ rootNames: config.fileNames, options, host });
  const all = [...config.errors, ...ts.getPreEmitDiagnostics(program)];
  const errors = all.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (useStamp) {
    if (errors.length) fs.rmSync(STAMP, { force: true });
    else {
      const read = [configPath, __filename, ...program.getSourceFiles().map((f) => f.fileName)];
      /** @type {Stamp} */
      const stamp = { roots, files: read.map(fileState).filter((s) => s !== null) };
      fs.mkdirSync(path.dirname(STAMP), { recursive: true });
      fs.writeFileSync(STAMP, JSON.stringify(stamp));
    }
  }
  return errors
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1, character: -1 };
      return {
        file: d.file ? path.relative(ROOT, d.file.fileName).split(path.sep).join("/") : "",
        line: pos.line + 1,
        column: pos.character + 1,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
      };
    });
}

/**
 * tsc's one-line form: `file(line,column): error TSxxxx: message`.
 * @param {TypeDiagnostic} d
 */
function formatDiagnostic(d) {
  return d.file ? `${d.file}(${d.line},${d.column}): error TS${d.code}: ${d.message}` : `error TS${d.code}: ${d.message}`;
}

if (require.main === module) {
  let diagnostics;
  try {
    diagnostics = checkLiteTypes({ real: process.argv.includes("--real"), ifChanged: process.argv.includes("--if-changed") });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : err}\n`);
    process.exit(2);
  }
  // null (--json) or nothing: unchanged since the last clean check, not checked again.
  if (process.argv.includes("--json")) process.stdout.write(JSON.stringify(diagnostics) + "\n");
  else if (diagnostics === null) process.exit(0);
  else for (const d of diagnostics) process.stdout.write(formatDiagnostic(d) + "\n");
  process.exit(diagnostics?.length ? 1 : 0);
}

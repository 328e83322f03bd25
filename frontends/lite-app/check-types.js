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
//   … --json                                          the diagnostics as JSON ([{file, line, column, code, message}])
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
 * @typedef {{ file: string, line: number, column: number, code: number, message: string }} TypeDiagnostic
 *   file: relative to the course root ("frontends/lite-app/kernel/worker.js"); line and column from 1.
 */

/**
 * Checks the folder's JavaScript; returns the diagnostics (none: it type-checks).
 * @param {{ real?: boolean }} [opts] real: resolve the browser-only packages to the installed ones
 * @returns {TypeDiagnostic[]}
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
  const hidden = (/** @type {string} */ p) => path.resolve(p).startsWith(GEN);
  const host = ts.createCompilerHost(options);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (p) => !hidden(p) && fileExists(p);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (p) => !hidden(p + path.sep) && (directoryExists ? directoryExists(p) : true);
  const program = ts.createProgram({ rootNames: config.fileNames, options, host });
  const all = [...config.errors, ...ts.getPreEmitDiagnostics(program)];
  return all
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
    diagnostics = checkLiteTypes({ real: process.argv.includes("--real") });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : err}\n`);
    process.exit(2);
  }
  if (process.argv.includes("--json")) process.stdout.write(JSON.stringify(diagnostics) + "\n");
  else for (const d of diagnostics) process.stdout.write(formatDiagnostic(d) + "\n");
  process.exit(diagnostics.length ? 1 : 0);
}

/**
 * A hook into tslab's converter (node_modules/tslab/dist/converter.js), for the
 * browser kernel's type checker (kernel/checker-worker.js). build.js bundles
 * tslab's converter with `require("@tslab/typescript-for-tslab")` resolved to
 * this file, which hands it tslab's own TypeScript (5.0.4, the same messages)
 * with two things changed:
 *  - `sys`: TypeScript has no `sys` in a browser; tslab's converter reads every
 *    file through `ts.sys` (it derives its own from it). This one is a virtual,
 *    read-only file system over the .d.ts files build.js collected
 *    (checker-files.js), rooted like the course: /course/notebooks is the
 *    kernel's working directory, TypeScript's lib files are in /ts.
 *  - `createWatchCompilerHost`: while `setLight(true)`, a program is created
 *    as the Node kernel's light program is (kernel/hooks/typescript-loader.js):
 *    no @types, kernel/kernel-types/globals.d.ts added.
 * The typescript module's exports are getters, so a copy is made, not a patch.
 *
 * Patches: the "@tslab/typescript-for-tslab" module tslab's dist/converter.js requires, in the browser bundle only (build.js, buildChecker): its `sys` and `createWatchCompilerHost`.
 * Relies on: tslab 1.0.22 dist/converter.js reading files only through `ts.sys` (readFile, fileExists, directoryExists, getDirectories, watchFile, getCurrentDirectory) and calling `ts.createWatchCompilerHost(rootFiles, options, sys, …)`; TypeScript 5.0.4's exports.
 * Guarded by: test/browser/lite-types.test.ts "every cell gets tslab's verdict: the same diagnostics (line, column, message); a cell with errors does not run"
 */
"use strict";
const real = require("@tslab/typescript-for-tslab/lib/typescript.js");

const GLOBALS = "/course/kernel/kernel-types/globals.d.ts";

/** path → text */
/** @type {Map<string, string>} */
const files = new Map();
/** Every folder that holds a file (and its ancestors). */
const dirs = new Set(["/"]);
let cwd = "/course/notebooks";
let light = true;

/**
 * @param {Record<string, string>} map
 */
function addFiles(map) {
  for (const [p, text] of Object.entries(map)) {
    files.set(p, text);
    for (let d = p.slice(0, p.lastIndexOf("/")); d && !dirs.has(d); d = d.slice(0, d.lastIndexOf("/"))) dirs.add(d);
  }
}

const trim = (/** @type {string} */ p) => (p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p);
const noWatch = { close: () => undefined };

// (No resolvePath: tslab's converter never calls it; `now` is one TypeScript 5.0.4 reads.)
/** @type {Omit<import("typescript").System, "resolvePath"> & { now(): Date }} */
const sys = {
  args: [],
  newLine: "\n",
  useCaseSensitiveFileNames: true,
  write: () => undefined,
  writeOutputIsTTY: () => false,
  readFile: (p) => files.get(p),
  writeFile: () => {
    throw new Error("the type checker writes no files");
  },
  fileExists: (p) => files.has(p),
  directoryExists: (p) => dirs.has(trim(p)),
  createDirectory: () => undefined,
  getExecutingFilePath: () => "/ts/typescript.js",
  getCurrentDirectory: () => cwd,
  getDirectories: (p) => {
    const prefix = trim(p) + "/";
    const out = new Set();
    for (const d of dirs) if (d.startsWith(prefix) && !d.slice(prefix.length).includes("/")) out.add(d.slice(prefix.length));
    return [...out];
  },
  readDirectory: () => [],
  getModifiedTime: () => new Date(0),
  realpath: (p) => p,
  watchFile: () => noWatch,
  watchDirectory: () => noWatch,
  setTimeout: (cb, ms, ...args) => setTimeout(cb, ms, ...args),
  clearTimeout: (t) => clearTimeout(t),
  exit: () => undefined,
  now: () => new Date(),
};

/** @type {Record<string, unknown>} */
const ts = {};
for (const k of Object.keys(real)) {
  if (k === "sys" || k === "createWatchCompilerHost") continue;
  Object.defineProperty(ts, k, { enumerable: true, get: () => /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (real))[k] });
}
ts.sys = sys;
/**
 * @param {string[]} rootFiles
 * @param {import("typescript").CompilerOptions} options
 * @param {unknown[]} rest
 */
ts.createWatchCompilerHost = function (rootFiles, options, ...rest) {
  // (`rest`: the rest of TypeScript's arguments, passed on as they came.)
  if (light) return /** @type {any} */ (real).createWatchCompilerHost([...rootFiles, GLOBALS], { ...options, types: [] }, ...rest);
  return /** @type {any} */ (real).createWatchCompilerHost(rootFiles, options, ...rest);
};

module.exports = ts;
module.exports.__checker = {
  addFiles,
  setCwd: (/** @type {string} */ dir) => {
    cwd = dir;
  },
  /** The files under `dir` (a folder of the virtual file system). */
  list: (/** @type {string} */ dir) => [...files.keys()].filter((p) => p.startsWith(`${dir}/`)),
  setLight: (/** @type {boolean} */ on) => {
    light = on;
  },
};

// @ts-check
/**
 * The light type check's TypeScript: hands tslab's converter a copy of
 * TypeScript whose createWatchCompilerHost
 *  - builds the program without @types/node while `shared.light` is set (the
 *    light converter sets it): tslab's TypeScript program normally loads every
 *    package under node_modules/@types, i.e. @types/node (2.2 MB of .d.ts,
 *    about half of all the TypeScript it parses, ~40 MB of heap, ~1 s of
 *    start-up). Notebooks only need a handful of Node's globals, declared in
 *    setup/kernel-types/globals.d.ts (GLOBALS), which the light program reads
 *    instead;
 *  - gives tslab's watch program the light builder (kernel/hooks/light-builder.js)
 *    unless COURSE_TSLAB_BUILDER is set;
 *  - keeps tslab's single timer slot for program updates (kernel/hooks/program-timer.js).
 * The typescript module's exports are non-configurable getters, so a copy of
 * it is handed to tslab's converter instead; tslab itself is not modified.
 *
 * Patches: Node's Module._load, for the one request "@tslab/typescript-for-tslab" made by tslab's dist/converter.js, whose answer gets another createWatchCompilerHost.
 * Relies on: Node 20's internal `Module._load(request, parent)`; tslab 1.0.22 dist/converter.js requiring "@tslab/typescript-for-tslab" (TypeScript 5.0.4) by that name and calling `createWatchCompilerHost(rootFiles, options, system, createProgram = undefined, …)`.
 * Guarded by: test/setup/kernel-speedups.test.ts "the light program checks types without @types/node and switches to the full one when a cell needs Node"
 */
"use strict";
const Module = require("module");
const path = require("path");
const { lightBuilder } = require("./light-builder");
const { oneProgramTimer } = require("./program-timer");
const { shared, status } = require("./state");

/** The few Node globals the light program declares (setup/kernel-types/globals.d.ts). */
const GLOBALS = path.join(__dirname, "..", "..", "setup", "kernel-types", "globals.d.ts");

/**
 * tslab's converter, given a TypeScript whose createWatchCompilerHost honours
 * `shared.light` and makes the light builder. (The typescript module's exports are non-configurable getters: a
 * copy of it is handed to tslab's converter instead.)
 */
function hookTypeScript() {
  const load = /** @type {any} */ (Module)._load;
  /** @type {any} */ (Module)._load = function (/** @type {string} */ request, /** @type {any} */ parent) {
    const m = load.apply(this, arguments);
    if (request !== "@tslab/typescript-for-tslab" || !parent || !/tslab[\\/]dist[\\/]converter\.js$/.test(parent.filename)) return m;
    /** @type {any} */
    const copy = {};
    for (const k of Object.keys(m)) if (k !== "createWatchCompilerHost") Object.defineProperty(copy, k, { enumerable: true, get: () => m[k] });
    copy.createWatchCompilerHost = function (/** @type {string[]} */ rootFiles, /** @type {any} */ options, /** @type {any[]} */ ...rest) {
      // tslab passes (system, createProgram = null, …): TypeScript then uses its emit-and-diagnostics builder.
      if (rest.length >= 2 && rest[1] == null && !process.env.COURSE_TSLAB_BUILDER) rest[1] = lightBuilder(m);
      if (rest[0] && typeof rest[0].setTimeout === "function") oneProgramTimer(rest[0]);
      if (shared.light) {
        status.lightPrograms++;
        return m.createWatchCompilerHost([...rootFiles, GLOBALS], { ...options, types: [] }, ...rest);
      }
      status.fullPrograms++;
      return m.createWatchCompilerHost(rootFiles, options, ...rest);
    };
    return copy;
  };
}

module.exports = { hookTypeScript, GLOBALS };

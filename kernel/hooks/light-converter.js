// @ts-check
/**
 * The light type check's converter: tslab's converter for TypeScript cells is
 * created with the light program (kernel/hooks/typescript-loader.js: without
 * @types/node), and switched for good to tslab's usual program with
 * @types/node the first time a cell has a diagnostic that may come from a
 * missing Node type (a name, module, namespace or property not found); that
 * cell is then checked again, so no cell is rejected that tslab would accept.
 * Its program is built on first use or by warmConverters() (kernel/hooks/state.js),
 * and each cell is looked up in the cell cache first (kernel/hooks/cell-cache.js).
 * The grader's warm server, which compiles notebook after notebook, keeps both
 * programs (shared.keepPrograms) and takes the converter back to the light one
 * for each new notebook (reset()), so a job builds each program at most once.
 *
 * Patches: the `createConverter` export of tslab's dist/converter.js (installLightConverter), for converters that are not the browser's.
 * Relies on: tslab 1.0.22 dist/converter.js: `createConverter(opts)` returning an object with convert(prevDecl, src) → { diagnostics: { code }[], declOutput, sideOutputs, … }, inspect, complete, addModule and close, and tslab's kernel reading createConverter from that module's exports when it starts; TypeScript 5.0's diagnostic codes for a missing name, module, namespace or property (MAYBE_NODE).
 * Guarded by: test/setup/kernel-speedups.test.ts "the light program checks types without @types/node and switches to the full one when a cell needs Node"
 */
"use strict";
const path = require("path");
const { deferred, shared, status } = require("./state");

/**
 * @typedef {import("tslab/dist/converter").Converter} Converter
 * @typedef {import("tslab/dist/converter").ConverterOptions} ConverterOptions
 * @typedef {import("tslab/dist/converter").ConvertResult} ConvertResult
 * @typedef {Converter & { reusable(): boolean, reset(): void }} LightConverter
 */

/** Diagnostic codes that may only mean "a Node.js type is missing" (TS 5.0). */
const MAYBE_NODE = new Set([2304, 2305, 2307, 2339, 2503, 2551, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593, 2688, 2694, 2724]);

/**
 * A converter with the light program, that switches to tslab's usual one when
 * a cell's diagnostics may come from a missing Node.js type.
 * @param {(opts?: ConverterOptions) => Converter} create tslab's createConverter
 * @param {ConverterOptions} [opts]
 * @returns {LightConverter}
 */
function lightConverter(create, opts) {
  /** @type {Converter | null} */
  let made = null;
  // Created on first use, or by warmConverters() once the kernel has answered Jupyter's first
  // kernel_info request: building the program (parsing TypeScript's es2022 lib, ~0.5 s) then no
  // longer delays "kernel ready", and is usually done before the student runs a cell.
  const current = () => {
    if (made) return made;
    shared.light = true;
    try {
      made = create(opts);
    } finally {
      shared.light = false;
    }
    return made;
  };
  deferred.push(current);
  // A converter closed before warmConverters() ran (the grader's warm server makes many) is no longer built there.
  const forget = () => {
    const i = deferred.indexOf(current);
    if (i >= 0) deferred.splice(i, 1);
  };
  /** @type {Converter} */
  const light = {
    convert: (...a) => current().convert(...a), inspect: (...a) => current().inspect(...a), complete: (...a) => current().complete(...a), addModule: (...a) => current().addModule(...a),
    close: () => {
      forget();
      if (made) made.close();
      made = null;
    },
  };
  /** @type {Converter | null} */
  let fullMade = null;
  // tslab's usual program, built when a cell needs it and is not in the cell cache: a kernel whose cells
  // the cell cache holds (a re-run; the grader's execution report, its cells compiled by the warm server)
  // switches without building it (~2.5 s of a core: TypeScript's lib, @types/node, TensorFlow.js).
  const currentFull = () => {
    if (fullMade) return fullMade;
    fullMade = create(opts);
    for (const args of modules) fullMade.addModule(...args);
    return fullMade;
  };
  /** @type {Converter} */
  const full = {
    convert: (...a) => currentFull().convert(...a), inspect: (...a) => currentFull().inspect(...a), complete: (...a) => currentFull().complete(...a), addModule: (...a) => currentFull().addModule(...a),
    close: () => {
      if (fullMade) fullMade.close();
      fullMade = null;
    },
  };
  /** @type {Converter} */
  let cur = light;
  let isLight = true;
  let emittedSides = false;
  /** @type {Parameters<Converter["addModule"]>[]} */
  const modules = []; // %module cells, replayed into the full program
  const toFull = () => {
    // A kernel keeps the full program for good: the light one's memory goes. The warm server keeps both.
    if (!shared.keepPrograms) light.close();
    cur = full;
    isLight = false;
    status.switchedToFull++;
  };
  /**
   * tslab's compile of a cell, from the cell cache when it has it.
   * @returns {ConvertResult}
   */
  const compile = (/** @type {string} */ prevDecl, /** @type {string} */ src) => {
    const cells = shared.cells;
    const key = cells && modules.length === 0 ? cells.key(isLight, prevDecl, src) : null;
    const cached = key && cells ? cells.get(key) : null;
    if (cached) return cached;
    const out = cur.convert(prevDecl, src);
    // tslab emits a cell's local imports once per converter (they then count as converted).
    if (out.sideOutputs && out.sideOutputs.length) emittedSides = true;
    if (key && cells) cells.put(key, out);
    return out;
  };
  return {
    convert(/** @type {string} */ prevDecl, /** @type {string} */ src) {
      const out = compile(prevDecl, src);
      if (!isLight || !out.diagnostics.some((d) => MAYBE_NODE.has(d.code))) return out;
      toFull();
      return compile(prevDecl, src);
    },
    inspect: (...a) => cur.inspect(...a),
    complete: (...a) => cur.complete(...a),
    addModule(...a) {
      if (isLight) modules.push(a);
      return cur.addModule(...a);
    },
    close: () => {
      light.close();
      full.close();
    },
    /**
     * True while this converter, after reset(), compiles another notebook as a
     * fresh one would: no %module, and no local file emitted (tslab remembers
     * the local imports it has emitted and leaves them out of later cells' side
     * outputs). Otherwise each compile depends only on the cell and the
     * declarations of the cells before it, in whichever program compiles it.
     */
    reusable: () => modules.length === 0 && !emittedSides,
    /**
     * Starts the next notebook as a fresh kernel would: on the light program
     * (built again only if a switch closed it), the full one kept for the next
     * cell that needs Node.
     */
    reset() {
      cur = light;
      isLight = true;
    },
  };
}

/**
 * Makes tslab's createConverter (as its kernel and the cache warmers call it)
 * return light converters, except for browser cells.
 * @param {string} root the course folder
 */
function installLightConverter(root) {
  const converter = require(path.join(root, "node_modules", "tslab", "dist", "converter.js"));
  const createConverter = converter.createConverter;
  converter.createConverter = (/** @type {ConverterOptions | undefined} */ opts) => (opts && opts.isBrowser ? createConverter(opts) : lightConverter(createConverter, opts));
}

module.exports = { lightConverter, installLightConverter };

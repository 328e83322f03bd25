// @ts-check
/**
 * Compiling notebooks' cells without running them, to fill the cell cache
 * (kernel/hooks/cell-cache.js): warmCellCache for the course's own notebooks
 * (`node kernel/kernel.js --warm-cells`), and the grader's long-lived warm
 * server (serveCellWarms, `node kernel/kernel.js --serve-cell-warms`), which
 * also answers each cell's compile errors in tslab's words.
 *
 * Patches: nothing; it drives tslab's converter (hooked by kernel/hooks/prepare.js) as tslab's kernel would.
 * Relies on: tslab 1.0.22 dist/metadata.js's getCodeMetadata(src) → { module, mode } (which cells the kernel compiles another way), and dist/executor.js's printDiagnostics format (`line:column - message`, 1-based, file name first; diagnosticText).
 * Guarded by: test/setup/kernel-speedups.test.ts "the grader's cell warm server builds one program for every notebook, writes each notebook's cells to its own folder, only reads the base cache, and never runs a cell"
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { cellCache, defaultCellCacheDir } = require("./cell-cache");
const { prepareKernel } = require("./prepare");
const { shared, status, useCellCache } = require("./state");

/**
 * @typedef {object} WarmReply the warm server's answer to one notebook (serveCellWarms)
 * @property {number} compiled cells compiled (or found cached)
 * @property {number} cached cells found in a cache
 * @property {number} written cells written to the notebook's folder
 * @property {number} programs TypeScript programs built for it
 * @property {(string[] | null)[]} errors per cell asked for: the kernel's compile errors in tslab's words ([]: it compiles; null: not compiled that way)
 */

/**
 * The converter for the next notebook: `conv` again, taken back to the light
 * program (reset()), so that its programs are built once for all, unless it
 * would compile that notebook unlike a fresh kernel (it took a %module or
 * emitted a local file: see lightConverter's reusable()); then a new one.
 * The warmers keep a converter's light program when it switches to the full
 * one (shared.keepPrograms): a notebook that needs Node's types no longer costs
 * the next notebook a new light program, nor a second such notebook a new full one.
 * @param {any} conv the last notebook's converter, or null
 * @param {(opts: any) => any} createConverter
 */
function nextConverter(conv, createConverter) {
  shared.keepPrograms = true;
  if (conv && conv.reusable()) {
    conv.reset();
    return conv;
  }
  if (conv) conv.close();
  return createConverter({ isJS: false, isBrowser: false });
}

/**
 * A compile error as tslab's kernel prints it (executor.js printDiagnostics):
 * `line:column - message`, 1-based, with the file name first when the error
 * is in another file. The grader reports a cell's errors in these words, so
 * they match what the student saw in the notebook.
 * @param {{ fileName?: string, start: { line: number, character: number }, messageText: string }} d
 */
function diagnosticText(d) {
  return `${d.fileName ? `${d.fileName} ` : ""}${d.start.line + 1}:${d.start.character + 1} - ${d.messageText}`;
}

/**
 * Compiles a notebook's code cells as its kernel would when they run top to
 * bottom: each after the declarations of those before it (a cell with errors
 * adds none); %module and browser cells are left out. Returns, per cell, its
 * compile errors in tslab's words (none: it compiles), or null for a cell the
 * kernel does not compile that way (%module, browser).
 * @param {any} conv a converter @param {(src: string) => any} getCodeMetadata tslab's
 * @param {string[]} sources
 * @returns {(string[] | null)[]}
 */
function compileInOrder(conv, getCodeMetadata, sources) {
  /** @type {(string[] | null)[]} */
  const errors = [];
  let prevDecl = "";
  for (const src of sources) {
    const meta = getCodeMetadata(src);
    if (meta.module || meta.mode === "browser") {
      errors.push(null);
      continue;
    }
    const out = conv.convert(prevDecl, src);
    // The first few, each cut short: enough to say why a cell failed, bounded whatever the cell holds.
    errors.push(out.diagnostics.slice(0, 3).map((/** @type {any} */ d) => diagnosticText(d).slice(0, 500)));
    if (out.diagnostics.length === 0) prevDecl = out.declOutput || "";
  }
  return errors;
}

/**
 * How many cells compileInOrder compiled.
 * @param {(string[] | null)[]} errors
 */
function compiledCount(errors) {
  return errors.filter((e) => e !== null).length;
}

/**
 * Fills the cell cache with the cells of these notebooks, compiled as a kernel
 * started in `cwd` would compile them when they run top to bottom (each cell
 * after the declarations of those before it; a cell with errors adds none).
 * Nothing is run. Returns how many cells were compiled and how many were
 * already cached. Run as `node <KERNEL_NODE_FLAGS> kernel/kernel.js --warm-cells`.
 * @param {string} root the course folder
 * @param {string} cwd the notebooks' folder
 * @param {string[][]} notebooks each notebook's code cells
 * @returns {{ compiled: number, cached: number, written: number }}
 */
function warmCellCache(root, cwd, notebooks) {
  prepareKernel(root);
  const { createConverter } = require(path.join(root, "node_modules", "tslab", "dist", "converter.js"));
  const { getCodeMetadata } = require(path.join(root, "node_modules", "tslab", "dist", "metadata.js"));
  const before = process.cwd();
  process.chdir(cwd);
  let compiled = 0;
  /** @type {any} */
  let conv = null;
  try {
    for (const sources of notebooks) {
      conv = nextConverter(conv, createConverter);
      compiled += compiledCount(compileInOrder(conv, getCodeMetadata, sources));
    }
  } finally {
    if (conv) conv.close();
    process.chdir(before);
  }
  return { compiled, cached: status.cellCacheHits, written: status.cellCacheWritten };
}

/**
 * The grader's cell warmer: compiles submissions' cells for their execution
 * reports, notebook after notebook, in one long-lived process (run sandboxed
 * as `node <KERNEL_NODE_FLAGS> kernel/kernel.js --serve-cell-warms CWD`).
 * A kernel whose every cell is in its cache never builds a program; one that
 * must compile a cell first builds one: TypeScript's lib and the declarations
 * of TensorFlow.js and the library, ~1.5 s of a core per kernel. Here it is
 * built once, and each notebook costs only its own cells.
 *
 * Requests come one JSON per line on `input`: {"cells": [source, …], "dir": folder}.
 * The cells are compiled as warmCellCache does (top to bottom, each after the
 * declarations of those before it), reading `dir` first and then the base
 * cache (COURSE_CELL_CACHE_DIR, else build/lib/cache/cells), which is only read;
 * every entry the notebook uses ends up in `dir`, which is then all its kernel
 * needs. Each request is answered with one JSON line: {compiled, cached,
 * written, programs, errors} (programs: TypeScript programs built for it;
 * errors: per requested cell, its first compile errors in tslab's words, [] when
 * it compiles, null when the kernel compiles it otherwise: the grader's
 * verdict of which cells the kernel refuses), or {error}.
 *
 * Entries are content-addressed (cellCache's key covers the cell and every
 * declaration before it), so a notebook only ever gets the compile of its own
 * cells: what another request left in the converter's program cannot change a key.
 * For the same reason the server keeps the entries it compiled in memory (a
 * memo, bounded) for the notebooks after: one that has the same cell after the
 * same declarations gets that compile again, which is its own.
 * @param {string} root the course folder
 * @param {string} cwd the folder the notebooks' kernels run in (its parent is where `../build/lib` leads)
 * @param {NodeJS.ReadableStream} input
 * @param {NodeJS.WritableStream} output
 */
function serveCellWarms(root, cwd, input, output) {
  const WARM_MAX_BYTES = 64 * 1024 * 1024;
  prepareKernel(root);
  const base = defaultCellCacheDir(root);
  const { createConverter } = require(path.join(root, "node_modules", "tslab", "dist", "converter.js"));
  const { getCodeMetadata } = require(path.join(root, "node_modules", "tslab", "dist", "metadata.js"));
  process.chdir(cwd);
  /** @type {any} */
  let conv = null;
  // The cells this process compiled, by key, for the notebooks after (most submissions share their cells after
  // an exercise, and a notebook's cells compiled on the full program are in no base cache); bounded.
  /** @type {Map<string, string>} */
  const memo = new Map();
  const lines = require("readline").createInterface({ input, crlfDelay: Infinity });
  lines.on("line", (/** @type {string} */ line) => {
    /** @type {WarmReply | { error: string }} */
    let reply;
    try {
      const req = JSON.parse(line);
      if (!req || !Array.isArray(req.cells) || typeof req.dir !== "string") throw new Error('expected {"cells": [...], "dir": "..."}');
      fs.mkdirSync(req.dir, { recursive: true });
      // Past its bound (16 M characters) the memo starts again: it only saves compiles.
      let memoChars = 0;
      for (const text of memo.values()) memoChars += text.length;
      if (memoChars > 16 * 1024 * 1024) memo.clear();
      // What one notebook may write: its compiled cells are a few MB; a notebook made to blow them up is cut off.
      useCellCache(cellCache(root, true, req.dir, [base], WARM_MAX_BYTES, memo));
      conv = nextConverter(conv, createConverter);
      const hits = status.cellCacheHits;
      const written = status.cellCacheWritten;
      const programs = status.lightPrograms + status.fullPrograms;
      // Every entry a string, so each answer lines up with the cell it was asked for.
      const sources = req.cells.map((/** @type {unknown} */ c) => (typeof c === "string" ? c : ""));
      const errors = compileInOrder(conv, getCodeMetadata, sources);
      reply = { compiled: compiledCount(errors), cached: status.cellCacheHits - hits, written: status.cellCacheWritten - written, programs: status.lightPrograms + status.fullPrograms - programs, errors };
    } catch (err) {
      reply = { error: err instanceof Error ? err.message : String(err) };
      // A converter that threw mid-compile may be left in any state: the next notebook gets a new one.
      try {
        if (conv) conv.close();
      } catch {
        // already broken
      }
      conv = null;
    }
    output.write(`${JSON.stringify(reply)}\n`);
  });
  // No more requests: the grader is done (tslab's watch program would keep the process alive).
  lines.on("close", () => {
    if (conv) conv.close();
    process.exit(0);
  });
}

module.exports = { serveCellWarms, warmCellCache };

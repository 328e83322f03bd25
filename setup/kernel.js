#!/usr/bin/env node
// @ts-check
/**
 * The course's Jupyter kernel: recompiles the course library if an instructor
 * edited it, then starts tslab's TypeScript kernel in this process. The kernel
 * spec written by `npm start` / `npm test` points here with absolute paths:
 *   node <course>/setup/kernel.js <connection_file>
 * Jupyter starts kernels in the notebook's folder; tslab compiles cells there.
 */
"use strict";
const path = require("path");
const { ensureBuilt, ROOT } = require("./build-lib");

const connectionFile = process.argv[2];
const warm = connectionFile === "--warm";
if (!connectionFile) {
  process.stderr.write("usage: node setup/kernel.js <connection_file> | --warm | --warm-cells <cwd> | --serve-cell-warms <cwd>\n");
  process.exit(2);
}
try {
  // The grader builds once and then freezes build/ (COURSE_NO_REBUILD), so every submission sees the same library.
  if (!process.env.COURSE_NO_REBUILD) ensureBuilt({ quiet: true });
} catch (err) {
  // Start anyway: the notebook's setup cell reports what is wrong.
  process.stderr.write(`course kernel: ${err instanceof Error ? err.message : err}\n`);
}
// The kernel's hooks, one per file (kernel/hooks/: see each file's header).
const { prepareKernel, warmCaches } = require("../kernel/hooks/prepare");
const { warmConverters } = require("../kernel/hooks/state");
const { serveCellWarms, warmCellCache } = require("../kernel/hooks/warm-server");
if (connectionFile === "--warm-cells") {
  // `node setup/kernel.js --warm-cells CWD` < [[cell sources of a notebook], …]: fill the cell cache, print what it did (JSON).
  const notebooks = JSON.parse(require("fs").readFileSync(0, "utf8"));
  process.stdout.write(`${JSON.stringify(warmCellCache(ROOT, process.argv[3] || process.cwd(), notebooks))}\n`);
  process.exit(0);
}
if (warm) {
  // `node setup/kernel.js --warm`: fill the caches, print what the hooks did (JSON), exit.
  process.stdout.write(`${JSON.stringify(warmCaches(ROOT))}\n`);
  process.exit(0);
}
if (connectionFile === "--serve-cell-warms") {
  // `node setup/kernel.js --serve-cell-warms CWD`: the grader's cell warmer, one JSON request per line
  // on stdin, one JSON answer per line on stdout, until stdin ends (see kernel/hooks/warm-server.js).
  serveCellWarms(ROOT, process.argv[3] || process.cwd(), process.stdin, process.stdout);
} else {
  startKernel();
}

/** tslab's kernel, with the course's speed-ups, on the connection file Jupyter gave. */
function startKernel() {
  // A light type check (without @types/node) and a code cache for TypeScript: see kernel/hooks/typescript-loader.js and code-cache.js.
  const saveCodeCache = prepareKernel(ROOT);
  const tslab = path.join(ROOT, "node_modules", "tslab", "dist");
  const handler = require(path.join(tslab, "jupyter.js")).JupyterHandlerImpl.prototype;
  const execute = handler.handleExecuteImpl;
  // The type checker's program is built after the kernel has answered its first kernel_info request
  // (Jupyter's "is it ready?"), not before: the kernel shows as ready ~0.5 s sooner, and the program is
  // usually built while the student reads. A cell run before then builds it first (kernel/hooks/light-converter.js).
  const kernelInfo = handler.handleKernel;
  let warmed = false;
  handler.handleKernel = function (/** @type {any[]} */ ...args) {
    // Not in the grader's kernels (COURSE_NO_REBUILD): they run every cell at once, and cells found in
    // the cell cache never need the program.
    if (!warmed && !process.env.COURSE_NO_REBUILD) setTimeout(warmConverters, 50).unref();
    warmed = true;
    return kernelInfo.apply(this, args);
  };
  let cached = false;
  handler.handleExecuteImpl = async function (/** @type {any[]} */ ...args) {
    try {
      return await execute.apply(this, args);
    } finally {
      // After the first cell, the cache holds every compiler function a cell needs.
      if (!cached) setImmediate(saveCodeCache);
      cached = true;
    }
  };
  // One send at a time on each of tslab's sockets: a Run All of many cells otherwise lost requests or the kernel.
  require("./tslab-send-queue").installSendQueue(tslab);
  require(path.join(tslab, "main.js")).startKernel({ configPath: connectionFile, enableFindLocal: false, jsKernel: false });
}

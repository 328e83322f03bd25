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
if (!connectionFile) {
  process.stderr.write("usage: node setup/kernel.js <connection_file>\n");
  process.exit(2);
}
try {
  // The grader builds once and then freezes build/ (COURSE_NO_REBUILD), so every submission sees the same library.
  if (!process.env.COURSE_NO_REBUILD) ensureBuilt({ quiet: true });
} catch (err) {
  // Start anyway: the notebook's setup cell reports what is wrong.
  process.stderr.write(`course kernel: ${err instanceof Error ? err.message : err}\n`);
}
const tslabMain = path.join(ROOT, "node_modules", "tslab", "dist", "main.js");
require(tslabMain).startKernel({ configPath: connectionFile, enableFindLocal: false, jsKernel: false });

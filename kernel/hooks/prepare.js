// @ts-check
/**
 * Cache warming: installs every hook before tslab starts (prepareKernel,
 * called by setup/kernel.js), and fills the caches a kernel would fill on its
 * first cell (warmCaches), so that kernels which cannot write to the course
 * (the grading sandbox) start fast too.
 *
 * Patches: V8's heap growing factor (v8.setFlagsFromString("--heap-growing-percent=40")); the hooks of kernel/hooks/code-cache.js, typescript-loader.js and light-converter.js, which it installs.
 * Relies on: V8's --heap-growing-percent flag (Node 20); tslab 1.0.22 dist/converter.js's createConverter({ isJS, isBrowser }).
 * Guarded by: test/setup/kernel-speedups.test.ts "`node setup/kernel.js --warm` fills the code cache and the digit cache through the hooks"
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { cellCache } = require("./cell-cache");
const { installCodeCache, KERNEL_CODE_CACHED } = require("./code-cache");
const { installLightConverter } = require("./light-converter");
const { status, useCellCache } = require("./state");
const { hookTypeScript } = require("./typescript-loader");

/**
 * @typedef {import("./state").HookStatus & { diagnostics: { light: string[], node: string[] }, digitCache: boolean, digitPixels: number }} WarmReport
 * what `node setup/kernel.js --warm` prints (JSON)
 */

/**
 * Everything setup/kernel.js installs before tslab starts; returns the
 * function that writes the code cache.
 * @param {string} root the course folder
 * @returns {() => void}
 */
function prepareKernel(root) {
  // Collect garbage sooner: V8 otherwise lets a heap grow to up to 4× what is
  // live before a full collection, and every cell leaves ~10 MB of TypeScript
  // programs behind (peaks of 450–650 MB for ~150 MB in use).
  require("v8").setFlagsFromString("--heap-growing-percent=40");
  const saveCodeCache = installCodeCache(path.join(root, "build", "lib", "cache", "v8"), KERNEL_CODE_CACHED);
  useCellCache(process.env.COURSE_NO_CELL_CACHE ? null : cellCache(root, !process.env.COURSE_NO_REBUILD));
  hookTypeScript();
  installLightConverter(root);
  return saveCodeCache;
}

/**
 * Fills the caches a kernel would fill on its first cell (TypeScript's code
 * cache; the digits' cache), so that kernels which cannot write to the course
 * (the grading sandbox) start fast too. Run as `node <KERNEL_NODE_FLAGS>
 * setup/kernel.js --warm`; returns what the hooks did, and the diagnostics of
 * two cells: one that the light program compiles, one that needs @types/node.
 * @param {string} root the course folder
 * @returns {WarmReport}
 */
function warmCaches(root) {
  const saveCodeCache = prepareKernel(root);
  const { createConverter } = require(path.join(root, "node_modules", "tslab", "dist", "converter.js"));
  const cwd = process.cwd();
  process.chdir(path.join(root, "notebooks"));
  /** @type {{ light: string[], node: string[] }} */
  const diagnostics = { light: [], node: [] };
  try {
    const conv = createConverter({ isJS: false, isBrowser: false });
    const texts = (/** @type {any} */ out) => out.diagnostics.map((/** @type {any} */ d) => `TS${d.code}: ${d.messageText}`);
    const first = conv.convert("", 'import * as lab from "../build/lib/lessons/01-logistic-regression";\nconst xs: number[] = [1, 2, 3];\nsetTimeout(() => console.log(xs.length, typeof lab.setup), 0);\n');
    diagnostics.light = texts(first);
    const second = conv.convert(first.declOutput || "", "const rss: number = process.memoryUsage().rss;\n");
    diagnostics.node = texts(second);
    conv.close();
  } finally {
    process.chdir(cwd);
  }
  // TensorFlow.js as the setup cell loads it, and a first op (the functions V8 compiles lazily for it).
  // Hushed: tfjs suggests its native backend on first use, which the course's setup cell also hushes.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    const tf = require(path.join(root, "node_modules", "@tensorflow", "tfjs"));
    tf.tidy(() => {
      tf.sigmoid(tf.tensor2d([[1, 2], [3, 4]]).matMul(tf.ones([2, 1]))).dataSync();
    });
  } finally {
    console.warn = warn;
  }
  saveCodeCache();
  const digits = require(path.join(root, "build", "lib", "course", "digits.js"));
  const one = digits.loadDigits({ digits: [0], perDigit: 1 });
  return { ...status, diagnostics, digitCache: fs.existsSync(digits.digitCacheFile()), digitPixels: one.X[0].length };
}

module.exports = { prepareKernel, warmCaches };

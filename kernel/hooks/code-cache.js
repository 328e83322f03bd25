// @ts-check
/**
 * A V8 code cache for the large scripts a kernel loads, like Node 22's
 * module.enableCompileCache(): tslab's TypeScript compiler (9 MB) and
 * TensorFlow.js's dist bundles (6 MB), written after the first cell so it
 * holds the functions the converter uses. Compiling them costs ~0.2 s and
 * ~0.15 s of every kernel start without it. The grader's scoring worker
 * (grading/worker-process.ts) loads the course's TypeScript the same way.
 *
 * Patches: Node's Module.prototype._compile, for the files matching a pattern (installCodeCache), which are compiled through vm.Script with cachedData instead.
 * Relies on: Node 20's internal Module.prototype._compile(content, filename), Module.wrap, Module._resolveFilename(request, parent, isMain, options), Module._extensions and Module._cache (to build the `require` a module gets), and vm.Script's cachedData / cachedDataRejected / createCachedData.
 * Guarded by: test/setup/kernel-speedups.test.ts "`node setup/kernel.js --warm` fills the code cache and the digit cache through the hooks"
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");
const { status } = require("./state");
const { writeAtomically } = require("./write-atomically");

/** Node flags of the kernel process (the kernel spec's argv and the cache warmer use the same, so the code cache matches). */
const KERNEL_NODE_FLAGS = ["--max-semi-space-size=4"];

/**
 * Where the code cache of `filename` is kept, for a process started with
 * `execArgv`. Keyed by the file's size and modification time rather than a
 * hash of its 8 MB (~20 ms per start): npm writes packages anew, so a changed
 * compiler has a new key; V8 also rejects a cache made from other source
 * (cachedDataRejected), which is then rewritten.
 * The Node options count too, on the command line and in NODE_OPTIONS: V8
 * rejects a cache made under other flags (even another --max-old-space-size,
 * which the grading sandbox sets), so each set of flags has its own file.
 * @param {string} dir
 * @param {string} filename
 * @param {readonly string[]} execArgv
 * @param {number} [fallbackSize]
 * @param {string} [nodeOptions] NODE_OPTIONS of the process that loads it
 */
function codeCacheFile(dir, filename, execArgv, fallbackSize = 0, nodeOptions = process.env.NODE_OPTIONS || "") {
  let stamp;
  try {
    const st = fs.statSync(filename);
    stamp = `${st.size}\0${st.mtimeMs}`;
  } catch {
    stamp = String(fallbackSize);
  }
  const key = crypto.createHash("sha1").update(`${process.version}\0${execArgv.join(" ")}\0${nodeOptions}\0${filename}\0${stamp}`).digest("hex");
  return path.join(dir, `${key}.bin`);
}

/**
 * The code cache file a kernel of this course (started with KERNEL_NODE_FLAGS,
 * and `nodeOptions` in NODE_OPTIONS) loads TypeScript's compiler from.
 */
function kernelCodeCacheFile(/** @type {string} */ root, nodeOptions = process.env.NODE_OPTIONS || "") {
  const tslab = path.join(root, "node_modules", "tslab", "dist", "converter.js");
  const typescript = require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(tslab)] });
  return codeCacheFile(path.join(root, "build", "lib", "cache", "v8"), typescript, KERNEL_NODE_FLAGS, 0, nodeOptions);
}

/**
 * Loads the files matching `pattern` with a V8 code cache kept in `dir`;
 * returns a function that writes the caches still missing (call it once the
 * kernel has run a cell, so that they include the functions compiled lazily).
 * @param {string} dir
 * @param {RegExp} pattern
 */
function installCodeCache(dir, pattern) {
  /** @type {{ script: vm.Script, file: string }[]} */
  const pending = [];
  const compile = /** @type {any} */ (Module.prototype)._compile;
  /** @type {any} */ (Module.prototype)._compile = function (/** @type {string} */ content, /** @type {string} */ filename) {
    if (!pattern.test(filename)) return compile.call(this, content, filename);
    const file = codeCacheFile(dir, filename, process.execArgv, content.length);
    /** @type {Buffer | undefined} */
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (!cachedData || script.cachedDataRejected) pending.push({ script, file });
    else status.codeCacheHits++;
    const req = Object.assign((/** @type {string} */ id) => this.require(id), {
      resolve: (/** @type {string} */ request, /** @type {any} */ options) => /** @type {any} */ (Module)._resolveFilename(request, this, false, options),
      main: process.mainModule,
      extensions: /** @type {any} */ (Module)._extensions,
      cache: /** @type {any} */ (Module)._cache,
    });
    return script.runInThisContext({ displayErrors: true }).call(this.exports, this.exports, req, this, filename, path.dirname(filename));
  };
  return function saveCodeCache() {
    for (const { script, file } of pending.splice(0)) {
      // Not written in a read-only course folder (the grading sandbox): the kernel runs without the cache.
      if (writeAtomically(file, script.createCachedData())) status.codeCacheWritten++;
    }
  };
}

/** TensorFlow.js's dist bundles (tfjs, core, layers, …), as a pattern of their paths without `.js`. */
const TFJS_BUNDLES = String.raw`[\\/]@tensorflow[\\/]tfjs[-\w]*[\\/]dist[\\/][\w.-]+`;

/**
 * The scripts a kernel loads through V8's code cache: tslab's TypeScript
 * compiler (9 MB), and TensorFlow.js's dist bundles (6 MB, loaded by the
 * setup cell): compiling them takes ~0.2 s and ~0.15 s of every kernel start
 * without it.
 */
const KERNEL_CODE_CACHED = new RegExp(`(typescript-for-tslab[\\\\/]lib[\\\\/]typescript|${TFJS_BUNDLES})\\.js$`);

module.exports = { KERNEL_NODE_FLAGS, KERNEL_CODE_CACHED, TFJS_BUNDLES, codeCacheFile, kernelCodeCacheFile, installCodeCache };

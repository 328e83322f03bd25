// @ts-check
/**
 * What makes the course kernel start faster and use less memory, installed by
 * setup/kernel.js before tslab loads. tslab itself is not modified.
 *
 *  1. A light type check: tslab's TypeScript program normally loads every
 *     package under node_modules/@types, i.e. @types/node (2.2 MB of .d.ts,
 *     about half of all the TypeScript it parses, ~40 MB of heap, ~1 s of
 *     start-up). Notebooks only need a handful of Node's globals, declared in
 *     setup/kernel-types/globals.d.ts. The first time a cell has a diagnostic that
 *     may come from a missing Node type (a name, module, namespace or property
 *     not found), the kernel switches for good to tslab's usual program with
 *     @types/node and checks that cell again, so no cell is rejected that
 *     tslab would accept.
 *  2. A V8 code cache for TypeScript's compiler (8 MB of JavaScript), like
 *     Node 22's module.enableCompileCache(): written after the first cell, so
 *     it holds the functions the converter uses.
 *  3. A lighter builder program (see lightBuilder): tslab's watch program
 *     wraps every program (two per cell) in TypeScript's emit-and-diagnostics
 *     builder, whose state maps the imports of every file in the program
 *     (~700 .d.ts files of TensorFlow.js and TypeScript's lib) at each cell,
 *     a third of the time a cell takes to compile, for an affected-files
 *     bookkeeping tslab never uses.
 *  4. A cache of compiled cells (see cellCache), kept in build/lib/cache/cells:
 *     a cell whose source and preceding declarations were compiled before,
 *     against the same library, packages and compiler, gets that result again
 *     without being type-checked anew (compiling is ~85% of the time a kernel
 *     spends on a lesson's cells, and most cells are compiled again and again:
 *     every Run All, every restart, both editions of a lesson, every
 *     submission graded).
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

const GLOBALS = path.join(__dirname, "kernel-types", "globals.d.ts");
/** Diagnostic codes that may only mean "a Node.js type is missing" (TS 5.0). */
const MAYBE_NODE = new Set([2304, 2305, 2307, 2339, 2503, 2551, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593, 2688, 2694, 2724]);

/** When set, tslab's next program is created without @types and with GLOBALS. */
let light = false;

/**
 * What the hooks did in this process: `npm test` (test/setup/kernel-speedups)
 * reads it from `node setup/kernel.js --warm`, so the day a tslab or
 * TypeScript update bypasses a hook, a test fails instead of the kernel
 * silently losing its speed.
 */
const status = { lightPrograms: 0, fullPrograms: 0, switchedToFull: 0, codeCacheHits: 0, codeCacheWritten: 0, lightBuilders: 0, cellCacheHits: 0, cellCacheWritten: 0 };

/**
 * Writes a cache file whole or not at all (through a temporary file and a
 * rename, so a kernel reading at the same time never sees half of it); false
 * when it cannot be written (a read-only folder).
 * @param {string} file @param {string | Buffer} data
 */
function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    return true;
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to remove
    }
    return false;
  }
}

/** Most compiled cells kept; a kernel start prunes the least recently written beyond it. */
const CELL_CACHE_MAX = 4000;

/** The kernel's cell cache: COURSE_CELL_CACHE_DIR (the grader's sandbox shows another there), else build/lib/cache/cells. */
function defaultCellCacheDir(/** @type {string} */ root) {
  return process.env.COURSE_CELL_CACHE_DIR || path.join(root, "build", "lib", "cache", "cells");
}

/**
 * Compiled cells kept across kernels, as JSON files named by a hash of
 * everything tslab's compile of a cell depends on:
 *  - the cell and the declarations of the cells run before it (tslab passes
 *    both to its converter, which holds no other state between cells);
 *  - which program checks it (the light one or tslab's full one);
 *  - what the program reads besides: TypeScript's lib and compiler options
 *    (the tslab and TypeScript versions, and Node's, which sets tslab's
 *    target), the packages (node_modules/.package-lock.json, rewritten by
 *    every npm install), the course library's declarations (build/lib/.stamp,
 *    rewritten by every build; no stamp, no cache) and setup/kernel-types/globals.d.ts;
 *  - where relative imports lead: the folder above the notebook's (`../build/lib/…`).
 * A cell that reads any other file (a relative import not into
 * `../build/lib/`, an absolute path, a `/// <reference>`, a `%module`) is
 * never cached. Kernels of the grader (COURSE_NO_REBUILD) only read it, and
 * the grader shows them a cache of its own, filled from the lessons' student
 * editions (grading/grade-notebook.ts): the course's cache holds the
 * instructor's solutions, compiled, and no submission may see them or plant a
 * compiled cell another one would get.
 *
 * `dir` (default: COURSE_CELL_CACHE_DIR, else build/lib/cache/cells) is the
 * folder read and written; `readAlso` are folders only read, after it (the
 * grader's warm server reads the student editions there and copies what a
 * submission uses into that submission's own folder).
 * @param {string} root
 * @param {boolean} writable
 * @param {string} [dir]
 * @param {string[]} [readAlso]
 * @param {number} [maxBytes] most this cache object writes in all; entries beyond are not written
 */
function cellCache(root, writable, dir = defaultCellCacheDir(root), readAlso = [], maxBytes = Infinity) {
  let bytes = 0;
  /** Writes an entry unless it would pass maxBytes; true when written. @param {string} f @param {string} text */
  const write = (f, text) => {
    if (bytes + Buffer.byteLength(text) > maxBytes) return false;
    bytes += Buffer.byteLength(text);
    return writeAtomically(f, text);
  };
  const text = (/** @type {string} */ f) => {
    try {
      return fs.readFileSync(f, "utf8");
    } catch {
      return "-";
    }
  };
  const stat = (/** @type {string} */ f) => {
    try {
      const st = fs.statSync(f);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      return "-";
    }
  };
  const tslabDir = path.join(root, "node_modules", "tslab");
  const version = (/** @type {string} */ pkg) => {
    try {
      return JSON.parse(fs.readFileSync(pkg, "utf8")).version;
    } catch {
      return "-";
    }
  };
  const stamp = [
    process.version,
    version(path.join(tslabDir, "package.json")),
    version(path.join(path.dirname(require.resolve("@tslab/typescript-for-tslab/package.json", { paths: [path.join(tslabDir, "dist")] })), "package.json")),
    stat(path.join(root, "node_modules", ".package-lock.json")),
    text(path.join(root, "build", "lib", ".stamp")),
    text(GLOBALS),
  ].join("\0");
  const built = fs.existsSync(path.join(root, "build", "lib", ".stamp"));
  const file = (/** @type {string} */ key) => path.join(dir, `${key}.json`);
  return {
    dir,
    /**
     * The cache key of a cell, or null when it must not be cached.
     * @param {boolean} lightProgram @param {string} prevDecl @param {string} src
     */
    key(lightProgram, prevDecl, src) {
      if (!built) return null;
      for (const code of [prevDecl, src]) {
        if (/\/\/\/\s*<reference/.test(code)) return null;
        // Into the library only: not back out of it (`..`, `.`), nor into its caches (which differ between processes).
        for (const m of code.matchAll(/(["'`])(\.{0,2}\/[^"'`\n]*)\1/g)) {
          const rest = (m[2] || "").startsWith("../build/lib/") ? (m[2] || "").slice("../build/lib/".length) : null;
          if (rest === null || rest.split("/").some((seg) => seg === ".." || seg === ".") || rest.startsWith("cache/")) return null;
        }
      }
      const cwd = process.cwd();
      const where = `${path.dirname(cwd)}\0${fs.existsSync(path.join(cwd, "node_modules"))}`;
      return crypto.createHash("sha256").update(`${stamp}\0${lightProgram}\0${where}\0${prevDecl.length}\0${prevDecl}\0${src}`).digest("hex");
    },
    /** @param {string} key */
    get(key) {
      for (const d of [dir, ...readAlso]) {
        try {
          const text = fs.readFileSync(path.join(d, `${key}.json`), "utf8");
          const out = JSON.parse(text);
          status.cellCacheHits++;
          // Found in a folder only read: the written folder gets it too, so it alone holds the notebook's cells.
          if (d !== dir && writable) write(file(key), text);
          return out;
        } catch {
          // not in this folder
        }
      }
      return null;
    },
    /** @param {string} key @param {unknown} out */
    put(key, out) {
      if (!writable) return;
      if (write(file(key), JSON.stringify(out))) status.cellCacheWritten++;
    },
    /** Removes the least recently written entries beyond CELL_CACHE_MAX (half of them go). */
    prune() {
      if (!writable) return;
      try {
        const names = fs.readdirSync(dir);
        if (names.length <= CELL_CACHE_MAX) return;
        const aged = names.map((n) => ({ n, t: fs.statSync(path.join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
        for (const { n } of aged.slice(0, names.length - CELL_CACHE_MAX / 2)) fs.rmSync(path.join(dir, n), { force: true });
      } catch {
        // another kernel pruned at the same time
      }
    },
  };
}

/** The cache the kernel's converters use (set by prepareKernel); null: none. */
/** @type {ReturnType<typeof cellCache> | null} */
let cells = null;
/** Sets the cell cache that converters use from now on (null: none). */
function useCellCache(/** @type {ReturnType<typeof cellCache> | null} */ cache) {
  cells = cache;
}

/** Converters whose program is not built yet (see lightConverter). */
/** @type {(() => unknown)[]} */
const deferred = [];

/** Builds the programs of the converters created so far (tslab creates the Node one at start). */
function warmConverters() {
  for (const make of deferred.splice(0)) make();
  if (cells) cells.prune();
}

/** Node flags of the kernel process (the kernel spec's argv and the cache warmer use the same, so the code cache matches). */
const KERNEL_NODE_FLAGS = ["--max-semi-space-size=4"];

/**
 * The files `sourceFile` references, exactly as TypeScript 5.0's
 * BuilderState computes them for its referencedMap (builderState.ts,
 * getReferencedFiles, not exported): the files declaring what its imports
 * resolve to, its `/// <reference path>` and type reference directives, the
 * modules it augments, and the files of ambient modules declared more than once.
 * @param {any} ts @param {any} program @param {any} sourceFile
 * @returns {Set<string> | undefined}
 */
function referencedFiles(ts, program, sourceFile) {
  /** @type {Set<string> | undefined} */
  let refs;
  const add = (/** @type {string} */ p) => (refs ||= new Set()).add(p);
  const checker = program.getTypeChecker();
  const addDeclarations = (/** @type {any} */ symbol, /** @type {boolean} */ otherFilesOnly) => {
    for (const d of (symbol && symbol.declarations) || []) {
      const file = ts.getSourceFileOfNode(d);
      if (file && (!otherFilesOnly || file !== sourceFile)) add(file.resolvedPath);
    }
  };
  for (const importName of sourceFile.imports || []) addDeclarations(checker.getSymbolAtLocation(importName), false);
  const dir = ts.getDirectoryPath(sourceFile.resolvedPath);
  const toPath = (/** @type {string} */ f) => ts.toPath(program.getProjectReferenceRedirect(f) || f, dir, program.getCanonicalFileName);
  for (const ref of sourceFile.referencedFiles || []) add(toPath(ref.fileName));
  if (sourceFile.resolvedTypeReferenceDirectiveNames) {
    sourceFile.resolvedTypeReferenceDirectiveNames.forEach((/** @type {any} */ r) => {
      if (r.resolvedTypeReferenceDirective) add(toPath(r.resolvedTypeReferenceDirective.resolvedFileName));
    });
  }
  for (const name of sourceFile.moduleAugmentations || []) {
    if (ts.isStringLiteral(name)) addDeclarations(checker.getSymbolAtLocation(name), true);
  }
  for (const m of checker.getAmbientModules()) if (m.declarations && m.declarations.length > 1) addDeclarations(m, true);
  return refs;
}

/**
 * What tslab's watch program gets instead of an EmitAndSemanticDiagnostics
 * builder: TypeScript's own createAbstractBuilder (the program itself behind
 * the builder interface, still created from the previous one, so unchanged
 * files are reused) plus the one builder method tslab also calls,
 * getAllDependencies, answered by TypeScript's BuilderState.getAllDependencies
 * over a referencedMap filled only for the files that walk visits. What tslab
 * reads is the same: the program, its diagnostics, the emit of a cell (the
 * builder passes it through unchanged, tslab giving custom transformers), and
 * a cell's dependencies. As BuilderState.create does, the checker is created
 * with the program: tslab reads a cell's `locals`, which binding sets.
 * @param {any} ts
 */
function lightBuilder(ts) {
  return function createProgram(/** @type {any[]} */ ...args) {
    const builder = ts.createAbstractBuilder(...args);
    const program = builder.getProgram();
    program.getTypeChecker();
    status.lightBuilders++;
    /** @type {Map<string, Set<string> | undefined>} */
    const refs = new Map();
    const referencedMap = {
      getValues(/** @type {string} */ p) {
        if (!refs.has(p)) {
          const file = program.getSourceFileByPath(p);
          refs.set(p, file ? referencedFiles(ts, program, file) : undefined);
        }
        return refs.get(p);
      },
    };
    const state = { referencedMap, allFileNames: undefined };
    builder.getAllDependencies = (/** @type {any} */ sourceFile) => ts.BuilderState.getAllDependencies(state, program, sourceFile);
    return builder;
  };
}

/**
 * Keeps tslab's single timer slot for what it is meant for. tslab's system
 * holds one pending timer, which it runs itself when a cell updates the
 * program, and throws on a second ("Unexpected pending rebuildTimer") or on
 * clearing another ("clearing unexpected tiemr"). TypeScript's watch program
 * also sets a timer to re-resolve imports that failed when a folder it
 * watches for them changes: a cell importing a file that does not exist yet,
 * which is then written, made every later cell of the kernel fail with
 * tslab's error. That timer now runs as an ordinary one (its callback only
 * schedules a program update, through tslab's slot); program updates still
 * go to tslab.
 * @param {any} system the system tslab gives createWatchCompilerHost
 */
function oneProgramTimer(system) {
  const set = system.setTimeout;
  const clear = system.clearTimeout;
  /** @type {WeakSet<object>} */
  const ordinary = new WeakSet();
  system.setTimeout = function (/** @type {(...a: any[]) => void} */ callback, /** @type {number} */ ms, /** @type {any[]} */ ...args) {
    if (callback && callback.name === "updateProgramWithWatchStatus") return set.call(this, callback, ms, ...args);
    const timer = setTimeout(callback, ms, ...args);
    timer.unref();
    ordinary.add(timer);
    return timer;
  };
  system.clearTimeout = function (/** @type {any} */ timer) {
    if (timer && ordinary.has(timer)) return clearTimeout(timer);
    return clear.call(this, timer);
  };
}

/**
 * tslab's converter, given a TypeScript whose createWatchCompilerHost honours
 * `light` and makes the light builder. (The typescript module's exports are non-configurable getters: a
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
      if (light) {
        status.lightPrograms++;
        return m.createWatchCompilerHost([...rootFiles, GLOBALS], { ...options, types: [] }, ...rest);
      }
      status.fullPrograms++;
      return m.createWatchCompilerHost(rootFiles, options, ...rest);
    };
    return copy;
  };
}

/**
 * A converter with the light program, that switches to tslab's usual one when
 * a cell's diagnostics may come from a missing Node.js type.
 * @param {(opts: any) => any} create tslab's createConverter
 * @param {any} opts
 */
function lightConverter(create, opts) {
  /** @type {any} */
  let made = null;
  // Created on first use, or by warmConverters() once the kernel has answered Jupyter's first
  // kernel_info request: building the program (parsing TypeScript's es2022 lib, ~0.5 s) then no
  // longer delays "kernel ready", and is usually done before the student runs a cell.
  const current = () => {
    if (made) return made;
    light = true;
    try {
      made = create(opts);
    } finally {
      light = false;
    }
    return made;
  };
  deferred.push(current);
  // A converter closed before warmConverters() ran (the grader's warm server makes many) is no longer built there.
  const forget = () => {
    const i = deferred.indexOf(current);
    if (i >= 0) deferred.splice(i, 1);
  };
  /** @type {any} */
  let cur = {
    convert: (/** @type {any[]} */ ...a) => current().convert(...a), inspect: (/** @type {any[]} */ ...a) => current().inspect(...a), complete: (/** @type {any[]} */ ...a) => current().complete(...a), addModule: (/** @type {any[]} */ ...a) => current().addModule(...a),
    close: () => {
      forget();
      if (made) made.close();
    },
  };
  let isLight = true;
  let emittedSides = false;
  /** @type {any[][]} */
  const modules = []; // %module cells, replayed into the full program
  const toFull = () => {
    const full = create(opts);
    for (const args of modules) full.addModule(...args);
    cur.close();
    cur = full;
    isLight = false;
    status.switchedToFull++;
  };
  /** tslab's compile of a cell, from the cell cache when it has it. */
  const compile = (/** @type {string} */ prevDecl, /** @type {string} */ src) => {
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
      if (!isLight || !out.diagnostics.some((/** @type {{ code: number }} */ d) => MAYBE_NODE.has(d.code))) return out;
      toFull();
      return compile(prevDecl, src);
    },
    inspect: (/** @type {any[]} */ ...a) => cur.inspect(...a),
    complete: (/** @type {any[]} */ ...a) => cur.complete(...a),
    addModule(/** @type {any[]} */ ...a) {
      if (isLight) modules.push(a);
      return cur.addModule(...a);
    },
    close: () => cur.close(),
    /**
     * True while this converter can compile another notebook as a fresh one
     * would: still on the light program, with no %module, and no local file
     * emitted (tslab remembers the local imports it has emitted and leaves them
     * out of later cells' side outputs). Otherwise each compile depends only on
     * the cell and the declarations of the cells before it.
     */
    reusable: () => isLight && modules.length === 0 && !emittedSides,
  };
}

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

/**
 * Everything setup/kernel.js installs before tslab starts; returns the
 * function that writes the code cache.
 * @param {string} root the course folder
 */
function prepareKernel(root) {
  // Collect garbage sooner: V8 otherwise lets a heap grow to up to 4× what is
  // live before a full collection, and every cell leaves ~10 MB of TypeScript
  // programs behind (peaks of 450–650 MB for ~150 MB in use).
  require("v8").setFlagsFromString("--heap-growing-percent=40");
  const saveCodeCache = installCodeCache(path.join(root, "build", "lib", "cache", "v8"), KERNEL_CODE_CACHED);
  useCellCache(process.env.COURSE_NO_CELL_CACHE ? null : cellCache(root, !process.env.COURSE_NO_REBUILD));
  hookTypeScript();
  const tslab = path.join(root, "node_modules", "tslab", "dist");
  const converter = require(path.join(tslab, "converter.js"));
  const createConverter = converter.createConverter;
  converter.createConverter = (/** @type {any} */ opts) => (opts && opts.isBrowser ? createConverter(opts) : lightConverter(createConverter, opts));
  return saveCodeCache;
}

/**
 * Fills the caches a kernel would fill on its first cell (TypeScript's code
 * cache; the digits' cache), so that kernels which cannot write to the course
 * (the grading sandbox) start fast too. Run as `node <KERNEL_NODE_FLAGS>
 * setup/kernel.js --warm`; returns what the hooks did, and the diagnostics of
 * two cells: one that the light program compiles, one that needs @types/node.
 * @param {string} root the course folder
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

/**
 * The converter for the next notebook: `conv` again, whose program is then
 * built once for all, unless it would compile that notebook unlike a fresh
 * kernel (it switched to the full program, took a %module or emitted a local
 * file: see lightConverter's reusable()); then a new one.
 * @param {any} conv the last notebook's converter, or null
 * @param {(opts: any) => any} createConverter
 */
function nextConverter(conv, createConverter) {
  if (conv && conv.reusable()) return conv;
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

/** How many cells compileInOrder compiled. @param {(string[] | null)[]} errors */
function compiledCount(errors) {
  return errors.filter((e) => e !== null).length;
}

/**
 * Fills the cell cache with the cells of these notebooks, compiled as a kernel
 * started in `cwd` would compile them when they run top to bottom (each cell
 * after the declarations of those before it; a cell with errors adds none).
 * Nothing is run. Returns how many cells were compiled and how many were
 * already cached. Run as `node <KERNEL_NODE_FLAGS> setup/kernel.js --warm-cells`.
 * @param {string} root the course folder
 * @param {string} cwd the notebooks' folder
 * @param {string[][]} notebooks each notebook's code cells
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
 * as `node <KERNEL_NODE_FLAGS> setup/kernel.js --serve-cell-warms CWD`).
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
  const lines = require("readline").createInterface({ input, crlfDelay: Infinity });
  lines.on("line", (/** @type {string} */ line) => {
    /** @type {Record<string, unknown>} */
    let reply;
    try {
      const req = JSON.parse(line);
      if (!req || !Array.isArray(req.cells) || typeof req.dir !== "string") throw new Error('expected {"cells": [...], "dir": "..."}');
      fs.mkdirSync(req.dir, { recursive: true });
      // What one notebook may write: its compiled cells are a few MB; a notebook made to blow them up is cut off.
      useCellCache(cellCache(root, true, req.dir, [base], WARM_MAX_BYTES));
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

module.exports = { KERNEL_CODE_CACHED, serveCellWarms, TFJS_BUNDLES, codeCacheFile, hookTypeScript, oneProgramTimer, lightBuilder, lightConverter, cellCache, useCellCache, warmCellCache, CELL_CACHE_MAX, warmConverters, installCodeCache, prepareKernel, warmCaches, kernelCodeCacheFile, status, KERNEL_NODE_FLAGS };

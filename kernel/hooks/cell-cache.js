// @ts-check
/**
 * The cell cache: compiled cells kept across kernels, in build/lib/cache/cells
 * (or COURSE_CELL_CACHE_DIR). A cell whose source and preceding declarations
 * were compiled before, against the same library, packages and compiler, gets
 * that result again without being type-checked anew (compiling is ~85% of the
 * time a kernel spends on a lesson's cells, and most cells are compiled again
 * and again: every Run All, every restart, both editions of a lesson, every
 * submission graded). The light converter (kernel/hooks/light-converter.js)
 * looks cells up here.
 *
 * Patches: nothing; it stores what tslab's converter returns for a cell.
 * Relies on: tslab 1.0.22 dist/converter.js, the result of a converter's `convert(prevDecl, src)` being plain JSON (output, declOutput, diagnostics, sideOutputs), and on its compile reading only what the key covers (see cellCache).
 * Guarded by: test/setup/kernel-speedups.test.ts "a cell found in the cell cache gets the same compile without building a program; other cells are compiled"
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { status } = require("./state");
const { GLOBALS } = require("./typescript-loader");
const { writeAtomically } = require("./write-atomically");
const { cachePaths } = require("../cache-paths");

/** Most compiled cells kept; a kernel start prunes the least recently written beyond it. */
const CELL_CACHE_MAX = 4000;

/** The kernel's cell cache: COURSE_CELL_CACHE_DIR (the grader's sandbox shows another there), else build/lib/cache/cells. */
function defaultCellCacheDir(/** @type {string} */ root) {
  return process.env.COURSE_CELL_CACHE_DIR || cachePaths(root).cells;
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
 *    rewritten by every build; no stamp, no cache) and kernel/kernel-types/globals.d.ts;
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
 * @param {Map<string, string>} [memo] entries kept in memory after the folders, read and filled by this
 *   cache object (the warm server's, shared by its notebooks: a cell another notebook compiled the same way,
 *   the same key, is not compiled again)
 */
function cellCache(root, writable, dir = defaultCellCacheDir(root), readAlso = [], maxBytes = Infinity, memo = undefined) {
  let bytes = 0;
  /**
   * Writes an entry unless it would pass maxBytes; true when written.
   * @param {string} f
   * @param {string} text
   */
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
      const text = memo && memo.get(key);
      if (text === undefined) return null;
      status.cellCacheHits++;
      if (writable) write(file(key), text);
      return JSON.parse(text);
    },
    /** @param {string} key @param {unknown} out */
    put(key, out) {
      const text = JSON.stringify(out);
      if (memo) memo.set(key, text);
      if (!writable) return;
      if (write(file(key), text)) status.cellCacheWritten++;
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

module.exports = { cellCache, defaultCellCacheDir, CELL_CACHE_MAX };

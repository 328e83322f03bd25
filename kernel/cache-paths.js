// @ts-check
/**
 * Every cache path of the course's kernel and grader, named once: what they
 * keep under build/lib/cache/ (V8's code cache, compiled cells, the grader's
 * compiled student editions, the warm stamp). A build never deletes them.
 * Plain JavaScript, so the kernel's hooks (and the grading worker, whose
 * sandbox shows kernel/ but not build/kernel/) load it from the sources.
 * (lib/course/digits.ts keeps the library's own digits cache there too: lib/
 * imports nothing from kernel/.)
 */
"use strict";
const path = require("path");

/**
 * The caches of the course at `root`.
 * @param {string} root
 */
function cachePaths(root) {
  const dir = path.join(root, "build", "lib", "cache");
  return {
    /** The folder all caches live in. */
    dir,
    /** V8's code cache of TypeScript's compiler and of the grading worker (kernel/hooks/code-cache.js). */
    v8: path.join(dir, "v8"),
    /** The kernel's compiled cells: the instructor's notebooks, solutions included (kernel/hooks/cell-cache.js). */
    cells: path.join(dir, "cells"),
    /** The grader's compiled cells: the lessons' student editions only (grading/warming.ts). */
    studentCells: path.join(dir, "student-cells"),
    /** When the kernel's caches were last warmed, and for which Node (kernel/jupyter.ts). */
    warmStamp: path.join(dir, "warm.json"),
  };
}

module.exports = { cachePaths };

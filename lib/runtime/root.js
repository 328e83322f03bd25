// @ts-check
/**
 * The one definition of the course's root folder. Plain CommonJS with no
 * dependencies, so the launchers that run before anything is compiled
 * (setup/bootstrap.js, kernel/build-lib.js, kernel/kernel.js) use the same code
 * as the compiled library (lib/runtime/paths.ts re-exports it; tsc copies this
 * file to build/lib/runtime/).
 */
"use strict";
const fs = require("fs");
const path = require("path");

/**
 * The course's root: the nearest folder above this file with package.json,
 * lib/ and notebooks/. Works from the sources and from build/.
 * @returns {string}
 */
function courseRoot() {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "lib")) && fs.existsSync(path.join(dir, "notebooks"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the course folder above ${__dirname}: is the course checked out whole?`);
    dir = parent;
  }
}

/** The course's root folder, found once. */
const ROOT = courseRoot();

module.exports = { courseRoot, ROOT };

// @ts-check
/**
 * Writes a cache file whole or not at all, for the code cache and the cell
 * cache (kernel/hooks/code-cache.js, kernel/hooks/cell-cache.js).
 *
 * Patches: nothing (a helper).
 * Relies on: nothing.
 * Guarded by: nothing (no internal of another package).
 */
"use strict";
const fs = require("fs");
const path = require("path");

/**
 * Writes `data` to `file` through a temporary file and a rename, so a kernel
 * reading at the same time never sees half of it; false when it cannot be
 * written (a read-only folder).
 * @param {string} file @param {string | Buffer} data
 * @returns {boolean}
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

module.exports = { writeAtomically };

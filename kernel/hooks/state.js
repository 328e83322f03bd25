// @ts-check
/**
 * The state the kernel's hooks share, in one place instead of module-level
 * variables that happen to be visible to every mechanism:
 *  - `status`: what the hooks did in this process. `npm test`
 *    (test/setup/kernel-speedups.test.ts) reads it from
 *    `node kernel/kernel.js --warm`, so the day a tslab or TypeScript update
 *    bypasses a hook, a test fails instead of the kernel silently losing its
 *    speed;
 *  - `shared.light`: set while the light converter creates tslab's converter,
 *    read by the TypeScript hook to build that program without @types/node;
 *  - `shared.cells`: the cell cache the converters use (null: none);
 *  - `shared.keepPrograms`: set by the grader's warm server, whose converters keep
 *    the light program when they switch to the full one (kernel/hooks/light-converter.js);
 *  - `deferred`: converters whose program is not built yet.
 *
 * Patches: nothing (shared state of the hooks).
 * Relies on: nothing.
 * Guarded by: nothing (no internal of another package).
 */
"use strict";

/**
 * @typedef {{ lightPrograms: number, fullPrograms: number, switchedToFull: number, codeCacheHits: number, codeCacheWritten: number, lightBuilders: number, cellCacheHits: number, cellCacheWritten: number }} HookStatus
 */

/** @type {HookStatus} */
const status = { lightPrograms: 0, fullPrograms: 0, switchedToFull: 0, codeCacheHits: 0, codeCacheWritten: 0, lightBuilders: 0, cellCacheHits: 0, cellCacheWritten: 0 };

/**
 * @typedef {object} CellCacheLike what the converters need of a cell cache (kernel/hooks/cell-cache.js)
 * @property {(lightProgram: boolean, prevDecl: string, src: string) => string | null} key
 * @property {(key: string) => any} get
 * @property {(key: string, out: unknown) => void} put
 * @property {() => void} prune
 */

/** @type {{ light: boolean, cells: CellCacheLike | null, keepPrograms: boolean }} */
const shared = { light: false, cells: null, keepPrograms: false };

/**
 * Converters whose program is not built yet (see kernel/hooks/light-converter.js).
 * @type {(() => unknown)[]}
 */
const deferred = [];

/**
 * Sets the cell cache that converters use from now on (null: none).
 * @param {CellCacheLike | null} cache
 */
function useCellCache(cache) {
  shared.cells = cache;
}

/** Builds the programs of the converters created so far (tslab creates the Node one at start). */
function warmConverters() {
  for (const make of deferred.splice(0)) make();
  if (shared.cells) shared.cells.prune();
}

module.exports = { status, shared, deferred, useCellCache, warmConverters };

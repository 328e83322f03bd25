// @ts-check
/**
 * Keeps tslab's single timer slot for program updates (see oneProgramTimer).
 * Installed by kernel/hooks/typescript-loader.js on the system tslab gives
 * createWatchCompilerHost.
 *
 * Patches: the setTimeout and clearTimeout of the system object tslab 1.0.22's dist/converter.js passes to TypeScript's createWatchCompilerHost.
 * Relies on: tslab 1.0.22 dist/converter.js holding one pending timer in that system (it throws "Unexpected pending rebuildTimer" on a second); TypeScript 5.0.4's watch program (lib/typescript.js, createWatchProgram's scheduleProgramUpdate) scheduling program updates with `host.setTimeout(updateProgramWithWatchStatus, 250)`, a function of that name.
 * Guarded by: test/setup/kernel-speedups.test.ts "a cell importing a file that is written later compiles once it exists, and the cells after it too (tslab threw 'Unexpected pending rebuildTimer')"
 */
"use strict";

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

module.exports = { oneProgramTimer };

// The kernel's interrupt, page side: the pieces kernel/plugin.js uses.
//
// Kernel → Interrupt (hooks/kernel-interrupt.js brings it to the kernel) first
// asks the running cell to stop: where the page is cross-origin isolated it
// sets the flag the worker checks (kernel/interrupt-flag.js). A cell that has
// not stopped within GRACE_MS (a long synchronous call, an await that never
// ends), or any cell where there is no flag, is stopped by terminating the
// worker: the kernel starts a new one and re-runs, silently and in order, the
// cells that had run without error before, so their variables come back (the
// course's cells are deterministic: `lab.setup()` seeds everything).

/** How long a cell asked to stop may take before its worker is replaced (ms). */
export const GRACE_MS = 300;

/** The flag shared with the worker (an Int32 over a SharedArrayBuffer), or null where the page is not cross-origin isolated. */
export function interruptFlag() {
  if (!self.crossOriginIsolated || typeof SharedArrayBuffer === "undefined") return null;
  return new Int32Array(new SharedArrayBuffer(4));
}

/**
 * True when `promise` settles within `ms`.
 * @param {Promise<unknown>} promise
 * @param {number} ms
 * @returns {Promise<boolean>}
 */
export function settlesWithin(promise, ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {Promise<boolean>} */
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true, () => true), timeout]).finally(() => clearTimeout(timer));
}

/** The reply to the interrupted cell when its worker was replaced; `restoring` is the number of cells being re-run. */
/**
 * @param {number} restoring
 */
export function replacedReply(restoring) {
  const cells = restoring === 1 ? "the cell" : `the ${restoring} cells`;
  const evalue =
    restoring === 0
      ? "Interrupted: the kernel stopped the cell by replacing its worker."
      : `Interrupted: the kernel stopped the cell by replacing its worker, and re-runs ${cells} that had run before this one (without showing their output again), so their variables are back before the next cell runs.`;
  return { status: /** @type {const} */ ("error"), ename: "KeyboardInterrupt", evalue, traceback: /** @type {string[]} */ ([]) };
}

/** The reply to a cell interrupted while it waited for the earlier cells to be re-run. */
export function restoreCancelledReply() {
  const evalue = "Interrupted while the kernel was re-running the earlier cells after an interrupt: its worker is new and holds no variables. Run the notebook's cells again from the top.";
  return { status: /** @type {const} */ ("error"), ename: "KeyboardInterrupt", evalue, traceback: /** @type {string[]} */ ([]) };
}

/** Said before the next cell when re-running the earlier cells failed at `index` (0-based) with `reply`. */
/**
 * @param {number} index
 * @param {number} count
 * @param {{ ename?: string, evalue?: string }} reply
 */
export function restoreFailedNotice(index, count, reply) {
  return `After the interrupt, re-running cell ${index + 1} of the ${count} that had run failed (${reply.ename}: ${reply.evalue}); the variables of that cell and the ones after it are missing. Run them again.\n`;
}

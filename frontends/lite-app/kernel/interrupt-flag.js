// The kernel's interrupt, worker side (the page side is kernel/plugin.js).
// Where the page is cross-origin isolated it shares a SharedArrayBuffer with
// the worker: one Int32 the page sets to 1 on Kernel → Interrupt and back to 0
// before each cell. The check below reads it and throws KernelInterrupt; the
// cell compiler calls it at the head of every loop body (loop-checks.js), and
// the course library's training loops call it between batches through the
// global symbol `nn-course.interrupt-check` (lib/runtime/interrupt.ts). So a
// cell stops between two iterations and the kernel keeps its variables.
// Without isolation there is no flag: the check does nothing, and the page
// replaces the worker instead.
const CHECK_KEY = Symbol.for("nn-course.interrupt-check");

/** @type {Int32Array | null} */
let flag = null;

/** What a cell stopped by Kernel → Interrupt throws. */
export class KernelInterrupt extends Error {
  constructor() {
    super("Interrupted");
    this.name = "KeyboardInterrupt";
  }
}

/** True once the page has asked the running cell to stop. */
export function interruptRequested() {
  return flag !== null && Atomics.load(flag, 0) !== 0;
}

/** Throws KernelInterrupt when the page has asked the running cell to stop. */
export function interruptCheck() {
  if (flag !== null && Atomics.load(flag, 0) !== 0) throw new KernelInterrupt();
}

/** Uses the page's flag (a SharedArrayBuffer, or null where the page is not isolated) and offers the check to the library. */
/**
 * @param {unknown} buffer
 */
export function useInterruptFlag(buffer) {
  flag = typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer ? new Int32Array(buffer) : null;
  /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[CHECK_KEY] = interruptCheck;
}

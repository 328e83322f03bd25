/**
 * Interrupt points for long library loops (training). A kernel that can stop
 * a running cell cooperatively installs a check under the global symbol
 * `nn-course.interrupt-check`: the browser edition's worker does
 * (frontends/lite-app/kernel/interrupt-flag.js), where it throws once the student
 * has chosen Kernel → Interrupt. Library code calls `interruptPoint()` between
 * batches so training stops there, the kernel keeping its state. Elsewhere
 * (tslab, Node, tests) no check is installed and it does nothing: tslab
 * interrupts with a signal.
 */
const CHECK_KEY = Symbol.for("nn-course.interrupt-check");

/** The check installed by the kernel, or null. */
export function interruptCheck(): (() => void) | null {
  const check = (globalThis as Record<symbol, unknown>)[CHECK_KEY];
  return typeof check === "function" ? (check as () => void) : null;
}

/** Throws the kernel's interrupt error when the student has asked the running cell to stop; otherwise nothing. */
export function interruptPoint(): void {
  interruptCheck()?.();
}

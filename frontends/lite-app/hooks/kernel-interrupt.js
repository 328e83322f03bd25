/**
 * HOOK into @jupyterlite/services's internals (0.8.x).
 *
 * The method it patches (below) is the one JupyterLab's Kernel → Interrupt
 * reaches in JupyterLite. It only cancels the requests queued behind the
 * running one (it cancels the kernel's async-mutex); it never tells the
 * kernel, so the running cell went on (lesson 05's training for about 8 s
 * more, a `while (true) {}` for ever). `this._kernels` is an ObservableMap
 * from kernel id to the kernel object the kernel spec's factory made.
 *
 * Why: after the original has cancelled the queue, the kernel's own
 * `interrupt()` (kernel/plugin.js) stops the running cell. Calling it after,
 * not before, keeps the order of the original: the queue is cancelled before
 * the running cell replies, so no queued cell starts in between.
 *
 * Patches: LiteKernelClient.prototype.interrupt (@jupyterlite/services).
 * Relies on: @jupyterlite/services 0.8.x's LiteKernelClient keeping its kernels in `this._kernels` (kernel id → the kernel object) and `interrupt(kernelId)` being what Kernel → Interrupt calls.
 * Guarded by: test/browser/lite-work.test.ts "replaced worker (page not cross-origin isolated): `while (true) {}` and training stop, the earlier cells' variables come back"
 */
import { LiteKernelClient } from "@jupyterlite/services";

/** Installs the hook (once); returns false when the internals it relies on are gone. */
export function interruptRunningCells() {
  /** @type {{ interrupt: ((kernelId: string) => Promise<void>) & { courseHook?: boolean } } | undefined} */
  const proto = LiteKernelClient?.prototype;
  if (!proto || typeof proto.interrupt !== "function") return false;
  if (proto.interrupt.courseHook) return true;
  const original = proto.interrupt;
  /**
   * @this {{ _kernels?: { get?: (id: string) => { interrupt?: () => Promise<void> } | undefined } }}
   * @param {string} kernelId
   */
  const hooked = async function (kernelId) {
    await original.call(this, kernelId);
    const kernel = this._kernels?.get?.(kernelId);
    if (kernel && typeof kernel.interrupt === "function") await kernel.interrupt();
  };
  /** @type {typeof hooked & { courseHook?: boolean }} */ (hooked).courseHook = true;
  proto.interrupt = hooked;
  return true;
}

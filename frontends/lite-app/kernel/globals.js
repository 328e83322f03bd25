// Globals the course library expects from Node, for the kernel's Web Worker
// (esbuild injects this file into the worker bundle, so these exist before any
// module runs). `process` deliberately has no `versions.node`: TensorFlow.js
// and lib/runtime/backend.ts read that to tell Node from a browser.
import { Buffer as BufferPolyfill } from "buffer";

export const process = {
  env: /** @type {Record<string, string | undefined>} */ ({}),
  pid: 1,
  platform: "browser",
  browser: true,
  version: "",
  versions: {},
  argv: [],
  cwd: () => "/course/notebooks",
  nextTick: (/** @type {(...a: unknown[]) => void} */ fn, /** @type {unknown[]} */ ...args) => queueMicrotask(() => fn(...args)),
  emitWarning: () => undefined,
};
export const Buffer = BufferPolyfill;

// Node's setImmediate (the fast training loop yields with it between epochs):
// a MessageChannel task, which browsers do not clamp like nested setTimeout(0).
/** @typedef {{ fn: (...a: unknown[]) => void, args: unknown[] }} Immediate */
/** @type {Immediate[]} */
const immediateQueue = [];
const channel = new MessageChannel();
channel.port1.onmessage = () => {
  const next = immediateQueue.shift();
  if (next) next.fn(...next.args);
};
/**
 * @param {(...a: unknown[]) => void} fn
 * @param {unknown[]} args
 * @returns {Immediate}
 */
export function setImmediate(fn, ...args) {
  const handle = { fn, args };
  immediateQueue.push(handle);
  channel.port2.postMessage(0);
  return handle;
}
/**
 * @param {Immediate} handle
 */
export function clearImmediate(handle) {
  const i = immediateQueue.indexOf(handle);
  if (i >= 0) immediateQueue.splice(i, 1);
}

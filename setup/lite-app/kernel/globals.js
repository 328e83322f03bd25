// Globals the course library expects from Node, for the kernel's Web Worker
// (esbuild injects this file into the worker bundle, so these exist before any
// module runs). `process` deliberately has no `versions.node`: TensorFlow.js
// and lib/runtime/backend.ts read that to tell Node from a browser.
import { Buffer as BufferPolyfill } from "buffer";

export const process = {
  env: {},
  pid: 1,
  platform: "browser",
  browser: true,
  version: "",
  versions: {},
  argv: [],
  cwd: () => "/course/notebooks",
  nextTick: (fn, ...args) => queueMicrotask(() => fn(...args)),
  emitWarning: () => undefined,
};
export const Buffer = BufferPolyfill;

// The type checker, page side: one checker worker per page
// (build/checker-worker.js, from kernel/checker-worker.js), started when the
// app starts (startChecker) and shared by every kernel after it (it keeps no notebook
// state), and one CellChecker per kernel, which holds what tslab's executor
// holds: the declarations of the cells run so far (`prevDecl`). A cell's
// declarations count once it ran without error, as in tslab. A kernel
// restart makes a new kernel, hence a new CellChecker: no cell has run.
//
// When a cell runs before the checker is ready (it loads tslab's TypeScript
// and the course's .d.ts while the kernel's worker loads TensorFlow.js), the
// cell waits for it, up to WAIT_MS: the browser edition then speaks the same
// language as tslab from the first cell. A checker that failed to load, or
// is not ready in time, lets cells run unchecked; the cell's output says so.
import { URLExt } from "@jupyterlab/coreutils";

/** How long a cell waits for the checker to be ready. */
const WAIT_MS = 30_000;

/**
 * @typedef {{ kind: string, message: string }} CheckerFailure
 * @typedef {{ line: number, column: number, code: number, fileName: string | null, text: string }} CellDiagnostic
 * @typedef {{ diagnostics: CellDiagnostic[], declOutput: string | null, light?: boolean, unchecked?: undefined }} Verdict
 * @typedef {{ unchecked: CheckerFailure, diagnostics?: undefined, declOutput?: undefined }} Unchecked
 * @typedef {{ error?: CheckerFailure, typescript?: string, loadMs?: number, warmMs?: number, readyMs?: number, readyAtMs?: number }} CheckerInfo
 * @typedef {{ call: (type: string, payload: object) => Promise<any>, ready: Promise<CheckerInfo> }} CheckerWorker
 */

/** @type {CheckerWorker | null} */
let shared = null;

/**
 * @param {string} baseUrl
 * @param {string} build
 * @returns {CheckerWorker}
 */
function startWorker(baseUrl, build) {
  const worker = new Worker(URLExt.join(baseUrl, "build", "checker-worker.js") + `?v=${build}`);
  /** @type {Map<number, (content: any) => void>} */
  const calls = new Map();
  let next = 1;
  /** @type {CheckerFailure | null} */
  let failed = null;
  /** @type {CheckerWorker["call"]} */
  const call = (type, payload) => {
    if (failed) return Promise.resolve({ error: failed });
    const id = next++;
    return new Promise((resolve) => {
      calls.set(id, resolve);
      worker.postMessage({ type, id, ...payload });
    });
  };
  worker.onmessage = (e) => {
    const resolve = calls.get(e.data.id);
    calls.delete(e.data.id);
    resolve?.(e.data.content);
  };
  worker.onerror = (e) => {
    failed = { kind: "checker-failed", message: String(e.message || e) };
    for (const resolve of calls.values()) resolve({ error: failed });
    calls.clear();
  };
  const t0 = performance.now();
  // readyMs: from the worker's start; readyAtMs: from navigation (the page's time origin), as `npm run bench` counts.
  const ready = call("init", { baseUrl, cwd: "/course/notebooks" }).then((info) => ({ ...info, readyMs: Math.round(performance.now() - t0), readyAtMs: Math.round(performance.now()) }));
  return { call, ready };
}

const timeout = (/** @type {number} */ ms) => /** @type {Promise<CheckerInfo>} */ (new Promise((resolve) => setTimeout(() => resolve({ error: { kind: "checker-not-ready", message: `not ready after ${ms / 1000} s` } }), ms)));

/**
 * Starts the page's checker worker, once. The kernel plugin calls it when the
 * app starts, before any notebook is open: the checker then loads while the
 * notebook opens and its kernel loads TensorFlow.js, so the first cell waits
 * less for it.
 * @param {string} baseUrl
 * @param {string} build
 * @returns {CheckerWorker}
 */
export function startChecker(baseUrl, build) {
  if (!shared) {
    shared = startWorker(baseUrl, build);
    // For `npm run bench` (bench/lite.ts): the checker's start-up figures, read from the page.
    /** @type {{ courseTypeChecker?: unknown }} */ (globalThis).courseTypeChecker = { info: shared.ready };
  }
  return shared;
}

export class CellChecker {
  /** @param {{ baseUrl: string, build: string, location: string }} options */
  constructor({ baseUrl, build, location }) {
    this._worker = startChecker(baseUrl, build);
    this._cwd = location ? `/course/notebooks/${location}` : "/course/notebooks";
    this._prevDecl = "";
    this._ready = false;
    this._worker.ready.then((info) => {
      this._ready = !info.error;
    });
  }

  /** The checker's start-up figures ({typescript, loadMs, warmMs, readyMs, readyAtMs} or {error}). */
  get info() {
    return this._worker.ready;
  }

  /**
   * tslab's verdict on a cell: { diagnostics: [{line, column, code, fileName, text}], declOutput },
   * or { unchecked: {kind, message} } when the checker could not say.
   * @param {string} src
   * @returns {Promise<Verdict | Unchecked>}
   */
  async check(src) {
    const info = await Promise.race([this._worker.ready, timeout(WAIT_MS)]);
    if (info.error) return { unchecked: info.error };
    const verdict = await this._worker.call("check", { cwd: this._cwd, prevDecl: this._prevDecl, src });
    return verdict.error ? { unchecked: verdict.error } : verdict;
  }

  /** The cell of this verdict ran without error: later cells see its declarations. */
  /**
   * @param {Verdict | Unchecked} verdict
   */
  ran(verdict) {
    if (verdict && "declOutput" in verdict && typeof verdict.declOutput === "string") this._prevDecl = verdict.declOutput;
  }

  /** tslab's complete_reply content, or null while the checker is not ready. */
  /**
   * @param {string} src
   * @param {number} pos
   */
  async complete(src, pos) {
    if (!this._ready) return null;
    const r = await this._worker.call("complete", { cwd: this._cwd, prevDecl: this._prevDecl, src, pos });
    return r.error ? null : r;
  }

  /** tslab's inspect_reply content, or null while the checker is not ready. */
  /**
   * @param {string} src
   * @param {number} pos
   */
  async inspect(src, pos) {
    if (!this._ready) return null;
    const r = await this._worker.call("inspect", { cwd: this._cwd, prevDecl: this._prevDecl, src, pos });
    return r.error ? null : r;
  }
}

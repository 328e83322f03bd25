// The course's TypeScript kernel for JupyterLite, page side. It registers the
// kernel spec `tslab` (the name the notebooks carry, so the same files open
// with this kernel in the browser and with tslab in Node) and runs each kernel
// in a Web Worker (build/kernel-worker.js, from kernel/worker.js): cells are
// compiled and run there, so long training keeps the page responsive. The
// worker's messages are plain postMessage objects: {type: "reply", id, …}
// answers a call; stream / display_data / update_display_data / clear_output
// are published to the cell being run. Kernel → Interrupt stops the running
// cell (interrupt-page.js): cooperatively where the page is cross-origin
// isolated, else by replacing the worker and re-running the earlier cells.
import { PageConfig, URLExt } from "@jupyterlab/coreutils";
import { BaseKernel, IKernelSpecs } from "@jupyterlite/services";
import { CellChecker, startChecker } from "./checker.js";
import { GRACE_MS, interruptFlag, replacedReply, restoreCancelledReply, restoreFailedNotice, settlesWithin } from "./interrupt-page.js";

/** Environment the worker's `process.env` gets: COURSE_* from the page's query string (e.g. ?COURSE_TF_BACKEND=wasm). */
function courseEnv() {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [k, v] of new URLSearchParams(window.location.search)) if (/^COURSE_[A-Z_]+$/.test(k)) env[k] = v;
  return env;
}

/**
 * @typedef {{ status: "ok", user_expressions: Record<string, never> }} OkReply
 * @typedef {{ status: "error", ename: string, evalue: string, traceback: string[] }} ErrorReply
 * @typedef {OkReply | ErrorReply} Reply
 *   What the worker answers an execute (worker.js): Jupyter's execute_reply content.
 * @typedef {{ resolve: (content: any) => void, reject: (err: Error) => void }} Call
 * @typedef {{ cancelled: true, notice?: undefined } | { cancelled?: undefined, notice: string | null }} RestoreOutcome
 * @typedef {{ waiting: boolean, promise: Promise<RestoreOutcome>, cancel: () => void }} Restore
 */

class TypeScriptKernel extends BaseKernel {
  /**
   * @param {import("@jupyterlite/services").IKernel.IOptions} options
   */
  constructor(options) {
    super(options);
    /** @type {Map<number, Call>} */
    this._calls = new Map();
    this._nextCall = 1;
    // The code of the cells that ran without error in the current worker, in order: what an interrupt
    // that replaces the worker re-runs (interrupt-page.js). Not `_history`: BaseKernel keeps its own under that name.
    /** @type {string[]} */
    this._ranCells = [];
    // The execute call in progress, { id, promise }; null between cells.
    /** @type {{ id: number, promise: Promise<Reply> } | null} */
    this._running = null;
    // Earlier cells being re-run in a new worker after an interrupt: { promise, cancel, waiting }; null otherwise.
    /** @type {Restore | null} */
    this._restore = null;
    // The worker whose output is not shown (it is re-running earlier cells).
    /** @type {Worker | null} */
    this._quiet = null;
    /** @type {Worker} */
    this._worker = /** @type {any} */ (undefined); // set by _startWorker, below
    /** @type {{ typescript?: string } | undefined} */
    this._info = undefined;
    this._flag = interruptFlag();
    // tslab's type check, in a worker of its own (kernel/checker.js); it outlives worker replacements.
    this._checker = new CellChecker({ baseUrl: PageConfig.getBaseUrl(), build: PageConfig.getOption("courseBuild"), location: this.location });
    this._startWorker();
    this._ready = this._init().then((info) => {
      this._info = info;
    });
  }

  /** @override */
  get ready() {
    return this._ready;
  }

  /** @override */
  dispose() {
    if (this.isDisposed) return;
    this._worker.terminate();
    super.dispose();
  }

  _startWorker() {
    const worker = new Worker(URLExt.join(PageConfig.getBaseUrl(), "build", "kernel-worker.js") + `?v=${PageConfig.getOption("courseBuild")}`);
    // A replaced worker's last messages are dropped.
    worker.onmessage = (e) => {
      if (worker === this._worker) this._onMessage(e.data, worker === this._quiet);
    };
    worker.onerror = (e) => {
      if (worker !== this._worker) return;
      const text = `The kernel's worker failed: ${e.message || e}\n`;
      this.stream({ name: "stderr", text }, this.parentHeader);
      for (const { reject } of this._calls.values()) reject(new Error(text));
      this._calls.clear();
    };
    this._worker = worker;
  }

  _init() {
    const interruptFlag = this._flag ? this._flag.buffer : null;
    return this._call("init", { baseUrl: PageConfig.getBaseUrl(), location: this.location, env: courseEnv(), interruptFlag });
  }

  /**
   * @param {string} type
   * @param {object} payload
   * @returns {Promise<any>}
   */
  _call(type, payload) {
    const id = this._nextCall++;
    return new Promise((resolve, reject) => {
      this._calls.set(id, { resolve, reject });
      this._worker.postMessage({ type, id, ...payload });
    });
  }

  /**
   * @param {{ type: string, id?: number, content?: any }} msg
   * @param {boolean} quiet
   */
  _onMessage(msg, quiet) {
    if (msg.type === "reply") {
      const call = this._calls.get(/** @type {number} */ (msg.id));
      this._calls.delete(/** @type {number} */ (msg.id));
      call?.resolve(msg.content);
      return;
    }
    // The output of cells re-run after an interrupt is not shown again: the notebook keeps it.
    if (quiet) return;
    switch (msg.type) {
      case "stream":
        this.stream(msg.content, this.parentHeader);
        break;
      case "display_data":
        this.displayData(msg.content, this.parentHeader);
        break;
      case "update_display_data":
        this.updateDisplayData(msg.content, this.parentHeader);
        break;
      case "clear_output":
        this.clearOutput(msg.content, this.parentHeader);
        break;
      default:
        break;
    }
  }

  // ------------------------------------------------------------ interrupt (interrupt-page.js)

  /** Kernel → Interrupt (called by hooks/kernel-interrupt.js once JupyterLite has cancelled the queue). */
  async interrupt() {
    const t0 = performance.now();
    if (this._restore?.waiting) {
      this._restore.cancel();
      this._noteInterrupt({ path: "restore-cancelled", seconds: (performance.now() - t0) / 1000 });
      return;
    }
    const running = this._running;
    if (!running) return;
    if (this._flag) {
      Atomics.store(this._flag, 0, 1);
      if (await settlesWithin(running.promise, GRACE_MS)) {
        this._noteInterrupt({ path: "cooperative", seconds: (performance.now() - t0) / 1000 });
        return;
      }
    }
    const restoring = this._replaceWorker(running);
    const note = { path: "worker-replaced", seconds: (performance.now() - t0) / 1000, restoring, restored: null, restoreSeconds: null };
    this._noteInterrupt(note);
    this._restore?.promise.then((outcome) => {
      this._noteInterrupt({ ...note, restored: !outcome.cancelled && outcome.notice === null, restoreSeconds: (performance.now() - t0) / 1000 });
    });
  }

  /** The last interrupt as data (<body data-course-interrupt>), for tests and the benchmark. */
  /**
   * @param {object} note
   */
  _noteInterrupt(note) {
    if (typeof document !== "undefined") document.body.dataset.courseInterrupt = JSON.stringify(note);
  }

  /** Terminates the worker, answers the running cell and starts a new worker that re-runs the earlier cells; returns how many. */
  /**
   * @param {{ id: number }} running
   */
  _replaceWorker(running) {
    const cells = this._ranCells;
    this._ranCells = [];
    this._worker.terminate();
    const calls = this._calls;
    this._calls = new Map();
    this._startWorker();
    this._restore = this._restoreCells(this._init(), cells);
    for (const [id, call] of calls) {
      if (id === running.id) call.resolve(replacedReply(cells.length));
      else call.resolve({ status: "error", ename: "KeyboardInterrupt", evalue: "The kernel's worker was replaced.", traceback: [] });
    }
    return cells.length;
  }

  /** Re-runs `cells` silently in the new worker once `ready`; resolves with { cancelled } or { notice } (null when every cell ran). */
  /**
   * @param {Promise<unknown>} ready
   * @param {string[]} cells
   * @returns {Restore}
   */
  _restoreCells(ready, cells) {
    const worker = this._worker;
    /** @type {() => void} */
    let cancel = () => undefined;
    /** @type {Promise<RestoreOutcome>} */
    const cancelled = new Promise((resolve) => {
      cancel = () => resolve({ cancelled: true });
    });
    const run = (/** @type {() => Promise<RestoreOutcome>} */ (async () => {
      await ready;
      this._quiet = worker;
      try {
        for (let i = 0; i < cells.length; i++) {
          const reply = await this._call("execute", { code: cells[i] });
          if (worker !== this._worker) return { cancelled: true };
          if (reply.status !== "ok") return { notice: restoreFailedNotice(i, cells.length, reply) };
          this._ranCells.push(cells[i]);
        }
        return { notice: null };
      } finally {
        if (this._quiet === worker) this._quiet = null;
      }
    }))();
    return {
      waiting: false,
      promise: Promise.race([run, cancelled]),
      cancel: () => {
        // A new worker with no variables: re-running the cells again could be what was interrupted.
        this._ranCells = [];
        this._worker.terminate();
        const calls = this._calls;
        this._calls = new Map();
        this._startWorker();
        void this._init();
        for (const call of calls.values()) call.resolve({ status: "error", ename: "KeyboardInterrupt", evalue: "The kernel's worker was replaced.", traceback: [] });
        cancel();
      },
    };
  }

  /** Waits for the earlier cells being re-run after an interrupt; returns the reply for a cell interrupted meanwhile, else null. */
  async _afterRestore() {
    const restore = this._restore;
    if (!restore) return null;
    restore.waiting = true;
    const outcome = await restore.promise;
    if (this._restore === restore) this._restore = null;
    if (outcome.cancelled) return restoreCancelledReply();
    if (outcome.notice) this.stream({ name: "stderr", text: outcome.notice }, this.parentHeader);
    return null;
  }

  async kernelInfoRequest() {
    const tsVersion = this._info?.typescript ?? "";
    return {
      implementation: "course-typescript-lite",
      implementation_version: "0.1.0",
      language_info: {
        codemirror_mode: { name: "javascript", typescript: true },
        file_extension: ".ts",
        mimetype: "text/typescript",
        name: "typescript",
        version: tsVersion,
      },
      protocol_version: "5.3",
      status: /** @type {const} */ ("ok"),
      banner: `TypeScript ${tsVersion} in the browser (the course's kernel for JupyterLite)`,
      help_links: /** @type {{ text: string, url: string }[]} */ ([]),
    };
  }

  /**
   * @param {{ code: string }} content
   */
  async executeRequest(content) {
    const stopped = await this._afterRestore();
    if (stopped) return this._executeReply(stopped);
    // As tslab: a cell with type errors prints them (stderr) and does not run.
    const verdict = await this._checker.check(content.code);
    if (verdict.diagnostics?.length) {
      const text = verdict.diagnostics.map((d) => d.text).join("\n");
      this.stream({ name: "stderr", text: text + "\n" }, this.parentHeader);
      this.publishExecuteError({ ename: "TSError", evalue: text, traceback: [] }, this.parentHeader);
      return { status: /** @type {const} */ ("error"), ename: "TSError", evalue: text, traceback: [], execution_count: this.executionCount };
    }
    if (verdict.unchecked) this.stream({ name: "stderr", text: `(This cell was not type-checked: ${verdict.unchecked.message}.)\n` }, this.parentHeader);
    if (this._flag) Atomics.store(this._flag, 0, 0);
    const id = this._nextCall;
    const promise = this._call("execute", { code: content.code });
    this._running = { id, promise };
    /** @type {Reply} */
    let reply;
    try {
      reply = await promise;
    } finally {
      if (this._running?.id === id) this._running = null;
    }
    if (reply.status === "ok") {
      this._ranCells.push(content.code);
      this._checker.ran(verdict);
    }
    return this._executeReply(reply);
  }

  /**
   * @param {Reply} reply
   */
  _executeReply(reply) {
    if (reply.status === "error") {
      this.publishExecuteError({ ename: reply.ename, evalue: reply.evalue, traceback: reply.traceback }, this.parentHeader);
    }
    return { ...reply, execution_count: this.executionCount };
  }

  /**
   * @param {{ code: string, cursor_pos: number }} content
   */
  async completeRequest(content) {
    // tslab's completion from the checker; until it is ready, the names the cells and the worker hold.
    const r = await this._checker.complete(content.code, content.cursor_pos);
    return r ?? this._call("complete", { code: content.code, cursor_pos: content.cursor_pos });
  }

  /**
   * @param {{ code: string, cursor_pos: number }} content
   */
  async inspectRequest(content) {
    const r = await this._checker.inspect(content.code, content.cursor_pos);
    return r ?? { status: /** @type {const} */ ("ok"), found: false, data: {}, metadata: {} };
  }

  async isCompleteRequest() {
    return { status: /** @type {const} */ ("complete") };
  }

  async commInfoRequest() {
    return { status: /** @type {const} */ ("ok"), comms: {} };
  }

  inputReply() {}

  async commOpen() {}

  async commMsg() {}

  async commClose() {}
}

const LOGO =
  "data:image/svg+xml;base64," +
  btoa('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="8" fill="#3178c6"/><text x="33" y="52" font-family="sans-serif" font-weight="bold" font-size="30" text-anchor="middle" fill="#fff">TS</text></svg>');

/** Registers the kernel under the name the course's notebooks ask for. */
const plugin = {
  id: "nn-training-course:typescript-kernel",
  description: "The course's TypeScript kernel, running in a Web Worker.",
  autoStart: true,
  requires: [IKernelSpecs],
  activate: (/** @type {unknown} */ _app, /** @type {import("@jupyterlite/services").IKernelSpecs} */ kernelspecs) => {
    // The type checker loads from now on, not only once a notebook's kernel starts (kernel/checker.js).
    startChecker(PageConfig.getBaseUrl(), PageConfig.getOption("courseBuild"));
    kernelspecs.register({
      spec: {
        name: "tslab",
        display_name: "TypeScript (course: browser)",
        language: "typescript",
        argv: [],
        resources: { "logo-32x32": LOGO, "logo-64x64": LOGO },
      },
      create: async (/** @type {import("@jupyterlite/services").IKernel.IOptions} */ options) => new TypeScriptKernel(options),
    });
  },
};

export default plugin;

// The course's TypeScript kernel for JupyterLite, page side. It registers the
// kernel spec `tslab` (the name the notebooks carry, so the same files open
// with this kernel in the browser and with tslab in Node) and runs each kernel
// in a Web Worker (build/kernel-worker.js, from kernel/worker.js): cells are
// compiled and run there, so long training keeps the page responsive. The
// worker's messages are plain postMessage objects: {type: "reply", id, …}
// answers a call; stream / display_data / update_display_data / clear_output
// are published to the cell being run.
import { PageConfig, URLExt } from "@jupyterlab/coreutils";
import { BaseKernel, IKernelSpecs } from "@jupyterlite/services";
import { CellChecker, startChecker } from "./checker.js";

/** Environment the worker's `process.env` gets: COURSE_* from the page's query string (e.g. ?COURSE_TF_BACKEND=wasm). */
function courseEnv() {
  const env = {};
  for (const [k, v] of new URLSearchParams(window.location.search)) if (/^COURSE_[A-Z_]+$/.test(k)) env[k] = v;
  return env;
}

export class TypeScriptKernel extends BaseKernel {
  constructor(options) {
    super(options);
    this._calls = new Map();
    this._nextCall = 1;
    const base = PageConfig.getBaseUrl();
    this._worker = new Worker(URLExt.join(base, "build", "kernel-worker.js") + `?v=${PageConfig.getOption("courseBuild")}`);
    this._worker.onmessage = (e) => this._onMessage(e.data);
    // tslab's type check, in a worker of its own (kernel/checker.js).
    this._checker = new CellChecker({ baseUrl: base, build: PageConfig.getOption("courseBuild"), location: this.location });
    this._worker.onerror = (e) => {
      const text = `The kernel's worker failed: ${e.message || e}\n`;
      this.stream({ name: "stderr", text }, this.parentHeader);
      for (const { reject } of this._calls.values()) reject(new Error(text));
      this._calls.clear();
    };
    this._ready = this._call("init", { baseUrl: base, location: this.location, env: courseEnv() }).then((info) => {
      this._info = info;
    });
  }

  get ready() {
    return this._ready;
  }

  dispose() {
    if (this.isDisposed) return;
    this._worker.terminate();
    super.dispose();
  }

  _call(type, payload) {
    const id = this._nextCall++;
    return new Promise((resolve, reject) => {
      this._calls.set(id, { resolve, reject });
      this._worker.postMessage({ type, id, ...payload });
    });
  }

  _onMessage(msg) {
    switch (msg.type) {
      case "reply": {
        const call = this._calls.get(msg.id);
        this._calls.delete(msg.id);
        call?.resolve(msg.content);
        break;
      }
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
      status: "ok",
      banner: `TypeScript ${tsVersion} in the browser (the course's kernel for JupyterLite)`,
      help_links: [],
    };
  }

  async executeRequest(content) {
    // As tslab: a cell with type errors prints them (stderr) and does not run.
    const verdict = await this._checker.check(content.code);
    if (verdict.diagnostics?.length) {
      const text = verdict.diagnostics.map((d) => d.text).join("\n");
      this.stream({ name: "stderr", text: text + "\n" }, this.parentHeader);
      this.publishExecuteError({ ename: "TSError", evalue: text, traceback: [] }, this.parentHeader);
      return { status: "error", ename: "TSError", evalue: text, traceback: [], execution_count: this.executionCount };
    }
    if (verdict.unchecked) this.stream({ name: "stderr", text: `(This cell was not type-checked: ${verdict.unchecked.message}.)\n` }, this.parentHeader);
    const reply = await this._call("execute", { code: content.code });
    if (reply.status === "ok") this._checker.ran(verdict);
    if (reply.status === "error") {
      this.publishExecuteError({ ename: reply.ename, evalue: reply.evalue, traceback: reply.traceback }, this.parentHeader);
    }
    return { ...reply, execution_count: this.executionCount };
  }

  async completeRequest(content) {
    // tslab's completion from the checker; until it is ready, the names the cells and the worker hold.
    const r = await this._checker.complete(content.code, content.cursor_pos);
    return r ?? this._call("complete", { code: content.code, cursor_pos: content.cursor_pos });
  }

  async inspectRequest(content) {
    const r = await this._checker.inspect(content.code, content.cursor_pos);
    return r ?? { status: "ok", found: false, data: {}, metadata: {} };
  }

  async isCompleteRequest() {
    return { status: "complete" };
  }

  async commInfoRequest() {
    return { status: "ok", comms: {} };
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
  activate: (_app, kernelspecs) => {
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
      create: async (options) => new TypeScriptKernel(options),
    });
  },
};

export default plugin;

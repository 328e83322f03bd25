// The course's TypeScript kernel, worker side (bundled by build.js into
// build/kernel-worker.js). It compiles each cell with the `typescript` package
// (kernel/convert.js), runs it with a `require` that resolves the notebooks'
// imports to modules bundled here (TensorFlow.js, tslab's display API, the
// course library compiled in build/lib), and sends console output and
// displays to the page (kernel/plugin.js) as Jupyter messages.
import { formatWithOptions, inspect } from "node-inspect-extracted";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tslab from "./tslab.js";
import { setCourseUrl } from "./fs.js";
import { createCellRunner, CompileError, typescriptVersion } from "./convert.js";
import { interruptCheck, interruptRequested, KernelInterrupt, useInterruptFlag } from "./interrupt-flag.js";
import { env as tfEnv } from "@tensorflow/tfjs";
import modules from "../.gen/modules.js";

/**
 * @param {string} type
 * @param {unknown} content
 */
const post = (type, content) => self.postMessage({ type, content });

// ---------------------------------------------------------------- console

const original = { ...console };
/**
 * @param {"stdout" | "stderr"} name
 * @returns {(...args: unknown[]) => void}
 */
function writer(name) {
  return (...args) => post("stream", { name, text: formatWithOptions({ colors: false }, ...args) + "\n" });
}
console.log = writer("stdout");
console.info = writer("stdout");
console.debug = writer("stdout");
console.error = writer("stderr");
console.warn = writer("stderr");
console.trace = (...args) => writer("stderr")(...args, "\n" + new Error().stack);
console.dir = (obj, options) => post("stream", { name: "stdout", text: inspect(obj, { colors: false, ...options }) + "\n" });
console.table = (data) => console.log(data);
/** @type {Console & { original?: Console }} */ (console).original = original;

self.addEventListener("unhandledrejection", (e) => {
  console.error("Unhandled promise rejection:", e.reason);
});

// ---------------------------------------------------------------- wasm

// TensorFlow.js's wasm backend compiles its .wasm while downloading it, which
// browsers allow only for files served as application/wasm. A static host that
// serves .wasm under another type (older nginx or Apache set-ups, some
// university web spaces) made emscripten print "wasm streaming compile failed"
// to the setup cell's stderr before falling back; the fallback is taken here,
// quietly.
const instantiateStreaming = WebAssembly.instantiateStreaming;
if (typeof instantiateStreaming === "function") {
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    if ((response.headers.get("Content-Type") || "").split(";")[0].trim() === "application/wasm") return instantiateStreaming(response, imports);
    return WebAssembly.instantiate(await response.arrayBuffer(), imports);
  };
}

// ---------------------------------------------------------------- modules

let location = "";

/**
 * @param {string} spec
 * @returns {string | null}
 */
function resolve(spec) {
  if (Object.hasOwn(modules, spec)) return spec;
  if (spec.startsWith(".") || spec.startsWith("/")) {
    const parts = [];
    for (const seg of `${location}/${spec}`.split("/")) {
      if (seg === "" || seg === ".") continue;
      if (seg === "..") parts.pop();
      else parts.push(seg);
    }
    const p = parts.join("/").replace(/\.(js|ts)$/, "");
    if (Object.hasOwn(modules, p)) return p;
  }
  return null;
}

/** @type {Map<string, unknown>} */
const cache = new Map();
/**
 * @param {string} spec
 * @returns {unknown}
 */
function cellRequire(spec) {
  if (spec === "tslab") return tslab;
  const key = resolve(spec);
  if (key === null) {
    const offered = Object.keys(modules).map((k) => (k.startsWith("build/") ? `../${k}` : k));
    const err = /** @type {Error & { code?: string }} */ (new Error(`Cannot find module '${spec}'. The browser edition of the course offers: ${offered.join(", ")}.`));
    err.code = "MODULE_NOT_FOUND";
    throw err;
  }
  if (!cache.has(key)) cache.set(key, modules[key]());
  return cache.get(key);
}

// ---------------------------------------------------------------- cells

const cells = createCellRunner(cellRequire, interruptCheck);

/** The reply to a cell stopped by Kernel → Interrupt, as Jupyter kernels give (ename KeyboardInterrupt): the queue behind it is cancelled. */
function interruptedReply() {
  const evalue = "Interrupted: the cell stopped; the kernel kept the variables of the cells before it.";
  return { status: "error", ename: "KeyboardInterrupt", evalue, traceback: [] };
}

/**
 * @param {string} code
 */
async function execute(code) {
  try {
    const { hasLastExpression, value } = await cells.run(code);
    // tslab prints a last expression's value (it never sends execute_result).
    if (hasLastExpression && value != null) console.log(value);
    return { status: "ok", user_expressions: {} };
  } catch (err) {
    // Whatever a stopped cell threw (the check's error, or what it caused), the page asked for it.
    if (err instanceof KernelInterrupt || interruptRequested()) return interruptedReply();
    if (err instanceof CompileError) {
      // As tslab: TypeScript's messages on stderr; the cell fails.
      post("stream", { name: "stderr", text: err.message + "\n" });
      return { status: "error", ename: err.name, evalue: err.message, traceback: [] };
    }
    const e = err instanceof Error ? err : new Error(String(err));
    return { status: "error", ename: e.name, evalue: e.message, traceback: [String(e.stack || `${e.name}: ${e.message}`)] };
  }
}

/**
 * @param {string} code
 * @param {number} cursorPos
 */
function complete(code, cursorPos) {
  const word = (code.slice(0, cursorPos).match(/[A-Za-z_$][\w$]*$/) || [""])[0];
  const names = new Set([...Object.keys(cells.locals), ...Object.getOwnPropertyNames(self)]);
  const matches = [...names].filter((n) => n.startsWith(word) && !n.startsWith("__")).sort();
  return { status: "ok", matches, cursor_start: cursorPos - word.length, cursor_end: cursorPos, metadata: {} };
}

// ---------------------------------------------------------------- messages

self.onmessage = async (e) => {
  const msg = e.data;
  const reply = (/** @type {unknown} */ content) => self.postMessage({ type: "reply", id: msg.id, content });
  switch (msg.type) {
    case "init": {
      const base = msg.baseUrl.replace(/\/?$/, "/");
      location = msg.location || "";
      Object.assign(process.env, msg.env || {});
      // Figures load plotly.js from the site (lib/runtime/plot.ts); the library reads its files from course/.
      process.env.COURSE_PLOTLY_SRC = `${base}files/node_modules/plotly.js-dist-min/plotly.min.js`;
      setCourseUrl(`${base}course/`);
      setWasmPaths(`${base}build/tfjs-wasm/`);
      useInterruptFlag(msg.interruptFlag);
      // A cross-origin isolated page (the interrupt's flag needs it) would make the wasm backend pick its
      // multi-threaded binary; the course runs single-threaded, as in Node, with the same results.
      try {
        tfEnv().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      } catch {
        // The flag is registered by the wasm backend; without it there is nothing to turn off.
      }
      tslab.connect(post);
      reply({ typescript: typescriptVersion });
      break;
    }
    case "execute":
      reply(await execute(msg.code));
      break;
    case "complete":
      reply(complete(msg.code, msg.cursor_pos));
      break;
    default:
      reply({ status: "error", ename: "UnknownRequest", evalue: String(msg.type), traceback: [] });
  }
};

// The browser kernel's type checker, in a Web Worker of its own (bundled by
// build.js into build/checker-worker.js), so that loading it does not delay
// the kernel's worker. It runs tslab's own converter
// (node_modules/tslab/dist/converter.js) with tslab's TypeScript, over a
// virtual file system of the .d.ts files tslab sees (kernel/checker-ts.js,
// checker-files.js): a cell gets the diagnostics tslab gives it, in tslab's
// words, and completion and hover are tslab's too.
//
// It keeps no notebook state: each request carries the declarations of the
// cells run before (`prevDecl`, what tslab's executor keeps), which the page
// (kernel/checker.js) holds per kernel.
//
// Messages: {type: "init", id, baseUrl} once; then {type, id, cwd, prevDecl,
// src[, pos]} with type check | complete | inspect. Answers are
// {type: "reply", id, content} (content.error: a failure, as data).
import ts from "./checker-ts.js";
import { createConverter } from "tslab/dist/converter.js";
import { printQuickInfo } from "tslab/dist/inspect.js";

/** The virtual file system's controls (checker-ts.js). */
const fs = /** @type {{ __checker: { addFiles(map: Record<string, string>): void, setCwd(dir: string): void, list(dir: string): string[], setLight(on: boolean): void } }} */ (/** @type {unknown} */ (ts)).__checker;

/** Diagnostic codes that may only mean "a Node.js type is missing" (the same set as kernel/hooks/light-converter.js). */
const MAYBE_NODE = new Set([2304, 2305, 2307, 2339, 2503, 2551, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593, 2688, 2694, 2724]);

let base = "";
/** Whether programs are still light (no @types/node); switched for good, as in the Node kernel. */
let light = true;
/** cwd → converter */
/** @type {Map<string, import("tslab/dist/converter.js").Converter>} */
const converters = new Map();

/**
 * @param {string} name
 */
async function fetchFiles(name) {
  const res = await fetch(`${base}build/checker-${name}.json`);
  if (!res.ok) throw new Error(`could not load build/checker-${name}.json (${res.status})`);
  fs.addFiles(await res.json());
}

/**
 * @param {string} cwd
 * @returns {import("tslab/dist/converter.js").Converter}
 */
function converter(cwd) {
  if (!converters.has(cwd)) {
    fs.setCwd(cwd);
    fs.setLight(light);
    converters.set(cwd, createConverter({ isJS: false, isBrowser: false }));
  }
  return /** @type {import("tslab/dist/converter.js").Converter} */ (converters.get(cwd));
}

/** tslab's executor's words for a diagnostic (executor.js, printDiagnostics). */
const text = (/** @type {import("tslab/dist/converter.js").Diagnostic} */ d) => `${d.fileName ? `${d.fileName} ` : ""}${d.start.line + 1}:${d.start.character + 1} - ${d.messageText}`;

/**
 * @param {string} cwd
 * @param {string} prevDecl
 * @param {string} src
 */
async function check(cwd, prevDecl, src) {
  let out = converter(cwd).convert(prevDecl, src);
  if (light && out.diagnostics.some((d) => MAYBE_NODE.has(d.code))) {
    // As the Node kernel does (kernel/hooks/light-converter.js): check again with @types/node, for good.
    await fetchFiles("node");
    light = false;
    for (const c of converters.values()) c.close();
    converters.clear();
    out = converter(cwd).convert(prevDecl, src);
  }
  const diagnostics = out.diagnostics.map((d) => ({ line: d.start.line + 1, column: d.start.character + 1, code: d.code, fileName: d.fileName ?? null, text: text(d) }));
  return { diagnostics, declOutput: diagnostics.length ? null : out.declOutput || "", light };
}

/**
 * @param {string} cwd
 * @param {string} prevDecl
 * @param {string} src
 * @param {number} pos
 */
function complete(cwd, prevDecl, src, pos) {
  const info = converter(cwd).complete(prevDecl, src, pos);
  return { status: "ok", matches: info.candidates, cursor_start: info.start, cursor_end: info.end, metadata: {} };
}

/**
 * @param {string} cwd
 * @param {string} prevDecl
 * @param {string} src
 * @param {number} pos
 */
function inspect(cwd, prevDecl, src, pos) {
  const info = converter(cwd).inspect(prevDecl, src, pos);
  if (!info) return { status: "ok", found: false, data: {}, metadata: {} };
  return { status: "ok", found: true, data: { "text/plain": printQuickInfo(info) }, metadata: {} };
}

/**
 * Parses the declarations the lessons import (TensorFlow.js: ~700 files) once
 * before the first cell asks: TypeScript's watch program keeps parsed files
 * across the cells' programs.
 */
/**
 * @param {string} cwd
 */
function warm(cwd) {
  const lessons = fs.list("/course/build/lib/lessons").filter((p) => p.endsWith(".d.ts"));
  const modules = ["@tensorflow/tfjs", "tslab", ...lessons.map((p) => `/course/build/lib/lessons/${String(p.split("/").pop()).slice(0, -".d.ts".length)}`)];
  const src = modules.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`).join("\n");
  converter(cwd).convert("", src);
}

self.onmessage = async (e) => {
  const msg = e.data;
  const reply = (/** @type {unknown} */ content) => self.postMessage({ type: "reply", id: msg.id, content });
  try {
    switch (msg.type) {
      case "init": {
        const t0 = performance.now();
        base = msg.baseUrl.replace(/\/?$/, "/");
        await fetchFiles("light");
        const loaded = performance.now();
        warm(msg.cwd);
        reply({ typescript: ts.version, loadMs: Math.round(loaded - t0), warmMs: Math.round(performance.now() - loaded) });
        break;
      }
      case "check":
        reply(await check(msg.cwd, msg.prevDecl, msg.src));
        break;
      case "complete":
        reply(complete(msg.cwd, msg.prevDecl, msg.src, msg.pos));
        break;
      case "inspect":
        reply(inspect(msg.cwd, msg.prevDecl, msg.src, msg.pos));
        break;
      default:
        reply({ error: { kind: "unknown-request", type: String(msg.type) } });
    }
  } catch (err) {
    reply({ error: { kind: "checker-failed", message: String((err && /** @type {{ message?: unknown }} */ (err).message) || err) } });
  }
};

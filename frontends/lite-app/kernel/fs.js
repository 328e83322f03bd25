// A small synchronous `fs` for the course library in the browser. Files live
// under /course (the course folder as the library sees it, lib/runtime/root.js
// being replaced by kernel/root.js): the data/ JSON files are preloaded (built
// into the bundle); the files of the site's course/ folder (listed at build
// time) are fetched once, synchronously, when read (synchronous requests are
// allowed in Web Workers), e.g. the resampled digit cache. Writes stay in memory.
import { Buffer } from "buffer";
import preloaded, { remote } from "../.gen/data.js";

/** @type {Map<string, string | Uint8Array>} */
const files = new Map(Object.entries(preloaded)); // path → string | Uint8Array
/** @type {Set<string>} */
const missing = new Set();
const onSite = new Set(remote);
const dirs = new Set(["/", "/course"]);
/** @type {string | null} */
let siteCourseUrl = null;

/** Where the site's copy of the course folder is (set by the worker at start-up). */
/**
 * @param {string} url
 */
export function setCourseUrl(url) {
  siteCourseUrl = url.replace(/\/?$/, "/");
}

/**
 * @param {unknown} p
 */
function normalize(p) {
  const parts = [];
  for (const seg of String(p).split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return "/" + parts.join("/");
}

/**
 * @param {string} p
 * @param {string} syscall
 */
function enoent(p, syscall) {
  const err = /** @type {Error & { code?: string, errno?: number, syscall?: string, path?: string }} */ (new Error(`ENOENT: no such file or directory, ${syscall} '${p}'`));
  err.code = "ENOENT";
  err.errno = -2;
  err.syscall = syscall;
  err.path = p;
  return err;
}

/** Fetches /course/<rel> from the site, synchronously; null when the site has no such file. */
/**
 * @param {string} p
 * @returns {Uint8Array | null}
 */
function fetchFromSite(p) {
  if (!siteCourseUrl || !onSite.has(p) || missing.has(p)) return null;
  const xhr = new XMLHttpRequest();
  xhr.open("GET", siteCourseUrl + p.slice("/course/".length).split("/").map(encodeURIComponent).join("/"), false);
  xhr.responseType = "arraybuffer";
  try {
    xhr.send();
  } catch {
    missing.add(p);
    return null;
  }
  if (xhr.status !== 200) {
    missing.add(p);
    return null;
  }
  const bytes = new Uint8Array(xhr.response);
  files.set(p, bytes);
  return bytes;
}

/**
 * @param {string} p
 * @param {string} syscall
 */
function load(p, syscall) {
  const key = normalize(p);
  /** @type {string | Uint8Array | null | undefined} */
  let v = files.get(key);
  if (v === undefined) v = fetchFromSite(key);
  if (v === null || v === undefined) throw enoent(p, syscall);
  return v;
}

/**
 * @param {BufferEncoding | { encoding?: BufferEncoding | null } | null | undefined} options
 */
function encodingOf(options) {
  return typeof options === "string" ? options : options && options.encoding ? options.encoding : null;
}

/**
 * @param {string} p
 * @param {BufferEncoding | { encoding?: BufferEncoding | null } | null} [options]
 */
export function readFileSync(p, options) {
  const v = load(p, "open");
  const enc = encodingOf(options);
  if (typeof v === "string") return enc ? v : Buffer.from(v, "utf8");
  const buf = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return enc ? buf.toString(enc) : buf;
}

/**
 * @param {string} p
 */
export function existsSync(p) {
  const key = normalize(p);
  if (files.has(key) || dirs.has(key)) return true;
  for (const k of files.keys()) if (k.startsWith(key + "/")) return true;
  return fetchFromSite(key) !== null;
}

/**
 * @param {string} p
 */
export function statSync(p) {
  const key = normalize(p);
  const isDir = dirs.has(key) || [...files.keys()].some((k) => k.startsWith(key + "/"));
  const size = isDir ? 0 : load(p, "stat").length;
  return { isFile: () => !isDir, isDirectory: () => isDir, size, mtimeMs: 0, mtime: new Date(0) };
}

/**
 * @param {string} p
 * @param {string | ArrayBufferView} data
 */
export function writeFileSync(p, data) {
  files.set(normalize(p), typeof data === "string" ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
  missing.delete(normalize(p));
}

/**
 * @param {string} p
 */
export function mkdirSync(p) {
  dirs.add(normalize(p));
}

/**
 * @param {string} from
 * @param {string} to
 */
export function renameSync(from, to) {
  const v = load(from, "rename");
  files.delete(normalize(from));
  files.set(normalize(to), v);
  missing.delete(normalize(to));
}

/**
 * @param {string} p
 */
export function unlinkSync(p) {
  if (!files.delete(normalize(p))) throw enoent(p, "unlink");
}

/**
 * @param {string} p
 */
export function readdirSync(p) {
  const key = normalize(p).replace(/\/?$/, "/");
  /** @type {Set<string>} */
  const names = new Set();
  for (const k of [...files.keys(), ...dirs]) if (k.startsWith(key) && k.length > key.length) names.add(k.slice(key.length).split("/")[0]);
  return [...names].sort();
}

export default { readFileSync, existsSync, statSync, writeFileSync, mkdirSync, renameSync, unlinkSync, readdirSync };

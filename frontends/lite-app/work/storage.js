// Where the student's work lives in the browser, and the release rule for it.
// Runs in main() (index.js) before JupyterLab starts, on the browser storage
// JupyterLite's contents drive reads (localforage: an IndexedDB database named
// by the page config's contentsStorageName, store "files", one item per path,
// a notebook's content as nbformat JSON), so the file browser already shows
// the result.
//
// - The storage name is fixed by the site (templates/index.html), not taken
//   from the site's address as JupyterLite does by default: a site rebuilt or
//   moved to another folder of the same host finds the work saved under the
//   old one. Work saved under JupyterLite's default name (this site's earlier
//   builds) is moved into it once.
// - The tslab edition's `updates/` rule (editions/editions.ts) for a new release
//   of a lesson: a stored copy the student never edited (its cells still hash
//   to its metadata.course.generatedHash) is dropped, so the new release shows;
//   an edited copy is never touched, and the new release is saved next to it
//   as updates/<lesson>.ipynb.
import localforage from "localforage";
import { isUnedited, contentHash } from "./hash.js";

const store = (/** @type {string} */ name, /** @type {string} */ storeName) => localforage.createInstance({ name, storeName, version: 1 });

/** Copies every item of JupyterLite's default-named storage into `name` (items already there win). Returns the paths copied. */
/**
 * @param {string} oldName
 * @param {string} name
 * @returns {Promise<string[]>}
 */
export async function moveDefaultStorage(oldName, name) {
  if (oldName === name || typeof indexedDB?.databases !== "function") return [];
  const exists = (await indexedDB.databases()).some((d) => d.name === oldName);
  if (!exists) return [];
  /** @type {string[]} */
  const moved = [];
  for (const storeName of ["files", "checkpoints"]) {
    const from = store(oldName, storeName);
    const to = store(name, storeName);
    const keys = await from.keys();
    for (const key of keys) {
      if ((await to.getItem(key)) !== null) continue;
      await to.setItem(key, await from.getItem(key));
      if (storeName === "files") moved.push(key);
    }
  }
  return moved.sort();
}

/**
 * @param {unknown} item
 * @returns {import("./hash.js").NotebookJson | null}
 */
const notebookOf = (item) => {
  // (The stored item: JupyterLite's contents model, its content an object or the JSON text.)
  const c = /** @type {{ content?: any } | null | undefined} */ (item)?.content;
  if (c && typeof c === "object" && Array.isArray(c.cells)) return c;
  if (typeof c === "string") {
    try {
      const nb = JSON.parse(c);
      return nb && Array.isArray(nb.cells) ? nb : null;
    } catch {
      return null;
    }
  }
  return null;
};

/**
 * Applies the release rule to every lesson stored in `name` that the site
 * (`baseUrl`, its api/contents/all.json and files/) offers. Returns what
 * happened to each: {path, action: "unchanged" | "updated" | "kept-edited", updateFile?}.
 * @param {string} name
 * @param {string} baseUrl
 * @returns {Promise<{ path: string, action: "unchanged" | "updated" | "kept-edited", updateFile?: string }[]>}
 */
export async function applyReleaseRule(name, baseUrl) {
  const files = store(name, "files");
  const keys = await files.keys();
  const stored = keys.filter((k) => /^[^/]+\.ipynb$/.test(k));
  if (!stored.length) return [];
  // Offline (or the site unreachable): nothing to compare with, nothing is touched.
  /** @type {(url: string) => Promise<any>} */
  const fetchJson = (url) => fetch(url, { cache: "no-cache" }).then((r) => (r.ok ? r.json() : null), () => null);
  const listing = (await fetchJson(`${baseUrl}api/contents/all.json`)) || { content: [] };
  /** @type {Set<string>} */
  const offered = new Set((listing.content || []).filter((/** @type {{ type: string }} */ f) => f.type === "notebook").map((/** @type {{ path: string }} */ f) => f.path));
  /** @type {{ path: string, action: "unchanged" | "updated" | "kept-edited", updateFile?: string }[]} */
  const outcomes = [];
  for (const path of stored.filter((p) => offered.has(p))) {
    const mine = notebookOf(await files.getItem(path));
    const release = mine && (await fetchJson(`${baseUrl}files/${encodeURIComponent(path)}`));
    if (!mine || !release || !Array.isArray(release.cells)) continue; // unreadable or unreachable: never touched
    const releaseHash = contentHash(release);
    // The same release as the one the student's copy was made from (edited or not), or the same cells: nothing to do.
    if (contentHash(mine) === releaseHash || mine.metadata?.course?.generatedHash === releaseHash) {
      outcomes.push({ path, action: "unchanged" });
    } else if (isUnedited(mine)) {
      await files.removeItem(path);
      outcomes.push({ path, action: "updated" });
    } else {
      const updateFile = `updates/${path}`;
      const current = notebookOf(await files.getItem(updateFile));
      if (!current || contentHash(current) !== releaseHash) {
        const now = new Date().toISOString();
        if ((await files.getItem("updates")) === null) {
          await files.setItem("updates", { name: "updates", path: "updates", last_modified: now, created: now, format: "json", mimetype: "", content: null, size: 0, writable: true, type: "directory" });
        }
        const text = JSON.stringify(release);
        await files.setItem(updateFile, { name: path, path: updateFile, last_modified: now, created: now, format: "json", mimetype: "application/json", content: release, size: text.length, writable: true, type: "notebook" });
      }
      outcomes.push({ path, action: "kept-edited", updateFile });
    }
  }
  return outcomes;
}

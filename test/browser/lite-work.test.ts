/**
 * The browser edition (`npm run lite`) and the student's work, in headless
 * Chromium: what opening a lesson does to it, and how it is kept. One student
 * site is built (or reused from test/browser/lite.test.ts's folder) and served
 * by a test server that can present it under several folders and replace a
 * lesson with a "new release" of it, as a rebuilt site would. Each test has a
 * fresh browser context (its own storage).
 *
 * - opening a lesson changes nothing: not marked modified, metadata as in the
 *   file, never saved into the browser (autosave at 1 s), no Yjs warnings, and
 *   the lesson's next release shows after the site is updated.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser";
import { OUT } from "../helpers/notebooks";
import { publishedSlugs } from "../../lib/lessons";
import { buildLite } from "../../setup/lite";
import { openApp, openNotebook, type LabWindow } from "../../setup/lite-browser";

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyWindow = LabWindow;

const LESSON = publishedSlugs()[0] as string;
const NOTEBOOK = `${LESSON}.ipynb`;

/** The site under /<folder>/; `overrides` replaces a file's bytes (a path relative to the site), as a new build would. */
interface TestServer {
  url: string;
  overrides: Map<string, Buffer>;
  close: () => void;
}

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm" };

async function startServer(dir: string): Promise<TestServer> {
  const overrides = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    // Any first folder serves the site: /v1/lab/index.html and /v2/lab/index.html are the same site at two addresses.
    const m = /^\/[\w-]+(\/.*)$/.exec(p);
    if (!m) return void res.writeHead(404).end();
    let rel = (m[1] as string).slice(1);
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const file = path.join(dir, rel);
    if (!file.startsWith(dir + path.sep)) return void res.writeHead(403).end();
    const body = overrides.get(rel) ?? (fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file) : null);
    if (body === null) return void res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream", "Cache-Control": "no-cache" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, overrides, close: () => server.close() };
}

/** Opens `file` (its kernel started, idle) in the app at `base` (e.g. http://127.0.0.1:1234/v1/). */
async function openLesson(page: Page, base: string, file: string): Promise<void> {
  if (!page.url().startsWith(base)) await openApp(page, `${base}lab/index.html`);
  await openNotebook(page, file);
}

/** The copy of `file` the site keeps in the browser's storage (IndexedDB, JupyterLite's drive), or null. */
async function storedCopy(page: Page, file: string): Promise<{ content: unknown } | null> {
  return page.evaluate(async (p) => {
    const dbs = await indexedDB.databases();
    for (const { name } of dbs) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      try {
        if (!db.objectStoreNames.contains("files")) continue;
        const v = await new Promise<any>((resolve, reject) => {
          const r = db.transaction("files").objectStore("files").get(p);
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        if (v) return v as { content: unknown };
      } finally {
        db.close();
      }
    }
    return null;
  }, file);
}

describe("browser edition: the student's work", { timeout: 20 * 60_000 }, () => {
  let browser: Browser;
  let server: TestServer;
  let siteDir: string;
  const pageErrors: string[] = [];

  before(async () => {
    siteDir = path.join(OUT, "lite-site");
    buildLite({ out: siteDir, solutions: false }, () => undefined);
    server = await startServer(siteDir);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  /** A fresh context (its own storage) whose requests may only reach the test server. */
  async function freshContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
      return route.abort();
    });
    context.on("page", (p) => p.on("pageerror", (e) => pageErrors.push(String(e.stack ?? e).slice(0, 800))));
    return context;
  }

  it("opening a lesson changes nothing: not modified, metadata kept, never saved into the browser, quiet console; the site's next release shows", async () => {
    const context = await freshContext();
    try {
      const page = await context.newPage();
      const warnings: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "warning" && /Yjs|Y\.Doc/.test(m.text())) warnings.push(m.text().slice(0, 200));
      });
      const base = `${server.url}/v1/`;
      await openApp(page, `${base}lab/index.html`);
      // Autosave every second (JupyterLab's default is 120 s): an untouched lesson must still never be saved.
      await page.evaluate(async () => {
        const settings = (window as unknown as AnyWindow).jupyterapp.serviceManager.settings;
        await settings.save("@jupyterlab/docmanager-extension:plugin", JSON.stringify({ autosaveInterval: 1 }));
      });
      await page.reload();
      await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 90_000 });
      await openLesson(page, base, NOTEBOOK);
      await page.waitForTimeout(3000);
      const fileMeta = (JSON.parse(fs.readFileSync(path.join(siteDir, "files", NOTEBOOK), "utf8")) as { metadata: unknown }).metadata;
      const state = await page.evaluate(() => {
        const w = (window as unknown as AnyWindow).jupyterapp.shell.currentWidget;
        return { dirty: w.context.model.dirty as boolean, metadata: w.context.model.sharedModel.getMetadata() as unknown, tabDirty: document.querySelectorAll(".jp-mod-dirty").length };
      });
      assert.deepEqual(state, { dirty: false, metadata: fileMeta, tabDirty: 0 }, "the untouched lesson is as in the file");
      assert.equal(await storedCopy(page, NOTEBOOK), null, "the untouched lesson was not saved into the browser");
      assert.deepEqual(warnings, [], "no Yjs warnings");
      // Closing the untouched lesson asks nothing.
      await page.evaluate(() => (window as unknown as AnyWindow).jupyterapp.commands.execute("application:close"));
      await page.waitForTimeout(500);
      assert.equal(await page.locator(".jp-Dialog").count(), 0, "no 'save your work?' dialog");

      // The site is updated: the lesson's next release shows.
      const next = JSON.parse(fs.readFileSync(path.join(siteDir, "files", NOTEBOOK), "utf8")) as { cells: { cell_type: string; source: string | string[]; metadata: object }[] };
      const marker = `New release ${Date.now()}`;
      next.cells.unshift({ cell_type: "markdown", source: marker, metadata: {} });
      server.overrides.set(`files/${NOTEBOOK}`, Buffer.from(JSON.stringify(next)));
      await page.reload();
      await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 90_000 });
      await openLesson(page, base, NOTEBOOK);
      const first = await page.evaluate(() => (window as unknown as AnyWindow).jupyterapp.shell.currentWidget.content.widgets[0].model.sharedModel.getSource() as string);
      assert.equal(first, marker, "the lesson's new release is the one that opens");
    } finally {
      server.overrides.clear();
      await context.close();
    }
  });

  it("no script error in the pages", () => {
    assert.deepEqual(pageErrors, []);
  });
});

/**
 * The browser edition (`npm run lite`) and the student's work, in headless
 * Chromium: what opening a lesson does to it, and how it is kept. One student
 * site is built (by npm test's preparation, frontends/test-sites.ts, which
 * test/browser/lite.test.ts serves too; here when this file runs alone) and served
 * by a test server that can present it under several folders and replace a
 * lesson with a "new release" of it, as a rebuilt site would. Each test has a
 * fresh browser context (its own storage), but for the next build's test, which
 * goes on in the download test's page from the work it saved (one app start
 * less). Where a test is about what is saved, its notebooks open without a
 * kernel (no kernel takes part in saving).
 *
 * - opening a lesson changes nothing: not marked modified, metadata as in the
 *   file, never saved into the browser (autosave at 1 s), no Yjs warnings, and
 *   the lesson's next release shows after the site is updated;
 * - the site asks for persistent storage and shows the answer; "Download all
 *   my work" gives a zip of every notebook with the student's edits; the
 *   last-downloaded note and the reminder of work kept only in the browser;
 * - a notebook saved under one build opens under the next one served from
 *   another folder (the storage name is fixed), and a new release of a lesson
 *   replaces an unedited stored copy but never an edited one (its new release
 *   goes to updates/, as in the tslab edition); work an earlier build saved
 *   under JupyterLite's folder-named storage is moved into the fixed one;
 * - Kernel → Interrupt in a page that is not cross-origin isolated (service
 *   workers blocked, so nothing adds COOP/COEP; the next build's page): the
 *   kernel's replaced-worker path (frontends/lite-app/kernel/interrupt-page.js:
 *   it terminates its worker, starts a new one and re-runs the cells that had
 *   run), with test/helpers/lite-interrupt.ts's checks: a `while (true) {}`
 *   and a training stop, the earlier cells' variables come back;
 * - offline after the first visit: the service worker caches the site; with
 *   the server down, a reload opens lesson 01 (its student edition) and runs
 *   it, every check "not completed yet", every figure drawn, in a page the
 *   worker made cross-origin isolated (COOP/COEP); in that page Kernel →
 *   Interrupt takes its cooperative path (the same checks).
 * The seconds from Interrupt to the stopped cell are printed, never asserted
 * (no timed tests). The Node side of the interrupt (loop checks, training's
 * interrupt points): test/setup/lite-interrupt.test.ts.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { drawnFigures, launchBrowser, lessonCheckIds, openNotebookWithoutKernel } from "../helpers/browser";
import { interruptChecks } from "../helpers/lite-interrupt";
import { OUT } from "../helpers/notebooks";
import { publishedSlugs } from "../../lib/lessons";
import { buildLite } from "../../frontends/lite";
import { LITE_TEST_SITES } from "../../frontends/test-sites";
import { openApp, openNotebook, runAll, runSummary, type LabWindow } from "../../frontends/lite-browser";
import { contentHash } from "../../editions/editions";
import type { Notebook } from "../../editions/notebook";

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyWindow = LabWindow;

const LESSON = publishedSlugs()[0] as string;
const NOTEBOOK = `${LESSON}.ipynb`;
const NOTEBOOK2 = `${publishedSlugs()[1] as string}.ipynb`;

/** Prepends `marker` (a code comment) to the lesson's first code cell in the open notebook and saves it into the browser. */
async function editAndSave(page: Page, marker: string): Promise<void> {
  await page.evaluate(async (text) => {
    const w = (window as unknown as AnyWindow).jupyterapp.shell.currentWidget;
    const cell = w.content.widgets.find((c: any) => c.model.type === "code");
    cell.model.sharedModel.setSource(`${text}\n${cell.model.sharedModel.getSource()}`);
    await w.context.save();
  }, marker);
}

/**
 * The cell sources of `file` as the app opens it: what JupyterLab's contents
 * service (the notebook panel's source) gives, read without opening a panel,
 * whose kernel would start for nothing.
 */
async function sources(page: Page, file: string): Promise<string[]> {
  const nb = await page.evaluate(async (p) => (await (window as unknown as AnyWindow).jupyterapp.serviceManager.contents.get(p, { content: true })).content as Notebook, file);
  return nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
}

/** A new release of the site's `file`: a markdown cell `marker` first, its generatedHash recomputed as the build does. */
function newRelease(siteDir: string, file: string, marker: string): Buffer {
  const nb = JSON.parse(fs.readFileSync(path.join(siteDir, "files", file), "utf8")) as Notebook;
  nb.cells.unshift({ cell_type: "markdown", source: marker, metadata: {} });
  (nb.metadata.course as { generatedHash: string }).generatedHash = contentHash(nb);
  return Buffer.from(JSON.stringify(nb));
}

/** The site under /<folder>/; `overrides` replaces a file's bytes (a path relative to the site), as a new build would. */
interface TestServer {
  url: string;
  overrides: Map<string, Buffer>;
  /** While true the server answers nothing (every connection is dropped), as a host that cannot be reached. */
  down: boolean;
  /** Requests dropped while down. */
  dropped: number;
  close: () => void;
}

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm" };

async function startServer(dir: string): Promise<TestServer> {
  const overrides = new Map<string, Buffer>();
  const state: TestServer = { url: "", overrides, down: false, dropped: 0, close: () => undefined };
  const server = http.createServer((req, res) => {
    if (state.down) {
      state.dropped++;
      req.socket.destroy();
      return;
    }
    const p = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    // Any first folder serves the site: /v1/lab/index.html and /v2/lab/index.html are the same site at two addresses.
    const m = /^\/[\w-]+(\/.*)$/.exec(p);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    let rel = (m[1] as string).slice(1);
    if (rel === "" || rel.endsWith("/")) rel += "index.html";
    const file = path.join(dir, rel);
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    const body = overrides.get(rel) ?? (fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file) : null);
    if (body === null) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream", "Cache-Control": "no-cache" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  state.close = () => server.close();
  return state;
}

/** Opens `file` (its kernel started, idle) in the app at `base` (e.g. http://127.0.0.1:1234/v1/). */
async function openLesson(page: Page, base: string, file: string): Promise<void> {
  if (!page.url().startsWith(base)) await openApp(page, `${base}lab/index.html`);
  await openNotebook(page, file);
}

/**
 * Opens `file` without starting its kernel, in the app at `base`, for tests of
 * what is saved: a kernel's start changes nothing in the file (the first test
 * shows the metadata as in the file with the kernel started), and the content
 * hash is over the cells only.
 */
async function openToEdit(page: Page, base: string, file: string): Promise<void> {
  if (!page.url().startsWith(base)) await openApp(page, `${base}lab/index.html`);
  await openNotebookWithoutKernel(page, file);
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
  const interruptFigures: Record<string, number> = {};
  /** The download test's page, left for the next build's test: lesson 01 edited (`marker`) and saved under /v1/. */
  let savedUnderV1: { context: BrowserContext; page: Page; marker: string } | null = null;
  /** The next build's test's page, for the replaced-worker interrupt test (a page that is not cross-origin isolated). */
  let afterNextBuild: { context: BrowserContext; page: Page } | null = null;

  before(async () => {
    // npm test's preparation built it (frontends/test-sites.ts): then this only finds its stamp current.
    siteDir = LITE_TEST_SITES.student;
    buildLite({ out: siteDir, solutions: false }, () => undefined);
    server = await startServer(siteDir);
    browser = await launchBrowser();
  });

  after(async () => {
    if (Object.keys(interruptFigures).length) console.log(`interrupt: seconds from Kernel → Interrupt to the stopped cell: ${JSON.stringify(interruptFigures)} (target ≤ 2 s)`);
    await browser?.close();
    server?.close();
  });

  /**
   * A fresh context (its own storage) whose requests may only reach the test
   * server. The site's service worker only where the test is about it
   * (`serviceWorkers: "allow"`): 15 s after each page load it caches the
   * whole site (39 MB), work that shows nothing elsewhere.
   */
  async function freshContext(serviceWorkers: "allow" | "block" = "block"): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, serviceWorkers });
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
      // Autosave every second (JupyterLab's default is 120 s): an untouched lesson must still never be saved. Set as
      // the site's own settings are (the page's settingsOverrides), so the app loads once with it, not saved and reloaded.
      const index = fs.readFileSync(path.join(siteDir, "lab", "index.html"), "utf8");
      const withAutosave = index.replace("settingsOverrides: {", 'settingsOverrides: {\n          "@jupyterlab/docmanager-extension:plugin": { autosaveInterval: 1 },');
      assert.notEqual(withAutosave, index, "the page has settingsOverrides");
      server.overrides.set("lab/index.html", Buffer.from(withAutosave));
      await openApp(page, `${base}lab/index.html`);
      const autosave = await page.evaluate(async () => {
        const s = await (window as unknown as AnyWindow).jupyterapp.serviceManager.settings.fetch("@jupyterlab/docmanager-extension:plugin");
        return s.schema.properties.autosaveInterval.default as number;
      });
      assert.equal(autosave, 1, "autosave every second (the setting's default, the student set nothing)");
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
      assert.equal((await sources(page, NOTEBOOK))[0], marker, "the lesson's new release is the one that opens");
    } finally {
      server.overrides.clear();
      await context.close();
    }
  });

  it("asks for persistent storage and shows the answer; Download all my work zips every notebook; the last-downloaded note and the reminder", async () => {
    const context = await freshContext();
    let handedOn = false;
    try {
      const page = await context.newPage();
      // Counts the app's calls of navigator.storage.persist() (headless Chromium answers false: the test sees that the app asked).
      await page.addInitScript(() => {
        const persist = navigator.storage.persist.bind(navigator.storage);
        (window as any).persistCalls = 0;
        navigator.storage.persist = () => {
          (window as any).persistCalls++;
          return persist();
        };
      });
      const base = `${server.url}/v1/`;
      // A reminder after 3 s of work kept only in the browser (30 min by default).
      await openApp(page, `${base}lab/index.html?COURSE_REMIND_MINUTES=0.05`);
      await page.waitForFunction(() => document.body.dataset.coursePersist !== "asking");
      const asked = await page.evaluate(async () => ({ calls: (window as any).persistCalls as number, shown: document.body.dataset.coursePersist, answer: (await navigator.storage.persisted()) ? "granted" : "not-granted" }));
      assert.deepEqual({ calls: asked.calls, shown: asked.shown }, { calls: 1, shown: asked.answer });
      assert.equal(await page.locator(".course-work-status").count(), 1, "the status bar shows where the work is");
      assert.equal(await page.evaluate(() => document.body.dataset.courseLastDownloaded), "", "never downloaded yet");

      await openToEdit(page, base, NOTEBOOK);
      const marker = `// my work ${Date.now()}`;
      await editAndSave(page, marker);
      assert.equal(await page.evaluate(() => document.body.dataset.courseReminder), "", "no reminder right after saving");
      await page.waitForFunction(() => document.body.dataset.courseReminder === "due", undefined, { timeout: 15_000 });

      const [download] = await Promise.all([
        page.waitForEvent("download", { timeout: 30_000 }),
        page.evaluate(() => (window as unknown as AnyWindow).jupyterapp.commands.execute("course:download-all-work")),
      ]);
      assert.match(download.suggestedFilename(), /^nn-course-work-\d{4}-\d\d-\d\d\.zip$/);
      const file = path.join(OUT, `lite-work-${process.pid}.zip`);
      await download.saveAs(file);
      const py = "import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({'bad': z.testzip(), 'notebooks': {n: json.loads(z.read(n)) for n in z.namelist()}}))";
      const r = spawnSync("/usr/bin/python3", ["-c", py, file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
      fs.rmSync(file, { force: true });
      assert.equal(r.status, 0, r.stderr);
      const zip = JSON.parse(r.stdout) as { bad: string | null; notebooks: Record<string, Notebook> };
      assert.equal(zip.bad, null, "every CRC is right");
      assert.deepEqual(Object.keys(zip.notebooks).sort(), publishedSlugs().map((s) => `${s}.ipynb`), "every notebook");
      const mine = zip.notebooks[NOTEBOOK] as Notebook;
      assert.ok(mine.cells.some((c) => (Array.isArray(c.source) ? c.source.join("") : c.source).startsWith(marker)), "with the student's edit");
      const after = await page.evaluate(() => ({ last: document.body.dataset.courseLastDownloaded ?? "", reminder: document.body.dataset.courseReminder }));
      assert.ok(Math.abs(Date.parse(after.last) - Date.now()) < 60_000, `last downloaded just now: ${after.last}`);
      assert.equal(after.reminder, "", "the reminder is gone once the work is downloaded");
      savedUnderV1 = { context, page, marker };
      handedOn = true;
    } finally {
      if (!handedOn) await context.close();
    }
  });

  it("a notebook saved under one build opens under the next (another folder); a new release replaces an unedited copy, never an edited one (updates/)", async () => {
    assert.ok(savedUnderV1, "the download test's page, lesson 01 edited and saved under /v1/");
    const { context, page, marker } = savedUnderV1;
    savedUnderV1 = null;
    try {
      const v1 = `${server.url}/v1/`;
      // Lesson 2 saved without an edit (as JupyterLab's Save does): the copy is the student's but unedited.
      await openToEdit(page, v1, NOTEBOOK2);
      await page.evaluate(() => (window as unknown as AnyWindow).jupyterapp.shell.currentWidget.context.save());

      // The next build, at another address of the same host, with a new release of both lessons.
      const [m1, m2] = [`Release 2 of lesson 1 ${Date.now()}`, `Release 2 of lesson 2 ${Date.now()}`];
      server.overrides.set(`files/${NOTEBOOK}`, newRelease(siteDir, NOTEBOOK, m1));
      server.overrides.set(`files/${NOTEBOOK2}`, newRelease(siteDir, NOTEBOOK2, m2));
      const v2 = `${server.url}/v2/`;
      await openApp(page, `${v2}lab/index.html`);
      const release = JSON.parse((await page.evaluate(() => document.body.dataset.courseRelease)) ?? "null") as unknown;
      assert.deepEqual(release, [
        { path: NOTEBOOK, action: "kept-edited", updateFile: `updates/${NOTEBOOK}` },
        { path: NOTEBOOK2, action: "updated" },
      ]);
      const kept = await sources(page, NOTEBOOK);
      assert.ok(kept.some((s) => s.startsWith(marker)), "the edit saved under v1 is there under v2");
      assert.ok(!kept.includes(m1), "the edited copy is not replaced");
      // What the file browser offers in updates/ (read through JupyterLab's contents service).
      const update = await page.evaluate(async (p) => (await (window as unknown as AnyWindow).jupyterapp.serviceManager.contents.get(p, { content: true })).content as Notebook, `updates/${NOTEBOOK}`);
      assert.equal(update.cells[0]?.source, m1, "the new release is in updates/");
      assert.equal((await sources(page, NOTEBOOK2))[0], m2, "the unedited copy gave way to the new release");
      afterNextBuild = { context, page };
    } finally {
      server.overrides.clear();
      if (afterNextBuild?.context !== context) await context.close();
    }
  });

  it("replaced worker (page not cross-origin isolated): `while (true) {}` and training stop, the earlier cells' variables come back", async () => {
    // The next build's page when the test before left it (no kernel started there yet), else a fresh one.
    const handed = afterNextBuild;
    afterNextBuild = null;
    const context = handed?.context ?? (await freshContext());
    try {
      const page = handed?.page ?? (await context.newPage());
      if (!handed) await openApp(page, `${server.url}/v2/lab/index.html`);
      assert.equal(await page.evaluate(() => self.crossOriginIsolated), false, "service workers blocked: nothing adds COOP/COEP");
      await interruptChecks(page, "replaced worker", "worker-replaced", interruptFigures);
    } finally {
      await context.close();
    }
  });

  it("work saved by an earlier build (JupyterLite's folder-named storage) is moved into the site's storage", async () => {
    const context = await freshContext();
    try {
      const page = await context.newPage();
      const base = `${server.url}/v3/`;
      // The earlier build's work is written from a page of the site's origin that is not the app (its contents
      // listing, shown as text), so the app's first start at /v3/ finds it, as a student's first visit of the new
      // build would: one app start, not a start and a reload.
      await page.goto(`${base}api/contents/all.json`);
      const marker = `Saved by an earlier build ${Date.now()}`;
      // As JupyterLite's drive (localforage) stores a notebook: database "JupyterLite Storage - <folder>", store "files", key = path.
      await page.evaluate(async ({ url, file, text }) => {
        const nb = await (await fetch(url)).json();
        nb.cells.unshift({ cell_type: "markdown", source: text, metadata: {} });
        // Where the database is already there (an app's other services, settings and workspaces, use it): add the store with a version upgrade.
        const open = (version?: number): Promise<IDBDatabase> =>
          new Promise((resolve, reject) => {
            const r = version ? indexedDB.open("JupyterLite Storage - /v3/", version) : indexedDB.open("JupyterLite Storage - /v3/");
            r.onupgradeneeded = () => {
              if (!r.result.objectStoreNames.contains("files")) r.result.createObjectStore("files");
            };
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
          });
        let db = await open();
        if (!db.objectStoreNames.contains("files")) {
          const next = db.version + 1;
          db.close();
          db = await open(next);
        }
        const now = new Date().toISOString();
        await new Promise((resolve, reject) => {
          const t = db.transaction("files", "readwrite");
          t.objectStore("files").put({ name: file, path: file, type: "notebook", format: "json", mimetype: "application/x-ipynb+json", content: nb, writable: true, created: now, last_modified: now }, file);
          t.oncomplete = resolve;
          t.onerror = () => reject(t.error);
        });
        db.close();
      }, { url: `${base}files/${NOTEBOOK}`, file: NOTEBOOK, text: marker });
      await openApp(page, `${base}lab/index.html`);
      const nb = await page.evaluate(async (p) => (await (window as unknown as AnyWindow).jupyterapp.serviceManager.contents.get(p, { content: true })).content as Notebook, NOTEBOOK);
      assert.equal(nb.cells[0]?.source, marker, "the earlier build's work is there");
    } finally {
      await context.close();
    }
  });

  it("offline after the first visit: the site is cached, the server goes down, a reload opens lesson 01 and runs it; Kernel → Interrupt is cooperative there (isolated page): `while (true) {}` and training stop, the kernel keeps its state", async () => {
    const context = await freshContext("allow");
    try {
      const page = await context.newPage();
      const base = `${server.url}/v4/`;
      await openApp(page, `${base}lab/index.html`);
      await page.waitForFunction(() => document.body.dataset.courseOffline === "ready", undefined, { timeout: 180_000 });
      server.down = true;
      await page.reload();
      await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 90_000 });
      // Served by the service worker, which adds COOP/COEP: the page is cross-origin isolated, so this run also
      // shows that isolation (COEP require-corp) blocks nothing a lesson needs: its backend, plotly.js, its figures.
      assert.equal(await page.evaluate(() => self.crossOriginIsolated), true, "the service worker's headers make the page isolated");
      await openNotebook(page, NOTEBOOK);
      await runAll(page);
      const summary = await runSummary(page);
      assert.ok(server.dropped > 0, "the page did try the server");
      assert.deepEqual({ notRun: summary.notRun, failed: summary.failed }, { notRun: 0, failed: 0 }, "every cell ran, none failed");
      assert.deepEqual(summary.checks, { "not-completed": lessonCheckIds(LESSON).length }, "every check of the lesson ran (a student edition: not completed yet)");
      const figures = await drawnFigures(page);
      assert.ok(figures.total >= 1, "the lesson has figures");
      assert.equal(figures.drawn, figures.total, "every figure is drawn");
      // The same isolated page (served by the service worker, offline): the kernel's cooperative interrupt.
      await interruptChecks(page, "cooperative", "cooperative", interruptFigures);
    } finally {
      server.down = false;
      await context.close();
    }
  });

  it("no script error in the pages", () => {
    assert.deepEqual(pageErrors, []);
  });
});

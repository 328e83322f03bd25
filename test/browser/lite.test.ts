/**
 * The zero-install edition (`npm run lite`, setup/lite-app/) in headless
 * Chromium: the site is built with the student editions and served by a plain
 * static file server; every request that leaves that server is blocked and
 * fails the test. Lesson 01:
 *
 * - the student edition runs top to bottom: every check says "not completed
 *   yet", no cell fails, every figure that needs no exercise is drawn;
 * - the solution edition (put into the browser's storage through JupyterLite's
 *   contents service, as a student's upload would be) runs top to bottom:
 *   every check passes and every figure is drawn;
 * - an edited cell is saved in the browser (IndexedDB) and is still there after
 *   a reload, and the notebook downloads with it.
 *
 * Screenshots go to artifacts/browser/lite-*.png.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, DRAWN_DATA, launchBrowser, lessonCheckIds, progressProblems } from "../helpers/browser";
import { OUT, ROOT } from "../helpers/notebooks";
import { buildLite, LITE_APP } from "../../setup/lite";

const SLUG = "01-logistic-regression";
const NOTEBOOK = `${SLUG}.ipynb`;
const SITE = path.join(OUT, "lite-site");

interface LiteCell {
  index: number;
  executionCount: number | null;
  errors: string[];
  stderr: string;
  texts: string[];
  checks: { id: string; status: string }[];
  figures: number;
}

// In the page: JupyterLab's app is window.jupyterapp (setup/lite-app/index.js).
/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyWindow = { jupyterapp: any };

let browser: Browser;
let context: BrowserContext;
let server: { close: () => void } | null = null;
let siteUrl = "";
const blocked: string[] = [];

async function openApp(page: Page): Promise<void> {
  await page.goto(`${siteUrl}lab/index.html`);
  await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 90_000 });
}

async function openNotebook(page: Page, file: string): Promise<void> {
  await page.evaluate((p) => (window as unknown as AnyWindow).jupyterapp.commands.execute("docmanager:open", { path: p, factory: "Notebook", kernel: { name: "tslab" } }), file);
  await page.waitForFunction(() => (window as unknown as AnyWindow).jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status === "idle", undefined, { timeout: 90_000, polling: 100 });
}

/** Runs every cell through JupyterLab's command, which resolves once every cell ran (or one failed and the rest were skipped). */
async function runAll(page: Page): Promise<number> {
  const t0 = Date.now();
  await page.evaluate(() => (window as unknown as AnyWindow).jupyterapp.commands.execute("notebook:run-all-cells"));
  await page.waitForFunction(() => (window as unknown as AnyWindow).jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === "idle", undefined, { timeout: 60_000, polling: 100 });
  return (Date.now() - t0) / 1000;
}

async function readCells(page: Page): Promise<LiteCell[]> {
  return page.evaluate(() => {
    const join = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join("") : v ?? "");
    const w = (window as unknown as AnyWindow).jupyterapp.shell.currentWidget;
    return w.content.widgets.flatMap((c: any, index: number) => {
      if (c.model.type !== "code") return [];
      const outputs = c.model.outputs.toJSON() as { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string; data?: Record<string, string | string[]> }[];
      const html = outputs.map((o) => join(o.data?.["text/html"])).join("\n");
      const checks = [...html.matchAll(/<script type="application\/vnd\.course\.check\+json">([\s\S]*?)<\/script>/g)].map((m) => {
        const r = JSON.parse(m[1] ?? "null") as { id: string; status: string };
        return { id: r.id, status: r.status };
      });
      return [{
        index,
        executionCount: c.model.executionCount,
        errors: outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`),
        stderr: outputs.filter((o) => o.output_type === "stream" && o.name === "stderr").map((o) => join(o.text)).join(""),
        texts: outputs.map((o) => join(o.text) + join(o.data?.["text/plain"])).filter((t) => t),
        checks,
        figures: (html.match(/class="course-figure"/g) ?? []).length,
      }];
    });
  });
}

/** Scrolls each figure into view (JupyterLab draws visible cells only) and counts the drawn ones. */
async function drawnFigures(page: Page): Promise<{ drawn: number; total: number }> {
  return page.evaluate(async (selector) => {
    const w = (window as unknown as AnyWindow).jupyterapp.shell.currentWidget;
    let drawn = 0;
    let total = 0;
    for (let i = 0; i < w.content.widgets.length; i++) {
      const c = w.content.widgets[i];
      if (c.model.type !== "code" || !JSON.stringify(c.model.outputs.toJSON()).includes("course-figure")) continue;
      const n = (JSON.stringify(c.model.outputs.toJSON()).match(/class=\\"course-figure\\"/g) ?? []).length;
      total += n;
      await w.content.scrollToItem(i, "center");
      const t = Date.now();
      while (Date.now() - t < 15_000) {
        const figs = [...c.node.querySelectorAll(".course-figure")].filter((f: Element) => f.querySelector(selector));
        if (figs.length >= n) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      drawn += [...c.node.querySelectorAll(".course-figure")].filter((f: Element) => f.querySelector(selector)).length;
    }
    return { drawn, total };
  }, DRAWN_DATA);
}

async function shutDownKernel(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const w = (window as unknown as AnyWindow).jupyterapp.shell.currentWidget;
    await w.context.save();
    await w.sessionContext.shutdown();
    w.dispose();
  });
}

describe("browser edition (npm run lite)", { timeout: 30 * 60_000 }, () => {
  before(async () => {
    buildLite({ out: SITE, solutions: false }, () => undefined);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { serve } = require(path.join(LITE_APP, "serve.js")) as { serve: (dir: string, port: number) => Promise<{ server: { close: () => void }; url: string }> };
    const s = await serve(SITE, 0);
    server = s.server;
    siteUrl = s.url;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(siteUrl) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
      blocked.push(url);
      return route.abort();
    });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  it("the site is static files only, with the student editions", () => {
    const listing = JSON.parse(fs.readFileSync(path.join(SITE, "api", "contents", "all.json"), "utf8")) as { content: { name: string }[] };
    assert.ok(listing.content.some((f) => f.name === NOTEBOOK), `${NOTEBOOK} is listed`);
    const nb = JSON.parse(fs.readFileSync(path.join(SITE, "files", NOTEBOOK), "utf8")) as { metadata: { course?: { edition?: string } } };
    assert.equal(nb.metadata.course?.edition, "student");
    for (const f of ["lab/index.html", "build/bundle.js", "build/kernel-worker.js", "build/schemas/all.json", "files/node_modules/plotly.js-dist-min/plotly.min.js"]) {
      assert.ok(fs.existsSync(path.join(SITE, f)), `${f} is in the site`);
    }
  });

  it("student edition of lesson 01: every check not completed yet, no cell fails", async () => {
    const page = await context.newPage();
    await openApp(page);
    await openNotebook(page, NOTEBOOK);
    const seconds = await runAll(page);
    const cells = await readCells(page);
    assert.ok(cells.length > 10 && cells.every((c) => c.executionCount !== null), "every code cell ran");
    assert.deepEqual(cells.flatMap((c) => c.errors.map((e) => `cell ${c.index}: ${e}`)), []);
    assert.deepEqual(cells.filter((c) => c.stderr).map((c) => `cell ${c.index}: ${c.stderr}`), []);
    const checks = cells.flatMap((c) => c.checks);
    assert.deepEqual(checks.map((c) => c.id), lessonCheckIds(SLUG));
    assert.deepEqual(checks.filter((c) => c.status !== "not-completed"), []);
    const figures = await drawnFigures(page);
    assert.ok(figures.total >= 1 && figures.drawn === figures.total, `figures drawn ${figures.drawn}/${figures.total}`);
    await page.screenshot({ path: path.join(ARTIFACTS, "lite-student.png") });
    console.log(`lite student edition of ${SLUG}: run all ${seconds.toFixed(1)} s, ${figures.drawn} figures`);
    await shutDownKernel(page);
    await page.close();
  });

  it("solution edition of lesson 01: every check passes, every figure drawn", async () => {
    const page = await context.newPage();
    const t0 = Date.now();
    await openApp(page);
    const solutions = JSON.parse(fs.readFileSync(path.join(ROOT, "notebooks", NOTEBOOK), "utf8")) as unknown;
    const file = `solutions-${NOTEBOOK}`;
    await page.evaluate(async ([p, content]) => {
      await (window as unknown as AnyWindow).jupyterapp.serviceManager.contents.save(p, { type: "notebook", format: "json", content });
    }, [file, solutions] as const);
    await openNotebook(page, file);
    const kernelReady = (Date.now() - t0) / 1000;
    const seconds = await runAll(page);
    const cells = await readCells(page);
    assert.deepEqual(cells.flatMap((c) => c.errors.map((e) => `cell ${c.index}: ${e}`)), []);
    assert.deepEqual(cells.filter((c) => c.stderr).map((c) => `cell ${c.index}: ${c.stderr}`), []);
    const checks = cells.flatMap((c) => c.checks);
    assert.deepEqual(checks.map((c) => c.id), lessonCheckIds(SLUG));
    assert.deepEqual(checks.filter((c) => c.status !== "passed"), []);
    assert.deepEqual(progressProblems(cells.flatMap((c) => c.texts)), []);
    const setup = cells[0]?.texts.join("") ?? "";
    assert.match(setup, /backend "(webgl|wasm|cpu)"/, "the setup cell says which backend runs");
    const figures = await drawnFigures(page);
    assert.ok(figures.total >= 5 && figures.drawn === figures.total, `figures drawn ${figures.drawn}/${figures.total}`);
    await page.screenshot({ path: path.join(ARTIFACTS, "lite-solutions.png") });
    console.log(`lite solution edition of ${SLUG}: app + kernel ${kernelReady.toFixed(1)} s, run all ${seconds.toFixed(1)} s; ${setup.split("\n")[0]}`);
    await shutDownKernel(page);
    await page.close();
  });

  it("an edited cell is kept in the browser across a reload, and downloads", async () => {
    const page = await context.newPage();
    await openApp(page);
    await openNotebook(page, NOTEBOOK);
    const marker = `// edited in the browser ${Date.now()}`;
    await page.evaluate(async (text) => {
      const w = (window as unknown as AnyWindow).jupyterapp.shell.currentWidget;
      const cell = w.content.widgets.find((c: any) => c.model.type === "code" && c.model.sharedModel.getSource().includes("function sigmoid"));
      cell.model.sharedModel.setSource(`${text}\n${cell.model.sharedModel.getSource()}`);
      await w.context.save();
    }, marker);
    await page.reload();
    await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 90_000 });
    await page.evaluate((p) => (window as unknown as AnyWindow).jupyterapp.commands.execute("docmanager:open", { path: p, factory: "Notebook" }), NOTEBOOK);
    await page.waitForFunction(() => (window as unknown as AnyWindow).jupyterapp.shell.currentWidget?.context?.isReady, undefined, { timeout: 60_000 });
    const kept = await page.evaluate((text) => {
      const w = (window as unknown as AnyWindow).jupyterapp.shell.currentWidget;
      return w.content.widgets.some((c: any) => c.model.sharedModel.getSource().startsWith(text));
    }, marker);
    assert.ok(kept, "the edited cell is still there after a reload");
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 30_000 }),
      page.evaluate(() => (window as unknown as AnyWindow).jupyterapp.commands.execute("docmanager:download")),
    ]);
    assert.equal(download.suggestedFilename(), NOTEBOOK);
    const file = await download.path();
    assert.ok(file && fs.readFileSync(file, "utf8").includes(JSON.stringify(marker).slice(1, -1)), "the download has the edit");
    await page.close();
  });

  it("no request left the static server", () => {
    assert.deepEqual(blocked, []);
  });
});

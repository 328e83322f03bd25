/**
 * `npm run bench`'s browser section: the browser edition (`npm run lite`,
 * the lessons with solutions) served by its plain static server and driven in
 * headless Chromium (frontends/lite-browser.ts).
 *
 *  - the site: its size on disk;
 *  - first visit (empty cache, empty storage): what the browser downloads and
 *    how long until lesson 01's first cell can run (the app loaded, the
 *    notebook open, its kernel idle), until that first cell (the setup cell:
 *    TensorFlow.js's backend) ran, and for the whole lesson top to bottom;
 *    when the type checker was ready and what its files added;
 *  - every lesson top to bottom in the same page (the app and the kernel's
 *    script then come from the browser's cache, revalidated): kernel start
 *    and Run All, with each run's failed cells and check results;
 *  - Kernel → Interrupt of a `while (true) {}` (target ≤ 2 s), in that page
 *    (not cross-origin isolated: the kernel replaces its worker), then after a
 *    reload once the site's service worker controls the page (isolated: the
 *    kernel stops the cell cooperatively).
 *
 * Bytes are what the static server sent (it does not compress); the gzip
 * figure is what those files weigh compressed, as most static hosts send them.
 */
import * as fs from "fs";
import type { Page } from "playwright-core";
import * as path from "path";
import { gzipSync } from "zlib";
import { lessonSlugs } from "../lib/lessons";
import { ROOT } from "../lib/runtime/paths";
import { buildLite, LITE_APP, LITE_OUT } from "../frontends/lite";
import { closeNotebook, launchChromium, openApp, openNotebook, runAll, runFirstCodeCell, runSummary, CHROMIUM } from "../frontends/lite-browser";
import { measureLoopInterrupt } from "../frontends/lite-interrupt-browser";

interface Downloaded {
  requests: number;
  bytes: number;
  gzipBytes: number;
}

interface LiteNotebookFigures {
  notebook: string;
  kernelStartSeconds: number;
  runAllSeconds: number;
  failedCells: number;
  notRun: number;
  checks: Record<string, number>;
}

export interface LiteFigures {
  site: { dir: string; bytes: number; files: number; built: string };
  backend: string;
  firstVisit: {
    appSeconds: number;
    /** From navigation until lesson 01 is open with its kernel idle. */
    readySeconds: number;
    /** …until its first cell (the setup cell) ran. */
    firstCellSeconds: number;
    /** …until it ran top to bottom. */
    lessonSeconds: number;
    untilReady: Downloaded;
    untilFirstCell: Downloaded;
    wholeLesson: Downloaded;
    /** The largest downloads until the first cell ran. */
    largest: { path: string; bytes: number }[];
  };
  /**
   * The type checker (frontends/lite-app/kernel/checker*.js), which the first cell
   * waits for: when it was ready (from navigation), how long its worker took
   * to fetch its .d.ts files and to parse the lessons' imports, and what its
   * files added to the first visit's download. null: it did not start.
   */
  checker: { readySeconds: number; loadSeconds: number; warmSeconds: number; downloaded: Downloaded } | { error: string } | null;
  notebooks: LiteNotebookFigures[];
  /**
   * A second visit (the site's service worker in control): navigation, lesson
   * 01 opened and run top to bottom; what the server sent meanwhile, the
   * notebooks (network first, so an updated lesson shows) apart from the rest.
   * null: the service worker did not take control.
   */
  secondVisit: { seconds: number; notebooks: Downloaded; other: Downloaded; otherPaths: string[] } | null;
  /** Kernel → Interrupt of `while (true) {}`: seconds to the stopped cell, by path; null where a path could not be measured. */
  interrupt: { isolated: boolean; path: string | null; seconds: number; stopped: boolean; nextCellRan: boolean }[];
}

/** Why the browser section cannot run here, or null. */
export function liteBenchUnavailable(): string | null {
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (install Debian's chromium, or set COURSE_CHROMIUM)`;
  return null;
}

function treeSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const t = treeSize(p);
      bytes += t.bytes;
      files += t.files;
    } else if (!e.name.startsWith(".")) {
      bytes += fs.statSync(p).size;
      files++;
    }
  }
  return { bytes, files };
}

type ServeFn = (dir: string, port: number, log?: (line: string) => void) => Promise<{ server: { close: () => void }; url: string }>;

export async function benchLite(log: (s: string) => void = () => undefined): Promise<LiteFigures> {
  const dir = path.join(ROOT, ".test-out", "lite-site-solutions");
  // The bundles are copied from dist/lite or the test's student site when they are current.
  const reuse = [LITE_OUT, path.join(ROOT, ".test-out", "lite-site")].find((d) => fs.existsSync(path.join(d, ".course-lite-stamp")));
  const built = buildLite({ out: dir, solutions: true, reuse }, log).built;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { serve } = require(path.join(LITE_APP, "serve.js")) as { serve: ServeFn };
  // What the server sent: one entry per request (a 304 sends no body).
  const sent: { path: string; bytes: number }[] = [];
  const { server, url } = await serve(dir, 0, (line) => {
    const m = /^(\d{3}) (.*)$/.exec(line);
    if (!m) return;
    const file = path.join(dir, decodeURIComponent(m[2] as string));
    const bytes = m[1] === "200" && fs.existsSync(file) && fs.statSync(file).isFile() ? fs.statSync(file).size : 0;
    sent.push({ path: m[2] as string, bytes });
  });
  const gzipCache = new Map<string, number>();
  const downloaded = (upTo: number, only: (p: string) => boolean = () => true): Downloaded => {
    const list = sent.slice(0, upTo).filter((r) => only(r.path));
    let gzipBytes = 0;
    for (const r of list) {
      if (!r.bytes) continue;
      if (!gzipCache.has(r.path)) gzipCache.set(r.path, gzipSync(fs.readFileSync(path.join(dir, decodeURIComponent(r.path)))).length);
      gzipBytes += gzipCache.get(r.path) as number;
    }
    return { requests: list.length, bytes: list.reduce((s, r) => s + r.bytes, 0), gzipBytes };
  };
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const first = lessonSlugs()[0] as string;
    const t0 = Date.now();
    await openApp(page, `${url}lab/index.html`);
    const appSeconds = (Date.now() - t0) / 1000;
    await openNotebook(page, `${first}.ipynb`);
    const readySeconds = (Date.now() - t0) / 1000;
    const untilReady = sent.length;
    await runFirstCodeCell(page);
    const firstCellSeconds = (Date.now() - t0) / 1000;
    const untilFirstCell = sent.length;
    const info = (await page.evaluate(() => (globalThis as unknown as { courseTypeChecker?: { info: Promise<unknown> } }).courseTypeChecker?.info ?? null)) as { readyAtMs: number; loadMs: number; warmMs: number; error?: { message: string } } | null;
    const checker: LiteFigures["checker"] = !info
      ? null
      : info.error
        ? { error: info.error.message }
        : { readySeconds: info.readyAtMs / 1000, loadSeconds: info.loadMs / 1000, warmSeconds: info.warmMs / 1000, downloaded: downloaded(untilFirstCell, (p) => /(^|\/)build\/checker-/.test(p)) };
    await runAll(page);
    const lessonSeconds = (Date.now() - t0) / 1000;
    const setup = await page.evaluate(() => {
      const w = (window as unknown as { jupyterapp: { shell: { currentWidget: { content: { widgets: { model: { type: string; outputs: { toJSON: () => unknown } } }[] } } } } }).jupyterapp.shell.currentWidget;
      return JSON.stringify(w.content.widgets.find((c) => c.model.type === "code")?.model.outputs.toJSON() ?? "");
    });
    const backend = /backend \\"(\w+)\\"/.exec(setup)?.[1] ?? "?";
    const firstVisit = {
      appSeconds,
      readySeconds,
      firstCellSeconds,
      lessonSeconds,
      untilReady: downloaded(untilReady),
      untilFirstCell: downloaded(untilFirstCell),
      wholeLesson: downloaded(sent.length),
      largest: sent.slice(0, untilFirstCell).filter((r) => r.bytes).sort((a, b) => b.bytes - a.bytes).slice(0, 5).map((r) => ({ path: r.path, bytes: r.bytes })),
    };
    await closeNotebook(page, false);

    const notebooks: LiteNotebookFigures[] = [];
    for (const slug of lessonSlugs()) {
      const name = `${slug}.ipynb`;
      log(`  ${name} in the browser…`);
      const t = Date.now();
      await openNotebook(page, name);
      const kernelStartSeconds = (Date.now() - t) / 1000;
      const runAllSeconds = await runAll(page);
      const s = await runSummary(page);
      notebooks.push({ notebook: name, kernelStartSeconds, runAllSeconds, failedCells: s.failed, notRun: s.notRun, checks: s.checks });
      await closeNotebook(page, false);
    }
    const interrupt = await measureInterrupts(page, log);
    const secondVisit = await measureSecondVisit(page, `${url}lab/index.html`, `${first}.ipynb`, sent, downloaded, log);
    const size = treeSize(dir);
    return { site: { dir: path.relative(ROOT, dir), bytes: size.bytes, files: size.files, built }, backend, firstVisit, checker, notebooks, interrupt, secondVisit };
  } finally {
    await browser.close();
    server.close();
  }
}

/** Interrupts `while (true) {}` in `page` as it is, then (once the service worker controls it after a reload) isolated. */
async function measureInterrupts(page: Page, log: (s: string) => void): Promise<LiteFigures["interrupt"]> {
  const out: LiteFigures["interrupt"] = [];
  log("  interrupt…");
  const isolated = (): Promise<boolean> => page.evaluate(() => self.crossOriginIsolated);
  out.push({ isolated: await isolated(), ...(await measureLoopInterrupt(page, "bench-interrupt.ipynb")) });
  const ready = await page
    .waitForFunction(() => document.body.dataset.courseOffline === "ready", undefined, { timeout: 180_000 })
    .then(() => true, () => false);
  if (!ready) return out;
  await page.reload();
  await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 90_000 });
  if (await isolated()) out.push({ isolated: true, ...(await measureLoopInterrupt(page, "bench-interrupt.ipynb")) });
  return out;
}

/** A notebook's request: its file or its contents API entry (served network first by the service worker). */
function isNotebookRequest(p: string): boolean {
  return /\.ipynb(\?|$)/.test(decodeURIComponent(p)) || p.includes("/api/contents/");
}

/** Navigates again once the service worker controls the page, runs lesson `file`; what reached the server meanwhile. */
async function measureSecondVisit(
  page: Page,
  appUrl: string,
  file: string,
  sent: readonly { path: string; bytes: number }[],
  downloaded: (upTo: number, only?: (p: string) => boolean) => Downloaded,
  log: (s: string) => void,
): Promise<LiteFigures["secondVisit"]> {
  const controlled = await page.evaluate(() => navigator.serviceWorker?.controller != null);
  if (!controlled) return null;
  log("  second visit…");
  const from = sent.length;
  const t0 = Date.now();
  await openApp(page, appUrl);
  await openNotebook(page, file);
  await runAll(page);
  const seconds = (Date.now() - t0) / 1000;
  const since = (only: (p: string) => boolean): Downloaded => {
    const all = downloaded(sent.length, only);
    const before = downloaded(from, only);
    return { requests: all.requests - before.requests, bytes: all.bytes - before.bytes, gzipBytes: all.gzipBytes - before.gzipBytes };
  };
  const otherPaths = sent.slice(from).filter((r) => !isNotebookRequest(r.path)).map((r) => r.path);
  await closeNotebook(page, false);
  return { seconds, notebooks: since(isNotebookRequest), other: since((p) => !isNotebookRequest(p)), otherPaths: otherPaths.slice(0, 10) };
}

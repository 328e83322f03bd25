/**
 * Driving the browser edition (frontends/lite-app/) in headless Chromium, for its
 * test (test/browser/lite.test.ts) and `npm run bench`'s browser section:
 * open the app, open a notebook with its kernel, run every cell, close it. The
 * app exposes JupyterLab as `window.jupyterapp` (frontends/lite-app/index.js);
 * playwright-core is a development dependency.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM } from "./chromium";

/** Chromium to use: COURSE_CHROMIUM, else Debian's. */
export { CHROMIUM };
/** Without the background-networking flags Chromium keeps dialling Google's hosts, which an offline machine refuses. */
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

// In the page: JupyterLab's application object, untyped here.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type LabWindow = { jupyterapp: any };

/** Loads the app page at `url` and waits until JupyterLab is ready. */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 90_000 });
}

/** Opens a notebook with the course's kernel and waits until the kernel is idle (a cell can run). */
export async function openNotebook(page: Page, file: string): Promise<void> {
  await page.evaluate((p) => (window as unknown as LabWindow).jupyterapp.commands.execute("docmanager:open", { path: p, factory: "Notebook", kernel: { name: "tslab" } }), file);
  await page.waitForFunction(
    (p) => {
      const w = (window as unknown as LabWindow).jupyterapp.shell.currentWidget;
      return w?.context?.path === p && w.sessionContext?.session?.kernel?.status === "idle";
    },
    file,
    { timeout: 90_000, polling: 100 },
  );
}

/** Runs every cell through JupyterLab's command, which resolves once every cell ran (or one failed and the rest were skipped); returns the seconds. */
export async function runAll(page: Page): Promise<number> {
  const t0 = Date.now();
  await page.evaluate(() => (window as unknown as LabWindow).jupyterapp.commands.execute("notebook:run-all-cells"));
  await page.waitForFunction(() => (window as unknown as LabWindow).jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === "idle", undefined, { timeout: 60_000, polling: 100 });
  return (Date.now() - t0) / 1000;
}

/** Runs the current notebook's first code cell; returns the seconds. */
export async function runFirstCodeCell(page: Page): Promise<number> {
  const t0 = Date.now();
  await page.evaluate(async () => {
    const app = (window as unknown as LabWindow).jupyterapp;
    const w = app.shell.currentWidget;
    w.content.activeCellIndex = w.content.widgets.findIndex((c: any) => c.model.type === "code");
    await app.commands.execute("notebook:run-cell");
  });
  await page.waitForFunction(() => (window as unknown as LabWindow).jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === "idle", undefined, { timeout: 60_000, polling: 100 });
  return (Date.now() - t0) / 1000;
}

/**
 * Shuts the current notebook's kernel down (its worker ends) and closes the
 * notebook; `save` keeps it in the browser's storage first. It waits until the
 * notebook has rendered every cell: JupyterLab 4.6 renders off-screen cells on
 * idle time and, when the notebook is closed before it finishes, its pending
 * render throws into the page (`_updateForDeferMode`: "Cannot read properties
 * of null (reading 'insertWidget')"; harmless, the same in the tslab edition's
 * JupyterLab).
 */
export async function closeNotebook(page: Page, save: boolean): Promise<void> {
  await page.evaluate(async (keep) => {
    const w = (window as unknown as LabWindow).jupyterapp.shell.currentWidget;
    if (!w?.sessionContext) return;
    const t0 = Date.now();
    while ((w.content.cellsArray ?? []).some((c: any) => c.isPlaceholder()) && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50));
    if (keep) await w.context.save();
    else w.context.model.dirty = false;
    await w.sessionContext.shutdown();
    w.dispose();
  }, save);
}

/** What one notebook run did, for a summary: cells that failed, checks by status. */
export async function runSummary(page: Page): Promise<{ codeCells: number; notRun: number; failed: number; checks: Record<string, number> }> {
  return page.evaluate(() => {
    const w = (window as unknown as LabWindow).jupyterapp.shell.currentWidget;
    const out = { codeCells: 0, notRun: 0, failed: 0, checks: {} as Record<string, number> };
    for (const c of w.content.widgets) {
      if (c.model.type !== "code") continue;
      out.codeCells++;
      if (c.model.executionCount === null) out.notRun++;
      const outputs = c.model.outputs.toJSON() as { output_type: string; name?: string; data?: Record<string, string | string[]> }[];
      if (outputs.some((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr"))) out.failed++;
      for (const o of outputs) {
        const html = ([] as string[]).concat(o.data?.["text/html"] ?? []).join("");
        for (const m of html.matchAll(/<script type="application\/vnd\.course\.check\+json">([\s\S]*?)<\/script>/g)) {
          const status = (JSON.parse(m[1] ?? "null") as { status: string }).status;
          out.checks[status] = (out.checks[status] ?? 0) + 1;
        }
      }
    }
    return out;
  });
}

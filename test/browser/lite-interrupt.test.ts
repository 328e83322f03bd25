/**
 * Kernel → Interrupt in the browser edition (`npm run lite`), in headless
 * Chromium, on the kernel's replaced-worker path (frontends/lite-app/kernel/interrupt-page.js):
 * a page that is not cross-origin isolated (service workers blocked, so
 * nothing adds COOP/COEP): the kernel terminates its worker, starts a new one
 * and re-runs the cells that had run before.
 *
 * In one notebook (test/helpers/lite-interrupt.ts): (a) `while (true) {}`
 * stops and the next cell sees the earlier cell's variable; (b) training
 * interrupted mid-way, then a later cell reads a model trained before it and
 * gets the same numbers as before the interrupt. The seconds from Interrupt
 * to the stopped cell are printed (and kept in the structured result), never
 * asserted: no timed tests.
 *
 * The cooperative path (the page isolated by the site's service worker, which
 * adds COOP/COEP: the worker sees the shared flag in the cell's loops and
 * between training batches, and stops) is checked the same way in
 * test/browser/lite-work.test.ts's offline test, whose page is served by that
 * service worker (one service worker caching the site, one app load, for both).
 * The Node side (loop checks, training's interrupt points):
 * test/setup/lite-interrupt.test.ts.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { Browser, BrowserContext } from "playwright-core";
import { launchBrowser, serveStudentSite } from "../helpers/browser";
import { interruptChecks } from "../helpers/lite-interrupt";
import { openApp } from "../../frontends/lite-browser";

describe("browser edition: Kernel → Interrupt", { timeout: 20 * 60_000 }, () => {
  let browser: Browser;
  let url = "";
  let close = (): void => undefined;
  const pageErrors: string[] = [];
  const figures: Record<string, number> = {};

  before(async () => {
    const s = await serveStudentSite();
    url = `${s.url}lab/index.html`;
    close = s.close;
    browser = await launchBrowser();
  });

  after(async () => {
    console.log(`interrupt: seconds from Kernel → Interrupt to the stopped cell: ${JSON.stringify(figures)} (target ≤ 2 s)`);
    await browser?.close();
    close();
  });

  it("replaced worker (page not cross-origin isolated): `while (true) {}` and training stop, the earlier cells' variables come back", async () => {
    const context: BrowserContext = await browser.newContext({ serviceWorkers: "block" });
    try {
      const page = await context.newPage();
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      await openApp(page, url);
      assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
      await interruptChecks(page, "replaced worker", "worker-replaced", figures);
    } finally {
      await context.close();
    }
  });

  it("no script error in the page", () => {
    assert.deepEqual(pageErrors, []);
  });
});

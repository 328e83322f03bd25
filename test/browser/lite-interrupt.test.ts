/**
 * Kernel → Interrupt in the browser edition (`npm run lite`), in headless
 * Chromium, on both of the kernel's paths (frontends/lite-app/kernel/interrupt-page.js):
 *
 * - replaced worker: a page that is not cross-origin isolated (service
 *   workers blocked, so nothing adds COOP/COEP): the kernel terminates its
 *   worker, starts a new one and re-runs the cells that had run before;
 * - cooperative: the same site once its service worker controls the page
 *   (it adds COOP/COEP, so the page is isolated): the worker sees the shared
 *   flag in the cell's loops and between training batches, and stops.
 *
 * On each path: (a) `while (true) {}` stops and the next cell sees the earlier
 * cell's variable; (b) training interrupted mid-way, then a later cell reads
 * a model trained before it and gets the same numbers as before the
 * interrupt. The seconds from Interrupt to the stopped cell are printed (and
 * kept in the structured result), never asserted: no timed tests.
 * That a whole lesson runs and draws in an isolated page (COEP require-corp
 * blocks what is neither same-origin nor CORP-marked) is shown by
 * test/browser/lite-work.test.ts's offline test: its page is served by the
 * same service worker, hence isolated, and runs lesson 01 top to bottom.
 * The Node side (loop checks, training's interrupt points):
 * test/setup/lite-interrupt.test.ts.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, serveStudentSite } from "../helpers/browser";
import { openApp } from "../../frontends/lite-browser";
import { interruptCell, openCells, runCell } from "../../frontends/lite-interrupt-browser";


const SETUP = 'import * as tf from "@tensorflow/tfjs";\nimport * as lab from "../build/lib/lessons/05-adam";\nawait lab.setup();';
const TRAIN = [
  "const X = Array.from({ length: 256 }, (_, i) => [Math.sin(i), Math.cos(0.7 * i)]);",
  "const y = X.map((r) => (r[0] * r[1] > 0 ? 1 : 0));",
  "function makeModel() {",
  '  const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 16, activation: "relu" }), tf.layers.dense({ units: 1, activation: "sigmoid" })] });',
  '  m.compile({ optimizer: tf.train.adam(0.01), loss: "binaryCrossentropy" });',
  "  return m;",
  "}",
  "const model = makeModel();",
  "const h1 = await lab.fit(model, X, y, { epochs: 3, batchSize: 32 });",
].join("\n");
const LONG_TRAINING = "const model2 = makeModel();\nawait lab.fit(model2, X, y, { epochs: 100000, batchSize: 8 });";
const READ = 'console.log("STATE " + JSON.stringify({ loss: h1.history.loss, p: Array.from((model.predict(tf.tensor2d([[0.3, 0.4]])) as any).dataSync()) }));';

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

  /** Both checks on one page, whose isolation `isolated` says; `label` names the figures. */
  async function bothChecks(page: Page, label: string, expectedPath: string): Promise<void> {
    await openCells(page, `interrupt-loop-${label}.ipynb`, ["let kept = 41;", "while (true) {}", "kept + 1"]);
    await runCell(page, 0);
    const loop = await interruptCell(page, 1, 1000);
    figures[`${label}: while (true) {}`] = Number(loop.seconds.toFixed(2));
    assert.equal(loop.ename, "KeyboardInterrupt", "the interrupted cell says it was interrupted");
    assert.equal(loop.note?.path, expectedPath);
    assert.deepEqual(await runCell(page, 2), { stdout: "42\n", stderr: "", error: null }, "the next cell runs and sees the earlier cell's variable");

    await openCells(page, `interrupt-training-${label}.ipynb`, [SETUP, TRAIN, READ, LONG_TRAINING, READ]);
    await runCell(page, 0);
    await runCell(page, 1);
    const reference = await runCell(page, 2);
    assert.match(reference.stdout, /^STATE /);
    const training = await interruptCell(page, 3, 3000);
    figures[`${label}: training`] = Number(training.seconds.toFixed(2));
    assert.equal(training.ename, "KeyboardInterrupt");
    assert.equal(training.note?.path, expectedPath);
    if (expectedPath === "worker-replaced") assert.equal(training.note?.restoring, 3, "the three cells that had run are re-run");
    assert.deepEqual(await runCell(page, 4), reference, "the model trained before the interrupted cell gives the same numbers");
  }

  it("replaced worker (page not cross-origin isolated): `while (true) {}` and training stop, the earlier cells' variables come back", async () => {
    const context: BrowserContext = await browser.newContext({ serviceWorkers: "block" });
    try {
      const page = await context.newPage();
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      await openApp(page, url);
      assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
      await bothChecks(page, "replaced worker", "worker-replaced");
    } finally {
      await context.close();
    }
  });

  it("cooperative (isolated by the site's service worker): `while (true) {}` and training stop, the kernel keeps its state", async () => {
    const context: BrowserContext = await browser.newContext();
    try {
      const page = await context.newPage();
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      await openApp(page, url);
      await page.waitForFunction(() => document.body.dataset.courseOffline === "ready", undefined, { timeout: 180_000 });
      await page.reload();
      await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 90_000 });
      assert.equal(await page.evaluate(() => self.crossOriginIsolated), true, "the service worker's headers make the page isolated");
      await bothChecks(page, "cooperative", "cooperative");
    } finally {
      await context.close();
    }
  });

  it("no script error in the pages", () => {
    assert.deepEqual(pageErrors, []);
  });
});

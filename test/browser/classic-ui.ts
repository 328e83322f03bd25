/**
 * The classic Notebook (`npm start`'s fallback front end) in a real browser:
 * the Jupyter server started the way `npm start -- --classic --solutions`
 * starts it, headless Chromium, all cells run through the notebook's own
 * "Cell → Run All" menu. Asserts no error output, every check cell showing its
 * (passing) result, every plotly figure drawn (an SVG with its traces), and
 * training progress shown in place. Then the notebook as the browser holds it,
 * exported to HTML by nbconvert and opened from disk with the network blocked:
 * every figure drawn. Screenshots go to artifacts/browser/.
 *
 * test/lessons/ runs every lesson in a kernel. Here, as in JupyterLab
 * (jupyterlab-ui.ts, the front end `npm start` opens), the lessons
 * FRONT_END_LESSONS run: between them they produce every kind of output the
 * course has (bar, contour, heatmap and scatter figures, digit images, check
 * results, graded quiz answers, training progress), all drawn by the same
 * lib/runtime code in every lesson, so the other lessons would test this front
 * end's rendering again, not anything new. (Until 2026-12-07 lessons 01–02 ran
 * here, which draw no bar or contour figure.)
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, CHROMIUM, DRAWN_DATA, guardNotebooks, launchBrowser, lessonCheckIds, progressProblems, startServer, tearDown, type Server } from "../helpers/browser";
import { ROOT } from "../helpers/notebooks";
import { FRONT_END_LESSONS } from "./jupyterlab-ui";

const python = process.env.COURSE_TEST_PYTHON ?? "/usr/bin/python3";

let server: Server | null = null;
let baseUrl = "";
let token = "";
let browser: Browser;
let guard: ReturnType<typeof guardNotebooks>;

/** Where a lesson run here is saved, outputs and all, for the HTML export. */
const executedIn = (slug: string): string => path.join(ROOT, ".test-out", `${slug}.classic-executed.ipynb`);

/** Runs every cell through the menu and waits until the kernel is idle with every cell executed. */
async function runAll(page: Page, name: string): Promise<void> {
  await page.goto(`${baseUrl}/notebooks/notebooks/${name}?token=${token}`);
  await page.waitForFunction(() => {
    const w = window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected?: () => boolean } } } };
    return !!w.Jupyter?.notebook?.kernel?.is_connected?.() && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
  }, undefined, { timeout: 90_000 });
  // Never write outputs back into the committed lesson.
  await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { set_autosave_interval: (n: number) => void } } }).Jupyter.notebook.set_autosave_interval(0));
  await page.click("#celllink");
  await page.click("#run_all_cells");
  await page.waitForFunction(() => {
    const cells = (window as unknown as { Jupyter: { notebook: { get_cells: () => { cell_type: string; input_prompt_number?: number | string | null }[] } } }).Jupyter.notebook.get_cells();
    const done = cells.every((c) => c.cell_type !== "code" || typeof c.input_prompt_number === "number");
    return done && document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
  }, undefined, { timeout: 240_000, polling: 500 });
}

/** The suite, defined inside a describe so test/browser/front-ends.test.ts can run it beside JupyterLab's. */
export function classicNotebookSuite(): void {
  describe("classic Notebook", { concurrency: false }, () => {
    before(async () => {
      assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: npm test installs Debian's chromium when run as root; otherwise install it or set COURSE_CHROMIUM`);
      guard = guardNotebooks();
      // --classic: this suite tests the classic Notebook even where JupyterLab is available.
      server = await startServer(["--classic"]);
      ({ baseUrl, token } = server);
      browser = await launchBrowser();
    });

    // The lessons must leave the browser run exactly as they were.
    after(() => tearDown(browser, server, guard));

    describe(`lessons ${FRONT_END_LESSONS.map((n) => n.slice(0, 2)).join(", ")} in the classic Notebook UI, headless Chromium`, { concurrency: false }, () => {
      for (const name of FRONT_END_LESSONS) {
        it(`${name}: Run All — no errors, every check passes, every figure drawn, progress in place`, async () => {
          const slug = name.replace(/\.ipynb$/, "");
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          const consoleErrors: string[] = [];
          page.on("pageerror", (e) => consoleErrors.push(String(e)));
          try {
            await runAll(page, name);
            // The notebook as the browser holds it, outputs and all: the HTML export below converts it.
            const executed = await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { toJSON: () => unknown } } }).Jupyter.notebook.toJSON());
            fs.mkdirSync(path.dirname(executedIn(slug)), { recursive: true });
            fs.writeFileSync(executedIn(slug), JSON.stringify(executed));
            const errors = await page.$$eval(".output_stderr, .output_error", (els) => els.map((e) => (e.textContent ?? "").slice(0, 300)));
            assert.deepEqual(errors, [], "no error output");
            const checks = await page.$$eval(".course-check", (els) => els.map((e) => ({ id: e.getAttribute("data-check-id"), status: e.getAttribute("data-status") })));
            assert.deepEqual(checks.map((c) => c.id), lessonCheckIds(slug), "every check cell shows its result");
            // A graded quiz answer is only recorded in the notebook (the grader judges it with the key).
            for (const c of checks) assert.equal(c.status, /^\d\d\.quiz\./.test(c.id ?? "") ? "recorded" : "passed", `${c.id}`);
            // Figures draw asynchronously once plotly is there.
            await page.waitForFunction(() => [...document.querySelectorAll(".course-figure")].every((f) => f.querySelector("svg.main-svg") !== null), undefined, { timeout: 30_000 });
            const figures = await page.$$eval(".course-figure", (els, sel) => els.map((e) => ({
              title: e.getAttribute("data-title"),
              svg: e.querySelectorAll("svg.main-svg").length,
              traces: e.querySelectorAll(sel).length,
            })), DRAWN_DATA);
            assert.ok(figures.length > 0, "the lesson has figures");
            for (const f of figures) {
              assert.ok(f.svg > 0, `figure "${f.title}" has no SVG`);
              assert.ok(f.traces > 0, `figure "${f.title}" has no drawn data`);
            }
            // Progress: one line per training run, replaced in place, ending with "done in".
            const texts = await page.$$eval(".output_subarea", (els) => els.map((e) => e.textContent ?? ""));
            assert.deepEqual(progressProblems(texts), [], "training progress is one line updated in place");
            assert.deepEqual(consoleErrors, [], "no script errors in the page");
            // The classic Notebook scrolls inside #site; let the page grow so the screenshot has every cell.
            await page.evaluate(() => {
              for (const sel of ["html", "body", "#site"]) {
                const el = document.querySelector(sel) as HTMLElement | null;
                if (el) Object.assign(el.style, { height: "auto", overflow: "visible" });
              }
            });
            await page.screenshot({ path: path.join(ARTIFACTS, `${slug}.png`), fullPage: true });
          } finally {
            await page.close();
          }
        });
      }
    });

    describe("nbconvert HTML export, opened from disk with no network", () => {
      it(`${FRONT_END_LESSONS[0]}: every figure is drawn`, async () => {
        const name = FRONT_END_LESSONS[0] as string;
        const slug = name.replace(/\.ipynb$/, "");
        const executed = executedIn(slug);
        assert.ok(fs.existsSync(executed), `${executed} is written by the Run All test above, which did not get that far`);
        const html = path.join(ARTIFACTS, `${slug}.html`);
        const conv = spawnSync(python, ["-m", "nbconvert", "--to", "html", "--output", html, executed], { encoding: "utf8" });
        assert.equal(conv.status, 0, conv.stderr);
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const blocked: string[] = [];
        await page.route("**/*", (route) => {
          const url = route.request().url();
          if (url.startsWith("file:")) return route.continue();
          blocked.push(url);
          return route.abort();
        });
        try {
          await page.goto(`file://${html}`);
          await page.waitForFunction(() => {
            const figs = [...document.querySelectorAll(".course-figure")];
            return figs.length > 0 && figs.every((f) => f.querySelector("svg.main-svg") !== null);
          }, undefined, { timeout: 60_000 });
          const n = await page.$$eval(".course-figure", (els) => els.filter((e) => e.querySelectorAll("g.trace, g.hm, g.imagelayer image").length > 0).length);
          const total = await page.$$eval(".course-figure", (els) => els.length);
          assert.equal(n, total, "every figure has drawn data");
          await page.screenshot({ path: path.join(ARTIFACTS, `${slug}.nbconvert.png`), fullPage: true });
        } finally {
          await page.close();
        }
        assert.ok(blocked.every((u) => !/plotly/i.test(u)), `plotly was not fetched from the network: ${blocked.join(", ")}`);
      });
    });
  });
}

/**
 * The solution edition in JupyterLab, in a real browser: the server started
 * the way `npm start -- --lab` starts it (the course's own JupyterLab build,
 * jupyterlab-app/, where JupyterLab itself is not installed), headless
 * Chromium, all cells run through JupyterLab's "Run → Run All Cells" menu.
 *
 * Which lessons. Every lesson already runs top to bottom in the same tslab
 * kernel through Jupyter's own client (test/lessons/: every check passed, no
 * errors, progress in one display); what only a front end shows is how that
 * output renders, and every lesson's output comes from the same lib/runtime
 * code (check results, quiz answers, progress, plotly figures). So the lessons
 * run here are the fewest that between them produce every kind of output the
 * course has (FRONT_END_LESSONS: every figure kind, FIGURE_KINDS, checks, graded
 * quiz answers, training progress), and a test below fails if they stop doing
 * so; running the other five again drew the same kinds of output (about 100 s).
 *
 * JupyterLab 4 renders long notebooks lazily ("windowing"; the default mode,
 * contentVisibility, skips drawing cells that are off screen), so a figure is
 * only drawn once its cell is scrolled into view. Outputs and errors are read
 * from the notebook's model, which holds every cell; each check and figure is
 * then scrolled into view, as a student would, and must show its result or draw
 * its SVG there. Screenshots go to artifacts/browser/<slug>.lab*.png.
 *
 * The app loads once: the first lesson opens at its URL, the next one in the
 * same app (as a student opens lesson after lesson), each closed with its
 * kernel shut down before the next.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, CHROMIUM, DRAWN_DATA, guardNotebooks, launchBrowser, lessonCheckIds, progressProblems, startServer, tearDown, type Server } from "../helpers/browser";
import { OUT, ROOT } from "../helpers/notebooks";
import { sourceFiles } from "../helpers/sources";
import { closeNotebook, openNotebook } from "../../frontends/lite-browser";

/**
 * The lessons both front ends run (classic-ui.ts too): 04 draws bar, heatmap and
 * scatter figures, 05 contour, heatmap (digit images) and scatter ones; both
 * have checks, graded quiz answers and training progress.
 */
export const FRONT_END_LESSONS = ["04-softmax.ipynb", "05-adam.ipynb"];
/** The plotly trace types the course's figures use (lib/lessons/, lib/course/): the lessons above must draw each. */
export const FIGURE_KINDS = ["bar", "contour", "heatmap", "scatter"];

/** plotly.js's trace types (https://plotly.com/javascript/reference/), to tell them from other `type:` fields in lib/. */
const PLOTLY_TRACE_TYPES = ["bar", "barpolar", "box", "candlestick", "carpet", "choropleth", "choroplethmap", "cone", "contour", "contourcarpet", "densitymap", "funnel", "funnelarea", "heatmap", "histogram", "histogram2d", "histogram2dcontour", "icicle", "image", "indicator", "isosurface", "mesh3d", "ohlc", "parcats", "parcoords", "pie", "sankey", "scatter", "scatter3d", "scattercarpet", "scattergeo", "scattergl", "scattermap", "scatterpolar", "scatterpolargl", "scattersmith", "scatterternary", "splom", "streamtube", "sunburst", "surface", "table", "treemap", "violin", "volume", "waterfall"];


let server: Server | null = null;
let browser: Browser;
let guard: ReturnType<typeof guardNotebooks>;

/** One code cell as the notebook model holds it after the run. */
interface LabCell {
  index: number;
  executionCount: number | null;
  errors: string[];
  texts: string[];
  checkIds: string[];
  figures: number;
  /** The plotly trace types of its figures (from the figure JSON lib/runtime/plot.ts embeds). */
  kinds: string[];
}

// The browser-side helpers below run in the page, where JupyterLab's app is
// `window.jupyterapp` (set by jupyterlab-app/index.js) and the notebook is the
// shell's current widget.
type LabWindow = { jupyterapp: { shell: { currentWidget: NotebookPanel | null } } };
type NotebookPanel = {
  sessionContext: { session: { kernel: { status: string } | null } | null; shutdown: () => Promise<void> };
  content: { widgets: { node: HTMLElement; model: { type: string; executionCount: number | null; outputs: { toJSON: () => Output[] } } }[]; scrollToItem: (i: number, align?: string) => Promise<void> };
  context: { model: { dirty: boolean } };
};
type Output = { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string; data?: Record<string, string | string[]> };

async function kernelIdle(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(() => {
    const w = (window as unknown as LabWindow).jupyterapp?.shell.currentWidget;
    return w?.sessionContext?.session?.kernel?.status === "idle";
  }, undefined, { timeout, polling: 250 });
}

async function readCells(page: Page): Promise<LabCell[]> {
  return page.evaluate(() => {
    const join = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join("") : v ?? "");
    const w = (window as unknown as LabWindow).jupyterapp.shell.currentWidget as NotebookPanel;
    return w.content.widgets.flatMap((c, index) => {
      if (c.model.type !== "code") return [];
      const cell = { index, executionCount: c.model.executionCount, errors: [] as string[], texts: [] as string[], checkIds: [] as string[], figures: 0, kinds: [] as string[] };
      for (const o of c.model.outputs.toJSON()) {
        if (o.output_type === "error") cell.errors.push(`${o.ename}: ${o.evalue}`);
        if (o.output_type === "stream" && o.name === "stderr") cell.errors.push(join(o.text));
        if (o.output_type === "stream") cell.texts.push(join(o.text));
        const plain = join(o.data?.["text/plain"]);
        const html = join(o.data?.["text/html"]);
        if (plain) cell.texts.push(plain);
        if (html) {
          const div = document.createElement("div");
          div.innerHTML = html;
          cell.texts.push(div.textContent ?? "");
          for (const el of div.querySelectorAll(".course-check")) cell.checkIds.push(el.getAttribute("data-check-id") ?? "?");
          cell.figures += div.querySelectorAll(".course-figure").length;
          for (const m of html.matchAll(/fig = (\{.*\}), tries = 0/g)) {
            for (const t of (JSON.parse(m[1] as string) as { data: { type?: string }[] }).data) cell.kinds.push(t.type ?? "scatter");
          }
        }
      }
      return [cell];
    });
  });
}

/** How long Run All Cells may take: lessons take 15–40 s here, so this means a hang. */
const RUN_ALL_TIMEOUT_MS = 240_000;

/**
 * What a notebook that never finished shows: which code cells never ran, the
 * kernel's status, any dialog (a dead kernel's), and the end of what the server
 * and its kernels printed, for the failure message.
 */
async function stuckState(page: Page, server: Server): Promise<string> {
  const inPage = await page
    .evaluate(() => {
      const w = (window as unknown as LabWindow).jupyterapp?.shell.currentWidget as NotebookPanel | null;
      const code = (w?.content.widgets ?? []).map((c, i) => ({ i, c })).filter(({ c }) => c.model.type === "code");
      return {
        kernel: w?.sessionContext?.session?.kernel?.status ?? "no kernel",
        notRun: code.filter(({ c }) => typeof c.model.executionCount !== "number").map(({ i }) => i),
        running: code.filter(({ c }) => c.node.querySelector(".jp-InputPrompt")?.textContent?.includes("*")).map(({ i }) => i),
        dialog: document.querySelector(".jp-Dialog")?.textContent ?? "",
      };
    })
    .catch((e: unknown) => ({ kernel: `unknown (${String(e).slice(0, 200)})`, notRun: [], running: [], dialog: "" }));
  const errors = await readCells(page)
    .then((cells) => cells.flatMap((c) => c.errors.map((e) => `cell ${c.index}: ${e.slice(0, 300)}`)))
    .catch(() => []);
  return [
    `kernel status: ${inPage.kernel}`,
    `errors shown: ${errors.join("\n") || "none"}`,
    `code cells never run: ${inPage.notRun.join(", ") || "none"}; shown as running: ${inPage.running.join(", ") || "none"}`,
    inPage.dialog ? `dialog: ${inPage.dialog.slice(0, 300)}` : "no dialog",
    `the server's last output:\n${server.output().slice(-3000)}`,
  ].join("\n");
}

/** The page with JupyterLab loaded, reused from lesson to lesson (the app loads once), and what it reported as errors. */
let labPage: Page | null = null;
const consoleErrors: string[] = [];

async function closePage(): Promise<void> {
  const p = labPage;
  labPage = null;
  if (!p) return;
  // Stop the current notebook's kernel first: closing the page alone leaves it running on the server.
  await p.evaluate(async () => {
    const w = (window as unknown as LabWindow).jupyterapp?.shell.currentWidget as NotebookPanel | null;
    if (w?.context) w.context.model.dirty = false;
    await w?.sessionContext?.shutdown();
  }).catch(() => undefined);
  await p.close().catch(() => undefined);
}

/**
 * Opens lesson `name` with its kernel idle, as a student would: the first in a
 * new page at its URL (the app loads, with a reset workspace), the next ones
 * through File → Open's command in the same app.
 */
async function openLesson(s: Server, name: string): Promise<Page> {
  if (labPage && !labPage.isClosed()) {
    await openNotebook(labPage, `notebooks/${name}`);
    return labPage;
  }
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text().slice(0, 300));
  });
  labPage = page;
  await page.goto(`${s.baseUrl}/lab/tree/notebooks/${name}?reset&token=${s.token}`);
  await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 90_000 });
  await kernelIdle(page, 90_000);
  return page;
}

/** The suite, defined inside a describe so test/browser/front-ends.test.ts can run it beside the classic Notebook's. */
export function jupyterLabSuite(): void {
  describe("JupyterLab", () => {
    before(async () => {
      assert.ok(fs.existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: npm test installs Debian's chromium when run as root; otherwise install it or set COURSE_CHROMIUM`);
      guard = guardNotebooks();
      // Settings and workspaces in a scratch folder: autosave off, so the run never
      // writes outputs into the committed lessons, and no workspace from earlier runs.
      const state = fs.mkdtempSync(path.join((fs.mkdirSync(OUT, { recursive: true }), OUT), "lab-state-"));
      const settings = path.join(state, "user-settings", "@jupyterlab", "docmanager-extension");
      fs.mkdirSync(settings, { recursive: true });
      fs.writeFileSync(path.join(settings, "plugin.jupyterlab-settings"), JSON.stringify({ autosave: false }));
      server = await startServer(["--lab"], { COURSE_LAB_STATE: state }, 19500);
      browser = await launchBrowser();
    });

    // The lessons must leave the browser run exactly as they were.
    after(async () => {
      await closePage();
      await tearDown(browser, server, guard);
    });

    describe("lessons in JupyterLab, headless Chromium", { concurrency: false }, () => {
      /** The trace types the lessons run here drew, and whether they showed training progress, for the last test. */
      const drawnKinds = new Set<string>();
      let showedProgress = false;
      for (const name of FRONT_END_LESSONS) {
        it(`${name}: Run All Cells — no errors, every check passes, every figure drawn when scrolled into view, progress in place`, async () => {
          const slug = name.replace(/\.ipynb$/, "");
          const s = server as Server;
          consoleErrors.length = 0;
          const page = await openLesson(s, name);
          let clean = false;
          try {
            await page.evaluate(() => delete (window as unknown as { courseIdleSince?: number }).courseIdleSince);
            await page.click("li.lm-MenuBar-item >> text=Run");
            await page.click("li.lm-Menu-item >> text=Run All Cells");
            // Done when every code cell ran and the kernel is idle; or when a cell failed and the kernel has
            // been idle since (2 s): tslab then aborts the cells below, which never get a count.
            await page.waitForFunction(() => {
              const w = (window as unknown as LabWindow).jupyterapp.shell.currentWidget as NotebookPanel;
              const idle = w.sessionContext.session?.kernel?.status === "idle";
              const done = w.content.widgets.every((c) => c.model.type !== "code" || typeof c.model.executionCount === "number");
              const failed = w.content.widgets.some((c) => c.model.type === "code" && c.model.outputs.toJSON().some((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr")));
              const state = window as unknown as { courseIdleSince?: number };
              state.courseIdleSince = idle ? (state.courseIdleSince ?? Date.now()) : undefined;
              return idle && (done || (failed && Date.now() - (state.courseIdleSince ?? Date.now()) > 2000));
            }, undefined, { timeout: RUN_ALL_TIMEOUT_MS, polling: 500 }).catch(async (e: unknown) => {
              await page.screenshot({ path: path.join(ARTIFACTS, `${slug}.lab-timeout.png`) }).catch(() => undefined);
              throw new Error(`Run All Cells did not finish within ${RUN_ALL_TIMEOUT_MS / 1000} s (${String(e).split("\n")[0]}).\n${await stuckState(page, s)}`);
            });
            await page.screenshot({ path: path.join(ARTIFACTS, `${slug}.lab.png`) });

            const cells = await readCells(page);
            const errors = cells.flatMap((c) => c.errors.map((e) => `cell ${c.index}: ${e.slice(0, 300)}`));
            assert.deepEqual(errors, [], "no error output");
            assert.deepEqual(cells.filter((c) => c.executionCount === null).map((c) => c.index), [], "every code cell ran");
            assert.deepEqual(cells.flatMap((c) => c.checkIds), lessonCheckIds(slug), "every check cell shows its result");
            assert.deepEqual(progressProblems(cells.flatMap((c) => c.texts)), [], "training progress is one line updated in place");

            // Scroll each check and figure into view; it must be rendered there.
            let firstFigure = true;
            for (const cell of cells.filter((c) => c.checkIds.length > 0 || c.figures > 0)) {
              await page.evaluate((i) => ((window as unknown as LabWindow).jupyterapp.shell.currentWidget as NotebookPanel).content.scrollToItem(i, "center"), cell.index);
              const shown = await page.waitForFunction(
                ({ i, checks, figures, sel }) => {
                  const node = ((window as unknown as LabWindow).jupyterapp.shell.currentWidget as NotebookPanel).content.widgets[i]?.node;
                  if (!node) return null;
                  const checkEls = [...node.querySelectorAll(".course-check")];
                  const figEls = [...node.querySelectorAll(".course-figure")];
                  const drawn = figEls.filter((f) => f.querySelector("svg.main-svg") !== null && f.querySelectorAll(sel).length > 0);
                  if (checkEls.length < checks || drawn.length < figures) return null;
                  return { statuses: checkEls.map((e) => `${e.getAttribute("data-check-id")}:${e.getAttribute("data-status")}`) };
                },
                { i: cell.index, checks: cell.checkIds.length, figures: cell.figures, sel: DRAWN_DATA },
                { timeout: 30_000, polling: 250 },
              ).catch(() => null);
              assert.ok(shown, `cell ${cell.index}: its ${cell.checkIds.length} check(s) and ${cell.figures} figure(s) were not all rendered once scrolled into view`);
              const { statuses } = (await shown.jsonValue()) as { statuses: string[] };
              // A graded quiz answer is only recorded in the notebook (the grader judges it with the key).
              for (const st of statuses) assert.match(st, /^\d\d\.quiz\./.test(st) ? /:recorded$/ : /:passed$/, st);
              if (cell.figures > 0 && firstFigure) {
                firstFigure = false;
                await page.screenshot({ path: path.join(ARTIFACTS, `${slug}.lab-figure.png`) });
              }
            }
            assert.ok(cells.some((c) => c.figures > 0), "the lesson has figures");
            for (const k of cells.flatMap((c) => c.kinds)) drawnKinds.add(k);
            showedProgress ||= cells.some((c) => c.texts.some((t) => /epoch \d+\/\d+/.test(t)));
            // Closing the notebook below may still report a script error: checked there.
            clean = true;
          } finally {
            // Stop this notebook's kernel and close it without saving; the next lesson opens in the same
            // app. A page left in an unknown state (a failure) is closed, and the next lesson loads a new one.
            if (clean) await closeNotebook(page, false);
            else await closePage();
          }
          assert.deepEqual(consoleErrors, [], "no script errors in the page");
        });
      }
      it(`between them they drew every kind of figure the course has (${FIGURE_KINDS.join(", ")}) and showed training progress`, () => {
        assert.ok(showedProgress, "no lesson run here showed training progress");
        assert.deepEqual(FIGURE_KINDS.filter((k) => !drawnKinds.has(k)), [], `drawn: ${[...drawnKinds].sort().join(", ")}`);
        // A trace type a lesson starts using must join FIGURE_KINDS (and a lesson drawing it, FRONT_END_LESSONS).
        const used = new Set(sourceFiles(path.join(ROOT, "lib"), { files: /\.ts$/ }).flatMap((f) => [...fs.readFileSync(f, "utf8").matchAll(/\btype: "(\w+)"/g)].map((m) => m[1] as string)));
        assert.deepEqual([...used].filter((t) => PLOTLY_TRACE_TYPES.includes(t) && !FIGURE_KINDS.includes(t)), [], "a trace type in lib/ that no lesson here draws");
      });
    });
  });
}

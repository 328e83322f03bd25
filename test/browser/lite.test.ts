/**
 * The zero-install edition (`npm run lite`, frontends/lite-app/) in headless
 * Chromium. Two sites are built once each (the student editions, and
 * `--solutions`: the lessons as written; by npm test's preparation, or here
 * when this file runs alone) and served by plain static file servers (the
 * student site from a sub-folder); every request that leaves those servers is
 * blocked and fails the test. One browser, one page per site: each lesson is
 * opened in that page, run with JupyterLab's Run All, read, and closed with
 * its kernel shut down, so the app loads once per site (the WebGL run too: the
 * kernel reads ?COURSE_TF_BACKEND=webgl from the page's URL when it starts).
 *
 * - every lesson's solution edition runs top to bottom: every check passes,
 *   every figure is drawn (scrolled into view), no cell fails; lesson 01 on
 *   WebGL (forced: without a GPU the kernel chooses wasm, which the other six
 *   lessons run on and say why);
 * - a student edition with exercises done in the browser (lesson 01's, all but
 *   the last), run top to bottom and downloaded, gets from the course's grader
 *   (`npm run grade`, class mode) the same points, check by check, as the same
 *   work in the tslab edition, and no warning. The student site is served from
 *   a sub-folder by a bare server that sends .wasm as application/octet-stream
 *   (as many hosts do): the setup cell runs on wasm there, quietly;
 * - that student's edited cells, saved in the browser (IndexedDB), are still
 *   there after a reload, and the notebook downloads with them.
 *
 * A student edition run whole, every check "not completed yet" and every
 * figure drawn, is lesson 01's in lite-work.test.ts's offline test; every
 * lesson's student edition runs to the end with every check "not completed
 * yet" in a tslab kernel (test/lessons/, `student edition: …`), and a
 * student edition's validation in the browser is lite-validate.test.ts's.
 *
 * The context blocks the site's service worker (offline caching, tested by
 * lite-work.test.ts): it would cache every site
 * whole 15 s after its page loads.
 *
 * Screenshots go to artifacts/browser/lite-*.png.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, drawnFigures, launchBrowser, lessonCheckIds, liteServe, progressProblems, type ServeFn } from "../helpers/browser";
import { OUT, ROOT, sourceNotebook } from "../helpers/notebooks";
import { publishedSlugs } from "../../lib/lessons";
import { courseSecrets, findSecretLeaks } from "../../tools/secret-scan";
import { buildLite } from "../../frontends/lite";
import { LITE_TEST_SITES } from "../../frontends/test-sites";
import { closeNotebook, openApp, openNotebook, runAll, type LabWindow } from "../../frontends/lite-browser";
import { studentEdition } from "../../editions/editions";
import { cellText, readNotebook, writeNotebook, type Notebook } from "../../editions/notebook";
import { editionStatus } from "../../grading/validate";
import type { NotebookGrade } from "../../grading/types";

// The lessons a site offers: drafts stay out (npm run lite -- --drafts adds them).
const LESSONS = publishedSlugs();

interface LiteCell {
  index: number;
  executionCount: number | null;
  errors: string[];
  stderr: string;
  texts: string[];
  checks: { id: string; status: string }[];
  figures: number;
}

/** One site: its folder, its server's URL, and the page the tests reuse. */
interface Site {
  edition: "student" | "solutions";
  /** How the timings name it. */
  label: string;
  dir: string;
  url: string;
  close: () => void;
  page: Page | null;
  /** Uncaught exceptions in the site's page. */
  pageErrors: string[];
}

/** What one lesson's run took, printed at the end. */
interface Timing {
  edition: string;
  slug: string;
  openSeconds: number;
  runAllSeconds: number;
  /** Figures drawn (null: not counted). */
  figures: number | null;
  backend: string;
}

// In the page: JupyterLab's app is window.jupyterapp (frontends/lite-app/index.js).
/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyWindow = LabWindow;

let browser: Browser;
let context: BrowserContext;
const sites: Site[] = [];
const blocked: string[] = [];
const timings: Timing[] = [];
/** What the test is doing (a script error in a page names it). */
let step = "";


/**
 * A bare static server of `dir` under /course/lite/, as a host serving the site
 * from a sub-folder: only .html, .js, .css and .json get their types, anything
 * else (.wasm too) is application/octet-stream.
 */
async function serveFromSubFolder(dir: string): Promise<{ url: string; close: () => void }> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };
  const server = http.createServer((req, res): void => {
    const p = new URL(req.url ?? "/", "http://x").pathname;
    let file = path.join(dir, decodeURIComponent(p.slice("/course/lite".length)));
    if (!p.startsWith("/course/lite/") || !file.startsWith(dir)) return void res.writeHead(404).end();
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/course/lite/`, close: () => server.close() };
}

/**
 * Whether file `rel` of site `dir` differs from the same file of site `other`
 * (or `other` has none): what is left to scan for secrets in `dir` once `other`
 * is scanned (the solutions site is the student site's bundles copied, plus its
 * own notebooks).
 */
function differsFrom(dir: string, other: string, rel: string): boolean {
  const theirs = path.join(other, rel);
  return !(fs.lstatSync(theirs, { throwIfNoEntry: false })?.isFile() && fs.readFileSync(theirs).equals(fs.readFileSync(path.join(dir, rel))));
}

/** Builds the edition's site (the student one first) and serves it: the student site from a sub-folder (serveFromSubFolder), the solutions by the site's own server. */
async function startSite(edition: Site["edition"], serve: ServeFn): Promise<Site> {
  // npm test's preparation built both (frontends/test-sites.ts): then this only finds their stamps current.
  const dir = LITE_TEST_SITES[edition];
  // The second site copies the first one's bundles (they differ only in their notebooks).
  buildLite({ out: dir, solutions: edition === "solutions", reuse: sites[0]?.dir }, () => undefined);
  const s = edition === "student" ? await serveFromSubFolder(dir) : await serve(dir, 0).then((r) => ({ url: r.url, close: () => r.server.close() }));
  const site: Site = { edition, label: edition, dir, url: s.url, close: s.close, page: null, pageErrors: [] };
  sites.push(site);
  return site;
}

/** The site's page with the app loaded: the one already open, or a new one. */
async function sitePage(site: Site): Promise<Page> {
  if (site.page && !site.page.isClosed()) return site.page;
  const page = await context.newPage();
  page.on("pageerror", (e) => site.pageErrors.push(`${step}: ${String(e.stack ?? e).slice(0, 1500)}`));
  await openApp(page, `${site.url}lab/index.html`);
  site.page = page;
  return page;
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

/**
 * Opens `file` in the site's page, runs it top to bottom and returns its cells.
 * The notebook is closed afterwards; a page left in an unknown state (a
 * timeout) is closed so the next lesson gets a fresh one.
 *
 * `query` (?COURSE_TF_BACKEND=webgl) is put in the page's URL for this lesson
 * only, as a student would load the page with it: the kernel reads the page's
 * URL when it starts (frontends/lite-app/kernel/plugin.js, courseEnv), so the
 * page need not be loaded again, with its app and type checker, for one run.
 */
async function runLesson(site: Site, slug: string, query = "", label = site.label): Promise<{ cells: LiteCell[]; figures: { drawn: number; total: number } }> {
  const page = await sitePage(site);
  step = `${label} ${slug}`;
  let clean = false;
  const setQuery = (q: string): Promise<void> => page.evaluate((search) => history.replaceState(history.state, "", `${location.pathname}${search}`), q);
  try {
    if (query) await setQuery(query);
    const t0 = Date.now();
    await openNotebook(page, `${slug}.ipynb`);
    const openSeconds = (Date.now() - t0) / 1000;
    const runAllSeconds = await runAll(page);
    const cells = await readCells(page);
    const figures = await drawnFigures(page);
    const backend = /backend "(\w+)"/.exec(cells[0]?.texts.join("") ?? "")?.[1] ?? "?";
    timings.push({ edition: label, slug, openSeconds, runAllSeconds, figures: figures.drawn, backend });
    if (slug === LESSONS[0]) await page.screenshot({ path: path.join(ARTIFACTS, `lite-${label}.png`) });
    clean = true;
    return { cells, figures };
  } finally {
    if (clean) {
      await closeNotebook(page, false);
      if (query) await setQuery("");
    } else {
      await page.close().catch(() => undefined);
      site.page = null;
    }
  }
}

function failures(cells: LiteCell[]): string[] {
  return [
    ...cells.filter((c) => c.executionCount === null).map((c) => `cell ${c.index}: did not run`),
    ...cells.flatMap((c) => c.errors.map((e) => `cell ${c.index}: ${e}`)),
    ...cells.filter((c) => c.stderr).map((c) => `cell ${c.index}: ${c.stderr.slice(0, 300)}`),
  ];
}

describe("browser edition (npm run lite)", { timeout: 30 * 60_000 }, () => {
  let student: Site;
  let solutions: Site;

  before(async () => {
    const serve = liteServe();
    student = await startSite("student", serve);
    solutions = await startSite("solutions", serve);
    browser = await launchBrowser();
    // No service worker: 15 s after the app loads it would cache each site whole (39 MB) for offline use, which
    // lite-work.test.ts tests; here that is work that shows nothing.
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, serviceWorkers: "block" });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (sites.some((s) => url.startsWith(s.url)) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
      blocked.push(url);
      return route.abort();
    });
  });

  after(async () => {
    await browser?.close();
    for (const s of sites) s.close();
    if (timings.length) {
      console.log("lite: edition    lesson                      open (s)  run all (s)  figures  backend");
      for (const t of timings) console.log(`lite: ${t.edition.padEnd(9)}  ${t.slug.padEnd(26)}  ${t.openSeconds.toFixed(1).padStart(7)}  ${t.runAllSeconds.toFixed(1).padStart(11)}  ${String(t.figures ?? "-").padStart(7)}  ${t.backend}`);
    }
  });

  it("neither site holds a graded quiz key (a question's id mapped to its right option, or its explanations) or a hidden expected value", () => {
    const secrets = courseSecrets();
    assert.ok(secrets.quiz.length >= 7 && secrets.hiddenNumbers.size > 0, "the scan knows what to look for");
    assert.deepEqual(findSecretLeaks(student.dir, secrets), [], "student site");
    // The solutions site: what differs from the student site (a file the same as one scanned there holds what it holds).
    const scanned: string[] = [];
    const leaks = findSecretLeaks(solutions.dir, secrets, (rel) => differsFrom(solutions.dir, student.dir, rel) && scanned.push(rel) > 0);
    for (const slug of LESSONS) assert.ok(scanned.includes(`files/${slug}.ipynb`), `the solutions site's own ${slug} is scanned`);
    assert.deepEqual(leaks, [], "solutions site");
  });

  it("the sites are static files only, with the student editions and with the lessons as written", () => {
    for (const site of [student, solutions]) {
      const listing = JSON.parse(fs.readFileSync(path.join(site.dir, "api", "contents", "all.json"), "utf8")) as { content: { name: string }[] };
      assert.deepEqual(listing.content.map((f) => f.name).filter((n) => n.endsWith(".ipynb")), LESSONS.map((s) => `${s}.ipynb`));
      for (const slug of LESSONS) {
        const nb = JSON.parse(fs.readFileSync(path.join(site.dir, "files", `${slug}.ipynb`), "utf8")) as { metadata: { course?: { edition?: string } } };
        assert.equal(nb.metadata.course?.edition, site.edition === "student" ? "student" : undefined, `${site.edition} site: ${slug}`);
      }
      for (const f of ["lab/index.html", "build/bundle.js", "build/kernel-worker.js", "build/schemas/all.json", "files/node_modules/plotly.js-dist-min/plotly.min.js"]) {
        assert.ok(fs.existsSync(path.join(site.dir, f)), `${f} is in the ${site.edition} site`);
      }
    }
  });

  /** What a solution edition's check shows: passed, or for a graded quiz answer "recorded" (the grader judges it). */
  const notAsExpected = (checks: { id: string; status: string }[]) => checks.filter((c) => c.status !== (/^\d\d\.quiz\./.test(c.id) ? "recorded" : "passed"));

  describe(`solution editions: every check passes (a quiz answer is recorded), every figure drawn; ${LESSONS[0]} on WebGL`, () => {
    // Lesson 01 on WebGL, which the CPU draws here (forced: ?COURSE_TF_BACKEND=webgl): without a GPU the kernel
    // chooses wasm (lib/runtime/backend.ts), as the six others show; a student's browser with a GPU runs this path.
    // One run of lesson 01, not one per backend: wasm runs every other lesson, and lesson 01's student edition.
    // The solutions site's page runs all seven: lesson 01 with the page's URL forcing the backend (runLesson).
    for (const slug of LESSONS) {
      it(slug === LESSONS[0] ? `${slug} (WebGL)` : slug, async () => {
        const onWebgl = slug === LESSONS[0];
        const { cells, figures } = await runLesson(solutions, slug, onWebgl ? "?COURSE_TF_BACKEND=webgl" : "", onWebgl ? "webgl" : solutions.label);
        assert.deepEqual(failures(cells), []);
        const checks = cells.flatMap((c) => c.checks);
        assert.deepEqual(checks.map((c) => c.id), lessonCheckIds(slug));
        assert.deepEqual(notAsExpected(checks), []);
        assert.deepEqual(progressProblems(cells.flatMap((c) => c.texts)), []);
        if (onWebgl) assert.match(cells[0]?.texts.join("") ?? "", /backend "webgl"/, "the forced backend runs");
        // Headless Chromium without a GPU draws WebGL with SwiftShader: the kernel chooses wasm and says why.
        else assert.match(cells[0]?.texts.join("") ?? "", /backend "wasm" \(WebGL is drawn by the CPU here \(.+\), slower than wasm\)/, "the setup cell says which backend runs and why");
        assert.ok(figures.total >= 1, "the lesson has figures");
        assert.equal(figures.drawn, figures.total, "every figure is drawn");
      });
    }
  });

  /** The exercise cells the grading test edited and saved in the student site's page: [cell index, text]. */
  let savedWork: (readonly [number, string])[] = [];

  it("a notebook done in the browser (served from a sub-folder, .wasm as octet-stream: it runs on wasm, quietly) and downloaded is graded like the same work in the tslab edition", async () => {
    step = "grading";
    const slug = LESSONS[0] as string;
    const notebook = `${slug}.ipynb`;
    const source = readNotebook(sourceNotebook(slug));
    // The student's work: every exercise but the last one solved (the solution cells as written), the last one left as it was.
    const exercises = source.cells.flatMap((c, i) => (c.cell_type === "code" && cellText(c).includes("// BEGIN SOLUTION") ? [i] : []));
    const work = exercises.slice(0, -1).map((i) => [i, cellText(source.cells[i] as Notebook["cells"][number])] as const);
    assert.ok(work.length >= 2, "the lesson has exercises");
    const edition = studentEdition(source, `notebooks/${notebook}`);
    for (const [i, text] of work) assert.notEqual(cellText(edition.cells[i] as Notebook["cells"][number]), text, `exercise cell ${i} differs in the student edition`);

    // The student opens the lesson's student edition, does the exercises and runs the notebook top to bottom.
    const page = await sitePage(student);
    const t0 = Date.now();
    await openNotebook(page, notebook);
    const openSeconds = (Date.now() - t0) / 1000;
    await page.evaluate((cells) => {
      const w = (window as unknown as AnyWindow).jupyterapp.shell.currentWidget;
      for (const [i, text] of cells) w.content.widgets[i].model.sharedModel.setSource(text);
    }, work);
    const runAllSeconds = await runAll(page);
    const cells = await readCells(page);
    timings.push({ edition: "student", slug, openSeconds, runAllSeconds, figures: null, backend: /backend "(\w+)"/.exec(cells[0]?.texts.join("") ?? "")?.[1] ?? "?" });
    await page.screenshot({ path: path.join(ARTIFACTS, "lite-student.png") });
    assert.deepEqual(failures(cells), [], "every cell runs in the browser, none fails (the setup cell quietly: no stderr)");
    assert.match(cells[0]?.texts.join("") ?? "", /backend "wasm"/, "from the sub-folder, .wasm served as application/octet-stream: the setup cell runs on wasm");
    const checks = cells.flatMap((c) => c.checks);
    assert.deepEqual(checks.map((c) => c.id), lessonCheckIds(slug));
    assert.ok(checks.some((c) => c.status === "passed") && checks.some((c) => c.status === "not-completed"), "the solved exercises pass, the last one is not completed yet");
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 30_000 }),
      page.evaluate(async () => {
        const app = (window as unknown as AnyWindow).jupyterapp;
        await app.shell.currentWidget.context.save();
        await app.commands.execute("docmanager:download");
      }),
    ]);
    savedWork = work;
    await closeNotebook(page, false);

    // A class folder: one student worked in the browser, the other did the same work in the tslab edition.
    const dir = path.join(OUT, `lite-class-${process.pid}`);
    const out = `${dir}-out`;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, "browser"), { recursive: true });
    fs.mkdirSync(path.join(dir, "tslab"), { recursive: true });
    const downloaded = path.join(dir, "browser", notebook);
    await download.saveAs(downloaded);
    const tslab = edition;
    for (const [i, text] of work) (tslab.cells[i] as Notebook["cells"][number]).source = text;
    writeNotebook(path.join(dir, "tslab", notebook), tslab);

    const nb = readNotebook(downloaded);
    assert.equal((nb.metadata.kernelspec as { name?: string } | undefined)?.name, "tslab", "the download opens with tslab's kernel");
    assert.ok(nb.cells.some((c) => c.cell_type === "code" && (c.outputs ?? []).length > 0), "the download carries the browser's outputs");

    const r = spawnSync(process.execPath, [path.join(ROOT, "build", "grading", "grade.js"), "--out", out, "--no-execute", dir], { cwd: ROOT, encoding: "utf8", timeout: 10 * 60_000 });
    assert.equal(r.status, 0, `${r.stderr}\n${r.stdout}`);
    const grades = JSON.parse(fs.readFileSync(path.join(out, "grades.json"), "utf8")) as { notebooks: (NotebookGrade & { student: string })[] };
    const of = (who: string): NotebookGrade => {
      const g = grades.notebooks.filter((n) => n.student === who);
      assert.equal(g.length, 1, `one grade for ${who}`);
      return g[0] as NotebookGrade;
    };
    const [browserGrade, tslabGrade] = [of("browser"), of("tslab")];
    assert.deepEqual(browserGrade.problems, [], "no warning for the browser's notebook (lesson, release)");
    assert.deepEqual(tslabGrade.problems, []);
    const summary = (g: NotebookGrade): unknown => ({ lesson: g.lesson, score: g.score, maxScore: g.maxScore, checks: g.checks.map((c) => [c.id, c.points, c.passed, c.message]) });
    assert.deepEqual(summary(browserGrade), summary(tslabGrade), "the same points, check by check");
    assert.ok(browserGrade.score > 0 && browserGrade.score < browserGrade.maxScore, `some but not all points: ${browserGrade.score}/${browserGrade.maxScore}`);
    assert.equal(editionStatus(downloaded, browserGrade).status, "current", "npm run validate calls it this release of the lesson");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  });

  // The grading test's work, saved in the page's storage, is what is reloaded: the edit and save a student makes,
  // without opening the lesson (and starting its kernel) once more only to edit it.
  it("the edited cells are kept in the browser across a reload, and download", async () => {
    step = "reload";
    assert.ok(savedWork.length >= 2, "the grading test saved a notebook with edited cells");
    const notebook = `${LESSONS[0]}.ipynb`;
    const page = await sitePage(student);
    await page.reload();
    await page.waitForSelector("body[data-lab-ready]", { state: "attached", timeout: 90_000 });
    await page.evaluate((p) => (window as unknown as AnyWindow).jupyterapp.commands.execute("docmanager:open", { path: p, factory: "Notebook" }), notebook);
    await page.waitForFunction((p) => (window as unknown as AnyWindow).jupyterapp.shell.currentWidget?.context?.path === p && (window as unknown as AnyWindow).jupyterapp.shell.currentWidget.context.isReady, notebook, { timeout: 60_000 });
    const sources = await page.evaluate(() => (window as unknown as AnyWindow).jupyterapp.shell.currentWidget.content.widgets.map((c: any) => c.model.sharedModel.getSource() as string));
    for (const [i, text] of savedWork) assert.equal(sources[i], text, `edited cell ${i} is still there after a reload`);
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 30_000 }),
      page.evaluate(() => (window as unknown as AnyWindow).jupyterapp.commands.execute("docmanager:download")),
    ]);
    assert.equal(download.suggestedFilename(), notebook);
    const file = await download.path();
    assert.ok(file, "the download is saved");
    const downloaded = readNotebook(file);
    for (const [i, text] of savedWork) assert.equal(cellText(downloaded.cells[i] as Notebook["cells"][number]), text, `the download has edited cell ${i}`);
    await closeNotebook(page, false);
  });

  it("no request left the static servers, no script error in the pages", () => {
    assert.deepEqual(blocked, []);
    assert.deepEqual(sites.flatMap((s) => s.pageErrors.map((e) => `${s.edition}: ${e}`)), []);
  });
});

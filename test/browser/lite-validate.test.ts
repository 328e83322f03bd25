/**
 * "Check my work as the grader will" and "Submit" in the browser edition
 * (frontends/lite-app/validate/), in headless Chromium, against the grader itself.
 *
 * Three kinds of work, in lessons with a graded quiz, are stored in the
 * browser: right (lesson 01 as written), wrong (lesson 03 as written but for
 * a wrong formula in one exercise, and the two cases below) and unfinished (lesson 01's student
 * edition, one exercise done in the open notebook and not saved yet: validate
 * saves it first, and its dialog shows each check). Each is checked in the
 * browser (course:validate), then downloaded with Submit (course:submit), and
 * the downloaded file is validated by the grader (`npm run validate --json
 * --no-execute --without-quiz-keys`: the browser has no quiz key, so a quiz
 * answer is "recorded" on both sides). Status and points must agree check by
 * check, and the totals.
 *
 * Also, in the wrong work, each in an exercise of its own that no other check
 * calls: a cell with a type error is refused in the browser as by the course
 * kernel, and an exercise whose function never returns (`while (true) {}`) is
 * "stopped" (timeout) in the browser as by the grader, and the rest is graded.
 *
 * Few notebooks, not one per lesson or per behaviour: each validation is a
 * scoring run on each side (the browser's and the grader's sandboxed kernel).
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, openNotebookWithoutKernel, serveStudentSite } from "../helpers/browser";
import { OUT, ROOT } from "../helpers/notebooks";
import { openApp, type LabWindow } from "../../frontends/lite-browser";
import { studentEdition } from "../../editions/editions";
import { cellText, readNotebook, type Notebook } from "../../editions/notebook";
import type { CheckGrade } from "../../grading/types";
import type { Validation } from "../../grading/validate";


/** What the browser's validate returns (frontends/lite-app/validate/plugin.js). */
interface BrowserValidation {
  lesson?: string;
  checks: CheckGrade[];
  score: number;
  maxScore: number;
  recordedPoints?: number;
  problems: string[];
  seconds: number;
  edition: string;
  problem?: string;
}

/** The right work: a lesson as written. */
const RIGHT = "01-logistic-regression-right.ipynb";
/**
 * The wrong work: a lesson as written but for a wrong formula in one exercise ([what the solution says, what the
 * wrong work says]; its check `check`), and TYPE_ERROR's and HANG's exercises.
 */
const WRONG = { slug: "03-activations", file: "03-activations-wrong-type-error-and-hang.ipynb", formula: ["Math.max(0, zi)", "Math.min(0, zi)"] as const, check: "03.relu" };
/**
 * A type error in an exercise whose code would still compute the right values
 * untyped: the course kernel refuses the cell, so the grader scores its
 * function as undefined; the browser must refuse it too (its type checker).
 */
const TYPE_ERROR = { fn: 'function chooseOutputActivation(target: "binary" | "real" | "nonNegative"): "sigmoid" | "linear" | "relu" {', line: '  const typo: number = "0";', check: "03.chooseOutputActivation" };

/**
 * The function that never returns (lesson 03's), and the check that calls it.
 * A function no other check calls: each check that calls a hung function waits
 * out the grader's 10 s check limit, on both sides, with a core spinning (lesson 01's
 * logisticLoss, which computeCost and gradientDescent call too, would cost three such waits).
 */
const HANG = { fn: "function piecewiseReluUnits(): { w: number; b: number }[] {", check: "03.piecewiseReluUnits" };

/** The work with TYPE_ERROR's cell and HANG's function: the wrong work. */
const TYPE_ERROR_AND_HANG = WRONG.file;

const WORK = path.join(OUT, "lite-validate");

function withCellReplaced(nb: Notebook, from: string, to: string): Notebook {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  const cell = copy.cells.find((c) => c.cell_type === "code" && cellText(c).includes(from));
  assert.ok(cell, `a code cell with ${from}`);
  cell.source = cellText(cell).replace(from, to);
  return copy;
}

/** The work checked from its stored file, by file name (each name carries its lesson's NN-slug). */
function works(): Record<string, Notebook> {
  const out: Record<string, Notebook> = {};
  out[RIGHT] = readNotebook(path.join(ROOT, "notebooks", "01-logistic-regression.ipynb"));
  // One notebook for the three (each touches its own function, and its check's own assertions): two validations
  // less on each side.
  const wrong = withCellReplaced(readNotebook(path.join(ROOT, "notebooks", `${WRONG.slug}.ipynb`)), ...WRONG.formula);
  const typeError = withCellReplaced(wrong, TYPE_ERROR.fn, `${TYPE_ERROR.fn}\n${TYPE_ERROR.line}`);
  out[WRONG.file] = withCellReplaced(typeError, HANG.fn, `${HANG.fn}\n  while (true) {}`);
  return out;
}

/** The unfinished work: a student edition opened and edited (sigmoid done) but not saved: validate saves it first. */
const EDITED = { name: "01-logistic-regression-unfinished.ipynb", slug: "01-logistic-regression", from: "throw new Error(\"sigmoid is not completed yet\");", check: "01.sigmoid" };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let close = (): void => undefined;
const browserResults = new Map<string, BrowserValidation>();
const downloaded = new Map<string, string>();
let graderResults = new Map<string, Validation>();
let graderSeconds = 0;
let editedBefore = false;
let editedResult: BrowserValidation | null = null;
let dialogRows: string[][] = [];
let editedSaved: Notebook | null = null;

describe("browser edition: check my work as the grader will, and submit", { timeout: 40 * 60_000 }, () => {
  before(async () => {
    const s = await serveStudentSite();
    close = s.close;
    browser = await launchBrowser();
    // No service worker: 15 s after the app loads it would cache the whole site (39 MB) for offline use, which
    // lite-work.test.ts tests; here that is work that shows nothing.
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, serviceWorkers: "block" });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      return url.startsWith(s.url) || url.startsWith("data:") || url.startsWith("blob:") ? route.continue() : route.abort();
    });
    page = await context.newPage();
    await openApp(page, `${s.url}lab/index.html`);
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.mkdirSync(WORK, { recursive: true });
    // Store each piece of work in the browser, as a student's saved notebook.
    for (const [name, nb] of Object.entries(works())) {
      await page.evaluate(
        ([p, content]) => (window as unknown as LabWindow).jupyterapp.serviceManager.contents.save(p, { type: "notebook", format: "json", content }),
        [name, nb] as const,
      );
    }
    // The browser's validate and Submit for each, one after the other (as a student would).
    for (const name of Object.keys(works())) {
      const r = (await page.evaluate((p) => (window as unknown as LabWindow).jupyterapp.commands.execute("course:validate", { path: p, quiet: true }), name)) as BrowserValidation;
      browserResults.set(name, r);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.evaluate((p) => (window as unknown as LabWindow).jupyterapp.commands.execute("course:submit", { path: p }), name),
      ]);
      const file = path.join(WORK, download.suggestedFilename());
      await download.saveAs(file);
      downloaded.set(name, file);
    }
    // Validate from the open notebook with an unsaved edit: it is saved first, and the saved file is checked.
    const student = studentEdition(readNotebook(path.join(ROOT, "notebooks", `${EDITED.slug}.ipynb`)), `notebooks/${EDITED.slug}.ipynb`, "browser");
    await page.evaluate(
      ([p, content]) => (window as unknown as LabWindow).jupyterapp.serviceManager.contents.save(p, { type: "notebook", format: "json", content }),
      [EDITED.name, student] as const,
    );
    // Opened without starting its kernel: validation runs in workers of its own and never asks the student's
    // kernel (validate/verdicts.js: "the student's open kernel is not consulted").
    await openNotebookWithoutKernel(page, EDITED.name);
    editedBefore = (await page.evaluate(
      ([from, to]) => {
        const w = (window as unknown as LabWindow).jupyterapp.shell.currentWidget;
        const cell = w.content.widgets.find((c: { model: { sharedModel: { getSource(): string } } }) => c.model.sharedModel.getSource().includes(from));
        if (!cell) return false;
        cell.model.sharedModel.setSource(cell.model.sharedModel.getSource().replace(from, to));
        return w.context.model.dirty as boolean;
      },
      [EDITED.from, "return z.map((zi) => 1 / (1 + Math.exp(-zi)));"] as const,
    )) as boolean;
    // As a student runs it: with the dialog, whose rows say each check's status.
    editedResult = (await page.evaluate(() => (window as unknown as LabWindow).jupyterapp.commands.execute("course:validate"))) as BrowserValidation;
    await page.waitForSelector(".jp-Dialog .course-validation tr[data-check]", { timeout: 30_000 });
    dialogRows = await page.$$eval(".jp-Dialog .course-validation tr[data-check]", (rows) => rows.map((r) => [(r as HTMLElement).dataset.check ?? "", (r as HTMLElement).dataset.status ?? ""]));
    await page.click(".jp-Dialog .jp-mod-accept");
    editedSaved = (await page.evaluate(
      (p) => (window as unknown as LabWindow).jupyterapp.serviceManager.contents.get(p, { content: true, type: "notebook", format: "json" }).then((m: { content: unknown }) => m.content),
      EDITED.name,
    )) as Notebook;
    browserResults.set(EDITED.name, editedResult);
    // Submitted as the other work is, for the grader.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.evaluate((p) => (window as unknown as LabWindow).jupyterapp.commands.execute("course:submit", { path: p }), EDITED.name),
    ]);
    const editedFile = path.join(WORK, download.suggestedFilename());
    await download.saveAs(editedFile);
    downloaded.set(EDITED.name, editedFile);
    // The grader on the downloaded files, in one run.
    const json = path.join(WORK, "validate.json");
    const t0 = Date.now();
    const files = [...downloaded.values()];
    const r = spawnSync(process.execPath, [path.join(ROOT, "build", "grading", "validate.js"), "--json", json, "--no-execute", "--without-quiz-keys", ...files], { cwd: ROOT, encoding: "utf8", timeout: 20 * 60_000 });
    graderSeconds = (Date.now() - t0) / 1000;
    assert.equal(r.status, 0, `npm run validate: ${r.stdout}\n${r.stderr}`);
    const notebooks = (JSON.parse(fs.readFileSync(json, "utf8")) as { notebooks: Validation[] }).notebooks;
    graderResults = new Map(files.map((f, i) => [path.basename(f), notebooks[i] as Validation]));
  });

  after(async () => {
    await browser?.close();
    close();
    const b = [...browserResults.values()];
    const mean = b.reduce((s, r) => s + (r.seconds ?? 0), 0) / Math.max(1, b.length);
    console.log(`browser validate: ${b.map((r) => (r.seconds ?? 0).toFixed(1)).join(", ")} s (mean ${mean.toFixed(1)} s); npm run validate --no-execute on the ${b.length} files: ${graderSeconds.toFixed(1)} s`);
  });

  const perCheck = (checks: readonly CheckGrade[]): Record<string, { status: string; points: number }> =>
    Object.fromEntries(checks.map((c) => [c.id, { status: c.status, points: c.points }]));

  for (const name of [...Object.keys(works()), EDITED.name]) {
    it(`${name}: the browser's points and statuses, check by check, are the grader's on the submitted file`, () => {
      const b = browserResults.get(name) as BrowserValidation;
      const g = graderResults.get(name) as Validation;
      assert.ok(b && !b.problem, `browser: ${b?.problem}`);
      assert.equal(b.lesson, g.grade.lesson);
      assert.ok(b.checks.length > 0);
      assert.deepEqual(perCheck(b.checks), perCheck(g.grade.checks));
      assert.deepEqual([b.score, b.maxScore, b.recordedPoints ?? 0], [g.grade.score, g.grade.maxScore, g.grade.recordedPoints ?? 0]);
    });
  }

  it("the three kinds of work come out as expected: right passes all (quiz answers recorded), wrong loses points, unfinished is not completed but for its done exercise", () => {
    const right = browserResults.get(RIGHT) as BrowserValidation;
    const wrong = browserResults.get(WRONG.file) as BrowserValidation;
    const unfinished = browserResults.get(EDITED.name) as BrowserValidation;
    assert.deepEqual([...new Set(right.checks.map((c) => c.status))].sort(), ["passed", "recorded"], RIGHT);
    for (const r of [right, wrong]) assert.ok(r.recordedPoints && r.recordedPoints > 0, `${r.lesson} has a graded quiz`);
    assert.equal(right.score + (right.recordedPoints ?? 0), right.maxScore);
    assert.ok(wrong.score + (wrong.recordedPoints ?? 0) < wrong.maxScore, WRONG.file);
    assert.equal(wrong.checks.find((c) => c.id === WRONG.check)?.status, "failed", "the wrong formula fails its check");
    assert.ok(wrong.checks.some((c) => c.id !== WRONG.check && c.id !== TYPE_ERROR.check && c.id !== HANG.check && c.status === "passed"), "the wrong work's other exercises pass");
    const rest = unfinished.checks.filter((c) => c.id !== EDITED.check);
    assert.ok(rest.length > 0 && rest.every((c) => c.status === "not-completed" || c.status === "missing"), EDITED.name);
    assert.equal(unfinished.score, unfinished.checks.find((c) => c.id === EDITED.check)?.points, "only the done exercise scores");
    assert.equal(unfinished.edition, "current", "the student edition's stamp is this site's");
    assert.equal(graderResults.get(EDITED.name)?.edition.status, "current", "the grader calls the submitted file this release's");
  });

  it("validating the open notebook saves it first and checks the saved file (an unsaved edit counts once saved); the dialog shows each check", () => {
    assert.equal(editedBefore, true, "the edit made the notebook dirty");
    assert.ok(editedSaved && editedSaved.cells.some((c) => c.cell_type === "code" && cellText(c).includes("Math.exp(-zi)")), "the edit is in the stored file");
    const statuses = Object.fromEntries((editedResult as BrowserValidation).checks.map((c) => [c.id, c.status]));
    assert.equal(statuses[EDITED.check], "passed");
    assert.equal(statuses["01.logisticLoss"], "not-completed", "the rest is as the student edition left it");
    assert.deepEqual(dialogRows, (editedResult as BrowserValidation).checks.map((c) => [c.id, c.status]), "the dialog shows each check's status");
  });

  it("a cell with a type error is refused as the course kernel refuses it: its function scores nothing, in the browser as in the grader", () => {
    const name = TYPE_ERROR_AND_HANG;
    const b = (browserResults.get(name) as BrowserValidation).checks.find((c) => c.id === TYPE_ERROR.check);
    const g = (graderResults.get(name) as Validation).grade.checks.find((c) => c.id === TYPE_ERROR.check);
    assert.equal(g?.points, 0, "the grader refuses the cell");
    assert.deepEqual([b?.status, b?.points], [g?.status, g?.points]);
    assert.equal(b?.message, g?.message, "the same message: which cell, and its first error in the kernel's words");
  });

  it("a function that never returns is stopped by the check's time limit, not hung; the other checks are graded", () => {
    const b = browserResults.get(TYPE_ERROR_AND_HANG) as BrowserValidation;
    const hung = b.checks.find((c) => c.id === HANG.check);
    assert.deepEqual([hung?.status, hung?.stop, hung?.points], ["stopped", "timeout", 0]);
    assert.ok(b.checks.some((c) => c.id !== HANG.check && c.status === "passed"));
  });
});

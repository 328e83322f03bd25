/**
 * The browser edition's type check (frontends/lite-app/kernel/checker*.js) speaks
 * tslab's language: the same cells, right ones and ones with type errors, run
 * in both editions, get the same verdict, cell by cell: whether the cell
 * failed, and the diagnostics' line, column and message text.
 *
 * - tslab: a real kernel through Jupyter (kernel/run_notebook.py, cell after
 *   cell as a student runs them); tslab prints a cell's diagnostics on stderr.
 * - the browser: the student site (built into the folder test/browser/lite.test.ts
 *   uses, so one build serves both) in headless Chromium; the cells go to the
 *   course's kernel through JupyterLab's kernel API (execute_request), which
 *   is what the notebook's Run does.
 *
 * Completion (Tab, complete_request) and hover (Shift+Tab, inspect_request)
 * come from the same checker: `lab.` lists the lesson module's exports, and
 * both answers equal those of tslab's own converter run in Node.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, serveStudentSite } from "../helpers/browser";
import { OUT, ROOT, runNotebook } from "../helpers/notebooks";
import { publishedSlugs } from "../../lib/lessons";
import { openApp, type LabWindow } from "../../frontends/lite-browser";
import { writeNotebook, type Notebook } from "../../editions/notebook";

/* eslint-disable @typescript-eslint/no-explicit-any */
const LESSON = publishedSlugs()[0] as string;
const IMPORTS = `import * as tf from "@tensorflow/tfjs";\nimport * as lab from "../build/lib/lessons/${LESSON}";`;

/** The cells, in order; `wrong` says what kind of mistake a cell makes (for the failure messages). */
const CELLS: { wrong: string | null; src: string }[] = [
  // The lesson's own first cell: TensorFlow.js has a backend (the browser's is loaded asynchronously) only after lab.setup().
  { wrong: null, src: `${IMPORTS}\n\nawait lab.setup();` },
  { wrong: "assignment", src: 'const n: number = "3";' },
  { wrong: null, src: "let count: number = 3;\nconst doubled = count * 2;\nconsole.log(doubled);" },
  { wrong: "an earlier cell's variable", src: "const label: string = count;" },
  { wrong: "a course library call", src: 'const x = 1;\nconst labels = lab.labelRoasts("three");' },
  { wrong: "tfjs misuse", src: "const t = tf.tensor([1, 2, 3]);\nconst total: number = t.sum();\nt.dispose();" },
  { wrong: null, src: "const s = tf.tensor([1, 2, 3]);\nconsole.log(s.sum().dataSync()[0]);\ns.dispose();" },
  { wrong: null, src: "function half(v: number): number {\n  return v / 2;\n}" },
  { wrong: "two errors", src: '// An earlier cell\'s function, called wrongly twice.\nhalf("4");\nconst m: boolean = half(4);' },
  { wrong: null, src: "console.log(half(count));" },
  // Cell 1 was refused, so its `n` was never declared (tslab then checks with @types/node too: the browser fetches them).
  { wrong: "a name from a refused cell", src: "console.log(n);" },
];

interface Diagnostic {
  line: number;
  column: number;
  message: string;
}
interface Verdict {
  failed: boolean;
  diagnostics: Diagnostic[];
}

/**
 * tslab's diagnostics, from the stderr it prints them on (executor.js,
 * printDiagnostics: "LINE:COL - MESSAGE", a chained message going on in the
 * next lines).
 */
function parseDiagnostics(stderr: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of stderr.replace(/\n$/, "").split("\n")) {
    const m = /^(\d+):(\d+) - (.*)$/.exec(line);
    if (m) out.push({ line: Number(m[1]), column: Number(m[2]), message: m[3] as string });
    else if (out.length) (out[out.length - 1] as Diagnostic).message += `\n${line}`;
  }
  return out;
}

/** Every cell's verdict in a real tslab kernel. */
function tslabVerdicts(): Verdict[] {
  const file = path.join(OUT, `lite-types-${process.pid}.ipynb`);
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { display_name: "TypeScript (course: tslab)", language: "typescript", name: "tslab" } },
    cells: CELLS.map((c, i) => ({ cell_type: "code", id: `cell-${i}`, metadata: {}, execution_count: null, outputs: [], source: c.src })),
  } as unknown as Notebook;
  fs.mkdirSync(OUT, { recursive: true });
  writeNotebook(file, nb);
  try {
    const run = runNotebook(file, { keepGoing: true, cellTimeout: 120 });
    const cells = run.cells.filter((c) => c.type === "code");
    // (run.error may name the runner's own end-of-notebook probe; what counts is that every cell ran or was refused.)
    assert.deepEqual(cells.filter((c) => !["ok", "error"].includes(c.status)).map((c) => `${c.index}: ${c.status}`), [], `every cell ran in tslab (${run.error ?? ""})`);
    return cells.map((c) => ({ failed: c.status !== "ok", diagnostics: parseDiagnostics(c.stderr) }));
  } finally {
    fs.rmSync(file, { force: true });
  }
}

// In the page: JupyterLab's application object (frontends/lite-app/index.js).
type AnyWindow = LabWindow & { __liteTypes?: any };

/** Starts a kernel session for a notebook path in the page (window.__liteTypes.kernel). */
async function startKernel(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const app = (window as unknown as AnyWindow).jupyterapp;
    const session = await app.serviceManager.sessions.startNew({ path: "lite-types.ipynb", name: "lite-types.ipynb", type: "notebook", kernel: { name: "tslab" } });
    (window as unknown as AnyWindow).__liteTypes = { session, kernel: session.kernel };
  });
}

/** Runs one cell in the page's kernel: its reply status, and what it printed on stderr. */
async function runCell(page: Page, code: string): Promise<{ status: string; stderr: string; errors: number; error: string }> {
  return page.evaluate(async (src) => {
    const kernel = (window as unknown as AnyWindow).__liteTypes.kernel;
    let stderr = "";
    let errors = 0;
    let error = "";
    const future = kernel.requestExecute({ code: src, stop_on_error: false });
    future.onIOPub = (msg: any) => {
      if (msg.header.msg_type === "stream" && msg.content.name === "stderr") stderr += msg.content.text;
      if (msg.header.msg_type === "error") {
        errors += 1;
        error += `${msg.content.ename}: ${msg.content.evalue}`;
      }
    };
    const reply = await future.done;
    return { status: reply.content.status as string, stderr, errors, error };
  }, code);
}

/** tslab's converter in Node, in the notebooks' folder, as the Node kernel uses it (completion and hover). */
function tslabConverter(): { complete(prev: string, src: string, pos: number): any; inspect(prev: string, src: string, pos: number): any; convert(prev: string, src: string): any; close(): void } {
  const { createConverter } = require(path.join(ROOT, "node_modules", "tslab", "dist", "converter.js"));
  const cwd = process.cwd();
  process.chdir(path.join(ROOT, "notebooks"));
  try {
    return createConverter({ isJS: false, isBrowser: false });
  } finally {
    process.chdir(cwd);
  }
}

let browser: Browser;
let page: Page;
let close: () => void = () => undefined;

describe("the browser edition's type check, as tslab's", () => {
  before(async () => {
    const s = await serveStudentSite();
    close = s.close;
    browser = await launchBrowser();
    // No service worker: 15 s after the app loads it would cache the whole site (39 MB) for offline use, which
    // lite-work.test.ts tests; here that is work that shows nothing.
    page = await (await browser.newContext({ serviceWorkers: "block" })).newPage();
    await openApp(page, `${s.url}lab/index.html`);
    await startKernel(page);
  });

  after(async () => {
    await page?.evaluate(() => (window as unknown as AnyWindow).__liteTypes?.session?.shutdown()).catch(() => undefined);
    await browser?.close();
    close();
  });

  it("every cell gets tslab's verdict: the same diagnostics (line, column, message); a cell with errors does not run", async () => {
    const expected = tslabVerdicts();
    assert.equal(expected.length, CELLS.length);
    // The test means something only if tslab refuses the wrong cells and runs the right ones.
    assert.deepEqual(expected.map((v) => v.failed), CELLS.map((c) => c.wrong !== null), "tslab's verdicts are as the cells intend");
    for (const [i, v] of expected.entries()) if (CELLS[i]?.wrong) assert.ok(v.diagnostics.length > 0, `tslab gives cell ${i} (${CELLS[i]?.wrong}) diagnostics`);
    const got: Verdict[] = [];
    const stderr: string[] = [];
    for (const c of CELLS) {
      const r = await runCell(page, c.src);
      got.push({ failed: r.status !== "ok", diagnostics: parseDiagnostics(r.stderr) });
      stderr.push(r.stderr + r.error);
      // An error output (not only stderr) for a refused cell: JupyterLab's Run All stops there, as with tslab.
      if (r.status !== "ok") assert.equal(r.errors, 1, `cell ${got.length - 1} has one error output`);
    }
    for (const [i, v] of expected.entries()) assert.deepEqual(got[i], v, `cell ${i} (${CELLS[i]?.wrong ?? "right"}): the browser's verdict is tslab's (the browser's stderr: ${stderr[i]})`);
  });

  it("completion (Tab) and hover (Shift+Tab) come from the checker, as tslab's", async () => {
    const conv = tslabConverter();
    try {
      const src = `${IMPORTS}\nlab.`;
      const completion = await page.evaluate(async (code) => (await (window as unknown as AnyWindow).__liteTypes.kernel.requestComplete({ code, cursor_pos: code.length })).content, src);
      const exports = Object.keys(require(path.join(ROOT, "build", "lib", "lessons", `${LESSON}.js`))).filter((k) => k !== "__esModule");
      assert.ok(exports.length > 3);
      for (const name of exports) assert.ok(completion.matches.includes(name), `Tab after "lab." offers ${name}`);
      const node = conv.complete("", src, src.length);
      assert.deepEqual({ matches: completion.matches, start: completion.cursor_start, end: completion.cursor_end }, { matches: node.candidates, start: node.start, end: node.end }, "the same completions as tslab");

      const hoverSrc = `${IMPORTS}\nlab.labelRoasts`;
      const pos = hoverSrc.length - 3;
      const hover = await page.evaluate(async ([code, p]) => (await (window as unknown as AnyWindow).__liteTypes.kernel.requestInspect({ code, cursor_pos: p, detail_level: 0 })).content, [hoverSrc, pos] as const);
      assert.equal(hover.found, true);
      const { printQuickInfo } = require(path.join(ROOT, "node_modules", "tslab", "dist", "inspect.js"));
      const info = conv.inspect("", hoverSrc, pos);
      assert.ok(info, "tslab finds the hovered name");
      assert.equal(hover.data["text/plain"], printQuickInfo(info), "the same hover text as tslab");
    } finally {
      conv.close();
    }
  });
});

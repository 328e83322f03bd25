/**
 * Shared by the browser tests (classic Notebook and JupyterLab): the Jupyter
 * server started through `npm start`'s own script, headless Chromium with the
 * flags this machine needs, and the guard that a browser run leaves the
 * committed lessons exactly as they were.
 */
import { spawn, type ChildProcess } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Browser, Page } from "playwright-core";
import { launchChromium, type LabWindow } from "../../frontends/lite-browser";
import { lessonCheckIds, lessonSlugs } from "../../lib/lessons";
import { OUT, ROOT } from "./notebooks";
import { buildLite, LITE_APP } from "../../frontends/lite";

export const ARTIFACTS = path.join(ROOT, "artifacts", "browser");
export { CHROMIUM } from "../../frontends/lite-browser";
/** Every lesson notebook: guardNotebooks restores any a browser run changed, whichever lessons it ran. */
const NOTEBOOKS = lessonSlugs().map((slug) => `${slug}.ipynb`);

export interface Server {
  baseUrl: string;
  token: string;
  process: ChildProcess;
  /** What the server printed (for failure messages). */
  output: () => string;
}

/**
 * Starts `npm start -- --solutions <flags>` (build/setup/start.js) on a free
 * port and resolves once it prints the course's URL.
 */
export async function startServer(flags: string[], env: NodeJS.ProcessEnv = {}, portBase = 19000): Promise<Server> {
  const token = randomBytes(16).toString("hex");
  const port = portBase + (process.pid % 500);
  const child = spawn(process.execPath, [path.join(ROOT, "build", "setup", "start.js"), "--solutions", "--port", String(port), ...flags], {
    cwd: ROOT,
    env: { ...process.env, ...env, COURSE_TOKEN: token },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 5 min:\n${out}`)), 5 * 60_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /The course is open at:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`the server exited (${code}):\n${out}`)));
  });
  return { baseUrl, token, process: child, output: () => out };
}

export async function launchBrowser(): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return launchChromium();
}

/** Remembers the committed lessons; `verify()` restores any the run changed and says which. */
export function guardNotebooks(): { verify: () => string[] } {
  const originals = new Map(NOTEBOOKS.map((n) => [n, fs.readFileSync(path.join(ROOT, "notebooks", n))] as const));
  return {
    verify: () => {
      const changed: string[] = [];
      for (const [n, bytes] of originals) {
        const file = path.join(ROOT, "notebooks", n);
        if (!fs.readFileSync(file).equals(bytes)) {
          fs.writeFileSync(file, bytes);
          changed.push(`notebooks/${n}`);
        }
      }
      return changed;
    },
  };
}

export { lessonCheckIds };

/** Training progress must be one display updated in place that ends with its summary line. */
export function progressProblems(texts: string[]): string[] {
  const problems: string[] = [];
  for (const p of texts.filter((t) => /epoch \d+\/\d+/.test(t))) {
    if (!/done in/.test(p)) problems.push(`progress does not end with its final line: ${p.slice(0, 120)}`);
    const n = (p.match(/epoch \d+\/\d+/g) ?? []).length;
    if (n !== 1) problems.push(`progress printed ${n} epoch lines instead of updating one in place`);
  }
  return problems;
}

/** Selectors counting a plotly figure's drawn data (scatter/line traces, heatmaps, images, bars). */
export const DRAWN_DATA = "g.trace, g.hm, g.imagelayer image, g.barlayer g.trace";

/**
 * The open notebook's figures in the browser edition: how many its outputs
 * hold, and how many are drawn once scrolled into view (JupyterLab draws
 * visible cells only). Each figure gets up to 15 s to draw.
 */
export async function drawnFigures(page: Page): Promise<{ drawn: number; total: number }> {
  return page.evaluate(async (selector) => {
    const w = (window as unknown as LabWindow).jupyterapp.shell.currentWidget;
    let drawn = 0;
    let total = 0;
    for (let i = 0; i < w.content.widgets.length; i++) {
      const c = w.content.widgets[i];
      const n = (JSON.stringify(c.model.outputs?.toJSON() ?? []).match(/class=\\"course-figure\\"/g) ?? []).length;
      if (c.model.type !== "code" || n === 0) continue;
      total += n;
      await w.content.scrollToItem(i, "center");
      const count = (): number => [...c.node.querySelectorAll(".course-figure")].filter((f: Element) => f.querySelector(selector)).length;
      const t = Date.now();
      while (count() < n && Date.now() - t < 15_000) await new Promise((r) => setTimeout(r, 100));
      drawn += count();
    }
    return { drawn, total };
  }, DRAWN_DATA);
}

/**
 * Closes the browser, stops the server, and fails if the run changed a
 * committed lesson (after restoring it).
 */
export async function tearDown(browser: Browser | undefined, server: Server | null, guard: { verify: () => string[] } | undefined): Promise<void> {
  await browser?.close();
  server?.process.kill("SIGTERM");
  const changed = guard?.verify() ?? [];
  if (changed.length > 0) throw new Error(`the browser run modified ${changed.join(", ")} (restored)`);
}

/** The browser edition's static file server (frontends/lite-app/serve.js: plain JavaScript, typed here). */
export type ServeFn = (dir: string, port: number) => Promise<{ server: { close: () => void }; url: string }>;

/** frontends/lite-app/serve.js's serve(). */
export function liteServe(): ServeFn {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(LITE_APP, "serve.js")) as { serve: ServeFn }).serve;
}

/**
 * The student edition's site, built into .test-out/lite-site (nothing to do
 * when npm test's preparation built it: frontends/test-sites.ts) and served
 * on a free port: its root URL and how to stop the server.
 */
export async function serveStudentSite(): Promise<{ url: string; close: () => void }> {
  const dir = path.join(OUT, "lite-site");
  buildLite({ out: dir, solutions: false }, () => undefined);
  const s = await liteServe()(dir, 0);
  return { url: s.url, close: () => s.server.close() };
}

/**
 * Opens `file` in the browser edition's current page in a notebook panel
 * without starting its kernel (JupyterLab's "No Kernel"), and waits until the
 * panel has read it: for tests of what is saved or validated, which no kernel
 * takes part in. A kernel start costs about 5 CPU s in Chromium (its worker
 * loads TensorFlow.js) and changes nothing in the file.
 */
export async function openNotebookWithoutKernel(page: Page, file: string): Promise<void> {
  await page.evaluate((p) => (window as unknown as LabWindow).jupyterapp.commands.execute("docmanager:open", { path: p, factory: "Notebook", kernelPreference: { shouldStart: false } }), file);
  await page.waitForFunction(
    (p) => {
      const w = (window as unknown as LabWindow).jupyterapp.shell.currentWidget;
      return w?.context?.path === p && w.context.isReady === true;
    },
    file,
    { timeout: 90_000, polling: 100 },
  );
}

/**
 * Kernel → Interrupt driven in a page of the browser edition (headless
 * Chromium, playwright-core): the steps test/browser/lite-work.test.ts's
 * interrupt checks and `npm run bench`'s browser section (bench/lite.ts) share. The
 * kernel's side is frontends/lite-app/kernel/interrupt-page.js.
 */
import type { Page } from "playwright-core";
import { closeNotebook, openNotebook, type LabWindow } from "./lite-browser";

/** What an interrupt did, as read from the page. */
interface Interrupted {
  /** Seconds from Kernel → Interrupt to the interrupted cell's reply. */
  seconds: number;
  /** The interrupted cell's error output's ename, null if it has none. */
  ename: string | null;
  /** What the kernel noted (<body data-course-interrupt>): its path ("cooperative", "worker-replaced") and figures. */
  note: { path: string; restoring?: number } | null;
}

/** Writes a notebook of code cells `cells` into the browser's storage as `file` and opens it with the course's kernel. */
export async function openCells(page: Page, file: string, cells: string[]): Promise<void> {
  await page.evaluate(
    async ({ p, sources }) => {
      const content = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "tslab", display_name: "TypeScript (course: tslab)", language: "typescript" } },
        cells: sources.map((s) => ({ cell_type: "code", source: s, metadata: {}, outputs: [], execution_count: null })),
      };
      await (window as unknown as LabWindow).jupyterapp.serviceManager.contents.save(p, { type: "notebook", format: "json", content });
    },
    { p: file, sources: cells },
  );
  await openNotebook(page, file);
}

/** What a cell printed: its stdout and stderr, and its error output ("ename: evalue"), if any. */
interface CellRun {
  stdout: string;
  stderr: string;
  error: string | null;
}

/** Runs cell `index` of the open notebook and waits for its reply. */
export async function runCell(page: Page, index: number): Promise<CellRun> {
  return page.evaluate(async (i) => {
    const app = (window as unknown as LabWindow).jupyterapp;
    const w = app.shell.currentWidget;
    w.content.activeCellIndex = i;
    await app.commands.execute("notebook:run-cell");
    while (w.sessionContext.session.kernel.status !== "idle") await new Promise((r) => setTimeout(r, 50));
    const outputs = w.content.widgets[i].model.outputs.toJSON() as { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string }[];
    const stream = (name: string): string =>
      outputs
        .filter((o) => o.output_type === "stream" && o.name === name)
        .map((o) => ([] as string[]).concat(o.text ?? []).join(""))
        .join("");
    const error = outputs.find((o) => o.output_type === "error");
    return { stdout: stream("stdout"), stderr: stream("stderr"), error: error ? `${error.ename}: ${error.evalue}` : null };
  }, index);
}

/** Starts cell `index`, lets it run `afterMs`, chooses Kernel → Interrupt, and waits until the cell has replied. */
export async function interruptCell(page: Page, index: number, afterMs: number): Promise<Interrupted> {
  return page.evaluate(
    async ({ i, wait }) => {
      const app = (window as unknown as LabWindow).jupyterapp;
      const w = app.shell.currentWidget;
      const cell = w.content.widgets[i];
      w.content.activeCellIndex = i;
      const done = app.commands.execute("notebook:run-cell");
      const t1 = Date.now();
      while (w.sessionContext.session.kernel.status !== "busy" && Date.now() - t1 < 30_000) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, wait));
      delete document.body.dataset.courseInterrupt;
      const t0 = performance.now();
      void app.commands.execute("notebook:interrupt-kernel");
      await done;
      const seconds = (performance.now() - t0) / 1000;
      const error = (cell.model.outputs.toJSON() as { output_type: string; ename?: string }[]).find((o) => o.output_type === "error");
      const raw = document.body.dataset.courseInterrupt;
      return { seconds, ename: error?.ename ?? null, note: raw ? JSON.parse(raw) : null };
    },
    { i: index, wait: afterMs },
  );
}

/** The benchmark's figure: `while (true) {}` interrupted after 1 s in a scratch notebook, and whether the next cell then ran. */
export async function measureLoopInterrupt(page: Page, file: string): Promise<{ seconds: number; path: string | null; stopped: boolean; nextCellRan: boolean }> {
  await openCells(page, file, ["let kept = 41;", "while (true) {}", "kept + 1"]);
  await runCell(page, 0);
  const r = await interruptCell(page, 1, 1000);
  const next = await runCell(page, 2);
  await closeNotebook(page, false);
  return { seconds: r.seconds, path: r.note?.path ?? null, stopped: r.ename === "KeyboardInterrupt", nextCellRan: next.stdout.trim() === "42" };
}

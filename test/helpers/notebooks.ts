/**
 * Test helpers for notebooks: run one in a real tslab kernel through Jupyter's
 * nbclient (kernel/run_notebook.py), read what every cell did, build the
 * student edition or a deliberately wrong edition next to the real ones.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as tf from "@tensorflow/tfjs";
import { parseResults, type CheckResult } from "../../lib/checks";
import { loadLesson } from "../../lib/lessons";
import { parseRecords, type RecordedValue } from "../../lib/runtime/record";
import { declaredFunction, replaceExercises, studentEdition } from "../../editions/editions";
import { cellText, readNotebook, writeNotebook } from "../../editions/notebook";

export { ROOT } from "../../lib/runtime/paths";
import { ROOT } from "../../lib/runtime/paths";
/**
 * Generated notebooks go directly in .test-out/, one level below the root like
 * notebooks/, so their `../build/lib/…` imports resolve.
 */
export const OUT = path.join(ROOT, ".test-out");

/** What one code cell did. */
interface CellRun {
  index: number;
  type: string;
  status: string;
  source: string;
  stdout: string;
  stderr: string;
  html: string[];
  other: Record<string, unknown>[];
}

/** What a whole notebook run did. */
export interface NotebookRun {
  notebook: string;
  error: string | null;
  kernelStartSeconds: number | null;
  totalSeconds: number;
  cells: CellRun[];
  /** tf.memory() after the setup cell and at the end; the kernel's peak memory. */
  probes?: { afterSetup?: { numTensors: number }; atEnd?: { numTensors: number }; peakRssMb?: number | null };
}

/** Tensors still alive at the end that were not alive after the setup cell (null if not measured). */
export function leakedTensors(run: NotebookRun): number | null {
  const a = run.probes?.afterSetup?.numTensors;
  const b = run.probes?.atEnd?.numTensors;
  return a === undefined || b === undefined ? null : b - a;
}

/** Path of a lesson's source notebook. */
export function sourceNotebook(slug: string): string {
  return path.join(ROOT, "notebooks", `${slug}.ipynb`);
}

/**
 * Runs a notebook in a fresh kernel and returns every cell's outcome. By
 * default as Run All does (a failed cell aborts the rest); `keepGoing`: as a
 * student running cell after cell does (the cells after a failed one still run).
 */
export function runNotebook(file: string, opts: { cellTimeout?: number; keepGoing?: boolean } = {}): NotebookRun {
  const python = process.env.COURSE_TEST_PYTHON ?? "/usr/bin/python3";
  const out = path.join(OUT, `${path.basename(file, ".ipynb")}-${process.pid}-${Date.now()}.json`);
  fs.mkdirSync(OUT, { recursive: true });
  const r = spawnSync(python, [path.join(ROOT, "kernel", "run_notebook.py"), file, "--probe", "--out", out, "--cell-timeout", String(opts.cellTimeout ?? 180), ...(opts.keepGoing ? ["--keep-going"] : [])], {
    encoding: "utf8",
    timeout: 15 * 60_000,
  });
  if (!fs.existsSync(out)) throw new Error(`run_notebook.py produced no result (exit ${r.status}): ${r.stderr}`);
  const run = JSON.parse(fs.readFileSync(out, "utf8")) as NotebookRun;
  fs.unlinkSync(out);
  return run;
}

/** Code cells that did not finish cleanly: error, abort, timeout, not run, or anything on stderr. */
export function problems(run: NotebookRun): string[] {
  const found: string[] = [];
  if (run.error) found.push(`notebook: ${run.error}`);
  for (const c of run.cells) {
    if (c.type !== "code") continue;
    if (c.status !== "ok") found.push(`cell ${c.index} ${c.status}: ${c.source.slice(0, 60)}… ${c.stderr.slice(0, 400)}`);
    else if (c.stderr.trim()) found.push(`cell ${c.index} wrote to stderr: ${c.stderr.slice(0, 400)}`);
  }
  return found;
}

/** Every check result the run displayed, in order. */
export function checkResults(run: NotebookRun): CheckResult[] {
  return figuresAndHtml(run).flatMap((h) => parseResults(h));
}

/** Every HTML output of the run, in order. */
export function figuresAndHtml(run: NotebookRun): string[] {
  return run.cells.flatMap((c) => c.html ?? []);
}

/** The values one cell published with `lab.record`, in order. */
export function cellRecords(cell: CellRun): RecordedValue[] {
  return (cell.html ?? []).flatMap((h) => parseRecords(h));
}

/** Every value the run published with `lab.record`, in order, with the index of its cell. */
export function records(run: NotebookRun): (RecordedValue & { cell: number })[] {
  return run.cells.flatMap((c) => cellRecords(c).map((r) => ({ ...r, cell: c.index })));
}

/**
 * The value the run published under `name`; throws when it published none
 * (listing what it did publish) or more than one (ask `records` which cell).
 */
export function recorded<T = unknown>(run: NotebookRun, name: string): T {
  const all = records(run);
  const found = all.filter((r) => r.name === name);
  if (found.length === 0) throw new Error(`the notebook recorded no "${name}"; it recorded: ${[...new Set(all.map((r) => r.name))].join(", ") || "nothing"}`);
  if (found.length > 1) throw new Error(`the notebook recorded "${name}" ${found.length} times (cells ${found.map((r) => r.cell).join(", ")}); pick one with records(run)`);
  return found[0]?.value as T;
}

/** Writes the student edition of a lesson to .test-out/<slug>.student.ipynb and returns its path. */
export function writeStudentEdition(slug: string): string {
  const nb = studentEdition(readNotebook(sourceNotebook(slug)), `notebooks/${slug}.ipynb`);
  const file = path.join(OUT, `${slug}.student.ipynb`);
  fs.mkdirSync(OUT, { recursive: true });
  writeNotebook(file, nb);
  return file;
}

/**
 * Writes a copy of a lesson where the named exercises' cells are replaced by
 * the given (wrong) code, as .test-out/<slug>.<label>.ipynb.
 */
export function writeVariant(slug: string, label: string, replacements: Readonly<Record<string, string>>): string {
  const file = path.join(OUT, `${slug}.${label}.ipynb`);
  fs.mkdirSync(OUT, { recursive: true });
  writeNotebook(file, replaceExercises(readNotebook(sourceNotebook(slug)), replacements));
  return file;
}

/**
 * The exercise functions exactly as the notebook's solution cells define
 * them, compiled with TypeScript and evaluated with `tf` and the lesson module
 * as `lab` in scope, as in the notebook. Exercises may call earlier ones
 * (computeCost uses sigmoid), so all are defined in one scope.
 */
export function solutionFunctions(slug: string): Record<string, (...args: never[]) => unknown> {
  const nb = readNotebook(sourceNotebook(slug));
  const sources = nb.cells.filter((c) => c.cell_type === "code" && cellText(c).includes("// BEGIN SOLUTION")).map(cellText);
  const names = sources.map((s) => declaredFunction(s)).filter((n): n is string => !!n);
  const js = ts.transpileModule(sources.join("\n\n"), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None } }).outputText;
  const lab: unknown = loadLesson(slug);
  const factory = new Function("tf", "lab", `${js}\nreturn { ${names.join(", ")} };`) as (t: typeof tf, l: unknown) => Record<string, (...args: never[]) => unknown>;
  return factory(tf, lab);
}

/** A figure a notebook drew: its title and the plotly data and layout embedded in its HTML. */
export interface DrawnFigure {
  title: string;
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** Every course figure the run drew, parsed from the JSON that lib/runtime/plot.ts embeds (structured, not printed text). */
export function drawnFigures(run: NotebookRun): DrawnFigure[] {
  return figuresAndHtml(run).flatMap((h) => {
    const json = /fig = (\{.*\}), tries = 0/.exec(h)?.[1];
    if (!json) return [];
    const fig = JSON.parse(json) as { data: Record<string, unknown>[]; layout: Record<string, unknown> & { title?: { text?: string } } };
    return [{ title: fig.layout.title?.text ?? "", data: fig.data, layout: fig.layout }];
  });
}

/** The text of a notebook's markdown cells, one string per cell. */
export function markdownCells(slug: string): string[] {
  return readNotebook(sourceNotebook(slug)).cells.filter((c) => c.cell_type === "markdown").map(cellText);
}

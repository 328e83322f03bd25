/**
 * What a scoring run is given of a notebook, as pure functions of its cells:
 * which lesson it is, the cells that declare graded names (and the others, as
 * context for helpers), and each visible check with the place of its check
 * cell. Shared by the grader (grading/submission.ts, grading/scoring.ts) and
 * the browser edition's validation (frontends/lite-app/validate/), which has no
 * file system: nothing here reads a file.
 */
import { cellText, type Notebook } from "../editions/notebook";
import { declaredFunctions } from "../editions/declarations";
import type { CheckDefinition } from "../lib/checks";
import { checkCellIndexes, type ExerciseCell } from "./scoring-order";
import type { ContextCell } from "./helper-declarations";
import type { CheckRequest } from "./protocol";

export { declaredFunctions };

/**
 * Which lesson a submission belongs to: the student edition's metadata, else
 * an `NN-slug` in the file name, else the lesson whose graded functions it defines.
 */
export function identifyLesson(file: string, nb: Notebook, exerciseNames: Record<string, string[]>): string | null {
  const slugs = Object.keys(exerciseNames);
  const source = (nb.metadata.course as { source?: unknown } | undefined)?.source;
  if (typeof source === "string") {
    const m = /(\d\d-[a-z0-9-]+)\.ipynb$/.exec(source);
    if (m && slugs.includes(m[1] as string)) return m[1] as string;
  }
  const base = file.split(/[\\/]/).pop() ?? file;
  const byName = slugs.find((s) => base.includes(s));
  if (byName) return byName;
  const defined = new Set(nb.cells.filter((c) => c.cell_type === "code").flatMap((c) => declaredFunctions(cellText(c))));
  let best: string | null = null;
  let bestCount = 0;
  for (const [slug, names] of Object.entries(exerciseNames)) {
    const n = names.filter((x) => defined.has(x)).length;
    if (n > bestCount) [best, bestCount] = [slug, n];
  }
  return best;
}

/**
 * How the course kernel compiles a notebook's code cells, by notebook cell
 * index: the errors it reports for a cell ([] when it compiles). A cell with
 * errors is never run by the kernel. Null: not known (the compile could not be
 * had), and the worker then refuses only syntax errors.
 */
export type CompileVerdicts = Map<number, string[]> | null;

/** What the scoring worker is given of a notebook. */
export interface ScoringCells {
  /** Every code cell that declares a graded name, in notebook order, with the kernel's first error if it refuses it. */
  cells: ExerciseCell[];
  /** The other code cells the kernel compiles: where helpers called by the exercises are looked for. */
  context: ContextCell[];
}

/**
 * The code cells scoring runs: every cell that declares a graded function or
 * quiz answer (a name declared in several cells is defined by each in turn, as
 * the notebook runs them), and, as context, the other cells that compile.
 * Markdown cells never count.
 */
export function scoringCells(nb: Notebook, names: readonly string[], verdicts: CompileVerdicts): ScoringCells {
  const cells: ExerciseCell[] = [];
  const context: ContextCell[] = [];
  nb.cells.forEach((c, index) => {
    if (c.cell_type !== "code") return;
    const source = cellText(c);
    const errors = verdicts?.get(index) ?? [];
    const defines = declaredFunctions(source).filter((fn) => names.includes(fn));
    if (defines.length) cells.push({ index, source, defines: [...new Set(defines)], ...(errors.length ? { compileError: errors[0] as string } : {}) });
    else if (errors.length === 0) context.push({ index, source });
  });
  return { cells, context };
}

/** The graded names (functions, quiz answers) the checks call. */
export function gradedNames(defs: readonly CheckDefinition[]): string[] {
  return [...new Set(defs.map((d) => (d as { fnName?: string }).fnName ?? d.id.split(".")[1] ?? ""))];
}

/** The visible checks to compute, each where its check cell stands in the notebook (grading/scoring-order.ts), if it does. */
export function visibleCheckRequests(nb: Notebook, defs: readonly CheckDefinition[], hiddenIds: ReadonlySet<string> = new Set()): CheckRequest[] {
  const at = checkCellIndexes(nb.cells.map((c) => ({ cell_type: c.cell_type, source: c.cell_type === "code" ? cellText(c) : "" })), defs.map((d) => d.id));
  return defs.filter((d) => !hiddenIds.has(d.id)).map((d) => (at.has(d.id) ? { id: d.id, at: at.get(d.id) as number } : { id: d.id }));
}

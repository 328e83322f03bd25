/**
 * The order in which the scoring worker runs a submission: its exercise cells
 * and its checks, interleaved as the notebook runs them top to bottom. A check
 * whose check cell (`lab.check("ID", …)`) is in the notebook is computed where
 * that cell stands, with the definitions in force there, as the notebook's own
 * check was; a check with no check cell (deleted, or a hidden check) is
 * computed after every cell. So a function redefined below its check cell is
 * graded as the check cell saw it, and one defined only below it is not
 * defined for it, as in the kernel.
 *
 * Shared by the worker (grading/worker.ts), which runs the steps, and the
 * grader (grading/grade-notebook.ts), which times each step: both derive the
 * same order from the same request. No imports: the grader's side stays light.
 */

/** A code cell that declares one or more graded names (functions, quiz answers). */
export interface ExerciseCell {
  /** Index in the notebook's cells (0-based). */
  index: number;
  source: string;
  defines: string[];
  /**
   * The first error the course kernel reports when it compiles this cell
   * (tslab's `line:col - message`): the kernel does not run it, so it defines
   * nothing. Absent when it compiles, or when the kernel's verdict is unknown.
   */
  compileError?: string;
}

/** A check to compute, and where its check cell stands in the notebook, if it does. */
export interface OrderedCheck {
  id: string;
  /** Index of the notebook cell that runs this check; absent: after every cell. */
  at?: number;
}

/** One step of a scoring run. */
export type ScoringStep = { kind: "cell"; index: number } | { kind: "check"; id: string };

/**
 * The steps in notebook order: each cell, and each check just after the last
 * cell above its check cell; checks without a place (or placed below every
 * cell) come last, in the order given.
 */
export function scoringOrder(cells: readonly { index: number }[], checks: readonly OrderedCheck[]): ScoringStep[] {
  const steps: ScoringStep[] = [];
  const placed = checks.filter((c) => c.at !== undefined).sort((a, b) => (a.at as number) - (b.at as number));
  const unplaced = checks.filter((c) => c.at === undefined);
  let next = 0;
  for (const cell of [...cells].sort((a, b) => a.index - b.index)) {
    while (next < placed.length && (placed[next]?.at as number) < cell.index) steps.push({ kind: "check", id: (placed[next++] as OrderedCheck).id });
    steps.push({ kind: "cell", index: cell.index });
  }
  while (next < placed.length) steps.push({ kind: "check", id: (placed[next++] as OrderedCheck).id });
  for (const c of unplaced) steps.push({ kind: "check", id: c.id });
  return steps;
}

/**
 * Where each check's cell stands: the first code cell that calls
 * `check("ID", …)` (`lab.check`, as every lesson writes it) for one of `ids`.
 * Only a place: what the cell passes to the check is never used (the grader
 * always grades the lesson's graded name).
 */
export function checkCellIndexes(cells: readonly { cell_type: string; source: string }[], ids: readonly string[]): Map<string, number> {
  const wanted = new Set(ids);
  const at = new Map<string, number>();
  cells.forEach((c, index) => {
    if (c.cell_type !== "code") return;
    for (const m of c.source.matchAll(/\bcheck\(\s*(["'`])([\w.]+)\1/g)) {
      const id = m[2] as string;
      if (wanted.has(id) && !at.has(id)) at.set(id, index);
    }
  });
  return at;
}

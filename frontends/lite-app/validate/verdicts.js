// How the course kernel compiles each code cell of a saved notebook, as the
// grader's cell warmer tells scoring (grading/cell-warmer.ts,
// kernel/hooks/warm-server.js): each cell checked by tslab's own compiler (the
// browser's type checker, kernel/checker.js) against the declarations of the
// cells above it that compiled; a cell with errors is refused, defines nothing,
// and its checks say which cell and its first error. So "Check as the grader"
// refuses a cell with a type error exactly as `npm run grade` does.
import { CellChecker } from "../kernel/checker.js";

/** A cell's source as one string (nbformat allows a list of lines). */
const text = (/** @type {{ source?: string | string[] }} */ cell) => (Array.isArray(cell.source) ? cell.source.join("") : String(cell.source ?? ""));

/**
 * [notebook cell index, errors][] for every code cell in order (errors: tslab's
 * "line:col - message" lines; [] when it compiles), or null when the checker
 * cannot say (then, as the grader without its warmer, only syntax errors refuse
 * a cell). A fresh checker state: the student's open kernel is not consulted.
 * @param {{ cells: { cell_type: string, source?: string | string[] }[] }} notebook
 * @param {{ baseUrl: string, build: string, location: string }} options
 * @returns {Promise<[number, string[]][] | null>}
 */
export async function compileVerdicts(notebook, { baseUrl, build, location }) {
  const checker = new CellChecker({ baseUrl, build, location });
  /** @type {[number, string[]][]} */
  const verdicts = [];
  for (const [index, cell] of notebook.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    const verdict = await checker.check(text(cell));
    if (verdict.unchecked) return null;
    const errors = verdict.diagnostics.map((d) => d.text);
    verdicts.push([index, errors]);
    if (errors.length === 0) checker.ran(verdict);
  }
  return verdicts;
}

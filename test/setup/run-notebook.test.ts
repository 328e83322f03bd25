/**
 * kernel/run_notebook.py's --keep-going: after a failed cell the next cells
 * still run, as when a student runs them one by one (tslab would abort a cell
 * sent within 200 ms of the failure; the runner waits). Without it the cells
 * below a failure are "abort", as in Run All.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { writeNotebook, toSource } from "../../editions/notebook";
import { OUT, runNotebook, type NotebookRun } from "../helpers/notebooks";

const FILE = path.join(OUT, `keep-going-${process.pid}.ipynb`);

describe("run_notebook.py --keep-going", () => {
  let plain: NotebookRun;
  let going: NotebookRun;
  before(() => {
    fs.mkdirSync(OUT, { recursive: true });
    const cell = (id: string, code: string) => ({ cell_type: "code" as const, id, metadata: {}, execution_count: null, outputs: [], source: toSource(code) });
    writeNotebook(FILE, {
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
      cells: [{ cell_type: "markdown", id: "m", metadata: {}, source: toSource("# keep going") }, cell("a", 'throw new Error("the first cell fails");'), cell("b", 'console.log("the second cell ran");'), cell("c", "const x: number = 1 +;")],
    });
    plain = runNotebook(FILE, { cellTimeout: 60 });
    going = runNotebook(FILE, { cellTimeout: 60, keepGoing: true });
    fs.rmSync(FILE, { force: true });
  });

  it("without it, the cells below a failed cell are aborted", () => {
    assert.deepEqual(plain.cells.map((c) => c.status), ["markdown", "error", "abort", "abort"]);
  });

  it("with it, the good cell after the failed one is ok, and a later failure is its own error", () => {
    assert.deepEqual(going.cells.map((c) => c.status), ["markdown", "error", "ok", "error"]);
    assert.equal(going.cells[2]?.stdout, "the second cell ran\n");
  });
});

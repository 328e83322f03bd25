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
import { OUT, leakedTensors, runNotebook, type NotebookRun } from "../helpers/notebooks";
import { warmCellCache, withProbes } from "../../setup/jupyter";

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

describe("run_notebook.py --probe", () => {
  it("counts the notebook's own tensors, and the probe cells change nothing the notebook's cells are compiled against", () => {
    const file = path.join(OUT, `probe-${process.pid}.ipynb`);
    const cache = fs.mkdtempSync(path.join(OUT, "probe-cells-"));
    const sources = ['import * as tf from "@tensorflow/tfjs";\nconst kept = tf.tensor([1, 2]);', "const more = tf.tensor([3]);\nconst andMore = tf.tensor([4]);", "const total: number = more.size + andMore.size;\ntotal"];
    const saved = process.env.COURSE_CELL_CACHE_DIR;
    try {
      fs.mkdirSync(OUT, { recursive: true });
      writeNotebook(file, {
        nbformat: 4, nbformat_minor: 5,
        metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
        cells: sources.map((code, i) => ({ cell_type: "code" as const, id: `p${i}`, metadata: {}, execution_count: null, outputs: [], source: toSource(code) })),
      });
      // The notebook's cells compiled as npm test's warm compiles them (with the runner's probe cells), into a cache of
      // this test's own, which the kernel then uses.
      const warmed = warmCellCache([withProbes(sources)], cache);
      assert.equal(warmed?.written, 3 + 2);
      process.env.COURSE_CELL_CACHE_DIR = cache;
      const run = runNotebook(file, { cellTimeout: 60 });
      assert.deepEqual(run.cells.map((c) => c.status), ["ok", "ok", "ok"]);
      assert.equal(run.cells[2]?.stdout, "2\n");
      assert.equal(run.probes?.afterSetup?.numTensors, 1, "the setup cell's tensor, seen by the probe");
      assert.equal(leakedTensors(run), 2, "the two tensors made after the setup cell and never disposed");
      // The kernel found every cell it ran, the probes too, where the warm put them: it compiled nothing (a probe other
      // than withProbes's, or one that declared a name, changing what the cells after it are compiled against, would
      // have been compiled, and written).
      assert.equal(fs.readdirSync(cache).length, 3 + 2);
    } finally {
      if (saved === undefined) delete process.env.COURSE_CELL_CACHE_DIR;
      else process.env.COURSE_CELL_CACHE_DIR = saved;
      fs.rmSync(file, { force: true });
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});

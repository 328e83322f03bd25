/**
 * Issue 26: a notebook of many small cells must not lose requests or kill the
 * course kernel. Without kernel/tslab-send-queue.js, tslab's iopub socket threw
 * EBUSY after ~170 cells sent at once (Run All): the kernel stopped answering,
 * and with the wasm backend loaded it died (exit code 7). Both runs below use
 * a real tslab kernel through Jupyter, with the wasm backend loaded as the
 * course's setup cell does where tfjs-node is absent.
 *
 * The small cells repeat a few sources, so the kernel's cell cache compiles
 * each source once (2,000 distinct cells with their own declarations take
 * minutes to type-check); the kernel still receives, runs and answers every
 * request with its outputs, which is what broke.
 *
 * How many. Sent at once, RUN_ALL_CELLS (2,000): both failures need a burst
 * that large. EBUSY came after ~170 cells, but zeromq's default high-water mark
 * (1000 messages on each side of the iopub socket) dropped the outputs of ~150
 * cells only in a Run All of 2,000: a smaller burst would pass without
 * HIGH_WATER_MARK. Cell by cell (nbclient waits for each cell's answer)
 * nothing is ever queued, so CELL_BY_CELL_CELLS (500) only has to keep the
 * kernel answering well past those counts: 500 cells are ~2,000 iopub sends,
 * four times zeromq's 512 synchronous sends, through the same send queue.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { OUT, ROOT, problems, runNotebook } from "../helpers/notebooks";
import { writeNotebook, type Notebook } from "../../editions/notebook";

const RUN_ALL_CELLS = 2000;
const CELL_BY_CELL_CELLS = 500;

/** What a cell of the generated notebook shows: a line on stdout, or an HTML display. */
interface Expected {
  stdout: string;
  html: string[];
}

/** The notebook (a setup cell, then `cells` small cells) and what each code cell must show. */
function manyCells(cells: number): { nb: Notebook; expected: Expected[] } {
  const sources = ['import * as tslab from "tslab";\nimport * as tf from "@tensorflow/tfjs";\nimport "@tensorflow/tfjs-backend-wasm";\nawait tf.setBackend("wasm");\nlet counter = 0;'];
  const expected: Expected[] = [{ stdout: "", html: [] }];
  let counter = 0;
  for (let i = 1; i <= cells; i++) {
    if (i % 100 === 0) {
      sources.push('tslab.display.html("<b>" + counter + "</b>");');
      expected.push({ stdout: "", html: [`<b>${counter}</b>`] });
    } else if (i % 10 === 0) {
      sources.push('console.log("counter", counter);');
      expected.push({ stdout: `counter ${counter}\n`, html: [] });
    } else {
      sources.push("counter += 1;");
      counter += 1;
      // tslab prints the value of a cell's last expression.
      expected.push({ stdout: `${counter}\n`, html: [] });
    }
  }
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: sources.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  };
  return { nb, expected };
}

function writeManyCells(cells: number): { file: string; expected: Expected[] } {
  const { nb, expected } = manyCells(cells);
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `many-cells-${cells}-${process.pid}.ipynb`);
  writeNotebook(file, nb);
  return { file, expected };
}

/** The code cells whose outputs differ from what was expected (the first 5), as "index: got … expected …". */
function mismatches<T>(got: T[], want: T[]): string[] {
  const found: string[] = [];
  if (got.length !== want.length) found.push(`${got.length} code cells, expected ${want.length}`);
  for (let i = 0; i < want.length && found.length < 5; i++) {
    if (JSON.stringify(got[i]) !== JSON.stringify(want[i])) found.push(`${i}: got ${JSON.stringify(got[i])} expected ${JSON.stringify(want[i])}`);
  }
  return found;
}

interface QueuedRun {
  error: string | null;
  alive: boolean;
  exitCode: number | null;
  afterwards: string | null;
  cells: { index: number; status: string; stdout: string; stderr: string; displays: number }[];
}

describe("a notebook of many small cells", () => {
  it(`runs ${CELL_BY_CELL_CELLS} cells cell by cell (nbclient) with every cell ok, every output in its cell, and the kernel alive`, () => {
    const { file, expected } = writeManyCells(CELL_BY_CELL_CELLS);
    try {
      const run = runNotebook(file);
      assert.deepEqual(problems(run), []);
      const code = run.cells.filter((c) => c.type === "code");
      assert.equal(code.length, CELL_BY_CELL_CELLS + 1);
      assert.deepEqual(mismatches(code.map((c) => ({ stdout: c.stdout, html: c.html })), expected), []);
      assert.ok(run.probes?.atEnd, "the kernel still answered after the last cell (the end probe ran)");
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it(`runs ${RUN_ALL_CELLS} cells all sent at once (Run All): every request answered ok, outputs in their cells, the kernel alive`, () => {
    const { file, expected } = writeManyCells(RUN_ALL_CELLS);
    try {
      const python = process.env.COURSE_TEST_PYTHON ?? "/usr/bin/python3";
      const r = spawnSync(python, [path.join(ROOT, "test", "helpers", "run_all_queued.py"), file, "--timeout", "600"], { encoding: "utf8", timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
      const line = r.stdout.trim().split("\n").pop() ?? "";
      assert.ok(line.startsWith("{"), `run_all_queued.py printed no result (exit ${r.status}): ${r.stderr.slice(-2000)}`);
      const run = JSON.parse(line) as QueuedRun;
      assert.deepEqual({ error: run.error, alive: run.alive, afterwards: run.afterwards }, { error: null, alive: true, afterwards: "ok" });
      assert.deepEqual(run.cells.filter((c) => c.status !== "ok" || c.stderr).map((c) => `${c.index} ${c.status} ${c.stderr.slice(0, 200)}`), []);
      assert.deepEqual(mismatches(run.cells.map((c) => ({ stdout: c.stdout, displays: c.displays })), expected.map((e) => ({ stdout: e.stdout, displays: e.html.length }))), []);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

/**
 * The kernel picks up an instructor's edit to lib/ on restart: the launcher
 * recompiles before starting tslab. An edit with type errors still gives a
 * working kernel (tsc emits anyway) and the setup cell shows the errors.
 * Done in a copy of the course, so the real tree is untouched.
 *
 * One edit shows both: it changes a value the probe prints and adds a type
 * error, so the restarted kernel must print the new value (the edit was
 * compiled and used, despite the error) and its setup cell must show the error.
 * Each recompile of the course costs ~10 s of CPU; a second, clean edit would
 * show the same recompile on restart again (until 2026-12-07 it was a test of
 * its own).
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { OUT, ROOT, type NotebookRun } from "../helpers/notebooks";
import { copyCourse } from "../helpers/course-copy";

const COPY = path.join(OUT, "kernel-edit-course");
const python = process.env.COURSE_TEST_PYTHON ?? "/usr/bin/python3";
const LIB = path.join(COPY, "lib", "lessons", "01-logistic-regression.ts");

function probeNotebook(): string {
  const file = path.join(COPY, "notebooks", "00-edit-probe.ipynb");
  const cell = (src: string, i: number) => ({ cell_type: "code", id: `p${i}`, metadata: {}, execution_count: null, outputs: [], source: src });
  fs.writeFileSync(file, JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: [cell('import * as lab from "../build/lib/lessons/01-logistic-regression";\nawait lab.setup();', 0), cell("console.log(`slug=${lab.LESSON}`);", 1)],
  }));
  return file;
}

/** Runs the probe notebook with a kernel spec pointing at the copy's launcher (a fresh kernel each time, i.e. a restart). */
function runProbe(): NotebookRun {
  const spec = path.join(COPY, ".jupyter", "kernels", "tslab");
  fs.mkdirSync(spec, { recursive: true });
  fs.writeFileSync(path.join(spec, "kernel.json"), JSON.stringify({ argv: [process.execPath, path.join(COPY, "kernel", "kernel.js"), "{connection_file}"], display_name: "copy", language: "typescript" }));
  const out = path.join(OUT, `edit-probe-${Date.now()}.json`);
  // The launcher compiles the edited course before the kernel first answers: ~10 s of CPU, more than Jupyter's
  // default 60 s of waiting on a machine busy with the rest of the suite.
  spawnSync(python, [path.join(ROOT, "kernel", "run_notebook.py"), probeNotebook(), "--out", out, "--startup-timeout", "300"], {
    env: { ...process.env, JUPYTER_PATH: path.join(COPY, ".jupyter") },
    encoding: "utf8",
    timeout: 5 * 60_000,
  });
  const run = JSON.parse(fs.readFileSync(out, "utf8")) as NotebookRun;
  fs.unlinkSync(out);
  return run;
}

before(() => {
  // build/ too, with its .tsbuildinfo: the edit below is then compiled incrementally, as on an instructor's machine.
  copyCourse(COPY, ["package.json", "tsconfig.json", "lib", "setup", "kernel", "editions", "frontends", "bench", "tools", "test", "notebooks", "data", "oracle", "grading", "build"]);
  const build = spawnSync(process.execPath, [path.join(COPY, "kernel", "build-lib.js"), "--strict"], { cwd: COPY, encoding: "utf8" });
  assert.equal(build.status, 0, build.stderr);
});

describe("kernel restart after an instructor edits lib/", () => {
  it("the edit is compiled and used by the next kernel, even with a type error, and the setup cell shows the errors", () => {
    const first = runProbe();
    assert.equal(first.cells[0]?.status, "ok", `the kernel did not run the setup cell: ${first.error}`);
    assert.doesNotMatch(first.cells[0]?.stdout ?? "", /did not compile cleanly/, "the unedited library compiles cleanly");
    assert.match(first.cells[1]?.stdout ?? "", /slug=01-logistic-regression/);
    fs.writeFileSync(LIB, fs.readFileSync(LIB, "utf8").replace('export const LESSON = "01-logistic-regression";', 'export const LESSON = "edited-by-instructor";') + '\nexport const broken: number = "not a number";\n');
    const second = runProbe();
    assert.equal(second.cells[0]?.status, "ok", `the kernel did not start and run the setup cell: ${second.error}`);
    assert.match(second.cells[0]?.stdout ?? "", /did not compile cleanly/);
    assert.match(second.cells[0]?.stdout ?? "", /01-logistic-regression\.ts.*not assignable/s);
    assert.equal(second.cells[1]?.status, "ok", "the rest of the library still works");
    assert.match(second.cells[1]?.stdout ?? "", /slug=edited-by-instructor/);
  });
});

/**
 * The execution reports' cell warmer (grading/cell-warmer.ts): a sandboxed
 * server that compiles each submission's cells into a folder of that
 * submission's own before its kernel runs.
 *
 * - with fake servers: an answer gives the folder; a server that hangs, dies
 *   or answers nonsense gives null (the kernel then compiles for itself), is
 *   stopped, and the next warm starts a new one;
 * - in the real sandbox: a submission's folder holds every cell its kernel
 *   looks up; another submission's folder holds none of its own cells. (An
 *   execution report run with such a folder is a clean run: the solution's, in
 *   test/grading/grade.test.ts's class run, whose one job warms every notebook.)
 */
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CellWarmer } from "../../grading/cell-warmer";
import { prepareGrading, type GradingContext } from "../../grading/grading-context";
import { cellWarmerOf } from "../../grading/warming";
import { DEFAULT_GRADE_OPTIONS, type GradeOptions } from "../../grading/types";
import { studentEdition } from "../../editions/editions";
import { codeSources, readNotebook, type Notebook } from "../../editions/notebook";
import { ROOT } from "../helpers/notebooks";

const SLUG = "01-logistic-regression";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cell-warmer-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A CellWarmer over a fake server (`node -e script`); counts the servers it started. */
function fake(script: string, timeoutMs = 5_000): { warmer: CellWarmer; started: () => number } {
  let started = 0;
  const warmer = new CellWarmer(
    () => {
      started++;
      return spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "pipe"], detached: true });
    },
    tmp,
    tmp,
    timeoutMs,
  );
  return { warmer, started: () => started };
}

/** Answers every request line as the real server does, after making the folder it names. */
const ANSWERS = `require("readline").createInterface({ input: process.stdin }).on("line", (l) => {
  const q = JSON.parse(l); require("fs").mkdirSync(q.dir, { recursive: true });
  console.log(JSON.stringify({ compiled: q.cells.length, cached: 0, written: q.cells.length, programs: 0, errors: q.cells.map((c) => (c === "bad" ? ["1:1 - bad"] : [])) }));
});`;

describe("the cell warmer's protocol", () => {
  it("an answer gives the submission's folder, which release() removes; one server serves many", async () => {
    const { warmer, started } = fake(ANSWERS);
    try {
      const first = await warmer.warm(["1", "bad"], "one");
      const one = first.dir as string;
      assert.equal(one, path.join(tmp, "one"));
      assert.ok(fs.existsSync(one));
      assert.deepEqual(first.errors, [[], ["1:1 - bad"]], "each cell's compile verdict, in order");
      const two = (await warmer.warm(["2"], "two")).dir;
      assert.equal(two, path.join(tmp, "two"));
      assert.equal(started(), 1);
      warmer.release(one);
      assert.ok(!fs.existsSync(one));
    } finally {
      warmer.stop();
    }
  });

  for (const [what, script, problem] of [
    ["hangs", "setInterval(() => undefined, 1000);", /took over 1 s/],
    ["dies", "process.exit(3);", /stopped/],
    ["answers nonsense", `require("readline").createInterface({ input: process.stdin }).on("line", () => console.log("not json"));`, /not JSON/],
    ["answers an error", `require("readline").createInterface({ input: process.stdin }).on("line", () => console.log(JSON.stringify({ error: "bad" })));`, /bad/],
    ["answers without a verdict for each cell", `require("readline").createInterface({ input: process.stdin }).on("line", (l) => { require("fs").mkdirSync(JSON.parse(l).dir, { recursive: true }); console.log(JSON.stringify({ compiled: 1, cached: 0, written: 1, programs: 0, errors: [] })); });`, /no compile verdict/],
  ] as const) {
    it(`a server that ${what} gives null and a reason, and the next warm is answered`, async () => {
      const { warmer, started } = fake(script, 1_000);
      try {
        const t0 = Date.now();
        const failed = await warmer.warm(["1"], `bad-${started()}`);
        assert.deepEqual(failed, { dir: null, errors: null, problem: warmer.lastProblem });
        assert.match(warmer.lastProblem, problem);
        assert.ok(Date.now() - t0 < 10_000, "within its time limit");
        assert.equal((await warmer.warm(["1"], "again")).dir, null, "the same fake server again");
        assert.ok(!fs.existsSync(path.join(tmp, "again")), "a failed warm leaves no folder");
        if (what === "hangs" || what === "dies") assert.equal(started(), 2, "a hung or dead server is replaced");
      } finally {
        warmer.stop();
      }
    });
  }
});

describe("the cell warmer gives up", () => {
  it(`after ${3} failures in a row: the next warms return null at once, and start no server`, async () => {
    const { warmer, started } = fake("process.exit(3);", 1_000);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await warmer.warm(["1"], `x${i}`)).dir, null);
      assert.equal(started(), 3);
      const t0 = Date.now();
      assert.equal((await warmer.warm(["1"], "x3")).dir, null);
      assert.match(warmer.lastProblem, /off for this run/);
      assert.equal(started(), 3);
      assert.ok(Date.now() - t0 < 1_000);
    } finally {
      warmer.stop();
    }
  });

  it("a server that cannot start gives null, and no exception", async () => {
    const warmer = new CellWarmer(() => spawn(path.join(tmp, "no-such-program"), [], { stdio: ["pipe", "pipe", "pipe"] }), tmp, tmp, 5_000);
    assert.equal((await warmer.warm(["1"], "nostart")).dir, null);
    assert.match(warmer.lastProblem, /stopped/);
    warmer.stop();
  });
});

describe("the cell warmer in the sandbox", () => {
  let ctx: GradingContext | null = null;
  after(() => ctx?.close());
  const opts: GradeOptions = { ...DEFAULT_GRADE_OPTIONS, cellTimeout: 120 };
  const source = (): Notebook => readNotebook(path.join(ROOT, "notebooks", `${SLUG}.ipynb`));

  it("fills a submission's own folder with every cell its kernel looks up; another submission's folder has none of its cells", async () => {
    ctx = prepareGrading();
    const warmer = cellWarmerOf(ctx, opts);
    assert.ok(warmer, "a grading context has a warmer");
    const right = source();
    const unfinished = studentEdition(source(), `notebooks/${SLUG}.ipynb`);
    const rightWarm = await warmer.warm(codeSources(right), "right");
    const rightDir = rightWarm.dir as string;
    assert.ok(rightDir, warmer.lastProblem);
    assert.deepEqual(rightWarm.errors, codeSources(right).map(() => []), "the lesson as written compiles, cell by cell");
    const unfinishedDir = (await warmer.warm(codeSources(unfinished), "unfinished")).dir as string;
    assert.ok(unfinishedDir, warmer.lastProblem);
    const files = (d: string): string[] => fs.readdirSync(d);
    // Every code cell of the lesson is cacheable (imports lead into ../build/lib only).
    assert.equal(files(rightDir).length, codeSources(right).length);
    const own = files(rightDir).filter((f) => !files(unfinishedDir).includes(f));
    assert.ok(own.length >= 6, `the right submission's exercise cells, and the cells whose declarations differ after them: ${own.length}`);
    assert.ok(fs.readdirSync(ctx.cellCacheDir).every((f) => !own.includes(f)), "not in the student editions' cache either: they are the solutions, compiled");
    warmer.release(rightDir);
    warmer.release(unfinishedDir);
    assert.ok(!fs.existsSync(rightDir));
  });
});

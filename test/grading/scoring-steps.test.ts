/**
 * The step machine and restart loop of scoring (grading/scoring-steps.ts),
 * shared by the grader and the browser's check, on scripted worker messages:
 * which limit is armed at each message, which outcomes are recorded, where a
 * stopped run takes the blame, and what the next run is given.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ScoringLoop, type Limit, type RunEnd, type ScoringRun } from "../../grading/scoring-steps";
import type { ExerciseCell, OrderedCheck } from "../../grading/scoring-order";

const LIMITS = { cellTimeout: 10, checkTimeout: 2 };
const CELLS: ExerciseCell[] = [{ index: 1, source: "f", defines: ["f"] }, { index: 3, source: "g", defines: ["g"] }];
// In notebook order: cell 1, check a, cell 3, check b.
const CHECKS: OrderedCheck[] = [{ id: "a", at: 2 }, { id: "b", at: 4 }];

const START: Limit = { seconds: 70, why: "did not start within the time limit" };
const CELL: Limit = { seconds: 10, why: "did not finish within 10 s" };
const BETWEEN: Limit = { seconds: 2, why: "stopped between checks" };
const CHECK: Limit = { seconds: 2, why: "did not finish within 2 s (an infinite loop?)" };

interface Played {
  run: ScoringRun<OrderedCheck>;
  /** What each message asked to arm (null: keep the armed limit). */
  armed: (Limit | null)[];
  end: RunEnd;
}

/**
 * Plays one run: its messages, then its end as a caller sees it: "done" ends
 * it cleanly, else the limit armed last expires (a timeout).
 */
function play(loop: ScoringLoop<OrderedCheck>, messages: unknown[]): Played {
  const run = loop.nextRun();
  assert.ok(run, "a run was expected");
  const armed: (Limit | null)[] = [];
  let last = run.machine.start();
  assert.deepEqual(last, START);
  for (const m of messages) {
    const limit = run.machine.message(m);
    armed.push(limit);
    if (limit) last = limit;
  }
  const end: RunEnd = run.machine.done ? { reason: "", stop: "exit" } : { reason: last.why, stop: "timeout" };
  loop.end(run, end);
  return { run, armed, end };
}

const CLEAN = [
  { type: "ready" }, { type: "cell", index: 1, ok: true }, { type: "start", id: "a" }, { type: "outputs", id: "a", outputs: [1] },
  { type: "cell", index: 3, ok: true }, { type: "start", id: "b" }, { type: "missing", id: "b", message: "g is not defined" }, { type: "done" },
];

describe("the scoring step machine", () => {
  it("a clean run arms each step's limit in order and records each check's report", () => {
    const loop = new ScoringLoop(CHECKS, CELLS, LIMITS);
    const { run, armed } = play(loop, CLEAN);
    assert.deepEqual(run.machine.steps, [{ kind: "cell", index: 1 }, { kind: "check", id: "a" }, { kind: "cell", index: 3 }, { kind: "check", id: "b" }]);
    assert.deepEqual(armed, [CELL, BETWEEN, CHECK, CELL, BETWEEN, CHECK, BETWEEN, null]);
    assert.deepEqual(Object.fromEntries(loop.outcomes), { a: { kind: "outputs", outputs: [1] }, b: { kind: "missing", message: "g is not defined" } });
    assert.equal(loop.nextRun(), null);
    assert.deepEqual([loop.problems, loop.failed, loop.cells], [[], [], CELLS]);
  });

  it("a check that never reports: its check limit runs out, it is stopped, and the next run has the other checks only", () => {
    const loop = new ScoringLoop(CHECKS, CELLS, LIMITS);
    const first = play(loop, [{ type: "ready" }, { type: "cell", index: 1, ok: true }, { type: "start", id: "a" }]);
    assert.deepEqual(first.armed.at(-1), CHECK);
    assert.deepEqual(first.run.machine.stoppedIn, { kind: "check", id: "a" });
    assert.deepEqual(loop.outcomes.get("a"), { kind: "stopped", message: "a did not finish within 2 s (an infinite loop?)", stop: "timeout" });
    const second = play(loop, [{ type: "ready" }, { type: "cell", index: 1, ok: true }, { type: "cell", index: 3, ok: true }, { type: "start", id: "b" }, { type: "outputs", id: "b", outputs: [] }, { type: "done" }]);
    assert.deepEqual(second.run.checks.map((c) => c.id), ["b"]);
    assert.deepEqual(second.run.cells, CELLS);
    assert.deepEqual(loop.outcomes.get("b"), { kind: "outputs", outputs: [] });
    assert.equal(loop.nextRun(), null);
    assert.deepEqual(loop.problems, []);
  });

  it("a hang in a cell: the cell takes the blame, its names are failed, and the next run goes on without it", () => {
    const loop = new ScoringLoop(CHECKS, CELLS, LIMITS);
    const first = play(loop, [{ type: "ready" }]);
    assert.deepEqual(first.run.machine.stoppedIn, { kind: "cell", index: 1 });
    assert.deepEqual(first.end, { reason: CELL.why, stop: "timeout" });
    assert.deepEqual(loop.failed, [{ index: 1, defines: ["f"], message: CELL.why }]);
    assert.deepEqual(loop.problems, ["cell 2 did not finish within 10 s while being loaded for grading; its functions score 0"]);
    assert.equal(loop.outcomes.size, 0);
    const second = play(loop, [{ type: "ready" }, { type: "start", id: "a" }, { type: "missing", id: "a", message: "f is not defined" }, { type: "cell", index: 3, ok: true }, { type: "start", id: "b" }, { type: "outputs", id: "b", outputs: [2] }, { type: "done" }]);
    assert.deepEqual(second.run.cells, [CELLS[1]]);
    assert.deepEqual(second.run.failed, [{ index: 1, defines: ["f"], message: CELL.why }]);
    assert.deepEqual(second.run.machine.steps, [{ kind: "check", id: "a" }, { kind: "cell", index: 3 }, { kind: "check", id: "b" }]);
    assert.deepEqual(second.armed, [BETWEEN, CHECK, CELL, BETWEEN, CHECK, BETWEEN, null]);
    assert.deepEqual(Object.fromEntries(loop.outcomes), { a: { kind: "missing", message: "f is not defined" }, b: { kind: "outputs", outputs: [2] } });
    assert.deepEqual(loop.cells, [CELLS[1]]);
  });

  it("every hanging cell is blamed in turn, however many, and the check after them is still graded", () => {
    // Five cells that hang and one good cell defining the checked function: six runs, the last one clean.
    const cells: ExerciseCell[] = [0, 1, 2, 3, 4, 5].map((i) => ({ index: i, source: `c${i}`, defines: [`c${i}`] }));
    const loop = new ScoringLoop<OrderedCheck>([{ id: "a", at: 6 }], cells, LIMITS);
    for (let i = 0; i < 5; i++) play(loop, [{ type: "ready" }]);
    assert.deepEqual(loop.failed.map((f) => f.index), [0, 1, 2, 3, 4]);
    play(loop, [{ type: "ready" }, { type: "cell", index: 5, ok: true }, { type: "start", id: "a" }, { type: "outputs", id: "a", outputs: [1] }, { type: "done" }]);
    assert.deepEqual(Object.fromEntries(loop.outcomes), { a: { kind: "outputs", outputs: [1] } });
    assert.equal(loop.nextRun(), null);
  });

  it("a forged second report of a check, or a forged start of it, changes nothing", () => {
    const loop = new ScoringLoop(CHECKS, CELLS, LIMITS);
    const { run, armed } = play(loop, [
      { type: "ready" }, { type: "cell", index: 1, ok: true }, { type: "start", id: "a" }, { type: "outputs", id: "a", outputs: [1] },
      { type: "outputs", id: "a", outputs: [100] }, { type: "missing", id: "a", message: "forged" }, { type: "start", id: "a" },
    ]);
    assert.deepEqual(armed.slice(3), [CELL, null, null, null]);
    assert.deepEqual(loop.outcomes.get("a"), { kind: "outputs", outputs: [1] });
    // The run stopped in cell 3 (the forged start did not move the blame onto check a).
    assert.deepEqual(run.machine.stoppedIn, { kind: "cell", index: 3 });
    assert.deepEqual(loop.failed.map((f) => f.index), [3]);
  });

  it("\"done\" before every check reported ends the loop: the rest have no outcome and no run follows", () => {
    const loop = new ScoringLoop(CHECKS, CELLS, LIMITS);
    const { end } = play(loop, [{ type: "ready" }, { type: "cell", index: 1, ok: true }, { type: "start", id: "a" }, { type: "outputs", id: "a", outputs: [] }, { type: "done" }]);
    assert.deepEqual(end, { reason: "", stop: "exit" });
    assert.equal(loop.nextRun(), null);
    assert.deepEqual([...loop.outcomes.keys()], ["a"]);
    assert.deepEqual([loop.problems, loop.failed], [[], []]);
  });

  it("messages before \"ready\" move no step; a stop before it blames nothing and is the grader's own problem", () => {
    const loop = new ScoringLoop(CHECKS, CELLS, LIMITS);
    const run = loop.nextRun();
    assert.ok(run);
    const m = run.machine;
    assert.deepEqual([m.message({ type: "cell", index: 1, ok: true }), m.message("ready"), m.message(null), m.message({ type: "cell", index: 3 })], [null, null, null, null]);
    assert.deepEqual([m.started, m.stoppedIn], [false, null]);
    loop.end(run, { reason: START.why, stop: "timeout" });
    assert.deepEqual(loop.problems, ["the grading process did not start: did not start within the time limit"]);
    assert.deepEqual([loop.failed, loop.outcomes.size, loop.nextRun()], [[], 0, null]);
  });

  it("after \"ready\" a second \"ready\" is ignored, and the first cell still has the cell limit", () => {
    const loop = new ScoringLoop(CHECKS, CELLS, LIMITS);
    const { run, armed } = play(loop, [{ type: "cell", index: 1, ok: true }, { type: "ready" }, { type: "ready" }]);
    assert.deepEqual(armed, [null, CELL, null]);
    assert.deepEqual(run.machine.stoppedIn, { kind: "cell", index: 1 });
    assert.deepEqual(loop.failed.map((f) => f.index), [1]);
  });

  it("a run that stops between checks after \"ready\" ends the loop without blame or problem", () => {
    const loop = new ScoringLoop(CHECKS, CELLS, LIMITS);
    play(loop, [{ type: "ready" }, { type: "cell", index: 1, ok: true }]);
    assert.deepEqual([loop.problems, loop.failed, loop.outcomes.size, loop.nextRun()], [[], [], 0, null]);
  });
});

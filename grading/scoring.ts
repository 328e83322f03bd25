/**
 * Scoring one submission: a worker in the sandbox (grading/worker.ts) runs its
 * exercise cells and computes what the graded functions return for the
 * checks' inputs, in the order the notebook runs them
 * (grading/scoring-order.ts); it never sees an expected value. The grader
 * times each cell and check, restarts the worker after a hang, a crash or too
 * much output (blaming the cell or check it was in), and judges the outputs
 * here, outside (grading/judge.ts). Hidden checks run in a sandbox of their
 * own and are reported as pass/fail only.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import { cellText } from "../setup/notebook";
import { scoringCells, type CompileVerdicts, type ExerciseCell, type ScoringCells, type Submission } from "./submission";
import { checkCellIndexes, scoringOrder, type ScoringStep } from "./scoring-order";
import { lessonChecks, readHiddenChecks } from "./check-catalogue";
import type { CheckRequest, GradeRequest, WorkerMessage } from "./protocol";
import { workerCodeCacheFile } from "./worker-process";
import { judgeCheck, type CheckOutcome } from "./judge";
import { withoutExpected } from "./inputs";
import { killTree, spawnSandboxed, type SandboxHandle } from "./sandbox";
import { type SandboxSpec } from "./sandbox-command";
import { LineReader } from "./line-reader";
import { DISK_MB, PROCESSES, sandboxEnv, type GradingContext } from "./grading-context";
import type { CheckGrade, GradeOptions, StopKind } from "./types";

type StopPoint = ScoringStep | null;

/** The scoring worker's process (it loads worker.ts through the code cache). */
const WORKER = path.join(__dirname, "worker-process.js");
const MB = 1024 * 1024;
/** Most a scoring worker may print in all (its outputs are a few kB to a few MB). */
const WORKER_OUTPUT_LIMIT = 64 * MB;
/** Longest line of worker output read as a message (a check's outputs); longer lines are the submission's printing. */
const WORKER_MESSAGE_LIMIT = 16 * MB;


/** Worker flags (and NODE_OPTIONS) whose code cache this process has written or found. */
const warmedWorkerFlags = new Set<string>();

/**
 * Writes V8's code cache of TypeScript's compiler and TensorFlow.js for
 * workers started with `flags` and `nodeOptions` in NODE_OPTIONS
 * (worker-process.ts), outside the sandbox, when it is missing: every
 * sandboxed worker then reads it. ~0.5 s once; never fatal (workers only
 * start slower without it).
 */
function warmWorkerCodeCache(flags: string[], nodeOptions: string): void {
  const key = `${flags.join(" ")}\0${nodeOptions}`;
  if (warmedWorkerFlags.has(key)) return;
  warmedWorkerFlags.add(key);
  if (fs.existsSync(workerCodeCacheFile(flags, nodeOptions))) return;
  spawnSync(process.execPath, [...flags, WORKER, "--warm-code-cache"], { stdio: "ignore", timeout: 60_000, env: { ...process.env, NODE_OPTIONS: nodeOptions } });
}

/** Starts one scoring worker: in the sandbox, or (--unsafe-no-sandbox) as a plain child process. */
function startWorker(opts: GradeOptions, ctx: GradingContext): ChildProcess & { sandbox?: SandboxHandle } {
  const flags = [`--max-old-space-size=${opts.memoryMb}`];
  const node = [process.execPath, ...flags, WORKER];
  // A sandboxed worker's environment has no NODE_OPTIONS (sandboxEnv); an unsandboxed one inherits the grader's.
  warmWorkerCodeCache(flags, opts.unsafeNoSandbox ? process.env.NODE_OPTIONS ?? "" : "");
  if (opts.unsafeNoSandbox) {
    return spawn(node[0] as string, node.slice(1), {
      stdio: ["pipe", "pipe", "pipe"], detached: true,
      env: { ...process.env, COURSE_DATA_DIR: ctx.inputsDir, COURSE_TF_BACKEND: process.env.COURSE_TF_BACKEND ?? "" },
    });
  }
  const spec: SandboxSpec = { root: ROOT, dataDir: ctx.inputsDir, env: sandboxEnv(), cwd: "/tmp", limits: { memoryMb: opts.memoryMb, processes: PROCESSES, diskMb: DISK_MB } };
  return spawnSandboxed(node, spec);
}

/**
 * Runs the worker on these checks until each has an outcome, restarting it
 * after a hang, an exit, a crash or too much output (the cell or check it was
 * in then gets the blame). Cell problems go to `sub.problems` when `reportCells`.
 */
async function computeOutcomes(sub: Submission, given: ScoringCells & { compileChecked: boolean }, reqs: CheckRequest[], opts: GradeOptions, ctx: GradingContext, reportCells: boolean): Promise<{ outcomes: Map<string, CheckOutcome>; cells: ExerciseCell[] }> {
  const outcomes = new Map<string, CheckOutcome>();
  const wanted = new Set(reqs.map((r) => r.id));
  let remaining = reqs.map((r) => r.id);
  let cells = given.cells;
  const failed: { index: number; defines: string[]; message: string }[] = [];

  for (let attempt = 0; remaining.length > 0 && attempt < reqs.length + cells.length + 2; attempt++) {
    const checks = reqs.filter((r) => remaining.includes(r.id));
    // The order the worker runs cells and checks in (grading/scoring-order.ts): each step has its own limit.
    const steps = scoringOrder(cells, checks);
    const outcome = await new Promise<{ stoppedIn: StopPoint; reason: string; stop: StopKind; started?: boolean }>((resolve) => {
      const child = startWorker(opts, ctx);
      let stderr = "";
      let printed = 0;
      const lines = new LineReader(WORKER_MESSAGE_LIMIT);
      let next = 0; // the step the worker is in, or about to start
      // Nothing of the submission runs before "ready": a stop then is the grader's own problem.
      let current: StopPoint = null;
      let timer: NodeJS.Timeout | null = null;
      let finished = false;
      let ready = false;
      let reason = "";
      let kind: StopKind = "exit";
      const stop = (why: string, what: StopKind): void => {
        if (!reason) [reason, kind] = [why, what];
        killTree(child);
      };
      const arm = (seconds: number, why: string): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => stop(why, "timeout"), seconds * 1000);
      };
      const cellLimit = `did not finish within ${opts.cellTimeout} s`;
      // The next step starts: a cell has the cell limit; between a check's outputs and the next check, the check limit.
      const enter = (): void => {
        const step = steps[next];
        current = step?.kind === "cell" ? step : null;
        if (step?.kind === "cell") arm(opts.cellTimeout, cellLimit);
        else arm(opts.checkTimeout, "stopped between checks");
      };
      // Starting the sandbox and loading tfjs and the lesson take a few seconds; then each step has its limit.
      arm(opts.cellTimeout + 60, "did not start within the time limit");
      const stepOf = (match: (s: ScoringStep) => boolean): number => steps.findIndex((s, i) => i >= next && match(s));
      const onMessage = (m: WorkerMessage): void => {
        if (m.type === "ready" && !ready) {
          ready = true;
          enter();
        } else if (m.type === "cell" && ready) {
          const at = stepOf((s) => s.kind === "cell" && s.index === m.index);
          if (at < 0) return;
          next = at + 1;
          enter();
        } else if (m.type === "start" && remaining.includes(m.id)) {
          const at = stepOf((s) => s.kind === "check" && s.id === m.id);
          if (at >= 0) next = at;
          current = { kind: "check", id: m.id };
          arm(opts.checkTimeout, `did not finish within ${opts.checkTimeout} s (an infinite loop?)`);
        } else if ((m.type === "outputs" || m.type === "missing") && remaining.includes(m.id)) {
          // The first report for a check counts; anything the submission forges is at most other outputs.
          outcomes.set(m.id, m.type === "outputs"
            ? { kind: "outputs", outputs: Array.isArray(m.outputs) ? m.outputs : [] }
            : { kind: "missing", message: String(m.message).slice(0, 2000) });
          remaining = remaining.filter((id) => id !== m.id);
          const at = stepOf((s) => s.kind === "check" && s.id === m.id);
          if (at >= 0) next = at + 1;
          enter();
        } else if (m.type === "done") {
          finished = true;
        }
      };
      child.stdout?.on("data", (d: Buffer) => {
        printed += d.length;
        if (printed > WORKER_OUTPUT_LIMIT) return stop(`printed more than ${WORKER_OUTPUT_LIMIT / MB} MB`, "output");
        for (const text of lines.push(d)) {
          let m: unknown;
          try {
            m = JSON.parse(text);
          } catch {
            continue; // something the submission printed
          }
          if (typeof m === "object" && m !== null && typeof (m as { type?: unknown }).type === "string") onMessage(m as WorkerMessage);
        }
      });
      child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child.stdin?.on("error", () => undefined); // the worker may die before reading its request
      child.on("exit", () => killTree(child)); // whatever it left behind (an unsandboxed run's children, a dying namespace)
      child.on("close", (code, signal) => {
        if (timer) clearTimeout(timer);
        if (finished && code === 0 && !reason) return resolve({ stoppedIn: null, reason: "", stop: "exit" });
        if (!reason) {
          // The sandbox's budget (its cgroup's record), else a process's own limit (V8's heap, RLIMIT_DATA: said on stderr only).
          const oom = child.sandbox?.outOfMemory() || /out of memory|Allocation failed|ENOMEM/i.test(stderr);
          [reason, kind] = oom ? ["ran out of memory", "out-of-memory"] : [`stopped the grading process (exit ${code ?? signal})`, "exit"];
        }
        resolve({ stoppedIn: current, reason, stop: kind, started: ready });
      });
      const req: GradeRequest = { lesson: sub.lesson as string, cells, context: given.context, compileChecked: given.compileChecked, checks, failed };
      child.stdin?.end(JSON.stringify(req));
    });
    if (!outcome.stoppedIn) {
      if (outcome.reason && !outcome.started && reportCells) sub.problems = [...(sub.problems ?? []), `the grading process did not start: ${outcome.reason}`];
      break;
    }
    if (outcome.stoppedIn.kind === "check") {
      const id = outcome.stoppedIn.id;
      outcomes.set(id, { kind: "stopped", message: `${id} ${outcome.reason}`, stop: outcome.stop });
      remaining = remaining.filter((x) => x !== id);
    } else {
      // The cell itself hung or killed the process: grade without it (its functions are then undefined).
      const bad = outcome.stoppedIn.index;
      failed.push({ index: bad, defines: cells.find((c) => c.index === bad)?.defines ?? [], message: outcome.reason });
      cells = cells.filter((c) => c.index !== bad);
      if (reportCells) sub.problems = [...(sub.problems ?? []), `cell ${bad + 1} ${outcome.reason} while being loaded for grading; its functions score 0`];
    }
  }
  for (const id of outcomes.keys()) if (!wanted.has(id)) outcomes.delete(id);
  return { outcomes, cells };
}

/** Scores one submission: outputs computed in the sandbox, judged here against the expected values. */
export async function scoreSubmission(sub: Submission, opts: GradeOptions, ctx: GradingContext, verdicts: CompileVerdicts = null): Promise<CheckGrade[]> {
  const lesson = sub.lesson as string;
  const nb = sub.notebook as NonNullable<Submission["notebook"]>;
  const defs = lessonChecks(lesson, opts.hiddenDir);
  const hidden = readHiddenChecks(lesson, opts.hiddenDir);
  // A visible check is computed where its check cell stands, as in the notebook (grading/scoring-order.ts).
  const at = checkCellIndexes(nb.cells.map((c) => ({ cell_type: c.cell_type, source: c.cell_type === "code" ? cellText(c) : "" })), defs.map((d) => d.id));
  const visibleReqs: CheckRequest[] = defs.filter((d) => !(d.id in hidden)).map((d) => (at.has(d.id) ? { id: d.id, at: at.get(d.id) as number } : { id: d.id }));
  const hiddenReqs: CheckRequest[] = Object.entries(hidden).map(([id, h]) => ({ id, hidden: { fn: h.fn, points: h.points, stored: withoutExpected(h) } }));
  const names = [...new Set(defs.map((d) => (d as { fnName?: string }).fnName ?? d.id.split(".")[1] ?? ""))];
  const given = { ...scoringCells(nb, names, verdicts), compileChecked: verdicts !== null };
  const visible = await computeOutcomes(sub, given, visibleReqs, opts, ctx, true);
  const outcomes = visible.outcomes;
  // Hidden cases go to a sandbox of their own: the visible run, whose messages are shown, never sees them.
  // It starts without the cells that already hung or crashed.
  if (hiddenReqs.length) for (const [id, o] of (await computeOutcomes(sub, { ...given, cells: visible.cells }, hiddenReqs, opts, ctx, false)).outcomes) outcomes.set(id, o);
  const grades: CheckGrade[] = [];
  for (const def of defs) {
    const outcome = outcomes.get(def.id);
    const r = await judgeCheck(def, outcome, ctx.quizKeys[lesson]?.[def.id]);
    // The status as data: the worker's outcome where the grader's own, the judged check's otherwise.
    const status: CheckGrade["status"] = !outcome ? "not-graded" : outcome.kind === "stopped" ? "stopped" : outcome.kind === "missing" ? "missing" : r.status;
    const stop = outcome?.kind === "stopped" ? { stop: outcome.stop } : {};
    if (def.id in hidden) {
      grades.push({ id: r.id, points: r.points, maxPoints: r.maxPoints, passed: r.passed, status, ...stop, hidden: true, message: r.passed ? "hidden check passed" : "hidden check failed (its cases are not shown)" });
      continue;
    }
    const firstFailure = r.cases.find((c) => !c.passed && !c.recorded && c.message);
    const message = r.status === "not-completed" ? "not completed yet" : firstFailure ? `${r.message}; first: ${firstFailure.name}: ${firstFailure.message}` : r.message;
    grades.push({ id: r.id, points: r.points, maxPoints: r.maxPoints, passed: r.passed, status, ...stop, message, ...(r.cases.length ? { cases: r.cases } : {}) });
  }
  return grades;
}

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
import { type CompileVerdicts, type ExerciseCell, type ScoringCells, type Submission } from "./submission";
import { gradedNames, scoringCells, visibleCheckRequests } from "./scoring-plan";
import { checkGrade } from "./check-grade";
import { ScoringLoop, type Limit, type RunEnd } from "./scoring-steps";
import { lessonChecks, readHiddenChecks } from "./check-catalogue";
import type { CheckRequest, GradeRequest } from "./protocol";
import { workerCodeCacheFile } from "./worker-process";
import { judgeCheck, type CheckOutcome } from "./judge";
import { withoutExpected } from "./inputs";
import { killTree, spawnSandboxed, type SandboxHandle } from "./sandbox";
import { type SandboxSpec } from "./sandbox-command";
import { LineReader } from "./line-reader";
import { DISK_MB, PROCESSES, sandboxEnv, type GradingContext } from "./grading-context";
import type { CheckGrade, GradeOptions, StopKind } from "./types";
import type { HiddenCheck } from "./check-catalogue";

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
 * in then gets the blame: grading/scoring-steps.ts, shared with the browser's
 * check). Cell problems go to `sub.problems` when `reportCells`.
 */
async function computeOutcomes(sub: Submission, given: ScoringCells & { compileChecked: boolean }, reqs: CheckRequest[], opts: GradeOptions, ctx: GradingContext, reportCells: boolean): Promise<{ outcomes: Map<string, CheckOutcome>; cells: ExerciseCell[] }> {
  const wanted = new Set(reqs.map((r) => r.id));
  const loop = new ScoringLoop(reqs, given.cells, opts);
  for (let run = loop.nextRun(); run; run = loop.nextRun()) {
    const { machine, cells, checks, failed } = run;
    const end = await new Promise<RunEnd>((resolve) => {
      const child = startWorker(opts, ctx);
      let stderr = "";
      let printed = 0;
      const lines = new LineReader(WORKER_MESSAGE_LIMIT);
      let timer: NodeJS.Timeout | null = null;
      let reason = "";
      let kind: StopKind = "exit";
      const stop = (why: string, what: StopKind): void => {
        if (!reason) [reason, kind] = [why, what];
        killTree(child);
      };
      const arm = (limit: Limit | null): void => {
        if (!limit) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => stop(limit.why, "timeout"), limit.seconds * 1000);
      };
      arm(machine.start());
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
          arm(machine.message(m));
        }
      });
      child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child.stdin?.on("error", () => undefined); // the worker may die before reading its request
      child.on("exit", () => killTree(child)); // whatever it left behind (an unsandboxed run's children, a dying namespace)
      child.on("close", (code, signal) => {
        if (timer) clearTimeout(timer);
        if (machine.done && code === 0 && !reason) return resolve({ reason: "", stop: "exit" });
        if (!reason) {
          // The sandbox's budget (its cgroup's record), else a process's own limit (V8's heap, RLIMIT_DATA: said on stderr only).
          const oom = child.sandbox?.outOfMemory() || /out of memory|Allocation failed|ENOMEM/i.test(stderr);
          [reason, kind] = oom ? ["ran out of memory", "out-of-memory"] : [`stopped the grading process (exit ${code ?? signal})`, "exit"];
        }
        resolve({ reason, stop: kind });
      });
      const req: GradeRequest = { lesson: sub.lesson as string, cells, context: given.context, compileChecked: given.compileChecked, checks, failed };
      child.stdin?.end(JSON.stringify(req));
    });
    loop.end(run, end);
  }
  if (reportCells && loop.problems.length) sub.problems = [...(sub.problems ?? []), ...loop.problems];
  const outcomes = loop.outcomes;
  for (const id of outcomes.keys()) if (!wanted.has(id)) outcomes.delete(id);
  return { outcomes, cells: loop.cells };
}

/** Scores one submission: outputs computed in the sandbox, judged here against the expected values. */
export async function scoreSubmission(sub: Submission, opts: GradeOptions, ctx: GradingContext, verdicts: CompileVerdicts = null): Promise<CheckGrade[]> {
  const lesson = sub.lesson as string;
  const nb = sub.notebook as NonNullable<Submission["notebook"]>;
  const defs = lessonChecks(lesson, opts.hiddenDir);
  const hidden = readHiddenChecks(lesson, opts.hiddenDir);
  // A visible check is computed where its check cell stands, as in the notebook (grading/scoring-order.ts).
  const visibleReqs = visibleCheckRequests(nb, defs, new Set(Object.keys(hidden)));
  const hiddenReqs: CheckRequest[] = Object.entries(hidden).map(([id, h]) => ({ id, hidden: { fn: h.fn, points: h.points, stored: withoutExpected(h) } }));
  const given = { ...scoringCells(nb, gradedNames(defs), verdicts), compileChecked: verdicts !== null };
  const visible = await computeOutcomes(sub, given, visibleReqs, opts, ctx, true);
  const outcomes = visible.outcomes;
  // Hidden cases go to a sandbox of their own: the visible run, whose messages are shown, never sees them.
  // It starts without the cells that already hung or crashed.
  if (hiddenReqs.length) for (const [id, o] of (await computeOutcomes(sub, { ...given, cells: visible.cells }, hiddenReqs, opts, ctx, false)).outcomes) outcomes.set(id, o);
  const grades: CheckGrade[] = [];
  for (const def of defs) {
    const outcome = outcomes.get(def.id);
    grades.push(checkGrade(await judgeCheck(def, outcome, ctx.quizKeys[lesson]?.[def.id]), outcome, def.id in hidden ? (hidden[def.id] as HiddenCheck) : null));
  }
  return grades;
}

// "Check my work as the grader will", page side: drives fresh validate workers
// (build/validate-worker.js, validate/worker-side.js) through the grader's
// steps for one saved notebook:
//   1. plan (a worker that runs no student code): the lesson, the cells scoring
//      runs, the visible checks;
//   2. score: a fresh worker runs the cells and checks in notebook order. As the
//      grader's computeOutcomes (grading/scoring.ts) does with its sandboxed
//      process, each cell has the grader's cell limit and each check its check
//      limit; a worker that overruns one is terminated, the cell or check it was
//      in takes the blame ("stopped"), and a new worker goes on with the rest;
//   3. judge, in the plan's worker (it ran no student code): the grader's judge
//      and grade rule. One worker for both steps loads the bundle (5.9 MB, about
//      0.8 CPU s) once, not twice, per validation.
// Nothing here judges or scores: the rules are the grader's own modules, bundled
// into the worker; the steps, limits and blame are the grader's step machine
// (build/grading/scoring-steps.js), bundled into the page.

/**
 * @typedef {import("../../../build/grading/protocol.js").GradeRequest} GradeRequest
 * @typedef {GradeRequest & { failed: NonNullable<GradeRequest["failed"]> }} ScoreRequest
 * @typedef {import("../../../build/grading/judge.js").CheckOutcome} CheckOutcome
 * @typedef {{ cellTimeout: number, checkTimeout: number }} Limits
 * @typedef {import("../../../build/grading/scoring-steps.js").Limit} Limit
 * @typedef {import("../../../build/grading/scoring-steps.js").RunEnd} RunEnd
 * @typedef {import("../../../build/grading/scoring-steps.js").ScoringRun<GradeRequest["checks"][number]>["machine"]} StepMachine
 */

import { ScoringLoop } from "../../../build/grading/scoring-steps.js";

/**
 * A worker that runs no student code, for the plan and then the judge: `ask`
 * posts a request and resolves with the first message `done(message)` accepts
 * (a failure to start rejects); `end` terminates it.
 * @param {string} url
 */
function cleanWorker(url) {
  const worker = new Worker(url);
  /** @type {((message: any) => void) | null} */
  let listener = null;
  /** @type {Error | null} */
  let broken = null;
  /** @type {((err: Error) => void) | null} */
  let fail = null;
  worker.onmessage = (e) => listener?.(e.data);
  worker.onerror = (e) => {
    broken = new Error(e.message || "the validate worker failed to start");
    fail?.(broken);
  };
  return {
    /**
     * @template T
     * @param {object} request
     * @param {(message: any) => T | undefined} done
     * @returns {Promise<T>}
     */
    ask(request, done) {
      return new Promise((resolve, reject) => {
        if (broken) return reject(broken);
        fail = reject;
        listener = (m) => {
          const result = done(m);
          if (result === undefined) return;
          listener = null;
          fail = null;
          resolve(result);
        };
        worker.postMessage(request);
      });
    },
    end: () => worker.terminate(),
  };
}

/**
 * One worker's run: the step machine (build/grading/scoring-steps.js, the
 * grader's own) hears the worker's messages and says which limit to arm.
 * Resolves with how the run ended ("" reason: the worker said "done").
 * @param {string} url
 * @param {string} baseUrl
 * @param {GradeRequest} request
 * @param {StepMachine} machine
 * @returns {Promise<RunEnd>}
 */
function scoreOnce(url, baseUrl, request, machine) {
  return new Promise((resolve) => {
    const worker = new Worker(url);
    /** @type {ReturnType<typeof setTimeout> | null} */
    let timer = null;
    let settled = false;
    // A terminated worker says nothing more, so the blame is where the machine is now.
    /** @type {(reason: string, stop: "timeout" | "exit") => void} */
    const finish = (reason, stop) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      worker.terminate();
      resolve({ reason, stop });
    };
    /** @type {(limit: Limit | null) => void} */
    const arm = (limit) => {
      if (!limit) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(limit.why, "timeout"), limit.seconds * 1000);
    };
    arm(machine.start());
    worker.onmessage = (e) => {
      if (settled) return; // (the run is over: its blame is taken)
      const m = e.data;
      // The worker's job failed (its error; the grader's worker exits non-zero): as the grader's process exit.
      if (m && m.type === "failed") return finish(`stopped the grading process (${m.message})`, "exit");
      arm(machine.message(m));
      // (The grader's worker exits after "done"; this one is terminated.)
      if (machine.done) finish("", "exit");
    };
    worker.onerror = (e) => {
      e.preventDefault();
      finish(`stopped the grading process (${e.message || "the worker failed"})`, "exit");
    };
    worker.postMessage({ type: "score", request, baseUrl });
  });
}

/**
 * Validates a saved notebook (nbformat JSON) as `npm run validate` does, with
 * the visible checks. Resolves with { lesson, checks: CheckGrade[], score,
 * maxScore, recordedPoints?, problems: string[], seconds } or { problem }.
 * `verdicts`: each code cell's compile errors (validate/verdicts.js), null when
 * not known, or a promise of them (the plan's worker loads meanwhile).
 * `onProgress(text)` hears what it is doing.
 */
/**
 * @param {unknown} notebook
 * @param {string} path
 * @param {{ workerUrl: string, baseUrl: string, verdicts?: [number, string[]][] | null | Promise<[number, string[]][] | null>, onProgress?: (text: string) => void }} options
 */
export async function validateNotebook(notebook, path, { workerUrl, baseUrl, verdicts = null, onProgress = () => undefined }) {
  const t0 = performance.now();
  const clean = cleanWorker(workerUrl);
  try {
    return await validateWith(clean, notebook, path, { workerUrl, baseUrl, verdicts: await verdicts, onProgress, t0 });
  } finally {
    clean.end();
  }
}

/**
 * The steps, with `clean` for the plan and the judge.
 * @param {ReturnType<typeof cleanWorker>} clean
 * @param {unknown} notebook
 * @param {string} path
 * @param {{ workerUrl: string, baseUrl: string, verdicts: [number, string[]][] | null, onProgress: (text: string) => void, t0: number }} options
 */
async function validateWith(clean, notebook, path, { workerUrl, baseUrl, verdicts, onProgress, t0 }) {
  onProgress("reading the notebook");
  /** @type {{ problem?: undefined, lesson: string, limits: Limits, request: ScoreRequest } | { problem: string }} */
  const planned = await clean.ask({ type: "plan", notebook, path, verdicts }, (m) => (m.type === "plan" ? m.plan : m.type === "failed" ? { problem: m.message } : undefined));
  if (planned.problem) return { problem: planned.problem, problems: [planned.problem], checks: [], score: 0, maxScore: 0 };
  // (Past the test, the plan: a failure's message is never empty.)
  const plan = /** @type {{ lesson: string, limits: Limits, request: ScoreRequest }} */ (planned);
  const { lesson, limits } = plan;
  const request = plan.request;
  // The grader's restart loop: a run that stops blames its cell or check, and a fresh worker goes on without it.
  const loop = new ScoringLoop(request.checks, request.cells, limits);
  for (let run = loop.nextRun(); run; run = loop.nextRun()) {
    onProgress(`running the cells and ${run.checks.length} check(s) in a fresh worker`);
    loop.end(run, await scoreOnce(workerUrl, baseUrl, { ...request, cells: run.cells, checks: run.checks, failed: run.failed }, run.machine));
  }
  const outcomes = Object.fromEntries(loop.outcomes);
  const problems = loop.problems;
  onProgress("judging the outputs");
  /** @type {{ problem?: undefined, lesson: string, checks: import("../../../build/grading/types.js").CheckGrade[], score: number, maxScore: number, recordedPoints?: number } | { problem: string }} */
  const grade = await clean.ask({ type: "judge", lesson, outcomes }, (m) => (m.type === "judged" ? m.grade : m.type === "failed" ? { problem: m.message } : undefined));
  if (grade.problem) return { lesson, problem: grade.problem, problems: [...problems, grade.problem], checks: [], score: 0, maxScore: 0 };
  // (Past the test, the grade: a failure's message is never empty.)
  const judged = /** @type {{ lesson: string, checks: import("../../../build/grading/types.js").CheckGrade[], score: number, maxScore: number, recordedPoints?: number }} */ (grade);
  return { ...judged, problems, seconds: (performance.now() - t0) / 1000 };
}

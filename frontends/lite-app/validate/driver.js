// "Check my work as the grader will", page side: drives fresh validate workers
// (build/validate-worker.js, validate/worker-side.js) through the grader's
// steps for one saved notebook:
//   1. plan (a worker): the lesson, the cells scoring runs, the visible checks;
//   2. score: a fresh worker runs the cells and checks in notebook order. As the
//      grader's computeOutcomes (grading/scoring.ts) does with its sandboxed
//      process, each cell has the grader's cell limit and each check its check
//      limit; a worker that overruns one is terminated, the cell or check it was
//      in takes the blame ("stopped"), and a new worker goes on with the rest;
//   3. judge (a worker that ran no student code): the grader's judge and grade rule.
// Nothing here judges or scores: the rules are the grader's own modules, bundled
// into the worker.

/**
 * @typedef {import("../../../build/grading/protocol.js").GradeRequest} GradeRequest
 * @typedef {GradeRequest & { failed: NonNullable<GradeRequest["failed"]> }} ScoreRequest
 * @typedef {import("../../../build/grading/judge.js").CheckOutcome} CheckOutcome
 * @typedef {import("../../../build/grading/scoring-order.js").ScoringStep} ScoringStep
 * @typedef {{ cellTimeout: number, checkTimeout: number }} Limits
 * @typedef {{ kind: "cell", index: number } | { kind: "check", id: string }} Place
 * @typedef {{ stoppedIn: Place | null, reason: string, stop: "timeout" | "exit", started: boolean }} RunEnd
 */

/**
 * Starts a worker for one job and resolves with the first message `done(message)` accepts.
 * @template T
 * @param {string} url
 * @param {object} request
 * @param {(message: any) => T | undefined} done
 * @returns {Promise<T>}
 */
function oneJob(url, request, done) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url);
    worker.onmessage = (e) => {
      const result = done(e.data);
      if (result === undefined) return;
      worker.terminate();
      resolve(result);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message || "the validate worker failed to start"));
    };
    worker.postMessage(request);
  });
}

/**
 * One worker's run over the checks still without an outcome. Resolves with
 * where it stopped (null: it finished), why, and the outcomes it reported.
 * @param {string} url
 * @param {string} baseUrl
 * @param {GradeRequest} request
 * @param {Limits} limits
 * @param {Set<string>} remaining
 * @param {Record<string, CheckOutcome>} outcomes
 * @returns {Promise<RunEnd>}
 */
function scoreOnce(url, baseUrl, request, limits, remaining, outcomes) {
  return new Promise((resolve) => {
    // The order the worker runs cells and checks in (grading/scoring-order.ts): its first message, before any student code.
    /** @type {ScoringStep[]} */
    let order = [];
    const worker = new Worker(url);
    let next = 0;
    /** @type {Place | null} */
    let current = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    let timer = null;
    let ready = false;
    let settled = false;
    /** @type {(stoppedIn: Place | null, reason: string, stop: "timeout" | "exit") => void} */
    const finish = (stoppedIn, reason, stop) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      worker.terminate();
      resolve({ stoppedIn, reason, stop, started: ready });
    };
    const arm = (/** @type {number} */ seconds, /** @type {string} */ why) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(current, why, "timeout"), seconds * 1000);
    };
    const enter = () => {
      const step = order[next];
      current = step && step.kind === "cell" ? step : null;
      if (current) arm(limits.cellTimeout, `did not finish within ${limits.cellTimeout} s`);
      else arm(limits.checkTimeout, "stopped between checks");
    };
    const stepOf = (/** @type {(step: ScoringStep) => boolean} */ match) => order.findIndex((s, i) => i >= next && match(s));
    arm(limits.cellTimeout + 60, "did not start within the time limit");
    worker.onmessage = (e) => {
      const m = e.data;
      if (!m || typeof m.type !== "string") return;
      if (m.type === "order" && !ready && Array.isArray(m.steps)) {
        order = m.steps;
      } else if (m.type === "ready" && !ready) {
        ready = true;
        enter();
      } else if (m.type === "cell" && ready) {
        const at = stepOf((s) => s.kind === "cell" && s.index === m.index);
        if (at < 0) return;
        next = at + 1;
        enter();
      } else if (m.type === "start" && remaining.has(m.id)) {
        const at = stepOf((s) => s.kind === "check" && s.id === m.id);
        if (at >= 0) next = at;
        current = { kind: "check", id: m.id };
        arm(limits.checkTimeout, `did not finish within ${limits.checkTimeout} s (an infinite loop?)`);
      } else if ((m.type === "outputs" || m.type === "missing") && remaining.has(m.id)) {
        outcomes[m.id] = m.type === "outputs" ? { kind: "outputs", outputs: Array.isArray(m.outputs) ? m.outputs : [] } : { kind: "missing", message: String(m.message).slice(0, 2000) };
        remaining.delete(m.id);
        const at = stepOf((s) => s.kind === "check" && s.id === m.id);
        if (at >= 0) next = at + 1;
        enter();
      } else if (m.type === "done") {
        finish(null, "", "exit");
      } else if (m.type === "failed") {
        finish(current, `stopped the grading process (${m.message})`, "exit");
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      finish(current, `stopped the grading process (${e.message || "the worker failed"})`, "exit");
    };
    worker.postMessage({ type: "score", request, baseUrl });
  });
}

/**
 * Validates a saved notebook (nbformat JSON) as `npm run validate` does, with
 * the visible checks. Resolves with { lesson, checks: CheckGrade[], score,
 * maxScore, recordedPoints?, problems: string[], seconds } or { problem }.
 * `verdicts`: each code cell's compile errors (validate/verdicts.js), null when
 * not known. `onProgress(text)` hears what it is doing.
 */
/**
 * @param {unknown} notebook
 * @param {string} path
 * @param {{ workerUrl: string, baseUrl: string, verdicts?: [number, string[]][] | null, onProgress?: (text: string) => void }} options
 */
export async function validateNotebook(notebook, path, { workerUrl, baseUrl, verdicts = null, onProgress = () => undefined }) {
  const t0 = performance.now();
  onProgress("reading the notebook");
  /** @type {{ problem?: undefined, lesson: string, limits: Limits, request: ScoreRequest } | { problem: string }} */
  const planned = await oneJob(workerUrl, { type: "plan", notebook, path, verdicts }, (m) => (m.type === "plan" ? m.plan : m.type === "failed" ? { problem: m.message } : undefined));
  if (planned.problem) return { problem: planned.problem, problems: [planned.problem], checks: [], score: 0, maxScore: 0 };
  // (Past the test, the plan: a failure's message is never empty.)
  const plan = /** @type {{ lesson: string, limits: Limits, request: ScoreRequest }} */ (planned);
  const { lesson, limits } = plan;
  let request = plan.request;
  /** @type {Record<string, CheckOutcome>} */
  const outcomes = {};
  const remaining = new Set(request.checks.map((c) => c.id));
  /** @type {string[]} */
  const problems = [];
  const all = request.checks.length + request.cells.length + 2;
  for (let attempt = 0; remaining.size > 0 && attempt < all; attempt++) {
    onProgress(`running the cells and ${remaining.size} check(s) in a fresh worker`);
    const current = { ...request, checks: request.checks.filter((c) => remaining.has(c.id)) };
    const run = await scoreOnce(workerUrl, baseUrl, current, limits, remaining, outcomes);
    if (!run.stoppedIn) {
      if (run.reason && !run.started) problems.push(`the grading process did not start: ${run.reason}`);
      break;
    }
    if (run.stoppedIn.kind === "check") {
      const id = run.stoppedIn.id;
      outcomes[id] = { kind: "stopped", message: `${id} ${run.reason}`, stop: run.stop };
      remaining.delete(id);
    } else {
      // The cell itself hung or failed the worker: grade without it (its functions are then undefined).
      const bad = run.stoppedIn.index;
      const cell = request.cells.find((c) => c.index === bad);
      request = { ...request, cells: request.cells.filter((c) => c.index !== bad), failed: [...request.failed, { index: bad, defines: cell ? cell.defines : [], message: run.reason }] };
      problems.push(`cell ${bad + 1} ${run.reason} while being loaded for grading; its functions score 0`);
    }
  }
  onProgress("judging the outputs");
  /** @type {{ problem?: undefined, lesson: string, checks: import("../../../build/grading/types.js").CheckGrade[], score: number, maxScore: number, recordedPoints?: number } | { problem: string }} */
  const grade = await oneJob(workerUrl, { type: "judge", lesson, outcomes }, (m) => (m.type === "judged" ? m.grade : m.type === "failed" ? { problem: m.message } : undefined));
  if (grade.problem) return { lesson, problem: grade.problem, problems: [...problems, grade.problem], checks: [], score: 0, maxScore: 0 };
  // (Past the test, the grade: a failure's message is never empty.)
  const judged = /** @type {{ lesson: string, checks: import("../../../build/grading/types.js").CheckGrade[], score: number, maxScore: number, recordedPoints?: number }} */ (grade);
  return { ...judged, problems, seconds: (performance.now() - t0) / 1000 };
}

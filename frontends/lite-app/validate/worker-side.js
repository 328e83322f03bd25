// "Check my work as the grader will", worker side (bundled by build.js into
// build/validate-worker.js). The page (validate/driver.js) starts a fresh Web
// Worker for each scoring run, and one for a validation's plan and judge (which
// run no student code), and terminates each when its job is done:
//
// - "plan": which lesson the saved notebook is, the cells scoring runs and each
//   visible check with its check cell's place (grading/scoring-plan.ts), and the
//   grader's time limits (grading/types.ts DEFAULT_GRADE_OPTIONS);
// - "score": the grader's own scoring run (grading/scoring-run.ts) with this
//   worker's global scope as the realm: the exercise cells and the checks in
//   notebook order, outputs recorded, one message per step. Student code runs
//   here only, never in the student's kernel and never in the page;
// - "judge": the grader's judge (grading/judge.ts) and grade rule
//   (grading/check-grade.ts) on the outcomes the page collected, in a worker
//   that ran no student code.
//
// Quiz keys are the grader's only: a graded quiz answer is "recorded" here, as
// `npm run validate -- --without-quiz-keys` reports it.
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { setCourseUrl } from "../kernel/fs.js";
import modules from "../.gen/modules.js";
import { freezeRealm, runScoring } from "../../../build/grading/scoring-run.js";
import { gradedNames, identifyLesson, scoringCells, visibleCheckRequests } from "../../../build/grading/scoring-plan.js";
import { judgeCheck } from "../../../build/grading/judge.js";
import { checkGrade } from "../../../build/grading/check-grade.js";
import { DEFAULT_GRADE_OPTIONS } from "../../../build/grading/types.js";
import { initBackend } from "../../../build/lib/runtime/backend.js";

const LESSON_PREFIX = "build/lib/lessons/";

/**
 * @typedef {import("../../../build/lib/checks/index.js").CheckDefinition} CheckDefinition
 * @typedef {import("../../../build/grading/protocol.js").GradeRequest} GradeRequest
 * @typedef {import("../../../build/grading/judge.js").CheckOutcome} CheckOutcome
 * @typedef {{ checker: { definitions: Iterable<CheckDefinition & { fnName?: string }> }, [name: string]: unknown }} LessonModule
 *   (fnName: a stored check names the function it grades, as grading/check-catalogue.ts reads it)
 */

/**
 * The site's lessons (those the kernel bundles), by slug.
 * @returns {Record<string, () => LessonModule>}
 */
function lessonModules() {
  /** @type {Record<string, () => LessonModule>} */
  const out = {};
  for (const key of Object.keys(modules)) if (key.startsWith(LESSON_PREFIX)) out[key.slice(LESSON_PREFIX.length)] = () => modules[key]();
  return out;
}

/**
 * @param {string} slug
 */
function definitionsOf(slug) {
  const load = lessonModules()[slug];
  if (!load) throw new Error(`lesson ${slug} is not part of this site`);
  return [...load().checker.definitions];
}

/** What scoring runs for this notebook; `problem` (a sentence for the student) when it is not a lesson of this site. */
/**
 * @param {import("../../../build/editions/notebook.js").Notebook} notebook
 * @param {string} file
 * @param {[number, string[]][] | null} verdicts
 */
function plan(notebook, file, verdicts) {
  const lessons = lessonModules();
  const names = Object.fromEntries(Object.keys(lessons).map((s) => [s, definitionsOf(s).map((d) => d.fnName ?? "")]));
  const lesson = identifyLesson(file, notebook, names);
  if (!lesson) return { problem: "cannot tell which lesson this notebook is (no course metadata, no NN-slug in its name, no graded function defined)" };
  const defs = definitionsOf(lesson);
  // tslab's compile verdicts from the browser's type checker (validate/verdicts.js), as the grader's cell
  // warmer gives them; without them (checker unavailable), as the grader without its warmer: only syntax errors refuse a cell.
  const known = Array.isArray(verdicts) ? new Map(verdicts) : null;
  const given = scoringCells(notebook, gradedNames(defs), known);
  const checks = visibleCheckRequests(notebook, defs);
  return {
    lesson,
    request: { lesson, cells: given.cells, context: given.context, compileChecked: known !== null, checks, failed: [] },
    limits: { cellTimeout: DEFAULT_GRADE_OPTIONS.cellTimeout, checkTimeout: DEFAULT_GRADE_OPTIONS.checkTimeout },
  };
}

/** A name the cells declared at top level (a function, or a `const` quiz answer), read at global scope. */
/**
 * @param {string} name
 * @returns {unknown}
 */
function globalValue(name) {
  const own = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (self))[name];
  if (own !== undefined || !/^[A-Za-z_$][\w$]*$/.test(name)) return own;
  try {
    return (0, eval)(`typeof ${name} === "undefined" ? undefined : ${name}`);
  } catch {
    return undefined;
  }
}

/**
 * This worker's global scope as the grader's realm. A cell runs as a classic
 * script (importScripts of its compiled text), so its top-level `function`s and
 * `const`s are seen by the next cell, as in the grader's `vm` context; an
 * eval would keep `const`s to itself.
 */
/** @type {import("../../../build/grading/scoring-run.js").ScoringRealm} */
const workerRealm = {
  run(code, filename) {
    const url = URL.createObjectURL(new Blob([`${code}\n//# sourceURL=${filename}`], { type: "text/javascript" }));
    try {
      importScripts(url);
    } finally {
      URL.revokeObjectURL(url);
    }
  },
  valueOf: globalValue,
  undefine(name) {
    (0, eval)(`${name} = undefined;`);
  },
};

/**
 * @param {GradeRequest} req
 * @param {string} baseUrl
 */
async function score(req, baseUrl) {
  setWasmPaths(`${baseUrl}build/tfjs-wasm/`);
  setCourseUrl(`${baseUrl}course/`);
  await initBackend();
  const lessons = lessonModules();
  const lab = Object.freeze({ ...lessons[req.lesson]() });
  const visible = definitionsOf(req.lesson);
  const definitions = req.checks.map((c) => visible.find((d) => d.id === c.id));
  freezeRealm();
  // The realm's globals, as the grader's vm context has them: tf, the lesson's module, a silent console.
  const silent = Object.freeze({ log() {}, info() {}, warn() {}, error() {}, table() {}, dir() {}, debug() {}, trace() {} });
  Object.assign(self, { tf: Object.freeze({ ...tf }), lab, console: silent });
  await runScoring(req, definitions, workerRealm, (m) => self.postMessage(m));
}

/** The grades of the visible checks, in the lesson's order, from the outcomes the page collected (id → outcome). */
/**
 * @param {string} lesson
 * @param {Record<string, CheckOutcome>} outcomes
 */
async function judge(lesson, outcomes) {
  /** @type {import("../../../build/grading/types.js").CheckGrade[]} */
  const checks = [];
  for (const def of definitionsOf(lesson)) {
    // No quiz key in the browser: a quiz answer is recorded, as in a student release.
    checks.push(checkGrade(await judgeCheck(def, outcomes[def.id]), outcomes[def.id], null));
  }
  const score = checks.reduce((s, c) => s + c.points, 0);
  const maxScore = checks.reduce((s, c) => s + c.maxPoints, 0);
  const recordedPoints = checks.filter((c) => c.status === "recorded").reduce((s, c) => s + c.maxPoints, 0);
  return { lesson, checks, score, maxScore, ...(recordedPoints > 0 ? { recordedPoints } : {}) };
}

self.onmessage = async (e) => {
  const msg = e.data;
  try {
    if (msg.type === "plan") self.postMessage({ type: "plan", plan: plan(msg.notebook, msg.path, msg.verdicts) });
    else if (msg.type === "score") await score(msg.request, msg.baseUrl);
    else if (msg.type === "judge") self.postMessage({ type: "judged", grade: await judge(msg.lesson, msg.outcomes) });
  } catch (err) {
    self.postMessage({ type: "failed", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
};

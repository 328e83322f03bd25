/**
 * The grading worker: a child process that scores one submission.
 *
 * The student's exercise cells are compiled (TypeScript → JavaScript) and run
 * in their own vm realm, with only `tf`, a read-only `lab` and a silent
 * `console` in scope. The checks and the expected values live in this
 * process's own realm, out of the student code's reach, and this realm's
 * built-ins are frozen first, so redefining `check`, patching `Math` or
 * `Array.prototype`, or editing expected values in the notebook changes
 * nothing. (vm is not a security boundary against deliberate escapes; grade a
 * hostile class inside a container.) The parent enforces time limits and
 * restarts this worker when student code hangs, exits or runs out of memory.
 *
 * Protocol (IPC): parent sends one GradeRequest; the worker answers with
 * cell / start / result messages and finally done.
 */
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import * as ts from "typescript";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/runtime";
import { runCheck, type CheckDefinition, type CheckResult, type StoredCheck, type StoredCheckDefinition } from "../lib/checks";
import { installIntegerLabelSupport } from "../lib/training/tfjs-integer-labels-patch";
import { loadLesson } from "../lib/lessons";

/** What the parent asks for. */
export interface GradeRequest {
  lesson: string;
  cells: { index: number; source: string; defines: string[] }[];
  checks: string[];
  hiddenDir?: string;
  cellTimeoutMs: number;
}

/** What the worker reports. */
export type WorkerMessage =
  | { type: "cell"; index: number; ok: boolean; message?: string }
  | { type: "start"; id: string }
  | { type: "result"; result: CheckResult }
  | { type: "done" };

/** An instructor's hidden check: stored cases for one graded function. */
export interface HiddenCheck extends StoredCheck {
  fn: string;
  points: number;
  hint?: string;
}

/** The lesson's visible checks plus any hidden ones from `hiddenDir/<lesson>.json`. */
export function lessonChecks(lesson: string, hiddenDir?: string): CheckDefinition[] {
  const visible = [...loadLesson(lesson).checker.definitions];
  if (!hiddenDir) return visible;
  const file = path.join(hiddenDir, `${lesson}.json`);
  if (!fs.existsSync(file)) return visible;
  const hidden = JSON.parse(fs.readFileSync(file, "utf8")) as { checks: Record<string, HiddenCheck> };
  const extra = Object.entries(hidden.checks).map(([id, h]) => {
    const base = visible.find((d) => (d as Partial<StoredCheckDefinition>).fnName === h.fn) as StoredCheckDefinition | undefined;
    if (!base?.withCases) throw new Error(`${file}: hidden check ${id} is for "${h.fn}", which has no stored-cases check in ${lesson}`);
    return base.withCases(id, h.points, h, h.hint);
  });
  return [...visible, ...extra];
}

function compile(source: string): string {
  return ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None }, reportDiagnostics: false }).outputText;
}

/** Freezes this realm's built-ins and tfjs's classes so student code cannot patch what the checks use. */
function freezeRealm(): void {
  installIntegerLabelSupport(); // before freezing: it wraps LayersModel.prototype.compile once
  const probe = tf.layers.dense({ units: 1 });
  const protos: object[] = [
    Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype, Boolean.prototype,
    Promise.prototype, Map.prototype, Set.prototype, Error.prototype, RegExp.prototype, Date.prototype,
    Math, JSON, Object, Array, Number, Promise, Reflect,
    tf.LayersModel.prototype, tf.Sequential.prototype, Object.getPrototypeOf(Object.getPrototypeOf(probe)), Object.getPrototypeOf(probe),
    tf.Tensor.prototype, tf.Optimizer.prototype,
  ];
  for (const p of protos) Object.freeze(p);
}

async function grade(req: GradeRequest, send: (m: WorkerMessage) => void): Promise<void> {
  await initBackend();
  const lab = Object.freeze({ ...(loadLesson(req.lesson) as object) });
  const definitions = lessonChecks(req.lesson, req.hiddenDir);
  freezeRealm();
  const silent = Object.freeze({ log() {}, info() {}, warn() {}, error() {}, table() {}, dir() {} });
  const context = vm.createContext({ tf: Object.freeze({ ...tf }), lab, console: silent });
  // As in the notebook, a cell that fails defines nothing (function declarations are hoisted in a script, so undo them).
  const failedCell = new Map<string, string>();
  for (const cell of req.cells) {
    try {
      vm.runInContext(compile(cell.source), context, { timeout: req.cellTimeoutMs, filename: `cell-${cell.index}.js` });
      send({ type: "cell", index: cell.index, ok: true });
    } catch (err) {
      const e = err as { name?: unknown; message?: unknown };
      const text = typeof e?.message === "string" ? `${String(e.name ?? "Error")}: ${e.message}` : String(err);
      const message = /Script execution timed out/.test(text) ? `did not finish within ${req.cellTimeoutMs / 1000} s` : `threw ${text}`;
      for (const name of cell.defines) {
        // Top-level function declarations are non-configurable globals of the realm: `delete` would
        // silently fail and other exercises would still call them, so overwrite them inside the realm.
        vm.runInContext(`${name} = undefined;`, context);
        failedCell.set(name, `its exercise cell (cell ${cell.index + 1}) ${message}`);
      }
      send({ type: "cell", index: cell.index, ok: false, message });
    }
  }
  for (const id of req.checks) {
    const def = definitions.find((d) => d.id === id);
    if (!def) continue;
    send({ type: "start", id });
    const fnName = (def as Partial<StoredCheckDefinition>).fnName ?? id.split(".")[1] ?? "";
    const fn = (context as Record<string, unknown>)[fnName];
    const result = fn === undefined
      ? { id, points: 0, maxPoints: def.points, passed: false, status: "failed" as const, cases: [], hint: def.hint,
          message: `${fnName} is not defined: ${failedCell.get(fnName) ?? "no code cell declares it (deleted, or turned into markdown?)"}` }
      : await runCheck(def, fn);
    send({ type: "result", result });
  }
  send({ type: "done" });
}

if (require.main === module) {
  const send = (m: WorkerMessage): void => {
    process.send?.(m);
  };
  process.once("message", (req: GradeRequest) => {
    grade(req, send)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        process.stderr.write(`grading worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
        process.exit(3);
      });
  });
}

/**
 * The scoring worker's run, whatever realm it runs in: the submission's
 * exercise cells and the checks interleaved in notebook order
 * (grading/scoring-order.ts), each check's outputs recorded (never judged:
 * no expected value is known here), and one message per step. Two realms run
 * it: the grader's sandboxed Node worker (grading/worker.ts, a `vm` context)
 * and the browser edition's validation worker
 * (frontends/lite-app/validate/worker-side.js, a fresh Web Worker's global scope),
 * so both compute the same outputs from the same cells by the same code.
 *
 * Imports nothing Node-only: TypeScript (to compile cells), TensorFlow.js and
 * the check harness, all bundled into the browser edition too.
 */
import * as ts from "typescript";
import * as tf from "@tensorflow/tfjs";
import { installIntegerLabelSupport } from "../lib/training/tfjs-integer-labels-patch";
import { computeCase, NotCompletedError, type CaseRunner, type CheckDefinition, type StoredCheckDefinition } from "../lib/checks";
import { encodeOutput, type WireOutput } from "./wire";
import { scoringOrder, type ExerciseCell } from "./scoring-order";
import { helperDeclarations, type HelperDeclaration } from "./helper-declarations";
import type { GradeRequest, WorkerMessage } from "./protocol";

/** Where the cells run: top-level declarations of one cell are seen by the next, as in the kernel. */
export interface ScoringRealm {
  /** Runs a compiled script (a cell) at the realm's top level; throws what it throws. */
  run(code: string, filename: string): void;
  /** A top-level name's value (a function, or a `const` quiz answer); undefined when not defined. */
  valueOf(name: string): unknown;
  /** Makes a top-level name undefined (its cell failed), from inside the realm. */
  undefine(name: string): void;
}

/** A case runner that only records what the student's function produced (no expected value is known here). */
export function recordingRunner(outputs: WireOutput[]): CaseRunner {
  return async (name, fn, args, _expected, _tolerance, opts = {}) => {
    const out = await computeCase(fn, args, opts);
    try {
      outputs.push(encodeOutput(out));
    } catch (err) {
      outputs.push({ kind: "error", message: `returned a value that cannot be read (${err instanceof Error ? err.message : String(err)})` });
    }
    // The judge outside stops at the same case, as compareCase would.
    if (out.kind === "not-completed") throw new NotCompletedError(out.message);
    return { name, passed: false };
  };
}

/** A cell's JavaScript, as a script (no module wrapper): its top-level declarations become the realm's. */
export function compileCell(source: string): string {
  return ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None }, reportDiagnostics: false }).outputText;
}

/**
 * The first syntax error of a cell, in tslab's words (`line:col - message`),
 * or null. Only used when the kernel's own verdict could not be had: a
 * transpile sees syntax, not types.
 */
function syntaxError(source: string): string | null {
  const out = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None }, reportDiagnostics: true });
  const d = out.diagnostics?.find((x) => x.category === ts.DiagnosticCategory.Error);
  if (!d) return null;
  const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
  return `${where.line + 1}:${where.character + 1} - ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
}

/** Freezes this realm's built-ins and tfjs's classes so student code cannot patch what the checks use. */
export function freezeRealm(): void {
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

/**
 * Runs one scoring request in `realm`: `definitions[i]` computes `req.checks[i]`
 * (undefined: skipped). Sends "ready", then per step "cell", "start" and
 * "outputs" or "missing", then "done". The realm's globals (tf, lab, console)
 * are the caller's.
 */
export async function runScoring(req: GradeRequest, definitions: readonly (CheckDefinition | undefined)[], realm: ScoringRealm, send: (m: WorkerMessage) => void): Promise<void> {
  // As in the notebook, a cell that fails defines nothing (function declarations are hoisted in a script, so undo them).
  const failedCell = new Map<string, string>();
  for (const f of req.failed ?? []) for (const name of f.defines) failedCell.set(name, `its exercise cell (cell ${f.index + 1}) ${f.message}`);
  const undefine = (names: readonly string[], why: string): void => {
    for (const name of names) {
      // Top-level function declarations are non-configurable globals of the realm: `delete` would
      // silently fail and other exercises would still call them, so overwrite them inside the realm.
      try {
        realm.undefine(name);
      } catch {
        // A quiz answer is a `const`: if its cell failed, it is unassigned (or constant) and reads as undefined below.
      }
      failedCell.set(name, why);
    }
  };
  const describe = (err: unknown): string => {
    const e = err as { name?: unknown; message?: unknown };
    return typeof e?.message === "string" ? `${String(e.name ?? "Error")}: ${e.message}` : String(err);
  };
  // Helpers the exercise cells call, from the notebook's other cells; the graded names and the worker's own are not looked for.
  const graded = new Set(req.cells.flatMap((c) => c.defines));
  const helpers: HelperDeclaration[] = helperDeclarations(req.cells, req.context ?? [], new Set([...graded, "tf", "lab", "console"]));
  const runHelpersAbove = (index: number): void => {
    while (helpers.length && (helpers[0] as HelperDeclaration).cell < index) {
      const h = helpers.shift() as HelperDeclaration;
      try {
        realm.run(compileCell(h.source), `cell-${h.cell}-helper.js`);
      } catch {
        // As in the kernel, a declaration that throws leaves its names undefined; what calls them fails in its own check.
        for (const name of h.names) {
          try {
            realm.undefine(name);
          } catch {
            // a const never initialised reads as undefined
          }
        }
      }
    }
  };
  const byIndex = new Map(req.cells.map((c) => [c.index, c]));
  const checkIndex = new Map(req.checks.map((c, i) => [c.id, i]));
  send({ type: "ready" });
  for (const step of scoringOrder(req.cells, req.checks)) {
    if (step.kind === "cell") {
      const cell = byIndex.get(step.index) as ExerciseCell;
      runHelpersAbove(cell.index);
      // A cell the kernel refuses to compile never runs there, so it defines nothing here either
      // (an earlier definition of the same name stays, as in the kernel).
      const refused = cell.compileError ?? (req.compileChecked ? null : syntaxError(cell.source));
      if (refused) {
        for (const name of cell.defines) if (!failedCell.has(name) && realm.valueOf(name) === undefined) failedCell.set(name, `its exercise cell (cell ${cell.index + 1}) does not compile: ${refused}`);
        send({ type: "cell", index: cell.index, ok: false, message: `does not compile: ${refused}` });
        continue;
      }
      try {
        // No vm `timeout`: it starts a watchdog thread per call, and a submission that has used up the
        // process limit (a fork bomb) would make that abort the worker in an innocent cell. The parent
        // times every cell from the "ready" and "cell" messages instead.
        realm.run(compileCell(cell.source), `cell-${cell.index}.js`);
        for (const name of cell.defines) failedCell.delete(name);
        send({ type: "cell", index: cell.index, ok: true });
      } catch (err) {
        const message = `threw ${describe(err)}`;
        undefine(cell.defines, `its exercise cell (cell ${cell.index + 1}) ${message}`);
        send({ type: "cell", index: cell.index, ok: false, message });
      }
      continue;
    }
    const i = checkIndex.get(step.id) as number;
    const def = definitions[i];
    if (!def) continue;
    const id = step.id;
    send({ type: "start", id });
    const fnName = (def as Partial<StoredCheckDefinition>).fnName ?? id.split(".")[1] ?? "";
    const fn = failedCell.has(fnName) ? undefined : realm.valueOf(fnName);
    if (fn === undefined) {
      send({ type: "missing", id, message: `${fnName} is not defined: ${failedCell.get(fnName) ?? "no code cell above its check declares it (deleted, moved below the check, or turned into markdown?)"}` });
      continue;
    }
    const outputs: WireOutput[] = [];
    try {
      await def.run(fn, recordingRunner(outputs));
    } catch {
      // Not completed, or a course error: the judge outside replays the same cases and ends the same way.
    }
    send({ type: "outputs", id, outputs });
  }
  send({ type: "done" });
}

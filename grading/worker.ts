/**
 * The grading worker: the process, inside the sandbox (grading/sandbox.ts),
 * that computes what one submission's graded functions return for the
 * checks' inputs. It never sees an expected value and never scores: it
 * reports plain outputs and the grader judges them outside
 * (grading/judge.ts), so whatever the submission prints, sends or forges can
 * change nothing but its own outputs.
 *
 * The student's exercise cells are compiled (TypeScript → JavaScript) and run
 * in their own vm realm, with only `tf`, a read-only `lab` and a silent
 * `console` in scope, and this realm's built-ins are frozen first. The vm is
 * no boundary (any tf function leads to this realm's `Function`): the sandbox
 * is. The parent enforces time limits and restarts this worker when student
 * code hangs, exits, prints too much or runs out of memory.
 *
 * Protocol: the parent writes one GradeRequest (JSON) to stdin; the worker
 * writes one WorkerMessage per line (JSON) to stdout: cell / start / outputs or
 * missing / done.
 */
import * as fs from "fs";
import * as vm from "vm";
import * as ts from "typescript";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/runtime";
import { computeCase, NotCompletedError, type CaseRunner, type StoredCheckDefinition } from "../lib/checks";
import { installIntegerLabelSupport } from "../lib/training/tfjs-integer-labels-patch";
import { loadLesson } from "../lib/lessons";
import { encodeOutput, type WireOutput } from "./wire";
import { scoringOrder, type ExerciseCell } from "./scoring-order";
import { helperDeclarations, type HelperDeclaration } from "./helper-declarations";
import { hiddenDefinition } from "./check-catalogue";
import type { GradeRequest, WorkerMessage } from "./protocol";

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

/**
 * A name the cells declared at top level: a function is a property of the
 * realm's global object, a `const` (a quiz answer) only a binding of its
 * global scope, read by evaluating the name there. A binding never
 * initialised (its cell threw first) reads as undefined.
 */
function globalValue(context: vm.Context, name: string): unknown {
  const own = (context as Record<string, unknown>)[name];
  if (own !== undefined || !/^[A-Za-z_$][\w$]*$/.test(name)) return own;
  try {
    return vm.runInContext(`typeof ${name} === "undefined" ? undefined : ${name}`, context) as unknown;
  } catch {
    return undefined;
  }
}

function compile(source: string): string {
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

/**
 * Runs what every scoring worker runs, on a cell like a submission's and a
 * small tensor: the functions V8 compiles lazily for it (the compiler's, the
 * tensor library's) are then in the code cache worker-process.ts writes.
 */
export function warmUp(): void {
  compile("function sigmoid(z: number[]): number[] {\n  return z.map((v) => 1 / (1 + Math.exp(-v)));\n}\nconst answer: \"a\" | \"b\" = \"a\";\nclass C { constructor(private readonly x: number) {} get y(): number { return this.x; } }\n");
  tf.tidy(() => {
    tf.sigmoid(tf.tensor2d([[1, 2], [3, 4]]).matMul(tf.ones([2, 1]))).dataSync();
  });
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
  // Start libuv's thread pool now (it starts all its threads on first use): a submission that
  // exhausts the sandbox's process limit (a fork bomb) must not make a later thread start abort
  // this process while another, innocent cell is loading.
  await fs.promises.readFile(__filename);
  await initBackend();
  const lab = Object.freeze({ ...(loadLesson(req.lesson) as object) });
  const visible = [...loadLesson(req.lesson).checker.definitions];
  const definitions = req.checks.map((c) => (c.hidden ? hiddenDefinition(visible, c.id, c.hidden, "hidden checks") : visible.find((d) => d.id === c.id)));
  freezeRealm();
  const silent = Object.freeze({ log() {}, info() {}, warn() {}, error() {}, table() {}, dir() {} });
  const context = vm.createContext({ tf: Object.freeze({ ...tf }), lab, console: silent });
  // As in the notebook, a cell that fails defines nothing (function declarations are hoisted in a script, so undo them).
  const failedCell = new Map<string, string>();
  for (const f of req.failed ?? []) for (const name of f.defines) failedCell.set(name, `its exercise cell (cell ${f.index + 1}) ${f.message}`);
  const undefine = (names: readonly string[], why: string): void => {
    for (const name of names) {
      // Top-level function declarations are non-configurable globals of the realm: `delete` would
      // silently fail and other exercises would still call them, so overwrite them inside the realm.
      try {
        vm.runInContext(`${name} = undefined;`, context);
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
        vm.runInContext(compile(h.source), context, { filename: `cell-${h.cell}-helper.js` });
      } catch {
        // As in the kernel, a declaration that throws leaves its names undefined; what calls them fails in its own check.
        for (const name of h.names) {
          try {
            vm.runInContext(`${name} = undefined;`, context);
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
        for (const name of cell.defines) if (!failedCell.has(name) && globalValue(context, name) === undefined) failedCell.set(name, `its exercise cell (cell ${cell.index + 1}) does not compile: ${refused}`);
        send({ type: "cell", index: cell.index, ok: false, message: `does not compile: ${refused}` });
        continue;
      }
      try {
        // No vm `timeout`: it starts a watchdog thread per call, and a submission that has used up the
        // process limit (a fork bomb) would make that abort the worker in an innocent cell. The parent
        // times every cell from the "ready" and "cell" messages instead.
        vm.runInContext(compile(cell.source), context, { filename: `cell-${cell.index}.js` });
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
    const fn = failedCell.has(fnName) ? undefined : globalValue(context, fnName);
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

/** The worker's process: reads one request from stdin, answers on stdout, exits (see worker-process.ts). */
export function main(): void {
  // Written synchronously, one JSON object per line, so nothing is lost when the process exits.
  const send = (m: WorkerMessage): void => {
    // A leading newline too: whatever the submission printed without one cannot swallow the message.
    fs.writeSync(1, "\n" + JSON.stringify(m) + "\n");
  };
  let req: GradeRequest;
  try {
    req = JSON.parse(fs.readFileSync(0, "utf8")) as GradeRequest;
  } catch (err) {
    process.stderr.write(`grading worker: unreadable request: ${String(err)}\n`);
    process.exit(3);
  }
  grade(req, send)
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      process.stderr.write(`grading worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(3);
    });
}

if (require.main === module) main();

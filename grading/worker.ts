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
 * The run itself (cells and checks in notebook order, outputs recorded) is
 * grading/scoring-run.ts, shared with the browser edition's validation; this
 * file is the Node process around it: the vm realm, the frozen built-ins, stdio.
 *
 * Protocol: the parent writes one GradeRequest (JSON) to stdin; the worker
 * writes one WorkerMessage per line (JSON) to stdout: cell / start / outputs or
 * missing / done.
 */
import * as fs from "fs";
import * as vm from "vm";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/runtime";
import { loadLesson } from "../lib/lessons";
import { compileCell, freezeRealm, runScoring, type ScoringRealm } from "./scoring-run";
import { hiddenDefinition } from "./check-catalogue";
import type { GradeRequest, WorkerMessage } from "./protocol";

export { recordingRunner } from "./scoring-run";

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

/** The cells' realm: a `vm` context (no boundary: the sandbox is). */
function vmRealm(context: vm.Context): ScoringRealm {
  return {
    run: (code, filename) => void vm.runInContext(code, context, { filename }),
    valueOf: (name) => globalValue(context, name),
    undefine: (name) => void vm.runInContext(`${name} = undefined;`, context),
  };
}

/**
 * Runs what every scoring worker runs, on a cell like a submission's and a
 * small tensor: the functions V8 compiles lazily for it (the compiler's, the
 * tensor library's) are then in the code cache worker-process.ts writes.
 */
export function warmUp(): void {
  compileCell("function sigmoid(z: number[]): number[] {\n  return z.map((v) => 1 / (1 + Math.exp(-v)));\n}\nconst answer: \"a\" | \"b\" = \"a\";\nclass C { constructor(private readonly x: number) {} get y(): number { return this.x; } }\n");
  tf.tidy(() => {
    tf.sigmoid(tf.tensor2d([[1, 2], [3, 4]]).matMul(tf.ones([2, 1]))).dataSync();
  });
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
  await runScoring(req, definitions, vmRealm(context), send);
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

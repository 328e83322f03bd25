/**
 * `npm run bench`: prints the course's performance figures for the backend in use.
 *
 *  1. the digit model (400→25 relu→15 relu→10 linear, Adam 1e-3, from-logits
 *     sparse cross-entropy, batch 32, 40 epochs on 5000 digits = 6280 steps),
 *     trained by plain model.fit and by the course's training path in the same
 *     run, from the same seed: seconds, ms per step, ratio, final accuracies;
 *  2. every notebook's kernel start and top-to-bottom time;
 *  3. every notebook's peak kernel memory and leaked tensors (tensors alive at
 *     the end minus those alive after the setup cell);
 *  4. the browser edition (bench/lite.ts): the site's size, what a first
 *     visit downloads and how long until lesson 01's first cell can run, and
 *     every notebook top to bottom in headless Chromium next to its tslab time.
 *
 *   npm run bench                 # everything
 *   npm run bench -- --lite       # 2 and 4 only: the browser edition next to tslab
 *   npm run bench -- --no-lite    # without the browser edition
 *   npm run bench -- --no-notebooks | --no-training | --epochs 10 | --json FILE
 *   npm run bench -- --training-only   # part 1 only (the same as --no-notebooks)
 *   npm run bench -- --grading [--class N] …   # class grading instead (bench/grading.ts; setup/bootstrap.js dispatches)
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { fit, SparseCategoricalCrossentropy } from "../lib/training";
import { initBackend, seedEverything } from "../lib/runtime";
import { loadDigitTrainingSet } from "../lib/course/digits";
import { lessonSlugs } from "../lib/lessons";
import { findTestPython, jupyterEnv, writeKernelSpec, ROOT } from "../setup/jupyter";
import { benchLite, liteBenchUnavailable, type LiteFigures } from "./lite";
import { callerPath, parseCommandLine, positiveNumber, runCommand, UsageError } from "../lib/runtime/command-line";

interface TrainingFigures {
  path: string;
  seconds: number;
  msPerStep: number;
  accuracy: number;
  finalLoss: number;
}

function digitModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [400], units: 25, activation: "relu", name: "L1" }),
      tf.layers.dense({ units: 15, activation: "relu", name: "L2" }),
      tf.layers.dense({ units: 10, activation: "linear", name: "L3" }),
    ],
  });
  model.compile({ loss: SparseCategoricalCrossentropy({ fromLogits: true }), optimizer: tf.train.adam(1e-3) });
  return model;
}

async function benchTraining(epochs: number): Promise<TrainingFigures[]> {
  const data = loadDigitTrainingSet();
  const X = tf.tensor2d(data.X);
  const y = tf.tensor1d(data.y);
  const steps = epochs * Math.ceil(data.X.length / 32);
  const out: TrainingFigures[] = [];
  for (const which of ["model.fit", "course fit"] as const) {
    seedEverything(1234);
    const model = digitModel();
    const started = process.hrtime.bigint();
    const history = which === "model.fit" ? await model.fit(X, y, { epochs, batchSize: 32, verbose: 0 }) : await fit(model, X, y, { epochs, batchSize: 32 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const accuracy = tf.tidy(() => (model.predict(X) as tf.Tensor).argMax(-1).equal(y.toInt()).mean().arraySync() as number);
    const losses = history.history.loss as number[];
    out.push({ path: which, seconds, msPerStep: (seconds * 1000) / steps, accuracy, finalLoss: losses[losses.length - 1] as number });
    model.dispose();
  }
  tf.dispose([X, y]);
  return out;
}

interface NotebookFigures {
  notebook: string;
  kernelStartSeconds: number | null;
  totalSeconds: number;
  peakRssMb: number | null;
  leakedTensors: number | null;
  ok: boolean;
  error?: string;
}

function benchNotebooks(): NotebookFigures[] {
  const python = process.env.COURSE_TEST_PYTHON ?? findTestPython();
  if (!python) throw new Error("no Python with nbclient: run `npm test` once (it installs it), or see README");
  writeKernelSpec();
  const out: NotebookFigures[] = [];
  const dir = path.join(ROOT, "notebooks");
  for (const name of lessonSlugs().map((slug) => `${slug}.ipynb`)) {
    const result = path.join(ROOT, ".test-out", `bench-${name}.json`);
    fs.mkdirSync(path.dirname(result), { recursive: true });
    spawnSync(python, [path.join(ROOT, "kernel", "run_notebook.py"), path.join(dir, name), "--probe", "--out", result], { env: jupyterEnv(), encoding: "utf8", timeout: 15 * 60_000 });
    if (!fs.existsSync(result)) {
      out.push({ notebook: name, kernelStartSeconds: null, totalSeconds: NaN, peakRssMb: null, leakedTensors: null, ok: false, error: "did not run" });
      continue;
    }
    const run = JSON.parse(fs.readFileSync(result, "utf8")) as { error: string | null; kernelStartSeconds: number | null; totalSeconds: number; cells: { type: string; status: string }[]; probes: { afterSetup?: { numTensors: number }; atEnd?: { numTensors: number }; peakRssMb?: number } };
    fs.unlinkSync(result);
    const ok = !run.error && run.cells.every((c) => c.type !== "code" || c.status === "ok");
    const leaked = run.probes.atEnd && run.probes.afterSetup ? run.probes.atEnd.numTensors - run.probes.afterSetup.numTensors : null;
    out.push({ notebook: name, kernelStartSeconds: run.kernelStartSeconds, totalSeconds: run.totalSeconds, peakRssMb: run.probes.peakRssMb ?? null, leakedTensors: leaked, ok, ...(run.error ? { error: run.error } : {}) });
  }
  return out;
}

function fmt(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || Number.isNaN(v) ? "—" : v.toFixed(digits);
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function printLite(lite: LiteFigures, tslab: NotebookFigures[]): void {
  const v = lite.firstVisit;
  const dl = (d: LiteFigures["firstVisit"]["untilReady"]): string => `${d.requests} requests, ${mb(d.bytes)} (${mb(d.gzipBytes)} gzipped)`;
  console.log(`\n4. Browser edition (npm run lite, the lessons with solutions; headless Chromium, backend ${lite.backend}):`);
  console.log(`   site: ${lite.site.dir}, ${mb(lite.site.bytes)} in ${lite.site.files} files`);
  console.log("   first visit (empty cache and storage), from navigation:");
  const row = (label: string, seconds: number, d?: LiteFigures["firstVisit"]["untilReady"]): void =>
    console.log(`     ${label.padEnd(40)} ${fmt(seconds).padStart(5)} s${d ? `   downloaded ${dl(d)}` : ""}`);
  row("app loaded", v.appSeconds);
  row("lesson 01 open, its first cell can run", v.readySeconds, v.untilReady);
  row("its first cell (the setup cell) ran", v.firstCellSeconds, v.untilFirstCell);
  row("the lesson ran top to bottom", v.lessonSeconds, v.wholeLesson);
  console.log(`     largest downloads: ${v.largest.map((l) => `${l.path} ${mb(l.bytes)}`).join(", ")}`);
  const c = lite.checker;
  if (!c) console.log("   type checker: did not start");
  else if ("error" in c) console.log(`   type checker: failed (${c.error}); cells ran unchecked`);
  else console.log(`   type checker (the first cell waits for it): ready ${fmt(c.readySeconds)} s after navigation (its worker: ${fmt(c.loadSeconds)} s fetching the .d.ts files, ${fmt(c.warmSeconds)} s parsing the lessons' imports); its files added ${dl(c.downloaded)}`);
  console.log("   every notebook top to bottom (browser: the app already loaded, the kernel's script cached; tslab: from section 2):");
  console.log("   notebook                          browser: kernel start  run all  total   tslab: top to bottom   browser/tslab   result");
  for (const n of lite.notebooks) {
    const t = tslab.find((x) => x.notebook === n.notebook);
    const total = n.kernelStartSeconds + n.runAllSeconds;
    const ratio = t && t.ok && t.totalSeconds > 0 ? `${(total / t.totalSeconds).toFixed(2)}×` : "—";
    const checks = Object.entries(n.checks).map(([k, c]) => `${c} ${k}`).join(", ");
    const result = n.failedCells || n.notRun ? `FAILED: ${n.failedCells} cells failed, ${n.notRun} not run` : `ok (checks: ${checks || "none"})`;
    console.log(`   ${n.notebook.padEnd(32)}  ${fmt(n.kernelStartSeconds).padStart(19)} s  ${fmt(n.runAllSeconds).padStart(5)} s  ${fmt(total).padStart(4)} s  ${fmt(t?.totalSeconds).padStart(19)} s  ${ratio.padStart(13)}   ${result}`);
  }
  console.log("   Kernel → Interrupt of `while (true) {}`, from the command to the stopped cell (target ≤ 2 s):");
  for (const i of lite.interrupt) {
    const how = i.isolated ? "page cross-origin isolated" : "page not isolated";
    const result = i.stopped && i.nextCellRan ? "stopped, the next cell ran" : `FAILED: stopped ${i.stopped}, next cell ran ${i.nextCellRan}`;
    console.log(`     ${how.padEnd(28)} ${`(${i.path ?? "?"})`.padEnd(18)} ${fmt(i.seconds, 2).padStart(5)} s  ${i.seconds <= 2 ? "≤ 2 s" : "over 2 s"}   ${result}`);
  }
  if (lite.interrupt.length < 2) console.log("     (isolated: not measured; the service worker did not control the page)");
  const sv = lite.secondVisit;
  if (!sv) console.log("   second visit: not measured (the service worker did not control the page)");
  else {
    console.log(`   second visit (the service worker in control), lesson 01 opened and run top to bottom in ${fmt(sv.seconds)} s: notebooks ${sv.notebooks.requests} requests, ${mb(sv.notebooks.bytes)}; everything else ${sv.other.requests} requests, ${mb(sv.other.bytes)}${sv.other.requests ? ` (${sv.otherPaths.join(", ")})` : " (target: nothing but the notebooks)"}`);
  }
}

const BENCH_USAGE = "npm run bench -- [--epochs N] [--json FILE] [--training-only | --lite] [--no-training] [--no-notebooks] [--no-lite]   (class grading: npm run bench -- --grading …)";

/** Which parts of the benchmark run, and where the figures go. */
interface BenchArgs {
  epochs: number;
  training: boolean;
  notebooks: boolean;
  lite: boolean;
  /** Where to write the figures as JSON, resolved against the caller's folder. */
  json?: string;
}

/** Reads the command line. Throws UsageError. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values: v, positionals } = parseCommandLine(argv, {
    epochs: { type: "string" },
    json: { type: "string" },
    lite: { type: "boolean" },
    "no-training": { type: "boolean" },
    "no-notebooks": { type: "boolean" },
    "no-lite": { type: "boolean" },
    "training-only": { type: "boolean" },
  });
  if (positionals.length) throw new UsageError(`npm run bench takes only options (got ${positionals.join(" ")})`);
  const epochs = positiveNumber("epochs", v.epochs) ?? 40;
  if (!Number.isInteger(epochs)) throw new UsageError("--epochs needs a whole number");
  // --lite: the browser edition only, with the notebooks' kernel times beside it.
  const liteOnly = v.lite ?? false;
  const trainingOnly = v["training-only"] ?? false;
  return {
    epochs,
    training: !v["no-training"] && !liteOnly,
    notebooks: liteOnly || (!v["no-notebooks"] && !trainingOnly),
    lite: liteOnly || (!v["no-lite"] && !trainingOnly),
    ...(v.json !== undefined ? { json: callerPath(v.json) } : {}),
  };
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  const epochs = args.epochs;
  const backend = await initBackend();
  console.log(`Backend: ${backend.tfName}${backend.reason ? ` (${backend.reason})` : ""}; Node ${process.version}; ${require("os").cpus().length} cores`);
  const report: Record<string, unknown> = { backend: backend.tfName };
  if (args.training) {
    const t = await benchTraining(epochs);
    report.training = t;
    console.log(`\n1. Digit model, ${epochs} epochs × ${Math.ceil(5000 / 32)} steps, batch 32 (same seed, same batches):`);
    console.log("   path         seconds   ms/step   final loss   training accuracy");
    for (const r of t) console.log(`   ${r.path.padEnd(11)}  ${fmt(r.seconds, 2).padStart(7)}   ${fmt(r.msPerStep, 3).padStart(7)}   ${fmt(r.finalLoss, 4).padStart(10)}   ${(100 * r.accuracy).toFixed(2)}%`);
    const [a, b] = t as [TrainingFigures, TrainingFigures];
    console.log(`   course path is ${(a.seconds / b.seconds).toFixed(2)}× faster; accuracy difference ${(100 * Math.abs(a.accuracy - b.accuracy)).toFixed(2)} points`);
  }
  let tslab: NotebookFigures[] = [];
  if (args.notebooks) {
    tslab = benchNotebooks();
    report.notebooks = tslab;
    console.log("\n2–3. Notebooks, each in a fresh kernel:");
    console.log("   notebook                          kernel start   top to bottom   peak memory   leaked tensors");
    for (const r of tslab) console.log(`   ${r.notebook.padEnd(32)}  ${fmt(r.kernelStartSeconds).padStart(10)} s  ${fmt(r.totalSeconds).padStart(12)} s  ${fmt(r.peakRssMb, 0).padStart(8)} MB  ${String(r.leakedTensors ?? "—").padStart(14)}${r.ok ? "" : `   FAILED: ${r.error ?? "a cell failed"}`}`);
  }
  if (args.lite) {
    const why = liteBenchUnavailable();
    if (why) console.log(`\n4. Browser edition: skipped, ${why}.`);
    else {
      const lite = await benchLite((s) => console.log(s));
      report.lite = lite;
      printLite(lite, tslab);
    }
  }
  if (args.json) fs.writeFileSync(args.json, JSON.stringify(report, null, 2) + "\n");
  return 0;
}

if (require.main === module) {
  runCommand(BENCH_USAGE, main).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}

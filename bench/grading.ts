/**
 * `npm run bench -- --grading [--class N] [--jobs J] [--check-timeout S] [--cell-timeout S] [--scores-only] [--shards]`:
 * builds a class of N lesson-01 submissions (a fixed mix: 5 in 10 right, 2
 * wrong, 2 unfinished, 1 stuck in an infinite loop) and grades it as
 * `npm run grade -- --out` does, with the pool's default number of jobs:
 *   1. scores only (--no-execute): seconds for all N, and per kind of submission;
 *   2. scores and the execution report: submissions per minute, and how much
 *      of the time was executing notebooks versus scoring them.
 *   3. with --shards: the same class as 2 shards graded side by side on this machine (`npm run grade --
 *      --shard i/2`, each with the default jobs) against phase 2's one run, then the merge, and the merge
 *      of 100 submissions (the shards' grades repeated under new ids: a merge's cost is in the data).
 * Each phase starts from an empty cache. Options default to the grader's.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gradeClass, mergeShards } from "../grading/class-grade";
import { readShards, shardOf, writeShardFile, type ShardFile } from "../grading/shard";
import { defaultJobs, type RunMemory } from "../grading/class-run";
import { DEFAULT_GRADE_OPTIONS, type GradeOptions, type NotebookGrade } from "../grading/types";
import { STUDENT_CELLS_DIR } from "../grading/grading-context";
import { declaredFunction, studentEdition } from "../editions/editions";
import { cellText, readNotebook, toSource, writeNotebook, type Notebook } from "../editions/notebook";
import { ROOT } from "../setup/jupyter";
import { callerPath, parseCommandLine, positiveNumber, runCommand, UsageError } from "../lib/runtime/command-line";

const SLUG = "01-logistic-regression";
const KINDS = ["right", "right", "right", "right", "right", "wrong", "wrong", "unfinished", "unfinished", "stuck"] as const;
type Kind = (typeof KINDS)[number];

function withExercise(nb: Notebook, fn: string, code: string): Notebook {
  const cell = nb.cells.find((c) => c.cell_type === "code" && declaredFunction(cellText(c)) === fn && cellText(c).includes("BEGIN SOLUTION"));
  if (!cell) throw new Error(`lesson ${SLUG} has no exercise ${fn}`);
  cell.source = toSource(code);
  return nb;
}

/** One submission of a kind. */
function submission(kind: Kind): Notebook {
  const source = readNotebook(path.join(ROOT, "notebooks", `${SLUG}.ipynb`));
  switch (kind) {
    case "right":
      return source;
    case "wrong":
      return withExercise(source, "sigmoid", "function sigmoid(z: number[]): number[] {\n    return z.map((v) => 1 / (1 + Math.exp(v)));\n}");
    case "unfinished":
      return studentEdition(source, `notebooks/${SLUG}.ipynb`);
    case "stuck":
      return withExercise(source, "gradientDescent", "function gradientDescent(X: number[][], y: number[], w: number[], b: number, alpha: number, numIters: number): { w: number[]; b: number; costHistory: number[] } {\n    while (true) {}\n}");
  }
}

/** Writes the class folder: one notebook file per student, s001.ipynb …; returns each student's kind. */
function buildClass(dir: string, n: number): Map<string, Kind> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const kinds = new Map<string, Kind>();
  for (let i = 0; i < n; i++) {
    const id = `s${String(i + 1).padStart(3, "0")}`;
    const kind = KINDS[i % KINDS.length] as Kind;
    // Each file differs (as real submissions do), so the grader's de-duplication does not kick in.
    const nb = submission(kind);
    nb.metadata.benchStudent = id;
    writeNotebook(path.join(dir, `${id}.ipynb`), nb);
    kinds.set(path.join(dir, `${id}.ipynb`), kind);
  }
  return kinds;
}

/**
 * Busy CPU seconds of the whole machine so far (Linux /proc/stat: user, nice,
 * system, irq, softirq), or null elsewhere. The grader's sandboxed processes
 * are not its children once bubblewrap has started them, so only the machine's
 * counters see them; on a shared machine the figure includes whatever else ran.
 */
function machineCpuSeconds(): number | null {
  try {
    const cpu = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const ticks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = cpu;
    return (user + nice + system + irq + softirq) / ticks;
  } catch {
    return null;
  }
}

interface Phase {
  seconds: number;
  /** Busy CPU seconds of the machine during the phase (null when not measurable). */
  cpuSeconds: number | null;
  /** How the sandboxes' memory was limited, each one's budget and the run's peak (grading/class-run.ts). */
  memory: RunMemory;
  perNotebook: { kind: Kind; seconds: number; executionSeconds: number }[];
}

async function phase(dir: string, out: string, opts: GradeOptions, jobs: number, kinds: Map<string, Kind>): Promise<Phase> {
  fs.rmSync(out, { recursive: true, force: true });
  const perNotebook: Phase["perNotebook"] = [];
  const started = Date.now();
  const cpu0 = machineCpuSeconds();
  const run = await gradeClass(dir, out, opts, {
    jobs,
    log: () => undefined,
    onGrade: (g: NotebookGrade, info) => perNotebook.push({ kind: kinds.get(g.path) as Kind, seconds: info.seconds, executionSeconds: g.execution?.seconds ?? 0 }),
  });
  const cpu1 = machineCpuSeconds();
  return { seconds: (Date.now() - started) / 1000, cpuSeconds: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0, memory: run.memory, perNotebook };
}

/** The peak memory of all the run's sandboxes at once, next to the most they may hold (jobs × one sandbox's budget). */
function memoryLine(m: RunMemory): string {
  const budget = `budget ${m.jobs} job(s) × ${m.jobBudgetMb} MB (a sandbox's ${m.budgetMb} MB and its cell warmer's) = ${m.jobs * m.jobBudgetMb} MB`;
  if (m.notLimited) return `   sandboxes' memory: not limited as a whole (${m.notLimited}); ${budget} per process only`;
  return `   sandboxes' memory (${m.limit}): peak ${m.peakMb ?? "not recorded"} MB of all at once; ${budget}`;
}

function byKind(p: Phase, field: "seconds" | "executionSeconds"): string {
  return [...new Set(KINDS)].map((k) => {
    const xs = p.perNotebook.filter((x) => x.kind === k).map((x) => x[field]);
    return xs.length ? `${k} ${(xs.reduce((s, v) => s + v, 0) / xs.length).toFixed(1)} s` : `${k} —`;
  }).join(", ");
}

/** Grades the class as 2 shards side by side (child processes, as on two machines); seconds until both end. */
async function shardedPhase(dir: string, out: string, opts: GradeOptions): Promise<number> {
  const grade = path.join(ROOT, "build", "grading", "grade.js");
  const flags = ["--check-timeout", String(opts.checkTimeout), "--cell-timeout", String(opts.cellTimeout), ...(opts.execute ? [] : ["--no-execute"])];
  const started = Date.now();
  await Promise.all([1, 2].map((i) => new Promise<void>((resolve, reject) => {
    fs.rmSync(`${out}-${i}`, { recursive: true, force: true });
    const child = spawn(process.execPath, [grade, ...flags, "--shard", `${i}/2`, "--out", `${out}-${i}`, dir], { stdio: "ignore" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`shard ${i}/2 exited with ${code}`))));
  })));
  return (Date.now() - started) / 1000;
}

/** Seconds to merge `n` submissions: the shards' students repeated under new ids, in 2 shard files. */
function mergeSeconds(shards: string[], n: number, scratch: string): number {
  const { students } = readShards(shards);
  const files: ShardFile[] = [1, 2].map((index) => ({ format: "course-shard-1", shard: { index, count: 2 }, students: [], problems: [], run: { graded: 0, cached: 0, identical: 0, gradedFiles: [], seconds: 0, memory: { limit: "none", notLimited: null, budgetMb: 0, jobBudgetMb: 0, jobs: 1, peakMb: null } } }));
  for (let i = 0; i < n; i++) {
    const s = students[i % students.length];
    if (!s) break;
    const student = `m${String(i + 1).padStart(4, "0")}`;
    files[shardOf(student, 2) - 1]?.students.push({ position: i, grades: { ...s, student } });
  }
  const dirs = files.map((f) => {
    const d = `${scratch}-in-${f.shard.index}`;
    fs.mkdirSync(d, { recursive: true });
    writeShardFile(d, f);
    return d;
  });
  const started = Date.now();
  mergeShards(dirs, `${scratch}-merged`);
  return (Date.now() - started) / 1000;
}

const BENCH_GRADING_USAGE = "npm run bench -- --grading [--class N] [--jobs N] [--check-timeout S] [--cell-timeout S] [--scores-only] [--shards] [--json FILE]";

/** What the grading benchmark was asked for. */
interface BenchGradingArgs {
  n: number;
  jobs: number;
  checkTimeout?: number;
  cellTimeout?: number;
  scoresOnly: boolean;
  shards: boolean;
  /** Where to write the figures as JSON, resolved against the caller's folder. */
  json?: string;
}

/** Reads the command line (`--grading` is bootstrap's switch to this benchmark). Throws UsageError. */
export function parseBenchGradingArgs(argv: readonly string[]): BenchGradingArgs {
  const { values: v, positionals } = parseCommandLine(argv, {
    grading: { type: "boolean" },
    class: { type: "string" },
    jobs: { type: "string" },
    "check-timeout": { type: "string" },
    "cell-timeout": { type: "string" },
    "scores-only": { type: "boolean" },
    shards: { type: "boolean" },
    json: { type: "string" },
  });
  if (positionals.length) throw new UsageError(`the grading benchmark takes only options (got ${positionals.join(" ")})`);
  const checkTimeout = positiveNumber("check-timeout", v["check-timeout"]);
  const cellTimeout = positiveNumber("cell-timeout", v["cell-timeout"]);
  return {
    n: positiveNumber("class", v.class) ?? 20,
    jobs: positiveNumber("jobs", v.jobs) ?? defaultJobs(),
    ...(checkTimeout !== undefined ? { checkTimeout } : {}),
    ...(cellTimeout !== undefined ? { cellTimeout } : {}),
    scoresOnly: v["scores-only"] ?? false,
    shards: v.shards ?? false,
    ...(v.json !== undefined ? { json: callerPath(v.json) } : {}),
  };
}

/** Runs the grading benchmark; returns its figures. */
async function benchGrading(args: BenchGradingArgs): Promise<Record<string, unknown>> {
  const { n, jobs } = args;
  const opts: GradeOptions = { ...DEFAULT_GRADE_OPTIONS, checkTimeout: args.checkTimeout ?? DEFAULT_GRADE_OPTIONS.checkTimeout, cellTimeout: args.cellTimeout ?? DEFAULT_GRADE_OPTIONS.cellTimeout, execute: false };
  const dir = path.join(ROOT, ".test-out", `bench-class-${n}`);
  const kinds = buildClass(dir, n);
  const mix = [...new Set(KINDS)].map((k) => `${[...kinds.values()].filter((x) => x === k).length} ${k}`).join(", ");
  console.log(`Grading benchmark: ${n} lesson-01 submissions (${mix}); ${jobs} job(s) on ${os.cpus().length} core(s); check limit ${opts.checkTimeout} s, cell limit ${opts.cellTimeout} s; load average ${os.loadavg().map((v) => v.toFixed(1)).join(" ")}`);

  const scores = await phase(dir, `${dir}-out`, opts, jobs, kinds);
  const busy1 = scores.perNotebook.reduce((s, x) => s + x.seconds, 0);
  console.log(`\n1. Scores only (--no-execute): ${scores.seconds.toFixed(1)} s for ${n} (${(scores.seconds / n).toFixed(2)} s per submission; ${(busy1 / scores.seconds).toFixed(2)} grading processes busy on average)`);
  console.log(`   mean per submission: ${byKind(scores, "seconds")}`);
  console.log(`   at this rate 100 submissions take ${((scores.seconds / n) * 100).toFixed(0)} s (target ≤ 120 s)`);
  const cores = os.cpus().length;
  if (scores.cpuSeconds !== null) console.log(`   machine CPU busy: ${scores.cpuSeconds.toFixed(1)} s in all = ${(scores.cpuSeconds / n).toFixed(2)} s per submission; on ${cores} idle core(s) 100 would take about ${((scores.cpuSeconds / n) * 100 / cores).toFixed(0)} s`);
  console.log(memoryLine(scores.memory));
  const report: Record<string, unknown> = { n, jobs, cores: os.cpus().length, loadavg: os.loadavg(), options: opts, scoresOnly: scores };
  if (!args.scoresOnly) {
    // As the first grading on a machine: the grader compiles the lesson's student edition for its cell cache.
    fs.rmSync(STUDENT_CELLS_DIR, { recursive: true, force: true });
    const full = await phase(dir, `${dir}-out`, { ...opts, execute: true }, jobs, kinds);
    const busy = full.perNotebook.reduce((s, x) => s + x.seconds, 0);
    const exec = full.perNotebook.reduce((s, x) => s + x.executionSeconds, 0);
    const perMinute = (n / full.seconds) * 60;
    console.log(`\n2. Scores and execution report: ${full.seconds.toFixed(1)} s for ${n} = ${perMinute.toFixed(1)} submissions/minute (target ≥ 20)`);
    console.log(`   of the grading processes' time, executing notebooks took ${((100 * exec) / busy).toFixed(0)}%, scoring ${((100 * (busy - exec)) / busy).toFixed(0)}%`);
    console.log(`   mean execution per submission: ${byKind(full, "executionSeconds")}`);
    if (full.cpuSeconds !== null) console.log(`   machine CPU busy: ${full.cpuSeconds.toFixed(1)} s in all = ${(full.cpuSeconds / n).toFixed(1)} s per submission; on ${cores} idle core(s) about ${((60 * cores) / (full.cpuSeconds / n)).toFixed(1)} submissions/minute`);
    console.log(memoryLine(full.memory));
    report.withExecution = { ...full, perMinute, executionShare: exec / busy };
    if (args.shards) {
      fs.rmSync(STUDENT_CELLS_DIR, { recursive: true, force: true });
      const sharded = await shardedPhase(dir, `${dir}-shard`, { ...opts, execute: true });
      const perMinuteSharded = (n / sharded) * 60;
      const mergeStarted = Date.now();
      mergeShards([`${dir}-shard-1`, `${dir}-shard-2`], `${dir}-merged`);
      const merge = (Date.now() - mergeStarted) / 1000;
      const merge100 = mergeSeconds([`${dir}-shard-1`, `${dir}-shard-2`], 100, `${dir}-merge100`);
      console.log(`\n3. 2 shards side by side on this machine: ${sharded.toFixed(1)} s for ${n} = ${perMinuteSharded.toFixed(1)} submissions/minute (1 run: ${perMinute.toFixed(1)}); merge ${merge.toFixed(2)} s; merge of 100 submissions ${merge100.toFixed(2)} s; load average ${os.loadavg().map((v) => v.toFixed(1)).join(" ")}`);
      report.sharded = { seconds: sharded, perMinute: perMinuteSharded, mergeSeconds: merge, merge100Seconds: merge100 };
    }
  }
  return report;
}

if (require.main === module) {
  runCommand(BENCH_GRADING_USAGE, async () => {
    const args = parseBenchGradingArgs(process.argv.slice(2));
    const report = await benchGrading(args);
    if (args.json) fs.writeFileSync(args.json, JSON.stringify(report, null, 2) + "\n");
    return 0;
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}

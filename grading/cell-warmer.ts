/**
 * The execution reports' cell warmer: one sandboxed process per grading job
 * (`node kernel/kernel.js --serve-cell-warms`, kernel/hooks/warm-server.js) that
 * compiles each submission's cells before its execution report, into a folder
 * of that submission's own, which its kernel's sandbox then shows as the
 * kernel's cell cache.
 *
 * Why: a kernel whose every cell is in its cache never builds a TypeScript
 * program; one that must compile even one cell builds it first (TypeScript's
 * lib and the declarations of TensorFlow.js and the library: ~1.5 s of a core).
 * The warmer builds it once per job and then pays only for each submission's
 * own new cells (its exercises, ~0.1 s each). A right lesson-01 submission's
 * execution report fell from ~5 to ~2.5 CPU-s (docs/grading.md).
 *
 * Trust: the warmer sees the same course as the execution report's kernel (no
 * solutions, no hidden checks, no other submissions' files) and compiles, never
 * runs, what it is given. It compiles one submission's cells at a time (and
 * keeps what it compiled, to hand the same compile to a later submission with
 * the same cell after the same declarations); the folder it fills for a
 * submission is shown to that submission's kernel only, and its entries are
 * keyed by the cells' own text and declarations, so none can stand for another
 * submission's cell. Whatever goes wrong (a crash, a
 * hang, a limit), the submission is executed with the student editions' cache
 * instead: slower, never different.
 */
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { killTree } from "./sandbox";
import { LineReader } from "./line-reader";

/** What the grader reads of the warmer's answer for one notebook (kernel/hooks/warm-server.js serveCellWarms). */
type WarmReply = Omit<import("../kernel/hooks/warm-server").WarmReply, "programs">;

/** What one warm gave: the folder for the kernel, and how the kernel compiles each cell. */
export interface WarmOutcome {
  /** The submission's compiled cells for its kernel, or null when the warm failed. */
  dir: string | null;
  /** Per code cell, in order: the kernel's compile errors; null when the warm failed. */
  errors: (string[] | null)[] | null;
  /** Why the warm failed ("" when it did not). */
  problem: string;
}

/** Longest answer line read (~60 bytes, plus each cell's first compile errors, each at most 500 characters). */
const REPLY_LIMIT = 8 * 1024 * 1024;

/** Failed warms in a row after which a warmer stops trying (each may cost its time limit). */
const MAX_FAILURES = 3;

export class CellWarmer {
  private child: ChildProcess | null = null;
  private waiting: ((line: string | null) => void) | null = null;
  private failures = 0;
  /** Why the last warm failed, for tests and diagnostics. */
  lastProblem = "";

  /**
   * @param spawnServer starts the sandboxed server, with `hostRoot` shown read-write as `insideRoot`
   * @param hostRoot folder on the host holding one sub-folder per submission
   * @param insideRoot the same folder as the server sees it
   * @param timeoutMs longest one notebook may take before the server is killed
   */
  constructor(
    private readonly spawnServer: () => ChildProcess,
    readonly hostRoot: string,
    private readonly insideRoot: string,
    private readonly timeoutMs: number,
  ) {}

  private start(): ChildProcess {
    const child = this.spawnServer();
    // Each server its own reader, and only the current one answers: a replaced server's last words are ignored.
    const lines = new LineReader(REPLY_LIMIT);
    child.stdout?.on("data", (d: Buffer) => {
      if (this.child !== child) return;
      for (const line of lines.push(d)) this.settle(line);
    });
    child.stderr?.resume();
    child.stdin?.on("error", () => undefined); // a server that died: its exit settles the request
    const gone = (): void => {
      killTree(child);
      if (this.child !== child) return;
      this.child = null;
      this.settle(null);
    };
    child.on("error", gone); // could not start (e.g. no process left under the limit)
    child.on("exit", gone);
    this.child = child;
    return child;
  }

  private settle(line: string | null): void {
    const w = this.waiting;
    this.waiting = null;
    w?.(line);
  }

  /**
   * Compiles `cells` (a notebook's code cells, in order) into a new folder
   * `<hostRoot>/<name>`, with every compiled cell the notebook's kernel will
   * look for, and says how the kernel compiles each cell. When the warm fails
   * (`problem` says why), `dir` and `errors` are null: the kernel should be
   * shown the usual cache instead. Never throws.
   */
  async warm(cells: string[], name: string): Promise<WarmOutcome> {
    if (this.failures >= MAX_FAILURES) {
      this.lastProblem = `the cell warmer failed ${MAX_FAILURES} times in a row and is off for this run`;
      return { dir: null, errors: null, problem: this.lastProblem };
    }
    const host = path.join(this.hostRoot, name);
    let problem = "";
    let errors: (string[] | null)[] | null = null;
    try {
      fs.rmSync(host, { recursive: true, force: true });
      const answer = await this.request(cells, name);
      if (typeof answer === "string") problem = answer;
      else errors = answer.errors;
      // What is mounted for the kernel must be the folder the server made, not a link it left elsewhere.
      if (!problem && !fs.lstatSync(host).isDirectory()) problem = "the cell warmer left no folder";
    } catch (err) {
      problem = `the cell warmer failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.lastProblem = problem;
    if (!problem) {
      this.failures = 0;
      return { dir: host, errors, problem };
    }
    this.failures++;
    this.release(host);
    return { dir: null, errors: null, problem };
  }

  /** Sends one request and waits for its answer; returns the reply, or what went wrong. */
  private async request(cells: string[], name: string): Promise<WarmReply | string> {
    const child = this.child ?? this.start();
    const answer = new Promise<string | null>((resolve) => {
      this.waiting = resolve;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.timeoutMs);
    });
    child.stdin?.write(`${JSON.stringify({ cells, dir: path.posix.join(this.insideRoot, name) })}\n`);
    const line = await Promise.race([answer, timeout]);
    clearTimeout(timer);
    if (line === "timeout") {
      this.waiting = null;
      this.stop();
      return `compiling the cells took over ${this.timeoutMs / 1000} s`;
    }
    if (line === null) return "the cell warmer stopped";
    let reply: unknown;
    try {
      reply = JSON.parse(line);
    } catch {
      return "the cell warmer answered something that is not JSON";
    }
    if (!reply || typeof reply !== "object") return "the cell warmer answered something that is not an object";
    const r = reply as Partial<WarmReply> & { error?: unknown };
    if (r.error !== undefined) return String(r.error);
    if (typeof r.compiled !== "number") return "the cell warmer's answer says nothing was compiled";
    // The verdicts decide what scoring runs: they must line up with the cells asked for, each a list of strings.
    const errors = r.errors;
    const wellFormed = Array.isArray(errors) && errors.length === cells.length && errors.every((e) => e === null || (Array.isArray(e) && e.every((x) => typeof x === "string")));
    if (!wellFormed) return "the cell warmer's answer has no compile verdict for each cell";
    return { compiled: r.compiled, cached: Number(r.cached) || 0, written: Number(r.written) || 0, errors: errors as (string[] | null)[] };
  }

  /** Removes a submission's folder once its kernel is done with it. Never throws. */
  release(host: string | null): void {
    if (!host) return;
    try {
      fs.rmSync(host, { recursive: true, force: true });
    } catch {
      // removed with the grading run's work folder at the end
    }
  }

  /** Stops the server (the next warm starts another). */
  stop(): void {
    const child = this.child;
    this.child = null;
    if (child) {
      child.stdin?.end();
      killTree(child);
    }
  }
}

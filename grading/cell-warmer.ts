/**
 * The execution reports' cell warmer: one sandboxed process per grading job
 * (`node setup/kernel.js --serve-cell-warms`, setup/kernel-speedups.js) that
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
 * runs, what it is given. It holds one submission's cells at a time; the
 * folder it fills for a submission is shown to that submission's kernel only,
 * and its entries are keyed by the cells' own text and declarations, so none
 * can stand for another submission's cell. Whatever goes wrong (a crash, a
 * hang, a limit), the submission is executed with the student editions' cache
 * instead: slower, never different.
 */
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { killTree } from "./sandbox";
import { LineReader } from "./line-reader";

/** What the warmer answers for one notebook (setup/kernel-speedups.js serveCellWarms). */
export interface WarmReply {
  compiled: number;
  cached: number;
  written: number;
}

/** Longest answer line read (they are ~60 bytes). */
const REPLY_LIMIT = 64 * 1024;

export class CellWarmer {
  private child: ChildProcess | null = null;
  private lines = new LineReader(REPLY_LIMIT);
  private waiting: ((line: string | null) => void) | null = null;
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
    this.lines = new LineReader(REPLY_LIMIT);
    child.stdout?.on("data", (d: Buffer) => {
      for (const line of this.lines.push(d)) this.settle(line);
    });
    child.stderr?.resume();
    child.stdin?.on("error", () => undefined); // a server that died: its exit settles the request
    child.on("exit", () => {
      if (this.child === child) this.child = null;
      killTree(child);
      this.settle(null);
    });
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
   * `<hostRoot>/<name>`, returned, with every compiled cell the notebook's
   * kernel will look for; null when the warm failed (`lastProblem` says why),
   * and the kernel should be shown the usual cache instead.
   */
  async warm(cells: string[], name: string): Promise<string | null> {
    const host = path.join(this.hostRoot, name);
    fs.rmSync(host, { recursive: true, force: true });
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
    let reply: Partial<WarmReply> & { error?: string } = {};
    if (line === "timeout") {
      this.lastProblem = `compiling the cells took over ${this.timeoutMs / 1000} s`;
      this.waiting = null;
      this.stop();
    } else if (line === null) {
      this.lastProblem = "the cell warmer stopped";
    } else {
      try {
        reply = JSON.parse(line) as typeof reply;
        this.lastProblem = reply.error ?? "";
      } catch {
        this.lastProblem = "the cell warmer answered something that is not JSON";
      }
    }
    if (this.lastProblem || typeof reply.compiled !== "number") {
      fs.rmSync(host, { recursive: true, force: true });
      return null;
    }
    return host;
  }

  /** Removes a submission's folder once its kernel is done with it. */
  release(host: string | null): void {
    if (host) fs.rmSync(host, { recursive: true, force: true });
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

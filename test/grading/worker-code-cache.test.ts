/**
 * The scoring worker loads TypeScript's compiler and TensorFlow.js through
 * V8's code cache: `worker-process.js --warm-code-cache` (run by the grader
 * outside the sandbox) writes it for the worker's Node flags, and a worker
 * started with the same flags then finds it instead of compiling them again.
 */
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers/notebooks";
import { workerCodeCacheFile } from "../../grading/worker-process";

const WORKER = path.join(ROOT, "build", "grading", "worker-process.js");
const CACHE = path.join(ROOT, "build", "lib", "cache", "v8");
// Flags no grading run uses, so this test's cache entry is its own (the cache is per flags).
const FLAGS = [`--max-old-space-size=${3000 + (process.pid % 1000)}`];
const before = new Set(fs.existsSync(CACHE) ? fs.readdirSync(CACHE) : []);

function warm(): { codeCacheHits: number; codeCacheWritten: number; typescript: string } {
  const r = spawnSync(process.execPath, [...FLAGS, WORKER, "--warm-code-cache"], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.split("\n").find((l) => l.startsWith("{")) ?? "") as { codeCacheHits: number; codeCacheWritten: number; typescript: string };
}

after(() => {
  // Only the entry this test wrote.
  for (const f of fs.existsSync(CACHE) ? fs.readdirSync(CACHE) : []) if (!before.has(f)) fs.rmSync(path.join(CACHE, f), { force: true });
});

describe("the scoring worker's code cache", () => {
  it("is written once for the workers' flags, then found by the next worker with those flags", () => {
    const first = warm();
    assert.match(first.typescript, /[\\/]node_modules[\\/]typescript[\\/]lib[\\/]typescript\.js$/, "the course's TypeScript, not tslab's");
    // TypeScript, and TensorFlow.js's seven dist bundles (tfjs, core, layers, converter, data, cpu, webgl).
    assert.deepEqual({ hits: first.codeCacheHits, written: first.codeCacheWritten }, { hits: 0, written: 8 });
    assert.ok(fs.existsSync(workerCodeCacheFile(FLAGS, "")), "the compiler's cache is where the grader looks before warming again");
    const added = fs.readdirSync(CACHE).filter((f) => !before.has(f));
    assert.equal(added.length, 8, "one cache file per script, for these flags");
    assert.ok(added.some((f) => fs.statSync(path.join(CACHE, f)).size > 1_000_000), "the compiler's holds MBs of compiled code");
    const second = warm();
    assert.deepEqual({ hits: second.codeCacheHits, written: second.codeCacheWritten }, { hits: 8, written: 0 });
  });
});

/**
 * The scoring worker's process, what the grader starts in the sandbox: it
 * loads the worker (worker.ts) through V8's code cache of the two large
 * scripts every worker needs, TypeScript's compiler (9 MB) and TensorFlow.js's
 * bundles (6 MB), which a worker would otherwise parse and compile again: one
 * starts per submission scored, and each saves ~0.3 s of a core.
 *
 *   node FLAGS worker-process.js                       one request on stdin (worker.ts)
 *   node FLAGS worker-process.js --warm-code-cache     writes the cache for FLAGS, prints what it did
 *
 * The grader runs `--warm-code-cache` outside the sandbox, once per flags (the
 * cache is per Node flags), before the first worker; inside the sandbox the
 * cache is read-only (build/lib is), and a worker without it only starts slower.
 */
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";

/** Where the code cache is kept: beside the kernel's (setup/kernel-speedups.js). */
const CODE_CACHE_DIR = path.join(ROOT, "build", "lib", "cache", "v8");
/** The scripts loaded through it: the course's TypeScript, and TensorFlow.js's dist bundles. */
const CACHED = /([\\/]node_modules[\\/]typescript[\\/]lib[\\/]typescript|[\\/]@tensorflow[\\/]tfjs[-\w]*[\\/]dist[\\/][\w.-]+)\.js$/;

interface Speedups {
  installCodeCache: (dir: string, pattern: RegExp) => () => void;
  status: { codeCacheHits: number; codeCacheWritten: number };
}

function main(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const speedups = require(path.join(ROOT, "setup", "kernel-speedups.js")) as Speedups;
  const saveCodeCache = speedups.installCodeCache(CODE_CACHE_DIR, CACHED);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const worker = require("./worker") as typeof import("./worker");
  if (!process.argv.includes("--warm-code-cache")) return worker.main();
  worker.warmUp();
  saveCodeCache();
  const { codeCacheHits, codeCacheWritten } = speedups.status;
  process.stdout.write(`${JSON.stringify({ codeCacheHits, codeCacheWritten, typescript: require.resolve("typescript") })}\n`);
  process.exit(0);
}

if (require.main === module) main();

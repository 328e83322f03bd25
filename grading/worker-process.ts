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

/** Where the code cache is kept: beside the kernel's (kernel/hooks/code-cache.js). */
const CODE_CACHE_DIR = path.join(ROOT, "build", "lib", "cache", "v8");

/** The kernel's code cache hook and the hooks' counters, from the course's sources (build/ is not where kernels load them). */
function codeCache(): typeof import("../kernel/hooks/code-cache") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(ROOT, "kernel", "hooks", "code-cache.js")) as typeof import("../kernel/hooks/code-cache");
}
function hookStatus(): typeof import("../kernel/hooks/state").status {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(ROOT, "kernel", "hooks", "state.js")) as typeof import("../kernel/hooks/state")).status;
}

/**
 * Where a worker started with Node `flags` and `nodeOptions` in NODE_OPTIONS
 * finds its cache of TypeScript's compiler: written by `--warm-code-cache`
 * with the same flags, so the grader checks it before running that.
 */
export function workerCodeCacheFile(flags: readonly string[], nodeOptions: string): string {
  return codeCache().codeCacheFile(CODE_CACHE_DIR, require.resolve("typescript"), flags, 0, nodeOptions);
}

function main(): void {
  const sp = codeCache();
  // The course's TypeScript (not tslab's), and TensorFlow.js's dist bundles.
  const saveCodeCache = sp.installCodeCache(CODE_CACHE_DIR, new RegExp(`([\\\\/]node_modules[\\\\/]typescript[\\\\/]lib[\\\\/]typescript|${sp.TFJS_BUNDLES})\\.js$`));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const worker = require("./worker") as typeof import("./worker");
  if (!process.argv.includes("--warm-code-cache")) return worker.main();
  worker.warmUp();
  saveCodeCache();
  const { codeCacheHits, codeCacheWritten } = hookStatus();
  process.stdout.write(`${JSON.stringify({ codeCacheHits, codeCacheWritten, typescript: require.resolve("typescript") })}\n`);
  process.exit(0);
}

if (require.main === module) main();

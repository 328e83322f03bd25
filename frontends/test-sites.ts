/**
 * What the browser tests serve, built once per `npm test` before the test files
 * start (setup/test.ts's preparation, like the kernel spec): the browser
 * edition's two sites (frontends/lite-app/: the student editions and the lessons as
 * written) and the course's JupyterLab build (frontends/jupyterlab-app/).
 *
 * Why here. test/browser/lite.test.ts and lite-work.test.ts serve the same
 * student site and run side by side: on a fresh clone both ran frontends/lite-app's
 * `npm ci` and the site build into the same folders at the same time (one
 * build's work thrown away, and two `npm ci` emptying one node_modules). Built
 * here, each file's own buildLite()/ensureLabApp() finds the stamp current and
 * only hashes its inputs; a file run alone (`npm test -- lite-work`) still
 * builds what it needs itself. Measured on a fresh clone (CPU seconds of every
 * process, 2 cores): the lite job 41 s (npm ci 27 s, both sites 14 s), the lab
 * job 56 s; the lite job ran twice before (two `npm ci`, two student sites).
 *
 *   node build/frontends/test-sites.js lite    # both lite sites into .test-out/
 *   node build/frontends/test-sites.js lab     # frontends/jupyterlab-app/build/
 *
 * setup/test.ts starts it as a child process (by path, not an import: a
 * student release has setup/test.ts but neither front end's build code).
 */
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import { buildLite } from "./lite";
import { ensureLabApp } from "./jupyterlab-app";

/** The browser tests' lite sites (the student site first: the solutions site copies its bundles). */
export const LITE_TEST_SITES = {
  student: path.join(ROOT, ".test-out", "lite-site"),
  solutions: path.join(ROOT, ".test-out", "lite-site-solutions"),
} as const;

/** A build this file makes ("lite": both lite sites; "lab": the course's JupyterLab); setup/test.ts names the same two. */
type SiteJob = "lite" | "lab";

/** Builds one job's sites in this process. */
function buildJob(job: SiteJob): void {
  if (job === "lite") {
    buildLite({ out: LITE_TEST_SITES.student, solutions: false }, () => undefined);
    buildLite({ out: LITE_TEST_SITES.solutions, solutions: true, reuse: LITE_TEST_SITES.student }, () => undefined);
    return;
  }
  // setup/test.ts asks for it only where `npm start -- --lab` serves the course's build (no JupyterLab installed).
  const r = ensureLabApp(() => undefined);
  if (!r.ok) throw new Error(r.message);
}

if (require.main === module) {
  const job = process.argv[2];
  if (job !== "lite" && job !== "lab") {
    console.error("usage: node build/frontends/test-sites.js lite|lab");
    process.exitCode = 2;
  } else {
    try {
      buildJob(job);
    } catch (err: unknown) {
      console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  }
}

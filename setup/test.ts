/**
 * `npm test`: makes sure a Python with nbclient and numpy, and Chromium for the
 * browser tests, are there (installing Debian's packages when root on Debian),
 * registers the course kernel, then runs every test file with Node's test runner.
 *
 *   npm test                       # everything
 *   npm test -- core               # only test files whose path contains "core"
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CHROMIUM, ensureChromium, ensureLabServer, findTestPython, installInstructions, installJupyter, jupyterEnv, probeAll, writeKernelSpec, ROOT } from "./jupyter";

function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith(".test.js") ? [p] : [];
  });
}

function main(): number {
  // Probing runs each candidate Python once; reused below unless an install changes what is there.
  let infos = probeAll();
  let python = process.env.COURSE_TEST_PYTHON ?? findTestPython(infos);
  if (!python) {
    console.log("No Python with nbclient and numpy found; trying to install them…");
    if (installJupyter()) {
      infos = probeAll();
      python = findTestPython(infos);
    }
    if (!python) {
      console.error(`✖ The tests run notebooks through Jupyter's nbclient and compute expected values with numpy.\n${installInstructions()}`);
      return 1;
    }
  }
  if (!ensureChromium()) {
    console.error(`✖ The browser tests need Chromium at ${CHROMIUM}: \`sudo apt-get install chromium\` (Debian/Ubuntu), or set COURSE_CHROMIUM to a Chromium or Chrome binary.`);
    return 1;
  }
  writeKernelSpec();
  const filters = process.argv.slice(2);
  const testRoot = path.join(ROOT, "build", "test");
  // Filters match the path under test/ (as the README says), not the absolute path: a
  // checkout in a folder named e.g. "class-grading" must not match every file for "grading/".
  const files = testFiles(testRoot).filter((f) => filters.length === 0 || filters.some((s) => `test/${path.relative(testRoot, f)}`.includes(s))).sort();
  if (files.length === 0) {
    console.error(`✖ no test files match ${filters.join(" ")}`);
    return 1;
  }
  if (files.some((f) => f.includes("front-ends"))) {
    // The JupyterLab browser suite serves the course's JupyterLab build where
    // JupyterLab is not installed. It is built by that suite's `npm start -- --lab`,
    // while the classic Notebook suite runs beside it.
    if (!ensureLabServer(infos)) {
      console.error("✖ The JupyterLab browser test needs JupyterLab, or jupyter_server + jupyterlab_server to serve the course's build: `sudo apt-get install python3-jupyterlab-server` (Debian/Ubuntu) or `python3 -m pip install --user jupyterlab`.");
      return 1;
    }
  }
  const env = { ...jupyterEnv(), COURSE_TEST_PYTHON: python };
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files], { cwd: ROOT, env, stdio: "inherit" });
  return r.status ?? 1;
}

process.exit(main());

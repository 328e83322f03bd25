/**
 * `npm test`: makes sure a Python with nbclient and numpy, and Chromium for the
 * browser tests, are there (installing Debian's packages when root on Debian),
 * registers the course kernel, then runs every test file with Node's test runner,
 * one more file at a time than there are cores (COURSE_TEST_CONCURRENCY changes
 * that), slowest first.
 *
 *   npm test                       # everything
 *   npm test -- 08-batch-norm      # one lesson: its tests, with the notebook conventions and expected-values staleness tests
 *   npm test -- core               # only test files whose path contains "core"
 *
 * Running files side by side is safe because no test file changes what another
 * reads: tests that edit the course (grading's data/expected attack, an
 * instructor's lib edit, a scaffolded lesson) do it in scratch copies
 * (test/helpers/course-copy.ts), and generated files have per-file names.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isRelease } from "../editions/release-manifest";
import { spawn } from "child_process";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import { CHROMIUM, ensureChromium, ensureLabServer, findTestPython, installInstructions, installJupyter, findJupyter, jupyterEnv, probeAll, startCellCacheWarm, warmKernelCaches, withProbes, writeKernelSpec, ROOT } from "./jupyter";
import { replaceExercises, studentEdition } from "../editions/editions";
import { codeSources, readNotebook } from "../editions/notebook";
import { lessonSlugs } from "../lib/lessons";
import { addResult, slowestFirst, timingTable, type TopLevelResult } from "./test-timings";

function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith(".test.js") ? [p] : [];
  });
}

/**
 * Files that take longest (each runs notebooks in real kernels), longest
 * first: starting the long ones first keeps every slot busy to the end
 * instead of leaving one long file running alone.
 */
const SLOWEST_FIRST = ["browser/", "tools/new-lesson", "lessons/05", "grading/", "lessons/", "setup/kernel-rebuild", "tools/expected", "notebooks.test"];

/** Test files in the order to start them: the slow ones (SLOWEST_FIRST) first, then the rest by name. */
export function startOrder(files: string[]): string[] {
  const rank = (f: string): number => {
    const i = SLOWEST_FIRST.findIndex((s) => f.split(path.sep).join("/").includes(s));
    return i < 0 ? SLOWEST_FIRST.length : i;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * The course-wide guards that a lesson's own tests do not cover: every
 * notebook's conventions (test/notebooks.test) and the expected values'
 * staleness against the oracle (test/tools/expected.test). A filter that names
 * a lesson runs them too, so `npm test -- NN-slug` catches a forgotten
 * `npm run expected` the way the whole suite does.
 */
const LESSON_GUARDS = ["test/notebooks.test.", "test/tools/expected.test."];

/** Whether a filter names a lesson: its number (`08`), its slug, or the start of its slug (`08-batch`). */
export function namesLesson(filter: string, slugs: readonly string[]): boolean {
  const f = filter.replace(/^(test\/)?lessons\//, "");
  return /^\d\d(-|$)/.test(f) && slugs.some((slug) => slug === f || slug.startsWith(f.length === 2 ? `${f}-` : f));
}

/**
 * The test files a run takes, as paths inside build/ (test/lessons/01-…):
 * without filters, every file but the student release's own suite (test/student/,
 * which test/lessons/ already covers in the course; a release runs it); with
 * filters, the files whose path contains one, plus LESSON_GUARDS when one names a lesson.
 */
export function selectTestFiles(files: readonly string[], filters: readonly string[], slugs: readonly string[], release: boolean): string[] {
  const rel = (f: string): string => f.split(path.sep).join("/");
  if (filters.length === 0) return files.filter((f) => release || !rel(f).startsWith("test/student/"));
  const guards = filters.some((f) => namesLesson(f, slugs));
  return files.filter((f) => filters.some((s) => rel(f).includes(s)) || (guards && LESSON_GUARDS.some((g) => rel(f).startsWith(g))));
}

/**
 * How many test files run at once: COURSE_TEST_CONCURRENCY, else one more than
 * the cores. Each file spends part of its time waiting (a kernel or browser
 * starting, a page polling for idle, Python starting): with two files on two
 * cores about a third of the CPU time went unused (fresh clone: 485 s of wall
 * time for ~650 s of CPU), and a third file fills it.
 */
function concurrency(): number {
  const raw = process.env.COURSE_TEST_CONCURRENCY;
  const n = raw === undefined ? os.cpus().length + 1 : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`COURSE_TEST_CONCURRENCY must be a whole number ≥ 1, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * Runs the files with Node's test runner, `concurrency` at a time, in the
 * given order (`node --test FILES` would sort them by name), with the spec
 * reporter; resolves to true when no test failed. With `timings`, adds each
 * file's seconds to it (setup/test-timings.ts).
 */
function runTestFiles(files: string[], concurrency: number, timings?: Map<string, number>): Promise<boolean> {
  return new Promise((resolve) => {
    let failed = false;
    const stream = run({ files, concurrency });
    stream.on("test:pass", (r: TopLevelResult) => timings && addResult(timings, r));
    stream.on("test:fail", (r: TopLevelResult) => {
      failed = true;
      if (timings) addResult(timings, r);
    });
    const out = stream.compose(new spec());
    out.pipe(process.stdout);
    out.on("end", () => resolve(!failed));
  });
}

/** A build the browser tests serve (frontends/test-sites.ts): the browser edition's sites, the course's JupyterLab. */
type SiteJob = "lite" | "lab";

/**
 * Which of those builds the selected test files serve (paths of the compiled
 * files). Every test/browser/lite*.test.js serves the lite sites (lite,
 * lite-work, and the browser files that land later: they build into the same
 * LITE_TEST_SITES folders).
 */
export function siteJobs(files: readonly string[]): SiteJob[] {
  const posix = files.map((f) => f.split(path.sep).join("/"));
  const jobs: SiteJob[] = [];
  if (posix.some((f) => /\/browser\/lite[^/]*\.test\.js$/.test(f))) jobs.push("lite");
  if (posix.some((f) => f.endsWith("/browser/front-ends.test.js") || f.endsWith("/setup/lab-settings.test.js"))) jobs.push("lab");
  return jobs;
}

/**
 * Builds what the browser tests serve once, before the files start (as the
 * kernel spec is written once): two of them serve the same lite site and ran
 * its npm ci and build into one folder at the same time. Each job runs
 * build/frontends/test-sites.js in a child process, side by side (each is mostly
 * one core). Started by path, not imported: a student release has this file
 * but not the front ends' build code (nor browser tests, so no jobs). Resolves
 * to the jobs that failed, with their output's last lines; a failed build is
 * not fatal here, since the test file that needs it builds again and fails
 * with the reason.
 */
function buildSites(jobs: readonly SiteJob[]): Promise<{ job: SiteJob; output: string }[]> {
  const script = path.join(ROOT, "build", "frontends", "test-sites.js");
  const one = (job: SiteJob): Promise<{ job: SiteJob; output: string } | null> =>
    new Promise((resolve) => {
      let output = "";
      const child = spawn(process.execPath, [script, job], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.on("error", (e) => resolve({ job, output: String(e) }));
      child.on("close", (code) => resolve(code === 0 ? null : { job, output: output.split("\n").slice(-20).join("\n") }));
    });
  return Promise.all(jobs.map(one)).then((r) => r.filter((f): f is { job: SiteJob; output: string } => f !== null));
}

/**
 * The lessons whose notebooks the selected test files run in the course's tslab
 * kernels, which compile their cells through the course's cell cache: a
 * lesson's own test file (its solution, student and wrong editions), and the
 * browser front ends' (JupyterLab and the classic Notebook run the lessons that
 * between them draw every kind of output, FRONT_END_LESSONS in
 * test/browser/jupyterlab-ui.ts; every lesson is warmed for them, so this file
 * need not know which). The whole suite selects both, so every lesson. (The
 * grader's kernels read a cache of their own, grading/warming.ts.)
 */
export function warmedLessons(files: readonly string[], slugs: readonly string[]): string[] {
  const posix = files.map((f) => f.split(path.sep).join("/"));
  if (posix.some((f) => f.endsWith("/browser/front-ends.test.js"))) return [...slugs];
  return lessonTestSlugs(files, slugs);
}

/** The lessons whose own test files (test/lessons/<slug>.test.js) are among `files`. */
export function lessonTestSlugs(files: readonly string[], slugs: readonly string[]): string[] {
  const posix = files.map((f) => f.split(path.sep).join("/"));
  return slugs.filter((slug) => posix.some((f) => f.endsWith(`/lessons/${slug}.test.js`)));
}

/**
 * Each lesson's wrong edition, as its test file runs it (lesson-contract.ts
 * assertWrongEditionFails): exercise or quiz answer name → the wrong code put
 * in its solution cell. Kept in a data file, not in the test files, so that npm
 * test can warm the cell cache with these editions too (wrongEditionCells).
 */
const WRONG_EDITIONS = path.join(ROOT, "test", "lessons", "wrong-editions.json");

/** A lesson's wrong-edition replacements (WRONG_EDITIONS); throws when the lesson has none. */
export function wrongEdition(slug: string): Record<string, string> {
  const all = JSON.parse(fs.readFileSync(WRONG_EDITIONS, "utf8")) as Record<string, Record<string, string>>;
  const replacements = all[slug];
  if (!replacements) throw new Error(`${path.relative(ROOT, WRONG_EDITIONS)} has no wrong edition of ${slug}`);
  return replacements;
}

/**
 * The code cells of the given lessons' wrong editions, which their test files
 * run in tslab kernels after the solution and student editions. Without them in
 * the warm, each wrong edition's kernel built a TypeScript program of its own to
 * compile the replaced cells (measured on the seven lesson files from an empty
 * cache: 99.9 CPU s with the wrong editions compiled by their kernels, 77.2 with
 * them cached). A lesson without a wrong edition (a release has no tests) is left out.
 */
export function wrongEditionCells(slugs: readonly string[]): string[][] {
  const cells: string[][] = [];
  for (const slug of slugs) {
    try {
      cells.push(codeSources(replaceExercises(readNotebook(path.join(ROOT, "notebooks", `${slug}.ipynb`)), wrongEdition(slug))));
    } catch {
      // no wrong edition or no notebook: its kernel compiles what it runs
    }
  }
  return cells;
}

/** Longest wait for the cell cache's warm before the test files start anyway (a kernel compiles what is missing). */
const CELL_WARM_WAIT_MS = 5 * 60_000;

/**
 * Fills the kernel's cell cache with these notebooks' cells (one process, one
 * TypeScript program for all: kernel/kernel.js --warm-cells), and resolves when
 * it is done, or after CELL_WARM_WAIT_MS (the warm is then stopped). Never
 * fails: a cell not cached is only compiled by the kernel that runs it.
 *
 * Awaited before the test files start, not run beside them: a kernel compiles a
 * cell the warm has not reached yet itself, so a warm running beside the first
 * files did all their compiling a second time (measured on a fresh clone:
 * lesson 05's file 20.8 s of CPU beside the warm, 19.6 s alone; the warm 20.4 s
 * beside it, 18.7 s alone). Done first, it builds one program where each
 * kernel would build its own: lesson 05's file then took ~10 s of CPU, and the
 * warm of every lesson and student edition costs about what two lessons'
 * kernels compile. It runs while the browser tests' sites are built.
 */
export function warmCells(notebooks: string[][]): Promise<void> {
  if (notebooks.length === 0) return Promise.resolve();
  const child = startCellCacheWarm(notebooks);
  if (!child) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill();
      resolve();
    }, CELL_WARM_WAIT_MS);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    child.on("close", done);
    child.on("error", done);
  });
}

async function main(): Promise<number> {
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
  writeKernelSpec();
  warmKernelCaches();
  const filters = process.argv.slice(2);
  // Filters match the path inside build/ (test/lessons/01-…), not the checkout's own folder name.
  const build = path.join(ROOT, "build");
  const inBuild = testFiles(path.join(build, "test")).map((f) => path.relative(build, f));
  const files = startOrder(selectTestFiles(inBuild, filters, lessonSlugs(), isRelease()).map((f) => path.join(build, f)));
  if (files.length === 0) {
    console.error(`✖ no test files match ${filters.join(" ")}`);
    return 1;
  }
  // Only the browser tests need Chromium (a student release has none).
  if (files.some((f) => f.includes(`${path.sep}browser${path.sep}`)) && !ensureChromium()) {
    console.error(`✖ The browser tests need Chromium at ${CHROMIUM}: \`sudo apt-get install chromium\` (Debian/Ubuntu), or set COURSE_CHROMIUM to a Chromium or Chrome binary.`);
    return 1;
  }
  if (files.map((f) => path.relative(ROOT, f)).some((f) => f.includes("front-ends") || f.includes("lab-settings"))) {
    // The JupyterLab browser suite (and the settings API test) serve the course's
    // JupyterLab build where JupyterLab is not installed. It is built by that suite's
    // `npm start -- --lab`, while the classic Notebook suite runs beside it.
    if (!ensureLabServer(infos)) {
      console.error("✖ The JupyterLab browser test needs JupyterLab, or jupyter_server + jupyterlab_server to serve the course's build: `sudo apt-get install python3-jupyterlab-server` (Debian/Ubuntu) or `python3 -m pip install --user jupyterlab`.");
      return 1;
    }
  }
  // Started before the sites are built, and awaited before the first test file starts (see warmCells).
  // As the front ends run them, and as the tests' notebook runner does (with its probe cells).
  const lessons = [...lessonCells(warmedLessons(files, lessonSlugs())), ...wrongEditionCells(lessonTestSlugs(files, lessonSlugs()))];
  const warming = warmCells([...lessons, ...lessons.map(withProbes)]);
  // The course's JupyterLab is built only where `npm start -- --lab` serves it (JupyterLab itself not installed).
  const jobs = siteJobs(files).filter((j) => j !== "lab" || findJupyter(infos, "lab")?.app === "course-lab");
  const [failedSites] = await Promise.all([buildSites(jobs), warming]);
  for (const f of failedSites) console.log(`⚠ building the ${f.job === "lite" ? "browser edition's sites" : "course's JupyterLab"} for the browser tests failed; the tests that serve it will build it again:\n${f.output}`);
  // The test files (run in child processes) inherit this environment and folder.
  Object.assign(process.env, jupyterEnv(), { COURSE_TEST_PYTHON: python });
  process.chdir(ROOT);
  const timings = new Map<string, number>();
  const ok = await runTestFiles(files, concurrency(), timings);
  const slowest = slowestFirst(timings, path.join(build, "test"));
  console.log(`\n${timingTable(slowest, 12)}`);
  fs.mkdirSync(path.join(ROOT, ".test-out"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, ".test-out", "test-timings.json"), JSON.stringify(slowest, null, 2) + "\n");
  return ok ? 0 : 1;
}

/**
 * The code cells of the given lessons (default: every lesson of the registry,
 * lib/lessons.ts) and of their student editions, the lessons the slowest test
 * files run first (SLOWEST_FIRST: 05, then 01 for grading) leading; what the
 * tests' kernels compile (warmCells).
 */
export function lessonCells(slugs: readonly string[] = lessonSlugs()): string[][] {
  const first = (slug: string): number => (slug.startsWith("05-") ? 0 : slug.startsWith("01-") ? 1 : 2);
  const cells: string[][] = [];
  for (const slug of [...slugs].sort((a, b) => first(a) - first(b))) {
    try {
      const nb = readNotebook(path.join(ROOT, "notebooks", `${slug}.ipynb`));
      cells.push(codeSources(nb), codeSources(studentEdition(nb, `notebooks/${slug}.ipynb`)));
    } catch {
      // missing, unreadable or no student edition (a release's notebooks are theirs already): its kernels compile it
    }
  }
  return cells;
}

if (require.main === module) {
  // exitCode, not exit(): the reporter's last lines are written before the process ends.
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}

/**
 * tools/release.ts: the student release holds no solution text, no hidden
 * checks or their expected values, no graded quiz key and no oracle; it is a
 * working project of its own (a fresh clone compiles and passes its own
 * tests); releasing again never overwrites a student's edited notebook.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadLesson, lessonCheckIds, lessonSlugs } from "../../lib/lessons";
import { studentEdition } from "../../editions/editions";
import { cellText, readNotebook, toSource, writeNotebook, type Cell, type Notebook } from "../../editions/notebook";
import { lessonPoints } from "../helpers/grading";
import { GENERIC_LINES, importClosure, releasedPaths, isLoopHeader, prunePackageLock, withoutDraftEntries, writeRelease, type ReleaseResult } from "../../tools/release";
import { courseSecrets, findSecretLeaks } from "../../tools/secret-scan";
import { readQuizKeys, type QuizKeyFile } from "../../grading/quiz-key-file";
import type { ExpectedFile } from "../../lib/checks";
import { MANIFEST_PATH, readReleaseManifest } from "../../editions/release-manifest";
import { ROOT } from "../helpers/notebooks";

const SCRATCH = fs.mkdtempSync(path.join(os.tmpdir(), "course-release-test-"));
// mkdtemp makes the folder private (0700); the grading sandbox runs as a uid of its own and must read the release inside it.
fs.chmodSync(SCRATCH, 0o755);
after(() => fs.rmSync(SCRATCH, { recursive: true, force: true }));

/** Every file under a folder, relative, '/'-separated (skipping .git, node_modules and build/). */
function filesUnder(dir: string, rel = ""): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return [".git", "node_modules", "build"].includes(e.name) ? [] : filesUnder(dir, r);
    return [r];
  });
}

const norm = (s: string): string => s.split(/\s+/).filter(Boolean).join(" ");
/** A file's text with string escapes of quotes and newlines undone (TypeScript strings, JSON), whitespace normalised. */
const searchable = (raw: string): string => norm(raw.replace(/\\n/g, "\n").replace(/\\(["'`\\])/g, "$1"));

/**
 * Every non-blank line between `// BEGIN SOLUTION` and `// END SOLUTION` in
 * the course's notebooks, whitespace-normalised, except trivia: lines shorter
 * than 12 characters (braces, `return x;`), counting-loop headers, and the
 * short generic statements tools/release.ts lists (asserted below to be few
 * and short). Lines the lessons show anyway outside their solution regions
 * (instructions in markdown, a comparison model in a demo cell) are public and
 * returned separately.
 */
function solutionLines(): { secret: string[]; shown: string[] } {
  const lines = new Set<string>();
  let publicText = "";
  for (const slug of lessonSlugs()) {
    const nb = readNotebook(path.join(ROOT, "notebooks", `${slug}.ipynb`));
    for (const cell of nb.cells) {
      let inside = false;
      for (const line of cellText(cell).split("\n")) {
        if (cell.cell_type === "code" && /^\s*\/\/ BEGIN SOLUTION\s*$/.test(line)) inside = true;
        else if (cell.cell_type === "code" && /^\s*\/\/ END SOLUTION\s*$/.test(line)) inside = false;
        else if (inside) lines.add(norm(line));
        else publicText += `${norm(line)}\n`;
      }
    }
  }
  const candidates = [...lines].filter((l) => l.length >= 12 && !isLoopHeader(l) && !GENERIC_LINES.has(l));
  return { secret: candidates.filter((l) => !publicText.includes(l)), shown: candidates.filter((l) => publicText.includes(l)) };
}

/** The solution lines found in a folder's files. */
function leaks(dir: string, secret: string[]): string[] {
  return filesUnder(dir).flatMap((f) => {
    const text = searchable(fs.readFileSync(path.join(dir, f), "utf8"));
    return secret.filter((l) => text.includes(l)).map((l) => `${f}: ${l}`);
  });
}

/** This process's environment without the test runner's NODE_TEST_CONTEXT. */
function withoutTestContext(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

let release: ReleaseResult;
const DIR = path.join(SCRATCH, "release");

before(() => {
  release = writeRelease(DIR);
});

describe("what a release copies of the grader", () => {
  it("is validate's import closure: every module on its path (found from the code), never the instructor's commands or keys", () => {
    const closure = importClosure(ROOT, ["grading/validate.ts", "grading/worker-process.ts", "grading/worker.ts"]);
    // Reached only through other modules: validate → grade-notebook → scoring → … → submitted-file.
    for (const f of ["grading/grade-notebook.ts", "grading/scoring.ts", "grading/submitted-file.ts", "grading/cgroup.ts", "editions/notebook.ts"]) assert.ok(closure.includes(f), f);
    for (const f of ["grading/grade.ts", "grading/class-run.ts", "grading/gradebook.ts", "bench/grading.ts"]) assert.ok(!closure.includes(f), f);
    assert.ok(closure.every((f) => /^(grading|setup|editions)\/[\w./-]+\.(ts|js)$/.test(f)), "code files only: no quiz key or hidden check");
    assert.ok(releasedPaths(ROOT).includes("grading/scoring-order.ts"));
  });
});

describe("what a release contains", () => {
  it("no line of any solution region appears in any released file", () => {
    const { secret, shown } = solutionLines();
    assert.ok(secret.length > 80, `the scan has the solutions to look for (${secret.length} lines)`);
    const files = filesUnder(DIR);
    assert.ok(files.length > 50 && files.some((f) => f.startsWith("lib/lessons/")) && files.some((f) => f.startsWith("notebooks/")));
    assert.deepEqual(leaks(DIR, secret), []);
    // Shown lines are in the student edition by the author's choice; they are few, and never a whole exercise.
    assert.ok(shown.length < 12, `lines the lessons show outside solutions: ${shown.join(" | ")}`);
  });

  it("the scan finds a solution line hidden in a TypeScript string or a notebook's JSON (it can fail)", () => {
    const { secret } = solutionLines();
    const probe = path.join(SCRATCH, "probe");
    fs.mkdirSync(probe, { recursive: true });
    const line = secret.find((l) => l.includes('"')) as string;
    assert.ok(line, "a solution line with a quote in it");
    fs.writeFileSync(path.join(probe, "hint.ts"), `export const hint = ${JSON.stringify(`try: ${line}`)};\n`);
    assert.deepEqual(leaks(probe, secret), [`hint.ts: ${line}`]);
  });

  it("the generic lines the scan ignores are few, short and ordinary statements", () => {
    assert.ok(GENERIC_LINES.size <= 8);
    for (const l of GENERIC_LINES) assert.ok(l.length <= 26, `${l} is short`);
  });

  it("no check hint tier contains code (what to compute and the common mistake, never the code)", () => {
    const code = /=>|\.map\(|tf\.(layers|sequential|train)|model\.compile|\w\(\{|\{\s*\w+:\s|Math\.\w+\(/;
    for (const slug of lessonSlugs()) {
      for (const def of loadLesson(slug).checker.definitions) {
        assert.ok(def.hints.length >= 2, `${def.id} has a conceptual hint and a more detailed one`);
        for (const hint of def.hints) {
          assert.ok(hint.length > 20, `${def.id} has a hint`);
          assert.doesNotMatch(hint, code, `${def.id}'s hint contains code: ${hint}`);
        }
      }
    }
  });

  it("copies whole rooms: every file of kernel/, editions/ and setup/ is released", () => {
    // Folders, not lists of their files: a file added to a room is released without anyone naming it.
    for (const room of ["kernel", "editions", "setup", "lib", "frontends/jupyterlab-app"]) assert.ok(releasedPaths(ROOT).includes(room), room);
    const released = new Set(filesUnder(DIR));
    const missing = ["kernel", "editions", "setup"].flatMap((room) => filesUnder(path.join(ROOT, room)).map((f) => `${room}/${f}`)).filter((f) => !released.has(f));
    assert.deepEqual(missing, []);
  });

  it("no hidden checks, no oracle, no solution notebooks, no instructor tools or tests", () => {
    const files = filesUnder(DIR);
    assert.deepEqual(files.filter((f) => !f.startsWith("notebooks/")).sort(), release.files, "besides the student's notebooks/, the release wrote exactly the files it lists in its manifest");
    const forbidden = files.filter((f) =>
      /^(oracle|docs)\//.test(f) || /^grading\/(hidden|grade\.ts|README)/.test(f) || /hidden/i.test(f) ||
      /^test\/(lessons|grading|tools|browser|setup)\//.test(f) || f === "test/notebooks.test.ts" || f === "test/helpers/lesson-contract.ts" ||
      /^tools\/(expected|new-lesson|release)\.ts$/.test(f) || f.startsWith("tools/templates/") || f.startsWith("bench/"));
    assert.deepEqual(forbidden, []);
    assert.deepEqual(files.filter((f) => f.endsWith(".py")).sort(), ["frontends/jupyterlab-app/course_lab.py", "kernel/run_notebook.py"]);
    for (const f of files.filter((x) => x.endsWith(".ipynb"))) assert.doesNotMatch(fs.readFileSync(path.join(DIR, f), "utf8"), /BEGIN SOLUTION|END SOLUTION/, f);
    for (const f of files.filter((x) => x.endsWith(".json"))) assert.doesNotMatch(fs.readFileSync(path.join(DIR, f), "utf8"), /\.hidden"/, `${f} has a hidden check`);
  });

  it("its notebooks/ are the student editions, each ending with how to validate it in the release", () => {
    for (const slug of lessonSlugs()) {
      const nb = readNotebook(path.join(DIR, "notebooks", `${slug}.ipynb`));
      assert.deepEqual(nb, studentEdition(readNotebook(path.join(ROOT, "notebooks", `${slug}.ipynb`)), `notebooks/${slug}.ipynb`, "notebooks"));
      assert.match(cellText(nb.cells.at(-1) as Cell), new RegExp(`^npm run validate -- notebooks/${slug}\\.ipynb$`, "m"));
      assert.deepEqual(readNotebook(path.join(DIR, ".release", "editions", `${slug}.ipynb`)), nb, "the pristine copy the release's tests run");
    }
    const manifest = readReleaseManifest(DIR);
    assert.ok(manifest);
    assert.deepEqual(Object.keys(manifest.lessons), lessonSlugs());
    for (const slug of lessonSlugs()) assert.deepEqual(manifest.lessons[slug]?.checks, lessonCheckIds(slug));
  });

  it("package.json offers start, test, build and validate, without instructor-only packages; the lock agrees with it (npm ls)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(DIR, "package.json"), "utf8")) as { scripts: Record<string, string>; devDependencies: Record<string, string>; dependencies: Record<string, string> };
    assert.deepEqual(Object.keys(pkg.scripts).sort(), ["build", "start", "test", "validate"]);
    assert.deepEqual(Object.keys(pkg.devDependencies).sort(), ["@types/node", "typescript"]);
    assert.ok(pkg.dependencies.tslab && pkg.dependencies["@tensorflow/tfjs"]);
    const lock = fs.readFileSync(path.join(DIR, "package-lock.json"), "utf8");
    assert.doesNotMatch(lock, /playwright/);
    const r = spawnSync("npm", ["ls", "--package-lock-only", "--all", "--offline"], { cwd: DIR, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, `npm ls: ${r.stderr}`);
  });

  it("the lock pruning keeps what the remaining packages need and drops the rest", () => {
    const lock = {
      name: "c", version: "1.0.0", lockfileVersion: 3,
      packages: {
        "": { name: "c", version: "1.0.0", dependencies: { a: "1" }, devDependencies: { pw: "1" } },
        "node_modules/a": { version: "1", dependencies: { b: "1" } },
        "node_modules/a/node_modules/b": { version: "1" },
        "node_modules/b": { version: "2" },
        "node_modules/pw": { version: "1", dependencies: { only: "1" } },
        "node_modules/only": { version: "1" },
      },
    };
    const pruned = prunePackageLock(lock, { name: "c-student", version: "1.0.0", dependencies: { a: "1" } });
    assert.deepEqual(Object.keys(pruned.packages), ["", "node_modules/a", "node_modules/a/node_modules/b"]);
    assert.equal(pruned.packages[""]?.devDependencies, undefined);
    assert.equal(pruned.name, "c-student");
  });

  it("a README with the two commands and what a student does; a .gitignore that keeps the student's notebooks", () => {
    const readme = fs.readFileSync(path.join(DIR, "README.md"), "utf8");
    for (const s of ["npm start", "npm test", "npm run validate -- notebooks/01-logistic-regression.ipynb", "notebooks/updates/", "Complete the exercises", "Run the checks", "Validate before submitting"]) assert.ok(readme.includes(s), `README mentions ${s}`);
    assert.doesNotMatch(readme, /\{\{|--solutions|npm run (grade|expected|student|new-lesson|release)/);
    const ignored = fs.readFileSync(path.join(DIR, ".gitignore"), "utf8").split("\n");
    assert.ok(ignored.includes("build/") && ignored.includes("node_modules/"));
    assert.ok(!ignored.some((l) => l.includes("notebooks")));
  });

  it("npm run release -- DIR writes the same release; a missing folder or an unknown option is a usage error", () => {
    const cli = path.join(ROOT, "build", "tools", "release.js");
    const dir = path.join(SCRATCH, "cli-release");
    const r = spawnSync(process.execPath, [cli, dir], { cwd: ROOT, encoding: "utf8", env: { ...process.env, INIT_CWD: ROOT } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readReleaseManifest(dir), release.manifest);
    for (const args of [[], ["--fast", dir]]) {
      const u = spawnSync(process.execPath, [cli, ...args], { cwd: ROOT, encoding: "utf8" });
      assert.equal(u.status, 2);
      assert.match(u.stderr, /usage: npm run release -- DIR/);
    }
  });

  it("refuses a folder that is neither empty nor a release, and a folder inside the course", () => {
    const other = path.join(SCRATCH, "other");
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, "thesis.tex"), "mine");
    assert.throws(() => writeRelease(other), /not empty and is not a student release/);
    assert.equal(fs.readdirSync(other).join(), "thesis.tex");
    assert.throws(() => writeRelease(path.join(ROOT, "release-out")), /inside the course/);
    assert.ok(!fs.existsSync(path.join(ROOT, "release-out")));
  });
});

/** A scratch copy of the course with what a release reads (and its quiz keys and hidden checks). */
function scratchCourse(name: string): string {
  const course = path.join(SCRATCH, name);
  for (const rel of [...releasedPaths(ROOT), "notebooks", "grading", "README.md", "package.json", "package-lock.json"]) {
    fs.cpSync(path.join(ROOT, rel), path.join(course, rel), { recursive: true, filter: (s) => !/node_modules|[/\\]build$/.test(s) });
  }
  return course;
}

/** Every file under a folder with its bytes. */
function contents(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f)).toString("base64")]));
}

describe("graded quiz keys and hidden expected values", () => {
  const graded = lessonSlugs().flatMap((slug) => Object.entries(readQuizKeys(slug)).map(([id, key]) => ({ slug, id, key })));

  it("no released file maps a graded quiz's id to its right option, or holds its explanations", () => {
    assert.ok(graded.length >= 7, `the graded questions (${graded.length})`);
    const secrets = courseSecrets();
    assert.equal(secrets.quiz.length, graded.length);
    assert.deepEqual(findSecretLeaks(DIR, secrets), []);
    // What a reader of the released expected values finds for each question: its options, no answer.
    for (const { slug, id } of graded) {
      const file = JSON.parse(fs.readFileSync(path.join(DIR, "data", "expected", `${slug}.json`), "utf8")) as ExpectedFile;
      for (const c of file.checks[id]?.cases ?? []) assert.deepEqual(Object.keys(c).sort(), ["args", "name"], `${id} in the release`);
    }
    assert.ok(!filesUnder(DIR).some((f) => f.startsWith("grading/quiz-keys/")), "no key file");
  });

  it("the released files do not depend on the keys: with every answer changed the release is byte-identical, so reading it earns what guessing earns", () => {
    const course = scratchCourse("course-other-keys");
    // Every graded question gets another right option and other explanations.
    for (const slug of lessonSlugs()) {
      const file = path.join(course, "grading", "quiz-keys", `${slug}.json`);
      if (!fs.existsSync(file)) continue;
      const doc = JSON.parse(fs.readFileSync(file, "utf8")) as QuizKeyFile;
      for (const key of Object.values(doc.keys)) {
        const options = Object.keys(key.feedback);
        const shift = (k: string): string => options[(options.indexOf(k) + 1) % options.length] as string;
        key.answer = Array.isArray(key.answer) ? key.answer.map(shift).sort() : shift(key.answer);
        key.feedback = Object.fromEntries(options.map((k) => [k, `another explanation of option ${k}`]));
      }
      fs.writeFileSync(file, JSON.stringify(doc));
    }
    const dir = path.join(SCRATCH, "release-other-keys");
    writeRelease(dir, course);
    assert.deepEqual(contents(dir), contents(DIR));
  });

  it("refuses to finish when a quiz key or a hidden expected value is planted in a released file; --hidden folders are searched too", () => {
    const course = scratchCourse("course-planted");
    const { slug, id, key } = graded.find((g) => g.slug === "03-activations") as (typeof graded)[number];
    const expectedFile = path.join(course, "data", "expected", `${slug}.json`);
    const original = fs.readFileSync(expectedFile, "utf8");
    // 1. The old leak: the right option stored as the quiz case's expected value.
    const doc = JSON.parse(original) as ExpectedFile;
    for (const c of doc.checks[id]?.cases ?? []) c.expected = key.answer;
    fs.writeFileSync(expectedFile, JSON.stringify(doc));
    assert.throws(() => writeRelease(path.join(SCRATCH, "planted-key"), course), (err: Error) => /grading secrets/.test(err.message) && err.message.includes(`data/expected/${slug}.json: a graded quiz question's right option (${id})`));
    fs.writeFileSync(expectedFile, original);
    // 2. A hidden check's expected value (grading/hidden-example/) in a library file.
    const hidden = JSON.parse(fs.readFileSync(path.join(ROOT, "grading", "hidden-example", "01-logistic-regression.json"), "utf8")) as ExpectedFile;
    const value = (hidden.checks["01.sigmoid.hidden"]?.cases[0]?.expected as number[])[0] as number;
    const planted = path.join(course, "lib", "runtime", "planted.ts");
    fs.writeFileSync(planted, `/** A test plant. */\nexport const PLANTED = ${value};\n`);
    assert.throws(() => writeRelease(path.join(SCRATCH, "planted-hidden"), course), (err: Error) => err.message.includes("lib/runtime/planted.ts: an expected value of a hidden check (01.sigmoid.hidden)"));
    // 3. An instructor's private hidden checks: found only when their folder is named with --hidden.
    const privateDir = path.join(SCRATCH, "private-hidden");
    fs.mkdirSync(privateDir, { recursive: true });
    const secret = 0.123456789012345;
    fs.writeFileSync(path.join(privateDir, "01-logistic-regression.json"), JSON.stringify({ lesson: "01-logistic-regression", checks: { "01.sigmoid.private": { fn: "sigmoid", points: 1, atol: 0, rtol: 1e-9, cases: [{ name: "x", args: [[1]], expected: [secret] }] } } }));
    fs.writeFileSync(planted, `/** A test plant. */\nexport const PLANTED = ${secret};\n`);
    writeRelease(path.join(SCRATCH, "planted-private-unnamed"), course);
    assert.throws(() => writeRelease(path.join(SCRATCH, "planted-private"), course, { hiddenDirs: [privateDir] }), (err: Error) => err.message.includes("(01.sigmoid.private)"));
  });

  it("the release's CLI takes --hidden DIR and refuses a folder that does not exist", () => {
    const cli = path.join(ROOT, "build", "tools", "release.js");
    const r = spawnSync(process.execPath, [cli, path.join(SCRATCH, "cli-hidden"), "--hidden", path.join(SCRATCH, "no-such-folder")], { cwd: ROOT, encoding: "utf8", env: { ...process.env, INIT_CWD: ROOT } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no hidden-checks folder/);
  });
});

describe("draft lessons", () => {
  it("a draft's registry entry is left out of the released lib/lessons.ts; an entry over several lines is refused", () => {
    const registry = 'export const LESSONS = [\n  { slug: "01-a", title: "A", optional: false },\n  { slug: "08-draft-thing", title: "Draft", optional: true, draft: true },\n];\n';
    assert.equal(withoutDraftEntries(registry, ["08-draft-thing"]), 'export const LESSONS = [\n  { slug: "01-a", title: "A", optional: false },\n];\n');
    assert.equal(withoutDraftEntries(registry, []), registry);
    assert.throws(() => withoutDraftEntries(registry.replace('title: "Draft",', 'title: "Draft",\n   '), ["08-draft-thing"]), /keep its registry entry on one line/);
  });
});

describe("releasing again after an instructor's update", () => {
  it("keeps the student's edited notebook byte for byte, puts the new edition in notebooks/updates/, updates unedited ones, removes stale files", () => {
    // A scratch copy of the course, so the lessons can be updated as an instructor would.
    const course = path.join(SCRATCH, "course");
    for (const rel of [...releasedPaths(ROOT), "notebooks", "README.md", "package.json", "package-lock.json"]) {
      fs.cpSync(path.join(ROOT, rel), path.join(course, rel), { recursive: true, filter: (s) => !/node_modules|[/\\]build$/.test(s) });
    }
    fs.writeFileSync(path.join(course, "lib", "runtime", "obsolete-helper.ts"), "/** Old. */\nexport const OLD = 1;\n");
    const dir = path.join(SCRATCH, "release-twice");
    const first = writeRelease(dir, course);
    assert.ok(first.files.includes("lib/runtime/obsolete-helper.ts"));

    // The student works on lesson 01 (and leaves 02 alone).
    const mine = path.join(dir, "notebooks", "01-logistic-regression.ipynb");
    const nb = readNotebook(mine);
    const exercise = nb.cells.find((c) => cellText(c).includes("sigmoid is not completed yet")) as Cell;
    exercise.source = toSource("function sigmoid(z: number[]): number[] {\n    return z; // my work in progress\n}");
    writeNotebook(mine, nb);
    const myBytes = fs.readFileSync(mine);

    // The instructor updates lessons 01 and 02, and removes a library file.
    const update = (slug: string): Notebook => {
      const file = path.join(course, "notebooks", `${slug}.ipynb`);
      const src = readNotebook(file);
      src.cells.splice(1, 0, { cell_type: "markdown", id: `update-${slug}`, metadata: {}, source: ["**Update:** a clearer explanation."] });
      writeNotebook(file, src);
      return src;
    };
    const new01 = update("01-logistic-regression");
    const new02 = update("02-dense-networks");
    fs.rmSync(path.join(course, "lib", "runtime", "obsolete-helper.ts"));

    const second = writeRelease(dir, course);
    const byFile = Object.fromEntries(second.notebooks.map((o) => [path.basename(o.file), o]));
    assert.equal(byFile["01-logistic-regression.ipynb"]?.action, "kept-edited");
    assert.equal(byFile["02-dense-networks.ipynb"]?.action, "updated");
    assert.equal(byFile["03-activations.ipynb"]?.action, "unchanged");
    assert.ok(fs.readFileSync(mine).equals(myBytes), "the student's notebook is byte-identical");
    assert.deepEqual(readNotebook(path.join(dir, "notebooks", "updates", "01-logistic-regression.ipynb")), studentEdition(new01, "notebooks/01-logistic-regression.ipynb", "notebooks"));
    assert.deepEqual(readNotebook(path.join(dir, "notebooks", "02-dense-networks.ipynb")), studentEdition(new02, "notebooks/02-dense-networks.ipynb", "notebooks"));
    assert.deepEqual(second.removed, ["lib/runtime/obsolete-helper.ts"]);
    assert.ok(!fs.existsSync(path.join(dir, "lib", "runtime", "obsolete-helper.ts")));
    const manifest = readReleaseManifest(dir);
    assert.notEqual(manifest?.lessons["01-logistic-regression"]?.generatedHash, first.manifest.lessons["01-logistic-regression"]?.generatedHash);
    assert.notEqual(manifest?.release, first.manifest.release);
  });
});

describe("a fresh clone of a release", () => {
  // The release folder as a student gets it: committed to git and cloned.
  // node_modules is a symlink to the main checkout's instead of `npm ci`:
  // the machine has no reliable registry access for a full install, the
  // release's lock has the same versions as the course's (npm ls above checks
  // it), and a real install takes minutes. Its lock file's time is set back so
  // that bootstrap sees the symlinked install as current and never runs
  // `npm ci` (which would empty the shared node_modules through the symlink).
  const clone = path.join(SCRATCH, "clone");
  const git = (args: string[], cwd: string): void => {
    const r = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@course", ...args], { cwd, encoding: "utf8" });
    assert.equal(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
  };

  before(() => {
    git(["init", "-q", "-b", "main"], DIR);
    git(["add", "-A"], DIR);
    git(["commit", "-qm", "release"], DIR);
    git(["clone", "-q", DIR, clone], SCRATCH);
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(clone, "node_modules"), "dir");
    fs.utimesSync(path.join(clone, "package-lock.json"), new Date(0), new Date(0));
  });

  it("the clone has every released file (the .gitignore drops none of them)", () => {
    assert.deepEqual(filesUnder(clone).filter((f) => f !== "node_modules").sort(), filesUnder(DIR).sort());
    assert.ok(fs.existsSync(path.join(clone, MANIFEST_PATH)));
  });

  it("refuses instructor commands with a clear message", () => {
    const r = spawnSync(process.execPath, ["setup/bootstrap.js", "grade", "x.ipynb"], { cwd: clone, encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /`grade` is an instructor command; this student release offers npm start, npm test, npm run build, npm run validate/);
  });

  it("compiles, and its own test command passes (the student-edition notebook test on lesson 01 only, to keep it fast)", () => {
    const marker = path.join(clone, "node_modules", ".package-lock.json");
    assert.ok(fs.statSync(path.join(clone, "package-lock.json")).mtimeMs + 1000 < fs.statSync(marker).mtimeMs, "bootstrap will not run npm ci on the shared node_modules");
    const r = spawnSync(process.execPath, ["setup/bootstrap.js", "test", "student/"], {
      cwd: clone,
      encoding: "utf8",
      // Without NODE_TEST_CONTEXT, which would make the nested test runner report to this one instead of printing.
      env: { ...withoutTestContext(), COURSE_TEST_LESSONS: "01-logistic-regression" },
      timeout: 10 * 60_000,
    });
    assert.equal(r.status, 0, `the release's npm test failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
    assert.ok(fs.existsSync(path.join(clone, "build", "lib", "lessons", "01-logistic-regression.js")), "the release built its own lib");
    assert.ok(fs.existsSync(path.join(clone, "build", "test", "student", "notebooks.test.js")));
    assert.match(r.stdout, /ℹ pass 1\n/);
    assert.match(r.stdout, /ℹ fail 0\n/);
  });

  it("npm start opens notebooks/ and writes no student/ folder; --solutions is refused", () => {
    const r = spawnSync(process.execPath, ["build/setup/start.js", "--dry-run"], { cwd: clone, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { url: string };
    assert.match(plan.url, /\/notebooks\/01-logistic-regression\.ipynb\?token=/);
    assert.doesNotMatch(plan.url, /student/);
    assert.ok(!fs.existsSync(path.join(clone, "student")), "npm start wrote nothing to student/");
    const s = spawnSync(process.execPath, ["build/setup/start.js", "--dry-run", "--solutions"], { cwd: clone, encoding: "utf8" });
    assert.equal(s.status, 1);
    assert.match(s.stderr, /has no solutions/);
  });

  it("npm run validate grades a release notebook with the release's own grader: current edition, 0 points, not completed; a quiz answer is recorded, right or wrong", () => {
    const json = path.join(SCRATCH, "validate-clone.json");
    // Lesson 03 with its quiz answered, rightly and wrongly: without the key (the instructor's) both are only recorded.
    const answered: string[] = [];
    for (const choice of ["c", "a"]) {
      const nb = readNotebook(path.join(clone, "notebooks", "03-activations.ipynb"));
      const cell = nb.cells.find((c) => /^const quizOutputActivation = /m.test(cellText(c))) as Cell;
      cell.source = toSource(`const quizOutputActivation = "${choice}";`);
      const file = path.join(clone, `quiz-${choice}.ipynb`);
      writeNotebook(file, nb);
      answered.push(file);
    }
    const r = spawnSync(process.execPath, ["build/grading/validate.js", "--no-execute", "--json", json, "notebooks/01-logistic-regression.ipynb", ...answered], {
      cwd: clone,
      encoding: "utf8",
      env: { ...process.env, INIT_CWD: clone },
      timeout: 5 * 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    type Grade = { score: number; maxScore: number; recordedPoints?: number; checks: { id: string; status?: string; points: number; message: string; cases?: unknown[] }[] };
    const [v, right, wrong] = (JSON.parse(fs.readFileSync(json, "utf8")) as { notebooks: { grade: Grade; edition: { status: string } }[] }).notebooks;
    assert.ok(v && right && wrong);
    assert.equal(v.edition.status, "current");
    assert.equal(v.grade.score, 0);
    assert.equal(v.grade.maxScore, lessonPoints("01-logistic-regression"));
    assert.deepEqual([...new Set(v.grade.checks.map((c) => c.message))], ["not completed yet"]);
    const quiz = (g: Grade) => g.checks.find((c) => c.id === "03.quiz.outputActivation");
    for (const g of [right.grade, wrong.grade]) {
      assert.equal(quiz(g)?.status, "recorded", JSON.stringify(quiz(g)));
      assert.equal(quiz(g)?.points, 0);
      assert.equal(g.recordedPoints, 1, "its point is pending, not lost");
    }
    assert.deepEqual(quiz(right.grade)?.cases?.map((c) => ({ ...(c as object), got: null, choice: null })), quiz(wrong.grade)?.cases?.map((c) => ({ ...(c as object), got: null, choice: null })), "right and wrong look the same without the key");
  });
});

/**
 * Every command parses its command line one way (lib/runtime/command-line.ts,
 * issue 27): an unknown flag or a flag without its value is refused with the
 * usage and exit code 2 before the command does anything, and every path
 * argument is resolved against the folder the command was typed in (INIT_CWD
 * under npm), not the course root npm runs scripts in.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";
import { callerPath, parseCommandLine, UsageError, USAGE_EXIT_CODE } from "../../lib/runtime/command-line";
import { parseGradeArgs } from "../../grading/grade";
import { parseValidateArgs } from "../../grading/validate";
import { parseGradescopeArgs } from "../../grading/gradescope";
import { parseGradescopeRunArgs } from "../../grading/gradescope-run";
import { parseBenchGradingArgs } from "../../bench/grading";
import { parseReleaseArgs } from "../../tools/release";
import { parseNewLessonArgs } from "../../tools/new-lesson";
import { parseStartArgs } from "../../setup/start";
import { parseLiteArgs } from "../../frontends/lite";
import { parseBenchArgs } from "../../bench/bench";
import { parseStudentArgs } from "../../setup/student";

/** Each command's compiled entry point (what setup/bootstrap.js runs for `npm run <command>`). */
const COMMANDS: Record<string, string> = {
  grade: "grading/grade.js",
  validate: "grading/validate.js",
  gradescope: "grading/gradescope.js",
  "gradescope-run": "grading/gradescope-run.js",
  "bench --grading": "bench/grading.js",
  release: "tools/release.js",
  "new-lesson": "tools/new-lesson.js",
  start: "setup/start.js",
  lite: "frontends/lite.js",
  bench: "bench/bench.js",
  student: "setup/student.js",
};

let caller = "";
const saved = { INIT_CWD: process.env.INIT_CWD, npm_package_json: process.env.npm_package_json };
/** What npm sets when it runs one of this course's scripts: the course's package.json, and where it was typed. */
const NPM_RUN = (): NodeJS.ProcessEnv => ({ INIT_CWD: caller, npm_package_json: path.join(ROOT, "package.json") });

before(() => {
  caller = fs.mkdtempSync(path.join(os.tmpdir(), "command-line-test-"));
  fs.mkdirSync(path.join(caller, "class"));
  fs.mkdirSync(path.join(caller, "hidden"));
  Object.assign(process.env, NPM_RUN());
});

after(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  fs.rmSync(caller, { recursive: true, force: true });
});

/** The UsageError a parse throws (fails the test when it throws nothing or something else). */
function usageError(parse: () => unknown): UsageError {
  try {
    parse();
  } catch (err) {
    assert.ok(err instanceof UsageError, `a UsageError, not ${String(err)}`);
    return err;
  }
  assert.fail("the command line was accepted");
}

const at = (...p: string[]): string => path.join(caller, ...p);

describe("parseCommandLine", () => {
  const flags = { json: { type: "string" }, hidden: { type: "string", multiple: true }, drafts: { type: "boolean" } } as const;

  it("reads switches, values (both spellings), repeated values and positionals", () => {
    const r = parseCommandLine(["a", "--json", "r.json", "--hidden=h1", "--hidden", "h2", "--drafts", "b"], flags);
    assert.deepEqual(r, { values: { json: "r.json", hidden: ["h1", "h2"], drafts: true }, positionals: ["a", "b"] });
  });

  it("refuses an unknown flag, a short flag, a value flag without its value, and a value given to a switch", () => {
    for (const argv of [["--nope"], ["-x"], ["a", "--json"], ["--json", "--drafts"], ["--drafts=yes"]]) {
      assert.equal(usageError(() => parseCommandLine(argv, flags)).exitCode, USAGE_EXIT_CODE, argv.join(" "));
    }
  });

  it("resolves a path against INIT_CWD when npm runs this course's script, else against the working folder", () => {
    assert.equal(callerPath("x/y.ipynb"), at("x", "y.ipynb"));
    assert.equal(callerPath("/abs/z"), "/abs/z");
    try {
      delete process.env.INIT_CWD;
      assert.equal(callerPath("y"), path.join(process.cwd(), "y"), "no INIT_CWD");
      // Started directly by something npm runs for another package (Gradescope's run_autograder under a test run).
      Object.assign(process.env, NPM_RUN(), { npm_package_json: path.join(caller, "package.json") });
      assert.equal(callerPath("y"), path.join(process.cwd(), "y"), "another package's INIT_CWD");
    } finally {
      Object.assign(process.env, NPM_RUN());
    }
  });
});

describe("every command refuses an unknown flag with its usage and exit code 2", () => {
  for (const [name, file] of Object.entries(COMMANDS)) {
    it(name, () => {
      const r = spawnSync(process.execPath, [path.join(ROOT, "build", file), "--no-such-flag"], { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, ...NPM_RUN() } });
      assert.equal(r.status, USAGE_EXIT_CODE, r.stderr);
      assert.ok(r.stderr.includes("--no-such-flag"), r.stderr);
      assert.equal(r.stdout, "", "nothing was done");
    });
  }
});

describe("every command resolves its path arguments against the caller's folder", () => {
  it("grade: notebooks, --json, --hidden; class mode --out and the class folder", () => {
    const single = parseGradeArgs(["--json", "r.json", "--hidden", "hidden", "--memory", "512", "a.ipynb", "sub/b.ipynb"]);
    assert.deepEqual([single.files, single.json, single.opts.hiddenDir, single.opts.memoryMb], [[at("a.ipynb"), at("sub", "b.ipynb")], at("r.json"), at("hidden"), 512]);
    const cls = parseGradeArgs(["--out", "out", "--jobs", "2", "class"]);
    assert.deepEqual([cls.files, cls.out, cls.jobs], [[at("class")], at("out"), 2]);
    const merged = parseGradeArgs(["--merge", "--out", "all", "s1", "s2"]);
    assert.deepEqual([merged.files, merged.out, merged.merge], [[at("s1"), at("s2")], at("all"), true]);
  });

  it("grade: the usage mistakes it refuses", () => {
    for (const argv of [[], ["--jobs", "0", "a.ipynb"], ["--jobs", "1.5", "--out", "o", "class"], ["--memory", "lots", "a.ipynb"], ["class"], ["--out", "o", "a.ipynb"], ["--merge", "s1"], ["--shard", "3/2", "--out", "o", "class"], ["--hidden", "no-such", "a.ipynb"]]) {
      assert.equal(usageError(() => parseGradeArgs(argv)).exitCode, USAGE_EXIT_CODE, argv.join(" "));
    }
  });

  it("validate", () => {
    assert.deepEqual(parseValidateArgs(["--json", "v.json", "--no-execute", "n.ipynb"]), { files: [at("n.ipynb")], json: at("v.json"), execute: false, withoutQuizKeys: false });
    usageError(() => parseValidateArgs([]));
  });

  it("gradescope", () => {
    assert.deepEqual(parseGradescopeArgs(["ag.zip", "--hidden", "hidden"]), { out: at("ag.zip"), hidden: at("hidden") });
    for (const argv of [["ag.tar"], ["ag.zip", "--hidden", "no-such"], ["a.zip", "b.zip"]]) usageError(() => parseGradescopeArgs(argv));
  });

  it("gradescope-run", () => {
    const r = parseGradescopeRunArgs(["sub", "results/results.json", "--hidden", "hidden"]);
    assert.deepEqual([r.submission, r.results, r.opts.hiddenDir], [at("sub"), at("results", "results.json"), at("hidden")]);
    for (const argv of [["sub"], ["sub", "r.json", "--hidden", "no-such"]]) usageError(() => parseGradescopeRunArgs(argv));
  });

  it("release", () => {
    assert.deepEqual(parseReleaseArgs(["rel", "--drafts", "--hidden", "hidden", "--hidden", "class"]), { target: at("rel"), drafts: true, hiddenDirs: [at("hidden"), at("class")] });
    for (const argv of [[], ["a", "b"], ["rel", "--hidden", "no-such"]]) usageError(() => parseReleaseArgs(argv));
  });

  it("lite", () => {
    const r = parseLiteArgs(["--out", "site", "--hidden", "hidden", "--serve", "--port", "8123"]);
    assert.deepEqual([r.out, r.hiddenDirs, r.serve, r.port], [at("site"), [at("hidden")], true, 8123]);
    for (const argv of [["--port", "http"], ["--hidden", "no-such"], ["site"]]) usageError(() => parseLiteArgs(argv));
  });

  it("bench and bench --grading: --json", () => {
    const b = parseBenchArgs(["--json", "b.json", "--training-only", "--epochs", "3"]);
    assert.deepEqual(b, { epochs: 3, training: true, notebooks: false, lite: false, json: at("b.json") });
    const g = parseBenchGradingArgs(["--grading", "--class", "4", "--jobs", "1", "--json", "g.json", "--scores-only"]);
    assert.deepEqual([g.n, g.jobs, g.json, g.scoresOnly, g.shards], [4, 1, at("g.json"), true, false]);
    usageError(() => parseBenchArgs(["--epochs", "many"]));
  });

  it("the commands without paths: start, new-lesson, student", () => {
    assert.deepEqual(parseStartArgs(["--dry-run", "--lab", "--port", "9000"]), { solutions: false, dryRun: true, only: "lab", port: 9000 });
    assert.deepEqual(parseNewLessonArgs(["08-x", "--title", "X", "--core"]), { slug: "08-x", flags: { title: "X", core: true } });
    for (const parse of [() => parseStartArgs(["--port"]), () => parseStartArgs(["x"]), () => parseNewLessonArgs([]), () => parseNewLessonArgs(["08-x", "--core", "--optional"]), () => parseStudentArgs(["x"])]) usageError(parse);
  });
});

/**
 * `npm run new-lesson -- NN-slug` scaffolds a lesson that passes the test
 * suite as generated. Done in a copy of the course, so the real tree is untouched.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { chooseEntry, defaultEntry, lessonFiles, registerLesson, scaffoldLesson } from "../../tools/new-lesson";
import { OUT, ROOT } from "../helpers/notebooks";
import { copyCourse } from "../helpers/course-copy";
import { buildInfoFiles } from "../helpers/build-info";

const COPY = path.join(OUT, "scaffold-course");
const SLUG = "98-scaffold-check";
const python = process.env.COURSE_TEST_PYTHON ?? "/usr/bin/python3";

before(() => {
  // Timestamps kept, so the copy's package-lock.json is not "newer" than node_modules (no needless npm ci).
  // build/ too, with its .tsbuildinfo: the copy then compiles only what the scaffold adds (tsc --incremental).
  copyCourse(COPY, ["package.json", "package-lock.json", "tsconfig.json", "LICENSE", "README.md", "lib", "setup", "kernel", "editions", "frontends", "bench", "tools", "test", "notebooks", "data", "oracle", "grading", "build"]);
});

describe("npm run new-lesson", () => {
  it("the copy's build state names the files its compile reads", () => {
    // test/helpers/build-info.ts: without it the copy's build below compiled the whole course again.
    const info = buildInfoFiles(JSON.parse(fs.readFileSync(path.join(COPY, "build", ".tsbuildinfo"), "utf8")) as object);
    assert.ok(info, "the build info lists its files (fileNames)");
    const named = info.fileNames.map((n) => path.resolve(COPY, "build", String(n)));
    const packages = named.filter((f) => f.startsWith(path.join(ROOT, "node_modules") + path.sep));
    assert.ok(packages.length > 100, "the packages' declarations are named where the copy's compile reads them (the checkout's node_modules)");
    assert.deepEqual(named.filter((f) => !fs.existsSync(f)), []);
    assert.deepEqual(named.filter((f) => !f.startsWith(COPY + path.sep) && !packages.includes(f)), [], "every other file is the copy's");
    // The browser kernel's type check finds nothing changed since the checkout's last clean check (null: not checked).
    const lite = spawnSync(process.execPath, [path.join(COPY, "frontends", "lite-app", "check-types.js"), "--if-changed", "--json"], { cwd: COPY, encoding: "utf8" });
    assert.equal(lite.status, 0, lite.stderr);
    assert.equal(lite.stdout.trim(), "null");
  });

  it("rejects a bad slug, a taken number and existing files, with a message", () => {
    assert.throws(() => scaffoldLesson("Lesson8", COPY, python), /not a lesson slug/);
    assert.throws(() => scaffoldLesson("01-other-thing", COPY, python), /lesson number 01 is taken/);
  });

  it("writes the notebook, lib module, oracle module, expected values and tests", () => {
    const written = scaffoldLesson(SLUG, COPY, python);
    const files = lessonFiles(SLUG, COPY);
    for (const f of Object.values(files)) assert.ok(fs.existsSync(f), `missing ${f}`);
    assert.equal(written.length, 5);
    assert.match(fs.readFileSync(path.join(COPY, "lib", "lessons.ts"), "utf8"), new RegExp(`\\{ slug: "${SLUG}", [^\\n]*, draft: true \\},\\n`), "the lesson is added to the registry, as a draft");
    assert.doesNotMatch(fs.readFileSync(files.lib, "utf8"), /\{\{\w+\}\}/, "every template placeholder is filled");
    assert.throws(() => scaffoldLesson(SLUG, COPY, python), /refusing to overwrite/);
  });

  it("the scaffolded lesson passes the test suite as generated (the test command, in the copy)", () => {
    // Build and test exactly as `npm test` does after its install step. npm itself is not run in the
    // copy: `npm ci` would empty the shared node_modules through the symlink.
    const build = spawnSync(process.execPath, [path.join(COPY, "kernel", "build-lib.js"), "--strict"], { cwd: COPY, encoding: "utf8" });
    assert.equal(build.status, 0, build.stderr);
    // The one single-lesson command the docs and the scaffold give: it adds the conventions and staleness tests itself.
    const r = spawnSync(process.execPath, [path.join(COPY, "build", "setup", "test.js"), SLUG], {
      cwd: COPY,
      encoding: "utf8",
      // NODE_TEST_CONTEXT would make the inner `node --test` skip its files (it is set for test subprocesses).
      // One file at a time inside: this test already holds one of the outer run's slots.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_TEST_CONTEXT")), JUPYTER_PATH: "", COURSE_TEST_CONCURRENCY: "1" },
      timeout: 8 * 60_000,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, out.slice(-3000));
    assert.match(out, /ℹ fail 0/);
    assert.match(out, new RegExp(`${SLUG}`));
    assert.match(out, /98\.scaleVector passes on the notebook's solution/);
    assert.match(out, /student edition: runs to the end and every check says not completed yet/);
    assert.match(out, /98\.scaleVector fails on a wrong implementation: adds instead of multiplies/);
  });

  it("the scaffolded lesson is a draft: the copy's release leaves it out, and includes it with --drafts", () => {
    // The copy's own build (the test above compiled it), so its registry, with the draft, is the one read.
    const release = (dir: string, ...flags: string[]): void => {
      const r = spawnSync(process.execPath, [path.join(COPY, "build", "tools", "release.js"), dir, ...flags], { cwd: COPY, encoding: "utf8", env: { ...process.env, INIT_CWD: COPY } });
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    };
    // The release copies frontends/jupyterlab-app's sources, which the course copy leaves out (its install and build are large).
    fs.cpSync(path.join(ROOT, "frontends", "jupyterlab-app"), path.join(COPY, "frontends", "jupyterlab-app"), { recursive: true, filter: (src) => !/[/\\](node_modules|build|static)$/.test(src) });
    const without = path.join(OUT, "scaffold-release");
    const withDrafts = path.join(OUT, "scaffold-release-drafts");
    for (const d of [without, withDrafts]) fs.rmSync(d, { recursive: true, force: true });
    release(without);
    release(withDrafts, "--drafts");
    const files = [`notebooks/${SLUG}.ipynb`, `lib/lessons/${SLUG}.ts`, `data/expected/${SLUG}.json`];
    const manifest = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, ".release", "manifest.json"), "utf8")) as { lessons: Record<string, unknown> };
    for (const f of files) assert.ok(!fs.existsSync(path.join(without, f)), `${f} is not released`);
    assert.ok(!fs.readFileSync(path.join(without, "lib", "lessons.ts"), "utf8").includes(SLUG), "nor its registry entry");
    assert.ok(!(SLUG in manifest(without).lessons));
    assert.ok("01-logistic-regression" in manifest(without).lessons);
    for (const f of files) assert.ok(fs.existsSync(path.join(withDrafts, f)), `${f} is released with --drafts`);
    assert.ok(fs.readFileSync(path.join(withDrafts, "lib", "lessons.ts"), "utf8").includes(SLUG));
    assert.ok(SLUG in manifest(withDrafts).lessons);
    for (const d of [without, withDrafts]) fs.rmSync(d, { recursive: true, force: true });
  });
});

describe("npm run new-lesson: the registry entry's title and optional flag", () => {
  it("defaults, without a terminal: the slug's title, optional", async () => {
    assert.deepEqual(defaultEntry("08-batch-norm"), { title: "Batch norm", optional: true });
    assert.deepEqual(await chooseEntry("08-batch-norm", {}, null), { title: "Batch norm", optional: true });
  });

  it("flags win, and contradicting flags are refused", async () => {
    assert.deepEqual(await chooseEntry("08-batch-norm", { title: "Batch normalization", core: true }, null), { title: "Batch normalization", optional: false });
    await assert.rejects(chooseEntry("08-batch-norm", { optional: true, core: true }, null), /contradict/);
  });

  it("on a terminal it asks for what the flags leave out; Enter keeps the default", async () => {
    const asked: string[] = [];
    const answers = ["Normalizing activations", "n"];
    const ask = async (q: string): Promise<string> => {
      asked.push(q);
      return answers.shift() ?? "";
    };
    assert.deepEqual(await chooseEntry("08-batch-norm", {}, ask), { title: "Normalizing activations", optional: false });
    assert.equal(asked.length, 2);
    assert.deepEqual(await chooseEntry("08-batch-norm", { core: true }, async () => ""), { title: "Batch norm", optional: false });
  });

  it("writes the chosen title and flag into the registry, as a draft, and refuses an unsafe title", () => {
    const root = fs.mkdtempSync(path.join(OUT, "registry-"));
    fs.mkdirSync(path.join(root, "lib"));
    fs.copyFileSync(path.join(ROOT, "lib", "lessons.ts"), path.join(root, "lib", "lessons.ts"));
    registerLesson("97-entry-check", root, { title: "Batch normalization", optional: false });
    assert.match(fs.readFileSync(path.join(root, "lib", "lessons.ts"), "utf8"), /\{ slug: "97-entry-check", title: "Batch normalization", optional: false, draft: true \},\n/);
    assert.throws(() => scaffoldLesson("96-unsafe-title", COPY, python, { title: 'Say "hi"', optional: true }), /cannot be used/);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

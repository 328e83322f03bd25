/**
 * `npm run release -- DIR`: writes the student course into DIR as a
 * self-contained project: the student editions as its notebooks/, the library
 * and its visible expected values, the Jupyter set-up, `npm run validate`, and
 * a student-facing test set. No solution text, hidden checks, oracle or
 * instructor tooling goes in (the list below is an allowlist), no draft
 * lesson (lib/lessons.ts, `draft: true`) unless asked (`--drafts`), and the
 * release refuses to finish if any solution line, graded quiz key or hidden
 * expected value is found in what it wrote (tools/secret-scan.ts).
 *
 * Releasing again into the same DIR updates the course files but never a
 * notebook the student has edited: the new edition goes to notebooks/updates/
 * (the rule of editions/editions.ts, generateStudentEditions).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cellText, readNotebook, writeNotebook } from "../editions/notebook";
import { generateStudentEditions, studentEdition, type EditionOutcome } from "../editions/editions";
import { EDITIONS_PATH, MANIFEST_PATH, readReleaseManifest, type ReleaseManifest, type ReleasedLesson } from "../editions/release-manifest";
import { SOLUTION_BEGIN, SOLUTION_END } from "../editions/declarations";
import { LESSONS, lessonCheckIds, lessonSlugs, publishedSlugs } from "../lib/lessons";
import { ROOT } from "../lib/runtime/paths";
import { callerPath, parseCommandLine, runCommand, UsageError } from "../lib/runtime/command-line";
import { courseSecrets, describeLeaks, findSecretLeaks } from "./secret-scan";

/**
 * What a release copies from the course, file or folder (relative to the
 * root). Everything else (notebooks with solutions, oracle/, grading/grade.ts
 * and hidden checks, docs for authors, the instructor tests) stays out.
 */
const RELEASED_PATHS: readonly string[] = [
  "LICENSE",
  "tsconfig.json",
  // Whole rooms: the course library and its expected values, the kernel (launcher, hooks, notebook runner),
  // notebook files and student editions (npm start, the grader's submission reader, the release stamp),
  // and the npm commands with finding Jupyter. A file added to one of them is released without a list naming it.
  "lib",
  "data/expected",
  "kernel",
  "editions",
  "setup",
  // Of the front ends, the course's JupyterLab build (npm start); not the browser edition (an instructor's build).
  "frontends/jupyterlab-app",
  "frontends/jupyterlab-app.ts",
  "frontends/npm-app.ts",
  "frontends/chromium.ts",
  // The student-facing tests: the student editions in a real kernel, and unit tests of lib that need no solutions.
  "test/student",
  "test/helpers/notebooks.ts",
  "test/checks/compare.test.ts",
  "test/checks/describe-model.test.ts",
  "test/checks/harness.test.ts",
  "test/checks/report.test.ts",
  "test/checks/stored-checks.test.ts",
  "test/course/data.test.ts",
  "test/runtime/backend.test.ts",
  "test/runtime/plot.test.ts",
  "test/training/fit.test.ts",
  "test/training/losses.test.ts",
  "test/training/tfjs-integer-labels-patch.test.ts",
];

/**
 * Where `npm run validate` starts: the grader's own code path, without the
 * instructor's commands (grade.ts, class runs, gradebooks). A release copies
 * these and every grading/ and setup/ module they import (releasedPaths).
 */
const VALIDATE_ENTRIES: readonly string[] = ["grading/validate.ts", "grading/worker-process.ts", "grading/worker.ts"];

/**
 * The grading/ and setup/ files `entries` import, directly or not (relative
 * imports and requires of .ts and .js files), themselves included: what
 * `npm run validate` needs, found from the code, so a new module on its path
 * is never left out of a release.
 */
export function importClosure(root: string, entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (rel: string): void => {
    if (seen.has(rel) || !/^(grading|setup|editions)\//.test(rel)) return;
    seen.add(rel);
    const text = fs.readFileSync(path.join(root, rel), "utf8");
    for (const m of text.matchAll(/(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1] as string));
      const file = [base, `${base}.ts`, `${base}.js`].find((f) => fs.existsSync(path.join(root, f)) && fs.statSync(path.join(root, f)).isFile());
      if (file) visit(file);
    }
  };
  for (const e of entries) visit(e);
  return [...seen].sort();
}

/** Every path a release copies from the course at `root`: RELEASED_PATHS and validate's import closure. */
export function releasedPaths(root: string): string[] {
  return [...new Set([...RELEASED_PATHS, ...importClosure(root, VALIDATE_ENTRIES)])];
}

/** Never copied from inside a released folder: installs, builds, caches. */
const SKIPPED_NAMES = new Set(["node_modules", "build", "__pycache__", ".ipynb_checkpoints"]);

/** Instructor-only npm packages: the browser tests' Playwright. */
const INSTRUCTOR_ONLY_PACKAGES: readonly string[] = ["playwright-core"];

/** The npm scripts of a release: the README's two commands, plus build and validate. */
const RELEASE_SCRIPTS: Record<string, string> = {
  start: "node setup/bootstrap.js start",
  test: "node setup/bootstrap.js test",
  build: "node setup/bootstrap.js build",
  validate: "node setup/bootstrap.js validate",
};

/** The .gitignore of a release: the student's notebooks are theirs to commit; builds and installs are not. */
const RELEASE_GITIGNORE = [
  "node_modules/",
  "build/",
  ".jupyter/",
  ".test-out/",
  ".grade-work/",
  ".ipynb_checkpoints/",
  "__pycache__/",
  "*.pyc",
  "frontends/jupyterlab-app/node_modules/",
  "frontends/jupyterlab-app/build/",
  "",
].join("\n");

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

interface LockEntry {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}

interface PackageLock {
  name: string;
  version: string;
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
  [key: string]: unknown;
}

/** The release's package.json: the course's, with the release's scripts and without instructor-only packages. */
function releasePackageJson(pkg: PackageJson): PackageJson {
  const devDependencies = Object.fromEntries(Object.entries(pkg.devDependencies ?? {}).filter(([name]) => !INSTRUCTOR_ONLY_PACKAGES.includes(name)));
  return {
    ...pkg,
    name: `${pkg.name}-student`,
    description: `${pkg.description ?? pkg.name} (student release)`,
    scripts: RELEASE_SCRIPTS,
    devDependencies,
  };
}

/**
 * The release's package-lock.json: the course's lock (same versions and
 * integrity hashes) with the root entry matching the release's package.json
 * and every package no longer reachable from it removed, so `npm ci` accepts it.
 */
export function prunePackageLock(lock: PackageLock, pkg: PackageJson): PackageLock {
  if (lock.lockfileVersion < 2) throw new Error(`package-lock.json has lockfileVersion ${lock.lockfileVersion}; the release needs version 2 or 3 (npm 7+)`);
  const root: LockEntry = { ...(lock.packages[""] ?? {}), name: pkg.name, version: pkg.version };
  for (const field of ["dependencies", "devDependencies", "optionalDependencies"] as const) {
    if (pkg[field] && Object.keys(pkg[field] as object).length) root[field] = pkg[field] as Record<string, string>;
    else delete root[field];
  }
  // Node's resolution: a dependency of the package at `from` is the nearest node_modules/<name> above it.
  const resolve = (from: string, name: string): string | null => {
    let dir = from;
    for (;;) {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      if (!dir) return null;
      const i = dir.lastIndexOf("/node_modules/");
      dir = i >= 0 ? dir.slice(0, i) : "";
    }
  };
  const keep = new Set<string>([""]);
  const queue: [string, LockEntry][] = [["", root]];
  while (queue.length) {
    const [where, entry] = queue.shift() as [string, LockEntry];
    const names = [entry.dependencies, entry.optionalDependencies, entry.peerDependencies, where === "" ? entry.devDependencies : undefined].flatMap((d) => Object.keys(d ?? {}));
    for (const name of names) {
      const found = resolve(where, name);
      if (found && !keep.has(found)) {
        keep.add(found);
        queue.push([found, lock.packages[found] as LockEntry]);
      }
    }
  }
  const packages = Object.fromEntries(Object.entries(lock.packages).filter(([k]) => keep.has(k)).map(([k, v]) => [k, k === "" ? root : v]));
  return { ...lock, name: pkg.name, version: pkg.version, packages };
}

/** Whitespace-normalised form of a line, as the leak scan compares them. */
function normaliseLine(line: string): string {
  return line.split(/\s+/).filter(Boolean).join(" ");
}

/** Every line inside a solution region of the course's notebooks, normalised (blank and very short lines left out). */
function solutionLines(notebooksDir: string, minLength = 12): Set<string> {
  const lines = new Set<string>();
  for (const name of fs.readdirSync(notebooksDir).filter((f) => /^\d\d-.*\.ipynb$/.test(f))) {
    for (const cell of readNotebook(path.join(notebooksDir, name)).cells) {
      if (cell.cell_type !== "code") continue;
      let inside = false;
      for (const line of cellText(cell).split("\n")) {
        if (SOLUTION_BEGIN.test(line)) inside = true;
        else if (SOLUTION_END.test(line)) inside = false;
        else if (inside && normaliseLine(line).length >= minLength) lines.add(normaliseLine(line));
      }
    }
  }
  return lines;
}

/**
 * The solution lines a release must not contain: those of solutionLines that
 * the lessons do not show anyway outside their solution regions (a markdown
 * cell's instructions, a comparison model in a demo cell: the student edition
 * itself has them).
 */
function secretSolutionLines(notebooksDir: string): Set<string> {
  const names = fs.readdirSync(notebooksDir).filter((f) => /^\d\d-.*\.ipynb$/.test(f));
  const publicText = names
    .map((name) => studentEdition(readNotebook(path.join(notebooksDir, name)), `notebooks/${name}`).cells.map((c) => searchableText(cellText(c))).join("\n"))
    .join("\n");
  return new Set([...solutionLines(notebooksDir)].filter((line) => !publicText.includes(line)));
}

/** Every file under a folder, relative and '/'-separated, skipping installs and builds. */
function listFiles(root: string, rel: string): string[] {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) throw new Error(`${rel} is a released path but does not exist in ${root}`);
  if (!fs.statSync(abs).isDirectory()) return [rel];
  return fs.readdirSync(abs, { withFileTypes: true })
    .filter((e) => !SKIPPED_NAMES.has(e.name))
    .flatMap((e) => listFiles(root, `${rel}/${e.name}`))
    .sort();
}

/** The release's README: the two commands and what a student does. */
function releaseReadme(courseReadme: string, slugs: string[]): string {
  const title = /^#\s+(.+)$/m.exec(courseReadme)?.[1] ?? "Neural Network Training";
  const template = fs.readFileSync(path.join(ROOT, "tools", "templates", "release-README.md"), "utf8");
  return template
    .replace(/\{\{title\}\}/g, title)
    .replace(/\{\{first\}\}/g, slugs[0] ?? "01-…")
    .replace(/\{\{lessons\}\}/g, slugs.map((s) => `   - \`notebooks/${s}.ipynb\``).join("\n"));
}

/**
 * The registry's text without the entries of `drafts`: a release's
 * lib/lessons.ts lists only the lessons it holds. An entry is one line (as
 * `npm run new-lesson` writes it); throws when a draft's slug is still there.
 */
export function withoutDraftEntries(registry: string, drafts: readonly string[]): string {
  let text = registry;
  for (const slug of drafts) {
    text = text.replace(new RegExp(`^[ \\t]*\\{[^\\n]*\\bslug: "${slug}"[^\\n]*\\},?[ \\t]*\\n`, "m"), "");
    if (text.includes(`"${slug}"`)) throw new Error(`cannot leave the draft lesson ${slug} out of lib/lessons.ts: keep its registry entry on one line ({ slug: "${slug}", …, draft: true },)`);
  }
  return text;
}

/** Options of a release. */
interface ReleaseOptions {
  /** Release draft lessons too (lib/lessons.ts, `draft: true`); they are left out otherwise. */
  drafts?: boolean;
  /** An instructor's hidden-check folders (never copied): the release refuses if one of their expected values is in it. */
  hiddenDirs?: readonly string[];
}

/** What one release did. */
export interface ReleaseResult {
  dir: string;
  files: string[];
  notebooks: EditionOutcome[];
  removed: string[];
  manifest: ReleaseManifest;
}

/**
 * Writes (or updates) the student release in `dir`. `sourceRoot` is the
 * course to release (the instructor's checkout). Throws, before writing, on a
 * folder that is neither empty nor a release, and after writing if a solution
 * line, a graded quiz key or a hidden expected value is found in a released file.
 */
export function writeRelease(dir: string, sourceRoot: string = ROOT, options: ReleaseOptions = {}): ReleaseResult {
  const out = path.resolve(dir);
  const src = path.resolve(sourceRoot);
  if (out === src || src.startsWith(out + path.sep)) throw new Error(`the release folder ${out} would contain the course itself; choose a folder outside ${src}`);
  if (out.startsWith(src + path.sep)) throw new Error(`the release folder ${out} is inside the course (${src}); choose a folder outside it`);
  const previous = fs.existsSync(out) ? readReleaseManifest(out) : null;
  if (fs.existsSync(out) && !previous && fs.readdirSync(out).filter((f) => f !== ".git").length > 0) {
    throw new Error(`${out} is not empty and is not a student release (no ${MANIFEST_PATH}); choose a new or empty folder, or the folder of an earlier release`);
  }
  fs.mkdirSync(out, { recursive: true });

  // Draft lessons stay out (their module, expected values, notebook and registry entry) unless asked.
  const slugs = publishedSlugs(LESSONS, options.drafts === true);
  const drafts = lessonSlugs().filter((s) => !slugs.includes(s));
  const draftFiles = new Set(drafts.flatMap((s) => [`lib/lessons/${s}.ts`, `data/expected/${s}.json`]));

  // Course files, copied byte for byte (the registry without its drafts).
  const written = new Set<string>();
  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    fs.writeFileSync(path.join(out, rel), text);
    written.add(rel);
  };
  for (const rel of releasedPaths(src).flatMap((p) => listFiles(src, p))) {
    if (draftFiles.has(rel)) continue;
    if (rel === "lib/lessons.ts" && drafts.length) {
      write(rel, withoutDraftEntries(fs.readFileSync(path.join(src, rel), "utf8"), drafts));
      continue;
    }
    const target = path.join(out, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(src, rel), target);
    written.add(rel);
  }
  const pkg = releasePackageJson(JSON.parse(fs.readFileSync(path.join(src, "package.json"), "utf8")) as PackageJson);
  write("package.json", JSON.stringify(pkg, null, 2) + "\n");
  const lock = JSON.parse(fs.readFileSync(path.join(src, "package-lock.json"), "utf8")) as PackageLock;
  write("package-lock.json", JSON.stringify(prunePackageLock(lock, pkg), null, 2) + "\n");
  write(".gitignore", RELEASE_GITIGNORE);
  write("README.md", releaseReadme(fs.readFileSync(path.join(src, "README.md"), "utf8"), slugs));

  // The student editions: notebooks/ is the student's (kept when edited), .release/editions/ the pristine copies.
  const sourceNotebooks = path.join(src, "notebooks");
  const notebooks = generateStudentEditions(sourceNotebooks, path.join(out, "notebooks"), "notebooks", slugs);
  const lessons: Record<string, ReleasedLesson> = {};
  const h = createHash("sha256");
  for (const slug of slugs) {
    const file = path.join(sourceNotebooks, `${slug}.ipynb`);
    if (!fs.existsSync(file)) throw new Error(`lesson ${slug} is in lib/lessons.ts but notebooks/${slug}.ipynb does not exist`);
    const edition = studentEdition(readNotebook(file), `notebooks/${slug}.ipynb`, "notebooks");
    const rel = `${EDITIONS_PATH.split(path.sep).join("/")}/${slug}.ipynb`;
    fs.mkdirSync(path.join(out, EDITIONS_PATH), { recursive: true });
    writeNotebook(path.join(out, rel), edition);
    written.add(rel);
    const generatedHash = (edition.metadata.course as { generatedHash: string }).generatedHash;
    lessons[slug] = { notebook: `notebooks/${slug}.ipynb`, generatedHash, checks: lessonCheckIds(slug) };
    h.update(`${slug}:${generatedHash}\n`);
  }

  const manifestRel = MANIFEST_PATH.split(path.sep).join("/");
  written.add(manifestRel);
  // Files an earlier release wrote that this one does not (a renamed module, say) would break the build: remove them.
  const removed = (previous?.files ?? []).filter((rel) => !written.has(rel) && fs.existsSync(path.join(out, rel)));
  for (const rel of removed) fs.rmSync(path.join(out, rel), { force: true });

  const manifest: ReleaseManifest = {
    course: pkg.name,
    version: pkg.version,
    release: h.digest("hex").slice(0, 16),
    lessons,
    files: [...written].sort(),
  };
  write(manifestRel, JSON.stringify(manifest, null, 2) + "\n");

  const leaks = findSolutionLeaks(out, secretSolutionLines(sourceNotebooks));
  if (leaks.length) {
    throw new Error(`solution text found in the release (${out}); do not publish it:\n${leaks.slice(0, 20).map((l) => `  ${l.file}: ${l.line}`).join("\n")}`);
  }
  // Graded quiz keys and hidden checks' expected values (of every lesson, drafts included).
  const secrets = findSecretLeaks(out, courseSecrets(src, options.hiddenDirs ?? [], lessonSlugs()));
  if (secrets.length) throw new Error(describeLeaks(secrets, `the release (${out})`));
  return { dir: out, files: [...written].sort(), notebooks, removed, manifest };
}

/**
 * Solution lines found in a release's files. Text is compared with its
 * whitespace normalised and string escapes of quotes undone, so a line quoted
 * inside a TypeScript string or a notebook's JSON is found too. `generic` are
 * lines that occur in the library's own code and reveal nothing (see the test).
 */
function findSolutionLeaks(dir: string, lines: Set<string>, generic: ReadonlySet<string> = GENERIC_LINES): { file: string; line: string }[] {
  const leaks: { file: string; line: string }[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED_NAMES.has(e.name) && e.name !== ".git") walk(r);
        continue;
      }
      const text = searchableText(fs.readFileSync(path.join(dir, r), "utf8"));
      for (const line of lines) if (!generic.has(line) && !isLoopHeader(line) && text.includes(line)) leaks.push({ file: r, line });
    }
  };
  walk("");
  return leaks;
}

/** A file's text as the leak scan searches it: `\"` → `"` (TypeScript strings, JSON) and whitespace normalised. */
function searchableText(raw: string): string {
  return normaliseLine(raw.replace(/\\n/g, "\n").replace(/\\(["'`\\])/g, "$1"));
}

/** `for (let i = 0; i < n; i++) {`: a counting loop's header says nothing about what the loop computes. */
export function isLoopHeader(line: string): boolean {
  return /^for \(let \w+ = 0; \w+ < [\w.]+; \w+\+\+\) \{$/.test(line);
}

/**
 * Solution lines that are also ordinary statements of the library's own code
 * (or its unit tests) and reveal nothing of an exercise: an empty result
 * array, a length, an epsilon, a branch on an option, a step counter, a flatten
 * layer, the max of a vector. Kept short and explicit; any other solution line
 * found in a release is a leak.
 */
export const GENERIC_LINES: ReadonlySet<string> = new Set([
  "tf.layers.flatten(),",
  "const out: number[] = [];",
  "const m = X.length;",
  "if (fromLogits) {",
  "const eps = 1e-7;",
  "state.t += 1;",
  "const m = Math.max(...z);",
]);

const RELEASE_USAGE = "npm run release -- DIR [--drafts] [--hidden HIDDEN_DIR]...   (DIR: a new or empty folder, or the folder of an earlier release)";

/** Reads the command line; every path is resolved against the caller's folder. Throws UsageError. */
export function parseReleaseArgs(argv: readonly string[]): { target: string; drafts: boolean; hiddenDirs: string[] } {
  const { values, positionals } = parseCommandLine(argv, { drafts: { type: "boolean" }, hidden: { type: "string", multiple: true } });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one release folder, please (got ${positionals.join(" ")})` : "no release folder given");
  const hiddenDirs = (values.hidden ?? []).map(callerPath);
  const missing = hiddenDirs.filter((d) => !fs.existsSync(d));
  if (missing.length) throw new UsageError(`no hidden-checks folder ${missing.join(", ")}`);
  return { target: callerPath(positionals[0] as string), drafts: values.drafts ?? false, hiddenDirs };
}

function main(argv: string[]): number {
  const { target, drafts, hiddenDirs } = parseReleaseArgs(argv);
  const r = writeRelease(target, ROOT, { drafts, hiddenDirs });
  for (const o of r.notebooks) {
    if (o.action === "kept-edited") console.log(`  kept    ${path.relative(r.dir, o.file)} (edited; the new edition is ${path.relative(r.dir, o.updateFile ?? "")})`);
    else if (o.action !== "unchanged") console.log(`  ${o.action.padEnd(7)} ${path.relative(r.dir, o.file)}`);
  }
  for (const f of r.removed) console.log(`  removed ${f} (no longer part of the course)`);
  const left = lessonSlugs().filter((s) => !(s in r.manifest.lessons));
  if (left.length) console.log(`  left out draft lesson(s) ${left.join(", ")} (release them with --drafts)`);
  console.log(`Student release ${r.manifest.release} written to ${r.dir}: ${r.files.length} files, ${Object.keys(r.manifest.lessons).length} lessons, no solution text, quiz key or hidden expected value found.`);
  console.log(`Next: cd ${r.dir} && npm test`);
  return 0;
}

if (require.main === module) {
  runCommand(RELEASE_USAGE, () => main(process.argv.slice(2))).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`✖ ${(err as Error).message}`);
      process.exit(1);
    },
  );
}

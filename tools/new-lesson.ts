/**
 * `npm run new-lesson -- NN-slug [--title TEXT] [--optional | --core]`:
 * scaffolds a lesson that passes the test suite as generated: the notebook
 * with the standard sections and one worked exercise (solution, check,
 * demonstration), its lib module, its oracle module and expected values, and
 * its tests. Replace the example exercise with yours (docs/authoring.md walks
 * through it).
 *
 * The registry entry's title and whether the lesson is optional are asked for
 * on a terminal when not given as flags; elsewhere (a script, CI) the defaults
 * apply and are printed: the title made from the slug, and optional.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline/promises";
import { parseCommandLine, runCommand, UsageError } from "../lib/runtime/command-line";
import { findTestPython, installInstructions } from "../kernel/python";
import { ROOT } from "../lib/runtime/paths";

/** The files a new lesson consists of. */
export function lessonFiles(slug: string, root = ROOT): Record<"notebook" | "lib" | "oracle" | "test" | "expected", string> {
  const nn = slug.slice(0, 2);
  const pyName = `lesson_${nn}_${slug.slice(3).replace(/-/g, "_")}.py`;
  return {
    notebook: path.join(root, "notebooks", `${slug}.ipynb`),
    lib: path.join(root, "lib", "lessons", `${slug}.ts`),
    oracle: path.join(root, "oracle", "lessons", pyName),
    test: path.join(root, "test", "lessons", `${slug}.test.ts`),
    expected: path.join(root, "data", "expected", `${slug}.json`),
  };
}

/** The default title: the slug's words, the first capitalised ("08-batch-norm" → "Batch norm"). */
function titleOf(slug: string): string {
  const t = slug.slice(3).split("-").join(" ");
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** What the registry says of a new lesson besides its slug. */
interface LessonEntry {
  title: string;
  /** Optional lessons are marked so in the course's table of lessons; core ones are the main path. */
  optional: boolean;
}

/** The registry entry when nothing is asked or given: the slug's title, optional (a new lesson starts outside the main path). */
export function defaultEntry(slug: string): LessonEntry {
  return { title: titleOf(slug), optional: true };
}

/** The scaffold's templates: real files in tools/templates/, with {{slug}}, {{nn}}, {{title}} and {{title_lower}} filled in. */
const TEMPLATES = path.join(ROOT, "tools", "templates");

/** A template with the lesson's names filled in. */
function fillTemplate(name: string, slug: string, title = titleOf(slug)): string {
  const values: Record<string, string> = { slug, nn: slug.slice(0, 2), title, title_lower: title.toLowerCase() };
  return fs.readFileSync(path.join(TEMPLATES, name), "utf8").replace(/\{\{(\w+)\}\}/g, (all, key: string) => values[key] ?? all);
}

/**
 * Adds the lesson to the registry (lib/lessons.ts), after the last entry, as a
 * draft: `npm run release` and `npm run lite` leave it out until `draft: true`
 * is deleted from its entry.
 */
export function registerLesson(slug: string, root = ROOT, entry: LessonEntry = defaultEntry(slug)): void {
  const file = path.join(root, "lib", "lessons.ts");
  const text = fs.readFileSync(file, "utf8");
  const end = text.indexOf("\n];", text.indexOf("export const LESSONS"));
  if (end < 0) throw new Error(`${file}: cannot find the end of the LESSONS list`);
  // JSON.stringify writes a valid TypeScript string literal for any title (quotes, backslashes).
  const line = `\n  { slug: "${slug}", title: ${JSON.stringify(entry.title)}, optional: ${entry.optional}, draft: true },`;
  fs.writeFileSync(file, text.slice(0, end) + line + text.slice(end));
}

/** Writes a new lesson into `root`; refuses to overwrite anything. Returns the files written. */
export function scaffoldLesson(slug: string, root = ROOT, python: string | null = findTestPython(), entry: LessonEntry = defaultEntry(slug)): string[] {
  if (!/^\d\d-[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(slug)) {
    throw new Error(`"${slug}" is not a lesson slug: use two digits, a dash and lowercase words joined by dashes, e.g. 08-batch-norm`);
  }
  const files = lessonFiles(slug, root);
  const existing = Object.values(files).filter((f) => fs.existsSync(f));
  const sameNumber = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.startsWith(`${slug.slice(0, 2)}-`)); // a file not (yet) in the registry takes the number too
  if (existing.length) throw new Error(`refusing to overwrite ${existing.map((f) => path.relative(root, f)).join(", ")}`);
  if (sameNumber.length) throw new Error(`lesson number ${slug.slice(0, 2)} is taken by ${sameNumber.join(", ")}`);
  if (!python) throw new Error(`the oracle needs a Python with numpy to compute expected values.\n${installInstructions()}`);
  // The title goes verbatim into a JSON notebook, a TypeScript comment and a Python docstring: keep to characters safe in all three.
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ,.:;!?()'&+\-–—]*$/u.test(entry.title)) {
    throw new Error(`the title ${JSON.stringify(entry.title)} cannot be used: one line of letters, digits, spaces and , . : ; ! ? ( ) ' & + - (no quotes, backslashes or braces)`);
  }
  fs.writeFileSync(files.notebook, fillTemplate("lesson-notebook.ipynb", slug, entry.title));
  fs.writeFileSync(files.lib, fillTemplate("lesson-module.ts.tmpl", slug, entry.title));
  fs.writeFileSync(files.oracle, fillTemplate("lesson-oracle.py.tmpl", slug, entry.title));
  fs.mkdirSync(path.dirname(files.test), { recursive: true });
  fs.writeFileSync(files.test, fillTemplate("lesson-test.ts.tmpl", slug, entry.title));
  registerLesson(slug, root, entry);
  const r = spawnSync(python, [path.join(root, "oracle", "expected.py"), "--lesson", slug], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`the oracle failed:\n${r.stdout}${r.stderr}`);
  return Object.values(files);
}

const USAGE = "npm run new-lesson -- NN-slug [--title TEXT] [--optional | --core]   (e.g. npm run new-lesson -- 08-batch-norm --title \"Batch normalization\" --core)";

/**
 * The registry entry from the flags, asking on a terminal for what they leave
 * out (Enter keeps the default shown in brackets). `ask` is null when there is
 * no terminal: the defaults apply.
 */
export async function chooseEntry(slug: string, flags: { title?: string; optional?: boolean; core?: boolean }, ask: ((question: string) => Promise<string>) | null): Promise<LessonEntry> {
  if (flags.optional && flags.core) throw new Error("--optional and --core contradict each other: give one");
  const base = defaultEntry(slug);
  let title = flags.title ?? base.title;
  let optional = flags.core ? false : flags.optional ? true : base.optional;
  if (ask && flags.title === undefined) title = (await ask(`Title of the lesson [${base.title}]: `)).trim() || base.title;
  if (ask && !flags.core && !flags.optional) {
    const a = (await ask("Optional lesson (outside the main path)? [Y/n]: ")).trim().toLowerCase();
    optional = !(a === "n" || a === "no");
  }
  return { title, optional };
}

/** Reads the command line. Throws UsageError. */
export function parseNewLessonArgs(argv: readonly string[]): { slug: string; flags: { title?: string; optional?: boolean; core?: boolean } } {
  const { values, positionals } = parseCommandLine(argv, { title: { type: "string" }, optional: { type: "boolean" }, core: { type: "boolean" } });
  const [slug, ...extra] = positionals;
  if (!slug || extra.length) throw new UsageError(slug ? `one lesson slug, please (got ${positionals.join(" ")})` : "no lesson slug given");
  if (values.optional && values.core) throw new UsageError("--optional and --core contradict each other: give one");
  return { slug, flags: values };
}

async function main(): Promise<number> {
  const { slug, flags } = parseNewLessonArgs(process.argv.slice(2));
  const terminal = process.stdin.isTTY && process.stdout.isTTY ? readline.createInterface({ input: process.stdin, output: process.stdout }) : null;
  try {
    const entry = await chooseEntry(slug, flags, terminal ? (q) => terminal.question(q) : null);
    terminal?.close();
    const written = scaffoldLesson(slug, ROOT, findTestPython(), entry);
    console.log(`Lesson ${slug} created:\n${written.map((f) => `  ${path.relative(ROOT, f)}`).join("\n")}`);
    console.log(`Registered as ${JSON.stringify(entry.title)}, ${entry.optional ? "optional (--core for a core lesson)" : "core"}, a draft; change either in its entry in lib/lessons.ts.`);
    console.log(`\nNext: replace the example exercise (docs/authoring.md), then \`npm run expected\` and \`npm test -- ${slug}\`.`);
    console.log(`It is a draft: npm start and the tests include it, npm run release and npm run lite leave it out (unless --drafts).`);
    console.log(`To publish it, delete \`draft: true\` from its entry in lib/lessons.ts.`);
    return 0;
  } catch (err) {
    terminal?.close();
    console.error(`✖ ${(err as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  runCommand(USAGE, main).then((code) => {
    process.exitCode = code;
  });
}

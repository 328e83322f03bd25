/**
 * `npm run new-lesson -- NN-slug`: scaffolds a lesson that passes the test
 * suite as generated: the notebook with the standard sections and one worked
 * exercise (solution, check, demonstration), its lib module, its oracle module
 * and expected values, and its tests. Replace the example exercise with yours
 * (docs/authoring.md walks through it).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { findTestPython, installInstructions, ROOT } from "../setup/jupyter";

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

function titleOf(slug: string): string {
  const t = slug.slice(3).split("-").join(" ");
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** The scaffold's templates: real files in tools/templates/, with {{slug}}, {{nn}}, {{title}} and {{title_lower}} filled in. */
export const TEMPLATES = path.join(ROOT, "tools", "templates");

/** A template with the lesson's names filled in. */
export function fillTemplate(name: string, slug: string): string {
  const title = titleOf(slug);
  const values: Record<string, string> = { slug, nn: slug.slice(0, 2), title, title_lower: title.toLowerCase() };
  return fs.readFileSync(path.join(TEMPLATES, name), "utf8").replace(/\{\{(\w+)\}\}/g, (all, key: string) => values[key] ?? all);
}

/**
 * Adds the lesson to the registry (lib/lessons.ts), after the last entry, as a
 * draft: `npm run release` and `npm run lite` leave it out until `draft: true`
 * is deleted from its entry.
 */
export function registerLesson(slug: string, root = ROOT): void {
  const file = path.join(root, "lib", "lessons.ts");
  const text = fs.readFileSync(file, "utf8");
  const end = text.indexOf("\n];", text.indexOf("export const LESSONS"));
  if (end < 0) throw new Error(`${file}: cannot find the end of the LESSONS list`);
  const entry = `\n  { slug: "${slug}", title: "${titleOf(slug)}", optional: true, draft: true },`;
  fs.writeFileSync(file, text.slice(0, end) + entry + text.slice(end));
}

/** Writes a new lesson into `root`; refuses to overwrite anything. Returns the files written. */
export function scaffoldLesson(slug: string, root = ROOT, python: string | null = findTestPython()): string[] {
  if (!/^\d\d-[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(slug)) {
    throw new Error(`"${slug}" is not a lesson slug: use two digits, a dash and lowercase words joined by dashes, e.g. 08-batch-norm`);
  }
  const files = lessonFiles(slug, root);
  const existing = Object.values(files).filter((f) => fs.existsSync(f));
  const sameNumber = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.startsWith(`${slug.slice(0, 2)}-`)); // a file not (yet) in the registry takes the number too
  if (existing.length) throw new Error(`refusing to overwrite ${existing.map((f) => path.relative(root, f)).join(", ")}`);
  if (sameNumber.length) throw new Error(`lesson number ${slug.slice(0, 2)} is taken by ${sameNumber.join(", ")}`);
  if (!python) throw new Error(`the oracle needs a Python with numpy to compute expected values.\n${installInstructions()}`);
  fs.writeFileSync(files.notebook, fillTemplate("lesson-notebook.ipynb", slug));
  fs.writeFileSync(files.lib, fillTemplate("lesson-module.ts.tmpl", slug));
  fs.writeFileSync(files.oracle, fillTemplate("lesson-oracle.py.tmpl", slug));
  fs.mkdirSync(path.dirname(files.test), { recursive: true });
  fs.writeFileSync(files.test, fillTemplate("lesson-test.ts.tmpl", slug));
  registerLesson(slug, root);
  const r = spawnSync(python, [path.join(root, "oracle", "expected.py"), "--lesson", slug], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`the oracle failed:\n${r.stdout}${r.stderr}`);
  return Object.values(files);
}

if (require.main === module) {
  const slug = process.argv[2];
  try {
    if (!slug) throw new Error("usage: npm run new-lesson -- NN-slug   (e.g. npm run new-lesson -- 08-batch-norm)");
    const written = scaffoldLesson(slug);
    console.log(`Lesson ${slug} created:\n${written.map((f) => `  ${path.relative(ROOT, f)}`).join("\n")}`);
    console.log(`\nNext: replace the example exercise (docs/authoring.md), then \`npm run expected\` and \`npm test -- ${slug}\`.`);
    console.log(`It is a draft: npm start and the tests include it, npm run release and npm run lite leave it out (unless --drafts).`);
    console.log(`To publish it, delete \`draft: true\` from its entry in lib/lessons.ts.`);
  } catch (err) {
    console.error(`✖ ${(err as Error).message}`);
    process.exit(1);
  }
}

/**
 * `npm run gradescope -- OUT.zip [--hidden DIR]`: writes an autograder archive in Gradescope's layout
 * (setup.sh and run_autograder at its root, unpacked by Gradescope into /autograder/source): the course's
 * grader, lessons, expected values, quiz keys and compiled build (build/lib without its caches, build/grading,
 * build/setup), and the instructor's hidden checks as hidden/ when --hidden is given. setup.sh installs what
 * grading needs on Gradescope's Ubuntu image; run_autograder grades /autograder/submission/*.ipynb with the same
 * sandbox as `npm run grade` and writes /autograder/results/results.json (grading/gradescope-run.ts).
 * See docs/grading.md ("Gradescope").
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import { zipBuffer, type ZipEntry } from "./zip";

/** Course files and folders the grader needs (build/ only as listed: no tests, tools or caches). */
const SHIPPED = ["package.json", "package-lock.json", "tsconfig.json", "lib", "setup", "kernel", "grading", "data", "notebooks", "build/.stamp", "build/lib", "build/grading", "build/setup"];

/** Never shipped, wherever they are: installed packages, front-end builds, caches and editor leftovers. */
const SKIPPED_NAMES = new Set(["node_modules", "__pycache__", ".ipynb_checkpoints", "jupyterlab-app", "lite-app", "hidden-example"]);
const SKIPPED_PATHS = new Set(["build/lib/cache", "grading/gradescope"]);

/** Regular files under `rel` (lstat: links are never followed nor shipped), as archive entries. */
function collect(rel: string, out: ZipEntry[], base = ROOT, prefix = ""): void {
  const abs = path.join(base, rel);
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (!st) return;
  const name = prefix + rel.split(path.sep).join("/");
  if (st.isDirectory()) {
    if (SKIPPED_NAMES.has(path.basename(rel)) || SKIPPED_PATHS.has(name)) return;
    for (const child of fs.readdirSync(abs).sort()) collect(path.join(rel, child), out, base, prefix);
  } else if (st.isFile()) {
    out.push({ name, data: fs.readFileSync(abs), mode: st.mode & 0o111 ? 0o755 : 0o644, mtime: st.mtime });
  }
}

/** Every entry of the archive. `hiddenDir`: the instructor's hidden checks (its *.json files become hidden/). */
export function autograderEntries(hiddenDir?: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (const f of ["setup.sh", "run_autograder"]) {
    const abs = path.join(ROOT, "grading", "gradescope", f);
    entries.push({ name: f, data: fs.readFileSync(abs), mode: 0o755, mtime: fs.statSync(abs).mtime });
  }
  for (const rel of SHIPPED) collect(rel, entries);
  if (hiddenDir) {
    for (const f of fs.readdirSync(hiddenDir).filter((n) => n.endsWith(".json")).sort()) collect(f, entries, hiddenDir, "hidden/");
  }
  return entries;
}

function main(argv: string[]): number {
  const args = [...argv];
  let hidden: string | undefined;
  const h = args.indexOf("--hidden");
  if (h >= 0) {
    hidden = args[h + 1];
    args.splice(h, 2);
    if (!hidden || !fs.statSync(hidden, { throwIfNoEntry: false })?.isDirectory()) {
      console.error(`✖ --hidden needs the folder of your hidden checks (got ${hidden ?? "nothing"})`);
      return 2;
    }
  }
  const [out] = args;
  if (!out || args.length !== 1 || !out.endsWith(".zip")) {
    console.error("✖ usage: npm run gradescope -- OUT.zip [--hidden DIR]");
    return 2;
  }
  const entries = autograderEntries(hidden && path.resolve(hidden));
  fs.writeFileSync(out, zipBuffer(entries));
  console.log(`Written ${out}: ${entries.length} files${hidden ? `, hidden checks from ${hidden}` : ", no hidden checks"}. Upload it as the autograder of a Gradescope programming assignment (docs/grading.md, "Gradescope").`);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));

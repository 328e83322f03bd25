/**
 * Scratch copies of the course for tests that must change it (an instructor's
 * edit, a scaffolded lesson, a submission rewriting data/expected/), so tests
 * running beside them never see the change.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";
import { relocateBuildInfo, relocateLiteStamp } from "./build-info";

/**
 * frontends/jupyterlab-app has its own npm install and webpack build (hundreds of
 * MB once the browser test has built it, possibly being written at that very
 * moment); no copy needs it. Nor the browser edition's own npm install
 * (frontends/lite-app/node_modules, 409 MB and 24,000 files once the browser
 * tests have built their sites: about 3 CPU s a copy): a copy's build
 * type-checks the browser kernel against its hand-written declarations, as on a
 * fresh clone. Nor the kernel's caches of compiled cells (a few
 * thousand files): their keys name the course folder, so a copy's kernels
 * would never find an entry in them.
 */
const NEVER_COPIED = [
  path.join(ROOT, "frontends", "jupyterlab-app"),
  path.join(ROOT, "frontends", "lite-app", "node_modules"),
  ...["cells", "student-cells"].map((d) => path.join(ROOT, "build", "lib", "cache", d)),
];

/**
 * Copies `entries` (top-level files and folders of the course) to `dest`,
 * replacing what was there, with timestamps kept (so a copied build/ or
 * package-lock.json is not taken as stale), and links node_modules. A copied
 * build/ has its build state moved to the copy (test/helpers/build-info.ts), so
 * the copy's build compiles only what the test changes, as an instructor's does.
 */
export function copyCourse(dest: string, entries: readonly string[]): string {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of entries) {
    fs.cpSync(path.join(ROOT, entry), path.join(dest, entry), { recursive: true, preserveTimestamps: true, filter: (src) => !NEVER_COPIED.includes(src) });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dest, "node_modules"));
  if (entries.includes("build")) {
    relocateBuildInfo(ROOT, dest);
    relocateLiteStamp(ROOT, dest);
  }
  return dest;
}

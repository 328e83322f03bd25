/**
 * A course copy's build state, moved to the copy (test/helpers/course-copy.ts).
 * A copy links the checkout's node_modules, and TypeScript names a linked file
 * by its real path: the copy's compile reads the packages' declarations and
 * TypeScript's own lib files from the checkout's node_modules, not from the
 * copy's. The copied build/.tsbuildinfo names them relative to the checkout's
 * build/ ("../node_modules/…"), so to the copy's compile every package file was
 * removed and another added: it type-checked and emitted the whole course again
 * (about 16 CPU s instead of about 5), where an instructor's checkout, which
 * has its build, compiles only what changed. Likewise the browser kernel's type
 * check (frontends/lite-app/check-types.js --if-changed) names what it read by
 * absolute path, so in a copy it always ran (about 5 CPU s). Both are rewritten
 * here to name the files the copy's compile will read; TypeScript still
 * compares every file's content hash, so a file that differs is checked again.
 *
 * Patches: nothing; it rewrites the file names in a copied build/.tsbuildinfo and build/.lite-types-stamp.json.
 * Relies on: TypeScript 5.9's .tsbuildinfo being JSON whose `fileNames` are paths relative to the build info's folder (a changed format: relocateBuildInfo moves nothing and the guard fails).
 * Guarded by: test/tools/new-lesson.test.ts "the copy's build state names the files its compile reads"
 */
import * as fs from "fs";
import * as path from "path";

/** Where a file the checkout's build read is read by the copy's: a course file at its place in the copy, a package file (node_modules is linked) where it is. */
function inCopy(file: string, root: string, copy: string): string {
  const rel = path.relative(root, file);
  const courseFile = !rel.startsWith("..") && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== "node_modules";
  return courseFile ? path.join(copy, rel) : file;
}

/**
 * Rewrites the copy's build/.tsbuildinfo (copied from the checkout `root`) so its
 * file names are the files the copy's compile reads. Returns how many names
 * changed and the names that are not found from the copy (none, unless a file
 * was not copied).
 */
export function relocateBuildInfo(root: string, copy: string): { moved: number; missing: string[] } {
  const file = path.join(copy, "build", ".tsbuildinfo");
  if (!fs.existsSync(file)) return { moved: 0, missing: [] };
  const info = JSON.parse(fs.readFileSync(file, "utf8")) as BuildInfo;
  const holder = buildInfoFiles(info);
  if (!holder) return { moved: 0, missing: [] };
  const from = path.join(root, "build");
  const to = path.join(copy, "build");
  let moved = 0;
  holder.fileNames = holder.fileNames.map((name: unknown) => {
    if (typeof name !== "string") return name;
    const now = path.relative(to, inCopy(path.resolve(from, name), root, copy)).split(path.sep).join("/");
    if (now !== name) moved++;
    return now;
  });
  fs.writeFileSync(file, JSON.stringify(info));
  const missing = holder.fileNames.filter((n): n is string => typeof n === "string" && !fs.existsSync(path.resolve(to, n)));
  return { moved, missing };
}

/** A .tsbuildinfo, as far as it is read here. */
type BuildInfo = { fileNames?: unknown; program?: { fileNames?: unknown } };

/**
 * The part of a build info that holds its `fileNames`: the top level (TypeScript 5.9, the course's), or
 * `program` (5.0: tslab's TypeScript, which `node_modules/.bin/tsc` runs, writes build/.tsbuildinfo so
 * when started on tsconfig.json; the course's build then compiles everything anyway). Null: neither.
 */
export function buildInfoFiles(info: BuildInfo): { fileNames: unknown[] } | null {
  if (Array.isArray(info.fileNames)) return info as { fileNames: unknown[] };
  if (info.program && Array.isArray(info.program.fileNames)) return info.program as { fileNames: unknown[] };
  return null;
}

/**
 * Rewrites the copy's build/.lite-types-stamp.json (what the last clean check read: absolute paths, sizes and
 * modification times) to name the copy's files. A course file's entry takes its copy's size and time (the copy
 * keeps times only to the millisecond) when the checkout's file is still as the stamp says, so the copy holds
 * the same content; otherwise the entry is left to differ and the copy's build checks again.
 */
export function relocateLiteStamp(root: string, copy: string): void {
  const file = path.join(copy, "build", ".lite-types-stamp.json");
  if (!fs.existsSync(file)) return;
  const stamp = JSON.parse(fs.readFileSync(file, "utf8")) as { roots?: unknown; files?: unknown };
  if (!Array.isArray(stamp.roots) || !Array.isArray(stamp.files)) return;
  stamp.roots = stamp.roots.map((r: unknown) => (typeof r === "string" ? inCopy(r, root, copy) : r));
  stamp.files = stamp.files.map((entry: unknown) => {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") return entry;
    const [name, size, mtime] = entry as [string, number, number];
    const moved = inCopy(name, root, copy);
    if (moved === name) return entry;
    const was = fs.statSync(name, { throwIfNoEntry: false });
    const now = fs.statSync(moved, { throwIfNoEntry: false });
    return was && now && was.size === size && was.mtimeMs === mtime ? [moved, now.size, now.mtimeMs] : [moved, size, mtime];
  });
  fs.writeFileSync(file, JSON.stringify(stamp));
}

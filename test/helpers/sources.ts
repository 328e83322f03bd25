/**
 * The course's source files, as the architecture tests read them: one walk of
 * a folder, so every test agrees on what a source is. Regular files only
 * (lstat: a link, to a file or a folder, is never followed, so a link cannot
 * bring a file from elsewhere into a check), and one list of folders that are
 * never the course's own: installed packages, builds, Python's caches and dot
 * folders (generated, like the browser edition's .gen, or .git, .test-out, .release).
 */
import * as fs from "fs";
import * as path from "path";

/** Folders never walked into, besides every dot folder. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(["node_modules", "build", "dist", "static", "__pycache__"]);

interface SourceWalk {
  /** A file is kept when its name matches (e.g. /\.(ts|js)$/). */
  files: RegExp;
  /** false: only the folder's own files, not its subfolders'. Default true. */
  deep?: boolean;
  /** Folder names skipped by this walk as well as SKIPPED_DIRS (a test that leaves out a whole app). */
  skip?: readonly string[];
}

/** Whether a folder of this name is walked into. */
function walked(name: string, skip: readonly string[]): boolean {
  return !SKIPPED_DIRS.has(name) && !name.startsWith(".") && !skip.includes(name);
}

/**
 * The regular files under `dir` (absolute when `dir` is) whose names match
 * `walk.files`, in directory order. A missing `dir`, or one that is not a
 * folder, has none.
 */
export function sourceFiles(dir: string, walk: SourceWalk): string[] {
  const st = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) return [];
  const skip = walk.skip ?? [];
  return fs.readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    const s = fs.lstatSync(p);
    if (s.isDirectory()) return walk.deep !== false && walked(name, skip) ? sourceFiles(p, walk) : [];
    return s.isFile() && walk.files.test(name) ? [p] : [];
  });
}

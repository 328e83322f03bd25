/** Locations inside the course folder, found from this file's compiled location. */
import * as fs from "fs";
import * as path from "path";

/** The course's root folder (the one with package.json), found by walking up from this module. */
export function courseRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, "lib")) && fs.existsSync(path.join(dir, "notebooks"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the course folder above ${__dirname}: is the course checked out whole?`);
    dir = parent;
  }
}

/**
 * Path of a file under data/. COURSE_DATA_DIR replaces data/: the grader
 * points it at a snapshot taken before any submission ran, so a submission
 * that edits data/expected/ cannot change its own score.
 */
export function dataPath(...parts: string[]): string {
  return path.join(process.env.COURSE_DATA_DIR ?? path.join(courseRoot(), "data"), ...parts);
}

/** Reads and parses a JSON file under data/, with a message that says which file is wrong. */
export function readDataJson<T>(...parts: string[]): T {
  const file = dataPath(...parts);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new Error(`Missing data file ${path.relative(courseRoot(), file)}: run \`npm run expected\` to regenerate expected values.`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`Data file ${path.relative(courseRoot(), file)} is not valid JSON (${(err as Error).message}).`);
  }
}

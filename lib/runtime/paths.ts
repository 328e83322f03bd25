/** Locations inside the course folder, found from this file's compiled location. */
import * as fs from "fs";
import * as path from "path";
import { courseRoot } from "./root";

export { courseRoot, ROOT } from "./root";


/**
 * Path of a file under data/. COURSE_DATA_DIR replaces data/: the grader
 * points it at a snapshot taken before any submission ran, so a submission
 * that edits data/expected/ cannot change its own score.
 */
function dataPath(...parts: string[]): string {
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

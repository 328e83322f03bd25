/**
 * The stamp a student release carries (.release/manifest.json): which lesson
 * editions it shipped and which files it wrote. Its presence is what makes a
 * folder a student release (npm start opens notebooks/, instructor commands
 * are refused); `npm run validate` compares a notebook's edition hash with it.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";

/** One lesson as released. */
export interface ReleasedLesson {
  /** The notebook's path in the release, e.g. notebooks/01-logistic-regression.ipynb. */
  notebook: string;
  /** contentHash of the student edition released (metadata.course.generatedHash). */
  generatedHash: string;
  /** The lesson's graded check ids, in order. */
  checks: string[];
}

/** What .release/manifest.json holds. */
export interface ReleaseManifest {
  course: string;
  version: string;
  /** A hash of every released edition: changes whenever any lesson changes. */
  release: string;
  lessons: Record<string, ReleasedLesson>;
  /** Every file the release wrote outside notebooks/ (relative, '/'-separated), to remove stale ones on re-release. */
  files: string[];
}

/** Where the manifest lives, relative to a release's root. */
export const MANIFEST_PATH = path.join(".release", "manifest.json");

/** Where pristine copies of the released editions live (for the release's own tests), relative to its root. */
export const EDITIONS_PATH = path.join(".release", "editions");

/** The manifest of the release at `root`, or null when `root` is the instructor's course. */
export function readReleaseManifest(root: string = ROOT): ReleaseManifest | null {
  const file = path.join(root, MANIFEST_PATH);
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as ReleaseManifest;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}): the student release is damaged; download it again.`);
  }
}

/** True when `root` is a student release rather than the instructor's course. */
export function isRelease(root: string = ROOT): boolean {
  return fs.existsSync(path.join(root, MANIFEST_PATH));
}

/**
 * Reading a class folder: who the students are and which notebooks each one
 * handed in. Each entry of the folder is one student: a single `.ipynb` file
 * (student id = the file name without `.ipynb`) or a folder holding that
 * student's notebooks for one or more lessons (student id = the folder name).
 *
 * Nothing here grades or throws for bad input: every problem (malformed
 * notebook, unknown lesson, duplicate student id, empty folder, a notebook made
 * from an older release of its lesson) is a message for the report, and the
 * rest of the class is still graded.
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import { editionHashes, studentEdition } from "../setup/editions";
import { readNotebook, type Notebook } from "../setup/notebook";
import { identifyLesson } from "./submission";

/** One notebook a student handed in. */
export interface StudentNotebook {
  file: string;
  /** The lesson it is for; null when it cannot be graded (see problems). */
  lesson: string | null;
  /** False when the notebook cannot be graded at all (malformed, unknown lesson). */
  gradable: boolean;
  /** What is wrong with it; a gradable notebook can still carry warnings (older release). */
  problems: string[];
}

/** One student: an entry of the class folder. */
export interface Student {
  id: string;
  /** The file or folder the student's work came from (both, for a duplicate id). */
  sources: string[];
  notebooks: StudentNotebook[];
  /** Problems with the entry itself (empty folder, duplicate id). */
  problems: string[];
}

/** A class folder as read from disk. */
export interface ClassFolder {
  dir: string;
  students: Student[];
  /** Entries that are neither a notebook nor a folder. */
  problems: string[];
}

/** Files and folders skipped everywhere: hidden ones and Jupyter's checkpoints. */
function skipped(name: string): boolean {
  return name.startsWith(".") || name === "__MACOSX" || name === ".ipynb_checkpoints";
}

/** Every .ipynb under a student's folder (sub-folders too: archives often add one level). */
function notebooksUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (skipped(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...notebooksUnder(p));
    else if (e.name.endsWith(".ipynb")) out.push(p);
  }
  return out;
}

/**
 * The content hashes of each lesson's current student edition: what
 * setup/editions.ts records as `metadata.course.generatedHash` when it writes
 * the student notebook, one per place it is used (student/, a release's
 * notebooks/, the browser edition; only their closing cells differ). A
 * submission recording another hash was made from an older (or newer) release
 * of the lesson.
 */
export function currentEditionHashes(slugs: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const slug of slugs) {
    const file = path.join(ROOT, "notebooks", `${slug}.ipynb`);
    try {
      out[slug] = editionHashes(studentEdition(readNotebook(file), `notebooks/${slug}.ipynb`));
    } catch {
      // No source notebook (or a broken one): releases of this lesson cannot be compared.
    }
  }
  return out;
}

/** The lesson a notebook's course metadata names, if it names one (`notebooks/NN-slug.ipynb`). */
function recordedLesson(nb: Notebook): string | null {
  const source = (nb.metadata.course as { source?: unknown } | undefined)?.source;
  if (typeof source !== "string") return null;
  const m = /(\d\d-[A-Za-z0-9-]+)\.ipynb$/.exec(source);
  return m ? (m[1] as string) : null;
}

/** Reads one notebook and says which lesson it is for and what is wrong with it. */
export function inspectNotebook(file: string, exerciseNames: Record<string, string[]>, currentHashes: Record<string, string[]>): StudentNotebook {
  let nb: Notebook;
  try {
    nb = readNotebook(file);
  } catch (err) {
    return { file, lesson: null, gradable: false, problems: [`${path.basename(file)}: malformed notebook: ${(err as Error).message.replace(file, "the file")}`] };
  }
  const slugs = Object.keys(exerciseNames);
  const recorded = recordedLesson(nb);
  if (recorded && !slugs.includes(recorded)) {
    return { file, lesson: null, gradable: false, problems: [`${path.basename(file)}: made for lesson "${recorded}", which this course does not have (its lessons: ${slugs.join(", ")}); not graded`] };
  }
  const lesson = identifyLesson(file, nb, exerciseNames);
  if (!lesson) {
    return { file, lesson: null, gradable: false, problems: [`${path.basename(file)}: unknown lesson: no course metadata, no lesson name (NN-slug) in the file name and no graded function defined; not graded`] };
  }
  const problems: string[] = [];
  const meta = nb.metadata.course as { edition?: unknown; generatedHash?: unknown } | undefined;
  const current = currentHashes[lesson];
  if (typeof meta?.generatedHash === "string" && current && !current.includes(meta.generatedHash)) {
    problems.push(`${path.basename(file)}: made from an older release of ${lesson} (its recorded edition hash ${meta.generatedHash} is not the current release's ${current[0]}); graded with the current checks — if the lesson's exercises changed since, give the student the current release (npm run student writes it next to their copy)`);
  }
  return { file, lesson, gradable: true, problems };
}

/** Reads a class folder: one student per entry, every problem reported, never thrown. */
export function readClassFolder(dir: string, exerciseNames: Record<string, string[]>): ClassFolder {
  const hashes = currentEditionHashes(Object.keys(exerciseNames));
  const byId = new Map<string, Student>();
  const problems: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !skipped(e.name)).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    const isDir = e.isDirectory() || (e.isSymbolicLink() && fs.statSync(p).isDirectory());
    let id: string;
    let notebooks: StudentNotebook[];
    const entryProblems: string[] = [];
    if (isDir) {
      id = e.name;
      notebooks = notebooksUnder(p).map((f) => inspectNotebook(f, exerciseNames, hashes));
      if (notebooks.length === 0) entryProblems.push(`folder ${e.name}/ holds no notebook (.ipynb): nothing to grade; ask the student to hand in their notebook`);
    } else if (e.name.endsWith(".ipynb")) {
      id = e.name.slice(0, -".ipynb".length);
      notebooks = [inspectNotebook(p, exerciseNames, hashes)];
    } else {
      const hint = /\.(zip|tar|tgz|gz|7z)$/i.test(e.name) ? " (unpack an archive into a folder named by the student)" : "";
      problems.push(`${e.name}: neither a notebook (.ipynb) nor a student's folder; ignored${hint}`);
      continue;
    }
    const seen = byId.get(id);
    if (seen) {
      // Two entries claim one student: grading either silently could record the wrong work.
      seen.sources.push(p);
      seen.notebooks = [];
      seen.problems = []; // worded below, once every entry is known
      continue;
    }
    // Several notebooks for one lesson: all are graded, the best one counts.
    const perLesson = new Map<string, string[]>();
    for (const nb of notebooks) if (nb.gradable && nb.lesson) perLesson.set(nb.lesson, [...(perLesson.get(nb.lesson) ?? []), path.basename(nb.file)]);
    for (const [lesson, files] of perLesson) if (files.length > 1) entryProblems.push(`${files.length} notebooks for ${lesson} (${files.join(", ")}): all were graded, the best score counts`);
    byId.set(id, { id, sources: [p], notebooks, problems: entryProblems });
  }
  for (const s of byId.values()) {
    if (s.sources.length > 1) {
      const names = s.sources.map((src) => (fs.statSync(src).isDirectory() ? `${path.basename(src)}/` : path.basename(src)));
      s.problems = [`duplicate student id "${s.id}": ${names.join(" and ")} both belong to it; neither was graded — keep one (move the notebook into the folder) and grade again`];
    }
  }
  return { dir, students: [...byId.values()], problems };
}

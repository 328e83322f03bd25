/**
 * Reading a class folder: who the students are and which notebooks each one
 * handed in. Each entry of the folder is one student: a single `.ipynb` file
 * (student id = the file name without `.ipynb`) or a folder holding that
 * student's notebooks for one or more lessons (student id = the folder name).
 *
 * Nothing here grades or throws for bad input: every problem (malformed
 * notebook, unknown lesson, duplicate student id, empty folder, a notebook made
 * from an older release of its lesson, a file that is not a regular file, a
 * path the system cannot open) is a message for the report, and the rest of
 * the class is still graded.
 *
 * The class folder is untrusted (unpacked archives keep symbolic links and
 * named pipes): links are never followed, neither a linked student folder nor
 * a linked folder or notebook inside one, and notebooks are read only through
 * grading/submitted-file.ts (regular files, bounded).
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import { editionHashes, studentEdition } from "../editions/editions";
import { readNotebook, type Notebook } from "../editions/notebook";
import { identifyLesson } from "./submission";
import { fileProblem, problemOfError, readSubmittedNotebook, type FileProblem, type FileProblemKind } from "./submitted-file";

/** One notebook a student handed in. */
interface StudentNotebook {
  file: string;
  /** The lesson it is for; null when it cannot be graded (see problems). */
  lesson: string | null;
  /** False when the notebook cannot be graded at all (malformed, unknown lesson). */
  gradable: boolean;
  /** What is wrong with it; a gradable notebook can still carry warnings (older release). */
  problems: string[];
  /** Why the file itself was not read (a link, a FIFO, too large, …); absent when it was read. */
  fileProblem?: FileProblemKind;
}

/** A folder inside a student's entry (or a linked entry) that was not opened: nothing in it was graded. */
interface UnreadableEntry {
  /** Its path relative to the class folder. */
  path: string;
  kind: FileProblemKind;
}

/** One student: an entry of the class folder. */
interface Student {
  id: string;
  /** The file or folder the student's work came from (both, for a duplicate id). */
  sources: string[];
  notebooks: StudentNotebook[];
  /** Problems with the entry itself (empty folder, duplicate id, folders that could not be opened). */
  problems: string[];
  /** Folders of the entry that could not be opened (also worded in problems). */
  unreadable: UnreadableEntry[];
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

/**
 * A path for a message: relative to the class folder, and shortened in the
 * middle when long (a folder nested to the path limit is 4 kB of names).
 */
function shownPath(rel: string, max = 120): string {
  const chars = Array.from(rel);
  return chars.length <= max ? rel : `${chars.slice(0, max / 2).join("")}…${chars.slice(-max / 2).join("")}`;
}

/**
 * Every .ipynb under a student's folder (sub-folders too: archives often add
 * one level), and the folders that could not be opened. Folders are known by
 * readdir's own file types, so a linked folder is never entered; an entry
 * named .ipynb of any type is returned, and reading it says what it is.
 */
function notebooksUnder(dir: string, rel: string, found: { files: string[]; unreadable: UnreadableEntry[] }): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    // Too long a path, no permission, vanished: this folder is reported, the rest of the entry is still read.
    found.unreadable.push({ path: rel, kind: problemOfError(err, dir).kind });
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (skipped(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) notebooksUnder(p, `${rel}/${e.name}`, found);
    else if (e.name.endsWith(".ipynb")) found.files.push(p);
  }
}

/**
 * The content hashes of each lesson's current student edition: what
 * editions/editions.ts records as `metadata.course.generatedHash` when it writes
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
  const read = readSubmittedNotebook(file);
  if (!read.ok) {
    if (read.kind === "malformed") return { file, lesson: null, gradable: false, problems: [`${path.basename(file)}: malformed notebook: ${read.message}`] };
    return { file, lesson: null, gradable: false, problems: [`${path.basename(file)}: ${read.message}`], fileProblem: read.kind };
  }
  const nb = read.notebook;
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

/** The sentence for a folder of a student's entry that could not be opened. */
function unreadableProblem(u: UnreadableEntry, problem: FileProblem): string {
  return `folder ${shownPath(u.path)}/ could not be opened (${problem.reason}): any notebook in it was not graded`;
}

/** What one class-folder entry is: a student's folder, a student's notebook, a linked folder, or a stray. */
function entryType(dir: string, e: fs.Dirent): "folder" | "notebook" | "linked-folder" | "stray" {
  if (e.isDirectory()) return "folder";
  if (e.name.endsWith(".ipynb")) return "notebook"; // of any type: reading it says what is wrong
  if (e.isSymbolicLink()) {
    try {
      // stat only (no open, no read): whether the link names a folder, to report it for that student.
      if (fs.statSync(path.join(dir, e.name)).isDirectory()) return "linked-folder";
    } catch {
      // A dangling or looping link: a stray entry.
    }
  }
  return "stray";
}

/** Reads a class folder: one student per entry, every problem reported, never thrown for an entry. */
export function readClassFolder(dir: string, exerciseNames: Record<string, string[]>): ClassFolder {
  const hashes = currentEditionHashes(Object.keys(exerciseNames));
  const byId = new Map<string, Student>();
  /** How each source is named in the duplicate-id message (a folder with a trailing "/"). */
  const shownSource = new Map<string, string>();
  const problems: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !skipped(e.name)).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    const type = entryType(dir, e);
    let id: string;
    let notebooks: StudentNotebook[] = [];
    const unreadable: UnreadableEntry[] = [];
    const entryProblems: string[] = [];
    if (type === "folder") {
      id = e.name;
      const found = { files: [] as string[], unreadable };
      notebooksUnder(p, e.name, found);
      notebooks = found.files.map((f) => inspectNotebook(f, exerciseNames, hashes));
      for (const u of unreadable) entryProblems.push(unreadableProblem(u, fileProblem(u.kind)));
      if (notebooks.length === 0 && unreadable.length === 0) entryProblems.push(`folder ${shownPath(e.name)}/ holds no notebook (.ipynb): nothing to grade; ask the student to hand in their notebook`);
      shownSource.set(p, `${e.name}/`);
    } else if (type === "linked-folder") {
      // A link could name another student's folder or the course's own: never followed.
      id = e.name;
      unreadable.push({ path: e.name, kind: "symbolic-link" });
      entryProblems.push(`folder ${shownPath(e.name)}/ is a symbolic link: not followed, nothing in it was graded; put the student's folder itself in the class folder`);
      shownSource.set(p, `${e.name}/`);
    } else if (type === "notebook") {
      id = e.name.slice(0, -".ipynb".length);
      notebooks = [inspectNotebook(p, exerciseNames, hashes)];
      shownSource.set(p, e.name);
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
      seen.unreadable = [];
      seen.problems = []; // worded below, once every entry is known
      continue;
    }
    // Several notebooks for one lesson: all are graded, the best one counts.
    const perLesson = new Map<string, string[]>();
    for (const nb of notebooks) if (nb.gradable && nb.lesson) perLesson.set(nb.lesson, [...(perLesson.get(nb.lesson) ?? []), path.basename(nb.file)]);
    for (const [lesson, files] of perLesson) if (files.length > 1) entryProblems.push(`${files.length} notebooks for ${lesson} (${files.join(", ")}): all were graded, the best score counts`);
    byId.set(id, { id, sources: [p], notebooks, problems: entryProblems, unreadable });
  }
  for (const s of byId.values()) {
    if (s.sources.length > 1) {
      const names = s.sources.map((src) => shownSource.get(src) ?? path.basename(src));
      s.problems = [`duplicate student id "${s.id}": ${names.join(" and ")} both belong to it; neither was graded — keep one (move the notebook into the folder) and grade again`];
    }
  }
  return { dir, students: [...byId.values()], problems };
}

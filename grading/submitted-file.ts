/**
 * Reading a file a student handed in: only a regular file, never through a
 * link, at most MAX_SUBMISSION_BYTES. Every place that reads a submission
 * (the class folder's intake, single-notebook grading, `npm run validate`, the
 * grade cache's key) reads it here.
 *
 * Why: zip and tar archives keep symbolic links, and tar keeps named pipes, so
 * an unpacked class folder can hold a "notebook" that is a link to the course's
 * own solutions, to a classmate's work or to a secret only root may read, a
 * FIFO that blocks the first read forever, or a link to /dev/zero that never
 * ends. The file is lstat'ed (links are not followed), opened with O_NOFOLLOW
 * (a link swapped in after the lstat fails to open) and O_NONBLOCK (a FIFO
 * swapped in does not block the open), and the open descriptor is fstat'ed
 * again: only a regular file, the very one lstat saw, no larger than the
 * limit, is read, and never more than the limit. Nothing of a refused file is
 * read, so nothing of it can be echoed in a report.
 *
 * O_NOFOLLOW covers the last component only. The class folder's intake walks
 * folders with readdir's own file types and never enters a linked folder, so
 * the paths it hands here have no link in them below the class folder.
 *
 * A refusal is data: a `kind` (what the grader found) and a message for the
 * reports saying what went wrong and what to do.
 */
import * as fs from "fs";
import { parseNotebook, type Notebook } from "../editions/notebook";

/** The most a submitted notebook may weigh: far above any lesson with its outputs (tens to hundreds of kB). */
export const MAX_SUBMISSION_BYTES = 32 * 1024 * 1024;

/** Why a submitted file (or a folder inside a student's entry) was not read. */
export type FileProblemKind =
  | "symbolic-link"
  | "fifo"
  | "socket"
  | "character-device"
  | "block-device"
  | "directory"
  | "not-regular"
  | "too-large"
  | "path-too-long"
  | "permission-denied"
  | "vanished"
  | "changed"
  | "bad-name"
  | "unreadable";

/** A file the grader refused or could not read. */
export interface FileProblem {
  kind: FileProblemKind;
  /** What the grader found, in a few words ("not a regular file (a symbolic link)"). */
  reason: string;
  /** The whole sentence for a report: the reason, that it was not graded, and what to do. */
  message: string;
}

const MB = Math.round(MAX_SUBMISSION_BYTES / (1024 * 1024));

const REASONS: Record<FileProblemKind, string> = {
  "symbolic-link": "not a regular file (a symbolic link)",
  fifo: "not a regular file (a named pipe)",
  socket: "not a regular file (a socket)",
  "character-device": "not a regular file (a device)",
  "block-device": "not a regular file (a device)",
  directory: "not a regular file (a folder)",
  "not-regular": "not a regular file",
  "too-large": `larger than ${MB} MB`,
  "path-too-long": "its path is too long for the system to open",
  "permission-denied": "the grader may not read it (permission denied)",
  vanished: "it no longer exists (it vanished while the class was read)",
  changed: "it was replaced while it was being read",
  "bad-name": "its name is not valid UTF-8, so it cannot be opened by name",
  unreadable: "it cannot be read",
};

const WHAT_TO_DO: Record<FileProblemKind, string> = {
  "symbolic-link": "hand in the notebook itself",
  fifo: "hand in the notebook itself",
  socket: "hand in the notebook itself",
  "character-device": "hand in the notebook itself",
  "block-device": "hand in the notebook itself",
  directory: "hand in the notebook itself",
  "not-regular": "hand in the notebook itself",
  "too-large": "clear the notebook's outputs (Edit → Clear All Outputs), save and hand it in again",
  "path-too-long": "move it to a shorter path (fewer or shorter folder names) and grade again",
  "permission-denied": "make it readable (chmod a+r) and grade again",
  vanished: "grade again",
  changed: "grade again once the class folder no longer changes",
  "bad-name": "rename it",
  unreadable: "check the file and grade again",
};

/** The problem of a kind, worded for a report. */
export function fileProblem(kind: FileProblemKind): FileProblem {
  return { kind, reason: REASONS[kind], message: `${REASONS[kind]}: not graded; ${WHAT_TO_DO[kind]}` };
}

/** The kind of a file that is not a regular file, or null for a regular one. */
function nonRegularKind(st: fs.Stats | fs.Dirent): FileProblemKind | null {
  if (st.isFile()) return null;
  if (st.isSymbolicLink()) return "symbolic-link";
  if (st.isFIFO()) return "fifo";
  if (st.isSocket()) return "socket";
  if (st.isCharacterDevice()) return "character-device";
  if (st.isBlockDevice()) return "block-device";
  if (st.isDirectory()) return "directory";
  return "not-regular";
}

/** What a failed system call on `name` means for the report (its code, never its message, which names paths). */
export function problemOfError(err: unknown, name: string): FileProblem {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ELOOP":
      return fileProblem("symbolic-link"); // O_NOFOLLOW met a link
    case "ENAMETOOLONG":
      return fileProblem("path-too-long");
    case "EACCES":
    case "EPERM":
      return fileProblem("permission-denied");
    case "ENOENT":
    case "ENOTDIR":
      // Node decodes names as UTF-8: a name that is not cannot be opened under its decoded form.
      return fileProblem(name.includes("\uFFFD") ? "bad-name" : "vanished");
    case "ENXIO":
      return fileProblem("socket"); // a socket cannot be opened
    default:
      return fileProblem("unreadable");
  }
}

/** A submitted file: its bytes, or why it was not read. */
type SubmittedFile = { ok: true; bytes: Buffer } | { ok: false; problem: FileProblem };

// Absent on platforms without them (Windows); the lstat and fstat checks still hold there.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);
const CHUNK = 1024 * 1024;

/** Reads a submitted file if it is a regular file of at most `limit` bytes; never follows a link, never throws. */
export function readSubmittedFile(file: string, limit: number = MAX_SUBMISSION_BYTES): SubmittedFile {
  const refuse = (problem: FileProblem): SubmittedFile => ({ ok: false, problem });
  let seen: fs.Stats;
  try {
    seen = fs.lstatSync(file);
  } catch (err) {
    return refuse(problemOfError(err, file));
  }
  const kind = nonRegularKind(seen);
  if (kind) return refuse(fileProblem(kind));
  if (seen.size > limit) return refuse(fileProblem("too-large"));
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (err) {
    return refuse(problemOfError(err, file));
  }
  try {
    const st = fs.fstatSync(fd);
    const openedKind = nonRegularKind(st);
    if (openedKind) return refuse(fileProblem(openedKind));
    if (st.dev !== seen.dev || st.ino !== seen.ino) return refuse(fileProblem("changed"));
    if (st.size > limit) return refuse(fileProblem("too-large"));
    // Read until the end or one byte past the limit: a file that grows after the fstat is still bounded.
    const chunks: Buffer[] = [];
    let bytesRead = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - bytesRead));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      bytesRead += n;
      if (bytesRead > limit) return refuse(fileProblem("too-large"));
    }
    return { ok: true, bytes: Buffer.concat(chunks, bytesRead) };
  } catch (err) {
    return refuse(problemOfError(err, file));
  } finally {
    fs.closeSync(fd);
  }
}

/** A submitted notebook: parsed, or why not (a file problem, or "malformed" with the parser's position). */
type SubmittedNotebook = { ok: true; notebook: Notebook } | { ok: false; kind: FileProblemKind | "malformed"; message: string };

/**
 * Reads and parses a submitted notebook. The message of a malformed one says
 * where and what kind of error (editions/notebook.ts's parseNotebook), never the
 * file's content.
 */
export function readSubmittedNotebook(file: string): SubmittedNotebook {
  const r = readSubmittedFile(file);
  if (!r.ok) return { ok: false, kind: r.problem.kind, message: r.problem.message };
  try {
    return { ok: true, notebook: parseNotebook(r.bytes.toString("utf8"), "the file") };
  } catch (err) {
    return { ok: false, kind: "malformed", message: (err as Error).message };
  }
}

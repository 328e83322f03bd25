/**
 * `npm run validate -- <notebook.ipynb>...`: what the grader will see, before
 * you submit. Grades each notebook exactly as `npm run grade` does (same code
 * path: prepareGrading and gradeNotebook from grading/grade-notebook.ts, so
 * its isolation applies here too), with the lesson's visible checks only (an
 * instructor may add hidden checks when grading), and runs the notebook top to
 * bottom in a fresh kernel. Prints per check its points and message, the
 * total, the execution report, and a clear line when a file is not a lesson of
 * this course or was made for another release of its lesson.
 * Exit code 0 whenever it ran, whatever the scores; 2 on a usage error.
 *
 * Options: --json FILE (the results as JSON), --no-execute (skip the run in a fresh kernel),
 * --without-quiz-keys (quiz answers "recorded", not judged, as a student release
 * and the browser edition's validation report them, even where the keys are).
 */
import * as fs from "fs";
import * as path from "path";
import { gradeNotebook } from "./grade-notebook";
import { prepareGrading } from "./grading-context";
import { DEFAULT_GRADE_OPTIONS, type GradeOptions, type NotebookGrade } from "./types";
import { editionHashes, studentEdition } from "../editions/editions";
import { readNotebook, type Notebook } from "../editions/notebook";
import { EDITIONS_PATH, readReleaseManifest } from "../editions/release-manifest";
import { ROOT } from "../lib/runtime/paths";
import { consoleText } from "./student-id";
import { readSubmittedNotebook } from "./submitted-file";
import { errorLine } from "./execution-report";
import { callerPath, parseCommandLine, runCommand, UsageError } from "../lib/runtime/command-line";

/** Which edition of its lesson a notebook is. */
type EditionStatus = "current" | "other-release" | "unstamped" | "not-a-lesson" | "not-read";

/** One notebook's validation: its grade (visible checks) and its edition. */
export interface Validation {
  grade: NotebookGrade;
  edition: { status: EditionStatus; message: string };
}

/** The grader's limits (as `npm run grade`'s defaults), without hidden checks. */
/** Validation uses the grader's own limits, so it sees what the grader will see. */
const VALIDATE_OPTIONS: GradeOptions = { ...DEFAULT_GRADE_OPTIONS };

/**
 * The edition hashes that count as current for a lesson: those of the
 * released student edition in a student release (the stamp in its manifest,
 * and the same cells with the closing cell of each place: a release's
 * notebooks/, student/, the browser edition); in the course, those of the
 * student edition generated now from notebooks/.
 */
export function currentEditionHashes(slug: string, root: string = ROOT): string[] {
  const manifest = readReleaseManifest(root);
  if (manifest) {
    const released = manifest.lessons[slug];
    if (!released) return [];
    const pristine = path.join(root, EDITIONS_PATH, `${slug}.ipynb`);
    let variants: string[] = [];
    try {
      variants = editionHashes(readNotebook(pristine));
    } catch {
      // No pristine copy: the manifest's stamp alone.
    }
    return [released.generatedHash, ...variants.filter((h) => h !== released.generatedHash)];
  }
  const source = path.join(root, "notebooks", `${slug}.ipynb`);
  if (!fs.existsSync(source)) return [];
  return editionHashes(studentEdition(readNotebook(source), `notebooks/${slug}.ipynb`));
}

/** Where the current edition of a lesson is, to copy work into. */
function currentEditionPath(slug: string, root: string): string {
  const folder = readReleaseManifest(root) ? "notebooks" : "student";
  const update = path.join(folder, "updates", `${slug}.ipynb`);
  return fs.existsSync(path.join(root, update)) ? update : path.join(folder, `${slug}.ipynb`);
}

/** Says whether a graded notebook is a lesson of this course, and made for this release of it. */
export function editionStatus(file: string, grade: NotebookGrade, root: string = ROOT): Validation["edition"] {
  if (grade.fileProblem) {
    return { status: "not-read", message: `not read, so the grader gives it no points: ${grade.problems[0] ?? grade.fileProblem}` };
  }
  if (!grade.lesson) {
    return { status: "not-a-lesson", message: `not a lesson of this course, so the grader gives it no points: ${grade.problems[0] ?? "unknown lesson"}` };
  }
  // The submission is read as the grader reads it: a regular file only, never through a link.
  const read = readSubmittedNotebook(file);
  const nb: Notebook | null = read.ok ? read.notebook : null;
  const hash = (nb?.metadata.course as { generatedHash?: unknown } | undefined)?.generatedHash;
  if (typeof hash !== "string") {
    return { status: "unstamped", message: `no student-edition stamp (not made from this course's student edition); graded as lesson ${grade.lesson}.` };
  }
  if (currentEditionHashes(grade.lesson, root).includes(hash)) {
    return { status: "current", message: `made for this release of lesson ${grade.lesson}.` };
  }
  return {
    status: "other-release",
    message:
      `made for an older (or another) release of lesson ${grade.lesson}: it is graded with the current lesson's checks, shown below. ` +
      `The current edition is ${currentEditionPath(grade.lesson, root)}; copy your solutions into it before submitting.`,
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** Prints one notebook's validation. */
function printValidation(v: Validation): void {
  const g = v.grade;
  console.log(`\n${consoleText(path.relative(process.cwd(), g.path) || g.path)}  (lesson ${g.lesson ?? "?"})`);
  const mark = v.edition.status === "current" ? "✓" : v.edition.status === "unstamped" ? "note:" : "✖";
  console.log(`  ${mark} ${consoleText(v.edition.message)}`);
  for (const p of g.problems) if ((v.edition.status !== "not-a-lesson" && v.edition.status !== "not-read") || p !== g.problems[0]) console.log(`  ! ${consoleText(p)}`);
  if (g.checks.length) {
    const w = Math.max(5, ...g.checks.map((c) => c.id.length));
    console.log(`  ${pad("check", w)}  points  message`);
    // A recorded quiz answer has no verdict here (the key is the grader's): its points are pending, shown as "?".
    for (const c of g.checks) console.log(`  ${pad(c.id, w)}  ${pad(`${c.status === "recorded" ? "?" : c.points}/${c.maxPoints}`, 6)}  ${c.message}`);
  }
  const pending = g.recordedPoints ? ` (${g.recordedPoints} of them for quiz answers, recorded and graded when you hand the notebook in)` : "";
  console.log(`  total ${g.score}/${g.maxScore}${pending}`);
  if (g.execution) console.log(`  run top to bottom in a fresh kernel: ${g.execution.message}${g.execution.seconds !== undefined ? ` (${g.execution.seconds.toFixed(1)} s)` : ""}`);
  for (const e of g.execution?.errors ?? []) console.log(`    ${errorLine(e)}`);
  if (g.execution?.aborted) console.log(`    (+${g.execution.aborted} cells after it did not run)`);
}

/** Validates every file with the grader's own code; never throws for a bad notebook. */
async function validateAll(files: string[], opts: GradeOptions = VALIDATE_OPTIONS, withoutQuizKeys = false): Promise<Validation[]> {
  const visibleOnly: GradeOptions = { ...opts };
  delete visibleOnly.hiddenDir;
  const ctx = prepareGrading({ withoutQuizKeys });
  const out: Validation[] = [];
  try {
    for (const [n, file] of files.entries()) {
      const grade = await gradeNotebook(file, visibleOnly, ctx, n);
      const v = { grade, edition: editionStatus(file, grade) };
      printValidation(v);
      out.push(v);
    }
  } finally {
    ctx.close();
  }
  return out;
}

const VALIDATE_USAGE = "npm run validate -- [--json FILE] [--no-execute] [--without-quiz-keys] <notebook.ipynb>...   e.g. npm run validate -- notebooks/01-logistic-regression.ipynb";

/** Reads the command line; every path is resolved against the caller's folder. Throws UsageError. */
export function parseValidateArgs(argv: readonly string[]): { files: string[]; json?: string; execute: boolean; withoutQuizKeys: boolean } {
  const { values, positionals } = parseCommandLine(argv, { json: { type: "string" }, "no-execute": { type: "boolean" }, "without-quiz-keys": { type: "boolean" } });
  if (positionals.length === 0) throw new UsageError("no notebook given");
  return { files: positionals.map(callerPath), execute: !values["no-execute"], withoutQuizKeys: values["without-quiz-keys"] === true, ...(values.json !== undefined ? { json: callerPath(values.json) } : {}) };
}

async function main(): Promise<number> {
  const args = parseValidateArgs(process.argv.slice(2));
  console.log(`Validating ${args.files.length} notebook(s) as the grader will (the visible checks; this takes a minute or two per notebook)…`);
  const results = await validateAll(args.files, { ...VALIDATE_OPTIONS, execute: args.execute }, args.withoutQuizKeys);
  const total = results.reduce((s, v) => s + v.grade.score, 0);
  const max = results.reduce((s, v) => s + v.grade.maxScore, 0);
  const recorded = results.reduce((s, v) => s + (v.grade.recordedPoints ?? 0), 0);
  const pending = recorded ? ` (${recorded} of them for quiz answers, recorded and graded when you hand the notebooks in)` : "";
  console.log(`\n${results.length} notebook(s): ${total}/${max} points from the visible checks${pending}. The grader may also run hidden checks of the same functions.`);
  if (args.json) {
    fs.writeFileSync(args.json, JSON.stringify({ notebooks: results }, null, 2) + "\n");
    console.log(`Results written to ${args.json}`);
  }
  return 0;
}

if (require.main === module) {
  runCommand(VALIDATE_USAGE, main).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`✖ validation failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    },
  );
}

/**
 * Editions of a lesson. Notebooks are authored once, in notebooks/, with each
 * exercise's solution between a `// BEGIN SOLUTION` line and a
 * `// END SOLUTION` line. The student edition replaces every such region with
 * a stub that throws "not completed yet"; everything else is identical.
 *
 * A student's copy is never overwritten once edited: each generated notebook
 * records a hash of its cells, and a copy whose cells no longer match that
 * hash is the student's work. The update then goes next to it instead.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { cellText, readNotebook, toSource, writeNotebook, type Cell, type Notebook } from "./notebook";
import { QUIZ_PLACEHOLDER } from "../lib/checks/quiz-answer";
import { declaredFunction, SOLUTION_BEGIN, SOLUTION_END } from "./declarations";

const BEGIN = SOLUTION_BEGIN;
const END = SOLUTION_END;

export { declaredFunction };

/** A solution region that is one quiz answer line (`const quizName = "b";`): its indent, keyword and name. */
const ANSWER_LINE = /^(\s*)(const|let|var)\s+(quiz[A-Z][\w$]*)\s*=[^;]*;\s*$/;

/** The student's line in place of a quiz answer: the placeholder, which the check reports as not completed. */
function answerStubLine(indent: string, keyword: string, name: string): string {
  return `${indent}${keyword} ${name} = ${JSON.stringify(QUIZ_PLACEHOLDER)};`;
}

/** The stub a student sees in place of a solution region. */
export function stubLines(indent: string, fnName: string | null): string[] {
  const what = fnName ?? "this exercise";
  return [
    `${indent}// YOUR CODE HERE: replace the line below with your code.`,
    `${indent}throw new Error("${what} is not completed yet");`,
  ];
}

/** Replaces every solution region of a cell's text with a stub; throws on unbalanced markers. */
export function stripSolutions(source: string, where = "cell"): { text: string; regions: number } {
  const lines = source.split("\n");
  const out: string[] = [];
  const fnName = declaredFunction(source);
  let regions = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const begin = BEGIN.exec(line);
    if (END.test(line)) throw new Error(`${where}: "// END SOLUTION" on line ${i + 1} without a BEGIN before it`);
    if (!begin) {
      out.push(line);
      continue;
    }
    let j = i + 1;
    while (j < lines.length && !END.test(lines[j] as string)) {
      if (BEGIN.test(lines[j] as string)) throw new Error(`${where}: nested "// BEGIN SOLUTION" on line ${j + 1}`);
      j++;
    }
    if (j >= lines.length) throw new Error(`${where}: "// BEGIN SOLUTION" on line ${i + 1} has no matching "// END SOLUTION"`);
    // A quiz answer keeps its declaration with the placeholder: a throwing stub would stop the notebook there.
    const answer = j === i + 2 ? ANSWER_LINE.exec(lines[i + 1] as string) : null;
    if (answer) out.push(answerStubLine(answer[1] ?? "", answer[2] as string, answer[3] as string));
    else out.push(...stubLines(begin[1] ?? "", fnName));
    regions++;
    i = j;
  }
  return { text: out.join("\n"), regions };
}

/** Hash of a notebook's cell types and sources: what a student edits (outputs excluded). */
export function contentHash(nb: Notebook): string {
  const h = createHash("sha256");
  for (const c of nb.cells) h.update(`${c.cell_type}\u0000${cellText(c)}\u0001`);
  return h.digest("hex").slice(0, 16);
}

/** Where the student's notebooks live: student/ in the course, notebooks/ in a student release. */
type StudentFolder = "student" | "notebooks";

/**
 * Where a student edition is used, which only its closing cell depends on:
 * a folder of a course copy (it shows `npm run validate -- <folder>/<file>`),
 * or the browser edition (`npm run lite`: File → Download, then validate).
 */
export type EditionPlace = StudentFolder | "browser";
const EDITION_PLACES: readonly EditionPlace[] = ["student", "notebooks", "browser"];

/** The id of the closing cell that says how to validate before submitting. */
export const VALIDATE_CELL_ID = "course-validate-before-submitting";

/** The student edition's closing markdown cell: how to check, before submitting, that the grader agrees. */
function validateCell(notebookName: string, place: EditionPlace): Cell {
  if (place === "browser") return browserValidateCell(notebookName);
  const file = `${place}/${notebookName}`;
  return {
    cell_type: "markdown",
    id: VALIDATE_CELL_ID,
    metadata: {},
    source: toSource(
      [
        "## Before you submit: validate",
        "",
        "Save this notebook, then run in a terminal, in the course folder:",
        "",
        "```",
        `npm run validate -- ${file}`,
        "```",
        "",
        "It grades your notebook exactly as the grader will, with the checks above, after running it top to bottom " +
          "in a fresh kernel: the points of every check, the total, and whether every cell ran. " +
          "Submit when it shows what you expect.",
      ].join("\n"),
    ),
  };
}

/** The closing cell in the browser edition, where the work lives in the browser until downloaded. */
function browserValidateCell(notebookName: string): Cell {
  return {
    cell_type: "markdown",
    id: VALIDATE_CELL_ID,
    metadata: {},
    source: toSource(
      [
        "## Before you submit",
        "",
        "Your work is kept in this browser (reloading the page keeps it; clearing the browser's site data deletes it). " +
          `To see what the grader will, click **Check as the grader** in this notebook's toolbar: it saves the notebook and ` +
          "runs the lesson's checks on the saved file as the grader does (type errors and an instructor's hidden checks aside). " +
          `**Submit** in the toolbar (or **File → Download**) downloads the saved notebook (\`${notebookName}\`) to hand in as your instructor says.`,
      ].join("\n"),
    ),
  };
}

/**
 * The hashes a student edition with these cells records, one per place it can
 * be used (they differ only in the closing cell): a submission recording any of
 * them was made from this release of its lesson.
 */
export function editionHashes(edition: Notebook): string[] {
  const source = (edition.metadata.course as { source?: unknown } | undefined)?.source;
  const name = typeof source === "string" ? path.basename(source) : "";
  return EDITION_PLACES.map((place) => contentHash({ ...edition, cells: edition.cells.map((c) => (c.id === VALIDATE_CELL_ID ? validateCell(name, place) : c)) }));
}

/**
 * Builds the student edition of a source notebook (no outputs, solutions
 * stubbed, a closing cell on validating). `folder` is where the student's copy
 * lives, for the validate command it shows (or "browser": the browser edition).
 */
export function studentEdition(source: Notebook, sourceName: string, folder: EditionPlace = "student"): Notebook {
  const cells: Cell[] = source.cells.map((cell, index) => {
    const copy: Cell = { ...cell, metadata: { ...cell.metadata } };
    if (cell.cell_type === "code") {
      const { text } = stripSolutions(cellText(cell), `${sourceName} cell ${index + 1}`);
      copy.source = toSource(text);
      copy.outputs = [];
      copy.execution_count = null;
    }
    return copy;
  });
  cells.push(validateCell(path.basename(sourceName), folder));
  const nb: Notebook = { ...source, metadata: { ...source.metadata }, cells };
  nb.metadata.course = { edition: "student", source: sourceName, generatedHash: contentHash(nb) };
  return nb;
}

/**
 * A copy of a source notebook whose named exercises' solution cells are
 * replaced by the given code (function or quiz answer name → source): the
 * lesson tests' wrong editions, built the same way where they are run and where
 * npm test warms the cell cache with them. Throws when no exercise cell declares
 * a name.
 */
export function replaceExercises(source: Notebook, replacements: Readonly<Record<string, string>>): Notebook {
  const used = new Set<string>();
  const cells = source.cells.map((cell) => {
    if (cell.cell_type !== "code") return cell;
    const name = declaredFunction(cellText(cell));
    const replacement = name ? replacements[name] : undefined;
    if (!name || replacement === undefined || !cellText(cell).includes("// BEGIN SOLUTION")) return cell;
    used.add(name);
    return { ...cell, source: toSource(replacement) };
  });
  const missing = Object.keys(replacements).filter((k) => !used.has(k));
  if (missing.length) throw new Error(`no exercise cell declares ${missing.join(", ")}`);
  return { ...source, cells };
}

/** True when a generated student notebook still has exactly the cells it was generated with. */
export function isUnedited(nb: Notebook): boolean {
  const meta = nb.metadata.course as { generatedHash?: string } | undefined;
  return !!meta?.generatedHash && meta.generatedHash === contentHash(nb);
}

/** What happened to one student notebook. */
export interface EditionOutcome {
  file: string;
  action: "created" | "updated" | "unchanged" | "kept-edited";
  /** Where the new edition went when the student's copy was kept. */
  updateFile?: string;
}

/**
 * Writes the student edition of every source notebook into `outDir`, never
 * overwriting a copy the student has edited.
 */
export function generateStudentEditions(sourceDir: string, outDir: string, folder: StudentFolder = "student", slugs?: readonly string[]): EditionOutcome[] {
  fs.mkdirSync(outDir, { recursive: true });
  const outcomes: EditionOutcome[] = [];
  // `slugs`: only these lessons (a release leaves draft lessons out).
  const wanted = (f: string): boolean => /^\d\d-.*\.ipynb$/.test(f) && (!slugs || slugs.includes(f.replace(/\.ipynb$/, "")));
  for (const name of fs.readdirSync(sourceDir).filter(wanted).sort()) {
    const edition = studentEdition(readNotebook(path.join(sourceDir, name)), `notebooks/${name}`, folder);
    const target = path.join(outDir, name);
    if (!fs.existsSync(target)) {
      writeNotebook(target, edition);
      outcomes.push({ file: target, action: "created" });
      continue;
    }
    let current: Notebook | null = null;
    try {
      current = readNotebook(target);
    } catch {
      current = null; // unreadable: treat as the student's, never overwrite it
    }
    if (current && contentHash(current) === contentHash(edition)) {
      outcomes.push({ file: target, action: "unchanged" });
    } else if (current && isUnedited(current)) {
      writeNotebook(target, edition);
      outcomes.push({ file: target, action: "updated" });
    } else {
      const updateFile = path.join(outDir, "updates", name);
      fs.mkdirSync(path.dirname(updateFile), { recursive: true });
      writeNotebook(updateFile, edition);
      outcomes.push({ file: target, action: "kept-edited", updateFile });
    }
  }
  return outcomes;
}

/**
 * Whether a submission is the handout itself: its code cells exactly those of its lesson's student edition (for
 * any place it is made for: student/, a release's notebooks/, the browser edition). Such a notebook scores 0
 * like a real attempt that failed everything; the grade says `unchanged` so feedback, grades.json and
 * Gradescope's data tell "nothing was done" from "everything was wrong".
 */
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import { studentEdition, type EditionPlace } from "../editions/editions";
import { codeSources, readNotebook, type Notebook } from "../editions/notebook";

const PLACES: EditionPlace[] = ["student", "notebooks", "browser"];
const handouts = new Map<string, string[]>();

/** The student editions' code, one string per place (cells joined), computed once per lesson. */
function handoutCode(lesson: string): string[] {
  let code = handouts.get(lesson);
  if (!code) {
    const source = readNotebook(path.join(ROOT, "notebooks", `${lesson}.ipynb`));
    code = PLACES.map((place) => JSON.stringify(codeSources(studentEdition(source, `notebooks/${lesson}.ipynb`, place)).map((c) => c.trim())));
    handouts.set(lesson, code);
  }
  return code;
}

/** True when the notebook's code cells are its lesson's handout's, whitespace at their ends aside. */
export function unchangedFromHandout(nb: Notebook, lesson: string): boolean {
  try {
    return handoutCode(lesson).includes(JSON.stringify(codeSources(nb).map((c) => c.trim())));
  } catch {
    return false; // no lesson notebook here (a student release): nothing to compare with
  }
}

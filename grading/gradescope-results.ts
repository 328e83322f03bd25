/**
 * Gradescope's results.json (its autograder "Output Format": a top-level score and output, and one test per
 * check) from the grades of one submission's notebooks. Each test's output is the same HTML as the check's part
 * of the feedback page (grading/feedback.ts), with `output_format: "html"`; a hidden check's test says only
 * passed or failed and the categories of its failed cases, as there, and is shown after the due date (`visibility: "after_due_date"`). When a student
 * hands in several notebooks for one lesson, the best counts, as in class grading; the others appear only in
 * the top-level output.
 */
import * as path from "path";
import { escapeHtml } from "../lib/runtime/display";
import { checkHtml, executionHtml, problemsHtml } from "./feedback";
import { countedGrades } from "./gradebook";
import type { NotebookGrade } from "./types";

type GradescopeVisibility = "hidden" | "after_due_date" | "after_published" | "visible";

interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  output_format: "html";
  visibility: GradescopeVisibility;
}

/** Each notebook handed in, as data (Gradescope keeps `extra_data` with the submission; tools read it, not the HTML). */
interface GradescopeNotebook {
  file: string;
  lesson: string | null;
  score: number;
  maxScore: number;
  counts: boolean;
  problems: string[];
  /** Why the file itself was not read (grading/submitted-file.ts's kind), or null. */
  fileProblem: string | null;
  /** The handout itself, unchanged (grading/handout.ts). */
  unchanged: boolean;
}

export interface GradescopeResults {
  score: number;
  output: string;
  output_format: "html";
  visibility: GradescopeVisibility;
  tests: GradescopeTest[];
  extra_data: { notebooks: GradescopeNotebook[] };
}

/** A hidden check, however its grade marks it (the flag, or the id's ".hidden" suffix as the feedback page reads it). */
function isHidden(id: string, hidden: boolean | undefined): boolean {
  return hidden === true || /\.hidden$/.test(id);
}

/** results.json for one submission. `hints` maps a check id to the hint the feedback page shows when it fails. */
export function gradescopeResults(notebooks: NotebookGrade[], hints: Record<string, string> = {}): GradescopeResults {
  const counted = countedGrades({ student: "", notebooks, problems: [] });
  const tests: GradescopeTest[] = [];
  for (const [i, g] of counted.entries()) {
    for (const [j, c] of g.checks.entries()) {
      tests.push({
        name: c.id,
        number: `${i + 1}.${j + 1}`,
        score: c.points,
        max_score: c.maxPoints,
        status: c.passed ? "passed" : "failed",
        output: checkHtml(c, hints[c.id]),
        output_format: "html",
        visibility: isHidden(c.id, c.hidden) ? "after_due_date" : "visible",
      });
    }
  }
  const parts = notebooks.map((g) => {
    const counts = counted.includes(g);
    const note = g.lesson && !counts ? " (does not count: another notebook for this lesson scored higher)" : "";
    return `<section class="notebook"><h2>${escapeHtml(path.basename(g.path))}: ${g.lesson ? escapeHtml(g.lesson) : "not graded"}</h2>` +
      `<p class="score">Score: <b>${g.score}/${g.maxScore}</b>${note}</p>${problemsHtml(g.problems)}${g.lesson ? executionHtml(g.execution) : ""}</section>`;
  });
  const output = notebooks.length ? parts.join("\n") : "<p>No notebook (.ipynb) was handed in.</p>";
  const data = notebooks.map((g) => ({ file: path.basename(g.path), lesson: g.lesson, score: g.score, maxScore: g.maxScore, counts: counted.includes(g), problems: g.problems, fileProblem: g.fileProblem ?? null, unchanged: g.unchanged ?? false }));
  return { score: counted.reduce((t, g) => t + g.score, 0), output, output_format: "html", visibility: "visible", tests, extra_data: { notebooks: data } };
}

/**
 * What the Gradescope autograder's run_autograder runs (grading/gradescope/run_autograder):
 *
 *   node build/grading/gradescope-run.js SUBMISSION_DIR RESULTS_JSON [--hidden DIR]
 *
 * grades every `*.ipynb` directly in SUBMISSION_DIR (Gradescope's /autograder/submission) with the same sandbox
 * and limits as `npm run grade`, and writes RESULTS_JSON (grading/gradescope-results.ts). Names are listed, never
 * followed: a link or a special file named *.ipynb is reported for itself by the intake (grading/submitted-file.ts).
 * Exit 0 whenever grading ran (Gradescope then shows results.json); 1 when the grader itself failed, which
 * Gradescope reports as an autograder failure rather than a score.
 */
import * as fs from "fs";
import * as path from "path";
import { checkHints } from "./class-grade";
import { gradeAll } from "./grade";
import { gradescopeResults } from "./gradescope-results";
import { DEFAULT_GRADE_OPTIONS, type GradeOptions } from "./types";

/** The notebooks handed in: names ending in .ipynb directly in the folder (sorted, so the numbering is stable). */
export function submittedNotebooks(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.toLowerCase().endsWith(".ipynb")).sort().map((n) => path.join(dir, n));
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const opts: GradeOptions = { ...DEFAULT_GRADE_OPTIONS };
  const h = args.indexOf("--hidden");
  if (h >= 0) {
    opts.hiddenDir = path.resolve(args[h + 1] ?? "");
    args.splice(h, 2);
  }
  const [submission, results] = args;
  if (!submission || !results || args.length !== 2) {
    console.error("usage: node build/grading/gradescope-run.js SUBMISSION_DIR RESULTS_JSON [--hidden DIR]");
    return 2;
  }
  const grades = await gradeAll(submittedNotebooks(submission), opts);
  fs.mkdirSync(path.dirname(results), { recursive: true });
  fs.writeFileSync(results, JSON.stringify(gradescopeResults(grades, checkHints(opts.hiddenDir)), null, 1) + "\n");
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`✖ the grader failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    },
  );
}

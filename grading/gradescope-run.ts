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
import { callerPath, parseCommandLine, runCommand, UsageError } from "../lib/runtime/command-line";

/** The notebooks handed in: names ending in .ipynb directly in the folder (sorted, so the numbering is stable). */
function submittedNotebooks(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.toLowerCase().endsWith(".ipynb")).sort().map((n) => path.join(dir, n));
}

const GRADESCOPE_RUN_USAGE = "node build/grading/gradescope-run.js SUBMISSION_DIR RESULTS_JSON [--hidden DIR]";

/** Reads the command line; every path is resolved against the caller's folder. Throws UsageError. */
export function parseGradescopeRunArgs(argv: readonly string[]): { submission: string; results: string; opts: GradeOptions } {
  const { values, positionals } = parseCommandLine(argv, { hidden: { type: "string" } });
  const opts: GradeOptions = { ...DEFAULT_GRADE_OPTIONS };
  if (values.hidden !== undefined) opts.hiddenDir = callerPath(values.hidden);
  // Hidden checks that cannot be found would silently grade without them: stop instead (Gradescope shows why).
  if (opts.hiddenDir && !fs.statSync(opts.hiddenDir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--hidden: no hidden-checks folder ${opts.hiddenDir}`);
  const [submission, results] = positionals;
  if (!submission || !results || positionals.length !== 2) throw new UsageError("give the submission folder and the results file");
  return { submission: callerPath(submission), results: callerPath(results), opts };
}

async function main(argv: string[]): Promise<number> {
  const { submission, results, opts } = parseGradescopeRunArgs(argv);
  const grades = await gradeAll(submittedNotebooks(submission), opts);
  fs.mkdirSync(path.dirname(results), { recursive: true });
  fs.writeFileSync(results, JSON.stringify(gradescopeResults(grades, checkHints(opts.hiddenDir)), null, 1) + "\n");
  return 0;
}

if (require.main === module) {
  runCommand(GRADESCOPE_RUN_USAGE, () => main(process.argv.slice(2))).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`✖ the grader failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    },
  );
}

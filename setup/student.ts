/**
 * `npm run student`: (re)generates the student edition in student/ from the
 * lessons in notebooks/, keeping every notebook a student has edited.
 */
import * as path from "path";
import { generateStudentEditions, type EditionOutcome } from "../editions/editions";
import { ROOT } from "./jupyter";
import { parseCommandLine, runCommand, UsageError } from "../lib/runtime/command-line";

/** Generates student/ and prints one line per notebook. */
export function refreshStudentEdition(outDir = path.join(ROOT, "student")): EditionOutcome[] {
  const outcomes = generateStudentEditions(path.join(ROOT, "notebooks"), outDir);
  for (const o of outcomes) {
    const rel = path.relative(ROOT, o.file);
    if (o.action === "kept-edited") {
      console.log(`  kept    ${rel} (it has your work; the updated lesson is in ${path.relative(ROOT, o.updateFile ?? "")})`);
    } else if (o.action !== "unchanged") {
      console.log(`  ${o.action.padEnd(7)} ${rel}`);
    }
  }
  return outcomes;
}

const STUDENT_USAGE = "npm run student   (no options: it regenerates student/ from notebooks/)";

/** Reads the command line: there is nothing to give. Throws UsageError. */
export function parseStudentArgs(argv: readonly string[]): void {
  const { positionals } = parseCommandLine(argv, {});
  if (positionals.length) throw new UsageError(`npm run student takes no arguments (got ${positionals.join(" ")})`);
}

if (require.main === module) {
  runCommand(STUDENT_USAGE, () => {
    parseStudentArgs(process.argv.slice(2));
    const outcomes = refreshStudentEdition();
    console.log(`Student edition: ${outcomes.length} notebooks in student/.`);
    return 0;
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`✖ ${(err as Error).message}`);
      process.exit(1);
    },
  );
}

/**
 * `npm run expected`: regenerates data/expected/*.json with the Python/numpy
 * oracle, then README.md's table of lessons from the registry and the lessons'
 * checks (tools/lesson-table.ts); `-- --check` only compares. Expected values
 * never come from the course's own TypeScript solutions.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { findTestPython, installInstructions, ROOT } from "../setup/jupyter";
import { updateReadmeTable } from "./lesson-table";

const python = process.env.COURSE_TEST_PYTHON ?? findTestPython();
if (!python) {
  console.error(`✖ No Python with numpy found.\n${installInstructions()}`);
  process.exit(1);
}
const r = spawnSync(python, [path.join(ROOT, "oracle", "expected.py"), ...process.argv.slice(2)], { stdio: "inherit", cwd: ROOT });
if (r.status !== 0) process.exit(r.status ?? 1);
// The lesson filter (--lesson) and the oracle's other flags concern data/expected; the table covers every lesson.
const check = process.argv.includes("--check");
const current = updateReadmeTable(check);
if (check && !current) {
  console.error("✖ README.md's table of lessons is out of date: run `npm run expected` to regenerate it.");
  process.exit(1);
}
if (!current) console.log("README.md: table of lessons regenerated.");

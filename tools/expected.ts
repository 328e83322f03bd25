/**
 * `npm run expected`: regenerates data/expected/*.json with the Python/numpy
 * oracle (`-- --check` only compares). Expected values never come from the
 * course's own TypeScript solutions.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { findTestPython, installInstructions, ROOT } from "../setup/jupyter";

const python = process.env.COURSE_TEST_PYTHON ?? findTestPython();
if (!python) {
  console.error(`✖ No Python with numpy found.\n${installInstructions()}`);
  process.exit(1);
}
const r = spawnSync(python, [path.join(ROOT, "oracle", "expected.py"), ...process.argv.slice(2)], { stdio: "inherit", cwd: ROOT });
process.exit(r.status ?? 1);

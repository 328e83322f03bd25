/**
 * What a cell declares and where its solution is are written once
 * (editions/declarations.ts): the student editions, the grader's scoring plan
 * and the release's leak scan use that one module, so they cannot disagree
 * (two copies once did, on leading whitespace). The scan below fails when a
 * source file writes either regular expression again.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";
import { sourceFiles } from "../helpers/sources";
import { declaredFunction as editionsDeclared } from "../../editions/editions";
import { declaredFunctions as gradingDeclared } from "../../grading/scoring-plan";
import { declaredFunction, declaredFunctions, SOLUTION_BEGIN, SOLUTION_END } from "../../editions/declarations";

/** The folders whose sources run (tests may spell markers out in their fixtures). */
const ROOMS = ["lib", "grading", "tools", "editions", "kernel", "setup", "bench", "frontends"];
const HOME = path.join("editions", "declarations.ts");

/** Every .ts/.js source under the rooms (no packages, no builds). */
function sources(): string[] {
  return ROOMS.flatMap((r) => sourceFiles(path.join(ROOT, r), { files: /(?<!\.d)\.(ts|js)$/ })).map((p) => path.relative(ROOT, p));
}

/** A regular expression literal that matches a declared function's name, or a solution marker line. */
const COPIES = [/function\\s\+\(\[A-Za-z_\$\]/, /\\\/\\\/ (BEGIN|END) SOLUTION/];

describe("declarations and solution markers, written once", () => {
  it("no source but editions/declarations.ts writes the declared-function or the solution-marker expression", () => {
    const copies = sources().filter((f) => f !== HOME && COPIES.some((re) => re.test(fs.readFileSync(path.join(ROOT, f), "utf8"))));
    assert.deepEqual(copies, []);
    // The scan sees the home module's own expressions (a scan that matches nothing shows nothing).
    const home = fs.readFileSync(path.join(ROOT, HOME), "utf8");
    assert.ok(COPIES.every((re) => re.test(home)));
  });

  it("the editions and the grader read a cell's declarations the same way: top level only", () => {
    const cells = [
      "function sigmoid(z: number[]): number[] {\n  return z;\n}",
      "export async function relu(x) {}",
      "  function indented() {}",
      "if (x) {\n  function inner() {}\n}",
      'const quizOutput = "b";',
      "function a() {}\nfunction b() {}\nconst quizC = \"a\";",
    ];
    for (const c of cells) {
      assert.equal(editionsDeclared(c), declaredFunction(c), c);
      assert.deepEqual(gradingDeclared(c), declaredFunctions(c), c);
      assert.equal(declaredFunction(c), declaredFunctions(c)[0] ?? null, c);
    }
    assert.deepEqual(declaredFunctions(cells[5] as string), ["a", "b", "quizC"]);
    assert.equal(declaredFunction("  function indented() {}"), null);
    assert.equal(declaredFunction("if (x) {\n  function inner() {}\n}"), null);
  });

  it("the markers: a BEGIN keeps its indent; END and BEGIN need the whole line", () => {
    assert.equal(SOLUTION_BEGIN.exec("    // BEGIN SOLUTION")?.[1], "    ");
    assert.ok(SOLUTION_END.test("  // END SOLUTION  "));
    assert.ok(!SOLUTION_BEGIN.test("x = 1; // BEGIN SOLUTION"));
  });
});

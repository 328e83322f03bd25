/**
 * `npm run new-lesson -- NN-slug`: scaffolds a lesson that passes the test
 * suite as generated: the notebook with the standard sections and one worked
 * exercise (solution, check, demonstration), its lib module, its oracle module
 * and expected values, and its tests. Replace the example exercise with yours
 * (docs/authoring.md walks through it).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { findTestPython, installInstructions, ROOT } from "./jupyter";
import { toSource, writeNotebook, type Cell, type Notebook } from "./notebook";

/** The files a new lesson consists of. */
export function lessonFiles(slug: string, root = ROOT): Record<"notebook" | "lib" | "oracle" | "test" | "expected", string> {
  const nn = slug.slice(0, 2);
  const pyName = `lesson_${nn}_${slug.slice(3).replace(/-/g, "_")}.py`;
  return {
    notebook: path.join(root, "notebooks", `${slug}.ipynb`),
    lib: path.join(root, "lib", `${slug}.ts`),
    oracle: path.join(root, "oracle", "lessons", pyName),
    test: path.join(root, "test", "lessons", `${slug}.test.ts`),
    expected: path.join(root, "data", "expected", `${slug}.json`),
  };
}

function titleOf(slug: string): string {
  const words = slug.slice(3).split("-");
  const t = words.join(" ");
  return t.charAt(0).toUpperCase() + t.slice(1);
}

function cell(kind: "markdown" | "code", text: string, i: number): Cell {
  const c: Cell = { cell_type: kind, id: `scaffold${i}`, metadata: {}, source: toSource(text) };
  if (kind === "code") {
    c.outputs = [];
    c.execution_count = null;
  }
  return c;
}

function notebook(slug: string): Notebook {
  const nn = slug.slice(0, 2);
  const texts: ["markdown" | "code", string][] = [
    ["markdown", `# Lesson ${nn} — ${titleOf(slug)}\n\n**What you will learn**\n\n- what this lesson teaches (one line per idea);\n- the functions you will write.\n\n**How this notebook works.** Run the cells from top to bottom. Graded exercises are code cells that define one function; write your code where it says \`YOUR CODE HERE\`, run the cell, then run the check cell below it.\n\n*Based on Machine Learning Specialization, Course 2, Week 2.*`],
    ["code", `import * as tf from "@tensorflow/tfjs";\nimport * as lab from "../build/lib/${slug}";\n\nawait lab.setup();`],
    ["markdown", `## 1. A first idea\n\nExplain the idea in a few sentences, with the formula the exercise implements: $\\mathbf{y} = c\\,\\mathbf{x}$.\n\n### Exercise 1: \`scaleVector\`\n\nWrite \`scaleVector(x, c)\`, which returns a new array with every element of \`x\` multiplied by \`c\`.`],
    ["code", `function scaleVector(x: number[], c: number): number[] {\n    // BEGIN SOLUTION\n    return x.map((xi) => c * xi);\n    // END SOLUTION\n}`],
    ["code", `await lab.check("${nn}.scaleVector", scaleVector);`],
    ["markdown", `Demonstrate the exercise right away. A cell that uses a student's function runs inside \`lab.demo\`, so an unfinished exercise prints a message instead of stopping the notebook.`],
    ["code", `await lab.demo(() => {\n    const x = lab.linspace(0, 5, 11);\n    lab.plot([{ x, y: scaleVector(x, 2), mode: "lines+markers", name: "2x" }], { title: "scaleVector(x, 2)", xaxis: { title: { text: "x" } } });\n});`],
    ["markdown", `## Summary\n\n- the main points, one line each.\n\n### Questions to think about (not graded)\n\n1. A question that makes the student use the idea.`],
  ];
  return {
    cells: texts.map(([k, t], i) => cell(k, t, i)),
    metadata: {
      kernelspec: { display_name: "TypeScript (course: tslab)", language: "typescript", name: "tslab" },
      language_info: { codemirror_mode: { mode: "typescript", name: "javascript", typescript: true }, file_extension: ".ts", mimetype: "text/typescript", name: "typescript", version: "5.0.4" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function libModule(slug: string): string {
  const nn = slug.slice(0, 2);
  return `/**
 * Lesson ${nn} — ${titleOf(slug)}.
 * Notebook: notebooks/${slug}.ipynb. Tests: test/lessons/${slug}.test.ts.
 */
import { createChecker, storedFunctionCheck } from "./core";

export { setup, demo, progress, plot, linspace, disposeModel } from "./core";

/** This lesson's slug: names its notebook, lib module, expected values and tests. */
export const LESSON = "${slug}";

/** The graded checks of lesson ${nn}, in notebook order. */
export const checker = createChecker([
  storedFunctionCheck({
    lesson: LESSON, id: "${nn}.scaleVector", fnName: "scaleVector", points: 1,
    hint: "Multiply every element by c and return a new array: x.map((xi) => c * xi).",
  }),
]);

/** Runs a check and shows its report in the notebook; never throws. */
export const check = checker.check;
`;
}

function oracleModule(slug: string): string {
  return `"""Expected values for lesson ${slug.slice(0, 2)} (${titleOf(slug).toLowerCase()}), numpy float64."""
import numpy as np

from lessons.common import case, tolist

SLUG = "${slug}"


def scale(x, c):
    return tolist(np.asarray(x, dtype=np.float64) * c)


def build():
    tight = {"atol": 1e-12, "rtol": 1e-12}
    return {"checks": {
        "${slug.slice(0, 2)}.scaleVector": {**tight, "cases": [
            case("small vector", [[1, 2, 3], 2], scale([1, 2, 3], 2)),
            case("negative factor", [[0.5, -1.25], -4], scale([0.5, -1.25], -4)),
            case("empty vector", [[], 3], []),
        ]},
    }}
`;
}

function testModule(slug: string): string {
  const nn = slug.slice(0, 2);
  return `/**
 * Lesson ${nn}: checks pass on the notebook's own solutions and fail on wrong
 * code; the solution edition, the student edition and a wrong edition run top
 * to bottom in a real tslab kernel.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { checker } from "../../lib/${slug}";
import { initBackend } from "../../lib/core";
import { checkResults, leakedTensors, problems, runNotebook, solutionFunctions, sourceNotebook } from "../helpers/notebooks";
import { assertStudentEditionNotCompleted, assertWrongEditionFails, itHoldsTheCheckContract, type Fn } from "../helpers/lesson-contract";

const SLUG = "${slug}";
const IDS = checker.definitions.map((d) => d.id);

/** Wrong implementations, each a mistake students make (at least three per exercise). */
const WRONG: Record<string, Record<string, Fn>> = {
  "${nn}.scaleVector": {
    "adds instead of multiplies": ((x: number[], c: number) => x.map((v) => v + c)) as Fn,
    "modifies its input": ((x: number[], c: number) => { for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * c; return x; }) as Fn,
    "returns a number": ((x: number[], c: number) => x.reduce((s, v) => s + v * c, 0)) as Fn,
  },
};

before(async () => {
  await initBackend();
});

describe("lesson ${nn} checks on the notebook's own solutions and on wrong code", () => {
  // Every check: passes on the solution, fails on each wrong implementation,
  // says "not completed yet" for the student stub (test/helpers/lesson-contract.ts).
  itHoldsTheCheckContract(checker, solutionFunctions(SLUG), WRONG);
});

describe("lesson ${nn} notebook in a real tslab kernel", { concurrency: false }, () => {
  it("solution edition: no error, no abort, every check passes, no leaked tensors", () => {
    const run = runNotebook(sourceNotebook(SLUG));
    assert.deepEqual(problems(run), []);
    assert.equal(leakedTensors(run), 0);
    const results = checkResults(run);
    assert.deepEqual(results.map((r) => r.id), IDS);
    for (const r of results) assert.equal(r.status, "passed", \`\${r.id}: \${r.message}\`);
  });

  it("student edition: runs to the end and every check says not completed yet", () => {
    assertStudentEditionNotCompleted(SLUG, IDS);
  });

  it("wrong code in every exercise: runs to the end and every check fails", () => {
    assertWrongEditionFails(SLUG, IDS, {
      scaleVector: "function scaleVector(x: number[], c: number): number[] { return x.map((v) => v + c); }",
    });
  });
});
`;
}

/** Writes a new lesson into `root`; refuses to overwrite anything. Returns the files written. */
export function scaffoldLesson(slug: string, root = ROOT, python: string | null = findTestPython()): string[] {
  if (!/^\d\d-[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(slug)) {
    throw new Error(`"${slug}" is not a lesson slug: use two digits, a dash and lowercase words joined by dashes, e.g. 08-batch-norm`);
  }
  const files = lessonFiles(slug, root);
  const existing = Object.values(files).filter((f) => fs.existsSync(f));
  const sameNumber = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.startsWith(`${slug.slice(0, 2)}-`));
  if (existing.length) throw new Error(`refusing to overwrite ${existing.map((f) => path.relative(root, f)).join(", ")}`);
  if (sameNumber.length) throw new Error(`lesson number ${slug.slice(0, 2)} is taken by ${sameNumber.join(", ")}`);
  if (!python) throw new Error(`the oracle needs a Python with numpy to compute expected values.\n${installInstructions()}`);
  writeNotebook(files.notebook, notebook(slug));
  fs.writeFileSync(files.lib, libModule(slug));
  fs.writeFileSync(files.oracle, oracleModule(slug));
  fs.mkdirSync(path.dirname(files.test), { recursive: true });
  fs.writeFileSync(files.test, testModule(slug));
  const r = spawnSync(python, [path.join(root, "oracle", "expected.py"), "--lesson", slug], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`the oracle failed:\n${r.stdout}${r.stderr}`);
  return Object.values(files);
}

if (require.main === module) {
  const slug = process.argv[2];
  try {
    if (!slug) throw new Error("usage: npm run new-lesson -- NN-slug   (e.g. npm run new-lesson -- 08-batch-norm)");
    const written = scaffoldLesson(slug);
    console.log(`Lesson ${slug} created:\n${written.map((f) => `  ${path.relative(ROOT, f)}`).join("\n")}`);
    console.log(`\nNext: replace the example exercise (docs/authoring.md), then \`npm run expected\` and \`npm test -- ${slug}\`.`);
  } catch (err) {
    console.error(`✖ ${(err as Error).message}`);
    process.exit(1);
  }
}

/**
 * Every lesson notebook: valid nbformat 4, committed without outputs, run by
 * the course kernel, found by its slug (lib module, expected values, tests),
 * and following the exercise conventions (one function per exercise cell,
 * solution markers, the check cell right after, check ids matching the lib).
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { lessonCheckIds, lessonSlugs } from "../lib/lessons";
import { declaredFunction, studentEdition } from "../editions/editions";
import { cellText, readNotebook } from "../editions/notebook";
import { ROOT } from "./helpers/notebooks";

const slugs = lessonSlugs();
const python = process.env.COURSE_TEST_PYTHON ?? "/usr/bin/python3";

describe("lesson notebooks", () => {
  it("the registry (lib/lessons.ts) lists exactly the notebooks in notebooks/, in order", () => {
    const files = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).map((f) => f.replace(/\.ipynb$/, "")).sort();
    assert.deepEqual(slugs, files);
  });

  it("there is at least lesson 01, and every notebook is named NN-slug", () => {
    assert.ok(slugs.includes("01-logistic-regression"));
    for (const s of slugs) assert.match(s, /^\d\d-[a-z0-9-]+$/);
  });

  for (const slug of slugs) {
    describe(slug, () => {
      const file = path.join(ROOT, "notebooks", `${slug}.ipynb`);
      const nb = readNotebook(file);

      it("is valid nbformat 4 (nbformat.validate)", () => {
        const r = spawnSync(python, ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')", file], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /valid/);
        assert.equal(nb.nbformat, 4);
      });

      it("is committed without outputs or execution counts", () => {
        for (const [i, c] of nb.cells.entries()) {
          if (c.cell_type !== "code") continue;
          assert.deepEqual(c.outputs, [], `cell ${i} has outputs`);
          assert.equal(c.execution_count, null, `cell ${i} has an execution count`);
        }
      });

      it("says in its introduction how the notebook works (run top to bottom, write the exercises, run their checks)", () => {
        const intro = nb.cells[0] && nb.cells[0].cell_type === "markdown" ? cellText(nb.cells[0]) : "";
        assert.match(intro, /Run the cells from top to bottom/);
        assert.match(intro, /`YOUR CODE HERE`/);
        assert.match(intro, /check/);
      });

      it("runs on the course's tslab kernel", () => {
        assert.equal((nb.metadata.kernelspec as { name?: string } | undefined)?.name, "tslab");
      });

      it("has its lib module, expected values and tests under the same slug", () => {
        for (const f of [`notebooks/${slug}.ipynb`, `lib/lessons/${slug}.ts`, `data/expected/${slug}.json`, `test/lessons/${slug}.test.ts`]) {
          assert.ok(fs.existsSync(path.join(ROOT, f)), `missing ${f}`);
        }
        const first = nb.cells.find((c) => c.cell_type === "code");
        assert.ok(first && cellText(first).includes(`from "../build/lib/lessons/${slug}"`), "the first code cell imports the lesson module");
        assert.ok(first && /await lab\.setup\(/.test(cellText(first)), "the first code cell calls lab.setup()");
      });

      it("each exercise cell defines one function and is followed by its check", () => {
        const prefix = slug.slice(0, 2);
        const codeCells = nb.cells.filter((c) => c.cell_type === "code");
        const found: string[] = [];
        codeCells.forEach((cell, i) => {
          const text = cellText(cell);
          if (!text.includes("// BEGIN SOLUTION")) return;
          const fn = declaredFunction(text);
          assert.ok(fn, `exercise cell without a function declaration:\n${text}`);
          // A quiz answer cell declares its constant quizName; its check is NN.quiz.name.
          const quiz = /^quiz([A-Z])(\w*)$/.exec(fn);
          const declared = quiz ? [...text.matchAll(/^\s*(?:const|let)\s+(\w+)/gm)].map((m) => m[1]) : [...text.matchAll(/^\s*function\s+(\w+)/gm)].map((m) => m[1]);
          assert.deepEqual(declared, [fn], `an exercise cell declares exactly one function or quiz answer (${declared.join(", ")})`);
          const id = quiz ? `${prefix}.quiz.${(quiz[1] as string).toLowerCase()}${quiz[2]}` : `${prefix}.${fn}`;
          const next = codeCells[i + 1];
          assert.ok(next, `no cell after exercise ${fn}`);
          assert.match(cellText(next), new RegExp(`lab\\.check\\("${id.replace(/\./g, "\\.")}", ${fn}\\)`), `the cell after ${fn} runs its check`);
          found.push(id);
        });
        assert.deepEqual(found, lessonCheckIds(slug), "the notebook's exercises are exactly the lib's checks, in order");
      });

      it("produces a student edition with every solution replaced by a stub", () => {
        const ed = studentEdition(nb, `notebooks/${slug}.ipynb`);
        const text = ed.cells.map(cellText).join("\n");
        assert.doesNotMatch(text, /BEGIN SOLUTION|END SOLUTION/);
        // A quiz answer's stub is its placeholder value, not a throw (which would stop the notebook).
        const stubs = [...(text.match(/is not completed yet/g) ?? []), ...(text.match(/^const quiz\w+ = "\?";$/gm) ?? [])];
        const exercises = nb.cells.filter((c) => cellText(c).includes("// BEGIN SOLUTION")).length;
        assert.equal(stubs.length, exercises);
        assert.equal(ed.cells.length, nb.cells.length + 1, "one closing cell: how to validate");
      });
    });
  }
});

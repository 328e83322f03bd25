/**
 * editions/editions.ts: the student edition stubs every solution region, clears
 * outputs and records a hash; regenerating never overwrites a student's work.
 */
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NotCompletedError, callStudent } from "../../lib/checks/harness";
import { QUIZ_PLACEHOLDER } from "../../lib/checks/quiz-answer";
import { VALIDATE_CELL_ID, contentHash, declaredFunction, editionHashes, generateStudentEditions, isUnedited, stripSolutions, stubLines, studentEdition } from "../../editions/editions";
import { cellText, readNotebook, writeNotebook, type Cell, type Notebook } from "../../editions/notebook";
import { ROOT } from "../../lib/runtime/paths";

function code(source: string, extra: Partial<Cell> = {}): Cell {
  return { cell_type: "code", metadata: {}, source, execution_count: 7, outputs: [{ output_type: "stream", name: "stdout", text: "old output" }], ...extra };
}
function markdown(source: string): Cell {
  return { cell_type: "markdown", metadata: {}, source };
}
function notebook(cells: Cell[]): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab", display_name: "TypeScript" } }, cells };
}

const SIGMOID_CELL = [
  "function sigmoid(z: number[]): number[] {",
  "    // BEGIN SOLUTION",
  "    return z.map((v) => 1 / (1 + Math.exp(-v)));",
  "    // END SOLUTION",
  "}",
].join("\n");

describe("declaredFunction and stubLines", () => {
  it("finds the function a cell declares", () => {
    assert.equal(declaredFunction(SIGMOID_CELL), "sigmoid");
    assert.equal(declaredFunction("// helper\nexport async function train$2(m) {}"), "train$2");
    assert.equal(declaredFunction("const f = (x: number) => x;"), null);
    assert.equal(declaredFunction("// function notMe(x)"), null, "a comment is not a declaration");
  });

  it("the stub throws the text the check harness recognises as not completed", async () => {
    assert.deepEqual(stubLines("  ", "f"), ["  // YOUR CODE HERE: replace the line below with your code.", '  throw new Error("f is not completed yet");']);
    assert.match(stubLines("", null)[1] ?? "", /this exercise is not completed yet/);
    const { text } = stripSolutions("function f(x) {\n  // BEGIN SOLUTION\n  return x;\n  // END SOLUTION\n}");
    const stubbed = new Function(`${text}\nreturn f;`)() as unknown;
    await assert.rejects(callStudent(stubbed, [1], { fnName: "f" }), NotCompletedError);
  });
});

describe("stripSolutions", () => {
  it("replaces a BEGIN/END region with the stub, keeping the indentation and naming the declared function", () => {
    const { text, regions } = stripSolutions(SIGMOID_CELL);
    assert.equal(regions, 1);
    assert.equal(
      text,
      [
        "function sigmoid(z: number[]): number[] {",
        "    // YOUR CODE HERE: replace the line below with your code.",
        '    throw new Error("sigmoid is not completed yet");',
        "}",
      ].join("\n"),
    );
  });

  it("handles several regions, keeps everything outside them, and leaves cells without markers alone", () => {
    const src = "function g(a: number) {\n  const b = a;\n  // BEGIN SOLUTION\n  secret1();\n  // END SOLUTION\n  if (b) {\n\t// BEGIN SOLUTION  \n\tsecret2();\n\t// END SOLUTION\n  }\n}\n";
    const { text, regions } = stripSolutions(src);
    assert.equal(regions, 2);
    assert.doesNotMatch(text, /secret|SOLUTION/);
    assert.match(text, /^function g\(a: number\) \{\n  const b = a;\n  \/\/ YOUR CODE HERE/);
    assert.match(text, /\n\tthrow new Error\("g is not completed yet"\);\n  \}\n\}\n$/, "tab indentation kept, trailing newline kept");
    assert.deepEqual(stripSolutions("const x = 1;\n"), { text: "const x = 1;\n", regions: 0 });
    const inline = "x = 1; // BEGIN SOLUTION";
    assert.deepEqual(stripSolutions(inline), { text: inline, regions: 0 }, "a marker must be alone on its line");
  });

  it("a quiz answer keeps its declaration with the placeholder, which the quiz check reports as not completed", () => {
    const cell = '// Your answer: "a", "b", "c" or "d".\n// BEGIN SOLUTION\nconst quizOutputActivation = "c";\n// END SOLUTION';
    assert.equal(declaredFunction(cell), "quizOutputActivation");
    const { text, regions } = stripSolutions(cell);
    assert.equal(regions, 1);
    assert.equal(text, '// Your answer: "a", "b", "c" or "d".\nconst quizOutputActivation = "?";');
    assert.equal(new Function(`${text}\nreturn quizOutputActivation;`)(), QUIZ_PLACEHOLDER);
    // Anything else in the region is still an exercise: the throwing stub.
    assert.match(stripSolutions("// BEGIN SOLUTION\nconst quizX = 1;\nfoo();\n// END SOLUTION").text, /throw new Error/);
  });

  it("errors on unbalanced or nested markers, naming where and which line", () => {
    assert.throws(() => stripSolutions("a\n// BEGIN SOLUTION\nx", "lesson cell 4"), { message: 'lesson cell 4: "// BEGIN SOLUTION" on line 2 has no matching "// END SOLUTION"' });
    assert.throws(() => stripSolutions("a\nb\n  // END SOLUTION", "c9"), { message: 'c9: "// END SOLUTION" on line 3 without a BEGIN before it' });
    assert.throws(() => stripSolutions("// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION\n// END SOLUTION"), { message: 'cell: nested "// BEGIN SOLUTION" on line 2' });
    assert.throws(() => stripSolutions("// BEGIN SOLUTION\n// END SOLUTION\n// END SOLUTION"), /line 3 without a BEGIN/);
  });
});

describe("studentEdition", () => {
  const source = notebook([
    markdown("# Lesson\nMarkdown may mention\n// BEGIN SOLUTION\nwithout being stripped"),
    code(SIGMOID_CELL, { id: "cell-sig" }),
    code("console.log(1);"),
  ]);
  const pristine = structuredClone(source);
  const edition = studentEdition(source, "notebooks/01-x.ipynb");

  it("stubs solutions and clears every code cell's outputs and execution count", () => {
    const sig = edition.cells[1] as Cell;
    assert.doesNotMatch(cellText(sig), /Math\.exp|SOLUTION/);
    assert.match(cellText(sig), /throw new Error\("sigmoid is not completed yet"\)/);
    assert.ok(Array.isArray(sig.source), "nbformat list-of-lines source");
    assert.equal(sig.id, "cell-sig");
    for (const c of edition.cells.slice(1, source.cells.length)) {
      assert.deepEqual(c.outputs, []);
      assert.equal(c.execution_count, null);
    }
    assert.equal(cellText(edition.cells[2] as Cell), "console.log(1);");
    assert.equal(cellText(edition.cells[0] as Cell), cellText(source.cells[0] as Cell), "markdown is untouched");
  });

  it("records its source and a hash of its cells, so an unedited copy is recognised", () => {
    assert.deepEqual(edition.metadata.course, { edition: "student", source: "notebooks/01-x.ipynb", generatedHash: contentHash(edition) });
    assert.match(contentHash(edition), /^[0-9a-f]{16}$/);
    assert.deepEqual(edition.metadata.kernelspec, source.metadata.kernelspec);
    assert.equal(isUnedited(edition), true);
    const edited = structuredClone(edition);
    (edited.cells[1] as Cell).source = ["function sigmoid(z) { return z; }"];
    assert.equal(isUnedited(edited), false);
    assert.equal(isUnedited(source), false, "no recorded hash: not a generated copy");
  });

  it("the hash ignores outputs but not sources or cell types", () => {
    const ran = structuredClone(edition);
    (ran.cells[2] as Cell).outputs = [{ output_type: "stream", name: "stdout", text: "1\n" }];
    (ran.cells[2] as Cell).execution_count = 1;
    assert.equal(contentHash(ran), contentHash(edition));
    assert.equal(isUnedited(ran), true, "running the notebook is not editing it");
    const retyped = structuredClone(edition);
    (retyped.cells[2] as Cell).cell_type = "raw";
    assert.notEqual(contentHash(retyped), contentHash(edition));
    const split = structuredClone(edition);
    (split.cells[2] as Cell).source = ["console.", "log(1);"];
    assert.equal(contentHash(split), contentHash(edition), "the same text stored as other lines is the same cell");
  });

  it("ends with a markdown cell saying how to validate before submitting, with the student's own path", () => {
    assert.equal(edition.cells.length, source.cells.length + 1);
    const last = edition.cells.at(-1) as Cell;
    assert.equal(last.cell_type, "markdown");
    assert.equal(last.id, VALIDATE_CELL_ID);
    assert.match(cellText(last), /^npm run validate -- student\/01-x\.ipynb$/m, "in the course, the student's copy is in student/");
    const released = studentEdition(source, "notebooks/01-x.ipynb", "notebooks");
    assert.match(cellText(released.cells.at(-1) as Cell), /^npm run validate -- notebooks\/01-x\.ipynb$/m, "in a release, in notebooks/");
    assert.equal(isUnedited(released), true, "the closing cell is part of the recorded hash");
    assert.notEqual(contentHash(released), contentHash(edition));
  });

  it("the browser edition's closing cell says where the work is kept, how to check it as the grader will and how to submit it; every place's edition counts as this release", () => {
    const browser = studentEdition(source, "notebooks/01-x.ipynb", "browser");
    const last = cellText(browser.cells.at(-1) as Cell);
    assert.equal((browser.cells.at(-1) as Cell).id, VALIDATE_CELL_ID);
    assert.match(last, /kept in this browser/);
    assert.match(last, /File → Download/);
    assert.match(last, /Check as the grader/, "the browser's validate (frontends/lite-app/validate/)");
    assert.match(last, /Submit.*01-x\.ipynb/);
    assert.equal(isUnedited(browser), true, "its recorded hash covers its own closing cell");
    const editions = (["student", "notebooks", "browser"] as const).map((place) => studentEdition(source, "notebooks/01-x.ipynb", place));
    const recorded = editions.map((nb) => (nb.metadata.course as { generatedHash: string }).generatedHash);
    assert.equal(new Set(recorded).size, 3, "the three closing cells differ");
    for (const nb of editions) assert.deepEqual(editionHashes(nb), recorded, "any place's edition gives every place's hash");
    const edited = structuredClone(browser);
    (edited.cells[1] as Cell).source = "x";
    assert.deepEqual(editionHashes(edited).filter((h) => recorded.includes(h)), [], "an edited cell matches none");
  });

  it("the validate cell's command runs: package.json has a validate script, grading/validate.ts exists", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    assert.match(pkg.scripts.validate ?? "", /bootstrap\.js validate/);
    assert.ok(fs.existsSync(path.join(ROOT, "grading", "validate.ts")));
  });

  it("does not modify the source notebook", () => {
    assert.deepEqual(source, pristine);
  });

  it("names the notebook and cell when a cell's markers are unbalanced", () => {
    const bad = notebook([markdown("x"), code("// BEGIN SOLUTION\nsecret();")]);
    assert.throws(() => studentEdition(bad, "notebooks/02-y.ipynb"), /^Error: notebooks\/02-y\.ipynb cell 2: "\/\/ BEGIN SOLUTION" on line 1 has no matching/);
  });
});

describe("generateStudentEditions", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "course-editions-test-"));
  const src = path.join(dir, "notebooks");
  const out = path.join(dir, "student");
  const name = "05-lesson.ipynb";
  const target = path.join(out, name);
  const lesson = (body: string, extra: Cell[] = []): Notebook =>
    notebook([markdown("# Five"), code(`function f(x: number): number {\n  // BEGIN SOLUTION\n  return ${body};\n  // END SOLUTION\n}`), ...extra]);
  fs.mkdirSync(src);
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("created: writes the student edition, ignoring files that are not lessons", () => {
    writeNotebook(path.join(src, name), lesson("x + 1"));
    fs.writeFileSync(path.join(src, "scratch.ipynb"), "not a lesson");
    fs.writeFileSync(path.join(src, "notes.txt"), "x");
    const outcomes = generateStudentEditions(src, out);
    assert.deepEqual(outcomes, [{ file: target, action: "created" }]);
    assert.deepEqual(fs.readdirSync(out), [name]);
    const nb = readNotebook(target);
    assert.deepEqual(nb, studentEdition(lesson("x + 1"), `notebooks/${name}`));
    assert.doesNotMatch(fs.readFileSync(target, "utf8"), /x \+ 1/);
  });

  it("unchanged: nothing to do when the source did not change, and the file is not rewritten", () => {
    const before = fs.readFileSync(target);
    const mtime = fs.statSync(target).mtimeMs;
    assert.deepEqual(generateStudentEditions(src, out), [{ file: target, action: "unchanged" }]);
    assert.ok(fs.readFileSync(target).equals(before));
    assert.equal(fs.statSync(target).mtimeMs, mtime);
  });

  it("updated: a changed source replaces a copy the student only ran (outputs are not edits)", () => {
    const ran = readNotebook(target);
    (ran.cells[1] as Cell).outputs = [{ output_type: "error", ename: "Error", evalue: "f is not completed yet", traceback: [] }];
    (ran.cells[1] as Cell).execution_count = 1;
    writeNotebook(target, ran);
    const changed = lesson("x + 2", [markdown("## New section")]);
    writeNotebook(path.join(src, name), changed);
    assert.deepEqual(generateStudentEditions(src, out), [{ file: target, action: "updated" }]);
    assert.deepEqual(readNotebook(target), studentEdition(changed, `notebooks/${name}`));
    assert.ok(!fs.existsSync(path.join(out, "updates")), "no update copy needed");
  });

  it("kept-edited: a copy the student edited is byte-identical afterwards; the update goes to updates/", () => {
    const mine = readNotebook(target);
    (mine.cells[1] as Cell).source = ["function f(x: number): number {\n", "  return x + 2; // my work\n", "}"];
    writeNotebook(target, mine);
    const before = fs.readFileSync(target);
    const changed = lesson("x + 3", [markdown("## Newer section")]);
    writeNotebook(path.join(src, name), changed);
    const outcomes = generateStudentEditions(src, out);
    const updateFile = path.join(out, "updates", name);
    assert.deepEqual(outcomes, [{ file: target, action: "kept-edited", updateFile }]);
    assert.ok(fs.readFileSync(target).equals(before), "the student's file is byte-identical");
    assert.deepEqual(readNotebook(updateFile), studentEdition(changed, `notebooks/${name}`));
    // Running again still keeps the student's work.
    assert.equal(generateStudentEditions(src, out)[0]?.action, "kept-edited");
    assert.ok(fs.readFileSync(target).equals(before));
  });

  it("a copy that is not readable as a notebook is treated as the student's and never overwritten", () => {
    const other = "06-other.ipynb";
    writeNotebook(path.join(src, other), lesson("x * 6"));
    fs.writeFileSync(path.join(out, other), "{ half-saved");
    const outcomes = generateStudentEditions(src, out);
    assert.deepEqual(outcomes.map((o) => [path.basename(o.file), o.action]), [[name, "kept-edited"], [other, "kept-edited"]], "sorted by name");
    assert.equal(fs.readFileSync(path.join(out, other), "utf8"), "{ half-saved");
    assert.ok(fs.existsSync(path.join(out, "updates", other)));
  });

  it("a source with unbalanced markers stops with an error naming the notebook and cell", () => {
    const badDir = path.join(dir, "bad");
    fs.mkdirSync(badDir);
    writeNotebook(path.join(badDir, "07-bad.ipynb"), notebook([code("// END SOLUTION")]));
    assert.throws(() => generateStudentEditions(badDir, path.join(dir, "bad-out")), /notebooks\/07-bad\.ipynb cell 1: "\/\/ END SOLUTION" on line 1 without a BEGIN/);
    assert.ok(!fs.existsSync(path.join(dir, "bad-out", "07-bad.ipynb")));
  });
});

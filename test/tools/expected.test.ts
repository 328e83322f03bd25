/**
 * Expected values are data produced by the independent numpy oracle: the files
 * on disk must hold what the oracle generates now, up to float64 round-off (not stale), and every
 * stored check must belong to a check the lesson defines, and vice versa.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { isQuizId, type ExpectedFile } from "../../lib/checks";
import { lessonCheckIds } from "../../lib/lessons";
import { ROOT } from "../helpers/notebooks";

const python = process.env.COURSE_TEST_PYTHON ?? "/usr/bin/python3";

describe("expected values", () => {
  it("are up to date with the oracle (python3 oracle/expected.py --check)", () => {
    const r = spawnSync(python, [path.join(ROOT, "oracle", "expected.py"), "--check"], { encoding: "utf8", cwd: ROOT });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  /** Copies the oracle and data into a scratch folder, edits one stored value, and runs --check there. */
  function checkAfterEditing(from: string, to: string, rel = path.join("data", "expected", "01-logistic-regression.json")): { status: number | null; stderr: string; stdout: string } {
    fs.mkdirSync(path.join(ROOT, ".test-out"), { recursive: true });
    const scratch = fs.mkdtempSync(path.join(ROOT, ".test-out", "oracle-"));
    try {
      fs.cpSync(path.join(ROOT, "oracle"), path.join(scratch, "oracle"), { recursive: true });
      for (const dir of ["data", "grading"]) fs.cpSync(path.join(ROOT, dir), path.join(scratch, dir), { recursive: true });
      const file = path.join(scratch, rel);
      const text = fs.readFileSync(file, "utf8");
      assert.ok(text.includes(from), `the stored file no longer holds ${from}; pick another value for this test`);
      fs.writeFileSync(file, text.replace(from, to));
      const r = spawnSync(python, [path.join(scratch, "oracle", "expected.py"), "--check"], { encoding: "utf8" });
      return { status: r.status, stderr: r.stderr, stdout: r.stdout };
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }

  it("the staleness check fails when a stored value is edited, and says where", () => {
    // ln 2 = 0.693147…: a change in the sixth digit, far below any check's tolerance but a real edit.
    const r = checkAfterEditing("0.6931471805599453", "0.6931481805599453");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /stale expected values/);
    assert.match(r.stderr, /01-logistic-regression\.json: differs at \$\./);
  });

  it("the staleness check covers the graded quiz keys (grading/quiz-keys/): an edited answer is stale", () => {
    const r = checkAfterEditing('"answer": "c"', '"answer": "a"', path.join("grading", "quiz-keys", "03-activations.json"));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /grading\/quiz-keys\/03-activations\.json: differs at \$\.keys\.03\.quiz\.outputActivation\.answer/);
  });

  it("the staleness check ignores last-bit round-off (numpy's SIMD exp/log differ by CPU)", () => {
    const r = checkAfterEditing("0.6931471805599453", "0.6931471805599454");
    assert.equal(r.status, 0, r.stderr);
  });

  it("regenerating rewrites what changed and keeps the last bits of every value it did not change", () => {
    fs.mkdirSync(path.join(ROOT, ".test-out"), { recursive: true });
    const scratch = fs.mkdtempSync(path.join(ROOT, ".test-out", "oracle-"));
    try {
      fs.cpSync(path.join(ROOT, "oracle"), path.join(scratch, "oracle"), { recursive: true });
      for (const dir of ["data", "grading"]) fs.cpSync(path.join(ROOT, dir), path.join(scratch, dir), { recursive: true });
      const file = path.join(scratch, "data", "expected", "01-logistic-regression.json");
      const text = fs.readFileSync(file, "utf8");
      // ln 10 one ulp off what the oracle computes (as another CPU's numpy may store it); ln 2 really edited.
      const edits: [string, string][] = [
        ["2.302585092994046", "2.3025850929940455"],
        ["0.6931471805599453", "0.6931481805599453"],
      ];
      for (const [from] of edits) assert.ok(text.includes(from), `the stored file no longer holds ${from}; pick another value for this test`);
      fs.writeFileSync(file, edits.reduce((t, [from, to]) => t.replace(from, to), text));
      const r = spawnSync(python, [path.join(scratch, "oracle", "expected.py"), "--lesson", "01-logistic-regression"], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(fs.readFileSync(file, "utf8"), text.replace(edits[0]![0], edits[0]![1]), "only the edited value was rewritten; the round-off one kept its stored last bit");
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  for (const file of fs.readdirSync(path.join(ROOT, "data", "expected")).filter((f) => f.endsWith(".json"))) {
    const slug = file.replace(/\.json$/, "");
    it(`${slug}: stored checks and lesson checks are the same set`, () => {
      const data = JSON.parse(fs.readFileSync(path.join(ROOT, "data", "expected", file), "utf8")) as ExpectedFile;
      assert.equal(data.lesson, slug);
      const stored = Object.keys(data.checks).sort();
      const defined = lessonCheckIds(slug).sort();
      assert.deepEqual(stored, defined);
      for (const [id, c] of Object.entries(data.checks)) {
        // A quiz check is one question: one case whose args are its options.
        if (isQuizId(id)) assert.equal(c.cases.length, 1, `${id} is one question`);
        // A function of no arguments (a model builder for one described task) has that one case.
        else if (c.cases.length === 1 && c.cases[0]?.args.length === 0) continue;
        else assert.ok(c.cases.length >= 2, `${id} needs several cases (has ${c.cases.length})`);
        assert.ok(c.atol >= 0 && c.rtol >= 0, `${id} has explicit tolerances`);
      }
    });
  }
});

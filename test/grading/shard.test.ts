/**
 * Sharded grading (grading/shard.ts): a small class folder graded whole, and in 2 shards merged, gives the same
 * grades.json (but its `run` counters), gradebooks, feedback pages, summary and item analysis, byte for byte. Scoring only
 * (--no-execute): an execution report's seconds differ between any two runs. Also: a student's shard depends on
 * their id alone, and a merge refuses shards that were cut differently or are missing.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { studentEdition } from "../../editions/editions";
import { readNotebook, writeNotebook } from "../../editions/notebook";
import { parseShard, readShards, shardOf } from "../../grading/shard";
import { OUT, sourceNotebook } from "../helpers/notebooks";
import { runGrade, withExercise } from "../helpers/grading";

const SLUG = "01-logistic-regression";
const WRONG_SIGMOID = "function sigmoid(z: number[]): number[] {\n    return z.map((v) => 1 / (1 + Math.exp(v)));\n}";

/** Every file under `dir` (but the grader's cache) with its bytes; grades.json without its run counters, the summary's figure ids made neutral. */
function outputs(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.name === ".cache" || e.name === "shard.json") continue;
      if (e.isDirectory()) walk(r);
      else files[r] = fs.readFileSync(path.join(dir, r), "utf8");
    }
  };
  walk("");
  // A figure's element id names the process and time that drew it (lib/runtime's figures), in any two runs.
  files["summary.html"] = (files["summary.html"] as string).replace(/course-fig-\d+-[a-z0-9]+-(\d+)/g, "course-fig-$1");
  const grades = JSON.parse(files["grades.json"] as string) as { run?: unknown };
  delete grades.run;
  files["grades.json"] = JSON.stringify(grades);
  return files;
}

describe("sharded grading", () => {
  const root = path.join(OUT, `shard-${process.pid}`);
  const classDir = path.join(root, "class");
  before(() => {
    fs.rmSync(root, { recursive: true, force: true });
    const solution = readNotebook(sourceNotebook(SLUG));
    const student = studentEdition(solution, `notebooks/${SLUG}.ipynb`);
    const put = (rel: string, nb: typeof solution): void => {
      fs.mkdirSync(path.dirname(path.join(classDir, rel)), { recursive: true });
      writeNotebook(path.join(classDir, rel), nb);
    };
    put(`ann/${SLUG}.ipynb`, solution);
    put("bob.ipynb", student);
    put(`cat/${SLUG}.ipynb`, withExercise(readNotebook(sourceNotebook(SLUG)), "sigmoid", WRONG_SIGMOID));
    put(`dan/${SLUG}.ipynb`, solution);
    put(`dan/again/${SLUG}.ipynb`, withExercise(readNotebook(sourceNotebook(SLUG)), "sigmoid", WRONG_SIGMOID));
    fs.mkdirSync(path.join(classDir, "eve"));
    fs.writeFileSync(path.join(classDir, "fay.ipynb"), "{ not a notebook");
    fs.writeFileSync(path.join(classDir, "notes.txt"), "a stray file");
  });

  it("2 shards merged give the reports of one whole run", () => {
    // Each of the 2 shards must hold someone, or the test would not show the merge putting students back in order.
    const ids = ["ann", "bob", "cat", "dan", "eve", "fay"];
    assert.deepEqual(new Set(ids.map((id) => shardOf(id, 2))), new Set([1, 2]));
    const whole = runGrade(["--no-execute", "--out", path.join(root, "whole"), classDir]);
    assert.equal(whole.status, 0, whole.stderr);
    for (const i of [1, 2]) {
      const r = runGrade(["--no-execute", "--shard", `${i}/2`, "--out", path.join(root, `out-${i}`), classDir]);
      assert.equal(r.status, 0, r.stderr);
    }
    const merged = runGrade(["--merge", path.join(root, "out-1"), path.join(root, "out-2"), "--out", path.join(root, "merged")]);
    assert.equal(merged.status, 0, merged.stderr);
    const a = outputs(path.join(root, "whole"));
    const b = outputs(path.join(root, "merged"));
    assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort());
    for (const f of Object.keys(a)) assert.equal(b[f], a[f], f);
    // The item analysis too, and it holds the class's named mistake (cat's and dan's second notebook: wrong sign; dan's best counts).
    const items = JSON.parse(b["item-analysis.json"] as string) as { rows: { check: string; case: string | null; mistakes: Record<string, number> }[] };
    assert.deepEqual(items.rows.find((r) => r.check === "01.sigmoid" && r.case === null)?.mistakes, { "wrong-sign": 1 });
    assert.ok(typeof b["item-analysis.csv"] === "string");
    // A shard's own reports hold only its students.
    const one = JSON.parse(fs.readFileSync(path.join(root, "out-1", "grades.json"), "utf8")) as { students: { student: string }[] };
    assert.deepEqual(one.students.map((s) => s.student), ids.filter((id) => shardOf(id, 2) === 1));
  });

  it("a merge refuses shards cut differently, a missing shard and a folder that is no shard", () => {
    assert.throws(() => readShards([path.join(root, "out-1")]), /every shard 1…2 once; got 1$/);
    assert.throws(() => readShards([path.join(root, "out-1"), path.join(root, "out-1")]), /every shard 1…2 once; got 1, 1/);
    assert.throws(() => readShards([classDir]), /is not a shard's output/);
    const r = runGrade(["--merge", path.join(root, "out-1"), "--out", path.join(root, "bad")]);
    assert.equal(r.status, 2, r.stderr);
    assert.ok(!fs.existsSync(path.join(root, "bad", "grades.json")), "nothing written");
  });

  it("--shard i/n: parsed or refused; a student's shard depends on their id alone", () => {
    assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
    for (const bad of ["0/2", "3/2", "1/0", "a/b", "1", "-1/2"]) assert.throws(() => parseShard(bad), /--shard takes i\/n/, bad);
    assert.equal(shardOf("ann", 7), shardOf("ann", 7));
    const counts = [0, 0, 0];
    for (let i = 0; i < 300; i++) counts[shardOf(`student${i}`, 3) - 1]++;
    assert.ok(counts.every((c) => c > 60), `an even share: ${counts.join(", ")}`);
  });
});

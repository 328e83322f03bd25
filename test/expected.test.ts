/**
 * Expected values are data produced by the independent numpy oracle: the files
 * on disk must be exactly what the oracle generates now (not stale), and every
 * stored check must belong to a check the lesson defines, and vice versa.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Checker, ExpectedFile } from "../lib/core";
import { ROOT } from "./helpers/notebooks";

const python = process.env.COURSE_TEST_PYTHON ?? "/usr/bin/python3";

describe("expected values", () => {
  it("are up to date with the oracle (python3 oracle/expected.py --check)", () => {
    const r = spawnSync(python, [path.join(ROOT, "oracle", "expected.py"), "--check"], { encoding: "utf8", cwd: ROOT });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  it("the staleness check fails when a stored value is edited", () => {
    // Copy the tree's oracle and data into a scratch folder, change one value, expect --check to fail.
    fs.mkdirSync(path.join(ROOT, ".test-out"), { recursive: true });
    const scratch = fs.mkdtempSync(path.join(ROOT, ".test-out", "oracle-"));
    fs.cpSync(path.join(ROOT, "oracle"), path.join(scratch, "oracle"), { recursive: true });
    fs.cpSync(path.join(ROOT, "data"), path.join(scratch, "data"), { recursive: true });
    const file = path.join(scratch, "data", "expected", "01-logistic-regression.json");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("0.6931471805599453", "0.6931471805599454"));
    const r = spawnSync(python, [path.join(scratch, "oracle", "expected.py"), "--check"], { encoding: "utf8" });
    fs.rmSync(scratch, { recursive: true, force: true });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /stale expected values/);
  });

  for (const file of fs.readdirSync(path.join(ROOT, "data", "expected")).filter((f) => f.endsWith(".json"))) {
    const slug = file.replace(/\.json$/, "");
    it(`${slug}: stored checks and lesson checks are the same set`, () => {
      const data = JSON.parse(fs.readFileSync(path.join(ROOT, "data", "expected", file), "utf8")) as ExpectedFile;
      assert.equal(data.lesson, slug);
      const mod = require(path.join(ROOT, "build", "lib", `${slug}.js`)) as { checker: Checker };
      const stored = Object.keys(data.checks).sort();
      const defined = mod.checker.definitions.map((d) => d.id).sort();
      assert.deepEqual(stored, defined);
      for (const [id, c] of Object.entries(data.checks)) {
        assert.ok(c.cases.length >= 2, `${id} needs several cases (has ${c.cases.length})`);
        assert.ok(c.atol >= 0 && c.rtol >= 0, `${id} has explicit tolerances`);
      }
    });
  }
});

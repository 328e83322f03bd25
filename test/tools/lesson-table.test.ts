/**
 * README.md's table of lessons is generated from the registry and the
 * lessons' checks (tools/lesson-table.ts): it must be current, and it must say
 * what the registry and the checks say.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { lessonTable, TABLE_END, TABLE_START, withTable } from "../../tools/lesson-table";
import { LESSONS, loadLesson } from "../../lib/lessons";
import { ROOT } from "../helpers/notebooks";

/** The table's body rows, as cells. */
function rows(table: string): string[][] {
  return table
    .split("\n")
    .filter((l) => /^\| \d\d /.test(l))
    .map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
}

describe("README's table of lessons", () => {
  it("is what the registry and the checks say now (else: npm run expected)", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    assert.equal(withTable(readme, lessonTable()), readme, "README.md's table of lessons is stale: run `npm run expected`");
  });

  it("has one row per lesson with its slug, optional mark, graded functions, quiz count and points", () => {
    const table = rows(lessonTable());
    assert.deepEqual(table.map((r) => r[2]), LESSONS.map((l) => `\`${l.slug}\``));
    for (const [i, l] of LESSONS.entries()) {
      const defs = loadLesson(l.slug).checker.definitions;
      assert.equal(table[i]?.[1]?.endsWith("(optional)"), l.optional, l.slug);
      assert.equal(Number(table[i]?.[5]), defs.reduce((s, d) => s + d.points, 0), l.slug);
      assert.equal(Number(table[i]?.[4]), defs.filter((d) => d.id.includes(".quiz.")).length, l.slug);
      assert.equal(table[i]?.[3]?.split(", ").length, defs.filter((d) => !d.id.includes(".quiz.")).length, l.slug);
    }
  });

  it("a stale table is found, and a README without the markers is refused", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const stale = readme.replace(/`03-activations` \| [^|]*\|/, "`03-activations` | `relu`, `meanSquaredError` |");
    assert.notEqual(withTable(stale, lessonTable()), stale);
    assert.throws(() => withTable(readme.replace(TABLE_START, "").replace(TABLE_END, ""), lessonTable()), /no lessons table/);
  });
});

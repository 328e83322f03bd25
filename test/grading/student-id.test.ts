/**
 * A student id is any string (grading/student-id.ts): its feedback file name
 * is safe, short enough for any file system and distinct from every other
 * id's, even ids that sanitise alike or differ only in case; on the console it
 * stays on one line.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { consoleText, feedbackFileName } from "../../grading/student-id";
import { OUT } from "../helpers/notebooks";

const LONG = "学".repeat(84); // 252 bytes: a legal folder name, too long with ".html" added

describe("feedbackFileName", () => {
  it("keeps a plain login id as it is", () => {
    for (const id of ["ann", "bob.smith", "s1234567", "jean-luc", "o_brien"]) assert.equal(feedbackFileName(id), `${id}.html`);
  });

  it("every other id: an ASCII name of at most 62 bytes, no separator, not hidden", () => {
    const ids = [LONG, "Ann", "a b", "a\nb", "a\u001b[31mb", "..", ".hidden", "-rf", "con", "NUL.txt", "x".repeat(65), "", "a\\b", "🙂", "é"];
    for (const id of ids) {
      const name = feedbackFileName(id);
      assert.match(name, /^[a-z0-9_][a-z0-9._-]*~[0-9a-f]{16}\.html$|^student~[0-9a-f]{16}\.html$/, JSON.stringify(id));
      assert.ok(Buffer.byteLength(name) <= 62, name);
    }
  });

  it("distinct ids get distinct names, also case-insensitively, even when they sanitise alike", () => {
    const ids = ["x y", "x\ty", "X y", "x_y", "x-y", "X_Y", "x__y", "x y ", "ann", "Ann", "ANN", LONG, `${LONG.slice(0, 83)}字`, "a\nb", "a\rb", "a b"];
    const names = ids.map((id) => feedbackFileName(id).toLowerCase());
    assert.equal(new Set(names).size, ids.length, names.join(" "));
    assert.equal(feedbackFileName("x y"), feedbackFileName("x y"), "the same id, the same name (stable across runs)");
  });

  it("the file can be written, where `<id>.html` cannot", () => {
    const dir = fs.mkdtempSync(path.join((fs.mkdirSync(OUT, { recursive: true }), OUT), "ids-"));
    try {
      assert.throws(() => fs.writeFileSync(path.join(dir, `${LONG}.html`), "x"), /ENAMETOOLONG/, "the bug this prevents");
      fs.writeFileSync(path.join(dir, feedbackFileName(LONG)), "x");
      assert.deepEqual(fs.readdirSync(dir), [feedbackFileName(LONG)]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("consoleText", () => {
  it("one line, no control or format character, printable text unchanged", () => {
    const s = "evil\n[9/9] mallory: 11/11\r\u001b[2K\u0007\u202egpj.exe\u2028x\tz";
    const shown = consoleText(s);
    assert.ok(!/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(shown), shown);
    assert.equal(shown, "evil\\n[9/9] mallory: 11/11\\r\\u001b[2K\\u0007\\u202egpj.exe\\u2028x\\tz");
    assert.equal(consoleText(`ann ${LONG} é 🙂`), `ann ${LONG} é 🙂`);
  });
});

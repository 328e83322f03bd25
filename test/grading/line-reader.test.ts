/**
 * The grader's reader of worker output: whole lines out, in order, across
 * chunk boundaries; lines longer than the limit dropped and never held.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { LineReader } from "../../grading/line-reader";

const b = (s: string): Buffer => Buffer.from(s, "utf8");

describe("LineReader", () => {
  it("returns complete lines across chunk boundaries, multi-byte characters included", () => {
    const r = new LineReader(1024);
    const text = '{"type":"start","id":"01.sigmoid"}\nσ(z) = 1/(1+e⁻ᶻ)\n\nlast';
    const bytes = b(text);
    const got: string[] = [];
    // One byte at a time splits every multi-byte character.
    for (let i = 0; i < bytes.length; i++) got.push(...r.push(bytes.subarray(i, i + 1)));
    assert.deepEqual(got, ['{"type":"start","id":"01.sigmoid"}', "σ(z) = 1/(1+e⁻ᶻ)", ""]);
    assert.equal(r.held, b("last").length, "the unfinished line is kept");
    assert.deepEqual(r.push(b("\n")), ["last"]);
  });

  it("drops a line longer than the limit, holds none of it, and reads the next line", () => {
    const r = new LineReader(100);
    const flood = b("y".repeat(64 * 1024));
    let maxHeld = 0;
    for (let i = 0; i < 1024; i++) {
      assert.deepEqual(r.push(flood), []);
      maxHeld = Math.max(maxHeld, r.held);
    }
    assert.equal(maxHeld, 0, "nothing of the 64 MB line is held once it is over the limit");
    assert.deepEqual(r.push(b('yyy\n{"type":"done"}\n')), ['{"type":"done"}']);
    assert.equal(r.dropped, 1);
  });

  it("keeps a line of exactly the limit and drops one byte more", () => {
    const r = new LineReader(4);
    assert.deepEqual(r.push(b("abcd\nabcde\nok\n")), ["abcd", "ok"]);
    assert.equal(r.dropped, 1);
  });

  it("does not alias the stream's buffer (a reused chunk does not change a held line)", () => {
    const r = new LineReader(16);
    const chunk = b("abc");
    r.push(chunk);
    chunk.fill(0x7a);
    assert.deepEqual(r.push(b("\n")), ["abc"]);
  });
});

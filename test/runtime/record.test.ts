/**
 * lib/runtime/record.ts: a recorded value comes back from the cell's HTML
 * exactly (non-finite numbers and typed arrays included), hidden from the
 * reader, safe against "</script>" in strings, and a bad name is refused
 * with a message.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { parseRecords, record, recordHtml, RECORD_TAG } from "../../lib/runtime/record";
import { parseResults } from "../../lib/checks/report";

describe("record", () => {
  it("round-trips numbers, Infinity, -Infinity, NaN, typed arrays, nested objects and undefined", () => {
    const value = { acc: 0.987, inf: Infinity, ninf: -Infinity, nan: NaN, rows: [{ z: 40, p: Infinity }], f32: new Float32Array([0.5, 2]), none: null, $number: 3 };
    const [r] = parseRecords(recordHtml("mixed", value));
    assert.equal(r?.name, "mixed");
    assert.deepEqual(r?.value, { acc: 0.987, inf: Infinity, ninf: -Infinity, nan: NaN, rows: [{ z: 40, p: Infinity }], f32: [0.5, 2], none: null, $number: 3 });
    assert.deepEqual(parseRecords(recordHtml("nothing", undefined)), [{ name: "nothing", value: null }]);
  });

  it("is hidden, tagged with its own type, and not taken for a check result", () => {
    const html = recordHtml("x", 1);
    assert.match(html, /style="display:none"/);
    assert.ok(html.includes(`<script type="${RECORD_TAG}">`));
    assert.deepEqual(parseResults(html), []);
  });

  it("a string holding </script> cannot end the payload early", () => {
    const html = recordHtml("s", "</script><b>x</b>");
    assert.equal(html.split("</script>").length, 2, "only the payload's own closing tag");
    assert.deepEqual(parseRecords(html), [{ name: "s", value: "</script><b>x</b>" }]);
  });

  it("several records in one output come back in order", () => {
    assert.deepEqual(parseRecords(recordHtml("a", 1) + recordHtml("b", [2])).map((r) => r.name), ["a", "b"]);
  });

  it("refuses an empty name with a message that says what to do", () => {
    assert.throws(() => recordHtml("", 1), /non-empty name.*record\("trainingAccuracy", acc\)/);
    assert.throws(() => record("  ", 1), /non-empty name/);
  });

  it("outside a kernel does nothing and prints nothing", () => {
    assert.equal(record("quiet", 1), undefined);
  });
});

/**
 * lib/course/digits.ts keeps the resampled digits in a compact cache
 * (build/lib/cache/mnist-20x20-*.bin). The cache must give back exactly the
 * numbers the package's images resample to, and a damaged or unwritable
 * cache must only cost time, never a wrong digit or an error.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildDigitCache, digitCacheFile, loadDigits, readDigitCache, resample28to20, writeDigitCache } from "../../lib/course/digits";

const SRC = 28 * 28;

/** The package's raw 28×28 image i of digit d, read from its JSON. */
function rawImage(d: number, i: number): number[] {
  const file = path.join(path.dirname(require.resolve("mnist")), "digits", `${d}.json`);
  const data = (JSON.parse(fs.readFileSync(file, "utf8")) as { data: number[] }).data;
  return data.slice(i * SRC, (i + 1) * SRC);
}

describe("digit cache", () => {
  it("loadDigits gives exactly the resampled package images, through the cache", () => {
    const data = loadDigits({ digits: [7, 0, 3], perDigit: 3, offset: 250 });
    assert.deepEqual(data.y, [7, 7, 7, 0, 0, 0, 3, 3, 3]);
    [7, 0, 3].forEach((d, k) => {
      for (let i = 0; i < 3; i++) assert.deepEqual(data.X[k * 3 + i], resample28to20(rawImage(d, 250 + i)), `digit ${d}, image ${250 + i}`);
    });
    assert.ok(fs.existsSync(digitCacheFile()), "the cache file is written on first use");
    assert.match(path.relative(path.join(__dirname, "..", ".."), digitCacheFile()), /^lib[\\/]cache[\\/]mnist-20x20-v\d+-/);
  });

  it("writes and reads back the same digits, and refuses damaged files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "digit-cache-"));
    try {
      const built = buildDigitCache();
      assert.equal(built.counts.length, 10);
      assert.equal(built.pixels.length, built.counts.reduce((a, b) => a + b, 0) * 400);
      const file = path.join(dir, "digits.bin");
      writeDigitCache(file, built);
      const back = readDigitCache(file);
      assert.ok(back);
      assert.deepEqual(back.counts, built.counts);
      assert.deepEqual(back.starts, built.starts);
      assert.ok(Buffer.from(back.pixels.buffer).equals(Buffer.from(built.pixels.buffer)), "pixels read back unchanged");
      assert.deepEqual(fs.readdirSync(dir), ["digits.bin"], "no temporary file left behind");

      const bytes = fs.readFileSync(file);
      fs.writeFileSync(file, bytes.subarray(0, bytes.length - 2));
      assert.equal(readDigitCache(file), null, "a truncated cache is not used");
      const wrongMagic = Buffer.from(bytes);
      wrongMagic.writeUInt32LE(0, 0);
      fs.writeFileSync(file, wrongMagic);
      assert.equal(readDigitCache(file), null, "a file of another format is not used");
      assert.equal(readDigitCache(path.join(dir, "missing.bin")), null);

      // An unwritable place (a read-only course in the grading sandbox) is not an error.
      const blocked = path.join(dir, "not-a-dir");
      fs.writeFileSync(blocked, "");
      assert.doesNotThrow(() => writeDigitCache(path.join(blocked, "digits.bin"), built));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

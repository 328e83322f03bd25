/**
 * setup/kernel-speedups.js makes the course kernel start faster by hooking
 * tslab's converter. These tests fail the day a tslab or TypeScript update
 * makes a hook miss (the kernel would still work, only slower), or the light
 * type check accepts or rejects a cell differently from tslab's own.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ROOT, runKernelWarm } from "../../setup/jupyter";

interface Diagnostic {
  code: number;
}
interface Converter {
  convert(prevDecl: string, src: string): { diagnostics: Diagnostic[]; declOutput?: string };
  close(): void;
}
const speedups = require(path.join(ROOT, "setup", "kernel-speedups.js")) as {
  hookTypeScript(): void;
  lightConverter(create: (o: unknown) => Converter, opts: unknown): Converter;
  warmConverters(): void;
  status: { lightPrograms: number; fullPrograms: number; switchedToFull: number };
  kernelCodeCacheFile(root: string): string;
};

describe("kernel speed-ups", () => {
  it("the light program checks types without @types/node and switches to the full one when a cell needs Node", () => {
    speedups.hookTypeScript();
    const { createConverter } = require(path.join(ROOT, "node_modules", "tslab", "dist", "converter.js")) as { createConverter: (o: unknown) => Converter };
    const cwd = process.cwd();
    process.chdir(path.join(ROOT, "notebooks"));
    try {
      const conv = speedups.lightConverter(createConverter, { isJS: false, isBrowser: false });
      assert.equal(speedups.status.lightPrograms, 0, "the program is not built when the kernel starts");
      speedups.warmConverters();
      assert.equal(speedups.status.lightPrograms, 1, "warmConverters (after the first kernel_info) built it, through the hooked createWatchCompilerHost");
      speedups.warmConverters();
      assert.equal(speedups.status.lightPrograms, 1, "only once");
      const ok = conv.convert("", "const xs: number[] = [1, 2];\nconsole.log(xs.length);\nsetTimeout(() => undefined, 0);\n");
      assert.deepEqual(ok.diagnostics, []);
      const wrong = conv.convert("", 'const n: number = "three";\n');
      assert.deepEqual(wrong.diagnostics.map((d) => d.code), [2322], "a type error is still reported");
      assert.equal(speedups.status.switchedToFull, 0, "a plain type error does not load @types/node");
      const node = conv.convert("", 'const b: Buffer = Buffer.from("a");\nconst rss: number = process.memoryUsage().rss;\n');
      assert.deepEqual(node.diagnostics, [], "a cell using Node's globals compiles, as in tslab");
      assert.equal(speedups.status.switchedToFull, 1);
      assert.equal(speedups.status.fullPrograms, 1);
      const wrongAgain = conv.convert("", 'const m: number = "four";\n');
      assert.deepEqual(wrongAgain.diagnostics.map((d) => d.code), [2322]);
      conv.close();
    } finally {
      process.chdir(cwd);
    }
  });

  it("`node setup/kernel.js --warm` fills the code cache and the digit cache through the hooks", () => {
    const report = runKernelWarm();
    assert.deepEqual(report.diagnostics, { light: [], node: [] }, "a lesson import compiles in the light program; a Node cell in the full one");
    assert.equal(report.lightPrograms, 1);
    assert.equal(report.switchedToFull, 1);
    assert.equal(report.codeCacheHits + report.codeCacheWritten, 1, "TypeScript's compiler was loaded through the code cache");
    assert.ok(report.digitCache);
    assert.equal(report.digitPixels, 400);
    const again = runKernelWarm();
    assert.equal(again.codeCacheHits, 1, "the second process uses the cache the first wrote");
    assert.ok(fs.existsSync(speedups.kernelCodeCacheFile(ROOT)), "the cache is where a kernel started with the kernel spec's flags looks for it");
  });
});

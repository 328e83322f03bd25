/**
 * setup/kernel-speedups.js makes the course kernel start faster by hooking
 * tslab's converter. These tests fail the day a tslab or TypeScript update
 * makes a hook miss (the kernel would still work, only slower), or the light
 * type check accepts or rejects a cell differently from tslab's own.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cellText, readNotebook } from "../../setup/notebook";
import { ROOT, runKernelWarm } from "../../setup/jupyter";

interface Diagnostic {
  code: number;
  start?: number;
  messageText?: unknown;
}
interface Converter {
  convert(prevDecl: string, src: string): { diagnostics: Diagnostic[]; declOutput?: string; output?: string; sideOutputs?: { path: string; data: string }[] };
  close(): void;
}
const speedups = require(path.join(ROOT, "setup", "kernel-speedups.js")) as {
  hookTypeScript(): void;
  lightConverter(create: (o: unknown) => Converter, opts: unknown): Converter;
  warmConverters(): void;
  status: { lightPrograms: number; fullPrograms: number; switchedToFull: number; lightBuilders: number };
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

  it("the light builder compiles every cell exactly as tslab's own builder: output, declarations, diagnostics, dependencies", () => {
    // A folder with a local module: a cell importing it makes tslab walk the cell's dependencies and emit them too.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "light-builder-"));
    fs.writeFileSync(path.join(dir, "helper.ts"), "export function twice(x: number): number {\n  return 2 * x;\n}\n");
    const lesson = readNotebook(path.join(ROOT, "notebooks", "01-logistic-regression.ipynb")).cells.filter((c) => c.cell_type === "code").map((c) => cellText(c));
    const synthetic = [
      'import { twice } from "./helper";\nconst y = twice(3);\ny',
      "const z: string = y;", // a type error
      "const w = await Promise.resolve(y + 1);\nw", // top-level await
      'let q = 1;\nq = "s";',
      "console.log(1)", // a script: no locals to export
      "interface P { a: number }\nconst p: P = { a: 1 };\nexport {}",
      'const lab2 = await import("../build/lib/lessons/01-logistic-regression");',
    ];
    // Each compiles in a process of its own, started in the notebook's folder (tslab's converter keeps
    // TypeScript's first working directory, so one process cannot compile in two folders).
    const compile = (cells: string[], cwd: string, tslabBuilder: boolean): { outs: string[]; lightBuilders: number } => {
      const script = `
        const sp = require(${JSON.stringify(path.join(ROOT, "setup", "kernel-speedups.js"))});
        sp.hookTypeScript();
        const { createConverter } = require(${JSON.stringify(path.join(ROOT, "node_modules", "tslab", "dist", "converter.js"))});
        const conv = createConverter({ isJS: false, isBrowser: false });
        let decl = "";
        const outs = JSON.parse(require("fs").readFileSync(0, "utf8")).map((src) => {
          const out = conv.convert(decl, src);
          if (!out.diagnostics.length) decl = out.declOutput || "";
          return JSON.stringify({ ...out, diagnostics: out.diagnostics.map((d) => [d.code, d.start, d.messageText]) });
        });
        process.stdout.write(JSON.stringify({ outs, lightBuilders: sp.status.lightBuilders }));
        process.exit(0);`;
      const env: NodeJS.ProcessEnv = { ...process.env };
      if (tslabBuilder) env.COURSE_TSLAB_BUILDER = "1";
      else delete env.COURSE_TSLAB_BUILDER;
      const r = spawnSync(process.execPath, ["-e", script], { cwd, env, input: JSON.stringify(cells), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { outs: string[]; lightBuilders: number };
    };
    for (const [cells, cwd] of [[lesson, path.join(ROOT, "notebooks")], [synthetic, dir]] as const) {
      const light = compile([...cells], cwd, false);
      const tslab = compile([...cells], cwd, true);
      assert.deepEqual(light.outs, tslab.outs);
      assert.ok(light.lightBuilders >= cells.length, "the light builder made the programs (one or two per cell)");
      assert.equal(tslab.lightBuilders, 0, "COURSE_TSLAB_BUILDER=1 keeps tslab's builder");
      if (cells === synthetic) {
        const first = JSON.parse(light.outs[0] as string) as { sideOutputs?: { path: string }[]; diagnostics: unknown[] };
        assert.deepEqual(first.diagnostics, []);
        assert.deepEqual(first.sideOutputs?.map((o) => path.basename(o.path)), ["helper.js"], "a cell's local import is found by getAllDependencies and emitted");
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
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

/**
 * The kernel's hooks (kernel/hooks/, one per file) make the course kernel
 * start faster by hooking tslab's converter. These tests fail the day a tslab or TypeScript update
 * makes a hook miss (the kernel would still work, only slower), or the light
 * type check accepts or rejects a cell differently from tslab's own.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { codeSources, readNotebook } from "../../editions/notebook";
import { ROOT, runKernelWarm, warmCellCache, warmKernelCodeCacheFor } from "../../setup/jupyter";

interface Diagnostic {
  code: number;
  start?: number;
  messageText?: unknown;
}
/** A hook module, from the sources, where kernels load it (its types are its own JSDoc's). */
const HOOKS = path.join(ROOT, "kernel", "hooks");
const hook = (name: string): string => path.join(HOOKS, `${name}.js`);
const speedups = {
  ...(require(hook("state")) as typeof import("../../kernel/hooks/state")),
  ...(require(hook("typescript-loader")) as typeof import("../../kernel/hooks/typescript-loader")),
  ...(require(hook("light-converter")) as typeof import("../../kernel/hooks/light-converter")),
  ...(require(hook("cell-cache")) as typeof import("../../kernel/hooks/cell-cache")),
  ...(require(hook("code-cache")) as typeof import("../../kernel/hooks/code-cache")),
};

/** A course folder for a cell cache of its own: the real packages, a library stamp, an empty cache. */
function cacheRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cell-cache-"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
  fs.mkdirSync(path.join(root, "build", "lib"), { recursive: true });
  fs.writeFileSync(path.join(root, "build", "lib", ".stamp"), "2026-01-01T00:00:00.000Z");
  return root;
}

describe("kernel speed-ups", () => {
  it("the light program checks types without @types/node and switches to the full one when a cell needs Node", () => {
    speedups.hookTypeScript();
    const { createConverter } = require(path.join(ROOT, "node_modules", "tslab", "dist", "converter.js")) as typeof import("tslab/dist/converter");
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
    const lesson = codeSources(readNotebook(path.join(ROOT, "notebooks", "01-logistic-regression.ipynb")));
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
        require(${JSON.stringify(hook("typescript-loader"))}).hookTypeScript();
        const sp = require(${JSON.stringify(hook("state"))});
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
  it("the cell cache keys a cell by everything its compile reads, and never caches one that reads other files", () => {
    const root = cacheRoot();
    const cwd = process.cwd();
    process.chdir(path.join(ROOT, "notebooks"));
    try {
      const cache = speedups.cellCache(root, true);
      const lesson = 'import * as lab from "../build/lib/lessons/01-logistic-regression";\nconst s = lab.setup;\n';
      const key = cache.key(true, "", lesson);
      assert.ok(key, "a cell importing the course library is cached");
      assert.equal(cache.key(true, "", lesson), key, "the same cell, the same key");
      assert.notEqual(cache.key(false, "", lesson), key, "checked by the full program: another key");
      assert.notEqual(cache.key(true, "declare const n: number;\n", lesson), key, "after other declarations: another key");
      for (const other of ['import { f } from "./helper";', 'import x from "../lib/course/accuracy";', 'import x from "/tmp/x";', '/// <reference path="x.d.ts" />\nconst a = 1;', 'import x from "../build/lib/../../etc/x";', 'import x from "../build/lib/./runtime/../../x";', 'import x from "../build/lib/cache/cells/x";'])
        assert.equal(cache.key(true, "", other), null, `not cached: ${other}`);
      assert.equal(cache.key(true, 'import { f } from "./helper";\n', "const a = 1;"), null, "nor a cell after declarations that import another file");
      fs.writeFileSync(path.join(root, "build", "lib", ".stamp"), "2026-01-02T00:00:00.000Z");
      assert.notEqual(speedups.cellCache(root, true).key(true, "", lesson), key, "a rebuilt library: another key");
      fs.rmSync(path.join(root, "build", "lib", ".stamp"));
      assert.equal(speedups.cellCache(root, true).key(true, "", lesson), null, "no library stamp: no cache");

      cache.put(key as string, { output: "x", diagnostics: [] });
      assert.deepEqual(cache.get(key as string), { output: "x", diagnostics: [] });
      const readOnly = speedups.cellCache(root, false);
      const other = readOnly.key(true, "", "const b = 2;\n");
      readOnly.put(other as string, { output: "y", diagnostics: [] });
      assert.equal(readOnly.get(other as string), null, "a read-only cache (the grader's kernels) writes nothing");
      assert.deepEqual(readOnly.get(key as string), { output: "x", diagnostics: [] }, "but reads");

      // Layered (the grader's warm server): reads its folder, then the others; copies what it found there into its own; writes at most maxBytes.
      const own = path.join(root, "own");
      const layered = speedups.cellCache(root, true, own, [cache.dir], 40);
      assert.deepEqual(layered.get(key as string), { output: "x", diagnostics: [] }, "found in the folder it only reads");
      assert.ok(fs.existsSync(path.join(own, `${key}.json`)), "and copied into its own");
      const k2 = layered.key(true, "", "const c = 3;\n") as string;
      layered.put(k2, { output: "z".repeat(100), diagnostics: [] });
      assert.ok(!fs.existsSync(path.join(own, `${k2}.json`)), "an entry past its byte budget is not written");
      assert.equal(fs.readdirSync(cache.dir).includes(`${k2}.json`), false, "nor anywhere else");

      // Pruning keeps the most recently written half once there are more than CELL_CACHE_MAX.
      for (let i = 0; i < speedups.CELL_CACHE_MAX; i++) fs.writeFileSync(path.join(cache.dir, `old${i}.json`), "{}");
      const t = new Date(Date.now() - 3600_000);
      for (let i = 0; i < speedups.CELL_CACHE_MAX; i++) fs.utimesSync(path.join(cache.dir, `old${i}.json`), t, t);
      cache.prune();
      const left = fs.readdirSync(cache.dir);
      assert.equal(left.length, speedups.CELL_CACHE_MAX / 2);
      assert.ok(left.includes(`${key}.json`), "the newest entry stays");
      readOnly.prune();
    } finally {
      process.chdir(cwd);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("a cell found in the cell cache gets the same compile without building a program; other cells are compiled", () => {
    speedups.hookTypeScript();
    const { createConverter } = require(path.join(ROOT, "node_modules", "tslab", "dist", "converter.js")) as typeof import("tslab/dist/converter");
    const root = cacheRoot();
    const cwd = process.cwd();
    process.chdir(path.join(ROOT, "notebooks"));
    try {
      speedups.useCellCache(speedups.cellCache(root, true));
      const token = `v${process.pid}_${Date.now()}`;
      const cells = [`const ${token}: number[] = [1, 2];\n`, `const n_${token}: string = ${token}.length;\n`, `${token}.map((x) => x * 2)`];
      const run = (): { outs: unknown[]; programs: number; hits: number } => {
        const programs = speedups.status.lightPrograms;
        const hits = speedups.status.cellCacheHits;
        const conv = speedups.lightConverter(createConverter, { isJS: false, isBrowser: false });
        let decl = "";
        const outs = cells.map((src) => {
          const out = conv.convert(decl, src);
          if (!out.diagnostics.length) decl = out.declOutput ?? "";
          return out;
        });
        conv.close();
        return { outs, programs: speedups.status.lightPrograms - programs, hits: speedups.status.cellCacheHits - hits };
      };
      const first = run();
      assert.equal(first.hits, 0);
      assert.equal(first.programs, 1);
      assert.deepEqual((first.outs[1] as { diagnostics: Diagnostic[] }).diagnostics.map((d) => d.code), [2322], "a type error, cached like any result");
      const second = run();
      assert.equal(second.hits, 3, "every cell came from the cache");
      assert.equal(second.programs, 0, "and no program was built");
      // (JSON drops the fields tslab's converter leaves undefined; tslab only tests them for truth.)
      assert.deepEqual(second.outs, JSON.parse(JSON.stringify(first.outs)), "with the same output, declarations and diagnostics");
      cells[2] = `${token}.map((x) => x * 3)`;
      const third = run();
      assert.equal(third.hits, 2);
      assert.equal(third.programs, 1, "an edited cell is compiled");
      assert.match(String((third.outs[2] as { output?: string }).output), /x \* 3/);
    } finally {
      speedups.useCellCache(null);
      process.chdir(cwd);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("the grader's cell warm server builds one program for every notebook, writes each notebook's cells to its own folder, only reads the base cache, and never runs a cell", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cell-warms-"));
    const [base, a, b] = ["base", "a", "b"].map((d) => path.join(tmp, d)) as [string, string, string];
    const token = `s${process.pid}_${Date.now()}`;
    // Run, the third cell would hang the server: compiled only, it does not.
    const nbA = [`const ${token}: number = 2;\n`, `const twice_${token}: number = ${token} * 2;\n`, "for (;;) {}\n", `const after_${token}: number = twice_${token} + 1;\n`];
    const nbB = [nbA[0] as string, `const thrice_${token}: number = ${token} * 3;\n`];
    // Last, a cell the kernel refuses: the answer carries its error in tslab's words (the grader's verdict).
    // Then a notebook that needs Node's types (the full program), one that does not (the light one again, kept),
    // and another that needs them (the full one, kept): no program is built twice.
    const light = path.join(tmp, "light");
    const nodeCells = (name: string): string[] => [nbA[0] as string, `const ${name}_${token}: number = process.memoryUsage().${name};\n`];
    const lightCells = [nbA[0] as string, `const four_${token}: number = ${token} * 4;\n`];
    const requests = [{ cells: [nbA[0]], dir: base }, { cells: nbA, dir: a }, { cells: nbB, dir: b }, "{", { cells: "x", dir: 1 }, { cells: [nbA[0], `const bad_${token}: number = "3";\n`], dir: path.join(tmp, "c") },
      { cells: nodeCells("rss"), dir: path.join(tmp, "d") }, { cells: lightCells, dir: light }, { cells: nodeCells("heapUsed"), dir: path.join(tmp, "e") },
      { cells: nbB, dir: path.join(tmp, "f") }];
    try {
      const r = spawnSync(process.execPath, [...speedups.KERNEL_NODE_FLAGS, path.join(ROOT, "kernel", "kernel.js"), "--serve-cell-warms", path.join(ROOT, "notebooks")], {
        input: requests.map((q) => (typeof q === "string" ? q : JSON.stringify(q))).join("\n") + "\n",
        env: { ...process.env, COURSE_CELL_CACHE_DIR: base, COURSE_NO_REBUILD: "1" },
        encoding: "utf8",
        timeout: 120_000,
      });
      assert.equal(r.status, 0, `the server ends when its input does, having run no cell: ${r.error ?? ""} ${r.stderr}`);
      const replies = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(replies.slice(0, 3), [
        { compiled: 1, cached: 0, written: 1, programs: 1, errors: [[]] },
        { compiled: 4, cached: 1, written: 3, programs: 0, errors: [[], [], [], []] },
        { compiled: 2, cached: 1, written: 1, programs: 0, errors: [[], []] },
      ], "one program for all; a cell already in the base cache is not compiled again; every cell compiles");
      assert.deepEqual((replies[5] as { errors: string[][] }).errors, [[], ["1:7 - Type 'string' is not assignable to type 'number'."]], "a refused cell's error, as tslab prints it");
      assert.deepEqual(replies.slice(6, 9).map((r) => [r.programs, r.errors]), [[1, [[], []]], [0, [[], []]], [0, [[], []]]], "the full program once, then the light one and the full one again, each kept");
      assert.deepEqual(replies[9], { compiled: 2, cached: 2, written: 0, programs: 0, errors: [[], []] }, "a notebook's cells compiled for an earlier one are not compiled again");
      assert.equal(fs.readdirSync(path.join(tmp, "f")).length, 2, "... and are in its folder");
      assert.equal(replies.length, 10);
      for (const bad of replies.slice(3, 5)) assert.equal(typeof bad.error, "string", "a malformed request gets an error, and the server goes on");
      const files = (d: string): string[] => fs.readdirSync(d).sort();
      assert.equal(files(base).length, 1, "the base cache is only read");
      assert.equal(files(a).length, 4, "every cell notebook A's kernel looks up is in A's folder, the one from the base cache too");
      assert.equal(files(b).length, 2);
      assert.deepEqual(files(a).filter((f) => files(b).includes(f)), files(base), "the folders share only the cell both notebooks have; B's holds nothing of A's own");
      // A kernel shown A's folder finds every cell there and builds no program.
      speedups.hookTypeScript();
      const { createConverter } = require(path.join(ROOT, "node_modules", "tslab", "dist", "converter.js")) as typeof import("tslab/dist/converter");
      const cwd = process.cwd();
      process.chdir(path.join(ROOT, "notebooks"));
      const programs = speedups.status.lightPrograms;
      const fullPrograms = speedups.status.fullPrograms;
      const switched = speedups.status.switchedToFull;
      const hits = speedups.status.cellCacheHits;
      try {
        speedups.useCellCache(speedups.cellCache(ROOT, false, a));
        // ... the notebook after one that needed Node was compiled on the light program, as its kernel compiles it,
        // ... and a kernel shown the folder of the one that needed Node switches to the full program without building it.
        for (const [dir, cells] of [[a, nbA], [light, lightCells], [path.join(tmp, "d"), nodeCells("rss")]] as const) {
          speedups.useCellCache(speedups.cellCache(ROOT, false, dir));
          const conv = speedups.lightConverter(createConverter, { isJS: false, isBrowser: false });
          let decl = "";
          for (const src of cells) {
            const out = conv.convert(decl, src);
            assert.deepEqual(out.diagnostics, [], src);
            decl = out.declOutput ?? "";
          }
          conv.close();
        }
      } finally {
        speedups.useCellCache(null);
        process.chdir(cwd);
      }
      assert.equal(speedups.status.cellCacheHits - hits, 9, "every cell found: the Node cell both as the light program's refusal and as the full program's compile");
      assert.equal(speedups.status.switchedToFull - switched, 1);
      assert.deepEqual([speedups.status.lightPrograms - programs, speedups.status.fullPrograms - fullPrograms], [0, 0], "no program built");
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("warmCellCache compiles a notebook's cells as a kernel would, and finds them cached the second time", () => {
    const token = `w${process.pid}_${Date.now()}`;
    const nb = [`const ${token} = 2;\n`, `const twice_${token}: number = ${token} * 2;\n`, 'const bad: number = "x";\n', `twice_${token}`];
    const first = warmCellCache([nb]);
    assert.deepEqual(first && { compiled: first.compiled, cached: first.cached, written: first.written }, { compiled: 4, cached: 0, written: 4 });
    const again = warmCellCache([nb]);
    assert.deepEqual(again && { compiled: again.compiled, cached: again.cached, written: again.written }, { compiled: 4, cached: 4, written: 0 });
  });

  it("a cell importing a file that is written later compiles once it exists, and the cells after it too (tslab threw 'Unexpected pending rebuildTimer')", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "late-import-"));
    const script = `
      const fs = require("fs");
      require(${JSON.stringify(hook("typescript-loader"))}).hookTypeScript();
      const { createConverter } = require(${JSON.stringify(path.join(ROOT, "node_modules", "tslab", "dist", "converter.js"))});
      const conv = createConverter({ isJS: false, isBrowser: false });
      const codes = (out) => out.diagnostics.map((d) => d.code);
      const report = { before: codes(conv.convert("", 'import { f } from "./later";\\nconst a = 1;\\n')) };
      fs.writeFileSync("later.ts", "export const f = 1;\\n");
      // TypeScript notices the new file through its folder watcher and re-resolves the failed import 250 ms later.
      setTimeout(() => {
        try {
          report.after = codes(conv.convert("", 'import { f } from "./later";\\nconst b: number = f;\\n'));
          report.next = codes(conv.convert("", "const c: number = 2;\\n"));
        } catch (err) {
          report.error = String(err);
        }
        process.stdout.write(JSON.stringify(report));
        process.exit(0);
      }, 1500);`;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { before: [2307], after: [], next: [] });
  });

  it("`node kernel/kernel.js --warm` fills the code cache and the digit cache through the hooks", () => {
    const report = runKernelWarm();
    assert.deepEqual(report.diagnostics, { light: [], node: [] }, "a lesson import compiles in the light program; a Node cell in the full one");
    assert.equal(report.lightPrograms, 1);
    assert.equal(report.switchedToFull, 1);
    // tslab's TypeScript and TensorFlow.js's seven dist bundles (tfjs, core, layers, converter, data, cpu, webgl).
    assert.equal(report.codeCacheHits + report.codeCacheWritten, 8, "TypeScript's compiler and TensorFlow.js were loaded through the code cache");
    assert.ok(report.digitCache);
    assert.equal(report.digitPixels, 400);
    // npm test's preparation (warmKernelCaches) wrote the cache before this file started, so this process was
    // already a second one and used it; only when it had to write the cache is another process started to use it.
    const again = report.codeCacheWritten === 0 ? report : runKernelWarm();
    assert.deepEqual({ hits: again.codeCacheHits, written: again.codeCacheWritten }, { hits: 8, written: 0 }, "the second process uses the cache the first wrote");
    assert.ok(fs.existsSync(speedups.kernelCodeCacheFile(ROOT)), "the cache is where a kernel started with the kernel spec's flags looks for it");
  });

  it("a kernel with a memory limit in NODE_OPTIONS (the grading sandbox's) has a code cache of its own, which warmKernelCodeCacheFor writes", () => {
    // V8 rejects a cache made under other flags; a limit no grading run uses keeps this test's files its own.
    const options = `--max-old-space-size=${5000 + (process.pid % 1000)}`;
    const dir = path.join(ROOT, "build", "lib", "cache", "v8");
    const before = new Set(fs.readdirSync(dir));
    try {
      assert.notEqual(speedups.kernelCodeCacheFile(ROOT, options), speedups.kernelCodeCacheFile(ROOT, ""));
      assert.ok(!fs.existsSync(speedups.kernelCodeCacheFile(ROOT, options)));
      warmKernelCodeCacheFor(options);
      assert.ok(fs.existsSync(speedups.kernelCodeCacheFile(ROOT, options)), "written where a kernel with that NODE_OPTIONS looks");
      const again = runKernelWarm(options);
      assert.deepEqual({ hits: again.codeCacheHits, written: again.codeCacheWritten }, { hits: 8, written: 0 }, "and such a kernel uses it");
    } finally {
      for (const f of fs.readdirSync(dir)) if (!before.has(f)) fs.rmSync(path.join(dir, f), { force: true });
    }
  });
});

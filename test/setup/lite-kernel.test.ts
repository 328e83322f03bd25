/**
 * The browser kernel's cell compiler (frontends/lite-app/kernel/convert.js), run in
 * Node: cells share top-level declarations with tslab's semantics (a name
 * from an earlier cell is read live, may be declared again, and a last
 * expression is the cell's value), TypeScript syntax is compiled away and
 * imports go through the given `require`.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";

interface Runner {
  run(code: string): Promise<{ hasLastExpression: boolean; value: unknown }>;
  locals: Record<string, unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kernel = require(path.join(ROOT, "frontends", "lite-app", "kernel", "convert.js")) as {
  createCellRunner: (req: (id: string) => unknown) => Runner;
  CompileError: new (m: string[]) => Error;
};

function runner(modules: Record<string, unknown> = {}): Runner {
  return kernel.createCellRunner((id) => {
    if (id in modules) return modules[id];
    throw new Error(`Cannot find module '${id}'`);
  });
}

const value = async (r: Runner, code: string): Promise<unknown> => (await r.run(code)).value;

describe("browser kernel: cells", () => {
  it("shares top-level declarations between cells and returns the last expression", async () => {
    const r = runner();
    assert.equal((await r.run("const a: number = 1;")).hasLastExpression, false);
    assert.equal(await value(r, "a + 1"), 2);
    assert.equal(r.locals.a, 1);
  });

  it("lets a later cell declare a name again, as re-running a cell does", async () => {
    const r = runner();
    await r.run("const a = 1;");
    await r.run("const a = 5;");
    assert.equal(await value(r, "a"), 5);
  });

  it("reads earlier cells' names live: a redefined function is what older functions call", async () => {
    const r = runner();
    await r.run("function g(x: number): number { return x + 1; }");
    await r.run("function f(x: number): number { return g(x) * 10; }");
    assert.equal(await value(r, "f(1)"), 20);
    await r.run("function g(x: number): number { return x + 2; }");
    assert.equal(await value(r, "f(1)"), 30);
  });

  it("assigns to an earlier cell's let", async () => {
    const r = runner();
    await r.run("let count = 1;");
    await r.run("count = count + 1; count++;");
    assert.equal(r.locals.count, 3);
    assert.equal(await value(r, "count"), 3);
  });

  it("keeps parameters, locals, property names and shorthand properties apart from earlier names", async () => {
    const r = runner();
    await r.run("const a = 5; const b = 7;");
    assert.equal(await value(r, "function h(a: number) { const b = a * 2; return b; } h(3)"), 6);
    assert.deepEqual(await value(r, "({ a, b: a })"), { a: 5, b: 5 });
    assert.equal(await value(r, "const o = { a: 1 }; o.a + ({ b: 2 }).b"), 3);
    assert.equal(await value(r, "const { a: first, b: second } = { a: 10, b: 20 }; first + second + a"), 35);
    assert.equal(await value(r, "outer: for (const i of [1]) { for (const j of [2]) { break outer; } } a"), 5);
  });

  it("runs top-level await, imports through require, classes and types", async () => {
    const r = runner({ "./m": { twice: (x: number) => 2 * x } });
    assert.equal(await value(r, "const v = await Promise.resolve(7); v"), 7);
    assert.equal(await value(r, 'import * as m from "./m"; import { twice } from "./m"; m.twice(v) + twice(1)'), 16);
    await r.run("interface P { x: number }\nclass Base { x = 1; }");
    assert.equal(await value(r, "class Child extends Base { y = 2; }\nconst p: P = new Child(); p.x + (p as Child).y"), 3);
    assert.equal(await value(r, "type Num = number; const n: Num = 4 as Num; n"), 4);
  });

  it("does not await a last expression that is a Promise (tslab prints it)", async () => {
    const r = runner();
    const { value: v } = await r.run("Promise.resolve(1)");
    assert.ok(v instanceof Promise);
  });

  it("reports a syntax error with the cell's own line numbers, and runs nothing", async () => {
    const r = runner();
    await assert.rejects(r.run("const ok = 1;\nconst = 2;"), (err: Error) => err instanceof kernel.CompileError && /^2:\d+ - /.test(err.message));
    assert.equal(r.locals.ok, undefined);
  });

  it("passes a runtime error through", async () => {
    const r = runner();
    await assert.rejects(r.run('throw new RangeError("bad")'), /bad/);
  });
});

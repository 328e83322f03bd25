/**
 * Every hook into another package's internals says, in its file's header,
 * what it patches, which internal it relies on and which test fails the day
 * that internal changes (kernel/hooks/*.js, kernel/tslab-send-queue.js, and
 * the browser edition's: frontends/lite-app/hooks/*.js and its type checker's
 * frontends/lite-app/kernel/checker-ts.js; and test/helpers/build-info.ts, which
 * rewrites TypeScript's build info in course copies). The
 * named test must exist, under that exact name, in the named test file: a
 * renamed or deleted guard makes this fail, so the header cannot rot.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../lib/runtime/paths";

/** The .js files of a folder of hooks (relative to the root), sorted. */
function hooksIn(root: string, dir: string): string[] {
  return fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".js")).sort().map((f) => path.join(dir, f));
}

/** The hook files: one per hook, the kernel's and the send queue, then the browser edition's and its checker's TypeScript. */
export function hookFiles(root: string): string[] {
  return [
    ...hooksIn(root, path.join("kernel", "hooks")),
    path.join("kernel", "tslab-send-queue.js"),
    ...hooksIn(root, path.join("frontends", "lite-app", "hooks")),
    path.join("frontends", "lite-app", "kernel", "checker-ts.js"),
    path.join("test", "helpers", "build-info.ts"),
  ];
}

export interface HookHeader {
  patches: string | null;
  reliesOn: string | null;
  guardedBy: string | null;
}

/** The three fields of a file's first comment block (null: missing). */
export function hookHeader(source: string): HookHeader {
  const block = /\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? "";
  const field = (name: string): string | null => {
    const m = new RegExp(`^\\s*\\*\\s*${name}:\\s*(.+)$`, "m").exec(block);
    return m ? (m[1] as string).trim() : null;
  };
  return { patches: field("Patches"), reliesOn: field("Relies on"), guardedBy: field("Guarded by") };
}

/** Where a "Guarded by" field points: a test file and a test name, or nothing (a hook that patches nothing). */
export function guard(field: string): { file: string; name: string } | null {
  const m = /^(test\/\S+\.test\.ts)\s+"(.+)"\s*$/.exec(field);
  return m ? { file: m[1] as string, name: m[2] as string } : null;
}

describe("the kernel's hooks", () => {
  const files = hookFiles(ROOT);

  it("are one file each under kernel/hooks/ and frontends/lite-app/hooks/, plus the send queue and the checker's TypeScript", () => {
    const under = (dir: string): number => files.filter((f) => f.startsWith(dir + path.sep)).length;
    assert.ok(under(path.join("kernel", "hooks")) >= 8, `found ${files.join(", ")}`);
    assert.ok(under(path.join("frontends", "lite-app", "hooks")) >= 3, `found ${files.join(", ")}`);
  });

  for (const file of files) {
    it(`${file} says what it patches, what it relies on and which test guards it`, () => {
      const h = hookHeader(fs.readFileSync(path.join(ROOT, file), "utf8"));
      assert.ok(h.patches, "no 'Patches:' line in the header");
      assert.ok(h.reliesOn, "no 'Relies on:' line in the header");
      assert.ok(h.guardedBy, "no 'Guarded by:' line in the header");
      const patchesNothing = /^nothing\b/.test(h.patches);
      const g = guard(h.guardedBy);
      if (!g) {
        // Only a file that patches no internal may have no guard.
        assert.ok(patchesNothing && /^nothing\b/.test(h.guardedBy), `'Guarded by: ${h.guardedBy}' names no test file and test name`);
        return;
      }
      const testFile = path.join(ROOT, g.file);
      assert.ok(fs.existsSync(testFile), `${g.file} does not exist`);
      const text = fs.readFileSync(testFile, "utf8");
      // The test's name as written in its it(…) call (a template literal or a quoted string).
      assert.ok(text.includes(g.name), `${g.file} has no test named "${g.name}"`);
    });
  }

  it("a header without its fields, or naming a missing test, is refused", () => {
    assert.deepEqual(hookHeader("/**\n * Does things.\n */"), { patches: null, reliesOn: null, guardedBy: null });
    const h = hookHeader("/**\n * Patches: Module._load.\n * Relies on: Node 20.\n * Guarded by: test/setup/x.test.ts \"a name\"\n */");
    assert.deepEqual(guard(h.guardedBy ?? ""), { file: "test/setup/x.test.ts", name: "a name" });
    assert.equal(guard("whatever test"), null);
  });
});

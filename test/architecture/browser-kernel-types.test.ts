/**
 * The browser kernel's JavaScript (frontends/lite-app) is type-checked by `npm run build`
 * (kernel/build-lib.js runs frontends/lite-app/check-types.js --if-changed after the course's
 * compile): strict, checkJs, the browser-only packages through the hand-written declarations of
 * types/*.d.ts, so it needs no `npm run lite` install. On a scratch copy of the folder (the tree is
 * never edited; no node_modules, no .gen, as on a fresh clone): the clean copy passes, a second run
 * with nothing changed is skipped, and a type error injected into a browser-kernel file fails the
 * check with its file and line. That the declarations agree with the installed packages:
 * test/setup/lite-real-types.test.ts.
 */
import { describe, it, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { ROOT } from "../../lib/runtime/paths";

interface TypeDiagnostic {
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

const LITE_APP = path.join(ROOT, "frontends", "lite-app");

/** Runs a lite-app folder's check-types.js --if-changed --json: its diagnostics (null: skipped, unchanged) and exit status. */
function check(appDir: string): { status: number | null; diagnostics: TypeDiagnostic[] | null; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(appDir, "check-types.js"), "--if-changed", "--json"], { encoding: "utf8" });
  return { status: r.status, diagnostics: JSON.parse(r.stdout) as TypeDiagnostic[] | null, stderr: r.stderr };
}

/**
 * A copy of frontends/lite-app (its sources only: no node_modules, no .gen) at
 * <scratch>/frontends/lite-app, with <scratch>/node_modules linking to the course's and
 * <scratch>/build holding links to the course's compiled folders: the relative paths its
 * tsconfig.json and imports use resolve as in the tree, and its stamp stays in the scratch folder.
 */
function scratchCopy(scratch: string): string {
  const dest = path.join(scratch, "frontends", "lite-app");
  fs.cpSync(LITE_APP, dest, { recursive: true, filter: (src) => !/[\\/](node_modules|\.gen)$/.test(src) });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(scratch, "node_modules"), "dir");
  fs.mkdirSync(path.join(scratch, "build"));
  for (const d of ["grading", "lib", "editions"]) fs.symlinkSync(path.join(ROOT, "build", d), path.join(scratch, "build", d), "dir");
  return dest;
}

describe("the browser kernel is type-checked by the build", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "course-lite-types-"));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const app = scratchCopy(scratch);

  it("the clean tree type-checks: no diagnostics, exit 0", () => {
    const r = check(app);
    assert.deepEqual(r.diagnostics, [], r.stderr);
    assert.equal(r.status, 0);
  });

  it("checked again with nothing changed, it is skipped (null), exit 0", () => {
    const r = check(app);
    assert.equal(r.diagnostics, null, r.stderr);
    assert.equal(r.status, 0);
  });

  it("a type error in a browser-kernel file fails the check, naming its file and line", () => {
    const worker = path.join(app, "kernel", "worker.js");
    const lines = fs.readFileSync(worker, "utf8").split("\n");
    // Before its console section: a number that is a string (TS2322), on the line after its type.
    const at = lines.findIndex((l) => l.startsWith("// ----") && l.endsWith(" console"));
    assert.ok(at > 0, "kernel/worker.js has its console section");
    lines.splice(at, 0, "/** @type {number} */", 'const courseDeliberate = "not a number";', "void courseDeliberate;");
    fs.writeFileSync(worker, lines.join("\n"));
    const r = check(app);
    assert.equal(r.status, 1, r.stderr);
    const errors = (r.diagnostics ?? []).map((d) => ({ file: d.file, line: d.line, code: d.code }));
    assert.deepEqual(errors, [{ file: "frontends/lite-app/kernel/worker.js", line: at + 2, code: 2322 }]);
  });
});

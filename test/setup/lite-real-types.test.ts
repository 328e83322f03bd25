/**
 * The browser kernel's JavaScript type-checks against the packages it really runs with, not only
 * against the hand-written declarations `npm run build` uses (frontends/lite-app/types/*.d.ts, so
 * that a fresh clone checks without installing the browser edition): the same files, the same
 * options, with the browser-only packages resolved to frontends/lite-app/node_modules (installed
 * here as `npm run lite` installs them, when its lock file changed). A declaration that drifts from
 * its package (a type the code relies on that the package does not give) fails here.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { spawnSync } from "child_process";
import { ROOT } from "../../lib/runtime/paths";
import { npmCiIfLockChanged } from "../../frontends/npm-app";

const LITE_APP = path.join(ROOT, "frontends", "lite-app");

describe("the browser kernel against the installed packages", () => {
  it("type-checks with frontends/lite-app/node_modules instead of types/*.d.ts: no diagnostics", () => {
    const installed = npmCiIfLockChanged(LITE_APP, () => console.log("Installing the browser edition's npm packages (once; about 40 s)…"));
    assert.ok(!installed || installed.ok, installed?.output);
    const r = spawnSync(process.execPath, [path.join(LITE_APP, "check-types.js"), "--real", "--json"], { encoding: "utf8" });
    assert.equal(r.stderr, "");
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.equal(r.status, 0);
  });
});

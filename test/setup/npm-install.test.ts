/**
 * A front end's npm install started in the background (frontends/npm-install.js: `npm test` starts the two front
 * ends' installs before it compiles the course) is waited for by the build that needs it, which then installs
 * only if the background install failed; a claim left by a process that is gone never blocks.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import { ROOT } from "../../lib/runtime/paths";
import { isInstalled, waitForBackgroundInstall } from "../../frontends/npm-install";
import { npmCiIfLockChanged } from "../../frontends/npm-app";

const SCRIPT = path.join(ROOT, "frontends", "npm-install.js");
const LOCK = ".course-npm-ci.pid";

/** An npm project with no dependencies: `npm ci` installs it in about a second, offline. */
function emptyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "npm-install-"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "empty", version: "1.0.0", private: true }) + "\n");
  fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify({ name: "empty", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "empty", version: "1.0.0" } } }, null, 2) + "\n");
  return dir;
}

describe("front-end installs in the background", () => {
  it("a background install claims its folder, installs it and drops the claim; the build that waits for it then has nothing to do", () => {
    const dir = emptyProject();
    try {
      assert.equal(isInstalled(dir), false);
      const r = spawnSync(process.execPath, [SCRIPT, "--background", dir], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(fs.existsSync(path.join(dir, LOCK)), "the folder is claimed as soon as the launcher returns");
      waitForBackgroundInstall(dir);
      assert.equal(fs.existsSync(path.join(dir, LOCK)), false, "the claim is dropped when the install ends");
      assert.equal(isInstalled(dir), true, "the install wrote the lock file's hash");
      let announced = false;
      assert.equal(npmCiIfLockChanged(dir, () => (announced = true)), null);
      assert.equal(announced, false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("waits while the claiming process lives, and clears a claim whose process is gone", async () => {
    const dir = emptyProject();
    try {
      // A live claim, dropped by its process after 0.6 s.
      const lock = path.join(dir, LOCK);
      const holder = spawn(process.execPath, ["-e", `setTimeout(() => require("fs").rmSync(${JSON.stringify(lock)}), 600)`], { stdio: "ignore" });
      fs.writeFileSync(lock, String(holder.pid));
      const exited = new Promise((resolve) => holder.on("exit", resolve));
      const t0 = Date.now();
      waitForBackgroundInstall(dir);
      assert.ok(Date.now() - t0 >= 500, `returned after ${Date.now() - t0} ms, while the claim was held`);
      await exited;
      // A claim by a process that has exited: cleared at once, and the install runs here.
      const gone = spawnSync(process.execPath, ["-e", "process.pid"]).pid;
      fs.writeFileSync(lock, String(gone));
      const t1 = Date.now();
      let announced = false;
      const r = npmCiIfLockChanged(dir, () => (announced = true));
      assert.ok(Date.now() - t1 < 60_000);
      assert.equal(fs.existsSync(lock), false);
      assert.equal(announced, true);
      assert.ok(r?.ok, r?.output);
      assert.equal(isInstalled(dir), true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * What the browser edition's site is rebuilt from (frontends/lite.ts appSources):
 * every source file of frontends/lite-app, walked rather than listed, so a new
 * or edited file makes the site stale. A hand-kept list had missed the
 * interrupt's four files (frontends/lite-app/kernel/interrupt-flag.js,
 * interrupt-page.js, loop-checks.js and frontends/lite-app/hooks/kernel-interrupt.js): editing one of them alone left
 * `npm run lite` serving the old site.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { appSources, LITE_APP } from "../../frontends/lite";
import { sourceFiles } from "../helpers/sources";

test("every script, page and package file of frontends/lite-app is a site input", () => {
  const inputs = new Set(appSources());
  const scripts = sourceFiles(LITE_APP, { files: /\.(js|html|json)$/, skip: ["types"] })
    .map((f) => path.relative(LITE_APP, f).split(path.sep).join("/"))
    .filter((f) => !["tsconfig.json", "check-types.js"].includes(f));
  assert.ok(scripts.length >= 30, `found only ${scripts.length} files under frontends/lite-app`);
  assert.deepEqual(scripts.filter((f) => !inputs.has(f)), []);
  assert.ok(inputs.has("../jupyterlab-app/extensions.json"));
});

test("the walk leaves out installed packages, generated dot folders, docs, the type check's own files and links", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lite-sources-"));
  try {
    const write = (rel: string): void => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), "x");
    };
    for (const f of ["build.js", "kernel/new-part.js", "kernel/deep/more.js", "templates/index.html", "package.json", "README.md", "types/pkg.d.ts", "tsconfig.json", "check-types.js", "node_modules/p/index.js", ".gen/modules.js"]) write(f);
    fs.symlinkSync(path.join(dir, "build.js"), path.join(dir, "kernel", "link.js"));
    assert.deepEqual(appSources(dir), ["build.js", "kernel/deep/more.js", "kernel/new-part.js", "package.json", "templates/index.html", "../jupyterlab-app/extensions.json"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

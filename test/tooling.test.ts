/**
 * The README's commands and the kernel they register: kernel spec with
 * absolute paths, Jupyter discovery, `npm start`'s launch plan (dry run),
 * the bootstrap's argument checking, and a kernel that really starts.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { findJupyter, jupyterEnv, JUPYTER_DATA, probePython, pythonCandidates, writeKernelSpec } from "../scripts/jupyter";
import { ROOT } from "./helpers/notebooks";

describe("kernel spec", () => {
  it("is written into the project with absolute paths to node and the launcher", () => {
    const dir = writeKernelSpec();
    assert.equal(dir, path.join(JUPYTER_DATA, "kernels", "tslab"));
    const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8")) as { argv: string[]; language: string };
    assert.equal(spec.argv[0], process.execPath);
    assert.ok(path.isAbsolute(spec.argv[1] as string));
    assert.equal(spec.argv[1], path.join(ROOT, "scripts", "kernel.js"));
    assert.equal(spec.argv[2], "{connection_file}");
    assert.equal(spec.language, "typescript");
  });

  it("is found first through JUPYTER_PATH", () => {
    const env = jupyterEnv({ JUPYTER_PATH: "/elsewhere" });
    assert.equal(env.JUPYTER_PATH, `${JUPYTER_DATA}${path.delimiter}/elsewhere`);
    const python = process.env.COURSE_TEST_PYTHON ?? "/usr/bin/python3";
    const r = spawnSync(python, ["-c", "from jupyter_client.kernelspec import KernelSpecManager as K; print(K().get_kernel_spec('tslab').resource_dir)"], { encoding: "utf8", env: jupyterEnv() });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), path.join(JUPYTER_DATA, "kernels", "tslab"));
  });

  it("the launcher refuses to start without a connection file, with a usage line", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "kernel.js")], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: node scripts\/kernel\.js <connection_file>/);
  });
});

describe("Jupyter discovery", () => {
  it("probes every candidate Python and ignores ones that do not exist", () => {
    assert.equal(probePython("/nonexistent/python3"), null);
    assert.ok(pythonCandidates({ COURSE_PYTHON: "/opt/py" })[0] === "/opt/py");
  });

  it("finds a Jupyter front end on this machine (lab first, classic otherwise)", () => {
    const j = findJupyter();
    assert.ok(j, "no Jupyter found: the test set-up installs it");
    assert.ok(j.app === "lab" || j.app === "notebook");
  });
});

describe("npm start (dry run)", () => {
  it("registers the kernel, writes the student edition and plans a localhost server in the course folder", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "build", "scripts", "start.js"), "--dry-run", "--port", "18888"], { encoding: "utf8", cwd: ROOT });
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))) as { python: string; args: string[]; url: string };
    assert.match(plan.url, /^http:\/\/127\.0\.0\.1:\d+\/(lab\/tree|notebooks)\/student\/01-logistic-regression\.ipynb\?token=[0-9a-f]{32}$/);
    assert.ok(plan.args.some((a) => a.includes(ROOT)), "root dir is the course folder");
    assert.ok(plan.args.some((a) => /ip=127\.0\.0\.1$/.test(a)), "listens on localhost only");
    if (process.getuid?.() === 0) assert.ok(plan.args.some((a) => /allow_root=True$/.test(a)), "as root, Jupyter needs allow_root");
    assert.ok(fs.existsSync(path.join(ROOT, "student", "01-logistic-regression.ipynb")));
  });

  it("--solutions opens the instructor edition", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "build", "scripts", "start.js"), "--dry-run", "--solutions"], { encoding: "utf8", cwd: ROOT });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /notebooks\/01-logistic-regression\.ipynb/);
  });
});

describe("bootstrap", () => {
  it("rejects an unknown command with a usage line", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "bootstrap.js"), "frobnicate"], { encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /usage: node scripts\/bootstrap\.js <start\|test/);
  });
});

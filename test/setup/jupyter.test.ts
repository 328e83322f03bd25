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
import { findJupyter, jupyterEnv, JUPYTER_DATA, probeAll, probePython, pythonCandidates, writeKernelSpec } from "../../setup/jupyter";
import { ensureLabApp, labAppEnv, labAppIsBuilt, labAppSourceHash, LAB_APP_SOURCES } from "../../frontends/jupyterlab-app";
import { OUT } from "../helpers/notebooks";
import { ROOT } from "../helpers/notebooks";

describe("kernel spec", () => {
  it("is written into the project with absolute paths to node and the launcher", () => {
    const dir = writeKernelSpec();
    assert.equal(dir, path.join(JUPYTER_DATA, "kernels", "tslab"));
    const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8")) as { argv: string[]; language: string };
    assert.equal(spec.argv[0], process.execPath);
    assert.deepEqual(spec.argv.slice(1, -2), ["--max-semi-space-size=4"]);
    assert.ok(path.isAbsolute(spec.argv[2] as string));
    assert.equal(spec.argv[2], path.join(ROOT, "kernel", "kernel.js"));
    assert.equal(spec.argv[3], "{connection_file}");
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
    const r = spawnSync(process.execPath, [path.join(ROOT, "kernel", "kernel.js")], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: node kernel\/kernel\.js <connection_file>/);
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
    assert.ok(j.app === "lab" || j.app === "course-lab" || j.app === "notebook");
  });

  it("prefers JupyterLab, then the course's JupyterLab build, then the classic Notebook; --classic and --lab restrict", () => {
    const lab = { python: "/a", lab: "4.2.0", notebook: "7.2.0" };
    const labServer = { python: "/b", labServer: "2.16.5", notebook: "6.4.12" };
    const classic = { python: "/c", notebook: "6.4.12" };
    assert.equal(findJupyter([classic, labServer, lab])?.app, "lab");
    assert.equal(findJupyter([classic, labServer])?.app, "course-lab");
    assert.equal(findJupyter([classic, labServer])?.python, "/b");
    assert.equal(findJupyter([classic])?.app, "notebook");
    assert.equal(findJupyter([classic, labServer], "classic")?.app, "notebook");
    assert.equal(findJupyter([classic], "lab"), null);
    assert.equal(findJupyter([]), null);
  });
});

describe("the course's JupyterLab build (jupyterlab-app/)", () => {
  const dir = path.join(ROOT, "frontends", "jupyterlab-app");
  it("extensions.json is the one list of JupyterLab extensions: both front ends' packages have each, no other file names one", () => {
    const listed = JSON.parse(fs.readFileSync(path.join(dir, "extensions.json"), "utf8")) as string[];
    assert.ok(listed.length > 10 && listed.every((e) => /^@jupyterlab\/[a-z-]+-extension$/.test(e)), "a list of extension packages");
    const lite = path.join(ROOT, "frontends", "lite-app");
    for (const app of [dir, lite]) {
      const pkg = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8")) as { dependencies: Record<string, string> };
      assert.deepEqual(listed.filter((e) => !pkg.dependencies[e]), [], `dependencies of ${path.relative(ROOT, app)}/package.json`);
    }
    // The entry points get the modules from a file the build generates from the list (build/extensions.js,
    // .gen/extensions.js); a JupyterLab extension named in one of these files would be a second list.
    for (const file of [path.join(dir, "index.js"), path.join(dir, "webpack.config.js"), path.join(lite, "index.js"), path.join(lite, "build.js")]) {
      const named = [...fs.readFileSync(file, "utf8").matchAll(/"(@jupyterlab\/[a-z-]+-extension)"/g)].map((m) => m[1]);
      // Named for a job of its own: the MIME renderer among them, the theme whose CSS is built.
      const allowed = file === path.join(lite, "index.js") ? ["@jupyterlab/javascript-extension"] : file === path.join(lite, "build.js") ? ["@jupyterlab/theme-light-extension"] : [];
      assert.deepEqual(named.filter((n) => !allowed.includes(n as string)), [], path.relative(ROOT, file));
    }
  });

  it("its server module imports with the Python that serves it", () => {
    const py = probeAll().find((i) => i.labServer)?.python;
    assert.ok(py, "no Python with jupyter_server + jupyterlab_server: npm test installs python3-jupyterlab-server on Debian");
    const r = spawnSync(py, ["-c", "import course_lab; print(course_lab.CourseLab.name, course_lab._jupyter_server_extension_points()[0]['module'])"], { encoding: "utf8", env: labAppEnv(process.env) });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "course_lab course_lab");
  });

  /** A scratch copy of jupyterlab-app's sources (no node_modules, no build). */
  function sourcesCopy(): string {
    fs.mkdirSync(OUT, { recursive: true });
    const copy = fs.mkdtempSync(path.join(OUT, "lab-app-"));
    for (const f of LAB_APP_SOURCES) {
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(path.join(dir, f), path.join(copy, f));
    }
    return copy;
  }

  it("is rebuilt when any of its sources changes (the build's stamp is their hash)", () => {
    const copy = sourcesCopy();
    try {
      assert.equal(labAppIsBuilt(copy), false, "nothing built yet");
      fs.mkdirSync(path.join(copy, "build"));
      fs.writeFileSync(path.join(copy, "build", "bundle.js"), "");
      fs.writeFileSync(path.join(copy, "build", ".course-stamp"), labAppSourceHash(copy) + "\n");
      assert.equal(labAppIsBuilt(copy), true);
      fs.appendFileSync(path.join(copy, "index.js"), "\n// an edit\n");
      assert.equal(labAppIsBuilt(copy), false, "an edited index.js makes the build stale");
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("a failed install comes back as a message saying what failed and what to do, not a throw", () => {
    const copy = sourcesCopy();
    try {
      fs.writeFileSync(path.join(copy, "package-lock.json"), "{ not json");
      const lines: string[] = [];
      const r = ensureLabApp((l) => lines.push(l), copy);
      assert.equal(r.ok, false);
      assert.match(r.message, /could not install JupyterLab's npm packages \(npm ci in /);
      assert.match(r.message, /npm start -- --classic/);
      assert.equal(labAppIsBuilt(copy), false);
      assert.ok(lines.some((l) => /Installing JupyterLab's front-end packages/.test(l)));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("npm start -- --lab plans the course's JupyterLab where JupyterLab itself is not installed", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "build", "setup", "start.js"), "--dry-run", "--lab", "--port", "18889"], { encoding: "utf8", cwd: ROOT });
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))) as { app: string; args: string[]; url: string };
    assert.match(plan.url, /\/lab\/tree\/student\/01-logistic-regression\.ipynb\?token=/);
    if (plan.app === "course-lab") assert.deepEqual(plan.args.slice(0, 2), ["-m", "course_lab"]);
    else assert.equal(plan.app, "lab");
  });

  it("npm start -- --classic plans the classic Notebook", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "build", "setup", "start.js"), "--dry-run", "--classic", "--port", "18890"], { encoding: "utf8", cwd: ROOT });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /"app": "notebook"/);
    assert.match(r.stdout, /\/notebooks\/student\/01-logistic-regression\.ipynb/);
  });
});

describe("npm start (dry run)", () => {
  it("registers the kernel, writes the student edition and plans a localhost server in the course folder", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "build", "setup", "start.js"), "--dry-run", "--port", "18888"], { encoding: "utf8", cwd: ROOT });
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))) as { python: string; args: string[]; url: string };
    assert.match(plan.url, /^http:\/\/127\.0\.0\.1:\d+\/(lab\/tree|notebooks)\/student\/01-logistic-regression\.ipynb\?token=[0-9a-f]{32}$/);
    assert.ok(plan.args.some((a) => a.includes(ROOT)), "root dir is the course folder");
    assert.ok(plan.args.some((a) => /ip=127\.0\.0\.1$/.test(a)), "listens on localhost only");
    if (process.getuid?.() === 0) assert.ok(plan.args.some((a) => /allow_root=True$/.test(a)), "as root, Jupyter needs allow_root");
    assert.ok(plan.args.includes("--MappingKernelManager.default_kernel_name=tslab"), "File → New Notebook opens the course's TypeScript kernel");
    assert.deepEqual((plan as { env?: Record<string, string> }).env, { PYDEVD_DISABLE_FILE_VALIDATION: "1" }, "no debugger warning at every start");
    assert.ok(fs.existsSync(path.join(ROOT, "student", "01-logistic-regression.ipynb")));
  });

  it("--solutions opens the instructor edition", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "build", "setup", "start.js"), "--dry-run", "--solutions"], { encoding: "utf8", cwd: ROOT });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /notebooks\/01-logistic-regression\.ipynb/);
  });
});

describe("bootstrap", () => {
  it("rejects an unknown command with a usage line", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "setup", "bootstrap.js"), "frobnicate"], { encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /usage: node setup\/bootstrap\.js <start\|test/);
  });
});

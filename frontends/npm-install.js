// @ts-check
/**
 * Installing a front end's npm packages (frontends/jupyterlab-app/, frontends/lite-app/: npm projects of their
 * own, with their own lock files): `npm ci` runs only when node_modules was not installed from the current
 * package-lock.json (a marker in node_modules records the lock file's hash).
 *
 * An install can also start in the background (`node frontends/npm-install.js --background DIR…`), which
 * setup/bootstrap.js does for a whole `npm test` before it compiles the course: the compile keeps one core busy
 * for about 20 s on a fresh clone while the other would wait, and the two installs (about 50 s of CPU, much of
 * it waiting on the disk and the registry) need nothing from the compile. The build that needs the packages
 * later (frontends/npm-app.ts, in the browser tests' site jobs) waits for a background install of the same
 * folder to end, then installs only if it failed: a background install is never fatal, its failure is reported
 * by the install that follows it.
 *
 * Plain JavaScript with no dependencies: bootstrap.js runs it before anything is compiled.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { createHash } = require("crypto");
const { spawn, spawnSync } = require("child_process");

/** A background install's claim on a folder: a file holding the installing process's pid. */
const LOCK = ".course-npm-ci.pid";
/** After this long a claim is stale whatever its process (an install's own time limit is the same). */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/**
 * @param {string} dir
 * @returns {string} where the hash of the lock file node_modules was installed from is kept
 */
function markerFile(dir) {
  return path.join(dir, "node_modules", ".course-lock-hash");
}

/**
 * @param {string} dir
 * @returns {string}
 */
function lockHash(dir) {
  return createHash("sha256").update(fs.readFileSync(path.join(dir, "package-lock.json"))).digest("hex");
}

/**
 * Whether `dir`'s node_modules was installed from its current package-lock.json.
 * @param {string} dir
 * @returns {boolean}
 */
function isInstalled(dir) {
  const marker = markerFile(dir);
  return fs.existsSync(marker) && fs.readFileSync(marker, "utf8").trim() === lockHash(dir);
}

/**
 * @param {number} pid
 * @returns {boolean}
 */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but is another user's.
    return /** @type {NodeJS.ErrnoException} */ (err).code === "EPERM";
  }
}

/**
 * Waits (blocking: the callers are synchronous builds) while a background install of `dir` runs; returns at once
 * when none does. A claim whose process is gone, or older than INSTALL_TIMEOUT_MS, is removed.
 * @param {string} dir
 */
function waitForBackgroundInstall(dir) {
  const lock = path.join(dir, LOCK);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let pid;
    let mtimeMs;
    try {
      pid = Number(fs.readFileSync(lock, "utf8").trim());
      mtimeMs = fs.statSync(lock).mtimeMs;
    } catch {
      return; // no claim
    }
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid) || Date.now() - mtimeMs > INSTALL_TIMEOUT_MS) {
      fs.rmSync(lock, { force: true });
      return;
    }
    Atomics.wait(pause, 0, 0, 250);
  }
}

/**
 * `npm ci` in `dir`, without npm's audit and funding chatter; writes the marker when it succeeds.
 * @param {string} dir
 * @returns {{ ok: boolean, output: string }} the install's result, with its output's last 15 lines
 */
function npmCi(dir) {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["ci"], { cwd: dir, encoding: "utf8", timeout: INSTALL_TIMEOUT_MS, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}`;
  const ok = r.status === 0;
  if (ok) {
    fs.mkdirSync(path.dirname(markerFile(dir)), { recursive: true }); // a project with no dependencies has none
    fs.writeFileSync(markerFile(dir), lockHash(dir) + "\n");
  }
  return { ok, output: output.split("\n").slice(-15).join("\n") };
}

/**
 * Starts `npm ci` in each folder that needs it, each in a process of its own that outlives this one (detached,
 * so it is not left a zombie of a parent that is busy in spawnSync, which would look alive to
 * waitForBackgroundInstall), and claims the folder for it. A folder already claimed by a live install is left.
 * @param {readonly string[]} dirs
 */
function startBackgroundInstalls(dirs) {
  for (const dir of dirs) {
    if (!fs.existsSync(path.join(dir, "package-lock.json")) || isInstalled(dir)) continue;
    waitForBackgroundInstall(dir); // clears a stale claim; a live one means the folder is being installed
    if (fs.existsSync(path.join(dir, LOCK))) continue;
    const child = spawn(process.execPath, [__filename, "--install", dir], { detached: true, stdio: "ignore" });
    child.unref();
    if (child.pid === undefined) continue;
    try {
      fs.writeFileSync(path.join(dir, LOCK), String(child.pid), { flag: "wx" });
    } catch {
      child.kill(); // another process claimed the folder first
    }
  }
}

/**
 * The background install itself: `npm ci`, then the claim is dropped (if it is still this process's).
 * @param {string} dir
 */
function installInBackground(dir) {
  const lock = path.join(dir, LOCK);
  try {
    npmCi(dir);
  } finally {
    try {
      if (fs.readFileSync(lock, "utf8").trim() === String(process.pid)) fs.rmSync(lock, { force: true });
    } catch {
      // no claim left to drop
    }
  }
}

module.exports = { isInstalled, npmCi, waitForBackgroundInstall };

if (require.main === module) {
  const [mode, ...dirs] = process.argv.slice(2);
  if (mode === "--background") {
    // A short-lived parent: the installs it starts are reparented when it exits.
    startBackgroundInstalls(dirs.map((d) => path.resolve(d)));
  } else if (mode === "--install" && dirs.length === 1) {
    // The claim is written by the parent just after the spawn: wait for it, so that it is dropped at the end.
    const lock = path.join(path.resolve(dirs[0]), LOCK);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 40 && !fs.existsSync(lock); i++) Atomics.wait(pause, 0, 0, 25);
    installInBackground(path.resolve(dirs[0]));
  } else {
    console.error("usage: node frontends/npm-install.js --background DIR…");
    process.exitCode = 2;
  }
}

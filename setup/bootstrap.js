#!/usr/bin/env node
// @ts-check
/**
 * Entry point of the README's commands. Needs nothing but Node ≥ 20: installs
 * the npm dependencies if they are missing or out of date, compiles the
 * course, then hands over to the compiled command (see COMMANDS).
 *
 *   node setup/bootstrap.js <command> [args…]
 */
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const { ROOT } = require("../lib/runtime/root");

/** Each command and the compiled module that runs it (build/<folder>/<name>.js). */
const COMMANDS = {
  start: "setup/start",
  test: "setup/test",
  bench: "bench/bench",
  build: null,
  student: "setup/student",
  expected: "tools/expected",
  "new-lesson": "tools/new-lesson",
  grade: "grading/grade",
  gradescope: "grading/gradescope",
  validate: "grading/validate",
  release: "tools/release",
  lite: "frontends/lite",
};

/** What a student release (a folder with .release/manifest.json, written by `npm run release`) offers. */
const RELEASE_COMMANDS = ["start", "test", "build", "validate"];

/**
 * Says what went wrong and exits.
 * @param {string} msg
 * @returns {never}
 */
function fail(msg) {
  process.stderr.write(`\n✖ ${msg}\n`);
  process.exit(1);
}

function checkNode() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 20) fail(`Node ${process.versions.node} is too old: the course needs Node 20 or newer (https://nodejs.org).`);
}

/** npm ci when node_modules is missing or older than package-lock.json. */
function ensureDependencies() {
  const lock = path.join(ROOT, "package-lock.json");
  const marker = path.join(ROOT, "node_modules", ".package-lock.json");
  const missing = !fs.existsSync(marker) || !fs.existsSync(path.join(ROOT, "node_modules", "tslab"));
  const stale = !missing && fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs + 1000;
  if (!missing && !stale) return;
  const args = fs.existsSync(lock) ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"];
  process.stderr.write(`Installing npm dependencies (npm ${args[0]})…\n`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, args, { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) fail(`npm ${args[0]} failed (exit ${r.status}). Check your network connection, then run \`npm ${args[0]}\` in ${ROOT} to see the error.`);
}

function main() {
  checkNode();
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || !Object.hasOwn(COMMANDS, cmd)) fail(`usage: node setup/bootstrap.js <${Object.keys(COMMANDS).join("|")}> [args…]`);
  if (fs.existsSync(path.join(ROOT, ".release", "manifest.json")) && !RELEASE_COMMANDS.includes(cmd)) {
    fail(`\`${cmd}\` is an instructor command; this student release offers ${RELEASE_COMMANDS.map((c) => `npm ${c === "start" || c === "test" ? c : `run ${c}`}`).join(", ")} (see README.md).`);
  }
  ensureDependencies();
  const { ensureBuilt } = require("../kernel/build-lib");
  try {
    const r = ensureBuilt();
    if (!r.ok && cmd !== "start") fail(`the course does not compile:\n${r.output}`);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  // `npm run bench -- --grading` benchmarks class grading (bench/grading.ts); the rest of bench is bench/bench.ts.
  const module = cmd === "bench" && rest.includes("--grading") ? "bench/grading" : COMMANDS[/** @type {keyof typeof COMMANDS} */ (cmd)];
  if (!module) return;
  const target = path.join(ROOT, "build", `${module}.js`);
  if (!fs.existsSync(target)) fail(`${path.relative(ROOT, target)} is missing after the build.`);
  const r = spawnSync(process.execPath, [target, ...rest], { cwd: ROOT, stdio: "inherit" });
  process.exit(r.status ?? 1);
}

main();

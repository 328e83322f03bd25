/**
 * Reading a submitted file (grading/submitted-file.ts): only a regular file,
 * never through a link, never more than the limit; a malformed notebook's
 * error names a position, never the file's content; the grade cache's key is
 * read the same way. Each kind of file an unpacked archive can hold is made
 * here for real (link, FIFO, socket, device, sparse giant, a path past the
 * name limit).
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { jsonErrorSummary, parseNotebook } from "../../editions/notebook";
import { MAX_SUBMISSION_BYTES, readSubmittedFile, readSubmittedNotebook } from "../../grading/submitted-file";
import { cacheKey } from "../../grading/class-run";
import { DEFAULT_GRADE_OPTIONS } from "../../grading/types";
import { OUT, ROOT } from "../helpers/notebooks";

const SOLUTION = path.join(ROOT, "notebooks", "06-backprop.ipynb");
const SECRET = `TOPSECRET-${process.pid}-do-not-echo`;

/** The kind a refused read reports, or "read" with the byte count. */
function outcome(file: string, limit?: number): string {
  const r = readSubmittedFile(file, limit);
  return r.ok ? `read ${r.bytes.length}` : r.problem.kind;
}

describe("readSubmittedFile: regular files only, never followed, bounded", () => {
  const dir = path.join(OUT, `submitted-file-${process.pid}`);
  const at = (name: string): string => path.join(dir, name);
  before(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(SOLUTION, at("plain.ipynb"));
    fs.symlinkSync(SOLUTION, at("solution-link.ipynb"));
    fs.symlinkSync("plain.ipynb", at("relative-link.ipynb"));
    fs.symlinkSync("/dev/zero", at("zero.ipynb"));
    fs.symlinkSync(at("nowhere"), at("dangling.ipynb"));
    fs.writeFileSync(at("secret.txt"), SECRET, { mode: 0o600 });
    fs.symlinkSync(at("secret.txt"), at("secret.ipynb"));
    assert.equal(spawnSync("mkfifo", [at("pipe.ipynb")]).status, 0, "mkfifo");
    // A socket file, as `tar` can restore one: bound by a process that then exits.
    assert.equal(spawnSync("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", at("socket.ipynb")]).status, 0, "socket");
    assert.equal(spawnSync("mknod", [at("zero-device.ipynb"), "c", "1", "5"]).status, 0, "mknod (tests run as root)");
    fs.mkdirSync(at("folder.ipynb"));
    // Sparse: 32 MB + 1 byte without writing them.
    fs.writeFileSync(at("giant.ipynb"), "");
    fs.truncateSync(at("giant.ipynb"), MAX_SUBMISSION_BYTES + 1);
    fs.writeFileSync(at("ten.ipynb"), "0123456789");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads a regular file whole", () => {
    assert.equal(outcome(at("plain.ipynb")), `read ${fs.statSync(SOLUTION).size}`);
  });

  it("refuses every link (to the course's solution, a sibling, /dev/zero, a root-only secret, nowhere) without reading it", () => {
    for (const name of ["solution-link.ipynb", "relative-link.ipynb", "zero.ipynb", "secret.ipynb", "dangling.ipynb"]) assert.equal(outcome(at(name)), "symbolic-link", name);
    const r = readSubmittedFile(at("secret.ipynb"));
    assert.ok(!r.ok && !JSON.stringify(r).includes(SECRET));
  });

  it("refuses a FIFO (without blocking), a socket, a device and a folder", { timeout: 60_000 }, () => {
    assert.equal(outcome(at("pipe.ipynb")), "fifo");
    assert.equal(outcome(at("socket.ipynb")), "socket");
    assert.equal(outcome(at("zero-device.ipynb")), "character-device");
    assert.equal(outcome(at("folder.ipynb")), "directory");
  });

  it("refuses a file over the limit, by its size and by what it holds (a file whose size says 0)", () => {
    assert.equal(outcome(at("giant.ipynb")), "too-large");
    assert.equal(outcome(at("ten.ipynb"), 10), "read 10");
    assert.equal(outcome(at("ten.ipynb"), 9), "too-large");
    // /proc files say size 0 and hold more: the read itself stops one byte past the limit.
    assert.equal(fs.lstatSync("/proc/self/status").size, 0);
    assert.equal(outcome("/proc/self/status", 100), "too-large");
  });

  it("reports a path the system cannot open, or that vanished, instead of throwing", () => {
    assert.equal(outcome(at(`${"x".repeat(300)}.ipynb`)), "path-too-long");
    assert.equal(outcome(at("gone.ipynb")), "vanished");
    assert.equal(outcome(at("plain.ipynb/inside.ipynb")), "vanished");
  });

  it("says what to do, and names the limit", () => {
    const link = readSubmittedFile(at("solution-link.ipynb"));
    assert.ok(!link.ok);
    assert.equal(link.problem.message, "not a regular file (a symbolic link): not graded; hand in the notebook itself");
    const big = readSubmittedFile(at("giant.ipynb"));
    assert.ok(!big.ok);
    assert.match(big.problem.message, /^larger than 32 MB: not graded; /);
  });

  it("readSubmittedNotebook: parses a regular file; a link is a file problem, not a malformed notebook", () => {
    const ok = readSubmittedNotebook(at("plain.ipynb"));
    assert.ok(ok.ok && ok.notebook.nbformat === 4);
    const link = readSubmittedNotebook(at("secret.ipynb"));
    assert.deepEqual(link.ok ? null : link.kind, "symbolic-link");
  });

  it("the grade cache's key reads the same way: a link has no key", () => {
    assert.match(cacheKey(at("plain.ipynb"), "v", DEFAULT_GRADE_OPTIONS), /^[0-9a-f]{32}$/);
    assert.throws(() => cacheKey(at("solution-link.ipynb"), "v", DEFAULT_GRADE_OPTIONS), /symbolic link/);
    assert.throws(() => cacheKey(at("pipe.ipynb"), "v", DEFAULT_GRADE_OPTIONS), /named pipe/);
  });
});

describe("a malformed notebook's error names where, never what", () => {
  it("keeps the file's text out of the message, whatever V8's own message quotes", () => {
    const samples = [SECRET, `{"cells": [${SECRET}]}`, `{"a": "${SECRET}"}x`, `\n\n{"${SECRET}": tru}`, `[1, "${SECRET}"`, `"${SECRET}\u0001"`];
    for (const text of samples) {
      let message = "";
      try {
        parseNotebook(text, "the file");
      } catch (err) {
        message = (err as Error).message;
      }
      assert.match(message, /^the file is not valid JSON \(/, text);
      assert.ok(!message.includes(SECRET) && !message.includes("TOPSECRET"), message);
    }
  });

  it("gives the position when V8 knows it, as a line and column", () => {
    const at = (text: string): string => {
      try {
        JSON.parse(text);
      } catch (err) {
        return jsonErrorSummary(err, text);
      }
      return "parsed";
    };
    assert.equal(at('{\n  "a": 1,\n  oops'), "unexpected character at line 3, column 3");
    assert.equal(at('{"a": [1, 2'), "it ends too early");
    assert.equal(at("  \n"), "the file is empty");
    assert.equal(at(SECRET), "unexpected character");
  });
});

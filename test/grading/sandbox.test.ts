/**
 * Hostile submissions against the grading sandbox. Each escapes the vm realm
 * the way a real attack does (`tf.add.constructor` is the host's Function,
 * hence `process` and `require`), then tries to rewrite its results, answer
 * from expected values or hidden checks, write files, start a process, open a
 * network connection, fork-bomb, fill the disk or print gigabytes. Each must
 * earn exactly what its honest twin (the same wrong sigmoid without the
 * attack) earns, the machine must be left untouched, and the rest of the batch
 * must still be graded. Also: without bwrap grading stops with a clear message.
 * Submissions that take the same grader options share one grader run (each
 * run's grader, cell warmer and scoring workers cost seconds of CPU): one
 * without execution, one with the execution report.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { declaredFunction, studentEdition } from "../../editions/editions";
import { cellText, codeSources, readNotebook, toSource, writeNotebook, type Notebook } from "../../editions/notebook";
import { OUT, ROOT, sourceNotebook } from "../helpers/notebooks";
import { lessonPoints } from "../helpers/grading";
import { sandboxUidOf } from "../../grading/sandbox-limits";
import { warmCellCache } from "../../setup/jupyter";
import { ESCAPE, forgeReport, sharedMemoryHog, tryAll } from "../helpers/attacks";

const SLUG = "01-logistic-regression";
const GRADE = path.join(ROOT, "build", "grading", "grade.js");
const HIDDEN = path.join(ROOT, "grading", "hidden-example");
const CELLS = path.join(ROOT, "build", "lib", "cache", "cells");
/** Where compiled cells are kept: the course's cache, and the grader's (student editions). */
const CACHES = [CELLS, path.join(ROOT, "build", "lib", "cache", "student-cells")];
const TAG = `${process.pid}-${Date.now()}`;

interface Report {
  notebooks: { path: string; score: number; maxScore: number; checks: { id: string; points: number; passed: boolean; message: string; hidden?: boolean; cases?: unknown[] }[]; execution: { ran: boolean; reason?: string; counts?: Record<string, number>; errors?: unknown[]; message: string } | null; problems: string[] }[];
}

function save(label: string, nb: Notebook): string {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${SLUG}.sandbox-${label}.ipynb`);
  writeNotebook(file, nb);
  return file;
}

/** The lesson's solution with the sigmoid exercise cell replaced by `code`. */
function withSigmoid(code: string, edition: "solution" | "student" = "solution"): Notebook {
  const source = readNotebook(sourceNotebook(SLUG));
  const nb = edition === "student" ? studentEdition(source, `notebooks/${SLUG}.ipynb`) : source;
  const cell = nb.cells.find((c) => c.cell_type === "code" && declaredFunction(cellText(c)) === "sigmoid");
  if (!cell) throw new Error("no sigmoid exercise");
  cell.source = toSource(code);
  return nb;
}

function grade(files: string[], extra: string[], env: NodeJS.ProcessEnv = process.env): { report: Report | null; stdout: string; stderr: string; status: number | null } {
  const json = path.join(OUT, `sandbox-grade-${TAG}-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, [GRADE, "--json", json, ...extra, ...files], { encoding: "utf8", cwd: ROOT, env, timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  graderUids.add(sandboxUidOf(r.pid));
  const report = fs.existsSync(json) ? (JSON.parse(fs.readFileSync(json, "utf8")) as Report) : null;
  return { report, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/**
 * The sandbox uids of the graders this file ran (each grader's sandboxes have
 * their own uid): other test files grade at the same time, with other uids.
 */
const graderUids = new Set<number>();

/** Processes still running as one of this file's sandbox uids after a namespace's teardown (a few seconds at most). */
function sandboxProcesses(): string[] {
  const list = (): string[] => spawnSync("ps", ["-e", "-o", "uid=,pid=,stat=,args="], { encoding: "utf8" }).stdout.split("\n").map((l) => l.trim())
    .filter((l) => graderUids.has(Number(l.split(/\s+/)[0])));
  const until = Date.now() + 15_000;
  while (list().length > 0 && Date.now() < until) spawnSync("sleep", ["0.5"]);
  return list();
}

/** A sigmoid that gives up: with a shared-memory hog above its throw (%HOG%), or without. */
const GIVE_UP = `function sigmoid(z: number[]): number[] {\n%HOG%    throw new Error("not done");\n}`;

// Wrong on purpose (1 − σ): the honest twin earns what a wrong sigmoid earns.
const WRONG = "1 / (1 + Math.exp(v))";
const sigmoidOf = (body: string): string => `function sigmoid(z: number[]): number[] {\n${body}\n    return z.map((v) => ${WRONG});\n}`;

let port = 0;
let connections = 0;
let server: net.Server;

/** The attacks, each in the sigmoid exercise cell after the escape. */
function attacks(): Record<string, string> {
  const pwned = (what: string) => JSON.stringify(`/tmp/pwned-${what}-${TAG}`);
  const inCourse = (what: string) => JSON.stringify(path.join(ROOT, `pwned-${what}-${TAG}`));
  const frames = ["01.sigmoid", "01.computeCost", "01.computeGradient", "01.gradientDescent", "01.sigmoid.hidden", "01.computeCost.hidden"].flatMap((id) => [
    { type: "start", id }, { type: "outputs", id, outputs: [{ kind: "value", got: 1, leakedTensors: 0, returnedTensor: false }] },
    { type: "result", result: { id, points: 99, maxPoints: 1, passed: true, status: "passed", message: "forged", cases: [] } }, { type: "done" },
  ]);
  const readers = [
    path.join(ROOT, "data", "expected", `${SLUG}.json`), path.join(HIDDEN, `${SLUG}.json`),
    path.join(ROOT, ".test-out"), path.join(ROOT, "notebooks", `${SLUG}.ipynb`),
  ];
  return {
    "rewrites-results": `${ESCAPE}
${tryAll([
  `for (const f of ${JSON.stringify(frames)}) fs.writeSync(1, JSON.stringify(f) + "\\n");`,
  `P.send && P.send(${JSON.stringify(frames[2])});`,
  // Rewrite every later line the worker writes: claim the "right" answer for every case.
  `const w = fs.writeSync; fs.writeSync = (fd: any, s: any, ...r: any[]) => w(fd, String(s).replace(/"kind":"(error|not-completed)"/g, '"kind":"value"'), ...r);`,
])}
${sigmoidOf("")}`,
    "reads-expected": `${ESCAPE}
const table = new Map<string, any>();
for (const p of ${JSON.stringify(readers)}) {
  try {
    const text = fs.statSync(p).isDirectory() ? fs.readdirSync(p).map((f: string) => fs.readFileSync(p + "/" + f, "utf8")).join("") : fs.readFileSync(p, "utf8");
    const data = JSON.parse(text);
    for (const c of Object.values(data.checks ?? {}) as any[]) for (const k of c.cases ?? []) if (k.expected !== undefined) table.set(JSON.stringify(k.args), k.expected);
  } catch (e) {}
}
// The kernel's caches of compiled cells: the course's holds the instructor's solutions, compiled; the grader's, the student editions.
let sawSolution = false;
for (const dir of ${JSON.stringify(CACHES)}) {
  try {
    for (const f of fs.readdirSync(dir)) if (fs.readFileSync(dir + "/" + f, "utf8").includes("BEGIN SOLUTION")) sawSolution = true;
  } catch (e) {}
}
function sigmoid(z: number[]): number[] {
    if (sawSolution) return z.map((v) => 1 / (1 + Math.exp(-v))); // as if it ran the solution it found
    const hit = table.get(JSON.stringify([z]));
    return hit !== undefined ? hit : z.map((v) => ${WRONG});
}`,
    "writes-files": `${ESCAPE}
${tryAll([`fs.writeFileSync(${pwned("file")}, "x");`, `fs.writeFileSync(${inCourse("file")}, "x");`, `fs.writeFileSync(${JSON.stringify(path.join(ROOT, "data", "expected", `pwned-${TAG}.json`))}, "x");`])}
${sigmoidOf("")}`,
    "starts-a-process": `${ESCAPE}
${tryAll([`req("child_process").execSync("touch " + ${pwned("proc")} + " " + ${inCourse("proc")});`])}
${sigmoidOf("")}`,
    "opens-a-connection": `${ESCAPE}
${tryAll([
  `req("net").connect(${port}, "127.0.0.1").on("error", () => undefined);`,
  `req("child_process").spawnSync(P.execPath, ["-e", "const s = require('net').connect(${port}, '127.0.0.1'); s.on('error', () => process.exit(1)); setTimeout(() => process.exit(0), 1500)"]);`,
])}
${sigmoidOf("")}`,
    "fork-bomb": `${ESCAPE}
${tryAll([`req("child_process").spawn("/bin/sh", ["-c", "b() { b | b & }; b"], { detached: true, stdio: "ignore" }).unref();`])}
${sigmoidOf("")}`,
    "fills-the-disk": `${ESCAPE}
const chunk = "x".repeat(1 << 20);
${tryAll([`for (let i = 0; i < 100000; i++) fs.appendFileSync(${pwned("fill")}, chunk);`, `for (let i = 0; i < 100000; i++) fs.appendFileSync(${inCourse("fill")}, chunk);`])}
${sigmoidOf("")}`,
    "prints-gigabytes": `${ESCAPE}
const chunk = "y".repeat(1 << 20);
${sigmoidOf(`    for (let i = 0; i < 4096; i++) fs.writeSync(1, chunk);`)}`,
  };
}

/** Every file an attack may have tried to leave on the machine. */
function leftovers(): string[] {
  const candidates = ["file", "proc", "fill"].flatMap((w) => [`/tmp/pwned-${w}-${TAG}`, path.join(ROOT, `pwned-${w}-${TAG}`)]);
  candidates.push(path.join(ROOT, "data", "expected", `pwned-${TAG}.json`));
  return candidates.filter((f) => fs.existsSync(f));
}

before(async () => {
  // The course's cell cache holds compiled solutions, as after an instructor ran the lesson.
  const solution = codeSources(readNotebook(sourceNotebook(SLUG)));
  assert.ok(warmCellCache([solution]), "the course's cell cache was filled");
  assert.ok(fs.readdirSync(CELLS).some((f) => fs.readFileSync(path.join(CELLS, f), "utf8").includes("BEGIN SOLUTION")));
  server = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});

after(() => {
  server.close();
  for (const f of leftovers()) fs.rmSync(f, { force: true });
});

describe("npm run grade: hostile submissions earn exactly what their honest code earns", () => {
  let report: Report;
  const files: Record<string, string> = {};
  before(() => {
    files.twin = save("honest-twin", withSigmoid(sigmoidOf("")));
    for (const [label, code] of Object.entries(attacks())) files[label] = save(label, withSigmoid(code));
    files.solution = sourceNotebook(SLUG);
    // Graded in this run too (the same options; its own grader cost seconds of CPU): "a submission over its sandbox's memory budget".
    files.memoryHog = save("memory-hog", withSigmoid(`${ESCAPE}\n${GIVE_UP.replace("%HOG%", `    req("child_process").spawnSync("/usr/bin/python3", ["-c", ${JSON.stringify(sharedMemoryHog(4))}], { stdio: "ignore" });\n`)}`));
    files.memoryTwin = save("memory-twin", withSigmoid(GIVE_UP.replace("%HOG%", "")));
    const r = grade(Object.values(files), ["--no-execute", "--hidden", HIDDEN, "--check-timeout", "20", "--cell-timeout", "10", "--memory", "512"]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.report, `no report: ${r.stderr}`);
    report = r.report;
  });
  const byLabel = (label: string) => report.notebooks.find((n) => n.path === files[label]);

  it("the honest twin loses the sigmoid checks (and the rest of the batch is graded)", () => {
    const twin = byLabel("twin");
    const full = lessonPoints(SLUG) + 2; // the visible points and the hidden example's 2
    assert.equal(twin?.maxScore, full);
    assert.ok(twin && twin.score > 0 && twin.score < full, `twin ${twin?.score}`);
    assert.equal(byLabel("solution")?.score, full, "the solution after every attack still gets full marks");
  });

  for (const label of Object.keys(attacks())) {
    it(`${label}: the same score, check by check, as the honest twin`, () => {
      const n = byLabel(label);
      const twin = byLabel("twin");
      assert.ok(n && twin);
      assert.equal(n.score, twin.score, JSON.stringify(n.checks.filter((c) => c.passed !== twin.checks.find((t) => t.id === c.id)?.passed)));
      assert.deepEqual(n.checks.map((c) => [c.id, c.points]), twin.checks.map((c) => [c.id, c.points]));
    });
  }

  it("prints-gigabytes is stopped by the output limit, not by the check timeout", () => {
    const n = byLabel("prints-gigabytes");
    const stopped = (n?.checks ?? []).filter((c) => !c.passed && !c.hidden).map((c) => c.message);
    assert.ok(stopped.length > 0);
    for (const m of stopped) assert.match(m, /printed more than \d+ MB/);
  });

  it("hidden checks report pass/fail and a generic message only, never their cases", () => {
    for (const n of report.notebooks) {
      for (const c of n.checks.filter((x) => x.id.endsWith(".hidden"))) {
        assert.equal(c.hidden, true);
        assert.equal(c.cases, undefined);
        assert.match(c.message, /^hidden check (passed|failed \(its cases are not shown\))$/);
      }
    }
  });

  describe("npm run grade: a submission over its sandbox's memory budget", () => {
    it("is stopped, its check reported as out of memory, and earns what its honest twin earns", () => {
      // Shared memory escapes every per-process limit (RLIMIT_DATA does not count it); only the sandbox's budget stops it.
      const hogged = byLabel("memoryHog");
      const twin = byLabel("memoryTwin");
      assert.ok(hogged && twin);
      assert.deepEqual(hogged.checks.map((c) => [c.id, c.points]), twin.checks.map((c) => [c.id, c.points]));
      const sigmoid = hogged.checks.find((c) => c.id === "01.sigmoid");
      assert.match(sigmoid?.message ?? "", /^01\.sigmoid ran out of memory$/);
      assert.doesNotMatch(twin.checks.find((c) => c.id === "01.sigmoid")?.message ?? "", /memory/);
      assert.deepEqual(sandboxProcesses(), []);
    });
  });

  it("leaves the machine untouched: no files, no connection, no process", () => {
    assert.deepEqual(leftovers(), []);
    assert.equal(connections, 0, "no connection reached the listener");
    assert.deepEqual(sandboxProcesses(), [], "no sandboxed process survives");
  });
});

/** The top-level attack of "the execution report runs in the sandbox too", in the student edition's sigmoid cell. */
function topLevelAttack(): Notebook {
  return withSigmoid(`${ESCAPE}
const rq: any = req;
${tryAll([
  `rq("fs").writeFileSync("/tmp/pwned-file-${TAG}", "x");`,
  `rq("fs").writeFileSync(${JSON.stringify(path.join(ROOT, `pwned-file-${TAG}`))}, "x");`,
  `rq("child_process").execSync("touch /tmp/pwned-proc-${TAG}");`,
  `rq("net").connect(${port}, "127.0.0.1").on("error", () => undefined);`,
])}
const seen: string[] = [];
for (const p of ${JSON.stringify([path.join(ROOT, "notebooks", `${SLUG}.ipynb`), path.join(HIDDEN, `${SLUG}.json`), path.join(ROOT, ".test-out")])}) if (rq("fs").existsSync(p)) seen.push(p);
for (const f of rq("fs").readdirSync(${JSON.stringify(CELLS)})) if (rq("fs").readFileSync(${JSON.stringify(CELLS)} + "/" + f, "utf8").includes("BEGIN SOLUTION")) seen.push("a compiled solution: " + f);
if (seen.length) throw new Error("ESCAPED: can see " + seen.join(", "));
${sigmoidOf("")}`, "student");
}

const forger = (kill: "none" | "runner" | "both"): string => `${forgeReport(kill)}
${sigmoidOf("")}`;

/**
 * The submissions graded with their execution report, in one run (a grader and
 * its cell warmer cost seconds of CPU each): the top-level attack and its
 * honest twin, from the student edition (the kernel's cache then holds only
 * the submission's own cells, compiled, so "BEGIN SOLUTION" there could only be
 * a solution the submission does not have); two forgers and theirs, from the
 * solution (so that a forger graded as nothing would not match its twin).
 */
describe("graded with their execution report", () => {
  let report: Report;
  const files: Record<string, string> = {};
  before(() => {
    files.attack = save("exec-attack", topLevelAttack());
    files.twin = save("exec-twin", withSigmoid(sigmoidOf(""), "student"));
    files.killsBoth = save("forges-and-kills-its-runner-and-parent", withSigmoid(forger("both")));
    files.writes = save("forges-its-report", withSigmoid(forger("none")));
    files.forgerTwin = save("forger-twin", withSigmoid(sigmoidOf("")));
    const r = grade(Object.values(files), ["--check-timeout", "20", "--cell-timeout", "60"]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.report, `no report: ${r.stderr}`);
    report = r.report;
  });
  const byLabel = (label: string) => report.notebooks.find((n) => n.path === files[label]);

  describe("npm run grade: the execution report runs in the sandbox too", () => {
    it("a notebook whose code attacks at top level changes nothing outside and earns its honest score", () => {
      const a = byLabel("attack");
      const twin = byLabel("twin");
      assert.ok(a && twin);
      assert.equal(a.score, twin.score);
      assert.equal(a.execution?.ran, true, a.execution?.message);
      assert.deepEqual(a.execution?.counts, twin.execution?.counts, `nothing escaped (an "ESCAPED" cell would fail): ${a.execution?.message}`);
      assert.deepEqual(leftovers(), []);
      assert.equal(connections, 0);
      assert.deepEqual(sandboxProcesses(), []);
    });
  });

  describe("npm run grade: the execution report cannot be forged from inside the sandbox", () => {
    // One that kills only its runner is in test/grading/hostile-class.test.ts's class night ("forger").
    it("killsBoth: a submission that kills its runner and the runner's parent gets no report (ran: false, runner-stopped), not the one it wrote", () => {
      const e = byLabel("killsBoth")?.execution;
      assert.equal(e?.ran, false, `a report was accepted: ${JSON.stringify(e)}`);
      assert.equal(e?.reason, "runner-stopped");
      assert.equal(e?.counts, undefined);
    });

    it("one that only writes its forgery everywhere it can leaves the runner's real report intact", () => {
      const e = byLabel("writes")?.execution;
      const twin = byLabel("forgerTwin")?.execution;
      assert.equal(twin?.ran, true, twin?.message);
      assert.equal(e?.ran, true, `the real report was spoiled: ${JSON.stringify(e)}`);
      assert.deepEqual(e?.counts, twin?.counts, "cell by cell, as its honest twin (not 40 forged cells)");
      assert.deepEqual(e?.errors, twin?.errors);
    });

    it("each earns its honest score", () => {
      for (const label of ["killsBoth", "writes"]) assert.equal(byLabel(label)?.score, byLabel("forgerTwin")?.score, label);
      assert.deepEqual(sandboxProcesses(), []);
    });
  });
});

describe("npm run grade: without the sandbox", () => {
  const missing = { ...process.env, COURSE_BWRAP: "/nonexistent/bwrap" };
  it("stops with a clear message and grades nothing", () => {
    const r = grade([sourceNotebook(SLUG)], ["--no-execute"], missing);
    assert.equal(r.status, 2);
    assert.equal(r.report, null, "no grades written");
    assert.match(r.stderr, /cannot grade safely: the sandbox for submitted code is unavailable \(\/nonexistent\/bwrap was not found\)/);
    assert.match(r.stderr, /--unsafe-no-sandbox/);
  });
  it("--unsafe-no-sandbox grades anyway", () => {
    const r = grade([sourceNotebook(SLUG)], ["--no-execute", "--unsafe-no-sandbox"], missing);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.report?.notebooks[0]?.score, lessonPoints(SLUG));
  });
});

/**
 * The grader's intake of an untrusted class folder (issue 26): unpacked
 * archives keep symbolic links, named pipes and devices, and students choose
 * their folder names. Each attack that once worked is made for real here:
 * links to the course's solution, to a classmate's notebook, to a root-only
 * secret and to /dev/zero, a FIFO, a 33 MB notebook, a linked student folder,
 * a 252-byte folder name, a folder nested past the path limit, control
 * characters and HTML in names, ids that sanitise alike. Each earns nothing
 * (or, for a name, exactly its honest grade), the secret never appears in any
 * output, every honest student gets exactly the grade they get alone, and
 * every output is written. Lesson 06 (the smallest) without execution keeps
 * the grading runs short.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { studentEdition } from "../../editions/editions";
import { readNotebook, writeNotebook, type Notebook } from "../../editions/notebook";
import { readClassFolder, type ClassFolder } from "../../grading/class-folder";
import { escapeHtml } from "../../lib/runtime/display";
import { OUT, ROOT, sourceNotebook } from "../helpers/notebooks";
import { lessonPoints, parseCsv, readGrades, runGrade, VALIDATE, withExercise, type Entry, type Grades } from "../helpers/grading";

const SLUG = "06-backprop";
const NB = `${SLUG}.ipynb`;
/** The lesson's points: what its solution earns. */
const FULL = lessonPoints(SLUG);
const EXERCISES = { [SLUG]: ["numericalDerivative", "backpropSimpleNetwork"] };
const SECRET = `TOPSECRET-${process.pid}-never-echoed`;
const LONG = "学".repeat(84); // 252 bytes
const NEWLINE = "evil\n[99] mallory: 06-backprop.ipynb 3-3 \u001b[2K";
const XSS = "<img src=x onerror=alert(1)>";
const ALIKE = ["x y", "x\ty", "X y"];

const solution = (): Notebook => readNotebook(sourceNotebook(SLUG));
const studentEd = (): Notebook => studentEdition(solution(), `notebooks/${NB}`);
const wrong = (): Notebook => withExercise(solution(), "numericalDerivative", "function numericalDerivative(f: (w: number) => number, w: number, eps: number = 0.001): number {\n    return (f(w + eps) - f(w - eps)) / eps;\n}");
/** The three notebooks honest students hand in. */
const NOTEBOOKS = { solution, wrong, student: studentEd } as const;
type Kind = keyof typeof NOTEBOOKS;
const KINDS: readonly Kind[] = ["solution", "wrong", "student"];

/** Makes `levels` nested folders of 200-character names under `dir` (past PATH_MAX from 21 on) and puts a notebook at the bottom. */
function nestPastPathLimit(dir: string, levels: number, nb: string): void {
  const name = "d".repeat(200);
  // Relative steps: no single path the system is given is longer than the limit.
  const script = `cd "$1" && for i in $(seq ${levels}); do mkdir ${name} && cd ${name}; done && cp "$2" .`;
  const r = spawnSync("bash", ["-c", script, "nest", dir, nb]);
  assert.equal(r.status, 0, r.stderr.toString());
}

/** Removes a folder GNU rm can remove even past the path limit (fs.rmSync cannot). */
function removeTree(dir: string): void {
  spawnSync("rm", ["-rf", "--", dir]);
}

describe("reading a class folder: links, pipes, devices and unopenable paths are reported per entry, never followed or thrown", () => {
  const dir = path.join(OUT, `intake-folder-${process.pid}`);
  const at = (rel: string): string => path.join(dir, rel);
  let folder: ClassFolder;
  before(() => {
    removeTree(dir);
    fs.mkdirSync(at("ann"), { recursive: true });
    writeNotebook(at(`ann/${NB}`), solution());
    fs.symlinkSync(path.join(ROOT, "notebooks", NB), at("bob.ipynb"));
    assert.equal(spawnSync("mkfifo", [at("cal.ipynb")]).status, 0);
    assert.equal(spawnSync("mknod", [at("dee.ipynb"), "c", "1", "5"]).status, 0, "mknod (tests run as root)");
    assert.equal(spawnSync("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", at("eli.ipynb")]).status, 0);
    fs.symlinkSync(at("ann"), at("fay"));
    // Inside a student's folder: a linked notebook and a linked folder (never entered).
    fs.mkdirSync(at("gus"));
    fs.symlinkSync(at(`ann/${NB}`), at(`gus/${NB}`));
    fs.symlinkSync(at("ann"), at("gus/sub"));
    // hal: one notebook at the top, one past the path limit.
    fs.mkdirSync(at("hal"));
    writeNotebook(at(`hal/${NB}`), solution());
    nestPastPathLimit(at("hal"), 22, sourceNotebook(SLUG));
    // A duplicate id whose notebook is a dangling link (the duplicate check once stat'ed it and threw).
    fs.mkdirSync(at("ivy"));
    writeNotebook(at(`ivy/${NB}`), solution());
    fs.symlinkSync(at("nowhere"), at("ivy.ipynb"));
    // A name that is not UTF-8 (bytes 0xff 0xfe): Node cannot open it under its decoded name.
    assert.equal(spawnSync("bash", ["-c", `touch "$1"/$'\\xff\\xfe'.ipynb`, "x", dir]).status, 0);
    fs.symlinkSync(at("nowhere"), at("stray-link"));
    folder = readClassFolder(dir, EXERCISES);
  });
  after(() => removeTree(dir));

  const student = (id: string): ClassFolder["students"][number] => {
    const s = folder.students.find((x) => x.id === id);
    assert.ok(s, `student ${JSON.stringify(id)} in ${JSON.stringify(folder.students.map((x) => x.id))}`);
    return s;
  };
  const kinds = (id: string): (string | undefined)[] => student(id).notebooks.map((n) => n.fileProblem);

  it("a notebook that is a link, a FIFO, a device or a socket is that student's, not gradable, with its kind", () => {
    assert.deepEqual(kinds("bob"), ["symbolic-link"]);
    assert.deepEqual(kinds("cal"), ["fifo"]);
    assert.deepEqual(kinds("dee"), ["character-device"]);
    assert.deepEqual(kinds("eli"), ["socket"]);
    assert.deepEqual(kinds("\uFFFD\uFFFD"), ["bad-name"]);
    for (const id of ["bob", "cal", "dee", "eli"]) assert.equal(student(id).notebooks[0]?.gradable, false, id);
    assert.deepEqual(student("ann").notebooks.map((n) => [path.basename(n.file), n.gradable, n.fileProblem]), [[NB, true, undefined]]);
  });

  it("a linked student folder is not followed; in a folder, a linked notebook is refused and a linked folder not entered", () => {
    assert.deepEqual(student("fay").notebooks, []);
    assert.deepEqual(student("fay").unreadable, [{ path: "fay", kind: "symbolic-link" }]);
    assert.deepEqual(student("gus").notebooks.map((n) => [path.relative(dir, n.file), n.fileProblem]), [[`gus/${NB}`, "symbolic-link"]]);
  });

  it("a folder past the path limit is reported for its student, whose other notebook is still read", () => {
    const hal = student("hal");
    assert.deepEqual(hal.notebooks.map((n) => [path.relative(dir, n.file), n.gradable]), [[`hal/${NB}`, true]]);
    assert.deepEqual(hal.unreadable.map((u) => u.kind), ["path-too-long"]);
    assert.ok(hal.unreadable[0]?.path.startsWith("hal/ddd"));
    assert.ok(hal.problems.every((p) => p.length < 400), "the 4 kB path is shortened in the message");
  });

  it("a duplicate id with a dangling link is reported as a duplicate; a dangling link that is not a notebook is a stray", () => {
    assert.deepEqual(student("ivy").notebooks, []);
    assert.equal(student("ivy").sources.length, 2);
    assert.equal(student("ivy").problems.length, 1);
    assert.equal(folder.problems.filter((p) => p.startsWith("stray-link:")).length, 1);
  });
});

describe("grading a hostile class folder (npm run grade -- --out, lesson 06, --no-execute)", () => {
  const dir = path.join(OUT, `intake-class-${process.pid}`);
  const out = `${dir}-out`;
  const secretFile = path.join(OUT, `intake-secret-${process.pid}.txt`);
  const at = (...rel: string[]): string => path.join(dir, ...rel);
  /** The honest students' notebooks: [student, file, which of the three notebooks it holds]. */
  const honest: [string, string, Kind][] = [];
  let grades: Grades;
  let stdout = "";
  let stderr = "";
  let alone: { notebooks: (Entry & { fileProblem: string | null })[] };

  before(() => {
    removeTree(dir);
    removeTree(out);
    fs.mkdirSync(dir, { recursive: true });
    const put = (student: string, name: string, kind: Kind): void => {
      fs.mkdirSync(at(student), { recursive: true });
      writeNotebook(at(student, name), NOTEBOOKS[kind]());
      honest.push([student, at(student, name), kind]);
    };
    put("ann", NB, "solution");
    put("ben", NB, "wrong");
    put(LONG, NB, "student");
    put(NEWLINE, NB, "solution");
    put(ALIKE[0] as string, NB, "solution");
    put(ALIKE[1] as string, NB, "wrong");
    put(ALIKE[2] as string, NB, "student");
    put(XSS, `a-${NB}`, "student");
    put(XSS, `b-${NB}`, "solution");
    put("hal", NB, "wrong");
    nestPastPathLimit(at("hal"), 22, sourceNotebook(SLUG));
    // The attacks.
    fs.symlinkSync(path.join(ROOT, "notebooks", NB), at("bob.ipynb")); // the course's solution
    fs.symlinkSync(at("ann", NB), at("cal.ipynb")); // a classmate's notebook
    fs.writeFileSync(secretFile, `${SECRET}\nnot JSON, readable by root only\n`, { mode: 0o600 });
    fs.symlinkSync(secretFile, at("dee.ipynb"));
    fs.symlinkSync("/dev/zero", at("eli.ipynb"));
    assert.equal(spawnSync("mkfifo", [at("fay.ipynb")]).status, 0);
    fs.writeFileSync(at("gil.ipynb"), "");
    fs.truncateSync(at("gil.ipynb"), 33 * 1024 * 1024);
    fs.symlinkSync(at("ann"), at("ivy")); // a classmate's folder
    fs.mkdirSync(at("jon"));
    fs.symlinkSync(at("ann", NB), at("jon", NB));
    fs.symlinkSync(at("ann"), at("jon", "sub"));

    const r = runGrade(["--out", out, "--no-execute", dir]);
    assert.equal(r.status, 0, `${r.stderr}\n${r.stdout}`);
    ({ stdout, stderr } = r);
    grades = readGrades(out);
    // Each of the three honest notebooks alone (grading depends on a notebook's bytes, not its place: one
    // sandbox run each instead of one per student), and three attacks, in single-notebook mode.
    const json = path.join(OUT, `intake-alone-${process.pid}.json`);
    const a = runGrade(["--no-execute", "--json", json, ...KINDS.map((k) => honest.find((h) => h[2] === k)?.[1] as string), at("bob.ipynb"), at("fay.ipynb"), at("eli.ipynb")]);
    assert.equal(a.status, 0, `${a.stderr}\n${a.stdout}`);
    alone = JSON.parse(fs.readFileSync(json, "utf8")) as typeof alone;
    fs.rmSync(json);
  });
  after(() => {
    removeTree(dir);
    removeTree(out);
    fs.rmSync(secretFile, { force: true });
  });

  const entries = (student: string): Entry[] => grades.notebooks.filter((n) => n.student === student);
  const same = (g: Entry): unknown => ({ lesson: g.lesson, score: g.score, maxScore: g.maxScore, checks: g.checks.map((c) => [c.id, c.points, c.maxPoints, c.passed, c.message]) });

  it("every honest student gets exactly the grade their notebook gets alone", () => {
    assert.ok(honest.length >= 10);
    for (const [student, file, kind] of honest) {
      const inClass = entries(student).find((e) => e.path === file);
      assert.ok(inClass, `${JSON.stringify(student)} ${file} graded`);
      assert.deepEqual(same(inClass), same(alone.notebooks[KINDS.indexOf(kind)] as Entry), JSON.stringify(student));
    }
    assert.equal(entries("ann")[0]?.score, FULL, "and the solution has full marks");
  });

  it("links (to the course's solution, a classmate, a root-only secret, /dev/zero), a FIFO and a 33 MB file earn nothing, each with its kind", () => {
    const expect: Record<string, string> = { bob: "symbolic-link", cal: "symbolic-link", dee: "symbolic-link", eli: "symbolic-link", fay: "fifo", gil: "too-large", jon: "symbolic-link" };
    for (const [student, kind] of Object.entries(expect)) {
      const e = entries(student);
      assert.deepEqual(e.map((x) => [x.fileProblem, x.lesson, x.score, x.checks.length, x.counts]), [[kind, null, 0, 0, false]], student);
    }
    assert.deepEqual(grades.students.find((s) => s.student === "ivy")?.unreadable, [{ path: "ivy", kind: "symbolic-link" }]);
    assert.deepEqual(entries("ivy").map((x) => [x.lesson, x.score]), [[null, 0]]);
    assert.ok(!grades.run.gradedFiles.some((f) => /\/(bob|cal|dee|eli|fay|gil)\.ipynb$|\/jon\//.test(f)), "none was even handed to a grading process");
    // Single-notebook mode refuses them the same way.
    assert.deepEqual(alone.notebooks.slice(KINDS.length).map((n) => [n.fileProblem, n.lesson, n.score]), [["symbolic-link", null, 0], ["fifo", null, 0], ["symbolic-link", null, 0]]);
  });

  it("the secret's content appears in no output: files, console", () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (p: string) => files.push(p))(path.join(d, e.name));
    };
    walk(out);
    assert.ok(files.length >= 5);
    for (const f of files) assert.ok(!fs.readFileSync(f, "utf8").includes("TOPSECRET"), f);
    assert.ok(!stdout.includes("TOPSECRET") && !stderr.includes("TOPSECRET"));
  });

  it("every output is written, with one feedback page per student at the name grades.json records", () => {
    for (const f of ["grades.json", "gradebook.csv", "gradebook-canvas.csv", "summary.html"]) assert.ok(fs.statSync(path.join(out, f)).size > 0, f);
    const ids = grades.students.map((s) => s.student);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, 17, JSON.stringify(ids));
    const pages = grades.students.map((s) => s.feedback);
    assert.equal(new Set(pages.map((p) => p.toLowerCase())).size, ids.length, "distinct pages, also case-insensitively");
    assert.deepEqual(fs.readdirSync(path.join(out, "feedback")).map((f) => `feedback/${f}`).sort(), [...pages].sort());
    for (const n of grades.notebooks) assert.equal(n.feedback, grades.students.find((s) => s.student === n.student)?.feedback);
    // The gradebook's student column round-trips every id (RFC 4180 quoting).
    const rows = parseCsv(fs.readFileSync(path.join(out, "gradebook.csv"), "utf8"));
    assert.deepEqual(rows.slice(2).map((r) => r[0]).sort(), [...ids].sort());
  });

  it("ids that sanitise alike, a 252-byte id and a newline id get pages of their own, each naming its student, escaped", () => {
    for (const id of [...ALIKE, LONG, NEWLINE, XSS]) {
      const page = grades.students.find((s) => s.student === id)?.feedback as string;
      assert.ok(Buffer.byteLength(path.basename(page)) <= 255, page);
      const html = fs.readFileSync(path.join(out, page), "utf8");
      assert.equal(/<title>Feedback: ([^<]*)<\/title>/.exec(html)?.[1], escapeHtml(id), JSON.stringify(id));
    }
    const xss = fs.readFileSync(path.join(out, grades.students.find((s) => s.student === XSS)?.feedback as string), "utf8");
    const summary = fs.readFileSync(path.join(out, "summary.html"), "utf8");
    for (const html of [xss, summary]) {
      assert.ok(!html.includes(XSS), "no raw <img> from an id");
      assert.ok(html.includes(escapeHtml(XSS)), "the id is shown, escaped");
    }
  });

  it("a folder past the path limit is that student's problem; their other notebook is graded", () => {
    const hal = grades.students.find((s) => s.student === "hal");
    assert.deepEqual(hal?.unreadable.map((u) => u.kind), ["path-too-long"]);
    assert.deepEqual(entries("hal").map((e) => e.lesson), [SLUG]);
    assert.ok(fs.readFileSync(path.join(out, "summary.html"), "utf8").includes("could not be opened (its path is too long"));
  });

  it("best score counts: grades.json marks the notebook that counts, and the console says so", () => {
    assert.deepEqual(entries(XSS).map((e) => [path.basename(e.path), e.score, e.counts]), [[`a-${NB}`, 0, false], [`b-${NB}`, FULL, true]]);
    for (const e of grades.notebooks.filter((n) => n.student !== XSS)) assert.equal(e.counts, e.lesson !== null, `${JSON.stringify(e.student)}: its only notebook counts when graded`);
    const lines = stdout.split("\n").filter((l) => l.startsWith(`${XSS}: 2 notebooks for ${SLUG}`));
    assert.equal(lines.length, 1, stdout);
    assert.ok(lines[0]?.includes(`a-${NB} 0/${FULL} does not count`) && lines[0]?.includes(`b-${NB} ${FULL}/${FULL} counts`), lines[0]);
  });

  it("console: one progress line per graded notebook; names with newlines or escapes cannot add or rewrite a line", () => {
    const lines = stdout.split("\n");
    const progress = lines.filter((l) => /^\[\d+\/\d+\] /.test(l));
    assert.equal(progress.length, grades.notebooks.filter((n) => n.lesson !== null).length);
    assert.ok(!lines.some((l) => l.startsWith("[99]")), "no fake progress line");
    assert.ok(!/\u001b/.test(stdout), "no terminal escape from a name");
    assert.equal(progress.filter((l) => l.includes("evil\\n[99] mallory")).length, 1, "the id is shown escaped, on its own line");
  });

  it("npm run validate refuses a linked notebook the same way", () => {
    const json = path.join(OUT, `intake-validate-${process.pid}.json`);
    const r = spawnSync(process.execPath, [VALIDATE, "--no-execute", "--json", json, at("bob.ipynb"), at("fay.ipynb")], { cwd: ROOT, encoding: "utf8", timeout: 10 * 60_000, env: { ...process.env, INIT_CWD: ROOT } });
    assert.equal(r.status, 0, `${r.stderr}\n${r.stdout}`);
    const v = (JSON.parse(fs.readFileSync(json, "utf8")) as { notebooks: { grade: Entry; edition: { status: string } }[] }).notebooks;
    fs.rmSync(json);
    assert.deepEqual(v.map((x) => [x.edition.status, x.grade.fileProblem, x.grade.score]), [["not-read", "symbolic-link", 0], ["not-read", "fifo", 0]]);
  });
});

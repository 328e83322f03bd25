/**
 * The secrets no published folder may hold, and the search for them. A
 * student release (tools/release.ts) and the browser site (frontends/lite.ts)
 * refuse to finish when this search finds one:
 *  - a graded quiz key (grading/quiz-keys/): a JSON value keyed by a question's
 *    id that holds its right option (`"03.quiz.x": … "c" …`), or the text of any
 *    of its per-option explanations (they say which option is right);
 *  - a hidden check's expected value (grading/hidden-example/ and an
 *    instructor's --hidden folders): any of its distinctive numbers (8 or more
 *    significant digits) that the visible expected values, which ship anyway,
 *    do not also hold. Other hidden expected values (small integers, strings,
 *    model descriptions) cannot be told apart from ordinary text and are not
 *    searched.
 * Text is searched as written in any file, and also with string escapes undone
 * (\", \n, \uXXXX: a TypeScript string, a notebook's JSON, a minified bundle)
 * and whitespace normalised.
 */
import * as fs from "fs";
import * as path from "path";
import { lessonSlugs } from "../lib/lessons";
import type { QuizKey } from "../lib/checks";
import { QUIZ_KEYS_DIR, readQuizKeys } from "../grading/quiz-key-file";
import { ROOT } from "../lib/runtime/paths";

/** One graded question's secrets. */
interface QuizSecret {
  id: string;
  answer: string | string[];
  /** Its per-option explanations, normalised as the search compares them. */
  feedback: string[];
}

/** What a published folder must not contain. */
interface Secrets {
  quiz: QuizSecret[];
  /** Distinctive numbers of hidden expected values, as written (JavaScript's and Python's forms), and the check they belong to. */
  hiddenNumbers: Map<string, string>;
}

/** Where a secret was found. */
interface SecretLeak {
  file: string;
  kind: "quiz-key" | "quiz-feedback" | "hidden-expected";
  id: string;
}

/** Folders the search never enters (installs, version control). */
const SKIPPED = new Set(["node_modules", ".git"]);
/** Larger files are not read (a site's biggest bundle is ~20 MB). */
const MAX_FILE = 256 * 1024 * 1024;
/** Significant digits from which a number is taken as distinctive (0.5, 1e-7 and 0.25 are everywhere). */
const DISTINCTIVE_DIGITS = 8;

/** Whitespace-normalised text with string escapes undone: what the search compares. */
function unescapedText(raw: string): string {
  const text = raw
    .replace(/\\u\{([0-9a-fA-F]{1,6})\}/g, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\n/g, "\n")
    .replace(/\\(["'`\\])/g, "$1");
  return text.split(/\s+/).filter(Boolean).join(" ");
}

/** The graded quiz keys of these lessons as secrets. */
function quizSecrets(slugs: readonly string[] = lessonSlugs(), dir: string = QUIZ_KEYS_DIR): QuizSecret[] {
  return slugs.flatMap((slug) =>
    Object.entries(readQuizKeys(slug, dir)).map(([id, key]: [string, QuizKey]) => ({ id, answer: key.answer, feedback: Object.values(key.feedback).map(unescapedText) })),
  );
}

/** How JavaScript and Python write a float64 (they differ only in exponents: 1e-7 vs 1e-07, 0.00001 vs 1e-05). */
function writtenForms(n: number): string[] {
  const pad = (s: string): string => s.replace(/e([+-])(\d)$/, "e$10$2");
  const js = String(n);
  return [...new Set([js, pad(js), pad(n.toExponential())])];
}

function significantDigits(n: number): number {
  const mantissa = n.toExponential().split("e")[0] ?? "";
  return mantissa.replace(/[-.]/g, "").replace(/0+$/, "").length;
}

/** Every number in a JSON value. */
function numbersIn(v: unknown, out: number[] = []): number[] {
  if (typeof v === "number") out.push(v);
  else if (Array.isArray(v)) for (const x of v) numbersIn(x, out);
  else if (typeof v === "object" && v !== null) for (const x of Object.values(v)) numbersIn(x, out);
  return out;
}

/** Every number token written in a text. */
function numberTokens(text: string): Set<string> {
  return new Set(text.match(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g) ?? []);
}

/** Reads a regular file of bounded size as text, or null (links, devices and huge files are not read). */
function readBounded(file: string): string | null {
  const st = fs.lstatSync(file);
  if (!st.isFile() || st.size > MAX_FILE) return null;
  return fs.readFileSync(file, "utf8");
}

/**
 * The distinctive numbers of the hidden checks' expected values in `hiddenDirs`
 * (each `NN-slug.json` as grading/README.md describes), less those that the
 * visible expected values in `publicDataDir` also hold.
 */
function hiddenSecrets(hiddenDirs: readonly string[], publicDataDir: string = path.join(ROOT, "data", "expected")): Map<string, string> {
  const publicNumbers = new Set<string>();
  if (fs.existsSync(publicDataDir)) {
    for (const f of fs.readdirSync(publicDataDir).filter((x) => x.endsWith(".json"))) {
      for (const t of numberTokens(readBounded(path.join(publicDataDir, f)) ?? "")) publicNumbers.add(t);
    }
  }
  const secrets = new Map<string, string>();
  for (const dir of hiddenDirs) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).filter((x) => /^\d\d-.*\.json$/.test(x))) {
      const text = readBounded(path.join(dir, f));
      if (text === null) continue;
      const checks = (JSON.parse(text) as { checks?: Record<string, { cases?: { expected?: unknown }[] }> }).checks ?? {};
      for (const [id, check] of Object.entries(checks)) {
        for (const c of check.cases ?? []) {
          for (const n of numbersIn(c.expected)) {
            if (!Number.isFinite(n) || significantDigits(n) < DISTINCTIVE_DIGITS) continue;
            const forms = writtenForms(n);
            if (forms.some((w) => publicNumbers.has(w))) continue;
            for (const w of forms) secrets.set(w, id);
          }
        }
      }
    }
  }
  return secrets;
}

/** The secrets of the course at `root`: its quiz keys, and the hidden checks of its example folder and `hiddenDirs`. */
export function courseSecrets(root: string = ROOT, hiddenDirs: readonly string[] = [], slugs: readonly string[] = lessonSlugs()): Secrets {
  return {
    quiz: quizSecrets(slugs, path.join(root, "grading", "quiz-keys")),
    hiddenNumbers: hiddenSecrets([path.join(root, "grading", "hidden-example"), ...hiddenDirs], path.join(root, "data", "expected")),
  };
}

/** The JSON value that starts at `from` in `text` (the first `{`, `[` or `"` there), parsed, or undefined. */
function jsonValueAt(text: string, from: number): unknown {
  let i = from;
  while (i < text.length && text[i] === " ") i++;
  const open = text[i];
  if (open !== "{" && open !== "[" && open !== '"') return undefined;
  let depth = 0;
  let inString = false;
  for (let j = i; j < text.length && j < i + 1_000_000; j++) {
    const ch = text[j];
    if (inString) {
      if (ch === "\\") j++;
      else if (ch === '"') {
        inString = false;
        if (depth === 0) return tryParse(text.slice(i, j + 1));
      }
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") {
      depth--;
      if (depth === 0) return tryParse(text.slice(i, j + 1));
    }
  }
  return undefined;
}

function tryParse(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/** True when a JSON value holds the answer as a value (a string, or the list of a multi-select answer). */
function holdsAnswer(v: unknown, answer: string | string[]): boolean {
  if (typeof answer === "string" && v === answer) return true;
  if (Array.isArray(v)) {
    if (Array.isArray(answer) && v.length === answer.length && [...v].sort().every((x, i) => x === [...answer].sort()[i])) return true;
    return v.some((x) => holdsAnswer(x, answer));
  }
  if (typeof v === "object" && v !== null) return Object.values(v).some((x) => holdsAnswer(x, answer));
  return false;
}

/** The secrets found in one file's text. */
function secretsInText(text: string, secrets: Secrets): Omit<SecretLeak, "file">[] {
  const found: Omit<SecretLeak, "file">[] = [];
  const searchable = unescapedText(text);
  for (const q of secrets.quiz) {
    if (q.feedback.some((f) => f.length >= 20 && searchable.includes(f))) found.push({ kind: "quiz-feedback", id: q.id });
    // A value keyed by the question's id ("id": …) that holds its right option.
    const label = `"${q.id}"`;
    for (let at = searchable.indexOf(label); at >= 0; at = searchable.indexOf(label, at + 1)) {
      let k = at + label.length;
      while (searchable[k] === " ") k++;
      if (searchable[k] !== ":") continue;
      if (holdsAnswer(jsonValueAt(searchable, k + 1), q.answer)) {
        found.push({ kind: "quiz-key", id: q.id });
        break;
      }
    }
  }
  if (secrets.hiddenNumbers.size) {
    const ids = new Set<string>();
    for (const t of numberTokens(text)) {
      const id = secrets.hiddenNumbers.get(t);
      if (id !== undefined) ids.add(id);
    }
    for (const id of ids) found.push({ kind: "hidden-expected", id });
  }
  return found;
}

/**
 * Every secret found in the files under `dir` (regular files only; links are
 * never followed). `scanned`, when given, says which files (paths relative to
 * `dir`, with /) to read: a caller that has already scanned an identical copy
 * of a file leaves it out.
 */
export function findSecretLeaks(dir: string, secrets: Secrets, scanned: (rel: string) => boolean = () => true): SecretLeak[] {
  const leaks: SecretLeak[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED.has(e.name)) walk(r);
      } else if (e.isFile() && scanned(r)) {
        const text = readBounded(path.join(dir, r));
        if (text !== null) for (const l of secretsInText(text, secrets)) leaks.push({ file: r, ...l });
      }
    }
  };
  walk("");
  return leaks;
}

/** A refusal's message: what was found where, and what to do. */
export function describeLeaks(leaks: readonly SecretLeak[], what: string): string {
  const kinds: Record<SecretLeak["kind"], string> = {
    "quiz-key": "a graded quiz question's right option",
    "quiz-feedback": "a graded quiz question's explanations (from its key)",
    "hidden-expected": "an expected value of a hidden check",
  };
  return `${what} holds grading secrets; do not publish it:\n${leaks.slice(0, 20).map((l) => `  ${l.file}: ${kinds[l.kind]} (${l.id})`).join("\n")}\n` +
    "Quiz keys belong in grading/quiz-keys/ and hidden checks outside the published files: check what was added to the released files.";
}

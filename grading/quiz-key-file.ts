/**
 * The graded quiz keys: for every quiz question, its right option and the
 * explanation of each option (grading/quiz-keys/<lesson>.json, written by the
 * oracle's quiz_check through `npm run expected`). They belong to the
 * instructor: a release, the browser site and every grading sandbox are
 * without them (tools/secret-scan.ts refuses a release or a site that holds
 * one). The grader reads them once, when grading starts, and judges quiz
 * answers with them outside the sandbox (grading/judge.ts). Where they are
 * absent (a student release's `npm run validate`), a valid answer is only
 * "recorded".
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../lib/runtime/paths";
import type { QuizKey } from "../lib/checks";

/** Where the oracle writes the keys. */
export const QUIZ_KEYS_DIR = path.join(ROOT, "grading", "quiz-keys");

/** A key file is a few kB; anything much larger is not one. */
const MAX_KEY_FILE = 1024 * 1024;

/** The layout of grading/quiz-keys/<lesson>.json. */
export interface QuizKeyFile {
  lesson: string;
  generatedBy: string;
  keys: Record<string, QuizKey>;
}

function isQuizKey(v: unknown): v is QuizKey {
  if (typeof v !== "object" || v === null) return false;
  const { answer, feedback } = v as { answer?: unknown; feedback?: unknown };
  const answerOk = typeof answer === "string" || (Array.isArray(answer) && answer.every((a) => typeof a === "string"));
  return answerOk && typeof feedback === "object" && feedback !== null && Object.values(feedback).every((f) => typeof f === "string");
}

/**
 * A lesson's quiz keys by check id; none (an empty object) when the lesson has
 * no key file. Throws, naming the file, when it is not a regular file or not a
 * valid key file: grading with a broken key would silently mark answers.
 */
export function readQuizKeys(lesson: string, dir: string = QUIZ_KEYS_DIR): Record<string, QuizKey> {
  if (!/^\d\d-[a-z0-9-]+$/.test(lesson)) throw new Error(`"${lesson}" is not a lesson slug`);
  const file = path.join(dir, `${lesson}.json`);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return {};
  }
  if (!st.isFile() || st.size > MAX_KEY_FILE) throw new Error(`${file} is not a quiz key file (a regular file of at most 1 MB): run \`npm run expected\``);
  let doc: Partial<QuizKeyFile>;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<QuizKeyFile>;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}): run \`npm run expected\``);
  }
  const keys = doc.keys;
  if (doc.lesson !== lesson || typeof keys !== "object" || keys === null || !Object.values(keys).every(isQuizKey)) {
    throw new Error(`${file} is not lesson ${lesson}'s quiz key file: run \`npm run expected\``);
  }
  return keys;
}

/** Every lesson's quiz keys, by slug (lessons without a key file are left out). */
export function readAllQuizKeys(slugs: readonly string[], dir: string = QUIZ_KEYS_DIR): Record<string, Record<string, QuizKey>> {
  return Object.fromEntries(slugs.map((s) => [s, readQuizKeys(s, dir)] as const).filter(([, keys]) => Object.keys(keys).length > 0));
}

/**
 * Graded quiz questions. A question's options are the args of a stored case in
 * data/expected/<lesson>.json, which ships to students (the notebook shows the
 * options anyway). Its key, the right option and an explanation of every
 * option, is the instructor's: the oracle writes it to grading/quiz-keys/,
 * which no release, browser site or grading sandbox holds.
 *
 * In the notebook (and wherever the key is absent) a check only reads the
 * answer's form: a valid option (or list of options) is "recorded", with no
 * verdict and no points counted as lost; a placeholder is "not completed"; a
 * letter that is no option fails and lists the valid ones. The grader judges
 * the recorded answer outside the sandbox with the key (`withKey`, from
 * grading/judge.ts): a right one earns the points, a wrong one is explained by
 * its own feedback, never by showing the right option.
 *
 * The student's "function" is their answer value: the check wraps it in a
 * function that returns it, so the harness computes (and the grader records)
 * it as any other output.
 */
import { NOT_COMPLETED, NotCompletedError, StudentCodeError, compareCase, type CaseResult, type CaseRunner, type CheckDefinition, type HintTiers } from "./harness";
import { formatValue } from "./compare";
import { storedCheck } from "./stored-checks";
import { QUIZ_PLACEHOLDER, quizAnswerName } from "./quiz-answer";

/** Options of a quiz question's check. */
interface QuizCheckOptions {
  lesson: string;
  /** "NN.quiz.name"; the answer variable is quizName. */
  id: string;
  points: number;
  hints: HintTiers;
}

/**
 * A graded question's key (grading/quiz-keys/<lesson>.json, written by the
 * oracle's quiz_check): the right option (the sorted list for a multi-select
 * question) and, for every option, the explanation shown when it is chosen.
 */
export interface QuizKey {
  answer: string | string[];
  feedback: Readonly<Record<string, string>>;
}

/** A quiz check: the answer variable's name stands where a function name would. */
export interface QuizCheckDefinition extends CheckDefinition {
  fnName: string;
  /** The same question judged with its key: what the grader runs, outside any sandbox. */
  withKey(key: QuizKey): CheckDefinition;
}

/** True for a quiz check (one that can be judged with a key). */
export function isQuizCheck(def: CheckDefinition): def is QuizCheckDefinition {
  return typeof (def as Partial<QuizCheckDefinition>).withKey === "function";
}

/** The second argument of a multi-select question's case (the oracle's quiz_check with a list of answers). */
const ALL_THAT_APPLY = "all that apply";

/** True when the question asks for every right option (an array of keys), not one. */
export function isMultiSelect(args: readonly unknown[]): boolean {
  return args[1] === ALL_THAT_APPLY;
}

/** The question's options (keys in order) from a stored case's args. */
export function quizOptions(args: readonly unknown[]): Record<string, string> {
  const options = args[0];
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new Error("a quiz case's first argument must be its options { key: text }");
  return options as Record<string, string>;
}

function keyList(keys: readonly string[]): string {
  return keys.map((k) => JSON.stringify(k)).join(", ");
}

/**
 * Turns the answer into what is compared: one option key (trimmed, lower
 * case), or for a multi-select question the sorted list of distinct keys (a
 * single string counts as a list of one). Anything else is the student's error.
 */
function readChoice(got: unknown, name: string, keys: readonly string[], multiple: boolean): string | string[] {
  if (got === undefined) throw new StudentCodeError(`${name} is undefined: run the cell with your answer, then this check`);
  if (multiple) {
    const list = typeof got === "string" ? [got] : got;
    if (!Array.isArray(list) || list.length === 0 || !list.every((k) => typeof k === "string")) {
      throw new StudentCodeError(`${name} must list the letters of every option you choose, e.g. ["a", "c"] (options ${keyList(keys)}), not ${formatValue(got)}`);
    }
    return [...new Set(list.map((k: string) => k.trim().toLowerCase()))].sort();
  }
  if (typeof got !== "string") throw new StudentCodeError(`${name} must be the letter of one option as a string (one of ${keyList(keys)}), not ${formatValue(got)}`);
  return got.trim().toLowerCase();
}

/** What the notebook says of a well-formed answer: recorded, with no verdict. */
const RECORDED_MESSAGE = "answer recorded: this question is graded when you hand the notebook in, and your grade explains the option you chose";

/**
 * The judged case, rewritten for a quiz: no expected value, no tolerance, and
 * a message that explains the chosen option (or lists the valid keys). Without
 * a key, a valid answer is only recorded. Only `got` is read, so this works the
 * same on recorded outputs.
 */
function explain(r: CaseResult, keys: readonly string[], key: QuizKey | null): CaseResult {
  const base: CaseResult = { name: r.name, passed: key !== null && r.passed };
  if (r.input !== undefined) base.input = r.input;
  if (r.got === undefined) return { ...base, passed: false, ...(r.message !== undefined ? { message: r.message } : {}) };
  const choice = JSON.parse(r.got) as string | string[]; // the normalised key(s), formatted by formatValue as JSON
  const unknown = (Array.isArray(choice) ? choice : [choice]).filter((k) => !keys.includes(k));
  const withGot = { ...base, got: r.got, choice };
  if (unknown.length) {
    const what = Array.isArray(choice) ? `${keyList(unknown)} ${unknown.length > 1 ? "are not options" : "is not an option"} of this question; choose among ${keyList(keys)}` : `${JSON.stringify(choice)} is not an option of this question; answer with one of ${keyList(keys)}`;
    return { ...withGot, passed: false, mistake: "unknown-option", message: what };
  }
  if (key === null) return { ...withGot, passed: false, recorded: true, message: RECORDED_MESSAGE };
  if (Array.isArray(choice)) return explainSelection(r, withGot, choice, key);
  if (r.passed) return { ...withGot, message: key.feedback[choice] ?? "" };
  return { ...withGot, mistake: "wrong-choice", message: `${JSON.stringify(choice)} is not the answer: ${key.feedback[choice]}` };
}

/**
 * A multi-select answer: the feedback of every option chosen, and, when a
 * right option was left out, only that one was (never which one).
 */
function explainSelection(r: CaseResult, withGot: CaseResult, choice: string[], key: QuizKey): CaseResult {
  const feedback = key.feedback;
  if (r.passed) return { ...withGot, message: choice.map((k) => `${k}: ${feedback[k]}`).join(" ") };
  const right = new Set(Array.isArray(key.answer) ? key.answer : [key.answer]);
  const wrong = choice.filter((k) => !right.has(k));
  const missed = [...right].filter((k) => !choice.includes(k)).length;
  const parts = wrong.map((k) => `${JSON.stringify(k)} is not true: ${feedback[k]}`);
  if (missed > 0) parts.push(`${wrong.length ? "and " : ""}${missed > 1 ? "more options are" : "another option is"} true as well: read again the ones you left out`);
  return { ...withGot, passed: false, mistake: "wrong-choice", message: parts.join("; ") };
}

/**
 * A quiz question's check. Without a key (the notebook, a release's
 * `npm run validate`) it records a valid answer; `withKey` judges it.
 */
export function quizCheck(opts: QuizCheckOptions): QuizCheckDefinition {
  const name = quizAnswerName(opts.id);
  const judged = (key: QuizKey | null) => async (answer: unknown, runCase: CaseRunner = compareCase): Promise<CaseResult[]> => {
    // The answer as a function the harness can call; the placeholder is the student stub.
    const call = (): unknown => {
      if (answer === QUIZ_PLACEHOLDER) throw new Error(`${name} is ${NOT_COMPLETED}`);
      return answer;
    };
    const results: CaseResult[] = [];
    for (const c of storedCheck(opts.lesson, opts.id).cases) {
      const keys = Object.keys(quizOptions(c.args));
      const multiple = isMultiSelect(c.args);
      if (key) {
        const unexplained = keys.filter((k) => key.feedback[k] === undefined);
        if (unexplained.length) throw new Error(`${opts.id}'s key has no feedback for option(s) ${keyList(unexplained)} (course bug)`);
      }
      let r: CaseResult;
      try {
        // Without a key the expected value is null: the comparison's verdict is never used, only what was chosen.
        r = await runCase(c.name, call, c.args, key ? key.answer : null, { atol: 0, rtol: 0 }, { fnName: name, input: `options ${keys.join(", ")}${multiple ? ` (${ALL_THAT_APPLY})` : ""}`, transform: (got) => readChoice(got, name, keys, multiple) });
      } catch (err) {
        if (err instanceof NotCompletedError) {
          throw new NotCompletedError(`${name} is ${NOT_COMPLETED}: replace ${JSON.stringify(QUIZ_PLACEHOLDER)} with the letter of your answer (e.g. "a"), run that cell, then this check.`);
        }
        throw err;
      }
      results.push(explain(r, keys, key));
    }
    return results;
  };
  const base = { id: opts.id, points: opts.points, hints: opts.hints, fnName: name };
  return {
    ...base,
    run: judged(null),
    withKey: (key) => ({ ...base, run: judged(key) }),
  };
}

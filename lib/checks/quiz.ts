/**
 * Self-check quiz questions, graded like exercises. A question's options are
 * the args of a stored case in data/expected/<lesson>.json and the right
 * option key is its expected value (written by the oracle), so the grader's
 * sandbox, which sees inputs only, never sees the answer. The student's
 * "function" is their answer value: the check wraps it in a function that
 * returns it, so the harness computes and judges it as any other output.
 *
 * A wrong option is explained (why that option is wrong, from the lesson
 * module), never by showing the right one: the case drops its expected value.
 */
import { NOT_COMPLETED, NotCompletedError, StudentCodeError, compareCase, type CaseResult, type CaseRunner, type CheckDefinition, type HintTiers } from "./harness";
import { formatValue } from "./compare";
import { storedCheck } from "./stored-checks";
import { QUIZ_PLACEHOLDER, quizAnswerName } from "./quiz-answer";

/** Options of a quiz question's check. */
export interface QuizCheckOptions {
  lesson: string;
  /** "NN.quiz.name"; the answer variable is quizName. */
  id: string;
  points: number;
  hints: HintTiers;
  /**
   * For every option key, the feedback shown when that option is chosen: for
   * a wrong one, why it is wrong. Every option has one, so the module does not
   * give the answer away by a missing entry.
   */
  feedback: Readonly<Record<string, string>>;
}

/** A quiz check: the answer variable's name stands where a function name would. */
export interface QuizCheckDefinition extends CheckDefinition {
  fnName: string;
  feedback: Readonly<Record<string, string>>;
}

/** The second argument of a multi-select question's case (the oracle's quiz_check with a list of answers). */
export const ALL_THAT_APPLY = "all that apply";

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

/**
 * The judged case, rewritten for a quiz: no expected value, no tolerance, and
 * a message that explains the chosen option (or lists the valid keys).
 * Only `got` is read, so this works the same on recorded outputs.
 */
function explain(r: CaseResult, keys: readonly string[], feedback: Readonly<Record<string, string>>): CaseResult {
  const base: CaseResult = { name: r.name, passed: r.passed };
  if (r.input !== undefined) base.input = r.input;
  if (r.got === undefined) return { ...base, passed: false, ...(r.message !== undefined ? { message: r.message } : {}) };
  const choice = JSON.parse(r.got) as string | string[]; // the normalised key(s), formatted by formatValue as JSON
  if (Array.isArray(choice)) return explainSelection(r, base, choice, keys, feedback);
  const withGot = { ...base, got: r.got, choice };
  if (r.passed) return { ...withGot, message: feedback[choice] ?? "" };
  if (keys.includes(choice)) return { ...withGot, mistake: "wrong-choice", message: `${JSON.stringify(choice)} is not the answer: ${feedback[choice]}` };
  return { ...withGot, mistake: "unknown-option", message: `${JSON.stringify(choice)} is not an option of this question; answer with one of ${keyList(keys)}` };
}

/**
 * A multi-select answer: the feedback of every option chosen, and, when a
 * right option was left out, only that one was (never which one).
 */
function explainSelection(r: CaseResult, base: CaseResult, choice: string[], keys: readonly string[], feedback: Readonly<Record<string, string>>): CaseResult {
  const withGot = { ...base, got: r.got as string, choice };
  const unknown = choice.filter((k) => !keys.includes(k));
  if (unknown.length) return { ...withGot, passed: false, mistake: "unknown-option", message: `${keyList(unknown)} ${unknown.length > 1 ? "are not options" : "is not an option"} of this question; choose among ${keyList(keys)}` };
  if (r.passed) return { ...withGot, message: choice.map((k) => `${k}: ${feedback[k]}`).join(" ") };
  const right = new Set(JSON.parse(r.expected ?? "[]") as string[]);
  const wrong = choice.filter((k) => !right.has(k));
  const missed = [...right].filter((k) => !choice.includes(k)).length;
  const parts = wrong.map((k) => `${JSON.stringify(k)} is not true: ${feedback[k]}`);
  if (missed > 0) parts.push(`${wrong.length ? "and " : ""}${missed > 1 ? "more options are" : "another option is"} true as well: read again the ones you left out`);
  return { ...withGot, passed: false, mistake: "wrong-choice", message: parts.join("; ") };
}

/** A quiz question's check: compares the answer with the stored right option and explains a wrong one. */
export function quizCheck(opts: QuizCheckOptions): QuizCheckDefinition {
  const name = quizAnswerName(opts.id);
  return {
    id: opts.id,
    points: opts.points,
    hints: opts.hints,
    fnName: name,
    feedback: opts.feedback,
    async run(answer: unknown, runCase: CaseRunner = compareCase): Promise<CaseResult[]> {
      // The answer as a function the harness can call; the placeholder is the student stub.
      const call = (): unknown => {
        if (answer === QUIZ_PLACEHOLDER) throw new Error(`${name} is ${NOT_COMPLETED}`);
        return answer;
      };
      const results: CaseResult[] = [];
      for (const c of storedCheck(opts.lesson, opts.id).cases) {
        const keys = Object.keys(quizOptions(c.args));
        const multiple = isMultiSelect(c.args);
        const unexplained = keys.filter((k) => opts.feedback[k] === undefined);
        if (unexplained.length) throw new Error(`${opts.id} has no feedback for option(s) ${keyList(unexplained)} (course bug)`);
        let r: CaseResult;
        try {
          r = await runCase(c.name, call, c.args, c.expected, { atol: 0, rtol: 0 }, { fnName: name, input: `options ${keys.join(", ")}${multiple ? ` (${ALL_THAT_APPLY})` : ""}`, transform: (got) => readChoice(got, name, keys, multiple) });
        } catch (err) {
          if (err instanceof NotCompletedError) {
            throw new NotCompletedError(`${name} is ${NOT_COMPLETED}: replace ${JSON.stringify(QUIZ_PLACEHOLDER)} with the letter of your answer (e.g. "a"), run that cell, then this check.`);
          }
          throw err;
        }
        results.push(explain(r, keys, opts.feedback));
      }
      return results;
    },
  };
}

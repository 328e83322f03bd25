/**
 * How a quiz answer is written in a notebook, shared by the checks, the
 * student edition (editions/editions.ts) and the grader (grading/submission.ts).
 * No imports: the edition tooling reads it without loading TensorFlow.js.
 *
 * A quiz answer is a top-level `const quizName = "b";` in its own cell, the
 * value between solution markers; the student edition holds the placeholder.
 */

/** What a quiz answer holds until the student picks an option. */
export const QUIZ_PLACEHOLDER = "?";

/** A top-level quiz answer declaration (`const quizOutputActivation = …`); group 1 is its name. */
export const QUIZ_ANSWER_DECLARATION = /^(?:export\s+)?(?:const|let|var)\s+(quiz[A-Z][\w$]*)\s*(?::[^=]*)?=/m;

/** The answer variable of a quiz check id: "03.quiz.outputActivation" → "quizOutputActivation". */
export function quizAnswerName(id: string): string {
  const m = /^\d\d\.quiz\.([a-z][\w$]*)$/.exec(id);
  if (!m) throw new Error(`"${id}" is not a quiz check id (NN.quiz.name)`);
  const rest = m[1] as string;
  return `quiz${rest.charAt(0).toUpperCase()}${rest.slice(1)}`;
}

/** True for a quiz check id such as "03.quiz.outputActivation". */
export function isQuizId(id: string): boolean {
  return /^\d\d\.quiz\./.test(id);
}

/** The check harness: run a student's function on stored cases, compare, report, and describe models. */
export { createChecker, storedFunctionCheck, storedModelCheck, loadExpected, storedCheck, type StoredCheckDefinition, type StudentFunction, type Checker, type StoredCheck, type ExpectedFile } from "./stored-checks";
export { runCheck, callStudent, compareCase, computeCase, judgeCase, caseInput, NOT_COMPLETED, NotCompletedError, StudentCodeError, type CheckDefinition, type CheckResult, type CheckStatus, type CaseResult, type CaseOutput, type CaseRunner, type HintTiers } from "./harness";
export { compare, formatValue } from "./compare";
export { renderHtml, renderText, parseResults, RESULT_TAG } from "./report";
export { describeModel, disposeModel, type ModelDescription } from "./describe-model";
export { demo, needs } from "./demo";
export { lookupHint, renderHint, renderHintHtml, HINT_TAG } from "./hints";
export { isMistakeName, MISTAKE_NAMES, type MistakeName, type Alternative } from "./mistakes";
export { quizCheck, quizOptions, isMultiSelect, isQuizCheck, type QuizCheckDefinition, type QuizKey } from "./quiz";
export { quizAnswerName, isQuizId } from "./quiz-answer";
export { decisionCheck, explainDecision, prediction, predictionFor, type DecisionTask, type ModelDecision, type Target } from "./decision";

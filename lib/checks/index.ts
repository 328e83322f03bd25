/** The check harness: run a student's function on stored cases, compare, report, and describe models. */
export { createChecker, storedFunctionCheck, storedModelCheck, loadExpected, storedCheck, type StoredCheckDefinition, type StoredCheckOptions, type StudentFunction, type Checker, type StoredCase, type StoredCheck, type ExpectedFile } from "./stored-checks";
export { runCheck, callStudent, compareCase, computeCase, judgeCase, caseInput, NOT_COMPLETED, NotCompletedError, StudentCodeError, type CheckDefinition, type CheckResult, type CheckStatus, type CaseResult, type CaseOutput, type CaseRunner, type HintTiers } from "./harness";
export { compare, formatValue, type Tolerance } from "./compare";
export { renderHtml, renderText, report, parseResults, RESULT_TAG } from "./report";
export { describeModel, disposeModel, lossName, type ModelDescription, type LayerDescription } from "./describe-model";
export { demo, needs } from "./demo";
export { lookupHint, renderHint, renderHintHtml, HINT_TAG, tiersToShow, withTiers, FailureCounter, MORE_DETAIL_AFTER, type HintLookup } from "./hints";
export { detectMistake, isMistakeName, MISTAKE_NAMES, notNormalised, wrongSign, transposed, offByOne, wrongLayerActivation, DETECTORS, type Mistake, type MistakeName, type MistakeDetector, type Alternative } from "./mistakes";
export { quizCheck, quizOptions, isMultiSelect, isQuizCheck, ALL_THAT_APPLY, RECORDED_MESSAGE, type QuizCheckDefinition, type QuizCheckOptions, type QuizKey } from "./quiz";
export { QUIZ_PLACEHOLDER, QUIZ_ANSWER_DECLARATION, quizAnswerName, isQuizId } from "./quiz-answer";
export { decisionCheck, decisionOf, explainDecision, prediction, predictionFor, type DecisionTask, type HiddenRule, type ModelDecision, type Prediction, type Target } from "./decision";

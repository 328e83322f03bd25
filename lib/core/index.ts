/** The course's shared core, re-exported for lesson modules. */
export { setup, setupInfo, seedEverything, type SetupInfo, type SetupOptions } from "./setup";
export { initBackend, quietCpuFirstUse, BACKEND_ENV, type BackendChoice, type BackendKind } from "./backend";
export { createRng, type Rng } from "./rng";
export { plot, figureHtml, linspace, type Figure, type Trace, type Layout } from "./plot";
export { createChecker, storedFunctionCheck, storedModelCheck, loadExpected, storedCheck, type StoredCheckDefinition, type StoredCheckOptions, type Checker, type StoredCase, type StoredCheck, type ExpectedFile } from "./checker";
export { runCheck, callStudent, compareCase, NOT_COMPLETED, NotCompletedError, StudentCodeError, type CheckDefinition, type CheckResult, type CaseResult } from "./check";
export { compare, formatValue, type Tolerance } from "./compare";
export { renderHtml, renderText, report, parseResults, RESULT_TAG } from "./report";
export { describeModel, disposeModel, lossName, type ModelDescription, type LayerDescription } from "./models";
export { showHtml, liveDisplay, escapeHtml } from "./display";
export { courseRoot, dataPath, readDataJson } from "./paths";
export { demo, needs } from "./demo";
export { progress, Progress, type EpochLog } from "./progress";
export { BinaryCrossentropy, SparseCategoricalCrossentropy, MeanSquaredError, EPSILON, type CourseLoss, type CrossentropyOptions } from "./losses";
export { fit, planFit, type FitHistory, type FitOptions, type FitPlan } from "./fit";

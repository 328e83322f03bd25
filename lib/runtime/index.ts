/** The notebook runtime: setup, backend, display, figures, progress, seeded randomness and the course's paths. */
export { setup, setupInfo, seedEverything, type SetupInfo, type SetupOptions } from "./setup";
export { initBackend, quietCpuFirstUse, BACKEND_ENV, type BackendChoice, type BackendKind } from "./backend";
export { createRng, type Rng } from "./rng";
export { plot, figureHtml, describeFigure, linspace, type Figure, type Trace, type Layout } from "./plot";
export { showHtml, liveDisplay, escapeHtml } from "./display";
export { courseRoot, dataPath, readDataJson } from "./paths";
export { progress, Progress, type EpochLog } from "./progress";
export { record, recordHtml, parseRecords, RECORD_TAG, type RecordedValue } from "./record";

/** The notebook runtime: setup, backend, display, figures, progress, seeded randomness and the course's paths. */
export { setup, seedEverything } from "./setup";
export { initBackend, quietCpuFirstUse, BACKEND_ENV } from "./backend";
export { createRng } from "./rng";
export { plot, figureHtml, describeFigure, linspace, type Trace, type Layout } from "./plot";
export { progress } from "./progress";
export { record } from "./record";

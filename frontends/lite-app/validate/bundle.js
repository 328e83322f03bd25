// Builds build/validate-worker.js (validate/worker-side.js): the grader's own
// scoring run, plan and judge (build/grading/*.js, compiled by `npm run build`)
// with TensorFlow.js and the course library, resolved exactly as the kernel's
// worker resolves them (the same esbuild options: the browser's fs, path and
// globals), so the checks see the library the kernel runs. Called by build.js.
"use strict";
const path = require("path");

const VALIDATE_WORKER = "validate-worker.js";

/**
 * `kernelOptions`: build.js's esbuild options for the kernel's worker; `out`: the site folder.
 * @param {typeof import("esbuild")} esbuild
 * @param {import("esbuild").BuildOptions} kernelOptions
 * @param {string} out
 */
function buildValidateWorker(esbuild, kernelOptions, out) {
  return esbuild.build({
    ...kernelOptions,
    entryPoints: [path.join(__dirname, "worker-side.js")],
    outfile: path.join(out, "build", VALIDATE_WORKER),
  });
}

module.exports = { buildValidateWorker, VALIDATE_WORKER };

/**
 * The first cell of every notebook calls `setup()`: it picks the TensorFlow.js
 * backend, seeds the random numbers, loads plotly for figures and says what it
 * chose. Nothing happens on import.
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { initBackend, type BackendChoice, type BackendKind } from "./backend";
import { createRng } from "./rng";
import { courseRoot } from "./paths";
import { showHtml } from "./display";
import { plotlyBundleHtml } from "./plot";
import { record } from "./record";

/** What setup chose, also printed in the notebook. */
interface SetupInfo {
  backend: BackendChoice;
  seed: number;
  tfjsVersion: string;
}

/** Options of `setup`. */
interface SetupOptions {
  /** Seed for Math.random (tfjs uses it for fit's shuffling and unseeded initialisers). Default 1234. */
  seed?: number;
  /** Force a backend (otherwise COURSE_TF_BACKEND, otherwise the fastest that loads). */
  backend?: BackendKind;
  /** Print what was chosen (default true). */
  verbose?: boolean;
}

/**
 * Replaces Math.random with a seeded generator. tfjs has no global seed: `fit`
 * shuffles with Math.random, and initialisers without a seed draw their seed
 * from it, so seeding Math.random makes training repeat exactly.
 */
export function seedEverything(seed: number): void {
  Math.random = createRng(seed).next;
}

/** Warns when the kernel launcher could not compile the course library (e.g. an instructor's edit). */
function buildWarning(): string | null {
  const file = path.join(courseRoot(), "build", "BUILD_ERRORS.txt");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : null;
}

/**
 * Sets the notebook up: backend, seed, figures. Call once, in the first code
 * cell. Returns nothing, because tslab prints a cell's last value; use
 * `setupInfo` to get what was chosen.
 */
export async function setup(options: SetupOptions = {}): Promise<void> {
  await setupInfo(options);
}

/** Like `setup`, and returns what was chosen. */
async function setupInfo(options: SetupOptions = {}): Promise<SetupInfo> {
  const seed = options.seed ?? 1234;
  seedEverything(seed);
  const backend = await initBackend(options.backend ? { force: options.backend } : {});
  const figures = showHtml(plotlyBundleHtml());
  const info: SetupInfo = { backend, seed, tfjsVersion: tf.version.tfjs };
  // What was chosen, as data for tests and graders (the sentences below are for students).
  record("setup", { backend: backend.tfName, kind: backend.kind, seed, tfjsVersion: info.tfjsVersion });
  if (options.verbose ?? true) {
    console.log(`TensorFlow.js ${info.tfjsVersion}, backend "${backend.tfName}"${backend.reason ? ` (${backend.reason})` : ""}`);
    console.log(`Random seed ${seed}: data, initial weights and shuffling repeat on every run.`);
    if (!figures) console.log("Figures: not in a notebook, so figures are described in text.");
    const warn = buildWarning();
    if (warn) console.log(`\n⚠ The course library did not compile cleanly (an edit to lib/?). It was built anyway; what the errors touch may misbehave until they are fixed and the kernel restarted:\n${warn}`);
  }
  return info;
}

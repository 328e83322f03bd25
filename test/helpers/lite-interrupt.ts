/**
 * Kernel → Interrupt's checks in a page of the browser edition, on whichever
 * of the kernel's paths the page takes (frontends/lite-app/kernel/interrupt-page.js):
 * test/browser/lite-work.test.ts runs them in a page that is not cross-origin
 * isolated (the worker is replaced) and in its offline test's page, which its
 * service worker isolates (cooperative).
 */
import * as assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { interruptCell, openCells, runCell } from "../../frontends/lite-interrupt-browser";

const SETUP = 'import * as tf from "@tensorflow/tfjs";\nimport * as lab from "../build/lib/lessons/05-adam";\nawait lab.setup();';
const TRAIN = [
  "const X = Array.from({ length: 256 }, (_, i) => [Math.sin(i), Math.cos(0.7 * i)]);",
  "const y = X.map((r) => (r[0] * r[1] > 0 ? 1 : 0));",
  "function makeModel() {",
  '  const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 16, activation: "relu" }), tf.layers.dense({ units: 1, activation: "sigmoid" })] });',
  '  m.compile({ optimizer: tf.train.adam(0.01), loss: "binaryCrossentropy" });',
  "  return m;",
  "}",
  "const model = makeModel();",
  "const h1 = await lab.fit(model, X, y, { epochs: 3, batchSize: 32 });",
].join("\n");
const LONG_TRAINING = "const model2 = makeModel();\nawait lab.fit(model2, X, y, { epochs: 100000, batchSize: 8 });";
const READ = 'console.log("STATE " + JSON.stringify({ loss: h1.history.loss, p: Array.from((model.predict(tf.tensor2d([[0.3, 0.4]])) as any).dataSync()) }));';

/**
 * In one notebook (one kernel start): (a) `while (true) {}` stops and the next
 * cell sees the earlier cell's variable; (b) training interrupted mid-way,
 * then a later cell reads a model trained before it and gets the same
 * numbers as before the interrupt. Each interrupt must take `expectedPath`;
 * the seconds from Interrupt to the stopped cell go into `figures` under
 * `label` (printed by the tests, never asserted: no timed tests).
 */
export async function interruptChecks(page: Page, label: string, expectedPath: "worker-replaced" | "cooperative", figures: Record<string, number>): Promise<void> {
  await openCells(page, `interrupt-${label}.ipynb`, ["let kept = 41;", "while (true) {}", "kept + 1", SETUP, TRAIN, READ, LONG_TRAINING, READ]);
  await runCell(page, 0);
  const loop = await interruptCell(page, 1, 1000);
  figures[`${label}: while (true) {}`] = Number(loop.seconds.toFixed(2));
  assert.equal(loop.ename, "KeyboardInterrupt", "the interrupted cell says it was interrupted");
  assert.equal(loop.note?.path, expectedPath);
  assert.deepEqual(await runCell(page, 2), { stdout: "42\n", stderr: "", error: null }, "the next cell runs and sees the earlier cell's variable");

  await runCell(page, 3);
  await runCell(page, 4);
  const reference = await runCell(page, 5);
  assert.match(reference.stdout, /^STATE /);
  const training = await interruptCell(page, 6, 3000);
  figures[`${label}: training`] = Number(training.seconds.toFixed(2));
  assert.equal(training.ename, "KeyboardInterrupt");
  assert.equal(training.note?.path, expectedPath);
  // The cells that had run since the worker was last replaced: `kept`'s two, the setup, the training, the read.
  if (expectedPath === "worker-replaced") assert.equal(training.note?.restoring, 5, "the five cells that had run are re-run");
  assert.deepEqual(await runCell(page, 7), reference, "the model trained before the interrupted cell gives the same numbers");
}

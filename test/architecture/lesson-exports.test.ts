/**
 * One meaning per name a notebook calls through `lab.` (issue 27): when two
 * lessons export the same name, it is the same function. `lab.accuracy` meant
 * three things (probabilities in lesson 01, labels in 02, a model in 07); they
 * are lab.probabilityAccuracy, lab.labelAccuracy and lab.modelAccuracy now.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { lessonSlugs, loadLesson } from "../../lib/lessons";
import { labelAccuracy, probabilityAccuracy } from "../../lib/course/accuracy";

/** Each lesson's own check API, the same role in every lesson, bound to that lesson's checks. */
const PER_LESSON = new Set(["LESSON", "checker", "check", "hint"]);
/**
 * Known to mean different things in lessons 02 and 05 (binary vs ten-class
 * digit grids; each lesson's loss figure), left for a later change: listed so
 * that no new name joins them unnoticed.
 */
const KNOWN = new Set(["plotDigitGrid", "plotLossPerEpoch"]);

describe("names the lessons export", () => {
  it("a name exported by several lessons is the same function in each", () => {
    const seen = new Map<string, { slug: string; value: unknown }>();
    const differ = new Set<string>();
    for (const slug of lessonSlugs()) {
      for (const [name, value] of Object.entries(loadLesson(slug) as object)) {
        const first = seen.get(name);
        if (!first) seen.set(name, { slug, value });
        else if (first.value !== value && !PER_LESSON.has(name) && !KNOWN.has(name)) differ.add(`${name} (${first.slug}, ${slug})`);
      }
    }
    assert.ok(seen.size > 20, "the lessons were read");
    assert.deepEqual([...differ], []);
  });

  it("each accuracy has its own name: probabilities (01), labels (02), a model (07)", () => {
    const lab = (slug: string): Record<string, unknown> => loadLesson(slugOf(slug)) as unknown as Record<string, unknown>;
    assert.equal(lab("01").probabilityAccuracy, probabilityAccuracy);
    assert.equal(lab("02").labelAccuracy, labelAccuracy);
    assert.equal(typeof lab("07").modelAccuracy, "function");
    assert.deepEqual(lessonSlugs().filter((s) => "accuracy" in lab(s.slice(0, 2))), []);
  });
});

function slugOf(prefix: string): string {
  const slug = lessonSlugs().find((s) => s.startsWith(`${prefix}-`));
  assert.ok(slug, `lesson ${prefix}`);
  return slug;
}

/**
 * The lesson registry: the one list of the course's lessons that every tool
 * and test reads (the kernel-side library, the grader, the editions, the
 * browser tests, the benchmark, the scaffold). A lesson's slug names its
 * notebook (notebooks/<slug>.ipynb), its module (lib/lessons/<slug>.ts), its
 * expected values (data/expected/<slug>.json) and its tests
 * (test/lessons/<slug>.test.ts). `npm run new-lesson` adds an entry here,
 * marked as a draft.
 */
import * as path from "path";
import type { Checker } from "./checks";

/** One lesson of the course. */
export interface Lesson {
  /** `NN-name`: the name of every file of the lesson. */
  slug: string;
  title: string;
  /** Optional lessons are not on the core path (06, 07). */
  optional: boolean;
  /**
   * A lesson still being written: `npm start`, the tests and the grader
   * include it, but `npm run release` and `npm run lite` leave it out unless
   * asked (`--drafts`). `npm run new-lesson` marks new lessons so; delete
   * `draft: true` from the entry to publish it.
   */
  draft?: boolean;
}

/** Every lesson, in course order. */
export const LESSONS: readonly Lesson[] = [
  { slug: "01-logistic-regression", title: "Logistic regression and the three training steps", optional: false },
  { slug: "02-dense-networks", title: "Dense layers, Sequential models, loss and cost", optional: false },
  { slug: "03-activations", title: "Activation functions", optional: false },
  { slug: "04-softmax", title: "Multiclass, softmax and numerical round-off", optional: false },
  { slug: "05-adam", title: "Adam, and the digit-recognition assignment", optional: false },
  { slug: "06-backprop", title: "Derivatives and backpropagation", optional: true },
  { slug: "07-layer-types", title: "Additional layer types", optional: true },
];

/** What every lesson module exports for tools: its slug and its graded checks. */
interface LessonModule {
  LESSON: string;
  checker: Checker;
}

/** The slugs of every lesson, in course order. */
export function lessonSlugs(): string[] {
  return LESSONS.map((l) => l.slug);
}

/** The slugs of the lessons a release or the browser site publishes: every lesson but drafts, unless `drafts`. */
export function publishedSlugs(lessons: readonly Lesson[] = LESSONS, drafts = false): string[] {
  return lessons.filter((l) => drafts || !l.draft).map((l) => l.slug);
}

/** The registry entry of a slug, or undefined when no lesson has it. */
export function findLesson(slug: string): Lesson | undefined {
  return LESSONS.find((l) => l.slug === slug);
}

/**
 * Loads a lesson's module (compiled, from build/lib/lessons/) by slug. Loaded
 * on demand, so reading the registry does not load TensorFlow.js.
 */
export function loadLesson(slug: string): LessonModule {
  if (!findLesson(slug)) throw new Error(`Unknown lesson "${slug}": the lessons are ${lessonSlugs().join(", ")} (lib/lessons.ts).`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, "lessons", slug)) as LessonModule;
}

/** The graded check ids of a lesson, in notebook order. */
export function lessonCheckIds(slug: string): string[] {
  return loadLesson(slug).checker.definitions.map((d) => d.id);
}

/**
 * One process of the class-grading pool (grading/class-run.ts): prepares
 * grading once, then grades the notebooks its parent sends over IPC, one at a
 * time, and sends each grade back. A process per job because grading one
 * notebook blocks its process while the notebook executes.
 */
import { gradeNotebook } from "./grade-notebook";
import { prepareGrading, type GradingContext } from "./grading-context";
import type { GradeOptions, NotebookGrade } from "./types";

/** Parent → child: grade this file (`n` makes its work files unique), or finish. */
export type ChildRequest = { type: "grade"; n: number; file: string; opts: GradeOptions } | { type: "close" };

/** Child → parent: ready for work, a grade, or why it cannot start. */
export type ChildMessage = { type: "ready" } | { type: "graded"; n: number; grade: NotebookGrade; seconds: number } | { type: "failed"; message: string };

function send(m: ChildMessage): void {
  process.send?.(m);
}

function main(): void {
  let ctx: GradingContext;
  try {
    ctx = prepareGrading({ unsafeNoSandbox: process.argv.includes("--unsafe-no-sandbox") });
  } catch (err) {
    send({ type: "failed", message: (err as Error).message });
    process.exit(1);
  }
  // One request at a time: the parent sends the next only after a grade comes back.
  process.on("message", (m: ChildRequest) => {
    if (m.type === "close") {
      ctx.close();
      process.disconnect?.();
      return;
    }
    const started = Date.now();
    gradeNotebook(m.file, m.opts, ctx, m.n).then(
      (grade) => send({ type: "graded", n: m.n, grade, seconds: (Date.now() - started) / 1000 }),
      (err: unknown) => send({ type: "graded", n: m.n, seconds: (Date.now() - started) / 1000, grade: { path: m.file, lesson: null, score: 0, maxScore: 0, checks: [], problems: [`grading failed: ${(err as Error).message}`], gradingFailed: true } }),
    );
  });
  send({ type: "ready" });
}

if (require.main === module) main();

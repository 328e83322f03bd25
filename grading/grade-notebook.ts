/**
 * Grading one submitted notebook, step by step: read it (regular files only),
 * compile its cells as the course kernel does (warming.ts: which cells the
 * kernel refuses), score it (scoring.ts: outputs computed in the sandbox,
 * judged outside), execute it top to bottom in a fresh kernel when asked
 * (execution.ts), and restore anything it changed (grading-context.ts).
 * `gradeNotebook` never throws for a bad submission: problems are reported in
 * the grade. It throws SandboxUnavailableError when the sandbox cannot run
 * (unless `--unsafe-no-sandbox`).
 */
import * as path from "path";
import { codeSources } from "../editions/notebook";
import { lessonChecks } from "./check-catalogue";
import { hintTiersShown } from "./hint-record";
import { readSubmission } from "./submission";
import { unchangedFromHandout } from "./handout";
import { SandboxUnavailableError } from "./sandbox";
import { restoreTree, type GradingContext } from "./grading-context";
import { scoreSubmission } from "./scoring";
import { executeSubmission, warmKernelCode } from "./execution";
import { cellWarmerOf, compileVerdicts, warmLessonCells } from "./warming";
import type { GradeOptions, NotebookGrade } from "./types";

/** Grades one notebook file; never throws for a bad submission. `n` makes its work files unique. */
export async function gradeNotebook(file: string, opts: GradeOptions, ctx: GradingContext, n: number): Promise<NotebookGrade> {
  if (ctx.sandboxProblem && !opts.unsafeNoSandbox) throw new SandboxUnavailableError(ctx.sandboxProblem);
  const sub = readSubmission(path.resolve(file), ctx.exerciseNames);
  const grade: NotebookGrade = { path: file, lesson: sub.lesson, score: 0, maxScore: 0, checks: [], problems: [] };
  if (!sub.lesson || !sub.notebook) {
    grade.problems.push(sub.problem ?? "unreadable");
    if (sub.fileProblem) grade.fileProblem = sub.fileProblem;
  } else {
    if (unchangedFromHandout(sub.notebook, sub.lesson)) grade.unchanged = true;
    // The kernel's compile of every code cell (in the cell warmer): which cells it refuses, for scoring,
    // and the compiled cells its execution report's kernel then finds (null: the warm failed).
    warmLessonCells(ctx, sub.lesson);
    const warmer = cellWarmerOf(ctx, opts);
    const warm = warmer ? await warmer.warm(codeSources(sub.notebook), String(n)) : null;
    try {
      if (!warm?.errors) grade.problems.push(`type errors were not checked (the course kernel's compile could not be run: ${warm?.problem || "no cell warmer"}); cells with syntax errors still define nothing`);
      try {
        grade.checks = await scoreSubmission(sub, opts, ctx, compileVerdicts(sub.notebook, warm));
      } catch (err) {
        grade.problems.push(`grading failed: ${(err as Error).message}`);
        grade.gradingFailed = true;
      }
      grade.problems.push(...(sub.problems ?? []));
      // The hint tiers the saved outputs show the student saw: counted by the item analysis, never scored.
      // Only the lesson's visible checks (lessonChecks without the hidden folder) have hints a student can see.
      const tiers = hintTiersShown(sub.notebook, lessonChecks(sub.lesson));
      grade.checks = grade.checks.map((c) => (tiers.has(c.id) ? { ...c, hintTiers: tiers.get(c.id) as number[] } : c));
      // A check that hung while scoring hangs the notebook at the same cell: running it would only spend
      // the cell limit (minutes of a core) to report what the check already says.
      const stuck = grade.checks.find((c) => !c.hidden && c.status === "stopped" && c.stop === "timeout");
      if (opts.execute && stuck) {
        grade.execution = { ran: false, reason: "check-stuck", message: `not run: ${stuck.id} did not finish while being scored, so the notebook would stop at its check cell` };
      } else if (opts.execute) {
        warmKernelCode(opts);
        grade.execution = await executeSubmission(sub, opts, ctx.workDir, n, ctx.dataDir, warm?.dir ?? ctx.cellCacheDir);
        const restored = restoreTree(ctx.guarded);
        if (restored.length) grade.problems.push(`running this notebook modified course files (${restored.join(", ")}); they were restored`);
      }
    } finally {
      warmer?.release(warm?.dir ?? null);
    }
  }
  if (grade.checks.length === 0 && grade.lesson) grade.checks = lessonChecks(grade.lesson, opts.hiddenDir).map((d) => ({ id: d.id, points: 0, maxPoints: d.points, passed: false, status: "not-graded" as const, message: "not graded" }));
  grade.score = grade.checks.reduce((s, c) => s + c.points, 0);
  grade.maxScore = grade.checks.reduce((s, c) => s + c.maxPoints, 0);
  const recorded = grade.checks.filter((c) => c.status === "recorded").reduce((s, c) => s + c.maxPoints, 0);
  if (recorded > 0) grade.recordedPoints = recorded;
  return grade;
}

/**
 * What the class got wrong (OUT/item-analysis.json and .csv): one row per check and one per case of it,
 * visible and hidden, lessons in course order. Each row says how many of the students who handed in the
 * lesson passed it, how many had each named mistake diagnosed (lib/checks/mistakes.ts's catalogue: the
 * judge's ids, carried as data in the grades), and, on a check's row, how many were shown each hint tier
 * (as their saved notebooks record it: grading/hint-record.ts).
 *
 * Only the counted notebook of each student counts (the best of several for one lesson, as in the
 * gradebooks). A case a student's notebook never reached (the function not completed, missing, or the check
 * stopped) counts as not passed: every row has the same denominator, the students who handed in the lesson.
 * Made from the grades alone, so a merge of shards (grading/shard.ts) writes the same files as one whole run.
 */
import { isMistakeName, MISTAKE_NAMES, type MistakeName } from "../lib/checks";
import { classColumns, countedGrades, csvField, type StudentGrades } from "./gradebook";
import type { CheckGrade, NotebookGrade } from "./types";

/** What every row's `students` counts. */
export const DENOMINATOR = "students who handed in the lesson";

/** One check's or one case's row. */
export interface ItemRow {
  lesson: string;
  check: string;
  /** The case's name; null on the check's own row. */
  case: string | null;
  /** A hidden case's category (null elsewhere). */
  category: string | null;
  hidden: boolean;
  /** How many students handed in the lesson (see DENOMINATOR). */
  students: number;
  passed: number;
  /** passed / students; 0 when nobody handed the lesson in. */
  passRate: number;
  /** Students whose answer showed each named mistake (only mistakes seen; ids from the catalogue). */
  mistakes: Partial<Record<MistakeName, number>>;
  /** A check's row: students shown each hint tier ("1", "2", …; only tiers seen). Empty on a case's row. */
  hintTiers: Record<string, number>;
}

interface ItemAnalysis {
  format: "course-item-analysis-1";
  denominator: typeof DENOMINATOR;
  rows: ItemRow[];
}

/** One case of one student's check, whatever kind of check it is. */
interface CaseOutcome {
  name: string;
  category: string | null;
  passed: boolean;
  mistake?: unknown;
}

function caseOutcomes(c: CheckGrade): CaseOutcome[] {
  if (c.hiddenCases) return c.hiddenCases.map((h) => ({ name: h.name, category: h.category ?? null, passed: h.passed, mistake: h.mistake }));
  return (c.cases ?? []).map((v) => ({ name: v.name, category: null, passed: v.passed, mistake: v.mistake }));
}

/** The catalogue's ids among `ids`, each once: anything else in a grade (a file edited by hand) is not counted. */
function namedMistakes(ids: readonly unknown[]): MistakeName[] {
  return [...new Set(ids.filter(isMistakeName))];
}

function bump<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * The class's item analysis. `hintLevels` (check id → its number of tiers) bounds the tiers counted; a check
 * it does not list has none counted.
 */
export function itemAnalysis(students: StudentGrades[], hintLevels: Record<string, number> = {}): ItemAnalysis {
  const rows: ItemRow[] = [];
  for (const col of classColumns(students)) {
    const handedIn = students.map((s) => countedGrades(s).find((g) => g.lesson === col.lesson)).filter((g): g is NotebookGrade => g !== undefined);
    const n = handedIn.length;
    for (const k of col.checks) {
      const checks = handedIn.map((g) => g.checks.find((c) => c.id === k.id));
      const row: ItemRow = { lesson: col.lesson, check: k.id, case: null, category: null, hidden: false, students: n, passed: 0, passRate: 0, mistakes: {}, hintTiers: {} };
      // Case rows in the order the students' grades list them (the check's own order), each name once.
      const caseRows = new Map<string, ItemRow>();
      for (const c of checks) {
        if (!c) continue;
        if (c.hidden) row.hidden = true;
        if (c.passed) row.passed++;
        const outcomes = caseOutcomes(c);
        for (const m of namedMistakes([...(c.mistakes ?? []), ...outcomes.map((o) => o.mistake)])) bump(row.mistakes, m);
        const levels = hintLevels[k.id] ?? 0;
        for (const t of new Set(c.hintTiers ?? [])) if (Number.isInteger(t) && t >= 1 && t <= levels) bump(row.hintTiers, String(t));
        for (const o of outcomes) {
          const r = caseRows.get(o.name) ?? { ...row, case: o.name, category: o.category, passed: 0, mistakes: {}, hintTiers: {} };
          caseRows.set(o.name, r);
          if (o.passed) r.passed++;
          if (isMistakeName(o.mistake)) bump(r.mistakes, o.mistake);
        }
      }
      for (const r of [row, ...caseRows.values()]) {
        r.hidden = row.hidden;
        r.passRate = n ? r.passed / n : 0;
        rows.push(r);
      }
    }
  }
  return { format: "course-item-analysis-1", denominator: DENOMINATOR, rows };
}

/** The CSV: fixed columns, then one per named mistake seen in the class (catalogue order), then one per hint tier. */
export function itemAnalysisCsv(a: ItemAnalysis): string {
  const seen = MISTAKE_NAMES.filter((m) => a.rows.some((r) => r.mistakes[m]));
  const tiers = Math.max(0, ...a.rows.flatMap((r) => Object.keys(r.hintTiers).map(Number)));
  const tierCols = Array.from({ length: tiers }, (_, i) => String(i + 1));
  const header = ["lesson", "check", "case", "category", "hidden", "denominator", "students", "passed", "pass rate", ...seen.map((m) => `mistake ${m}`), ...tierCols.map((t) => `hint tier ${t}`)];
  const lines = [header, ...a.rows.map((r) => [
    r.lesson, r.check, r.case ?? "", r.category ?? "", r.hidden ? "yes" : "no", a.denominator, r.students, r.passed, Math.round(r.passRate * 10000) / 10000,
    ...seen.map((m) => r.mistakes[m] ?? 0),
    // A case's row has no hint counts: hints are per check.
    ...tierCols.map((t) => (r.case === null ? r.hintTiers[t] ?? 0 : "")),
  ])];
  // csvField defuses cells a spreadsheet would run as formulas (a case name or category starting with = + - @).
  return lines.map((l) => l.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** The most frequent named mistakes of each check (its own row), most frequent first: the summary's table. */
export function topMistakes(a: ItemAnalysis, perCheck = 3): { check: string; mistake: MistakeName; students: number; of: number }[] {
  return a.rows
    .filter((r) => r.case === null)
    .flatMap((r) => (Object.entries(r.mistakes) as [MistakeName, number][])
      .sort((x, y) => y[1] - x[1] || MISTAKE_NAMES.indexOf(x[0]) - MISTAKE_NAMES.indexOf(y[0]))
      .slice(0, perCheck)
      .map(([mistake, students]) => ({ check: r.check, mistake, students, of: r.students })));
}

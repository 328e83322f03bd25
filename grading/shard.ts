/**
 * Grading a class on several machines with an engine that already exists (a CI matrix, a Kubernetes Job with
 * completions): `npm run grade -- --shard i/n --out OUT_i CLASS_DIR` grades a deterministic share of the
 * students, and `npm run grade -- --merge OUT_1 … OUT_n --out OUT` writes the reports one whole run writes.
 *
 * A student's share is fixed by their id alone (SHA-256 mod n), so it does not move when others join or leave
 * the folder and a re-run of one shard regrades only what changed (its OUT_i/.cache). Each shard writes, beside
 * its own reports, shard.json: its students' grades exactly as the reports are made from them, with each
 * student's place in the whole folder, so the merge puts them back in the whole run's order. The folder's own
 * problems (stray files) are reported by shard 1 only.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { RunMemory } from "./class-run";
import type { StudentGrades } from "./gradebook";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** "2/4" → { index: 2, count: 4 }; throws with what is expected. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || !(count >= 1) || !(index >= 1) || index > count) throw new Error(`--shard takes i/n with 1 ≤ i ≤ n (as 2/4), got ${JSON.stringify(text)}`);
  return { index, count };
}

/** The shard (1-based) a student belongs to among `count`. */
export function shardOf(student: string, count: number): number {
  return (crypto.createHash("sha256").update(student, "utf8").digest().readUInt32BE(0) % count) + 1;
}

/** What one shard hands to the merge (OUT_i/shard.json). */
export interface ShardFile {
  format: "course-shard-1";
  shard: Shard;
  /** The shard's students, each with its place in the whole folder's order. */
  students: { position: number; grades: StudentGrades }[];
  /** The folder's own problems (shard 1 only). */
  problems: string[];
  run: { graded: number; cached: number; identical: number; gradedFiles: string[]; seconds: number; memory: RunMemory };
}

const SHARD_FILE = "shard.json";

export function writeShardFile(outDir: string, file: ShardFile): void {
  fs.writeFileSync(path.join(outDir, SHARD_FILE), JSON.stringify(file) + "\n");
}

/**
 * The shards' students in the whole folder's order, the folder's problems and the runs' totals. Throws, saying
 * which, when a folder is not a shard's output, when the shards were cut differently (not all i/n of one n),
 * or when one is missing or given twice.
 */
export function readShards(dirs: string[]): { students: StudentGrades[]; problems: string[]; runs: ShardFile["run"][] } {
  const files = dirs.map((d) => {
    const p = path.join(d, SHARD_FILE);
    let f: ShardFile;
    try {
      f = JSON.parse(fs.readFileSync(p, "utf8")) as ShardFile;
    } catch {
      throw new Error(`${d} is not a shard's output (no readable ${SHARD_FILE}): grade it with --shard i/n --out ${d} CLASS_DIR`);
    }
    if (f.format !== "course-shard-1") throw new Error(`${p} is not a shard file of this grader`);
    return f;
  });
  const count = files[0]?.shard.count ?? 0;
  if (files.some((f) => f.shard.count !== count)) throw new Error(`the shards were cut differently: ${files.map((f) => `${f.shard.index}/${f.shard.count}`).join(", ")}`);
  const seen = files.map((f) => f.shard.index).sort((a, b) => a - b);
  const expected = Array.from({ length: count }, (_, i) => i + 1);
  if (seen.join(",") !== expected.join(",")) throw new Error(`the merge needs every shard 1…${count} once; got ${seen.join(", ")}`);
  const students = files.flatMap((f) => f.students).sort((a, b) => a.position - b.position).map((s) => s.grades);
  return { students, problems: files.flatMap((f) => f.problems), runs: files.map((f) => f.run) };
}

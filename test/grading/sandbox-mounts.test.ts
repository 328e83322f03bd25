/**
 * What of the course a sandbox sees (grading/sandbox-command.ts): only what
 * the kernel and the grading worker need to run (kernel/, the compiled
 * library and grader, the library's sources, node_modules, the kernel spec),
 * never setup/, editions/, tools/, the grader's sources, the notebooks or the
 * data (those two are empty, or the data the grader chooses).
 */
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { sandboxCommand } from "../../grading/sandbox-command";
import { OUT } from "../helpers/notebooks";

const COURSE = path.join(OUT, `sandbox-mounts-${process.pid}`);
const FOLDERS = ["lib", "kernel", "setup", "editions", "frontends", "bench", "tools", "grading", "notebooks", "data", "oracle", "test",
  "build/lib", "build/grading", "build/kernel", "build/setup", "build/editions", "build/tools", "build/test", ".jupyter", "node_modules"];

after(() => fs.rmSync(COURSE, { recursive: true, force: true }));

/** The course paths (relative) the sandbox's bwrap shows read-only at their own place. */
function courseMounts(): string[] {
  for (const d of FOLDERS) fs.mkdirSync(path.join(COURSE, d), { recursive: true });
  for (const f of ["package.json", "tsconfig.json"]) fs.writeFileSync(path.join(COURSE, f), "{}");
  const { args } = sandboxCommand(["true"], { root: COURSE, dataDir: null, env: {}, cwd: COURSE, limits: { memoryMb: 512, processes: 64, diskMb: 64 } });
  const mounts: string[] = [];
  for (let i = 0; i < args.length - 2; i++) {
    const [flag, from, to] = [args[i], args[i + 1] as string, args[i + 2] as string];
    if (flag === "--ro-bind" && from === to && from.startsWith(COURSE + path.sep)) mounts.push(path.relative(COURSE, from).split(path.sep).join("/"));
  }
  return mounts.sort();
}

describe("the sandbox's view of the course", () => {
  it("mounts only what the kernel and the worker need", () => {
    assert.deepEqual(courseMounts(), [".jupyter", "build/grading", "build/lib", "kernel", "lib", "node_modules", "package.json", "tsconfig.json"].sort());
  });
});

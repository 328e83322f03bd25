/**
 * The course's two front ends (frontends/jupyterlab-app/, frontends/lite-app/) are npm
 * projects of their own, with their own lock files, installed on first use:
 * `npm ci` runs again only when the lock file changed (a marker in
 * node_modules records its hash).
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

interface StepResult {
  ok: boolean;
  /** The command's last lines of output (and the error, if it could not start). */
  output: string;
}

/** Runs a build step in `dir`, without npm's audit and funding chatter; keeps the output's last `tailLines` lines. */
export function runStep(dir: string, cmd: string, args: string[], timeoutMs: number, tailLines = 15): StepResult {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: "utf8", timeout: timeoutMs, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}`;
  return { ok: r.status === 0, output: output.split("\n").slice(-tailLines).join("\n") };
}

/**
 * `npm ci` in `dir` unless its node_modules was installed from the current
 * package-lock.json; `announce` is logged before a real install. Returns null
 * when nothing was to be done, else the install's result.
 */
export function npmCiIfLockChanged(dir: string, announce: () => void): StepResult | null {
  const marker = path.join(dir, "node_modules", ".course-lock-hash");
  const lockHash = createHash("sha256").update(fs.readFileSync(path.join(dir, "package-lock.json"))).digest("hex");
  if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8").trim() === lockHash) return null;
  announce();
  const r = runStep(dir, process.platform === "win32" ? "npm.cmd" : "npm", ["ci"], 15 * 60_000);
  if (r.ok) fs.writeFileSync(marker, lockHash + "\n");
  return r;
}

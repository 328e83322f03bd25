/**
 * Every command's argument parsing, one way: Node's own `parseArgs`
 * (node:util), strict, with the course's two conventions on top:
 *  - a mistake on the command line (an unknown flag, a flag without its value,
 *    a bad number) is a UsageError: the command prints what went wrong and its
 *    usage, and exits with code 2 (runCommand);
 *  - a path argument is resolved against the folder the command was typed in
 *    (callerPath). npm runs scripts in the package folder and says where the
 *    command was typed in INIT_CWD; run directly, that is the working folder.
 */
import * as path from "path";
import { parseArgs } from "node:util";
import { courseRoot } from "./root";

/** The exit code of a command refused for its arguments (as POSIX tools and argparse do). */
export const USAGE_EXIT_CODE = 2;

/** A command refused for its arguments: the message says what went wrong, the usage what to type. */
export class UsageError extends Error {
  readonly exitCode = USAGE_EXIT_CODE;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A flag: a switch (`boolean`) or one that takes a value (`string`, repeatable with `multiple`). */
interface FlagSpec {
  type: "boolean" | "string";
  multiple?: boolean;
}

type FlagSpecs = Record<string, FlagSpec>;

/** What parseArgs gives for these flags: a switch's boolean, a value's string, or a repeated value's list. */
type FlagValues<F extends FlagSpecs> = {
  [K in keyof F]?: F[K]["type"] extends "boolean" ? boolean : F[K]["multiple"] extends true ? string[] : string;
};

/**
 * Parses argv against the flags. Positional arguments are allowed (those
 * after `--` too). Throws UsageError naming the first unknown flag or the flag
 * that lacks its value, before parseArgs's own (longer) wording.
 */
export function parseCommandLine<F extends FlagSpecs>(argv: readonly string[], flags: F): { values: FlagValues<F>; positionals: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") break;
    if (!a.startsWith("-") || a === "-") continue;
    const name = a.replace(/^--?/, "").split("=")[0] as string;
    const spec = a.startsWith("--") ? flags[name] : undefined;
    if (!spec) throw new UsageError(`unknown option ${a.split("=")[0]}`);
    if (spec.type === "string" && !a.includes("=")) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${a} needs a value`);
      i++;
    }
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: flags, allowPositionals: true, strict: true });
    // A plain object (parseArgs gives one without a prototype).
    return { values: { ...values } as FlagValues<F>, positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * The folder the command was typed in: INIT_CWD when npm runs this course's
 * own script (npm_package_json is then this course's package.json), else the
 * working folder. A command started directly by a process that npm started
 * for something else (Gradescope's run_autograder under a test run, say)
 * inherits that run's INIT_CWD, which is not where this command was typed.
 */
function callerFolder(): string {
  const { INIT_CWD: typedIn, npm_package_json: pkg } = process.env;
  return typedIn && pkg && path.resolve(path.dirname(pkg)) === courseRoot() ? typedIn : process.cwd();
}

/** A path argument, resolved against the folder the command was typed in. */
export function callerPath(p: string): string {
  return path.resolve(callerFolder(), p);
}

/** A flag's value as a positive number (undefined when the flag is absent); UsageError otherwise. */
export function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`--${flag} needs a positive number (got ${value})`);
  return n;
}

/**
 * Runs a command's main: a UsageError is printed with the usage (what to
 * type) and ends the process with code 2; any other error propagates.
 */
export async function runCommand(usage: string, main: () => Promise<number> | number): Promise<number> {
  try {
    return await main();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`✖ ${err.message}\nusage: ${usage}\n`);
    return err.exitCode;
  }
}

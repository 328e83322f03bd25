/**
 * A student id is any string: the name of a class-folder entry, which the
 * student (or their archive) chose. It may be 252 bytes of CJK characters,
 * hold a newline or a terminal escape, or differ from another id only in case.
 * This module turns it into what other parts need: a file name that is safe
 * and unique (feedback pages), and one line of console text.
 */
import { createHash } from "crypto";

/** Ids kept as they are in file names: short, lower-case ASCII, not hidden, not an option, not a Windows device name. */
const PLAIN = /^[a-z0-9_][a-z0-9._-]{0,63}$/;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/;

/**
 * The feedback page's file name of a student id (`feedback/<this>`). A plain
 * id (lower-case letters, digits, `.`, `_`, `-`, at most 64 characters) keeps
 * its name: `ann` → `ann.html`. Any other id gets a readable ASCII prefix and
 * 16 hex digits of the SHA-256 of the id, joined by `~`, which no plain name
 * contains: `Ann` → `ann~<hash>.html`, 84 × "学" → `student~<hash>.html`.
 *
 * Why: a name can be longer than the file system allows with `.html` added
 * (255 bytes), hold `/` or control characters, or differ from another only in
 * case (one file on macOS and Windows). Distinct ids give distinct names: plain
 * ones are distinct as they are (and lower case), the others differ in their
 * hash and cannot equal a plain one. The name is at most 40 + 1 + 16 + 5 bytes.
 */
export function feedbackFileName(id: string): string {
  if (PLAIN.test(id) && !WINDOWS_DEVICE.test(id)) return `${id}.html`;
  const prefix = id
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "_")
    .replace(/^[._-]+/, "")
    .slice(0, 40)
    .replace(/[._-]+$/, "");
  const hash = createHash("sha256").update(id, "utf8").digest("hex").slice(0, 16);
  return `${prefix || "student"}~${hash}.html`;
}

/** Control and format characters (newlines, escapes, bidi overrides): what could break or fake a console line. */
const UNSAFE_ON_CONSOLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * Text shown on one console line: newlines, terminal escapes and other
 * control or format characters written as escapes (`\n`, `\u001b`), so a
 * student's folder name can neither start a fake line nor recolour the screen.
 */
export function consoleText(s: string): string {
  return s.replace(UNSAFE_ON_CONSOLE, (ch) => {
    if (ch === "\n") return "\\n";
    if (ch === "\r") return "\\r";
    if (ch === "\t") return "\\t";
    return `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
  });
}

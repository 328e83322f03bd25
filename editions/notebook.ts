/** Reading and writing .ipynb files (nbformat 4) with clear errors for malformed ones. */
import * as fs from "fs";

/** A notebook cell as stored in nbformat 4. */
export interface Cell {
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: Record<string, unknown>[];
  execution_count?: number | null;
  id?: string;
  attachments?: unknown;
}

/** A notebook as stored in nbformat 4. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** The text of a cell, whichever way its source is stored. */
export function cellText(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** The text of a notebook's code cells, in order (what a kernel running it top to bottom compiles). */
export function codeSources(nb: Notebook): string[] {
  return nb.cells.filter((c) => c.cell_type === "code").map((c) => cellText(c));
}

/** Splits text into nbformat's list-of-lines form. */
export function toSource(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l)).filter((l, i) => !(i === lines.length - 1 && l === ""));
}

/**
 * Where and what kind of JSON error, never the text around it: V8's messages
 * quote the input (`Unexpected token 'h', "hello" is not valid JSON`), and a
 * notebook's content must not reach a report through its parse error.
 */
export function jsonErrorSummary(err: unknown, text: string): string {
  if (text.trim() === "") return "the file is empty";
  const message = err instanceof Error ? err.message : "";
  if (!(err instanceof SyntaxError)) return "it cannot be parsed";
  if (/Unexpected end of JSON input/i.test(message)) return "it ends too early";
  const at = /at position (\d+)/.exec(message);
  if (!at) return "unexpected character";
  const pos = Number(at[1]);
  if (pos >= text.length) return "it ends too early";
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return `unexpected character at line ${line}, column ${column}`;
}

/** Parses a notebook's text; `label` names it in the error (a path, or "the file"). Messages never quote the text. */
export function parseNotebook(raw: string, label: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(raw) as Notebook;
  } catch (err) {
    throw new Error(`${label} is not valid JSON (${jsonErrorSummary(err, raw)}); is it a notebook saved by Jupyter?`);
  }
  if (typeof nb !== "object" || nb === null || !Array.isArray(nb.cells) || nb.nbformat !== 4) {
    throw new Error(`${label} is not an nbformat 4 notebook (expected "nbformat": 4 and a "cells" list)`);
  }
  return nb;
}

/** Reads a notebook of the course (submissions are read by grading/submitted-file.ts), saying what is wrong when the file is not one. */
export function readNotebook(file: string): Notebook {
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseNotebook(raw, file);
}

/** Writes a notebook the way Jupyter does (1-space indent, trailing newline). */
export function writeNotebook(file: string, nb: Notebook): void {
  fs.writeFileSync(file, JSON.stringify(nb, null, 1) + "\n");
}

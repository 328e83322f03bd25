/**
 * Drops two warnings that Yjs (13.6.2x, through lib0/logging's console.warn)
 * prints hundreds of times per notebook opened, from the way @jupyter/ydoc
 * builds a notebook's cells (it reads a cell's shared types before adding them
 * to the document, and gives its undo manager types of the cell's own
 * document). They are upstream noise, harmless here, and they buried every
 * message that matters in the console. Only these two texts are dropped;
 * every other warning passes through unchanged.
 *
 * Patches: nothing of a package: it wraps the page's console.warn, which Yjs (through lib0/logging) prints these warnings with.
 * Relies on: the two warnings' texts in Yjs 13.6.2x (NOISE below); a changed text is printed again, nothing breaks.
 * Guarded by: test/browser/lite-work.test.ts "opening a lesson changes nothing: not modified, metadata kept, never saved into the browser, quiet console; the site's next release shows"
 */
const NOISE = ["Invalid access: Add Yjs type to a document before reading data", "[yjs#509] Not same Y.Doc"];

const isNoise = (/** @type {unknown[]} */ args) => args.some((a) => typeof a === "string" && NOISE.some((n) => a.includes(n)));

/** Wraps console.warn (once) so the known Yjs noise is not printed. */
export function quietYjsWarnings() {
  if (/** @type {{ courseQuiet?: boolean }} */ (console.warn).courseQuiet) return;
  const warn = console.warn.bind(console);
  /** @type {((...args: unknown[]) => void) & { courseQuiet?: boolean }} */
  const quiet = (...args) => {
    if (!isNoise(args)) warn(...args);
  };
  quiet.courseQuiet = true;
  console.warn = quiet;
}

/**
 * Splits a child's output stream into lines in linear time, keeping at most
 * `maxLine` bytes of an unfinished line. The scoring worker's messages are
 * JSON lines, but a submission can print anything between them: gigabytes
 * without a newline must neither grow the grader's memory nor make it copy the
 * same unfinished line again on every chunk (re-splitting `line + chunk`
 * copies the whole line each time, quadratic in its length: 64 MB in 64 kB
 * chunks is about 32 GB of copying).
 */
export class LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** True while the current line is longer than maxLine: it is dropped, not kept. */
  private overlong = false;
  /** How many lines were dropped for being longer than maxLine. */
  dropped = 0;

  constructor(private readonly maxLine: number) {}

  /** Bytes held for the unfinished line (never more than maxLine). */
  get held(): number {
    return this.pendingBytes;
  }

  /** Feeds a chunk; returns the lines it completed (without their "\n"), overlong ones left out. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.add(chunk.subarray(start, nl));
      if (this.overlong) this.dropped++;
      else lines.push(Buffer.concat(this.pending).toString("utf8"));
      this.pending = [];
      this.pendingBytes = 0;
      this.overlong = false;
      start = nl + 1;
    }
    this.add(chunk.subarray(start));
    return lines;
  }

  private add(piece: Buffer): void {
    if (this.overlong || piece.length === 0) return;
    if (this.pendingBytes + piece.length > this.maxLine) {
      this.overlong = true;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // A copy: the stream may reuse the chunk's memory.
    this.pending.push(Buffer.from(piece));
    this.pendingBytes += piece.length;
  }
}

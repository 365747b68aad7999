/**
 * Lines of a byte stream, found in place in one growing work buffer: the readers look at each line as a
 * range of bytes, and nothing is copied or decoded per line.
 *
 * @module
 */

/** Walks the lines of a stream of chunks. Call {@link next} until it returns false, then {@link fill}. */
export class LineReader {
  /** The bytes read and not yet consumed, from index 0; valid up to `length`. */
  buf: Buffer = Buffer.alloc(0);
  /** The current line: `buf[start, end)`, without its `\n` or `\r\n`. */
  start = 0;
  end = 0;
  /** The current line's 1-based number. */
  line = 0;
  #length = 0;
  #work: Buffer;
  #pos = 0;
  #eof = false;
  readonly #chunks: AsyncIterator<Buffer>;

  constructor(chunks: AsyncIterable<Buffer>) {
    this.#chunks = chunks[Symbol.asyncIterator]();
    this.#work = Buffer.allocUnsafe(1 << 21);
  }

  /**
   * Moves to the next line; false when no complete line is left in the buffer (call {@link fill}) or, after
   * the end of the input, when there are no more lines. A last line without a line break counts.
   */
  next(): boolean {
    const pos = this.#pos;
    if (pos >= this.#length) return false;
    let nl = this.buf.indexOf(0x0a, pos);
    if (nl < 0) {
      if (!this.#eof) return false;
      nl = this.#length;
    }
    this.start = pos;
    this.end = nl > pos && this.buf[nl - 1] === 0x0d ? nl - 1 : nl;
    this.#pos = nl + 1;
    this.line++;
    return true;
  }

  /**
   * Continues after a record that ran past the current line (a quoted field holding line breaks): the next
   * line starts at `next`, and `extraLines` line breaks are counted.
   */
  skipTo(next: number, extraLines: number): void {
    this.#pos = next;
    this.line += extraLines;
  }

  /** Goes back to the start of the current line, so that it is read again after {@link fill}. */
  rewind(): void {
    this.#pos = this.start;
    this.line--;
  }

  /** Whether the whole input has been read. */
  get eof(): boolean {
    return this.#eof;
  }

  /** The valid bytes in `buf`. */
  get length(): number {
    return this.#length;
  }

  /**
   * Reads the next chunk after the unconsumed bytes; false at the end of the input (after which
   * {@link next} also returns an unterminated last line).
   */
  async fill(): Promise<boolean> {
    if (this.#eof) return false;
    const next = await this.#chunks.next();
    if (next.done) {
      this.#eof = true;
      return false;
    }
    const chunk = next.value;
    const keep = this.#length - this.#pos;
    const needed = keep + chunk.length;
    if (needed > this.#work.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#work.length * 2));
      this.#work.copy(grown, 0, this.#pos, this.#length);
      this.#work = grown;
    } else if (keep > 0 && this.#pos > 0) {
      this.#work.copyWithin(0, this.#pos, this.#length);
    }
    chunk.copy(this.#work, keep);
    this.#length = needed;
    this.#pos = 0;
    this.buf = this.#work.subarray(0, needed);
    return true;
  }
}

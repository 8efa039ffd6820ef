import { createReadStream } from 'node:fs';

/**
 * A byte-level pass over a CSV file that checks what DuckDB's reader does not: where quoted
 * values open and close, and how many records the file holds.
 *
 * Why: DuckDB's sniffer answers a quote it cannot close by switching quoting off (every value
 * then keeps its quote characters, and nothing is reported), and a quote left open past the
 * sniff sample swallows the lines after it into one bad value. This pass finds the line where
 * such a quote opens, and counts records, so the node can compare its row count with the file's.
 *
 * It follows RFC 4180 as DuckDB does: a quote opens a value only at the start of a field; inside
 * a quoted value the quote is escaped by doubling it (or by the escape character when one is
 * set); a quote elsewhere in an unquoted value is a plain character. Line terminators are `\n`,
 * `\r\n` and a lone `\r`. It only reads bytes, so it works for UTF-8 and Latin-1 alike (the
 * quote, escape, comment and delimiter characters are ASCII, or, for the delimiter, matched on
 * its first byte).
 */
export interface ScanOptions {
  /** The quote character; undefined when quoting is off. */
  readonly quote?: string;
  /** The escape character inside quoted values; undefined or equal to `quote` means doubling. */
  readonly escape?: string;
  readonly delimiter: string;
  /** Lines starting with this character are comments. */
  readonly comment?: string;
  /** Non-comment lines skipped at the top (DuckDB's `skip`). */
  readonly skip: number;
  readonly encoding: 'utf-8' | 'latin-1';
}

export interface ScanResult {
  /** Records (lines outside quoted values) after the skipped lines, header included, blank lines excluded. */
  readonly records: number;
  /** Empty lines after the skipped lines (DuckDB skips them, except in a one-column file). */
  readonly blankLines: number;
  readonly commentLines: number;
  /** Records cut short by the comment character after some data (DuckDB drops the rest of the line). */
  readonly inlineComments: number;
  readonly firstInlineCommentLine?: number;
  /** Values that opened with a quote at a field start and closed properly. */
  readonly quotedValues: number;
  /** A quote that opens a value which never closes: `to` is set when it closes on a later line but text follows. */
  readonly unterminated?: { readonly line: number; readonly to?: number };
  /** The first line where a quoted value closes and text other than a delimiter follows on the same line. */
  readonly strayQuoteLine?: number;
}

const LF = 0x0a;
const CR = 0x0d;
// Where the scan is: at a line start, in a skipped or comment line, at a field start, in an
// unquoted value, in a quoted value, just after a quote inside a quoted value (a doubled quote or
// the closing one), after an escape character, after a closed quoted value, or in a comment that
// follows data on its line.
const S = { LineStart: 0, SkipLine: 1, Comment: 2, FieldStart: 3, Unquoted: 4, Quoted: 5, QuoteInQuoted: 6, Escaped: 7, AfterClose: 8, InlineComment: 9 } as const;

/** Byte of an ASCII-range option character in the file's encoding (the first byte otherwise). */
function byteOf(char: string | undefined, encoding: ScanOptions['encoding']): number {
  if (char === undefined || char === '') return -1;
  return Buffer.from(char, encoding === 'latin-1' ? 'latin1' : 'utf8')[0];
}

export async function scanCsv(path: string, opts: ScanOptions): Promise<ScanResult> {
  const quote = byteOf(opts.quote, opts.encoding);
  const escape = opts.escape === undefined || opts.escape === opts.quote ? quote : byteOf(opts.escape, opts.encoding);
  const delim = byteOf(opts.delimiter, opts.encoding);
  const comment = byteOf(opts.comment, opts.encoding);

  let line = 1;
  let skipLeft = opts.skip;
  let records = 0;
  let blankLines = 0;
  let commentLines = 0;
  let inlineComments = 0;
  let firstInlineCommentLine: number | undefined;
  let quotedValues = 0;
  let unterminated: { line: number; to?: number } | undefined;
  let strayQuoteLine: number | undefined;

  let state: number = S.LineStart;
  let openLine = 0;
  let prevCR = false;
  let first = true;

  const inlineComment = (): void => {
    inlineComments++;
    firstInlineCommentLine ??= line;
    state = S.InlineComment;
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let i = 0;
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    const n = chunk.length;
    for (; i < n; i++) {
      // Fast paths over the bytes that change nothing: most of a file is plain value text.
      const from = i;
      if (state === S.Unquoted) {
        let c = chunk[i];
        while (c !== delim && c !== LF && c !== CR && c !== comment && ++i < n) c = chunk[i];
      } else if (state === S.Quoted) {
        let c = chunk[i];
        while (c !== quote && c !== escape && c !== LF && c !== CR && ++i < n) c = chunk[i];
      }
      if (i > from) prevCR = false;
      if (i === n) break;
      const b = chunk[i];
      const newline = b === LF || b === CR;
      if (b === LF && prevCR) {
        // `\r\n` is one line terminator.
        prevCR = false;
        continue;
      }
      switch (state) {
        case S.LineStart:
          if (newline) {
            if (skipLeft > 0) skipLeft--;
            else blankLines++;
            line++;
            break;
          }
          if (b === comment) {
            state = S.Comment;
            break;
          }
          if (skipLeft > 0) {
            skipLeft--;
            state = S.SkipLine;
            break;
          }
          records++;
          state = S.FieldStart;
          i--; // look at this byte again as the first of a field
          break;
        case S.SkipLine:
        case S.Comment:
        case S.InlineComment:
          if (newline) {
            if (state === S.Comment) commentLines++;
            line++;
            state = S.LineStart;
          }
          break;
        case S.FieldStart:
          if (b === comment) {
            inlineComment();
          } else if (b === quote) {
            state = S.Quoted;
            openLine = line;
          } else if (newline) {
            line++;
            state = S.LineStart;
          } else if (b !== delim) {
            state = S.Unquoted;
          }
          break;
        case S.Unquoted:
          if (b === comment) inlineComment();
          else if (b === delim) state = S.FieldStart;
          else if (newline) {
            line++;
            state = S.LineStart;
          }
          break;
        case S.Quoted:
          if (b === escape && escape !== quote) state = S.Escaped;
          else if (b === quote) state = S.QuoteInQuoted;
          else if (newline) line++;
          break;
        case S.Escaped:
          state = S.Quoted;
          if (newline) line++;
          break;
        case S.QuoteInQuoted:
          if (b === quote && escape === quote) {
            state = S.Quoted; // a doubled quote is a quote character inside the value
            break;
          }
          quotedValues++;
          state = S.AfterClose;
          i--;
          break;
        case S.AfterClose:
          if (b === comment) inlineComment();
          else if (b === delim) state = S.FieldStart;
          else if (newline) {
            line++;
            state = S.LineStart;
          } else {
            if (openLine !== line) {
              // The quote closed lines later and text follows it: the quote on openLine was never
              // closed, and the next line's opening quote was taken for its end.
              unterminated ??= { line: openLine, to: line };
              quotedValues--;
            } else {
              strayQuoteLine ??= line;
            }
            state = S.Unquoted;
          }
          break;
      }
      prevCR = b === CR;
    }
  }
  if (state === S.Quoted || state === S.Escaped) unterminated ??= { line: openLine };
  if (state === S.QuoteInQuoted) quotedValues++;
  if (state === S.Comment) commentLines++;
  return {
    records,
    blankLines,
    commentLines,
    inlineComments,
    ...(firstInlineCommentLine !== undefined ? { firstInlineCommentLine } : {}),
    quotedValues,
    ...(unterminated ? { unterminated } : {}),
    ...(strayQuoteLine !== undefined ? { strayQuoteLine } : {}),
  };
}

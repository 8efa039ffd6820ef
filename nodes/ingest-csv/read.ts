import { structValue } from '@duckdb/node-api';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { quoteOwnPath, type SqlParams } from '../../src-main/data/duckdb.js';
import { parquetShape } from '../../src-main/data/tables.js';
import { NodeError, type ArtifactDraft, type RunContext } from '../../src-main/engine/node-runner.js';
import type { ParamValues } from '../../src-shared/nodes/spec.js';
import { scanCsv, type ScanResult } from './scan.js';
import { checkSourceFile, duckMessage } from './source.js';
import { charOption, csvParamProblems, delimiterChar, parseTypeOverrides, REJECTED_COLUMNS, type CharOption, type CsvEncoding } from './spec.js';

/**
 * The CSV reader behind ingest.csv and ingest.sample: one function, so a sample read through
 * either node gives the same table.
 *
 * DuckDB reads the file; a byte-level scan (scan.ts) checks what DuckDB lets pass silently: a quote
 * that never closes, a sniffer that gave up on quoting, and the number of records, so that the
 * rows read plus the bad rows can be compared with what the file holds.
 */
export interface CsvTables {
  readonly out: Extract<ArtifactDraft, { kind: 'table' }>;
  /** Absent when the caller has no `rejected` port (`withRejected: false`). */
  readonly rejected?: Extract<ArtifactDraft, { kind: 'table' }>;
}

/** How many bad lines a message or log names before it says "and N more". */
const LINES_NAMED = 5;

/** DuckDB's names for our encodings: a UTF-8 byte-order mark is dropped by its reader. */
const DUCKDB_ENCODING: Record<CsvEncoding, 'utf-8' | 'latin-1'> = { 'utf-8': 'utf-8', 'utf-8-bom': 'utf-8', 'latin-1': 'latin-1' };

/**
 * Reads the CSV file at `path` (absolute) with the reading params of CSV_READ_PARAMS (missing
 * ones take their defaults).
 */
export async function readCsv(ctx: RunContext, path: string, params: ParamValues): Promise<Required<CsvTables>>;
export async function readCsv(ctx: RunContext, path: string, params: ParamValues, opts: { withRejected: false }): Promise<CsvTables>;
export async function readCsv(ctx: RunContext, path: string, params: ParamValues, opts: { withRejected?: boolean } = {}): Promise<CsvTables> {
  const name = basename(path);
  const size = await checkSourceFile(path);
  if (onlyBlank(path, size)) throw new NodeError(`${name} is empty (it holds only blank lines)`);

  // The graph check refuses bad params before a run; a runner called some other way still must.
  const problems = csvParamProblems(params);
  if (problems.length > 0) throw new NodeError(problems.map((p) => p.message).join('; '));
  const header = params.header !== false;
  const skip = Number(params.skip ?? 0);
  const encoding = DUCKDB_ENCODING[(params.encoding as CsvEncoding | undefined) ?? 'utf-8'] ?? 'utf-8';
  const comment = charOption(params.comment, false) as CharOption;
  const quote = charOption(params.quote) as CharOption;
  const escape = charOption(params.escape) as CharOption;
  const { overrides } = parseTypeOverrides(params.types);
  const policy = String(params.badRows ?? 'fail');

  // Option names are fixed text; every value the user typed travels as a parameter.
  const sqlParams: SqlParams = {
    path,
    header,
    skip,
    encoding,
    comment: comment.mode === 'char' ? comment.char : '',
  };
  const options = ['header = $header', 'skip = $skip', 'encoding = $encoding', 'comment = $comment'];

  // 1. The dialect. Sniffed with quote and escape on auto, whatever they are set to: DuckDB's
  // sniffer, told a quote it cannot make sense of, settles on a wrong delimiter instead of
  // failing, while on auto it falls back to no quoting and still finds the delimiter.
  ctx.progress(0.05, `reading ${name}`);
  const delimiterParam = String(params.delimiter ?? 'auto');
  if (delimiterParam !== 'auto') sqlParams.delim = delimiterChar(delimiterParam)!;
  let dialect: { delimiter: string; quote: string; escape: string };
  try {
    const [d] = await ctx.db.objects(
      `SELECT Delimiter AS delimiter, Quote AS quote, Escape AS escape FROM sniff_csv($path, ${options.join(', ')}${
        sqlParams.delim !== undefined ? ', delim = $delim' : ''
      }, ignore_errors = true)`,
      sqlParams,
    );
    dialect = { delimiter: String(d.delimiter), quote: sniffed(d.quote), escape: sniffed(d.escape) };
  } catch (e) {
    throw new NodeError(`${name}: ${duckMessage(e, path)}`);
  }
  sqlParams.delim = dialect.delimiter;
  options.push('delim = $delim');

  // 2. The scan: quotes that never close, and the records in the file. It runs in this thread
  // while DuckDB reads on its own threads; only when the sniffer dropped quoting does the read
  // wait for it (its result then decides the quoting).
  const scanQuote = quote.mode === 'char' ? quote.char : quote.mode === 'auto' ? dialect.quote || '"' : undefined;
  const scanEscape =
    escape.mode === 'char' ? escape.char : escape.mode === 'auto' && dialect.quote === scanQuote && dialect.escape ? dialect.escape : scanQuote;
  const scanning = scanCsv(path, {
    delimiter: dialect.delimiter,
    skip,
    encoding,
    ...(scanQuote !== undefined ? { quote: scanQuote } : {}),
    ...(scanEscape !== undefined ? { escape: scanEscape } : {}),
    ...(comment.mode === 'char' ? { comment: comment.char } : {}),
  });
  scanning.catch(() => {}); // awaited below; never an unhandled rejection meanwhile
  const refuseUnterminated = (scan: ScanResult): void => {
    if (!scan.unterminated) return;
    const { line, to } = scan.unterminated;
    const runsTo = to === undefined ? 'the end of the file' : `line ${to}, where text follows it`;
    throw new NodeError(
      `${name}: line ${line}: unterminated quote: the quoted value that opens here is not closed before ${runsTo}. ` +
        'Close the quote in the file, or set Quote to none if quote characters in this file are plain text.',
    );
  };
  // The sniffer found no quoting. If the file has no '"' at all (a quick native search), that
  // is simply right and the read need not wait for the scan.
  const quotingUnsure = quote.mode === 'auto' && dialect.quote === '' && (await fileHasByte(path, 0x22));
  let scanFirst: ScanResult | undefined;
  if (quotingUnsure) {
    scanFirst = await scanning;
    refuseUnterminated(scanFirst);
  }

  // 3. Quoting for the read. On auto, DuckDB's sniffer drops quoting when it meets a quote it
  // cannot place; if the scan found only well-formed quoted values, that was wrong (a UTF-8
  // byte-order mark before a quoted first header does it), so quote with '"'.
  let readQuote = quote.mode === 'char' ? quote.char : quote.mode === 'none' ? '' : dialect.quote;
  if (scanFirst && scanFirst.quotedValues > 0) {
    if (scanFirst.strayQuoteLine === undefined) {
      readQuote = '"';
    } else {
      ctx.log(
        'warn',
        `${name}: quote characters are read as plain text: line ${scanFirst.strayQuoteLine} has text after a closing quote. ` +
          'Set Quote to " to read quoted values (lines like that one then become bad rows).',
      );
    }
  }
  sqlParams.quote = readQuote;
  options.push('quote = $quote');
  if (escape.mode !== 'auto' || readQuote !== dialect.quote) {
    sqlParams.escape = escape.mode === 'char' ? escape.char : escape.mode === 'none' || readQuote === '' ? '' : readQuote;
  } else {
    sqlParams.escape = dialect.escape;
  }
  options.push('escape = $escape');

  sqlParams.nulls = (params.nullValues as string[] | undefined) ?? ['', 'NA'];
  options.push('nullstr = $nulls');
  if (overrides.length > 0) {
    sqlParams.types = structValue(Object.fromEntries(overrides.map((o) => [o.column, o.type])));
    options.push('types = $types');
  }

  // 4. The read. DuckDB's reject tables live in the connection: start from empty ones.
  ctx.progress(0.2, `reading ${name}`);
  for (const table of ['reject_errors', 'reject_scans']) await ctx.db.run(`DROP TABLE IF EXISTS ${table}`);
  // Straight from the CSV to Parquet, streaming: the table is never held in memory. A failed
  // check below discards the file with the node's temp folder.
  const out = ctx.tempPath('.parquet');
  const reading = ctx.db
    .run(
      `COPY (SELECT * FROM read_csv($path, ${options.join(', ')}, store_rejects = true)) TO ${quoteOwnPath(out)} (FORMAT parquet, COMPRESSION zstd)`,
      sqlParams,
    )
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  const scan = scanFirst ?? (await scanning);
  const readError = await reading;
  // An unterminated quote explains whatever DuckDB made of the file: it is the message to give.
  refuseUnterminated(scan);
  if (readError !== undefined) {
    const hint =
      scan.strayQuoteLine !== undefined && readQuote !== ''
        ? ` Line ${scan.strayQuoteLine} has text after a closing quote: fix it, or set Quote to none to read quotes as plain text.`
        : '';
    throw new NodeError(`${name}: ${duckMessage(readError, path)}${hint}`);
  }
  const { rows, columns } = await parquetShape(ctx, out);
  // DuckDB matches these names ignoring case, and ignores a name that matches no column.
  const missing = overrides.filter((o) => !columns.some((c) => c.name.toLowerCase() === o.column.toLowerCase())).map((o) => `"${o.column}"`);
  if (missing.length > 0) {
    throw new NodeError(
      `Column types: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not a column of ${name} (its columns: ${columns.map((c) => c.name).join(', ')})`,
    );
  }

  // DuckDB records one error per problem, so a line can have several (two values that do not
  // fit, or a bad value and an extra field): count and route lines, not errors, or the rejected
  // rows and the kept ones would not add up to the rows of the file.
  const badLines = `SELECT line::BIGINT AS line,
      string_agg(column_name, ', ' ORDER BY column_idx) AS column_name,
      array_to_string(list_sort(list_distinct(list(error_type::VARCHAR))), ', ') AS error_type,
      string_agg(error_message, '; ' ORDER BY column_idx) AS error,
      any_value(csv_line) AS csv_line
    FROM reject_errors GROUP BY line`;
  const rejects = await ctx.db.objects(`${badLines} ORDER BY line`);
  if (rejects.length > 0) {
    const named = rejects
      .slice(0, LINES_NAMED)
      .map((r) => `line ${r.line}: ${r.error}`)
      .join('; ');
    const more = rejects.length > LINES_NAMED ? ` and ${rejects.length - LINES_NAMED} more` : '';
    const encodingHint =
      encoding === 'utf-8' && rejects.some((r) => String(r.error_type).includes('INVALID ENCODING'))
        ? ' If the file is not UTF-8, set Encoding (latin-1).'
        : '';
    if (policy === 'fail') {
      throw new NodeError(
        `${name}: ${rejects.length} bad row${rejects.length === 1 ? '' : 's'} (${named}${more}). Fix the file, or set Bad rows to skip or reject.${encodingHint}`,
      );
    }
    ctx.log('warn', `${name}: ${policy === 'skip' ? 'skipped' : 'rejected'} ${rejects.length} bad row(s): ${named}${more}${encodingHint}`);
  }

  logLinesLeftOut(ctx, name, skip, scan);
  if (rows === 0 && rejects.length === 0) {
    const typed = overrides.length > 0 ? ' (except those given in Column types)' : '';
    ctx.log('warn', `${name}: no data rows${header ? ' (only the header)' : ''}; its columns are VARCHAR${typed}`);
  }
  // The cross-check: every record of the file is a row or a bad row.
  const records = scan.records - (header && scan.records > 0 ? 1 : 0) + (columns.length === 1 ? scan.blankLines : 0);
  if (records !== rows + rejects.length) {
    ctx.log(
      'warn',
      `${name}: the file holds ${records} records, but ${rows} rows were read and ${rejects.length} bad rows found; check Quote, Escape and Delimiter`,
    );
  }

  ctx.progress(0.8, 'writing rejected rows');
  const table = { kind: 'table', file: out, rows, columns } as const;
  if (opts.withRejected === false) {
    ctx.progress(1);
    return { out: table };
  }
  const rejected = ctx.tempPath('.parquet');
  const keep = policy === 'reject' ? '' : 'WHERE false';
  await ctx.db.run(`COPY (SELECT * FROM (${badLines}) ${keep} ORDER BY line) TO ${quoteOwnPath(rejected)} (FORMAT parquet)`);
  ctx.progress(1);
  return {
    out: table,
    rejected: { kind: 'table', file: rejected, rows: policy === 'reject' ? rejects.length : 0, columns: [...REJECTED_COLUMNS] },
  };
}

/** Whether `byte` occurs anywhere in the file: Buffer.indexOf over large chunks, at memory speed. */
async function fileHasByte(path: string, byte: number): Promise<boolean> {
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
    if (chunk.indexOf(byte) >= 0) return true;
  }
  return false;
}

/** sniff_csv names "no character" `(empty)`. */
function sniffed(value: unknown): string {
  const text = String(value ?? '');
  return text === '(empty)' ? '' : text;
}

function logLinesLeftOut(ctx: RunContext, name: string, skip: number, scan: ScanResult): void {
  if (skip > 0) ctx.log('info', `${name}: skipped the first ${skip} line${skip === 1 ? '' : 's'} (Lines to skip)`);
  if (scan.commentLines > 0) ctx.log('info', `${name}: left out ${scan.commentLines} comment line${scan.commentLines === 1 ? '' : 's'}`);
  if (scan.inlineComments > 0) {
    ctx.log(
      'warn',
      `${name}: ${scan.inlineComments} line${scan.inlineComments === 1 ? ' has' : 's have'} the comment character after some data (first: line ${scan.firstInlineCommentLine}); ` +
        'the rest of such a line is left out as a comment. Quote values that contain it, or clear Comment.',
    );
  }
}

/** True when the file holds nothing but a byte-order mark and white space (checked on small files only). */
function onlyBlank(path: string, size: number): boolean {
  if (size > 4096) return false;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, 0);
    return buf.toString('latin1').replace(/^\xef\xbb\xbf/, '').trim() === '';
  } finally {
    closeSync(fd);
  }
}

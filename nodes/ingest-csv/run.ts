import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { quoteOwnPath, tableColumns, type SqlParams } from '../../src-main/data/duckdb.js';
import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { delimiterChar, REJECTED_COLUMNS } from './spec.js';

/** How many bad lines a message or log names before it says "and N more". */
const LINES_NAMED = 5;

export const runIngestCsv: NodeRunFn = async (ctx, _inputs, params) => {
  const path = resolve(ctx.baseDir, String(params.path));
  const name = basename(path);
  if (!existsSync(path)) throw new NodeError(`file not found: ${path}`);
  if (!statSync(path).isFile()) throw new NodeError(`not a file: ${path}`);

  const sqlParams: SqlParams = {
    path,
    header: params.header !== false,
    nulls: (params.nullValues as string[] | undefined) ?? ['', 'NA'],
  };
  // Option names are fixed text; every value the user typed travels as a parameter.
  const options = ['header = $header', 'nullstr = $nulls', 'store_rejects = true'];
  const delimiter = String(params.delimiter ?? 'auto');
  if (delimiter !== 'auto') {
    const char = delimiterChar(delimiter);
    if (char === undefined) throw new NodeError(`delimiter must be "auto" or one character, not "${delimiter}"`);
    sqlParams.delim = char;
    options.push('delim = $delim');
  }
  ctx.progress(0.1, `reading ${name}`);
  try {
    await ctx.db.run(`CREATE TEMP TABLE src AS SELECT * FROM read_csv($path, ${options.join(', ')})`, sqlParams);
  } catch (e) {
    throw new NodeError(`${name}: ${firstLine(e)}`);
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
  const policy = String(params.badRows ?? 'fail');
  if (rejects.length > 0) {
    const named = rejects
      .slice(0, LINES_NAMED)
      .map((r) => `line ${r.line}: ${r.error}`)
      .join('; ');
    const more = rejects.length > LINES_NAMED ? ` and ${rejects.length - LINES_NAMED} more` : '';
    if (policy === 'fail') {
      throw new NodeError(
        `${name}: ${rejects.length} bad row${rejects.length === 1 ? '' : 's'} (${named}${more}). Fix the file, or set Bad rows to skip or reject.`,
      );
    }
    ctx.log('warn', `${name}: ${policy === 'skip' ? 'skipped' : 'rejected'} ${rejects.length} bad row(s): ${named}${more}`);
  }

  ctx.progress(0.6, 'writing table');
  const out = ctx.tempPath('.parquet');
  await ctx.db.run(`COPY src TO ${quoteOwnPath(out)} (FORMAT parquet, COMPRESSION zstd)`);
  const [{ n }] = await ctx.db.objects('SELECT count(*)::BIGINT AS n FROM src');

  const rejected = ctx.tempPath('.parquet');
  const keep = policy === 'reject' ? '' : 'WHERE false';
  await ctx.db.run(
    `COPY (SELECT * FROM (${badLines}) ${keep} ORDER BY line) TO ${quoteOwnPath(rejected)} (FORMAT parquet)`,
  );
  ctx.progress(1);
  return {
    out: { kind: 'table', file: out, rows: Number(n), columns: await tableColumns(ctx.db, 'src') },
    rejected: {
      kind: 'table',
      file: rejected,
      rows: policy === 'reject' ? rejects.length : 0,
      columns: [...REJECTED_COLUMNS],
    },
  };
};

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0].replace(/^(IO|Invalid Input|Conversion) Error: /, '');
}

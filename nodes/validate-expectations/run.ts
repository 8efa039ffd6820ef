import { quoteIdent, type SqlParams } from '../../src-main/data/duckdb.js';
import { writeTable } from '../../src-main/data/tables.js';
import { NodeError, type NodeRunFn, type RunContext } from '../../src-main/engine/node-runner.js';
import {
  checkLabel,
  checkName,
  checkProblems,
  checksSchema,
  columnFamily,
  EXAMPLES_PER_CHECK,
  FAILED_CHECKS_COLUMN,
  inFamily,
  ROW_COLUMN,
  rowCountSchema,
  TABLE_LEVEL_KINDS,
  type CheckExample,
  type CheckResult,
  type ExpectationCheck,
  type ExpectationsReport,
} from './spec.js';

/** Our own columns in the working table; an input column with this prefix is refused. */
const PREFIX = '__plumb_';
const ROW = `${PREFIX}row`;
const WORK = `${PREFIX}checked`;
/** How many row numbers a message names before "...". */
const ROWS_NAMED = 5;

/** A row-level check compiled to SQL: `expr` is true for a failing row (never NULL once wrapped). */
interface RowCheck {
  readonly index: number;
  readonly check: ExpectationCheck;
  readonly expr: string;
  readonly flag: string;
}

export const runValidateExpectations: NodeRunFn = async (ctx, inputs, params) => {
  const input = inputs.in;
  const columns = input.columns ?? [];
  const parsedChecks = checksSchema.safeParse(params.checks ?? []);
  if (!parsedChecks.success) throw paramError('checks', parsedChecks.error.issues);
  const parsedRowCount = rowCountSchema.safeParse(params.rowCount ?? {});
  if (!parsedRowCount.success) throw paramError('rowCount', parsedRowCount.error.issues);
  const checks = parsedChecks.data;
  const rowCount = parsedRowCount.data;

  const problems = checkProblems(checks, columns);
  const clash = columns.find((c) => c.name.startsWith(PREFIX));
  if (clash) problems.push(`the input has a column "${clash.name}"; names starting with "${PREFIX}" are reserved`);
  if (problems.length > 0) throw new NodeError(problems.join('; '));

  // Table-level checks need only the schema; checks on a missing column that a required check
  // covers are skipped (the required check reports the column under its own policy).
  const types = new Map(columns.map((c) => [c.name, c.type]));
  const results: (CheckResult | undefined)[] = checks.map((c, i) => tableLevel(c, i, types));
  const sqlParams: SqlParams = { in: input.path };
  const rowChecks: RowCheck[] = [];
  for (const [i, c] of checks.entries()) {
    if (results[i]) continue;
    const expr = await rowExpression(ctx, c, i, types.get(c.column)!, sqlParams);
    rowChecks.push({ index: i, check: c, expr, flag: `${PREFIX}f${i}` });
  }

  // One table with the input's rows numbered in scan order (DuckDB keeps insertion order) and a
  // boolean per row-level check; the numbering is its own subquery so no other window reorders
  // it. Everything else is aggregated from this table in SQL.
  ctx.progress(0.1, `checking ${input.rows ?? '?'} rows`);
  const flags = rowChecks.map((r) => `, coalesce(${r.expr}, false) AS ${quoteIdent(r.flag)}`).join('');
  try {
    await ctx.db.run(
      `CREATE OR REPLACE TEMP TABLE ${WORK} AS SELECT *${flags}
       FROM (SELECT row_number() OVER () AS ${ROW}, * FROM read_parquet($in))`,
      sqlParams,
    );
  } catch (e) {
    throw new NodeError(`could not evaluate the checks: ${firstLine(e)}`);
  }

  const rejectFlags = rowChecks.filter((r) => r.check.onFail === 'reject').map((r) => quoteIdent(r.flag));
  const rejectAny = rejectFlags.length > 0 ? rejectFlags.join(' OR ') : 'false';
  const counts = rowChecks.map((r) => `, count(*) FILTER (WHERE ${quoteIdent(r.flag)})::BIGINT AS c${r.index}`).join('');
  const [tally] = await ctx.db.objects(
    `SELECT count(*)::BIGINT AS n, count(*) FILTER (WHERE ${rejectAny})::BIGINT AS rejected${counts} FROM ${WORK}`,
  );
  const rows = Number(tally.n);
  const rowsRejected = Number(tally.rejected);

  ctx.progress(0.5, 'collecting failing rows');
  for (const r of rowChecks) {
    const failing = Number(tally[`c${r.index}`]);
    const examples =
      failing === 0
        ? []
        : await ctx.db.objects(
            `SELECT ${ROW}::BIGINT AS "row", ${quoteIdent(r.check.column)} AS "value" FROM ${WORK}
             WHERE ${quoteIdent(r.flag)} ORDER BY ${ROW} LIMIT ${EXAMPLES_PER_CHECK}`,
          );
    results[r.index] = result(r.check, r.index, {
      passed: failing === 0,
      failingRows: failing,
      examples: examples.map((e): CheckExample => ({ row: Number(e.row), value: e.value })),
    });
  }
  const checkResults = results as CheckResult[];
  const rowCountResult =
    rowCount.min === undefined && rowCount.max === undefined
      ? null
      : { ...rowCount, passed: (rowCount.min === undefined || rows >= rowCount.min) && (rowCount.max === undefined || rows <= rowCount.max) };

  // Policies: every failed `fail` check is named at once, so one run shows all there is to fix.
  const failed = checkResults.filter((r) => !r.passed && !r.skipped);
  const fatal = failed.filter((r) => r.onFail === 'fail').map(describeFailure);
  if (rowCountResult && !rowCountResult.passed && rowCountResult.onFail === 'fail') fatal.push(describeRowCount(rows, rowCountResult));
  if (fatal.length > 0) {
    throw new NodeError(`${fatal.length} check${fatal.length === 1 ? '' : 's'} failed: ${fatal.join('; ')}`);
  }
  for (const r of failed.filter((f) => f.onFail === 'warn')) ctx.log('warn', `${describeFailure(r)} (passed through: onFail is warn)`);
  if (rowCountResult && !rowCountResult.passed) ctx.log('warn', `${describeRowCount(rows, rowCountResult)} (onFail is warn)`);
  for (const r of checkResults.filter((c) => c.skipped)) ctx.log('warn', `checks[${r.index}] "${r.name}" skipped: ${r.message}`);
  const rejecting = failed.filter((r) => r.onFail === 'reject');
  if (rejecting.length > 0) {
    ctx.log('info', `rejected ${rowsRejected} of ${rows} rows: ${rejecting.map(describeFailure).join('; ')}`);
  }

  ctx.progress(0.7, 'writing tables');
  const inputColumns = columns.map((c) => quoteIdent(c.name)).join(', ');
  const meta = input.meta;
  const out = await writeTable(ctx, `SELECT ${inputColumns} FROM ${WORK} WHERE NOT (${rejectAny}) ORDER BY ${ROW}`, {}, meta);
  // Every row-level check that failed and did not stop the run (warn and reject) is named.
  const nameParams: SqlParams = {};
  const names = rowChecks.map((r) => {
    nameParams[`n${r.index}`] = checkName(r.check);
    return `CASE WHEN ${quoteIdent(r.flag)} THEN $n${r.index} END`;
  });
  const failedList = names.length > 0 ? `list_filter([${names.join(', ')}], lambda x: x IS NOT NULL)` : '[]';
  const rejected = await writeTable(
    ctx,
    `SELECT ${inputColumns}, ${ROW}::BIGINT AS ${quoteIdent(ROW_COLUMN)}, CAST(${failedList} AS VARCHAR[]) AS ${quoteIdent(FAILED_CHECKS_COLUMN)}
     FROM ${WORK} WHERE ${rejectAny} ORDER BY ${ROW}`,
    nameParams,
    meta,
  );
  await ctx.db.run(`DROP TABLE ${WORK}`);
  if (out.rows + rejected.rows !== rows || rejected.rows !== rowsRejected) {
    throw new Error(`row accounting broke: ${out.rows} out + ${rejected.rows} rejected != ${rows} input rows`);
  }

  ctx.metric('rows', rows);
  ctx.metric('rows_rejected', rowsRejected);
  ctx.metric('checks_failed', failed.length + (rowCountResult && !rowCountResult.passed ? 1 : 0));
  ctx.progress(1);
  const report: ExpectationsReport = {
    kind: 'expectations',
    passed: failed.length === 0 && checkResults.every((r) => !r.skipped) && (rowCountResult?.passed ?? true),
    rows,
    rowsOut: out.rows,
    rowsRejected,
    checks: checkResults,
    rowCount: rowCountResult,
  };
  return { out, rejected, report: { kind: 'report', data: report } };
};

/** The engine validates params before a run; this guards callers that do not. */
function paramError(label: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): NodeError {
  const issue = issues[0];
  const where = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
  return new NodeError(`${label}${where ? ` ${where}` : ''}: ${issue.message}`);
}

function result(c: ExpectationCheck, index: number, outcome: Pick<CheckResult, 'passed' | 'failingRows' | 'examples' | 'message' | 'skipped'>): CheckResult {
  const { kind, column, onFail, name: _name, ...args } = c;
  return { index, name: checkName(c), column, kind, args, onFail, ...outcome };
}

/** The result of a check decided by the schema alone, or undefined for a row-level check. */
function tableLevel(c: ExpectationCheck, index: number, types: ReadonlyMap<string, string>): CheckResult | undefined {
  const type = types.get(c.column);
  const none = { failingRows: null, examples: [] };
  if (c.kind === 'required') {
    return result(c, index, { ...none, passed: type !== undefined, ...(type === undefined ? { message: `column "${c.column}" is not in the input` } : {}) });
  }
  if (type === undefined) {
    // checkProblems guarantees a required check covers this column.
    return result(c, index, { ...none, passed: false, skipped: true, message: `column "${c.column}" is not in the input` });
  }
  if (c.kind === 'type') {
    const passed = c.types.some((f) => inFamily(type, f));
    const message = `"${c.column}" is ${type} (${columnFamily(type)}), not ${c.types.join(' or ')}`;
    return result(c, index, { ...none, passed, ...(passed ? {} : { message }) });
  }
  if (TABLE_LEVEL_KINDS.includes(c.kind)) throw new Error(`unhandled table-level check ${c.kind}`);
  return undefined;
}

/**
 * The SQL of a row-level check: true when the row fails. Values the user typed are added to
 * `params` as `$p<index>_<what>`; a value that does not read as its column's type, or a pattern
 * DuckDB cannot compile, fails the run naming the check.
 */
async function rowExpression(ctx: RunContext, c: ExpectationCheck, index: number, type: string, params: SqlParams): Promise<string> {
  const col = quoteIdent(c.column);
  const at = checkLabel(index, c);
  const p = (what: string): string => `p${index}_${what}`;
  const family = columnFamily(type);
  // The type user values are read as, to compare with the column: fixed text, never user text.
  const sqlType =
    family === 'integer' || family === 'float' || family === 'decimal'
      ? 'DOUBLE'
      : family === 'date'
        ? 'DATE'
        : family === 'timestamp'
          ? /TIME ZONE/i.test(type)
            ? 'TIMESTAMPTZ'
            : 'TIMESTAMP'
          : family === 'boolean'
            ? 'BOOLEAN'
            : 'VARCHAR';
  const value = family === 'other' ? `${col}::VARCHAR` : col;
  const readable = async (values: readonly string[], what: string): Promise<void> => {
    if (sqlType === 'VARCHAR') return;
    const [row] = await ctx.db.objects(`SELECT list_filter($v, lambda x: TRY_CAST(x AS ${sqlType}) IS NULL) AS bad`, { v: values });
    const bad = row.bad as string[];
    if (bad.length > 0) throw new NodeError(`${at}: ${what} "${bad[0]}" is not a valid ${sqlType.toLowerCase()} for "${c.column}" (${type})`);
  };
  switch (c.kind) {
    case 'not_null':
      return `${col} IS NULL`;
    case 'unique':
      return `${col} IS NOT NULL AND count(*) OVER (PARTITION BY ${col}) > 1`;
    case 'regex': {
      params[p('re')] = c.pattern;
      try {
        await ctx.db.run(`SELECT regexp_full_match('', $re)`, { re: c.pattern });
      } catch (e) {
        throw new NodeError(`${at}: invalid pattern ${JSON.stringify(c.pattern)}: ${firstLine(e)}`);
      }
      return `NOT regexp_full_match(${col}::VARCHAR, $${p('re')})`;
    }
    case 'range': {
      // A row fails below min or above max; the inclusive flags decide whether the bound itself passes.
      const fails: string[] = [];
      for (const [key, op] of [
        ['min', c.minInclusive ? '<' : '<='],
        ['max', c.maxInclusive ? '>' : '>='],
      ] as const) {
        const bound = c[key];
        if (bound === undefined) continue;
        await readable([String(bound)], key);
        params[p(key)] = String(bound);
        fails.push(`${value} ${op} CAST($${p(key)} AS ${sqlType})`);
      }
      return fails.join(' OR ');
    }
    case 'allowed': {
      const values = c.values.map(String);
      await readable(values, 'value');
      params[p('values')] = values;
      const list = sqlType === 'VARCHAR' ? `$${p('values')}` : `CAST($${p('values')} AS ${sqlType}[])`;
      return `${col} IS NOT NULL AND NOT list_contains(${list}, ${value})`;
    }
    case 'required':
    case 'type':
      throw new Error(`${c.kind} is a table-level check`);
  }
}

function describeFailure(r: CheckResult): string {
  const at = `checks[${r.index}] "${r.name}"`;
  if (r.failingRows === null) return `${at}: ${r.message ?? 'failed'}`;
  const rows = r.examples.slice(0, ROWS_NAMED).map((e) => e.row).join(', ');
  const more = r.failingRows > ROWS_NAMED ? ', ...' : '';
  return `${at}: ${r.failingRows} row${r.failingRows === 1 ? '' : 's'} (row${r.failingRows === 1 ? '' : 's'} ${rows}${more})`;
}

function describeRowCount(rows: number, b: { min?: number; max?: number }): string {
  if (b.min !== undefined && rows < b.min) return `row count: ${rows} rows, fewer than the minimum ${b.min}`;
  return `row count: ${rows} rows, more than the maximum ${b.max}`;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0].replace(/^(Invalid Input|Conversion|Binder|Parser) Error: /, '');
}

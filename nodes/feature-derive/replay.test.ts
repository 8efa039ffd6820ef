import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDatabase, type DuckSession } from '../../src-main/data/duckdb.js';
import { compileExpression } from '../../src-shared/expr/compile.js';
import { rowEvaluator } from '../../src-shared/expr/evaluate.js';
import { FUNCTIONS } from '../../src-shared/expr/functions.js';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';

/**
 * The row evaluator against DuckDB itself: each expression is compiled to the SQL the node runs,
 * DuckDB computes it over a table of tricky rows, and the evaluator must give the same value on
 * every row (numbers to 1e-12, the rest exactly) or fail on exactly the rows DuckDB fails on.
 * The same happens through the real node and applyChain in run.test.ts's neighbour
 * (chain-replay), on a CSV.
 */
let duck: DuckDatabase;
let db: DuckSession;

/** The tricky rows: nulls, zeros, negatives, extremes of BIGINT, NaN and the infinities, -0, unicode, dates before 1970 and BC. */
const TABLE = `
CREATE TABLE t AS SELECT * FROM (VALUES
  (1,  7::BIGINT,  2::BIGINT,    2.5::DOUBLE,  0.5::DOUBLE,   'Hello'::VARCHAR,  'l'::VARCHAR, true,  DATE '2020-02-29', TIMESTAMP '2020-02-29 13:45:10.25', 3::INTEGER, 1.25::DECIMAL(10,2)),
  (2,  -7,         0,            -2.5,         0.0,           '  padded  ',      ' ',          false, DATE '1969-12-31', TIMESTAMP '1969-12-31 23:59:59.999999', -3, -0.5),
  (3,  0,          -3,           0.0,          -0.0,          '',                '',           NULL,  DATE '1900-03-01', TIMESTAMP '1900-03-01 00:00:00', 0, 0),
  (4,  NULL,       5,            NULL,         3.0,           NULL,              'x',          true,  NULL,              NULL, NULL, NULL),
  (5,  9223372036854775807, 1,   1e300,        -1e-300,       'ÉTÉ straße',      'ß',          false, DATE '2000-01-01', TIMESTAMP '2000-01-01 00:00:00.000001', 2147483647, 99999999.99),
  (6,  -9223372036854775808, -1, 'NaN',        'NaN',         '日本語👍 ǅ',        '👍',          true,  DATE '0044-03-15 (BC)', TIMESTAMP '1677-09-21 00:12:44', -2147483648, -99999999.99),
  (7,  4611686018427387904, 2,   'Infinity',   '-Infinity',   'İstanbul ΣΑΣ ᾳ',  'Σ',          true,  DATE '2024-12-31', TIMESTAMP '2024-12-31 23:59:59', 1, 0.01),
  (8,  -1,         -1,           -1.0,         2.0,           'ﬁn ǈ Ǆ',          'ﬁ',          false, DATE '1970-01-01', TIMESTAMP '1970-01-01 00:00:00', -1, 12.5),
  (9,  123456789,  10,           -0.49999999999999994, 1e-7, 'a\tb\n ',         'b',          true,  DATE '1999-12-31', TIMESTAMP '2001-03-04 05:06:07.5', 100, 0.05),
  (10, -12,        5,            1234.5678,    -3.0,          'Zoë',             'ë',          false, DATE '2021-01-01', TIMESTAMP '2019-12-30 12:00:00', 7, 2.5)
) v(id, i, j, x, y, s, t, b, d, ts, n32, dec)`;

let columns: ColumnSchema[];
let rows: Record<string, unknown>[];

beforeAll(async () => {
  duck = await DuckDatabase.open({ threads: 1 });
  db = await duck.session();
  await db.run(TABLE);
  columns = (await db.objects('SELECT column_name, column_type FROM (DESCRIBE t)')).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  rows = await db.objects('SELECT * FROM t ORDER BY id');
});

afterAll(() => {
  db?.close();
  duck?.dispose();
});

/** What DuckDB gives for the expression on each row: a value, or the error it fails with. */
async function duckdbValues(sql: string, params: Record<string, string | number | boolean | null>): Promise<({ value: unknown } | { error: string })[]> {
  try {
    const all = await db.objects(`SELECT ${sql} AS v FROM t ORDER BY id`, params);
    return all.map((r) => ({ value: r.v }));
  } catch {
    // Some row fails (an overflow): find which, one row at a time.
    const out: ({ value: unknown } | { error: string })[] = [];
    for (const row of rows) {
      try {
        const [r] = await db.objects(`SELECT ${sql} AS v FROM t WHERE id = $id`, { ...params, id: row.id as number });
        out.push({ value: r.v });
      } catch (e) {
        out.push({ error: (e as Error).message.split('\n')[0] });
      }
    }
    return out;
  }
}

function same(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (expected === actual) return true;
    return Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
  }
  return actual === expected;
}

/** Compares the evaluator with DuckDB on every row; returns the mismatches, described. */
async function mismatches(text: string): Promise<string[]> {
  const compiled = compileExpression(text, columns);
  if (!compiled.ok) throw new Error(`${text}: ${compiled.errors[0].message}`);
  const expected = await duckdbValues(compiled.sql, compiled.params);
  const evaluator = rowEvaluator(compiled.ast, columns);
  expect(evaluator.type, text).toBe(compiled.type);
  const found: string[] = [];
  rows.forEach((row, k) => {
    const want = expected[k];
    let got: { value: unknown } | { error: string };
    try {
      got = { value: evaluator.evaluate(row) };
    } catch (e) {
      got = { error: (e as Error).message };
    }
    const ok = 'error' in want ? 'error' in got : 'value' in got && same(got.value, want.value);
    if (!ok) found.push(`${text} on row ${row.id}: DuckDB ${JSON.stringify(want)}, replay ${JSON.stringify(got)}`);
  });
  return found;
}

/** Per function (every one in functions.ts) and operator, expressions over the tricky columns. */
const CASES: Readonly<Record<string, readonly string[]>> = {
  '+': ['i + j', 'x + y', 'i + x', 'n32 + j', 'dec + 1', 'i + 1'],
  '-': ['i - j', 'x - y', '- i', '- x', 'i - 1', 'j - 2'],
  '*': ['i * j', 'x * y', 'j * 2.5', 'n32 * n32', 'x * 1e10'],
  '/': ['i / j', 'x / y', 'i / 3', 'x / 0.5', 'n32 / j', 'dec / y', '7 / 2'],
  '%': ['i % j', 'x % y', 'i % 3', 'x % 2.0', 'j % 4', 'n32 % j'],
  comparisons: ['i = j', 'x != y', 'x < y', 'x <= y', 'x > y', 'x >= y', 'i > x', 's < t', 's >= t', 'b = true', 'b < true', 'd < ts', "d >= '2000-01-01'", "ts > '2000-01-01 00:00:00'", 'x = x', 'y < x'],
  logic: ['b and x > 0', 'b or x > 0', 'not b', 'b and null', 'b or null', 'not (x > y) or b'],
  'is null': ['x is null', 's is not null', 'd is null', 'b is not null', 'x / y is null'],
  in: ['j in (1, 2, 5)', 'j not in (1, 2)', 'x in (2.5, 0.0, 1)', "s in ('Hello', '')", "d in ('2020-02-29', '1970-01-01')", 'j in (i, 5)', 'j not in (i, 5)'],
  if: ["if(x > 0, 'pos', 'other')", 'if(b, i, x)', 'if(j = 0, 0, i / j)', 'if(b, null, j)', "if(b, d, '2000-01-01')", 'if(x is null, 1.5, x)'],
  abs: ['abs(i)', 'abs(x)', 'abs(n32)', 'abs(dec)'],
  round: ['round(x)', 'round(x, 2)', 'round(x, -2)', 'round(dec, 1)', 'round(i, -3)', 'round(y, 400)', 'round(x, -400)', 'round(x, j)', 'round(1234.5678, 2)', 'round(2.675, 2)', 'round(0.5)', 'round(-0.5)'],
  floor: ['floor(x)', 'floor(i)', 'floor(dec)'],
  ceil: ['ceil(x)', 'ceil(y)', 'ceil(n32)'],
  sqrt: ['sqrt(x)', 'sqrt(i)', 'sqrt(y)'],
  log: ['log(x)', 'log(j)', 'log(y)'],
  log1p: ['log1p(x)', 'log1p(y)', 'log1p(j)'],
  exp: ['exp(x)', 'exp(y)', 'exp(j)'],
  pow: ['pow(x, y)', 'pow(j, 2)', 'pow(y, 0.5)', 'pow(x, j)', 'pow(j, y)', 'pow(-8, 1.0 / 3)', 'pow(0, j)', 'pow(1, x)', 'pow(-1, y)'],
  min: ['min(x, y)', 'min(i, j)', 'min(i, y)', 'min(s, t)', 'min(d, ts)', "min(d, '2000-01-01')"],
  max: ['max(x, y)', 'max(i, j)', 'max(s, t)', 'max(b, false)', 'max(d, ts)'],
  coalesce: ['coalesce(x, y)', 'coalesce(i, j, 0)', 'coalesce(s, t)', 'coalesce(i, y)', "coalesce(d, '1999-01-01')"],
  lower: ['lower(s)', 'lower(t)'],
  upper: ['upper(s)', 'upper(t)'],
  trim: ['trim(s)', 'trim(t)'],
  length: ['length(s)', 'length(t)'],
  substr: ['substr(s, 2)', 'substr(s, 2, 3)', 'substr(s, -3)', 'substr(s, 0, 2)', 'substr(s, j, j)', 'substr(s, j)', 'substr(s, 2, -1)', 'substr(s, -2, -2)', 'substr(s, x, y)', 'substr(s, 1, 4294967296)', 'substr(s, 4294967295)'],
  contains: ['contains(s, t)', "contains(s, '')", "contains(s, 'ß')"],
  starts_with: ['starts_with(s, t)', "starts_with(s, 'H')"],
  year: ['year(d)', 'year(ts)', "year('2020-05-06')"],
  month: ['month(d)', 'month(ts)'],
  day: ['day(d)', 'day(ts)'],
  date_diff: [
    ...['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'].flatMap((u) => [
      `date_diff('${u}', d, '2020-06-15')`,
      `date_diff('${u}', ts, '2020-06-15 10:30:00')`,
      `date_diff('${u}', d, ts)`,
      `date_diff('${u}', '1969-07-20', d)`,
    ]),
    "date_diff('DAY', d, d)",
  ],
};

describe('the row evaluator gives what DuckDB gives for the compiled SQL', () => {
  it('covers every function of the language', () => {
    expect([...FUNCTIONS.keys()].filter((f) => !CASES[f])).toEqual([]);
  });

  for (const [what, texts] of Object.entries(CASES)) {
    it(what, async () => {
      const found: string[] = [];
      for (const text of texts) found.push(...(await mismatches(text)));
      expect(found).toEqual([]);
    });
  }

  it('substr over a grid of starts and lengths', async () => {
    const found: string[] = [];
    for (const start of [-7, -3, -1, 0, 1, 2, 5, 9]) {
      for (const length of [-4, -1, 0, 1, 2, 3, 10]) found.push(...(await mismatches(`substr(s, ${start}, ${length})`)));
      found.push(...(await mismatches(`substr(s, ${start})`)));
    }
    expect(found).toEqual([]);
  });

  it('fails on the rows where DuckDB fails: BIGINT overflow, out-of-range digits', async () => {
    // Row 5 and 6 hold BIGINT's extremes: these overflow there, as in DuckDB.
    const texts = ['j + 9223372036854775807', 'i + 1', 'i * 2', '- i', 'abs(i)', 'i % j', 'round(x, i)'];
    for (const text of texts) expect(await mismatches(text), text).toEqual([]);
    const compiled = compileExpression('i + 1', columns);
    if (!compiled.ok) throw new Error('does not compile');
    expect(() => rowEvaluator(compiled.ast, columns).evaluate(rows[4])).toThrow(/Overflow in addition of INT64/);
  });
});

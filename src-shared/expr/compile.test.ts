import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnSchema } from '../nodes/spec.js';
import { compileAst, compileExpression, type CompiledExpression } from './compile.js';
import { formatExprError, formatExprErrorWithCaret, type ExprError } from './errors.js';
import { FUNCTIONS } from './functions.js';
import { compileParam } from './param.js';
import { quoteIdent } from './sql.js';

/**
 * The compiler against a real DuckDB: each expression is compiled against the table's schema,
 * run, and its values and type compared with what the language promises.
 */
let instance: DuckDBInstance;
let conn: DuckDBConnection;
let columns: ColumnSchema[];

const ODD = 'it\'s "odd"]';

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', threads: '1' });
  conn = await instance.connect();
  await conn.run(`CREATE TABLE t AS SELECT * FROM (VALUES
      (1, 4, 2.5, 'Hello World', true, DATE '2020-01-15', TIMESTAMP '2020-01-15 10:30:00', 7::INTEGER, 12.50::DECIMAL(10,2), 29.85, 'x', 'Adelie'::ENUM('Adelie', 'Gentoo'), '\\x00'::BLOB),
      (2, 0, 0.0, '  pad  ', false, DATE '2021-03-01', TIMESTAMP '2021-03-01 00:00:00', 2147483647::INTEGER, 0.10::DECIMAL(10,2), 0.0, 'y', 'Gentoo', NULL),
      (3, -9, -1.5, '', NULL, NULL, NULL, -3::INTEGER, -1.00::DECIMAL(10,2), NULL, NULL, NULL, NULL),
      (4, NULL, NULL, NULL, true, DATE '2019-12-31', TIMESTAMP '2019-12-31 23:59:59', NULL, NULL, 100.0, 'z', 'Adelie', NULL)
    ) v(id, n, x, s, b, d, ts, i, "dec", "monthly charges", ${quoteIdent(ODD)}, species, raw)`);
  await conn.run('CREATE TABLE x AS SELECT 1 AS a');
  const described = await conn.runAndReadAll('DESCRIBE t');
  columns = described.getRowObjectsJson().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
});

afterAll(() => {
  conn?.closeSync();
  instance?.closeSync();
});

/** `unknown`: compile without the columns, as before a run. */
type Cols = readonly ColumnSchema[] | 'unknown';
const schema = (cols: Cols | undefined) => (cols === 'unknown' ? undefined : (cols ?? columns));

function compiled(text: string, cols?: Cols): CompiledExpression {
  const r = compileExpression(text, schema(cols));
  if (!r.ok) throw new Error(r.errors.map((e) => formatExprErrorWithCaret(text, e)).join('\n'));
  return r;
}

function errorsOf(text: string, cols?: Cols): readonly ExprError[] {
  const r = compileExpression(text, schema(cols));
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to fail; it compiled to ${r.sql}`);
  return r.errors;
}

/** DuckDB hands BIGINTs to JSON as text; numbers compare better. */
function plain(v: unknown, type: string): unknown {
  return type === 'BIGINT' && typeof v === 'string' ? Number(v) : v;
}

async function query(sql: string, params: Readonly<Record<string, DuckDBValue>>): Promise<{ type: string; values: unknown[] }> {
  const reader = await conn.runAndReadAll(sql, params as Record<string, DuckDBValue>);
  const type = String(reader.columnTypes()[0]);
  return { type, values: reader.getRowsJson().map((row) => plain(row[0], type)) };
}

/** The expression's value on each row of t (by id), and the type DuckDB gives it. */
async function evaluate(text: string): Promise<{ type: string; values: unknown[]; c: CompiledExpression }> {
  const c = compiled(text);
  const { type, values } = await query(`SELECT ${c.sql} AS v FROM t ORDER BY id`, c.params);
  // The type the compiler announced (what inferSchema reports) is the type DuckDB produced.
  expect(type).toBe(c.type);
  return { type, values, c };
}

/** How many rows of t each guard of the expression fires on. */
async function guardCounts(c: CompiledExpression): Promise<number[]> {
  const counts = [];
  for (const g of c.guards) {
    const { values } = await query(`SELECT count(*) FILTER (WHERE ${g.sql})::BIGINT AS n FROM t`, g.params);
    counts.push(values[0] as number);
  }
  return counts;
}

const close = (values: unknown[], expected: (number | null)[]) => {
  expect(values).toHaveLength(expected.length);
  values.forEach((v, i) => (expected[i] === null ? expect(v).toBeNull() : expect(v as number).toBeCloseTo(expected[i]!, 10)));
};

describe('every function, run in DuckDB (rows: n = 4, 0, -9, null; x = 2.5, 0, -1.5, null)', () => {
  const covered = new Set<string>();
  const cases: [string, string, unknown[]][] = [
    ['abs(n)', 'BIGINT', [4, 0, 9, null]],
    ['abs(x)', 'DOUBLE', [2.5, 0, 1.5, null]],
    ['round(x)', 'DOUBLE', [3, 0, -2, null]],
    ['round(n / 3, 2)', 'DOUBLE', [1.33, 0, -3, null]],
    ['round(1234.5678, -2)', 'DOUBLE', [1200, 1200, 1200, 1200]],
    ['floor(x)', 'DOUBLE', [2, 0, -2, null]],
    ['ceil(x)', 'DOUBLE', [3, 0, -1, null]],
    ['sqrt(n)', 'DOUBLE', [2, 0, null, null]],
    ['log(n)', 'DOUBLE', [Math.log(4), null, null, null]],
    ['log1p(x)', 'DOUBLE', [Math.log1p(2.5), 0, null, null]],
    ['exp(x)', 'DOUBLE', [Math.exp(2.5), 1, Math.exp(-1.5), null]],
    ['pow(n, 2)', 'DOUBLE', [16, 0, 81, null]],
    ['pow(x, 0.5)', 'DOUBLE', [Math.sqrt(2.5), 0, null, null]],
    ['pow(n, -1)', 'DOUBLE', [0.25, null, -1 / 9, null]],
    ['min(n, 1)', 'BIGINT', [1, 0, -9, 1]],
    ['max(n, x)', 'DOUBLE', [4, 0, -1.5, null]],
    ["min(s, 'b')", 'VARCHAR', ['Hello World', '  pad  ', '', 'b']],
    ["max(d, '2020-06-01')", 'DATE', ['2020-06-01', '2021-03-01', '2020-06-01', '2020-06-01']],
    ['coalesce(n, -1)', 'BIGINT', [4, 0, -9, -1]],
    ["coalesce(s, 'none', 'never')", 'VARCHAR', ['Hello World', '  pad  ', '', 'none']],
    ['lower(s)', 'VARCHAR', ['hello world', '  pad  ', '', null]],
    ['upper(s)', 'VARCHAR', ['HELLO WORLD', '  PAD  ', '', null]],
    ['trim(s)', 'VARCHAR', ['Hello World', 'pad', '', null]],
    ['length(s)', 'BIGINT', [11, 7, 0, null]],
    ['substr(s, 1, 5)', 'VARCHAR', ['Hello', '  pad', '', null]],
    ['substr(s, 7)', 'VARCHAR', ['World', ' ', '', null]],
    ["contains(s, 'o')", 'BOOLEAN', [true, false, false, null]],
    ["starts_with(s, 'He')", 'BOOLEAN', [true, false, false, null]],
    ['year(d)', 'BIGINT', [2020, 2021, null, 2019]],
    ['month(d)', 'BIGINT', [1, 3, null, 12]],
    ['day(d)', 'BIGINT', [15, 1, null, 31]],
    ['year(ts) * 100 + month(ts)', 'BIGINT', [202001, 202103, null, 201912]],
    ["date_diff('day', d, '2021-03-01')", 'BIGINT', [411, 0, null, 426]],
    ["date_diff('Month', d, ts)", 'BIGINT', [0, 0, null, 0]],
    ["date_diff('hour', '2020-01-15', ts)", 'BIGINT', [10, 9864, null, -337]],
    ["if(n > 0, 'positive', 'not positive')", 'VARCHAR', ['positive', 'not positive', 'not positive', 'not positive']],
    ['if(b, n, x)', 'DOUBLE', [4, 0, -1.5, null]],
  ];

  it.each(cases)('%s is %s %j', async (text, type, expected) => {
    const { type: actual, values, c } = await evaluate(text);
    expect(actual).toBe(type);
    if (type === 'DOUBLE') close(values, expected as (number | null)[]);
    else expect(values).toEqual(expected);
    const walk = (e: typeof c.ast): void => {
      if (e.kind === 'call') {
        covered.add(e.name);
        e.args.forEach(walk);
      } else if (e.kind === 'binary') [e.left, e.right].forEach(walk);
    };
    walk(c.ast);
  });

  it('covers every function of the allow-list', () => {
    expect([...FUNCTIONS.keys()].filter((f) => !covered.has(f))).toEqual([]);
  });

  it('maps log to the natural logarithm (DuckDB\'s log is base 10)', () => {
    expect(compiled('log(x)').sql).toContain('ln(');
    expect(compiled('min(n, 1)').sql).toContain('least(');
    expect(compiled('max(n, 1)').sql).toContain('greatest(');
  });
});

describe('arithmetic, comparisons and nulls', () => {
  it.each<[string, string, unknown[]]>([
    ['n + 1', 'BIGINT', [5, 1, -8, null]],
    ['n * null', 'BIGINT', [null, null, null, null]],
    ['null + 1', 'BIGINT', [null, null, null, null]],
    ['-n', 'BIGINT', [-4, 0, 9, null]],
    ['n / 2', 'DOUBLE', [2, 0, -4.5, null]],
    ['7 / 2', 'DOUBLE', [3.5, 3.5, 3.5, 3.5]],
    ['n % 3', 'BIGINT', [1, 0, 0, null]],
    ['x * 2 + n', 'DOUBLE', [9, 0, -12, null]],
    ['i + 1', 'BIGINT', [8, 2147483648, -2, null]],
    ['dec * 2', 'DOUBLE', [25, 0.2, -2, null]],
    ['n is null', 'BOOLEAN', [false, false, false, true]],
    ['n is not null', 'BOOLEAN', [true, true, true, false]],
    ['raw is null', 'BOOLEAN', [false, true, true, true]],
    ['n > 0', 'BOOLEAN', [true, false, false, null]],
    ['not (n > 0)', 'BOOLEAN', [false, true, true, null]],
    ['b and n > 0', 'BOOLEAN', [true, false, false, null]],
    ['b or n > 0', 'BOOLEAN', [true, false, null, true]],
    ['n in (0, 4)', 'BOOLEAN', [true, true, false, null]],
    ['n not in (0, 4)', 'BOOLEAN', [false, false, true, null]],
    ["species = 'Adelie'", 'BOOLEAN', [true, false, null, true]],
    ["species in ('Gentoo', 'Chinstrap')", 'BOOLEAN', [false, true, null, false]],
    ["d > '2020-02-01'", 'BOOLEAN', [false, true, null, false]],
    ["ts >= '2020-01-15 10:00'", 'BOOLEAN', [true, true, null, false]],
    ['d < ts', 'BOOLEAN', [true, false, null, true]],
    ["s = 'Hello World' and b", 'BOOLEAN', [true, false, false, null]],
    ['b = true', 'BOOLEAN', [true, false, null, true]],
    ['N + 1 = 5', 'BOOLEAN', [true, false, false, null]],
    ['[monthly charges] * 2', 'DOUBLE', [59.7, 0, null, 200]],
    [`[${ODD.replace(/]/g, ']]')}] != 'y'`, 'BOOLEAN', [true, false, null, true]],
    ['n', 'BIGINT', [4, 0, -9, null]],
    ['species', 'VARCHAR', ['Adelie', 'Gentoo', null, 'Adelie']],
    ['true', 'BOOLEAN', [true, true, true, true]],
  ])('%s is %s %j', async (text, type, expected) => {
    const { type: actual, values } = await evaluate(text);
    expect(actual).toBe(type);
    if (type === 'DOUBLE') close(values, expected as (number | null)[]);
    else expect(values).toEqual(expected);
  });

  it('resolves column names without regard to case, preferring an exact match, and lists the columns read', () => {
    const c = compiled('N + X + n');
    expect(c.columns).toEqual(['n', 'x']);
    expect(c.canonical).toBe('n + x + n');
    const twoCases = [
      { name: 'a', type: 'BIGINT' },
      { name: 'A', type: 'DOUBLE' },
    ];
    expect(compiled('A', twoCases).type).toBe('DOUBLE');
    expect(errorsOf('aa', twoCases)[0].message).toMatch(/unknown column "aa"/);
  });

  it('divides by zero into null (not Infinity, not an error), and its guard counts the rows', async () => {
    const { values, c } = await evaluate('x / n');
    close(values, [0.625, null, 1.5 / 9, null]);
    expect(c.guards).toHaveLength(1);
    expect(c.guards[0]).toMatchObject({ message: 'division by zero in "x / n"', position: 1, length: 5, line: 1, column: 1 });
    expect(await guardCounts(c)).toEqual([1]);
    const mod = await evaluate('n % n');
    expect(mod.values).toEqual([0, null, 0, null]);
    expect(await guardCounts(mod.c)).toEqual([1]);
  });

  it('counts a guard only on the rows that take its branch of if()', async () => {
    const { values, c } = await evaluate('if(n != 0, x / n, 0.0) + sqrt(x)');
    close(values, [0.625 + Math.sqrt(2.5), 0, null, null]);
    // Row 2 (n = 0) takes the else branch; row 3 has x < 0 for sqrt.
    expect(await guardCounts(c)).toEqual([0, 1]);
    expect(c.guards.map((g) => g.message)).toEqual(['division by zero in "x / n"', 'square root of a negative number in "sqrt(x)"']);
  });

  it('does not guard a division by a constant, and refuses a division by the constant 0', () => {
    expect(compiled('x / 2').guards).toEqual([]);
    expect(compiled('x / 2').sql).not.toContain('NULLIF');
    expect(errorsOf('x / 0')[0]).toMatchObject({ message: 'division by zero: the result would always be null', position: 5 });
  });

  it('fails the query on a whole-number overflow rather than wrapping around', async () => {
    const c = compiled('n * 4000000000000000 * 4000');
    await expect(query(`SELECT ${c.sql} FROM t`, c.params)).rejects.toThrow(/Overflow/);
  });
});

describe('SQL injection stays inert', () => {
  const attack = "'); DROP TABLE x; --";

  it('keeps text as a parameter: the SQL holds no quote and none of the text', async () => {
    const text = `s = '${attack.replace(/'/g, "''")}' or s = 'Hello World'`;
    const { values, c } = await evaluate(text);
    expect(c.sql).not.toContain("'");
    expect(c.sql).not.toContain('DROP');
    expect(Object.values(c.params)).toContain(attack);
    expect(values).toEqual([true, false, false, null]);
    const { values: left } = await query('SELECT count(*)::BIGINT FROM x', {});
    expect(left).toEqual([1]);
  });

  it('finds a row holding the attack text, byte for byte', async () => {
    await conn.run('CREATE TABLE attacked AS SELECT $v AS s', { v: attack });
    const c = compiled(`s = '${attack.replace(/'/g, "''")}'`, [{ name: 's', type: 'VARCHAR' }]);
    const { values } = await query(`SELECT ${c.sql} FROM attacked`, c.params);
    expect(values).toEqual([true]);
  });

  it('quotes a column name holding SQL as an identifier', async () => {
    const names = ['"); DROP TABLE x; --', "'); DROP TABLE x; --", 'a]b'];
    await conn.run(`CREATE TABLE inj AS SELECT ${names.map((n, i) => `${i + 1} AS ${quoteIdent(n)}`).join(', ')}`);
    const cols = names.map((name) => ({ name, type: 'INTEGER' }));
    const c = compiled(`[${names[0]}] + [${names[1]}] + [a]]b] = 6`, cols);
    expect(c.columns).toEqual(names);
    expect(c.sql).toContain('"""); DROP TABLE x; --"');
    const { values } = await query(`SELECT ${c.sql} FROM inj`, c.params);
    expect(values).toEqual([true]);
    const { values: left } = await query('SELECT count(*)::BIGINT FROM x', {});
    expect(left).toEqual([1]);
  });

  it('passes every literal as a parameter: numbers, text, booleans, null, date_diff units', () => {
    const c = compiled("if(b = true and n > 12 and s != 'a' and x < 2.5, date_diff('day', d, '2020-01-01'), null)");
    expect(c.params).toEqual({ p0: true, p1: 12, p2: 'a', p3: 2.5, p4: 'day', p5: '2020-01-01', p6: null });
    expect(c.sql.match(/\$p\d+/g)).toEqual(['$p0', '$p1', '$p2', '$p3', '$p4', '$p5', '$p6']);
    // Apart from the parameter names, no value is left in the SQL text.
    expect(c.sql.replace(/\$p\d+/g, '')).not.toMatch(/[\d']/);
  });

  it('takes another parameter prefix, to combine two expressions in one statement', () => {
    const c = compileExpression('n > 1', columns, { paramPrefix: 'f' });
    expect(c.ok && c.sql).toContain('$f0');
    expect(c.ok && c.params).toEqual({ f0: 1 });
  });

  it('quoteIdent doubles double quotes', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteIdent('plain')).toBe('"plain"');
  });
});

describe('type errors, with positions', () => {
  it.each<[string, number, number, string]>([
    ['s + 1', 1, 1, '"+" needs numbers on both sides, but column "s" is text'],
    ["n = 'a'", 5, 3, "cannot compare column \"n\" (a number) with 'a' (text)"],
    ['lower(n)', 7, 1, 'lower() needs text, but column "n" is a number'],
    ['substr(s, s)', 11, 1, 'substr() needs a number as its second argument, but column "s" is text'],
    ['if(n, 1, 2)', 4, 1, 'the condition of if() must be true/false, but column "n" is a number'],
    ["if(b, 1, 'a')", 10, 3, "the two results of if() must be of one kind, not 1 (a number) and 'a' (text)"],
    ['b + 1', 1, 1, '"+" needs numbers on both sides, but column "b" is true/false'],
    ['n and b', 1, 1, '"and" needs true/false on both sides, but column "n" is a number'],
    ['not s', 5, 1, '"not" needs true/false, but column "s" is text'],
    ["d > '2020-02-30'", 5, 12, "'2020-02-30' is not a date: write 'YYYY-MM-DD' or 'YYYY-MM-DD hh:mm:ss'"],
    ['year(s)', 6, 1, 'year() needs a date, but column "s" is text'],
    ['d - d', 1, 1, `"-" needs numbers on both sides, but column "d" is a date (for the time between two dates, write date_diff('day', a, b))`],
    ["-'a'", 2, 3, `"-" needs a number, but 'a' is text`],
    ["n in (1, 'a')", 10, 3, "cannot look for column \"n\" (a number) among 'a' (text)"],
    ['n = null', 1, 8, 'a comparison with null is never true: write "n is null"'],
    ['n != null', 1, 9, 'a comparison with null is never true: write "n is not null"'],
    ['n in (1, null)', 10, 4, 'null in an "in" list never matches: add "or x is null" instead'],
    ['sum(n)', 1, 3, '"sum" is an aggregate, and expressions work on one row at a time'],
    ['sqr(n)', 1, 3, 'unknown function "sqr" (did you mean "sqrt"?)'],
    ['ln(n)', 1, 2, 'unknown function "ln" (did you mean "log"?)'],
    ['log10(n)', 1, 5, 'unknown function "log10": write log(x) / log(10) (log is the natural logarithm)'],
    ['round(n, 1, 2)', 1, 14, 'round() takes 1 or 2 arguments, but got 3: round(x, digits)'],
    ['coalesce(n)', 1, 11, 'coalesce() takes 2 or more arguments, but got 1: coalesce(a, b, ...)'],
    ["date_diff('fortnight', d, d)", 11, 11, "the first argument of date_diff() is the unit, in quotes: one of 'year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'"],
    ["date_diff(s, d, d)", 11, 1, "the first argument of date_diff() is the unit, in quotes: one of 'year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'"],
    ['raw = 1', 1, 3, 'column "raw" is of type BLOB, which expressions can only test with "is null"'],
    ['raw', 1, 3, 'column "raw" is of type BLOB, which expressions can only test with "is null"'],
    ["species = Gentoo", 11, 6, "unknown column \"Gentoo\" (text goes in single quotes: 'Gentoo')"],
    ['month + 1', 1, 5, 'unknown column "month" (month is a function: write month(...))'],
  ])('%s -> %i:%i %s', (text, position, length, message) => {
    const [e] = errorsOf(text);
    expect(e.message).toBe(message);
    expect(e.position).toBe(position);
    expect(e.length).toBe(length);
  });

  it('reports every unknown column, not only the first', () => {
    expect(errorsOf('aa + bb * n + cc').map((e) => [e.position, e.message])).toEqual([
      [1, 'unknown column "aa"'],
      [6, 'unknown column "bb"'],
      [15, 'unknown column "cc"'],
    ]);
  });

  it('formats an error as expression:line:column with a caret line', () => {
    const telco = [
      { name: 'tenure', type: 'BIGINT' },
      { name: 'total_charges', type: 'DOUBLE' },
    ];
    const [e] = errorsOf('total_charges / tenur', telco);
    expect(formatExprError(e)).toBe('expression:1:17: unknown column "tenur" (did you mean "tenure"?)');
    expect(formatExprErrorWithCaret('total_charges / tenur', e)).toBe(
      'expression:1:17: unknown column "tenur" (did you mean "tenure"?)\n  total_charges / tenur\n                  ^^^^^',
    );
    expect(compileParam('total_charges / tenur', telco, 'expression').problems).toEqual([
      { param: 'expression', message: 'expression:1:17: unknown column "tenur" (did you mean "tenure"?)' },
    ]);
    expect(compileParam('', telco, 'expression')).toEqual({ problems: [] });
  });
});

describe('before a run, without the columns', () => {
  it('checks all but the column references', () => {
    expect(compiled('anything + 1', 'unknown').type).toBeUndefined();
    expect(compiled('anything / 2', 'unknown').type).toBe('DOUBLE');
    expect(compiled('lower(anything)', 'unknown').type).toBe('VARCHAR');
    expect(compiled('a > 1 and b', 'unknown').family).toBe('boolean');
    expect(errorsOf('lower(5)', 'unknown')[0].message).toBe('lower() needs text, but 5 is a number');
    expect(errorsOf('foo(a)', 'unknown')[0].message).toMatch(/^unknown function "foo"; the functions are if, abs, /);
    expect(errorsOf('a = null', 'unknown')[0].message).toMatch(/never true/);
    expect(errorsOf('a +', 'unknown')[0].message).toMatch(/ends too early/);
  });
});

describe('the normalised tree replays', () => {
  it('compiles back from the stored tree to the same SQL and parameters', () => {
    const c = compiled("IF(N > 0, [monthly charges] / N, Coalesce(X, 0.0)) + date_diff('day', d, '2020-01-01')");
    const stored = JSON.parse(JSON.stringify(c.ast));
    expect(c.canonical).toBe("if(n > 0, [monthly charges] / n, coalesce(x, 0.0)) + date_diff('day', d, '2020-01-01')");
    const again = compileAst(stored, columns);
    expect(again.ok && again.sql).toBe(c.sql);
    expect(again.ok && again.params).toEqual(c.params);
    expect(again.ok && again.type).toBe('DOUBLE');
  });

  it('says when a stored tree no longer fits the table', () => {
    const c = compiled('n + 1');
    const r = compileAst(c.ast, [{ name: 'n', type: 'VARCHAR' }]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toMatchObject({ message: '"+" needs numbers on both sides, but column "n" is text', position: 1 });
  });
});

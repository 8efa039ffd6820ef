import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteOwnPath } from '../../src-main/data/duckdb.js';
import type { ArtifactRecord } from '../../src-main/lineage/types.js';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testEdge, testNode, type FreshRun } from '../../src-main/test-nodes/test-engine.js';
import { validateParams } from '../../src-shared/nodes/params.js';
import { specInfo, withDefaults } from '../../src-shared/nodes/spec.js';
import { validateExpectationsSpec as spec, type CheckResult, type ExpectationsReport } from './spec.js';

/**
 * validate.expectations through the real engine (worker pool, DuckDB, artifact and lineage
 * stores in a fresh temp home), on the shipped samples, on the flights fixture converted to CSV,
 * and on small hand-made CSVs. Expected counts are worked out independently of the node: from
 * the CSV text in JS, or with plain DuckDB queries on the source file.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sample = (name: string): string => join(ROOT, 'samples', name);
const TELCO = sample('telco_churn.csv');
const TITANIC = sample('titanic.csv');
const PENGUINS = sample('penguins.csv');
const FLIGHTS = join(ROOT, 'test-fixtures', 'flights-100k.parquet');

let bed: NodeTestBed;
let data: string;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-expectations-');
  ({ data } = bed);
});

afterAll(async () => {
  await bed?.dispose();
});

interface Checked {
  readonly record: FreshRun;
  readonly status: string;
  readonly error?: string;
  readonly report?: ExpectationsReport;
  readonly out?: ArtifactRecord;
  readonly rejected?: ArtifactRecord;
  readonly logs: { level: string; message: string }[];
}

/** ingest.csv on `path`, then validate.expectations with `params`. */
async function check(path: string, params: Record<string, unknown>): Promise<Checked> {
  return collect(await bed.runAfterCsv(path, 'validate.expectations', params, 'check'));
}

async function collect(record: FreshRun): Promise<Checked> {
  const n = record.nodes.get('check');
  const logs = record.events.flatMap((e) => (e.event === 'log' && e.node === 'check' ? [{ level: e.level, message: e.message }] : []));
  const report = n?.outputs.report ? (JSON.parse(await readFile(n.outputs.report.path, 'utf8')) as ExpectationsReport) : undefined;
  return {
    record,
    status: n?.status ?? 'not run',
    ...(n?.error ? { error: n.error } : {}),
    ...(report ? { report } : {}),
    ...(n?.outputs.out ? { out: n.outputs.out } : {}),
    ...(n?.outputs.rejected ? { rejected: n.outputs.rejected } : {}),
    logs,
  };
}

function result(report: ExpectationsReport | undefined, name: string): CheckResult {
  const r = report?.checks.find((c) => c.name === name);
  expect(r, `check ${name} in the report`).toBeDefined();
  return r!;
}

/** Data rows of a simple CSV (no quoted commas or newlines in the fields read), split on commas. */
async function csvFields(path: string): Promise<string[][]> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
  return lines.slice(1).map((l) => l.split(','));
}

describe('validate.expectations on samples/telco_churn.csv', () => {
  let c: Checked;
  let fields: string[][];
  /** 1-based positions of the rows with an empty total_charges, from the file text. */
  let missingTotal: number[];

  beforeAll(async () => {
    fields = await csvFields(TELCO);
    missingTotal = fields.flatMap((f, i) => (f[19] === '' ? [i + 1] : []));
    c = await check(TELCO, {
      checks: [
        { kind: 'not_null', column: 'total_charges', onFail: 'reject' },
        { kind: 'range', column: 'tenure', min: 0, max: 72 },
        { kind: 'allowed', column: 'contract', values: ['Month-to-month', 'One year', 'Two year'] },
        { kind: 'type', column: 'monthly_charges', types: ['float'] },
        { kind: 'required', column: 'churn' },
      ],
      rowCount: { min: 1000, max: 10000 },
    });
  });

  it('succeeds, with the 11 rows missing total_charges rejected and the rest out', () => {
    expect(c.error).toBeUndefined();
    expect(c.status).toBe('succeeded');
    expect(fields).toHaveLength(7043);
    expect(missingTotal).toHaveLength(11);
    expect(c.report).toMatchObject({ kind: 'expectations', passed: false, rows: 7043, rowsOut: 7032, rowsRejected: 11 });
    expect(c.out?.rows).toBe(7032);
    expect(c.rejected?.rows).toBe(11);
    expect(c.out!.rows! + c.rejected!.rows!).toBe(7043);
  });

  it('reports each check with its column, kind, args, policy and result', () => {
    const notNull = result(c.report, 'not_null(total_charges)');
    expect(notNull).toMatchObject({ index: 0, column: 'total_charges', kind: 'not_null', args: {}, onFail: 'reject', passed: false, failingRows: 11 });
    expect(notNull.examples).toEqual(missingTotal.map((row) => ({ row, value: null })));
    expect(result(c.report, 'range(tenure)')).toMatchObject({
      kind: 'range',
      args: { min: 0, max: 72, minInclusive: true, maxInclusive: true },
      onFail: 'fail',
      passed: true,
      failingRows: 0,
      examples: [],
    });
    expect(result(c.report, 'allowed(contract)')).toMatchObject({ args: { values: ['Month-to-month', 'One year', 'Two year'] }, passed: true, failingRows: 0 });
    expect(result(c.report, 'type(monthly_charges)')).toMatchObject({ args: { types: ['float'] }, passed: true, failingRows: null });
    expect(result(c.report, 'required(churn)')).toMatchObject({ passed: true, failingRows: null });
    expect(c.report?.rowCount).toEqual({ min: 1000, max: 10000, onFail: 'fail', passed: true });
  });

  it('rejected holds those rows, in input order, with _row and _failed_checks', async () => {
    const rows = await bed.db.objects(
      `SELECT _row, _failed_checks, tenure, total_charges, monthly_charges FROM read_parquet($p)`,
      { p: c.rejected!.path },
    );
    expect(rows.map((r) => r._row)).toEqual(missingTotal);
    for (const r of rows) {
      expect(r._failed_checks).toEqual(['not_null(total_charges)']);
      expect(r.total_charges).toBeNull();
      expect(r.tenure).toBe(0); // the customers who just joined
    }
    expect(rows.map((r) => r.monthly_charges)).toEqual(missingTotal.map((i) => Number(fields[i - 1][18])));
    expect(c.rejected!.columns!.map((col) => col.name)).toEqual([...c.out!.columns!.map((col) => col.name), '_row', '_failed_checks']);
  });

  it('out holds every other row, in input order, with the input columns only', async () => {
    const { rows } = await bed.db.all(`SELECT monthly_charges, total_charges FROM read_parquet($p)`, { p: c.out!.path });
    const expected = fields.filter((f) => f[19] !== '').map((f) => [Number(f[18]), Number(f[19])]);
    expect(rows).toEqual(expected);
    const header = (await readFile(TELCO, 'utf8')).split('\n')[0].replace(/"/g, '').split(',');
    expect(c.out!.columns!.map((col) => col.name)).toEqual(header);
  });

  it('logs the rejection', () => {
    expect(c.logs.some((l) => l.level === 'info' && l.message.startsWith('rejected 11 of 7043 rows: checks[0] "not_null(total_charges)": 11 rows'))).toBe(true);
  });

  it('a unique customer_id passes, and a duplicated one fails on both rows', async () => {
    // The shipped sample has no customer id: add one (C00001...), then duplicate row 3's id on row 5.
    const withId = join(data, 'telco-with-id.csv');
    await bed.db.run(
      `COPY (SELECT CASE WHEN n = 5 THEN 'C00003' ELSE printf('C%05d', n) END AS customer_id, * EXCLUDE (n)
             FROM (SELECT row_number() OVER () AS n, * FROM read_csv(${quoteOwnPath(TELCO)}, nullstr = ['', 'NA'])))
       TO ${quoteOwnPath(withId)} (HEADER)`,
    );
    const unique = await check(withId, { checks: [{ kind: 'unique', column: 'customer_id', onFail: 'warn' }] });
    expect(unique.status).toBe('succeeded');
    expect(result(unique.report, 'unique(customer_id)')).toMatchObject({
      passed: false,
      failingRows: 2,
      examples: [
        { row: 3, value: 'C00003' },
        { row: 5, value: 'C00003' },
      ],
    });
    expect(unique.out?.rows).toBe(7043);
    expect(unique.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'checks[0] "unique(customer_id)": 2 rows (rows 3, 5) (passed through: onFail is warn)',
    ]);

    const original = await check(TELCO, { checks: [{ kind: 'required', column: 'contract' }] });
    expect(original.status).toBe('succeeded');
    await writeFile(join(data, 'ids.csv'), 'customer_id\nA\nB\nC\n');
    const passing = await check(join(data, 'ids.csv'), { checks: [{ kind: 'unique', column: 'customer_id' }] });
    expect(result(passing.report, 'unique(customer_id)')).toMatchObject({ passed: true, failingRows: 0 });
    expect(passing.report?.passed).toBe(true);
  });

  it('range bounds are inclusive by default; minInclusive false rejects the bound itself', async () => {
    const zeros = fields.filter((f) => f[5] === '0').length;
    const r = await check(TELCO, {
      checks: [
        { kind: 'range', column: 'tenure', min: 0, minInclusive: false, onFail: 'reject', name: 'tenure above 0' },
        { kind: 'range', column: 'tenure', max: 72, maxInclusive: false, onFail: 'warn' },
      ],
    });
    expect(r.status).toBe('succeeded');
    expect(zeros).toBe(11);
    expect(result(r.report, 'tenure above 0').failingRows).toBe(zeros);
    expect(result(r.report, 'range(tenure)').failingRows).toBe(fields.filter((f) => f[5] === '72').length);
    expect(r.rejected?.rows).toBe(zeros);
  });
});

describe('validate.expectations on samples/titanic.csv', () => {
  const PATTERN = '[^,]+, (Mr|Mrs|Miss|Master)\\. .+';
  let names: string[];

  beforeAll(async () => {
    const rows = await bed.db.objects(`SELECT name FROM read_csv($p)`, { p: TITANIC });
    names = rows.map((r) => r.name as string);
  });

  it('regex and unique reject the union of their failing rows; not_null on age warns', async () => {
    const re = new RegExp(`^(?:${PATTERN})$`);
    const badTitle = new Set(names.flatMap((n, i) => (re.test(n) ? [] : [i + 1])));
    const counts = new Map<string, number>();
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    const duplicate = new Set(names.flatMap((n, i) => ((counts.get(n) ?? 0) > 1 ? [i + 1] : [])));
    const union = [...new Set([...badTitle, ...duplicate])].sort((a, b) => a - b);
    const missingAge = (await bed.db.objects(`SELECT count(*) - count(age) AS n FROM read_csv($p, nullstr = ['', 'NA'])`, { p: TITANIC }))[0].n;

    const c = await check(TITANIC, {
      checks: [
        { kind: 'regex', column: 'name', pattern: PATTERN, onFail: 'reject' },
        { kind: 'unique', column: 'name', onFail: 'reject' },
        { kind: 'not_null', column: 'age', onFail: 'warn' },
      ],
    });
    expect(c.error).toBeUndefined();
    expect(badTitle.size).toBe(34);
    expect([...duplicate]).toEqual([726, 727, 925, 926]); // Connolly, Miss. Kate and Kelly, Mr. James
    expect(missingAge).toBe(263);
    expect(result(c.report, 'regex(name)')).toMatchObject({ passed: false, failingRows: 34, args: { pattern: PATTERN } });
    expect(result(c.report, 'regex(name)').examples).toHaveLength(20);
    expect(result(c.report, 'regex(name)').examples[0]).toEqual({ row: [...badTitle][0], value: names[[...badTitle][0] - 1] });
    expect(result(c.report, 'unique(name)').examples).toEqual([...duplicate].map((row) => ({ row, value: names[row - 1] })));
    expect(result(c.report, 'not_null(age)')).toMatchObject({ passed: false, failingRows: 263, onFail: 'warn' });
    expect(c.report).toMatchObject({ rows: 1309, rowsRejected: union.length, rowsOut: 1309 - union.length });
    expect(c.out!.rows! + c.rejected!.rows!).toBe(1309);
    expect(c.logs.some((l) => l.level === 'warn' && l.message.startsWith('checks[2] "not_null(age)": 263 rows'))).toBe(true);

    const rejected = await bed.db.objects(`SELECT _row, name, _failed_checks, age FROM read_parquet($p)`, { p: c.rejected!.path });
    expect(rejected.map((r) => r._row)).toEqual(union);
    for (const r of rejected) {
      const row = r._row as number;
      const expected = [
        ...(badTitle.has(row) ? ['regex(name)'] : []),
        ...(duplicate.has(row) ? ['unique(name)'] : []),
        ...(r.age === null ? ['not_null(age)'] : []), // warn checks are listed too
      ];
      expect(r._failed_checks, `row ${row}`).toEqual(expected);
      expect(r.name).toBe(names[row - 1]);
    }
  });

  it('an invalid pattern fails the run naming the check', async () => {
    const c = await check(TITANIC, {
      checks: [
        { kind: 'not_null', column: 'name' },
        { kind: 'regex', column: 'name', pattern: '(Mr|Mrs', name: 'title' },
      ],
    });
    expect(c.status).toBe('failed');
    expect(c.error).toMatch(/^checks\[1\] "title": invalid pattern "\(Mr\|Mrs": missing \)/);
  });
});

describe('validate.expectations on samples/penguins.csv: types and values', () => {
  it('type checks compare DuckDB type families', async () => {
    const c = await check(PENGUINS, {
      checks: [
        { kind: 'type', column: 'species', types: ['string'] },
        { kind: 'type', column: 'body_mass_g', types: ['integer'] },
        { kind: 'type', column: 'bill_length_mm', types: ['float'], name: 'bill is float' },
        { kind: 'type', column: 'bill_length_mm', types: ['numeric'], name: 'bill is numeric' },
        { kind: 'type', column: 'year', types: ['date', 'integer'] },
        { kind: 'type', column: 'sex', types: ['boolean'], onFail: 'warn' },
        { kind: 'type', column: 'flipper_length_mm', types: ['float', 'timestamp'], onFail: 'warn' },
      ],
    });
    expect(c.status).toBe('succeeded');
    const passed = Object.fromEntries(c.report!.checks.map((r) => [r.name, r.passed]));
    expect(passed).toEqual({
      'type(species)': true,
      'type(body_mass_g)': true,
      'bill is float': true,
      'bill is numeric': true,
      'type(year)': true,
      'type(sex)': false,
      'type(flipper_length_mm)': false,
    });
    expect(result(c.report, 'type(sex)').message).toBe('"sex" is VARCHAR (string), not boolean');
    expect(c.report?.passed).toBe(false);
    expect(c.out?.rows).toBe(344);
    expect(c.logs.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('a failing type check with onFail fail fails the run', async () => {
    const c = await check(PENGUINS, { checks: [{ kind: 'type', column: 'body_mass_g', types: ['string', 'float'] }] });
    expect(c.status).toBe('failed');
    expect(c.error).toBe('1 check failed: checks[0] "type(body_mass_g)": "body_mass_g" is BIGINT (integer), not string or float');
  });

  it('allowed compares numbers with numbers; missing values are left to not_null', async () => {
    const c = await check(PENGUINS, {
      checks: [
        { kind: 'allowed', column: 'year', values: [2007, 2008], onFail: 'reject' },
        { kind: 'allowed', column: 'sex', values: ['female', 'male'] },
      ],
    });
    expect(c.status).toBe('succeeded');
    expect(result(c.report, 'allowed(year)')).toMatchObject({ passed: false, failingRows: 120 });
    expect(result(c.report, 'allowed(year)').examples.every((e) => e.value === 2009)).toBe(true);
    expect(result(c.report, 'allowed(sex)')).toMatchObject({ passed: true, failingRows: 0 }); // 11 NA are not failures
    expect(c.rejected?.rows).toBe(120);
    expect(c.out?.rows).toBe(224);
  });

  it('a missing column fails the run, unless a required check covers it (its policy decides)', async () => {
    const missing = await check(PENGUINS, { checks: [{ kind: 'not_null', column: 'beak' }] });
    expect(missing.status).toBe('failed');
    expect(missing.error).toBe('checks[0] "not_null(beak)": column "beak" is not in the input');

    const warned = await check(PENGUINS, {
      checks: [
        { kind: 'required', column: 'beak', onFail: 'warn' },
        { kind: 'not_null', column: 'beak', onFail: 'reject' },
      ],
    });
    expect(warned.status).toBe('succeeded');
    expect(result(warned.report, 'required(beak)')).toMatchObject({ passed: false, message: 'column "beak" is not in the input' });
    expect(result(warned.report, 'not_null(beak)')).toMatchObject({ passed: false, skipped: true, failingRows: null });
    expect(warned.out?.rows).toBe(344);
    expect(warned.rejected?.rows).toBe(0);

    const failed = await check(PENGUINS, { checks: [{ kind: 'required', column: 'beak' }, { kind: 'required', column: 'wing' }] });
    expect(failed.error).toBe(
      '2 checks failed: checks[0] "required(beak)": column "beak" is not in the input; checks[1] "required(wing)": column "wing" is not in the input',
    );
  });

  it('passes the preprocessing chain of its input through on out and rejected', async () => {
    const record = await bed.engine.runFresh(
      testDocument(
        [
          testNode('read', 'ingest.csv', { path: PENGUINS }),
          testNode('fit', 'test.fit', { step: 'scale' }),
          testNode('check', 'validate.expectations', { checks: [{ kind: 'not_null', column: 'sex', onFail: 'reject' }] }),
        ],
        [testEdge('read', 'fit', 'in'), testEdge('fit', 'check', 'in')],
      ),
      data,
    );
    const c = await collect(record);
    expect(c.status).toBe('succeeded');
    expect(c.out?.meta).toEqual({ chain: [{ step: 'scale' }] });
    expect(c.rejected?.meta).toEqual({ chain: [{ step: 'scale' }] });
    expect([c.out?.rows, c.rejected?.rows]).toEqual([333, 11]);
  });
});

describe('validate.expectations policies and row count', () => {
  it('a failing check with onFail fail stops the run, naming every failed check with its count', async () => {
    const fields = await csvFields(TELCO);
    const over60 = fields.filter((f) => Number(f[5]) > 60).length;
    const firstMissing = fields.flatMap((f, i) => (f[19] === '' ? [i + 1] : [])).slice(0, 5);
    const c = await check(TELCO, {
      checks: [
        { kind: 'range', column: 'tenure', max: 60 },
        { kind: 'not_null', column: 'total_charges' },
        { kind: 'not_null', column: 'contract' },
      ],
    });
    expect(c.status).toBe('failed');
    expect(over60).toBe(1407);
    const firstOver60 = fields.flatMap((f, i) => (Number(f[5]) > 60 ? [i + 1] : [])).slice(0, 5);
    expect(c.error).toBe(
      `2 checks failed: checks[0] "range(tenure)": 1407 rows (rows ${firstOver60.join(', ')}, ...); ` +
        `checks[1] "not_null(total_charges)": 11 rows (rows ${firstMissing.join(', ')}, ...)`,
    );
    expect(c.report).toBeUndefined();
  });

  it('row count bounds fail or warn', async () => {
    const tooFew = await check(PENGUINS, { rowCount: { min: 345 } });
    expect(tooFew.error).toBe('1 check failed: row count: 344 rows, fewer than the minimum 345');

    const tooMany = await check(PENGUINS, { rowCount: { max: 300, onFail: 'warn' } });
    expect(tooMany.status).toBe('succeeded');
    expect(tooMany.report).toMatchObject({ passed: false, rowCount: { max: 300, onFail: 'warn', passed: false }, checks: [] });
    expect(tooMany.logs.some((l) => l.level === 'warn' && l.message === 'row count: 344 rows, more than the maximum 300 (onFail is warn)')).toBe(true);

    const exact = await check(PENGUINS, { rowCount: { min: 344, max: 344 } });
    expect(exact.report).toMatchObject({ passed: true, rowCount: { passed: true }, rows: 344, rowsOut: 344, rowsRejected: 0 });
  });

  it('with no checks it passes every row through and says so', async () => {
    const c = await check(PENGUINS, {});
    expect(c.report).toEqual({ kind: 'expectations', passed: true, rows: 344, rowsOut: 344, rowsRejected: 0, checks: [], rowCount: null });
    expect(c.rejected?.columns?.slice(-2)).toEqual([
      { name: '_row', type: 'BIGINT' },
      { name: '_failed_checks', type: 'VARCHAR[]' },
    ]);
  });

  it('dates: a range with text bounds, and a bound that is not a date fails naming the check', async () => {
    await writeFile(join(data, 'dates.csv'), ['day,n', '2020-01-01,1', '2020-02-15,2', '2021-06-30,3', ',4', ''].join('\n'));
    const c = await check(join(data, 'dates.csv'), {
      checks: [
        { kind: 'range', column: 'day', min: '2020-01-01', max: '2020-12-31', onFail: 'reject' },
        { kind: 'allowed', column: 'day', values: ['2020-01-01', '2020-02-15'], onFail: 'warn' },
      ],
    });
    expect(c.status).toBe('succeeded');
    expect(result(c.report, 'range(day)').examples).toEqual([{ row: 3, value: '2021-06-30' }]);
    expect(result(c.report, 'allowed(day)').failingRows).toBe(1);
    expect(c.out?.rows).toBe(3);

    const bad = await check(join(data, 'dates.csv'), { checks: [{ kind: 'range', column: 'day', min: '2020-13-45' }] });
    expect(bad.error).toBe('checks[0] "range(day)": min "2020-13-45" is not a valid date for "day" (DATE)');
  });
});

describe('validate.expectations params', () => {
  const problems = (params: Record<string, unknown>) => validateParams(spec, params).map((p) => `${p.param}: ${p.message}`);

  it('names the check index and field of each bad check', () => {
    expect(
      problems({
        checks: [
          { kind: 'nope', column: 'x' },
          { kind: 'range', column: 'tenure' },
          { kind: 'not_null', column: 'a', onFail: 'boom', extra: 1 },
          { kind: 'type', column: 't', types: ['text'], onFail: 'reject' },
          { kind: 'regex', pattern: 'x' },
          { kind: 'range', column: 'y', min: 5, max: 1 },
          { kind: 'allowed', column: 'z', values: [] },
          { kind: 'allowed', column: 5, values: 'a,b' },
          { kind: 'regex', column: 'r' },
        ],
      }),
    ).toEqual([
      'checks: Checks: checks[0].kind must be one of required, type, not_null, range, allowed, regex, unique',
      'checks: Checks: checks[1].min needs a min, a max or both',
      'checks: Checks: checks[2].onFail must be fail, warn or reject',
      'checks: Checks: checks[2] has unknown field "extra"',
      'checks: Checks: checks[3].types[0] must each be one of integer, float, numeric, string, boolean, date, timestamp',
      'checks: Checks: checks[4].column is required',
      'checks: Checks: checks[5].min must not be above max',
      'checks: Checks: checks[6].values must list at least one value',
      'checks: Checks: checks[7].column must be a column name',
      'checks: Checks: checks[7].values must be a list of values',
      'checks: Checks: 1 more problem', // ten are listed
    ]);
    expect(problems({ checks: [{ kind: 'regex', column: 'r' }] })).toEqual(['checks: Checks: checks[0].pattern is required']);
  });

  it('refuses reject on table-level checks, duplicate names, and a non-list', () => {
    expect(
      problems({
        checks: [
          { kind: 'required', column: 'a', onFail: 'reject' },
          { kind: 'not_null', column: 'a' },
          { kind: 'not_null', column: 'a', onFail: 'warn' },
        ],
      }),
    ).toEqual([
      'checks: Checks: checks[0].onFail cannot be reject for a required check, which has no failing rows (use fail or warn)',
      'checks: Checks: checks[2].name "not_null(a)" is already the name of checks[1]: give one of them a "name"',
    ]);
    expect(problems({ checks: 'not_null(a)' })).toEqual(['checks: Checks must be a list of checks']);
    expect(problems({ rowCount: { min: -1, max: 2.5, onFail: 'reject' } })).toEqual([
      'rowCount: Row count: rowCount.min must be at least 0',
      'rowCount: Row count: rowCount.max must be a whole number',
      'rowCount: Row count: rowCount.onFail must be fail or warn',
    ]);
    expect(problems({ rowCount: { min: 5, max: 1 } })).toEqual(['rowCount: Row count: rowCount.min must not be above max']);
    expect(problems({ checks: [{ kind: 'not_null', column: 'a' }], rowCount: { max: 10 } })).toEqual([]);
  });

  it('a pipeline with a bad check does not run, and says which', async () => {
    const c = await check(PENGUINS, { checks: [{ kind: 'unique', column: 'species', onFail: 'drop' }] });
    expect(c.record.status).toBe('failed');
    expect(c.status).toBe('not run');
    const messages = c.record.events.flatMap((e) => (e.event === 'log' ? [e.message] : []));
    expect(messages).toContain('error: node check, field checks: Checks: checks[0].onFail must be fail, warn or reject [bad-param]');
  });

  it('inferSchema reports bad column references and value types against a known input schema', () => {
    const input = {
      kind: 'table' as const,
      columns: [
        { name: 'tenure', type: 'BIGINT' },
        { name: 'contract', type: 'VARCHAR' },
        { name: 'day', type: 'DATE' },
      ],
    };
    const infer = (checks: unknown[]) => spec.inferSchema!({ in: input }, withDefaults(spec, { checks }));
    const r = infer([
      { kind: 'not_null', column: 'tenur' },
      { kind: 'range', column: 'contract', min: 1 },
      { kind: 'range', column: 'tenure', min: '1' },
      { kind: 'range', column: 'day', max: 20200101 },
      { kind: 'allowed', column: 'tenure', values: ['1', 2] },
      { kind: 'required', column: 'gone' },
      { kind: 'unique', column: 'gone' },
    ]);
    expect(r.problems).toEqual([
      { param: 'checks', message: 'checks[0] "not_null(tenur)": column "tenur" is not in the input' },
      { param: 'checks', message: 'checks[1] "range(contract)": a range needs a numeric, date or timestamp column; "contract" is VARCHAR' },
      { param: 'checks', message: 'checks[2] "range(tenure)": min must be a number, since "tenure" is BIGINT' },
      { param: 'checks', message: 'checks[3] "range(day)": max must be a date as text (e.g. "2020-01-31"), since "day" is DATE' },
      { param: 'checks', message: 'checks[4] "allowed(tenure)": values must be numbers, since "tenure" is BIGINT (not "1")' },
    ]);
    expect(r.outputs.out).toEqual(input);
    expect(r.outputs.rejected).toEqual({
      kind: 'table',
      columns: [...input.columns, { name: '_row', type: 'BIGINT' }, { name: '_failed_checks', type: 'VARCHAR[]' }],
    });
    // A check list that does not parse is the param validation's to report, not inferSchema's.
    expect(infer([{ kind: 'nope' }]).problems ?? []).toEqual([]);
  });

  it('the spec handed out by the API carries no zod schema', () => {
    const info = specInfo(spec);
    expect(info.params.map((p) => ('schema' in p ? p.name : null))).toEqual([null, null]);
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
  });
});

describe('validate.expectations on 100,000 flights', () => {
  it('rejects by range and regex, numbering rows by their position in the input', async () => {
    const csv = join(data, 'flights-100k.csv');
    await bed.db.run(`COPY (SELECT * FROM read_parquet(${quoteOwnPath(FLIGHTS)})) TO ${quoteOwnPath(csv)} (HEADER)`);
    const c = await check(csv, {
      checks: [
        { kind: 'range', column: 'delay', min: -30, max: 600, onFail: 'reject' },
        { kind: 'regex', column: 'origin', pattern: '[A-Z]{3}', onFail: 'reject' },
        { kind: 'allowed', column: 'destination', values: ['ORD', 'ATL', 'DFW'], onFail: 'warn' },
        { kind: 'not_null', column: 'date' },
      ],
    });
    expect(c.error).toBeUndefined();
    const [ref] = await bed.db.objects(
      `SELECT count(*) FILTER (WHERE delay < -30 OR delay > 600) AS bad_delay,
              count(*) FILTER (WHERE destination NOT IN ('ORD', 'ATL', 'DFW')) AS other_dest
       FROM read_parquet($p)`,
      { p: FLIGHTS },
    );
    expect(ref.bad_delay).toBe(1349 + 15);
    expect(result(c.report, 'range(delay)').failingRows).toBe(ref.bad_delay);
    expect(result(c.report, 'regex(origin)').passed).toBe(true);
    expect(result(c.report, 'allowed(destination)').failingRows).toBe(ref.other_dest);
    expect(c.report).toMatchObject({ rows: 100_000, rowsRejected: ref.bad_delay });
    expect(c.out!.rows! + c.rejected!.rows!).toBe(100_000);

    // Each rejected row is the fixture's row at that position (numbered by the Parquet reader).
    const [mismatch] = await bed.db.objects(
      `SELECT count(*) AS rows, count(*) FILTER (WHERE f.delay IS DISTINCT FROM r.delay OR f.origin IS DISTINCT FROM r.origin
                                                 OR f.date IS DISTINCT FROM r.date) AS wrong
       FROM read_parquet($rejected) r JOIN read_parquet($fixture, file_row_number = true) f ON f.file_row_number + 1 = r._row`,
      { rejected: c.rejected!.path, fixture: FLIGHTS },
    );
    expect(mismatch).toEqual({ rows: ref.bad_delay, wrong: 0 });
  });
});

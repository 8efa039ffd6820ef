import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteOwnPath } from '../../src-main/data/duckdb.js';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testEdge, testNode, type FreshRun } from '../../src-main/test-nodes/test-engine.js';
import type { ArtifactRecord } from '../../src-main/lineage/types.js';
import { defineSplitMix } from './run.js';
import { testCount } from './spec.js';

/**
 * split.train_test through the real engine (worker pool, DuckDB, artifact and lineage stores in a
 * fresh temp home), on the shipped samples and the flights fixture. Each input gets a `row_id`
 * column (its 0-based position) so that the outputs can be checked row by row.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sample = (name: string) => join(ROOT, 'samples', `${name}.csv`);
const reference = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'test-fixtures', 'reference', `${name}.holdout.json`), 'utf8')) as { train: number[]; test: number[] };

let bed: NodeTestBed;
let data: string;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-split-');
  ({ data } = bed);
  for (const name of ['titanic', 'breast_cancer', 'penguins', 'diabetes']) {
    await bed.db.run(
      `COPY (SELECT row_number() OVER () - 1 AS row_id, * FROM read_csv(${quoteOwnPath(sample(name))}))
       TO ${quoteOwnPath(join(data, `${name}.csv`))} (HEADER)`,
    );
  }
  const flights = join(ROOT, 'test-fixtures', 'flights-100k.parquet');
  await bed.db.run(
    `COPY (SELECT file_row_number AS row_id, * FROM read_parquet(${quoteOwnPath(flights)}))
     TO ${quoteOwnPath(join(data, 'flights.csv'))} (HEADER)`,
  );
});

afterAll(async () => {
  await bed?.dispose();
});

interface SplitResult {
  readonly record: FreshRun;
  readonly status?: string;
  readonly error?: string;
  readonly train: ArtifactRecord;
  readonly test: ArtifactRecord;
  readonly logs: string[];
}

/** read (ingest.csv) -> [fit (test.fit: appends a chain step)] -> split, run fresh. */
async function split(file: string, params: Record<string, unknown>, opts: { fit?: boolean } = {}): Promise<SplitResult> {
  const nodes = [testNode('read', 'ingest.csv', { path: `${file}.csv` }), testNode('split', 'split.train_test', params)];
  const edges = [testEdge('read', 'split', 'in')];
  if (opts.fit) {
    nodes.push(testNode('fit', 'test.fit', { step: 'scale' }));
    edges[0] = testEdge('read', 'fit', 'in');
    edges.push(testEdge('fit', 'split', 'in'));
  }
  const record = await bed.engine.runFresh(testDocument(nodes, edges), data);
  const node = record.nodes.get('split');
  const logs = record.events.flatMap((e) => (e.event === 'log' ? [e.message] : []));
  return { record, status: node?.status, error: node?.error, train: node?.outputs.train as ArtifactRecord, test: node?.outputs.test as ArtifactRecord, logs };
}

async function ids(a: ArtifactRecord): Promise<number[]> {
  const { rows } = await bed.db.all('SELECT row_id FROM read_parquet($p)', { p: a.path });
  return rows.map((r) => Number(r[0]));
}

async function countsBy(a: ArtifactRecord, column: string): Promise<Map<string, number>> {
  const rows = await bed.db.objects(`SELECT "${column}"::VARCHAR AS c, count(*)::BIGINT AS n FROM read_parquet($p) GROUP BY ALL`, { p: a.path });
  return new Map(rows.map((r) => [String(r.c), Number(r.n)]));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const ascending = (xs: readonly number[]) => xs.every((x, i) => i === 0 || xs[i - 1] < x);

/** Every input row in exactly one output, each output in input order. */
async function expectPartition(r: SplitResult, rows: number): Promise<{ train: number[]; test: number[] }> {
  expect(r.error).toBeUndefined();
  expect(r.status).toBe('succeeded');
  const train = await ids(r.train);
  const test = await ids(r.test);
  expect(train.length + test.length).toBe(rows);
  expect(r.train.rows).toBe(train.length);
  expect(r.test.rows).toBe(test.length);
  const testSet = new Set(test);
  expect(train.filter((id) => testSet.has(id))).toEqual([]);
  expect([...train, ...test].sort((a, b) => a - b)).toEqual(range(rows));
  expect(ascending(train) && ascending(test)).toBe(true);
  return { train, test };
}

const M64 = (1n << 64n) - 1n;
/** The reference: the (i+1)-th output of SplitMix64 started at `seed`, in BigInt. */
function splitmix64(seed: bigint, i: bigint): bigint {
  let z = (seed + (i + 1n) * 0x9e3779b97f4a7c15n) & M64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}

describe('SplitMix64 in SQL', () => {
  beforeAll(async () => {
    await defineSplitMix(bed.db);
  });

  it('gives the published outputs of SplitMix64 seeded with 0', async () => {
    const { rows } = await bed.db.all('SELECT splitmix64(0, range)::VARCHAR FROM range(3) ORDER BY range');
    expect(rows.map((r) => BigInt(r[0] as string).toString(16))).toEqual(['e220a8397b1dcdaf', '6e789e6aa1b965f4', '6c45d188009454f']);
  });

  it('equals the BigInt reference for any seed and position, up to 2^53', async () => {
    const cases: [number, number][] = [[0, 0], [42, 1_000_000], [Number.MAX_SAFE_INTEGER, 7], [123_456_789, Number.MAX_SAFE_INTEGER - 1]];
    for (let k = 0; k < 50; k++) cases.push([k * 7919, k * 104_729]);
    for (const [seed, i] of cases) {
      const [{ v }] = await bed.db.objects('SELECT splitmix64($s::UBIGINT, $i::BIGINT)::VARCHAR AS v', { s: String(seed), i: String(i) });
      expect(BigInt(v as string), `seed ${seed}, position ${i}`).toBe(splitmix64(BigInt(seed), BigInt(i)));
    }
  });

  it('is uniform enough: 16 buckets over 100,000 positions pass a chi-squared test, for several seeds', async () => {
    for (const seed of [0, 1, 2, 12_345]) {
      const { rows } = await bed.db.all(
        'SELECT (splitmix64($s::UBIGINT, range) >> 60)::INTEGER AS b, count(*)::BIGINT FROM range(100000) GROUP BY b ORDER BY b',
        { s: seed },
      );
      expect(rows).toHaveLength(16);
      const chi2 = rows.reduce((s, r) => s + (Number(r[1]) - 6250) ** 2 / 6250, 0);
      expect(chi2, `seed ${seed}`).toBeLessThan(37.7); // 15 degrees of freedom, p = 0.001
    }
  });
});

describe('test sizes as scikit-learn computes them', () => {
  it('ceil(testSize * n) for a share (as scikit-learn test_size), the number itself for a whole number', () => {
    expect(testCount(0.25, 569)).toBe(reference('breast_cancer').test.length); // 143
    expect(testCount(0.25, 442)).toBe(reference('diabetes').test.length); // 111
    expect(testCount(0.25, 1309)).toBe(328);
    expect(testCount(0.1, 344)).toBe(35);
    expect(testCount(0.07, 100)).toBe(8); // 0.07 * 100 is 7.000000000000001 in doubles: numpy's ceil gives 8 too
    expect(testCount(100, 1309)).toBe(100);
  });

  it('refuses sizes that leave a side empty or make no sense', () => {
    expect(() => testCount(0, 10)).toThrow(/above 0/);
    expect(() => testCount(1.5, 10)).toThrow(/neither a share below 1 nor a whole number/);
    expect(() => testCount(0.99, 10)).toThrow(/leaves no rows for train/);
    expect(() => testCount(10, 10)).toThrow(/leaves no rows for train/);
    expect(() => testCount(0.25, 0)).toThrow(/no rows/);
  });

  it('the diabetes split has scikit-learn\'s sizes (331 / 111) through the engine', async () => {
    const r = await split('diabetes', {});
    const { train, test } = await expectPartition(r, 442);
    expect([train.length, test.length]).toEqual([reference('diabetes').train.length, reference('diabetes').test.length]);
  });
});

describe('random', () => {
  it('titanic: 981 train and 328 test rows, each row once, input order and columns kept, marked train / test', async () => {
    const r = await split('titanic', { method: 'random', seed: 0 });
    const { test } = await expectPartition(r, 1309);
    expect(test).toHaveLength(328);
    const columns = r.record.nodes.get('read')!.outputs.out.columns;
    expect(r.train.columns).toEqual(columns);
    expect(r.test.columns).toEqual(columns);
    expect(r.train.meta).toEqual({ split: 'train' });
    expect(r.test.meta).toEqual({ split: 'test' });
    expect(r.logs).toContain('split 1309 rows (random): 981 train, 328 test');
  });

  it('is reproducible: the same seed gives byte-identical artifacts; another seed another split', async () => {
    const a = await split('titanic', { seed: 7 });
    const b = await split('titanic', { seed: 7 });
    expect(b.train.hash).toBe(a.train.hash);
    expect(b.test.hash).toBe(a.test.hash);
    const c = await split('titanic', { seed: 8 });
    expect(c.test.hash).not.toBe(a.test.hash);
    const testA = new Set(await ids(a.test));
    const overlap = (await ids(c.test)).filter((id) => testA.has(id)).length;
    // Two independent 25 % samples share about a quarter of their rows.
    expect(overlap).toBeGreaterThan(328 * 0.15);
    expect(overlap).toBeLessThan(328 * 0.35);
  });

  it('chooses the same rows as when this version shipped (a golden split: changing it needs a new node version)', async () => {
    const r = await split('breast_cancer', { seed: 0 });
    const { test } = await expectPartition(r, 569);
    expect(test.slice(0, 12)).toEqual(GOLDEN_BREAST_CANCER_SEED_0);
    expect(test.reduce((s, x) => s + x, 0)).toBe(GOLDEN_BREAST_CANCER_SEED_0_SUM);
  });

  it('the test rows are the positions with the smallest SplitMix64 values (checked against the BigInt reference)', async () => {
    const r = await split('titanic', { seed: 2024 });
    const { test } = await expectPartition(r, 1309);
    const keyed = range(1309).map((i) => [splitmix64(2024n, BigInt(i)), i] as const);
    keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    expect(test).toEqual(keyed.slice(0, 328).map(([, i]) => i).sort((a, b) => a - b));
  });

  it('shuffle false: the last rows are the test rows, as train_test_split(shuffle=False)', async () => {
    const r = await split('titanic', { shuffle: false });
    const { train, test } = await expectPartition(r, 1309);
    expect(train).toEqual(range(981));
    expect(test).toEqual(range(328).map((i) => 981 + i));
  });

  it('a whole-number testSize is a row count', async () => {
    const r = await split('penguins', { testSize: 50 });
    const { test } = await expectPartition(r, 344);
    expect(test).toHaveLength(50);
  });

  it('flights: 100,000 rows, test rows spread evenly over the input', async () => {
    const r = await split('flights', { seed: 3 });
    const { test } = await expectPartition(r, 100_000);
    expect(test).toHaveLength(25_000);
    const perDecile = range(10).map((d) => test.filter((id) => Math.floor(id / 10_000) === d).length);
    // 2,500 expected per decile; the standard deviation is about 43.
    for (const n of perDecile) expect(Math.abs(n - 2500)).toBeLessThan(250);
  });

  it('carries the input chain unchanged on both outputs', async () => {
    const r = await split('penguins', {}, { fit: true });
    await expectPartition(r, 344);
    expect(r.train.meta).toEqual({ chain: [{ step: 'scale' }], split: 'train' });
    expect(r.test.meta).toEqual({ chain: [{ step: 'scale' }], split: 'test' });
  });

  it('works on a table with a column named file_row_number (DuckDB\'s row position name), with the same split', async () => {
    await bed.db.run(
      `COPY (SELECT row_id, row_id * 10 AS file_row_number FROM read_csv(${quoteOwnPath(join(data, 'penguins.csv'))}))
       TO ${quoteOwnPath(join(data, 'shadow.csv'))} (HEADER)`,
    );
    const shadowed = await expectPartition(await split('shadow', { seed: 9 }), 344);
    const plain = await expectPartition(await split('penguins', { seed: 9 }), 344);
    expect(shadowed.test).toEqual(plain.test);
  });

  it('fails clearly when testSize leaves no train rows', async () => {
    const r = await split('penguins', { testSize: 344 });
    expect(r.status).toBe('failed');
    expect(r.error).toBe('testSize 344 leaves no rows for train (344 rows, 344 for test): lower it');
  });
});

describe('stratified', () => {
  /** Each class's test count is within one row of its share of the test rows. */
  function expectProportional(total: Map<string, number>, test: Map<string, number>, nTest: number, n: number) {
    for (const [c, nc] of total) {
      const share = (nTest * nc) / n;
      expect(Math.abs((test.get(c) ?? 0) - share), `class ${c}`).toBeLessThan(1);
    }
  }

  it('breast_cancer by diagnosis: 53 malignant and 90 benign in test, the counts of scikit-learn\'s reference split', async () => {
    const r = await split('breast_cancer', { method: 'stratified', stratify: 'diagnosis', seed: 0 });
    await expectPartition(r, 569);
    const test = await countsBy(r.test, 'diagnosis');
    expect(Object.fromEntries(test)).toEqual({ malignant: 53, benign: 90 });
    expect(Object.fromEntries(await countsBy(r.train, 'diagnosis'))).toEqual({ malignant: 159, benign: 267 });
    expectProportional(new Map([['malignant', 212], ['benign', 357]]), test, 143, 569);
  });

  it.each([0.25, 0.3, 0.1, 0.5])('penguins by species, testSize %s: within one row per class', async (testSize) => {
    const r = await split('penguins', { method: 'stratified', stratify: 'species', testSize: testSize, seed: 11 });
    await expectPartition(r, 344);
    const nTest = testCount(testSize, 344);
    expect(r.test.rows).toBe(nTest);
    expectProportional(new Map([['Adelie', 152], ['Gentoo', 124], ['Chinstrap', 68]]), await countsBy(r.test, 'species'), nTest, 344);
  });

  it('penguins 0.3: the leftover rows go to the largest remainders (Adelie 45.95, Chinstrap 20.56)', async () => {
    const r = await split('penguins', { method: 'stratified', stratify: 'species', testSize: 0.3 });
    expect(Object.fromEntries(await countsBy(r.test, 'species'))).toEqual({ Adelie: 46, Gentoo: 37, Chinstrap: 21 });
  });

  it('a missing value is a class of its own (penguins sex: 11 missing)', async () => {
    const r = await split('penguins', { method: 'stratified', stratify: 'sex' });
    await expectPartition(r, 344);
    const total = new Map([['male', 168], ['female', 165], ['null', 11]]);
    const test = await countsBy(r.test, 'sex');
    expectProportional(total, new Map([...test].map(([k, v]) => [k === 'null' ? 'null' : k, v])), 86, 344);
    expect(test.get('null')).toBe(3); // 86 * 11 / 344 = 2.75
  });

  it('is reproducible and depends on the seed', async () => {
    const params = { method: 'stratified', stratify: 'diagnosis' };
    const a = await split('breast_cancer', { ...params, seed: 5 });
    const b = await split('breast_cancer', { ...params, seed: 5 });
    const c = await split('breast_cancer', { ...params, seed: 6 });
    expect([b.train.hash, b.test.hash]).toEqual([a.train.hash, a.test.hash]);
    expect(c.test.hash).not.toBe(a.test.hash);
    expect(Object.fromEntries(await countsBy(c.test, 'diagnosis'))).toEqual({ malignant: 53, benign: 90 });
  });

  it('needs a stratify column and shuffle on: the graph check stops the run, naming the param', async () => {
    for (const [params, message] of [
      [{ method: 'stratified' }, 'method "stratified" needs a class column to stratify by'],
      [{ method: 'stratified', stratify: 'diagnosis', shuffle: false }, 'a stratified split needs shuffle on (as in scikit-learn)'],
    ] as const) {
      const r = await split('breast_cancer', params);
      expect(r.record.status).toBe('failed');
      expect(r.status).toBeUndefined(); // stopped before any node ran
      expect(r.logs.join('\n')).toContain(message);
    }
  });

  it('a column the input does not have fails the node, naming the param and the column', async () => {
    // ingest.csv learns its columns by reading the file, so this is found when the split runs.
    const r = await split('breast_cancer', { method: 'stratified', stratify: 'diagnosys' });
    expect(r.status).toBe('failed');
    expect(r.error).toBe('stratify: column "diagnosys" is not in the input');
  });
});

describe('time', () => {
  it('flights by date: no train row is later than a test row, rows of one time stay together', async () => {
    const r = await split('flights', { method: 'time', time: 'date' });
    const { test } = await expectPartition(r, 100_000);
    const [{ train_max, test_min }] = await bed.db.objects(
      `SELECT (SELECT max(date) FROM read_parquet($a))::VARCHAR AS train_max, (SELECT min(date) FROM read_parquet($b))::VARCHAR AS test_min`,
      { a: r.train.path, b: r.test.path },
    );
    expect(String(train_max) < String(test_min)).toBe(true);
    // The boundary time's rows all sit on one side, so the size is off 25,000 by less than a group.
    const [{ group }] = await bed.db.objects(
      `SELECT count(*)::BIGINT AS "group" FROM read_parquet($p) WHERE date = (SELECT min(date) FROM read_parquet($q))`,
      { p: join(ROOT, 'test-fixtures', 'flights-100k.parquet'), q: r.test.path },
    );
    expect(Math.abs(test.length - 25_000)).toBeLessThan(Number(group));
    expect(r.test.meta).toEqual({ split: 'test' });
    expect(r.logs.some((l) => /^time: test = rows with "date" (at or )?after 2001-01-0\d/.test(l))).toBe(true);
  });

  it('puts the boundary group on the side that brings the test size nearest testSize', async () => {
    const file = join(data, 'times.csv');
    await bed.db.run(
      `COPY (SELECT * FROM (VALUES (0, 1), (1, 2), (2, 2), (3, 2), (4, 3), (5, 1)) t(row_id, t)) TO ${quoteOwnPath(file)} (HEADER)`,
    );
    // n_test = 2: the group t = 2 (3 rows) with the t = 3 row makes 4 test rows, without it 1: 1 is nearer.
    const a = await split('times', { method: 'time', time: 't', testSize: 2 });
    expect((await expectPartition(a, 6)).test).toEqual([4]);
    // n_test = 3: without the group 1 row (2 away), with it 4 rows (1 away): with.
    const b = await split('times', { method: 'time', time: 't', testSize: 3 });
    expect((await expectPartition(b, 6)).test).toEqual([1, 2, 3, 4]);
    // n_test = 5 would leave train only the t = 1 rows (2 rows) if the group goes to test: 4 test rows.
    const c = await split('times', { method: 'time', time: 't', testSize: 5 });
    expect((await expectPartition(c, 6)).test).toEqual([1, 2, 3, 4]);
  });

  it('refuses missing times, a single time, and a text column', async () => {
    await bed.db.run(`COPY (SELECT * FROM (VALUES (0, 1), (1, NULL), (2, 3)) t(row_id, t)) TO ${quoteOwnPath(join(data, 'gap.csv'))} (HEADER)`);
    const missing = await split('gap', { method: 'time', time: 't' });
    expect(missing.status).toBe('failed');
    expect(missing.error).toBe('time: "t" is missing in 1 rows; a time split cannot place them (filter or impute them first)');

    await bed.db.run(`COPY (SELECT * FROM (VALUES (0, 5), (1, 5), (2, 5)) t(row_id, t)) TO ${quoteOwnPath(join(data, 'flat.csv'))} (HEADER)`);
    const flat = await split('flat', { method: 'time', time: 't' });
    expect(flat.status).toBe('failed');
    expect(flat.error).toMatch(/^time: every row of "t" has the same time \(5\)/);

    const text = await split('penguins', { method: 'time', time: 'island' });
    expect(text.status).toBe('failed');
    expect(text.error).toBe('time: column "island" is VARCHAR; method "time" needs a date, a timestamp or a number');
  });
});

describe('column', () => {
  it('a boolean "is test" column decides each row; testSize and seed play no part', async () => {
    await bed.db.run(
      `COPY (SELECT row_id, pclass, row_id % 5 = 0 AS is_test FROM read_csv(${quoteOwnPath(join(data, 'titanic.csv'))}))
       TO ${quoteOwnPath(join(data, 'flagged.csv'))} (HEADER)`,
    );
    const r = await split('flagged', { method: 'column', column: 'is_test', testSize: 0.9, seed: 4 });
    const { test } = await expectPartition(r, 1309);
    expect(test).toEqual(range(1309).filter((i) => i % 5 === 0));
    expect(r.test.meta).toEqual({ split: 'test' });
  });

  it('refuses a missing flag, naming the column and the count (NULL is not guessed to be train)', async () => {
    await bed.db.run(
      `COPY (SELECT row_id, CASE WHEN row_id IN (3, 8) THEN NULL ELSE row_id % 2 = 0 END AS holdout
             FROM read_csv(${quoteOwnPath(join(data, 'penguins.csv'))}))
       TO ${quoteOwnPath(join(data, 'holes.csv'))} (HEADER)`,
    );
    const r = await split('holes', { method: 'column', column: 'holdout' });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^column: "holdout" is missing in 2 of 344 rows; a missing "is test" flag is refused/);
  });

  it('refuses a column that is not boolean, naming it', async () => {
    const r = await split('penguins', { method: 'column', column: 'year' });
    expect(r.status).toBe('failed');
    expect(r.error).toBe('column: column "year" is BIGINT; method "column" needs BOOLEAN (true = test)');
  });
});

/** The first test rows (ascending) of breast_cancer, random, seed 0, as this version chooses them. */
const GOLDEN_BREAST_CANCER_SEED_0 = [2, 4, 6, 8, 18, 31, 32, 33, 37, 41, 42, 43];
const GOLDEN_BREAST_CANCER_SEED_0_SUM = 40_453;

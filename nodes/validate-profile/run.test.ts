import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteOwnPath } from '../../src-main/data/duckdb.js';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import type { FreshRun } from '../../src-main/test-nodes/test-engine.js';
import { validateParams } from '../../src-shared/nodes/params.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { validateProfileSpec, type ColumnProfile, type Histogram, type ProfileReport } from './spec.js';

/**
 * validate.profile through the real engine (worker pool, DuckDB, artifact and lineage stores in
 * a fresh temp home), on the shipped sample and on hand-made CSVs.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PENGUINS = join(ROOT, 'samples', 'penguins.csv');
const EXAMPLE = join(ROOT, 'examples', 'penguins-profile.plumb');
const FLIGHTS = join(ROOT, 'test-fixtures', 'flights-100k.parquet');

let bed: NodeTestBed;
let data: string;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-profile-');
  ({ data } = bed);
});

afterAll(async () => {
  await bed?.dispose();
});

/** ingest.csv on `csv` (relative to the data folder), then validate.profile with `params`. */
async function profile(csv: string, params: Record<string, unknown> = {}): Promise<{ record: FreshRun }> {
  return { record: await bed.runAfterCsv(csv, 'validate.profile', params, 'profile') };
}

async function reportOf(record: FreshRun, id: string): Promise<ProfileReport> {
  const n = record.nodes.get(id);
  expect(n?.error).toBeUndefined();
  expect(n?.status).toBe('succeeded');
  return JSON.parse(await readFile(n!.outputs.report.path, 'utf8'));
}

const column = (report: ProfileReport, name: string): ColumnProfile => {
  const c = report.columns.find((col) => col.name === name);
  expect(c, `column ${name} in the profile`).toBeDefined();
  return c!;
};

describe('validate.profile on samples/penguins.csv', () => {
  let report: ProfileReport;

  beforeAll(async () => {
    // The shipped example, as the user opens it: relative paths resolve against its folder.
    const loaded = parsePipelineText(readFileSync(EXAMPLE, 'utf8'));
    if (!loaded.ok) throw new Error(loaded.reason);
    const record = await bed.engine.runFresh(loaded.document, join(ROOT, 'examples'));
    expect(record.status).toBe('succeeded');
    report = await reportOf(record, 'profile');
  });

  it('counts the rows and profiles all eight columns in file order', () => {
    expect(report.kind).toBe('profile');
    expect(report.rows).toBe(344);
    expect(report.columns.map((c) => c.name)).toEqual([
      'species',
      'island',
      'bill_length_mm',
      'bill_depth_mm',
      'flipper_length_mm',
      'body_mass_g',
      'sex',
      'year',
    ]);
  });

  it('counts the missing values per column', () => {
    expect(column(report, 'bill_length_mm').nulls).toBe(2);
    expect(column(report, 'bill_length_mm').nullFraction).toBeCloseTo(2 / 344, 12);
    expect(column(report, 'sex').nulls).toBe(11);
    expect(column(report, 'species').nulls).toBe(0);
    expect(column(report, 'year').nulls).toBe(0);
  });

  it('counts distinct values', () => {
    expect(column(report, 'species').distinct).toBe(3);
    expect(column(report, 'island').distinct).toBe(3);
    expect(column(report, 'sex').distinct).toBe(2); // missing is not a value
    expect(column(report, 'year').distinct).toBe(3);
  });

  it('min, max and mean of body_mass_g equal what DuckDB computes on the CSV directly', async () => {
    const [ref] = await bed.db.objects(
      `SELECT min(body_mass_g)::DOUBLE AS lo, max(body_mass_g)::DOUBLE AS hi, avg(body_mass_g) AS mu,
              count(*) - count(body_mass_g) AS missing
       FROM read_csv($path)`,
      { path: PENGUINS },
    );
    const mass = column(report, 'body_mass_g');
    expect(mass.min).toBe(ref.lo);
    expect(mass.max).toBe(ref.hi);
    expect(mass.mean).toBeCloseTo(ref.mu as number, 9);
    expect(mass.nulls).toBe(ref.missing);
    // And the values are the ones known for the data set.
    expect(mass.min).toBe(2700);
    expect(mass.max).toBe(6300);
    expect(mass.mean).toBeCloseTo(4201.754, 3);
  });

  it('gives text columns no min, max or mean', () => {
    const species = column(report, 'species');
    expect(species.type).toBe('VARCHAR');
    expect('min' in species || 'max' in species || 'mean' in species).toBe(false);
  });

  it('the columns param restricts the profile to those columns', async () => {
    const { record } = await profile(PENGUINS, { columns: ['sex', 'body_mass_g'] });
    const r = await reportOf(record, 'profile');
    expect(r.rows).toBe(344);
    // In the order of the table, whatever the order asked.
    expect(r.columns.map((c) => c.name)).toEqual(['body_mass_g', 'sex']);
    expect(column(r, 'sex').nulls).toBe(11);
  });

  it('fails naming the columns the input does not have', async () => {
    const { record } = await profile(PENGUINS, { columns: ['sex', 'beak', 'wing'] });
    expect(record.nodes.get('profile')?.status).toBe('failed');
    expect(record.nodes.get('profile')?.error).toBe('columns not in the input: beak, wing');
  });
});

/** Equal-width binning done in JS from the raw values: [lo + k w, lo + (k+1) w), the last bin closed. */
function binInJs(values: readonly number[], bins: number): Histogram {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const w = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(Math.floor((v - lo) / w), bins - 1)]++;
  return { edges: Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * w)), counts };
}

describe('validate.profile distributions on samples/penguins.csv', () => {
  const NUMERIC = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'year'];
  let report: ProfileReport;

  beforeAll(async () => {
    const { record } = await profile(PENGUINS);
    report = await reportOf(record, 'profile');
  });

  it('lists the top values of text columns with their counts, most frequent first', () => {
    expect(column(report, 'species').topValues).toEqual([
      { value: 'Adelie', count: 152 },
      { value: 'Gentoo', count: 124 },
      { value: 'Chinstrap', count: 68 },
    ]);
    expect(column(report, 'island').topValues).toEqual([
      { value: 'Biscoe', count: 168 },
      { value: 'Dream', count: 124 },
      { value: 'Torgersen', count: 52 },
    ]);
    // The 11 missing values are in nulls, not among the values.
    expect(column(report, 'sex').topValues).toEqual([
      { value: 'male', count: 168 },
      { value: 'female', count: 165 },
    ]);
  });

  it('lists top values of a low-cardinality numeric column, not of continuous ones', () => {
    expect(column(report, 'year').topValues).toEqual([
      { value: 2009, count: 120 },
      { value: 2008, count: 114 },
      { value: 2007, count: 110 },
    ]);
    for (const name of ['bill_length_mm', 'body_mass_g']) expect(column(report, name).topValues, name).toBeUndefined();
  });

  it('quartiles and standard deviation equal what DuckDB computes on the CSV directly', async () => {
    for (const name of NUMERIC) {
      const [ref] = await bed.db.objects(
        `SELECT quantile_cont(c, 0.25) AS p25, median(c) AS p50, quantile_cont(c, 0.75) AS p75, stddev_samp(c) AS std
         FROM (SELECT COLUMNS($name)::DOUBLE AS c FROM read_csv($path, nullstr = ['', 'NA']))`,
        { name, path: PENGUINS },
      );
      const c = column(report, name);
      for (const stat of ['p25', 'p50', 'p75', 'std'] as const) expect(c[stat], `${name} ${stat}`).toBeCloseTo(ref[stat] as number, 9);
    }
    // And the values known for the data set.
    expect(column(report, 'body_mass_g')).toMatchObject({ p25: 3550, p50: 4050, p75: 4750 });
    expect(column(report, 'body_mass_g').std).toBeCloseTo(801.9545, 4);
  });

  it('histograms: 20 equal-width bins over [min, max] whose counts sum to the non-null count', async () => {
    for (const name of NUMERIC) {
      const c = column(report, name);
      const h = c.histogram!;
      expect(h.counts, name).toHaveLength(20);
      expect(h.edges, name).toHaveLength(21);
      expect([h.edges[0], h.edges[20]]).toEqual([c.min, c.max]);
      expect(h.counts.reduce((a, b) => a + b, 0), name).toBe(report.rows - c.nulls);
      // The same binning done in JS from the values DuckDB reads from the CSV.
      const rows = await bed.db.objects(`SELECT COLUMNS($name)::DOUBLE AS v FROM read_csv($path, nullstr = ['', 'NA'])`, { name, path: PENGUINS });
      const values = rows.map((r) => r.v).filter((v): v is number => v !== null);
      expect(h, name).toEqual(binInJs(values, 20));
    }
    // body_mass_g: 2700 to 6300 g in bins of 180 g.
    const mass = column(report, 'body_mass_g').histogram!;
    expect(mass.edges.slice(0, 3)).toEqual([2700, 2880, 3060]);
  });

  it('gives text columns no spread, quartiles or histogram', () => {
    const species = column(report, 'species');
    for (const key of ['std', 'p25', 'p50', 'p75', 'histogram']) expect(key in species, key).toBe(false);
  });

  it('bins and topK change the histogram size and the number of top values; topK 0 lists none', async () => {
    const { record } = await profile(PENGUINS, { columns: ['species', 'body_mass_g'], bins: 4, topK: 2 });
    const r = await reportOf(record, 'profile');
    expect(column(r, 'species').topValues).toEqual([
      { value: 'Adelie', count: 152 },
      { value: 'Gentoo', count: 124 },
    ]);
    expect(column(r, 'body_mass_g').histogram?.edges).toEqual([2700, 3600, 4500, 5400, 6300]);
    expect(column(r, 'body_mass_g').histogram?.counts.reduce((a, b) => a + b, 0)).toBe(342);

    const none = await profile(PENGUINS, { topK: 0 });
    expect((await reportOf(none.record, 'profile')).columns.filter((c) => 'topValues' in c)).toEqual([]);
  });

  it('refuses bins below 1 and a fractional topK', () => {
    expect(validateParams(validateProfileSpec, { bins: 0, topK: 2.5 })).toEqual([
      { param: 'bins', message: 'Histogram bins must be at least 1' },
      { param: 'topK', message: 'Top values must be a whole number' },
    ]);
  });
});

describe('validate.profile column names and types', () => {
  it('profiles a column whose name has a double quote and a space (identifier quoting)', async () => {
    const file = join(data, 'odd-names.csv');
    await writeFile(
      file,
      ['"body ""mass"" g",species,"seen on","it\'s"', '3750,Adelie,2007-11-11,x', ',Gentoo,2008-01-02,y', '4100,Adelie,,x', ''].join('\n'),
    );
    const odd = 'body "mass" g';
    const { record } = await profile('odd-names.csv', { columns: [odd, 'seen on', "it's"] });
    const r = await reportOf(record, 'profile');
    expect(r.rows).toBe(3);
    expect(column(r, odd)).toEqual({
      name: odd,
      type: 'BIGINT',
      nulls: 1,
      nullFraction: 1 / 3,
      distinct: 2,
      min: 3750,
      max: 4100,
      mean: 3925,
      std: expect.closeTo(350 / Math.SQRT2, 9),
      p25: 3837.5,
      p50: 3925,
      p75: 4012.5,
      // 20 bins of 17.5 over [3750, 4100]: one value in the first, one in the last.
      histogram: {
        edges: Array.from({ length: 21 }, (_, k) => 3750 + 17.5 * k),
        counts: [1, ...new Array<number>(18).fill(0), 1],
      },
      topValues: [
        { value: 3750, count: 1 },
        { value: 4100, count: 1 },
      ],
    });
    // Dates get min and max as text, and no mean, spread or histogram; few values: top values.
    expect(column(r, 'seen on')).toEqual({
      name: 'seen on',
      type: 'DATE',
      nulls: 1,
      nullFraction: 1 / 3,
      distinct: 2,
      min: '2007-11-11',
      max: '2008-01-02',
      topValues: [
        { value: '2007-11-11', count: 1 },
        { value: '2008-01-02', count: 1 },
      ],
    });
    expect(column(r, "it's")).toMatchObject({
      nulls: 0,
      distinct: 2,
      topValues: [
        { value: 'x', count: 2 },
        { value: 'y', count: 1 },
      ],
    });
  });

  it('a constant column gets one bin; a column with an infinity gets no histogram', async () => {
    await writeFile(join(data, 'edge-values.csv'), ['same,wide', '5,1.5', '5,inf', '5,', ''].join('\n'));
    const { record } = await profile('edge-values.csv');
    const r = await reportOf(record, 'profile');
    expect(column(r, 'same')).toMatchObject({ std: 0, p25: 5, p50: 5, p75: 5, histogram: { edges: [5, 5], counts: [3] }, topValues: [{ value: 5, count: 3 }] });
    expect(column(r, 'wide')).toMatchObject({ type: 'DOUBLE', nulls: 1, min: 1.5, std: null, p25: null, p50: null, p75: null, histogram: null });
  });

  it('profiles an empty table without dividing by zero', async () => {
    await writeFile(join(data, 'header-only.csv'), 'a,b\n');
    const { record } = await profile('header-only.csv');
    const r = await reportOf(record, 'profile');
    expect(r.rows).toBe(0);
    expect(r.columns.map((c) => [c.name, c.nulls, c.nullFraction])).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
  });
});

describe('validate.profile on 100,000 flights', () => {
  it('matches DuckDB on the source Parquet: quartiles, spread, histogram and top values', async () => {
    // There is no Parquet reader node in this test's tree: convert the fixture to CSV, then ingest it.
    const csv = join(data, 'flights-100k.csv');
    await bed.db.run(`COPY (SELECT * FROM read_parquet(${quoteOwnPath(FLIGHTS)})) TO ${quoteOwnPath(csv)} (HEADER)`);
    const { record } = await profile('flights-100k.csv');
    const r = await reportOf(record, 'profile');
    expect(r.rows).toBe(100_000);
    expect(r.columns.map((c) => [c.name, c.type])).toEqual([
      ['date', 'TIMESTAMP'],
      ['delay', 'BIGINT'],
      ['distance', 'BIGINT'],
      ['origin', 'VARCHAR'],
      ['destination', 'VARCHAR'],
    ]);

    for (const name of ['delay', 'distance']) {
      const [ref] = await bed.db.objects(
        `SELECT min(c) AS lo, max(c) AS hi, quantile_cont(c, 0.25) AS p25, quantile_cont(c, 0.5) AS p50,
                quantile_cont(c, 0.75) AS p75, stddev_samp(c) AS std, count(c) AS n
         FROM (SELECT COLUMNS($name)::DOUBLE AS c FROM read_parquet($path))`,
        { name, path: FLIGHTS },
      );
      const c = column(r, name);
      for (const stat of ['p25', 'p50', 'p75', 'std'] as const) expect(c[stat], `${name} ${stat}`).toBeCloseTo(ref[stat] as number, 6);
      const h = c.histogram!;
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(ref.n);
      expect(h.counts.reduce((a, b) => a + b, 0)).toBe(100_000 - c.nulls);
      // Each bin counted by DuckDB with plain comparisons against the reported edges.
      const filters = h.counts.map((_, k) => `count(*) FILTER (WHERE c >= $e${k} AND c ${k === h.counts.length - 1 ? '<=' : '<'} $e${k + 1}) AS b${k}`);
      const edges = Object.fromEntries(h.edges.map((e, k) => [`e${k}`, e]));
      const [bins] = await bed.db.objects(`SELECT ${filters.join(', ')} FROM (SELECT COLUMNS($name)::DOUBLE AS c FROM read_parquet($path))`, {
        name,
        path: FLIGHTS,
        ...edges,
      });
      expect(h.counts, name).toEqual(h.counts.map((_, k) => bins[`b${k}`]));
    }

    const top = await bed.db.objects(
      `SELECT origin AS value, count(*) AS count FROM read_parquet($path) GROUP BY origin ORDER BY count DESC, value LIMIT 10`,
      { path: FLIGHTS },
    );
    expect(column(r, 'origin').topValues).toEqual(top);
    expect(column(r, 'origin').topValues).toHaveLength(10);
    // A timestamp with thousands of distinct values: range, no top values, no histogram.
    expect(column(r, 'date')).toMatchObject({ min: '2001-01-01 00:01:00', max: '2001-01-07 08:40:00' });
    expect('topValues' in column(r, 'date') || 'histogram' in column(r, 'date')).toBe(false);
  });
});

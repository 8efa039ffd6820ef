import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteOwnPath, type DuckSession } from '../../src-main/data/duckdb.js';
import { openNodeTestBed, type FittedStep, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { chainOf, type TableMeta } from '../../src-shared/nodes/chain.js';
import { applyScale, type ScaleState } from '../../src-shared/transforms/scale.js';
import { featureScaleSpec } from './spec.js';

/**
 * feature.scale through the real engine (ingest.csv -> feature.scale), checked against
 * scikit-learn's formulas computed here independently, in JS, with compensated summation.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BREAST_CANCER = join(ROOT, 'samples', 'breast_cancer.csv');
const DIABETES = join(ROOT, 'samples', 'diabetes.csv');
const TITANIC = join(ROOT, 'samples', 'titanic.csv');
const HOLDOUT = join(ROOT, 'test-fixtures', 'reference', 'breast_cancer.holdout.json');

type Row = Record<string, unknown>;
let bed: NodeTestBed;
let data: string;
let db: DuckSession;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-scale-');
  ({ data, db } = bed);
  // One thread: the row positions read below follow the file's order.
});

afterAll(async () => {
  await bed?.dispose();
});

interface Fitted extends FittedStep {
  readonly state: ScaleState;
}

async function scale(csv: string, params: Record<string, unknown>): Promise<Fitted> {
  const fitted = await bed.fitAfterCsv(csv, 'feature.scale', params, 'scale');
  expect(chainOf(fitted.output.meta as TableMeta)).toHaveLength(1);
  return { ...fitted, state: fitted.step.state as unknown as ScaleState };
}

async function scaleFails(csv: string, params: Record<string, unknown>): Promise<string> {
  const record = await bed.runAfterCsv(csv, 'feature.scale', params, 'scale');
  expect(record.nodes.get('scale')?.status).toBe('failed');
  return record.nodes.get('scale')?.error ?? '';
}

/** Neumaier's compensated sum: independent of the node's SQL, for reference values. */
function kahanSum(values: readonly number[]): number {
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + c;
}

const relClose = (actual: number, expected: number, tol: number) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));

/** Replaying the step on each input row gives the node's output row (same keys, numbers to 1e-12). */
function expectReplayMatches(f: Fitted): void {
  expect(f.outRows.length).toBe(f.inRows.length);
  const bad: string[] = [];
  f.inRows.forEach((row, i) => {
    const replayed = applyScale(f.state, f.step.params, row);
    if (Object.keys(replayed).join() !== Object.keys(f.outRows[i]).join()) bad.push(`row ${i}: keys ${Object.keys(replayed).join()}`);
    for (const [k, v] of Object.entries(f.outRows[i])) {
      const a = replayed[k];
      const same = typeof v === 'number' && typeof a === 'number' ? Math.abs(a - v) <= 1e-12 * Math.max(1, Math.abs(v)) : Object.is(a, v);
      if (!same) bad.push(`row ${i} ${k}: ${String(a)} vs ${String(v)}`);
    }
  });
  expect(bad.slice(0, 5)).toEqual([]);
}

async function writeCsv(name: string, text: string): Promise<string> {
  const path = join(data, name);
  await writeFile(path, text);
  return path;
}

describe('feature.scale standard on the breast cancer train rows (parity with scikit-learn)', () => {
  let fitted: Fitted;
  let train: Row[];
  let features: string[];

  beforeAll(async () => {
    // The reference split's train rows: CSV row position = scikit-learn's 0-based index.
    const { train: indices } = JSON.parse(readFileSync(HOLDOUT, 'utf8')) as { train: number[] };
    const trainCsv = join(data, 'breast_cancer_train.csv');
    const numbered = `SELECT row_number() OVER () - 1 AS rn, * FROM read_csv($src)`;
    const [anchor] = await db.objects(`SELECT mean_radius, worst_area FROM (${numbered}) WHERE rn = 568`, { src: BREAST_CANCER });
    expect(anchor).toEqual({ mean_radius: 7.76, worst_area: 268.6 }); // the last line of the file
    await db.run(`CREATE TEMP TABLE bc_train AS SELECT * EXCLUDE (rn) FROM (${numbered}) WHERE list_contains($idx::BIGINT[], rn) ORDER BY rn`, {
      src: BREAST_CANCER,
      idx: indices.map(String),
    });
    await db.run(`COPY bc_train TO ${quoteOwnPath(trainCsv)} (HEADER)`);
    train = await db.objects('SELECT * FROM bc_train');
    expect(train).toHaveLength(426);
    features = Object.keys(train[0]).filter((k) => k !== 'diagnosis');
    expect(features).toHaveLength(30);
    fitted = await scale(trainCsv, { columns: features, method: 'standard' });
  });

  it('learns mean_ and scale_ = sqrt(mean((x - mean)^2)) as scikit-learn does, to 1e-9', () => {
    expect(fitted.state.method).toBe('standard');
    expect(fitted.state.columns.map((c) => c.name)).toEqual(features);
    for (const c of fitted.state.columns) {
      const xs = train.map((r) => r[c.name] as number);
      const mean = kahanSum(xs) / xs.length;
      const std = Math.sqrt(kahanSum(xs.map((x) => (x - mean) ** 2)) / xs.length);
      relClose(c.center!, mean, 1e-9);
      relClose(c.scale!, std, 1e-9);
      relClose(c.stats.var, std * std, 1e-9);
    }
    // A known figure: the mean radius of the 426 train rows.
    expect(fitted.state.columns[0].center).toBeCloseTo(14.1, 0);
  });

  it('outputs (x - mean) / scale for every row, the other columns untouched', () => {
    const means = new Map<string, number>();
    const stds = new Map<string, number>();
    for (const name of features) {
      const xs = train.map((r) => r[name] as number);
      const mean = kahanSum(xs) / xs.length;
      means.set(name, mean);
      stds.set(name, Math.sqrt(kahanSum(xs.map((x) => (x - mean) ** 2)) / xs.length));
    }
    expect(fitted.outRows).toHaveLength(426);
    const bad: string[] = [];
    fitted.outRows.forEach((row, i) => {
      if (row.diagnosis !== train[i].diagnosis) bad.push(`row ${i}: diagnosis`);
      for (const name of features) {
        const expected = ((train[i][name] as number) - means.get(name)!) / stds.get(name)!;
        if (!(Math.abs((row[name] as number) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)))) bad.push(`row ${i} ${name}`);
      }
    });
    expect(bad).toEqual([]);
    // Standardized on the fitted rows: mean 0, population std 1.
    const z = fitted.outRows.map((r) => r.mean_texture as number);
    expect(Math.abs(kahanSum(z) / z.length)).toBeLessThan(1e-12);
    expect(Math.sqrt(kahanSum(z.map((v) => v * v)) / z.length)).toBeCloseTo(1, 12);
  });

  it('replays on raw rows exactly as the SQL did', () => expectReplayMatches(fitted));

  it('records the step in the chain, with the node, type, version and params', () => {
    expect(fitted.step).toMatchObject({ type: 'feature.scale', version: 1, node: 'scale', params: { method: 'standard', with_mean: true } });
    expect(JSON.parse(JSON.stringify(fitted.step))).toEqual(fitted.step);
  });

  it('derives its output schema exactly in inferSchema', () => {
    const inferred = featureScaleSpec.inferSchema!({ in: { kind: 'table', columns: fitted.input.columns! } }, { columns: features, method: 'standard' });
    expect(inferred.problems).toEqual([]);
    expect(inferred.outputs.out).toEqual({ kind: 'table', columns: fitted.output.columns });
  });
});

describe('feature.scale standard on titanic age and fare, which have missing values', () => {
  it('learns from the present values only (scikit-learn ignores NaN) and keeps the missing ones missing', async () => {
    const f = await scale(TITANIC, { columns: ['age', 'fare'] });
    const bad: string[] = [];
    for (const c of f.state.columns) {
      const xs = f.inRows.map((r) => r[c.name]).filter((v): v is number => v !== null);
      const mean = kahanSum(xs) / xs.length;
      const std = Math.sqrt(kahanSum(xs.map((x) => (x - mean) ** 2)) / xs.length);
      relClose(c.center!, mean, 1e-9);
      relClose(c.scale!, std, 1e-9);
      expect(c.stats.n).toBe(xs.length);
      f.inRows.forEach((r, i) => {
        const x = r[c.name] as number | null;
        const y = f.outRows[i][c.name] as number | null;
        if (x === null) {
          if (y !== null) bad.push(`row ${i} ${c.name}: ${y}`);
        } else if (!(Math.abs(y! - (x - mean) / std) <= 1e-9 * Math.max(1, Math.abs((x - mean) / std)))) {
          bad.push(`row ${i} ${c.name}: ${y} vs ${(x - mean) / std}`);
        }
      });
    }
    expect(bad).toEqual([]);
    expect(f.state.columns.map((c) => c.stats.n)).toEqual([1046, 1308]);
    expectReplayMatches(f);
  });
});

describe('feature.scale options', () => {
  it('leaves a constant column a scale of 1 (as scikit-learn), and keeps missing values missing', async () => {
    const csv = await writeCsv('const.csv', 'a,b,c\n1,5,x\n2,5,y\n,5,z\n4,5,w\n');
    const f = await scale(csv, {});
    expect(f.state.columns.map((c) => c.name)).toEqual(['a', 'b']);
    const b = f.state.columns[1];
    expect(b).toMatchObject({ center: 5, scale: 1 });
    expect(f.outRows.map((r) => r.b)).toEqual([0, 0, 0, 0]);
    // a: mean of 1, 2, 4 (the missing value is left out), population std.
    const a = f.state.columns[0];
    expect(a.center).toBeCloseTo(7 / 3, 14);
    expect(a.scale).toBeCloseTo(Math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 3), 14);
    expect(f.outRows[2].a).toBeNull();
    expect(f.output.columns).toEqual([
      { name: 'a', type: 'DOUBLE' },
      { name: 'b', type: 'DOUBLE' },
      { name: 'c', type: 'VARCHAR' },
    ]);
    expectReplayMatches(f);
  });

  it('with_mean false only divides, with_std false only centers', async () => {
    const csv = await writeCsv('two.csv', 'a\n1\n2\n3\n6\n');
    const noMean = await scale(csv, { with_mean: false });
    const std = Math.sqrt(((1 - 3) ** 2 + (2 - 3) ** 2 + 0 + (6 - 3) ** 2) / 4);
    expect(noMean.state.columns[0]).toMatchObject({ center: null });
    expect(noMean.state.columns[0].scale).toBeCloseTo(std, 14);
    expect(noMean.outRows.map((r) => r.a)).toEqual([1, 2, 3, 6].map((x) => x / noMean.state.columns[0].scale!));
    const noStd = await scale(csv, { with_std: false });
    expect(noStd.state.columns[0]).toMatchObject({ center: 3, scale: null });
    expect(noStd.outRows.map((r) => r.a)).toEqual([-2, -1, 0, 3]);
    expectReplayMatches(noMean);
    expectReplayMatches(noStd);
  });

  it('minmax maps the learned [min, max] onto feature_range', async () => {
    const f = await scale(DIABETES, { method: 'minmax', columns: ['bmi', 'bp'], feature_range: [-1, 1] });
    const bmi = f.inRows.map((r) => r.bmi as number);
    const lo = Math.min(...bmi);
    const hi = Math.max(...bmi);
    const c = f.state.columns[0];
    expect(c.stats).toEqual({ data_min: lo, data_max: hi });
    // scikit-learn: scale_ = (1 - -1) / (max - min), min_ = -1 - data_min * scale_.
    expect(c.scale).toBe(2 / (hi - lo));
    expect(c.min).toBe(-1 - lo * (2 / (hi - lo)));
    const out = f.outRows.map((r) => r.bmi as number);
    expect(Math.min(...out)).toBeCloseTo(-1, 14);
    expect(Math.max(...out)).toBeCloseTo(1, 14);
    f.outRows.forEach((r, i) => expect(r.bmi).toBe(bmi[i] * c.scale! + c.min!));
    expectReplayMatches(f);
  });

  it('robust centers on the median and divides by the interquartile range, interpolated as numpy', async () => {
    const f = await scale(DIABETES, { method: 'robust', columns: ['s1', 's5'] });
    for (const c of f.state.columns) {
      const xs = f.inRows.map((r) => r[c.name] as number).sort((a, b) => a - b);
      const percentile = (q: number) => {
        const pos = (xs.length - 1) * q;
        const k = Math.floor(pos);
        return k + 1 < xs.length ? xs[k] + (xs[k + 1] - xs[k]) * (pos - k) : xs[k];
      };
      relClose(c.center!, percentile(0.5), 1e-12);
      relClose(c.scale!, percentile(0.75) - percentile(0.25), 1e-12);
    }
    expectReplayMatches(f);
    const narrow = await scale(DIABETES, { method: 'robust', columns: ['s1'], quantile_range: [10, 90], with_centering: false });
    expect(narrow.state.columns[0].center).toBeNull();
    expect(narrow.state.columns[0].stats.q_low).toBeLessThan(f.state.columns[0].stats.q_low);
    expectReplayMatches(narrow);
  });

  it('refuses a text column, naming the param and the column', async () => {
    const error = await scaleFails(BREAST_CANCER, { columns: ['mean_radius', 'diagnosis'] });
    expect(error).toContain('columns');
    expect(error).toContain('"diagnosis"');
    expect(error).toContain('numeric');
  });

  it('reports bad column references and a reversed feature_range before running', () => {
    const input = { kind: 'table' as const, columns: [{ name: 'x', type: 'DOUBLE' }, { name: 's', type: 'VARCHAR' }] };
    const infer = (params: Record<string, unknown>) => featureScaleSpec.inferSchema!({ in: input }, { method: 'standard', ...params });
    expect(infer({ columns: ['gone'] }).problems).toEqual([{ param: 'columns', message: 'column "gone" is not in the input' }]);
    expect(infer({ columns: ['s'] }).problems).toEqual([{ param: 'columns', message: 'column "s" is VARCHAR: scaling needs numeric columns' }]);
    expect(infer({ method: 'minmax', feature_range: [1, 0] }).problems?.[0]?.param).toBe('feature_range');
    expect(infer({ method: 'robust', quantile_range: [80, 20] }).problems?.[0]?.param).toBe('quantile_range');
    expect(infer({}).outputs.out).toEqual({ kind: 'table', columns: [{ name: 'x', type: 'DOUBLE' }, { name: 's', type: 'VARCHAR' }] });
  });
});

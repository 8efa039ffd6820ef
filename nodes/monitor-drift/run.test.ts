import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LegacyRandomState } from '../../src-main/ml/random/mt19937.js';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testEdge, testNode, type FreshRun } from '../../src-main/test-nodes/test-engine.js';
import type { DriftColumn, DriftReport } from './spec.js';

/**
 * monitor.drift through the real engine (two ingest.csv -> monitor.drift), on breast_cancer with
 * the three KS cases of the scipy reference (copied to test-fixtures/reference/breast_cancer.ks_drift.json), and on small hand-made tables.
 * The fixture holds the reference table's 4-digit values and scipy's full-precision ones.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BREAST_CANCER = join(ROOT, 'samples', 'breast_cancer.csv');
const FLIGHTS = join(ROOT, 'test-fixtures', 'flights-100k.parquet');

interface KsFixture {
  readonly permutation: readonly number[];
  readonly features: Readonly<Record<string, { readonly reference: readonly number[]; readonly scipy: readonly number[] }>>;
}
const FIXTURE: KsFixture = JSON.parse(readFileSync(join(ROOT, 'test-fixtures', 'reference', 'breast_cancer.ks_drift.json'), 'utf8'));

let bed: NodeTestBed;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-drift-');
});

afterAll(async () => {
  await bed?.dispose();
});

/** numpy's legacy `RandomState(seed).permutation(n)`: Fisher-Yates from the end, j = random_interval(i). */
function legacyPermutation(n: number, seed: number): number[] {
  const rs = new LegacyRandomState(seed);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rs.randint(0, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

async function writeCsv(name: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): Promise<string> {
  const path = join(bed.data, name);
  await writeFile(path, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

async function runDrift(reference: string, current: string, params: Record<string, unknown> = {}, id = 'drift-test'): Promise<FreshRun> {
  return bed.engine.runFresh(
    testDocument(
      [testNode('ref', 'ingest.csv', { path: reference }), testNode('cur', 'ingest.csv', { path: current }), testNode('drift', 'monitor.drift', params)],
      [testEdge('ref', 'drift', 'reference'), testEdge('cur', 'drift', 'current')],
      id,
    ),
    bed.data,
  );
}

async function reportOf(record: FreshRun): Promise<DriftReport> {
  const n = record.nodes.get('drift');
  expect(n?.error).toBeUndefined();
  expect(n?.status).toBe('succeeded');
  return JSON.parse(await readFile(n!.outputs.report.path, 'utf8'));
}

const col = (report: DriftReport, name: string): DriftColumn => {
  const c = report.columns.find((k) => k.name === name);
  expect(c, `column ${name}`).toBeDefined();
  return c!;
};

describe('monitor.drift on breast_cancer: the KS cases of the scikit-learn reference', () => {
  const lines = readFileSync(BREAST_CANCER, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const features = header.filter((h) => h !== 'diagnosis');
  const n = rows.length;

  it('reproduces numpy RandomState(0).permutation(569)', () => {
    expect(legacyPermutation(10, 0)).toEqual([2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
    expect(legacyPermutation(n, 0)).toEqual(FIXTURE.permutation);
  });

  /** Checks every feature's D and p against scipy to 1e-6 and the reference table to its 4 digits. */
  function expectCase(report: DriftReport, k: 0 | 1 | 2, drifted: number): void {
    expect(report.columns).toHaveLength(30);
    for (const f of features) {
      const c = col(report, f);
      const { reference, scipy } = FIXTURE.features[f];
      expect(c.method, f).toBe('ks');
      expect(c.ksMode).toBe('exact');
      expect(Math.abs(c.statistic! - scipy[2 * k]), `${f} D`).toBeLessThan(1e-6);
      expect(Math.abs(c.pValue! - scipy[2 * k + 1]), `${f} p`).toBeLessThan(1e-6);
      // The p-values span 1e-103..1: relative agreement too.
      expect(Math.abs(c.pValue! - scipy[2 * k + 1]) / scipy[2 * k + 1], `${f} p relative`).toBeLessThan(1e-9);
      expect(Math.abs(c.statistic! - reference[2 * k]), `${f} D vs table`).toBeLessThanOrEqual(5e-5);
      expect(Math.abs(c.pValue! - reference[2 * k + 1]) / reference[2 * k + 1], `${f} p vs table`).toBeLessThanOrEqual(5e-4);
      expect(c.drifted).toBe(c.pValue! < 0.05);
    }
    expect(report.driftedColumns).toBe(drifted);
    expect(report.share).toBeCloseTo(drifted / 30, 15);
    expect(report.datasetDrift).toBe(drifted / 30 >= 0.5);
  }

  it('(a) random halves: 2 of 30 features drift at p < 0.05', async () => {
    const perm = legacyPermutation(n, 0);
    const ref = await writeCsv('a-ref.csv', header, perm.slice(0, n >> 1).map((i) => rows[i]));
    const cur = await writeCsv('a-cur.csv', header, perm.slice(n >> 1).map((i) => rows[i]));
    const report = await reportOf(await runDrift(ref, cur, { columns: features }, 'drift-a'));
    expect(report.rows).toEqual({ reference: 284, current: 285 });
    expectCase(report, 0, 2);
    expect(report.columns.filter((c) => c.drifted).map((c) => c.name).sort()).toEqual(['mean_compactness', 'mean_concavity']);
  });

  it('(b) file order halves: 23 of 30 drift, and the dataset drifted', async () => {
    const ref = await writeCsv('b-ref.csv', header, rows.slice(0, n >> 1));
    const cur = await writeCsv('b-cur.csv', header, rows.slice(n >> 1));
    const report = await reportOf(await runDrift(ref, cur, {}, 'drift-b'));
    // With no columns named, the class column is compared too: two categories, a small
    // reference, so Evidently's Z-test; the 30 features are checked on their own.
    const diagnosis = col(report, 'diagnosis');
    expect(diagnosis.method).toBe('z');
    expect(diagnosis.kind).toBe('cat');
    expect(diagnosis.categories?.values.length).toBe(2);
    const counted = { ...report, columns: report.columns.filter((c) => c.name !== 'diagnosis') };
    expectCase({ ...counted, driftedColumns: counted.columns.filter((c) => c.drifted).length, share: counted.columns.filter((c) => c.drifted).length / 30 }, 1, 23);
  });

  it('(c) every column shifted by half its std: all 30 drift', async () => {
    const shifted = rows.map((r) => [...r]);
    for (const f of features) {
      const j = header.indexOf(f);
      const x = rows.map((r) => Number(r[j]));
      const mean = x.reduce((s, v) => s + v, 0) / n;
      const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / n); // np.std, ddof = 0
      shifted.forEach((r, i) => (r[j] = String(x[i] + 0.5 * std)));
    }
    const ref = await writeCsv('c-ref.csv', header, rows);
    const cur = await writeCsv('c-cur.csv', header, shifted);
    const report = await reportOf(await runDrift(ref, cur, { columns: features }, 'drift-c'));
    expectCase(report, 2, 30);
    expect(report.datasetDrift).toBe(true);
  });

  it('stores edges and counts, not rows: the histograms add up to the row counts', async () => {
    const ref = await writeCsv('h-ref.csv', header, rows.slice(0, 300));
    const cur = await writeCsv('h-cur.csv', header, rows.slice(300));
    const record = await runDrift(ref, cur, { columns: ['mean_radius'], bins: 10 }, 'drift-h');
    const report = await reportOf(record);
    const h = col(report, 'mean_radius').histogram!;
    expect(h.edges).toHaveLength(11);
    expect(h.reference.reduce((s, v) => s + v, 0)).toBe(300);
    expect(h.current.reduce((s, v) => s + v, 0)).toBe(269);
    const x = rows.map((r) => Number(r[0]));
    expect(h.edges[0]).toBe(Math.min(...x));
    expect(h.edges[10]).toBe(Math.max(...x));
  });
});

describe('monitor.drift on hand-made tables', () => {
  it('chi-squared for a small categorical reference, with its counts in the report', async () => {
    // reference a/b/c = 10/10/10, current 12/6/12: chi2 = 2.4 with 2 df, p = exp(-1.2)
    const ref = await writeCsv('cat-ref.csv', ['color'], [...Array(10).fill(['a']), ...Array(10).fill(['b']), ...Array(10).fill(['c'])]);
    const cur = await writeCsv('cat-cur.csv', ['color'], [...Array(12).fill(['a']), ...Array(6).fill(['b']), ...Array(12).fill(['c'])]);
    const report = await reportOf(await runDrift(ref, cur, { psi: true }, 'drift-cat'));
    const c = col(report, 'color');
    expect(c.method).toBe('chisquare');
    expect(c.statistic).toBeCloseTo(2.4, 12);
    expect(c.pValue).toBeCloseTo(Math.exp(-1.2), 12);
    expect(c.drifted).toBe(false);
    // PSI over the three categories: sum (r - c) ln(r / c)
    const r = [1 / 3, 1 / 3, 1 / 3];
    const k = [0.4, 0.2, 0.4];
    expect(c.psi).toBeCloseTo(r.reduce((s, v, i) => s + (v - k[i]) * Math.log(v / k[i]), 0), 12);
    expect(c.categories).toMatchObject({ values: ['a', 'c', 'b'], reference: [10, 10, 10], current: [12, 12, 6] });
  });

  it('per-column methods and thresholds, and missing values left out and counted', async () => {
    const ref = await writeCsv('mix-ref.csv', ['x', 'y'], [[0, 1], [1, ''], [3, 1], ['', 2]]);
    const cur = await writeCsv('mix-cur.csv', ['x', 'y'], [[5, 1], [6, 2], [8, 2], [9, 2]]);
    const report = await reportOf(await runDrift(ref, cur, { methods: { x: 'wasserstein', y: 'jensenshannon' }, thresholds: { x: 100 } }, 'drift-mix'));
    const x = col(report, 'x');
    expect(x.method).toBe('wasserstein');
    expect(x.missing).toEqual({ reference: 1, current: 0 });
    // W([0,1,3], [5,6,8,9]) over the std of [0,1,3] (ddof 0)
    const std = Math.sqrt(((0 - 4 / 3) ** 2 + (1 - 4 / 3) ** 2 + (3 - 4 / 3) ** 2) / 3);
    // F_u - F_v on [0,1): 1/3, [1,3): 2/3, [3,5): 1, [5,6): 3/4, [6,8): 1/2, [8,9): 1/4
    expect(x.distance).toBeCloseTo((1 / 3 + (2 / 3) * 2 + 2 + 3 / 4 + (1 / 2) * 2 + 1 / 4) / std, 12);
    expect(x.threshold).toBe(100);
    expect(x.drifted).toBe(false);
    const y = col(report, 'y');
    expect(y.method).toBe('jensenshannon');
    // y numeric with 2 values: categories 1 and 2, reference 2/1, current 1/3
    const p = [2 / 3, 1 / 3];
    const q = [1 / 4, 3 / 4];
    const m = p.map((v, i) => (v + q[i]) / 2);
    const kl = (a: number[]): number => a.reduce((s, v, i) => s + v * Math.log(v / m[i]), 0);
    expect(y.distance).toBeCloseTo(Math.sqrt((kl(p) + kl(q)) / 2), 14);
    expect(y.threshold).toBe(0.1);
    expect(y.drifted).toBe(true);
    expect(report.share).toBe(0.5);
    expect(report.datasetDrift).toBe(true);
  });

  it('prediction drift: the predictions tables get the same tests, reported apart', async () => {
    const ref = await writeCsv('p-ref.csv', ['x'], [[1], [2], [3], [4], [5], [6], [7], [8]]);
    const refPred = await writeCsv('p-ref-pred.csv', ['label'], [...Array(10).fill(['yes']), ...Array(10).fill(['no'])]);
    const curPred = await writeCsv('p-cur-pred.csv', ['label'], [...Array(18).fill(['yes']), ...Array(2).fill(['no'])]);
    const record = await bed.engine.runFresh(
      testDocument(
        [
          testNode('ref', 'ingest.csv', { path: ref }),
          testNode('rp', 'ingest.csv', { path: refPred }),
          testNode('cp', 'ingest.csv', { path: curPred }),
          testNode('drift', 'monitor.drift', {}),
        ],
        [testEdge('ref', 'drift', 'reference'), testEdge('ref', 'drift', 'current'), testEdge('rp', 'drift', 'reference_predictions'), testEdge('cp', 'drift', 'current_predictions')],
        'drift-pred',
      ),
      bed.data,
    );
    const report = await reportOf(record);
    expect(report.datasetDrift).toBe(false);
    const label = report.predictions!.columns[0];
    expect(label.method).toBe('z');
    // "no" sorts first: shares of the rest 0.5 and 0.9, pooled 0.7
    const z = (0.5 - 0.9) / Math.sqrt(0.7 * 0.3 * (1 / 20 + 1 / 20));
    expect(label.statistic).toBeCloseTo(z, 12);
    expect(label.drifted).toBe(true);
    expect(report.predictions!.share).toBe(1);
  });

  it('fails naming the column when a method does not fit its type', async () => {
    const ref = await writeCsv('bad-ref.csv', ['name'], [['a'], ['b']]);
    const record = await runDrift(ref, ref, { methods: { name: 'ks' } }, 'drift-bad');
    expect(record.nodes.get('drift')?.status).toBe('failed');
    expect(record.nodes.get('drift')?.error).toMatch(/column "name" is VARCHAR: method ks needs numbers/);
  });

  it('large references get Wasserstein and Jensen-Shannon; dates are skipped unless named', async () => {
    const record = await bed.engine.runFresh(
      testDocument(
        [
          testNode('read', 'ingest.parquet', { path: FLIGHTS }),
          testNode('halves', 'split.train_test', { shuffle: false, testSize: 0.5 }),
          testNode('drift', 'monitor.drift', {}),
        ],
        [testEdge('read', 'halves', 'in'), testEdge('halves', 'drift', 'reference', 'train'), testEdge('halves', 'drift', 'current', 'test')],
        'drift-flights',
      ),
      bed.data,
    );
    const report = await reportOf(record);
    expect(report.rows).toEqual({ reference: 50000, current: 50000 });
    expect(report.skipped.map((s) => s.name)).toEqual(['date']);
    expect(col(report, 'delay').method).toBe('wasserstein');
    expect(col(report, 'origin').method).toBe('jensenshannon');
    // The report is counts, not rows: a few kilobytes for 100,000 rows.
    expect(JSON.stringify(report).length).toBeLessThan(50_000);
  });
});

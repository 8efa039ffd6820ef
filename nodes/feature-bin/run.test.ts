import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, type FittedStep, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import type { FreshRun } from '../../src-main/test-nodes/test-engine.js';
import { applyBin, type BinState } from '../../src-shared/transforms/bin.js';
import { featureBinSpec } from './spec.js';

/**
 * feature.bin through the real engine (ingest.csv -> feature.bin), its edges checked against
 * numpy's percentile and linspace computed here in JS.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIABETES = join(ROOT, 'samples', 'diabetes.csv');
const TITANIC = join(ROOT, 'samples', 'titanic.csv');

type Row = Record<string, unknown>;
let bed: NodeTestBed;
let data: string;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-bin-');
  ({ data } = bed);
});

afterAll(async () => {
  await bed?.dispose();
});

const run = (csv: string, params: Record<string, unknown>): Promise<FreshRun> => bed.runAfterCsv(csv, 'feature.bin', params, 'bin');

interface Fitted extends FittedStep {
  readonly state: BinState;
}

async function bin(csv: string, params: Record<string, unknown>): Promise<Fitted> {
  const fitted = await bed.fitAfterCsv(csv, 'feature.bin', params, 'bin');
  return { ...fitted, state: fitted.step.state as unknown as BinState };
}

function expectReplayMatches(f: Fitted): void {
  expect(f.outRows.length).toBe(f.inRows.length);
  const bad: string[] = [];
  f.inRows.forEach((row, i) => {
    const replayed = applyBin(f.state, f.step.params, row);
    if (JSON.stringify(replayed) !== JSON.stringify(f.outRows[i])) bad.push(`row ${i}: ${JSON.stringify(replayed)} vs ${JSON.stringify(f.outRows[i])}`);
  });
  expect(bad.slice(0, 3)).toEqual([]);
}

/** numpy.percentile(xs, q) with the default linear interpolation, xs sorted. */
function percentile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * (q / 100);
  const k = Math.floor(pos);
  if (k + 1 >= sorted.length) return sorted[sorted.length - 1];
  return sorted[k] + (sorted[k + 1] - sorted[k]) * (pos - k);
}

const values = (rows: readonly Row[], name: string) => rows.map((r) => r[name]).filter((v): v is number => v !== null);

describe('feature.bin quantile (KBinsDiscretizer\'s default)', () => {
  it('puts edges at the percentiles and about as many rows in each bin, the max in the last', async () => {
    const f = await bin(DIABETES, { columns: ['bmi', 's5'] });
    expect(f.step.params).toMatchObject({ strategy: 'quantile', n_bins: 5 });
    for (const c of f.state.columns) {
      const xs = values(f.inRows, c.name).sort((a, b) => a - b);
      const expected = [0, 20, 40, 60, 80, 100].map((q) => percentile(xs, q));
      expect(c.n_bins).toBe(5);
      c.edges.forEach((e, i) => expect(Math.abs(e - expected[i])).toBeLessThanOrEqual(1e-12 * Math.abs(expected[i])));
      const counts = [0, 0, 0, 0, 0];
      for (const r of f.outRows) counts[r[c.name] as number]++;
      expect(Math.min(...counts)).toBeGreaterThan(442 / 5 - 10);
      const maxAt = f.inRows.findIndex((r) => r[c.name] === xs[xs.length - 1]);
      expect(f.outRows[maxAt][c.name]).toBe(4);
      const minAt = f.inRows.findIndex((r) => r[c.name] === xs[0]);
      expect(f.outRows[minAt][c.name]).toBe(0);
    }
    // Bin i holds edge[i] <= x < edge[i+1].
    const bmi = f.state.columns[0];
    const bad = f.inRows.filter((r, i) => {
      const b = f.outRows[i].bmi as number;
      const x = r.bmi as number;
      return !(x >= bmi.edges[b] && (b === 4 ? x <= bmi.edges[5] : x < bmi.edges[b + 1]));
    });
    expect(bad).toEqual([]);
    expect(f.output.columns!.find((c) => c.name === 'bmi')?.type).toBe('INTEGER');
    expectReplayMatches(f);
  });

  it('removes repeated quantile edges with a warning, as scikit-learn does', async () => {
    // sibsp is mostly 0: the 20th, 40th and 60th percentiles coincide.
    const f = await bin(TITANIC, { columns: ['sibsp', 'age'], n_bins: 5 });
    // In table order: age, then sibsp.
    expect(f.state.columns.map((c) => c.name)).toEqual(['age', 'sibsp']);
    const sibsp = f.state.columns[1];
    const xs = values(f.inRows, 'sibsp').sort((a, b) => a - b);
    const raw = [0, 20, 40, 60, 80, 100].map((q) => percentile(xs, q));
    const kept = raw.filter((e, i) => i === 0 || e - raw[i - 1] > 1e-8);
    expect(kept.length).toBeLessThan(6);
    expect(sibsp.edges).toEqual(kept);
    expect(sibsp.n_bins).toBe(kept.length - 1);
    const warns = f.record.events.filter((e) => e.event === 'log' && e.node === 'bin' && e.level === 'warn');
    expect(warns.map((e) => (e.event === 'log' ? e.message : ''))).toEqual([
      expect.stringContaining(`column "sibsp": bins narrower than 1e-8 (repeated quantiles) were removed: ${kept.length - 1} bins instead of 5`),
    ]);
    expect(new Set(f.outRows.map((r) => r.sibsp))).toEqual(new Set(Array.from({ length: kept.length - 1 }, (_, i) => i)));
    // age has missing values: they stay missing and are left out of the quantiles.
    expect(f.outRows.filter((r) => r.age === null)).toHaveLength(263);
    expectReplayMatches(f);
  });
});

describe('feature.bin uniform', () => {
  it('spaces the edges evenly between min and max (numpy linspace), values outside go to the ends at replay', async () => {
    const f = await bin(TITANIC, { columns: ['fare'], strategy: 'uniform', n_bins: 4 });
    const xs = values(f.inRows, 'fare');
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    const step = (hi - lo) / 4;
    expect(f.state.columns[0].edges).toEqual([lo, step + lo, 2 * step + lo, 3 * step + lo, hi]);
    const maxAt = f.inRows.findIndex((r) => r.fare === hi);
    expect(f.outRows[maxAt].fare).toBe(3);
    expect(f.outRows.filter((r) => r.fare === null)).toHaveLength(1);
    expectReplayMatches(f);
    expect(applyBin(f.state, {}, { fare: -5 })).toEqual({ fare: 0 });
    expect(applyBin(f.state, {}, { fare: 1e6 })).toEqual({ fare: 3 });
    expect(applyBin(f.state, {}, { fare: String(step + lo) })).toEqual({ fare: 1 });
  });

  it('gives a constant column a single bin 0', async () => {
    const csv = join(data, 'const.csv');
    await writeFile(csv, 'a,b\n3,1\n3,2\n3,3\n');
    const f = await bin(csv, { strategy: 'uniform' });
    expect(f.state.columns[0]).toEqual({ name: 'a', edges: [3, 3], n_bins: 1 });
    expect(f.outRows.map((r) => r.a)).toEqual([0, 0, 0]);
    expect(f.outRows.map((r) => r.b)).toEqual([0, 2, 4]);
    expectReplayMatches(f);
  });
});

describe('feature.bin refusals', () => {
  it('refuses a text column, naming the param and the column', async () => {
    const record = await run(TITANIC, { columns: ['age', 'sex'] });
    expect(record.nodes.get('bin')?.status).toBe('failed');
    expect(record.nodes.get('bin')?.error).toBe('columns: column "sex" is VARCHAR: binning needs numeric columns');
  });

  it('derives the output schema before running, and reports missing columns', () => {
    const input = { kind: 'table' as const, columns: [{ name: 'x', type: 'DOUBLE' }, { name: 'n', type: 'BIGINT' }, { name: 's', type: 'VARCHAR' }] };
    const all = featureBinSpec.inferSchema!({ in: input }, { n_bins: 5, strategy: 'quantile' });
    expect(all.outputs.out).toEqual({
      kind: 'table',
      columns: [
        { name: 'x', type: 'INTEGER' },
        { name: 'n', type: 'INTEGER' },
        { name: 's', type: 'VARCHAR' },
      ],
    });
    expect(featureBinSpec.inferSchema!({ in: input }, { columns: ['y'] }).problems).toEqual([
      { param: 'columns', message: 'column "y" is not in the input' },
    ]);
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, type FittedStep, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import type { FreshRun } from '../../src-main/test-nodes/test-engine.js';
import { applyTransform, type TransformState } from '../../src-shared/transforms/transform.js';
import { featureTransformSpec } from './spec.js';

/**
 * feature.transform through the real engine (ingest.csv -> feature.transform). The Yeo-Johnson
 * lambdas are checked against a brute-force grid search of the same log-likelihood, in JS.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIABETES = join(ROOT, 'samples', 'diabetes.csv');
const TITANIC = join(ROOT, 'samples', 'titanic.csv');

type Row = Record<string, unknown>;
let bed: NodeTestBed;
let skewed: string;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-transform-');
  // A seeded, skewed sample with negative values and a few missing ones.
  let seed = 20240611;
  const uniform = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lines = ['neg,pos,label'];
  for (let i = 0; i < 600; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    const neg = i % 97 === 5 ? '' : String(Math.exp(0.9 * z) - 1.6);
    lines.push(`${neg},${Math.exp(1.3 * z + 1)},r${i % 3}`);
  }
  skewed = join(bed.data, 'skewed.csv');
  await writeFile(skewed, `${lines.join('\n')}\n`);
});

afterAll(async () => {
  await bed?.dispose();
});

const run = (csv: string, params: Record<string, unknown>): Promise<FreshRun> => bed.runAfterCsv(csv, 'feature.transform', params, 'tf');

interface Fitted extends FittedStep {
  readonly state: TransformState;
}

async function transform(csv: string, params: Record<string, unknown>): Promise<Fitted> {
  const fitted = await bed.fitAfterCsv(csv, 'feature.transform', params, 'tf');
  return { ...fitted, state: fitted.step.state as unknown as TransformState };
}

function expectReplayMatches(f: Fitted): void {
  expect(f.outRows.length).toBe(f.inRows.length);
  const bad: string[] = [];
  f.inRows.forEach((row, i) => {
    const replayed = applyTransform(f.state, f.step.params, row);
    if (Object.keys(replayed).join() !== Object.keys(f.outRows[i]).join()) bad.push(`row ${i}: keys`);
    for (const [k, v] of Object.entries(f.outRows[i])) {
      const a = replayed[k];
      const same = typeof v === 'number' && typeof a === 'number' ? Math.abs(a - v) <= 1e-12 * Math.max(1, Math.abs(v)) : Object.is(a, v);
      if (!same) bad.push(`row ${i} ${k}: ${String(a)} vs ${String(v)}`);
    }
  });
  expect(bad.slice(0, 5)).toEqual([]);
}

const values = (rows: readonly Row[], name: string) => rows.map((r) => r[name]).filter((v): v is number => v !== null);

/** Yeo-Johnson as scikit-learn writes it, with numpy's log1p. */
function yj(x: number, l: number): number {
  if (x >= 0) return Math.abs(l) < 2 ** -52 ? Math.log1p(x) : (Math.pow(x + 1, l) - 1) / l;
  return Math.abs(l - 2) > 2 ** -52 ? -(Math.pow(1 - x, 2 - l) - 1) / (2 - l) : -Math.log1p(-x);
}

/** scikit-learn's negative log-likelihood, computed from scratch. */
function negLogLikelihood(xs: readonly number[], l: number): number {
  const ys = xs.map((x) => yj(x, l));
  const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
  const variance = ys.reduce((s, y) => s + (y - mean) ** 2, 0) / ys.length;
  const signed = xs.reduce((s, x) => s + Math.sign(x) * Math.log1p(Math.abs(x)), 0);
  return (xs.length / 2) * Math.log(variance) - (l - 1) * signed;
}

/** The lambda minimizing it, by brute force: a grid over [-5, 5], then finer grids around the best. */
function gridLambda(xs: readonly number[]): number {
  const search = (from: number, to: number, step: number): number => {
    let best = from;
    let bestF = Infinity;
    for (let k = 0; from + k * step <= to + step / 2; k++) {
      const f = negLogLikelihood(xs, from + k * step);
      if (f < bestF) {
        bestF = f;
        best = from + k * step;
      }
    }
    return best;
  };
  const coarse = search(-5, 5, 0.01);
  expect(Math.abs(coarse)).toBeLessThan(4.9); // inside the grid, not at its edge
  const fine = search(coarse - 0.01, coarse + 0.01, 1e-5);
  return search(fine - 1e-5, fine + 1e-5, 1e-7);
}

describe('feature.transform yeo-johnson', () => {
  it('fits lambda by maximum likelihood: equal to a brute-force grid search, to 1e-4', async () => {
    const f = await transform(skewed, { columns: ['neg', 'pos'], standardize: false });
    expect(f.state).toMatchObject({ method: 'yeo-johnson', standardize: false });
    for (const c of f.state.columns) {
      const xs = values(f.inRows, c.name);
      const grid = gridLambda(xs);
      expect(Math.abs(c.lambda! - grid), `${c.name}: ${c.lambda} vs grid ${grid}`).toBeLessThan(1e-4);
      // Brent's minimum is at least as good as the grid's.
      expect(negLogLikelihood(xs, c.lambda!)).toBeLessThanOrEqual(negLogLikelihood(xs, grid) + 1e-6);
    }
    // The skewed data with negative values gets a real power, not the identity.
    expect(Math.abs(f.state.columns[0].lambda! - 1)).toBeGreaterThan(0.1);
    // Outputs are the transform of each value with the fitted lambda; missing stays missing.
    const bad = f.inRows.flatMap((r, i) =>
      ['neg', 'pos'].flatMap((name) => {
        const x = r[name] as number | null;
        const y = f.outRows[i][name] as number | null;
        if (x === null) return y === null ? [] : [`${i} ${name}`];
        const expected = yj(x, f.state.columns.find((c) => c.name === name)!.lambda!);
        return Math.abs(y! - expected) <= 1e-11 * Math.max(1, Math.abs(expected)) ? [] : [`${i} ${name}: ${y} vs ${expected}`];
      }),
    );
    expect(bad).toEqual([]);
    expect(f.outRows.filter((r) => r.neg === null)).toHaveLength(7);
    expectReplayMatches(f);
  });

  it('on real columns (diabetes) too, and standardizes to mean 0 and std 1 by default', async () => {
    const f = await transform(DIABETES, { columns: ['bmi', 's3', 'progression'] });
    expect(f.state.standardize).toBe(true);
    for (const c of f.state.columns) {
      const xs = values(f.inRows, c.name);
      expect(Math.abs(c.lambda! - gridLambda(xs)), c.name).toBeLessThan(1e-4);
      const ys = values(f.outRows, c.name);
      const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
      expect(Math.abs(mean)).toBeLessThan(1e-12);
      expect(Math.sqrt(ys.reduce((s, y) => s + (y - mean) ** 2, 0) / ys.length)).toBeCloseTo(1, 12);
    }
    expect(f.output.columns!.filter((c) => c.type === 'DOUBLE').map((c) => c.name)).toEqual(expect.arrayContaining(['bmi', 's3', 'progression']));
    expectReplayMatches(f);
  });
});

describe('feature.transform log1p and sqrt', () => {
  it('log1p is ln(1 + x), sqrt the square root; missing values stay missing', async () => {
    const log = await transform(TITANIC, { columns: ['fare', 'age'], method: 'log1p' });
    const bad = log.inRows.filter((r, i) => {
      const y = log.outRows[i].fare as number | null;
      if (r.fare === null) return y !== null;
      const expected = Math.log1p(r.fare as number);
      return !(Math.abs(y! - expected) <= 1e-12 * Math.max(1, Math.abs(expected)));
    });
    expect(bad).toEqual([]);
    expect(log.outRows.filter((r) => r.age === null)).toHaveLength(263);
    expectReplayMatches(log);
    const root = await transform(TITANIC, { columns: ['fare'], method: 'sqrt' });
    // sqrt is correctly rounded everywhere: exactly equal.
    expect(root.outRows.slice(0, 5).map((r) => r.fare)).toEqual(root.inRows.slice(0, 5).map((r) => Math.sqrt(r.fare as number)));
    expectReplayMatches(root);
    // At replay, a negative value is refused too.
    expect(() => applyTransform(root.state, {}, { fare: -1 })).toThrow('column "fare": sqrt needs values >= 0, got -1');
  });

  it('refuses negative inputs, naming the column and its minimum', async () => {
    const record = await run(skewed, { columns: ['pos', 'neg'], method: 'log1p' });
    expect(record.nodes.get('tf')?.status).toBe('failed');
    const [min] = await bed.db.objects(`SELECT min(neg) AS lo FROM read_csv($p)`, { p: skewed });
    expect(record.nodes.get('tf')?.error).toBe(`columns: column "neg" has negative values (min ${min.lo as number}): log1p needs values >= 0 (use yeo-johnson)`);
  });

  it('derives its output schema before running, and reports a text column', () => {
    const input = { kind: 'table' as const, columns: [{ name: 'x', type: 'BIGINT' }, { name: 's', type: 'VARCHAR' }] };
    expect(featureTransformSpec.inferSchema!({ in: input }, { method: 'sqrt' }).outputs.out).toEqual({
      kind: 'table',
      columns: [
        { name: 'x', type: 'DOUBLE' },
        { name: 's', type: 'VARCHAR' },
      ],
    });
    expect(featureTransformSpec.inferSchema!({ in: input }, { method: 'log1p', columns: ['s'] }).problems).toEqual([
      { param: 'columns', message: 'column "s" is VARCHAR: log1p needs numeric columns' },
    ]);
  });
});

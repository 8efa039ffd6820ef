import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteOwnPath, type DuckSession } from '../../src-main/data/duckdb.js';
import { openNodeTestBed, type FittedStep, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { testDocument, testEdge, testNode, type FreshRun, type TestEngine } from '../../src-main/test-nodes/test-engine.js';
import { chainOf, type TableMeta } from '../../src-shared/nodes/chain.js';
import { applyImpute, type ImputeState } from '../../src-shared/transforms/impute.js';
import { applyScale, type ScaleState } from '../../src-shared/transforms/scale.js';
import { featureImputeSpec } from './spec.js';

/**
 * feature.impute through the real engine (ingest.csv -> feature.impute [-> more steps]), with the
 * fill values checked against scikit-learn's SimpleImputer rules computed here in JS.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TITANIC = join(ROOT, 'samples', 'titanic.csv');
const BREAST_CANCER = join(ROOT, 'samples', 'breast_cancer.csv');
const HOLDOUT = join(ROOT, 'test-fixtures', 'reference', 'breast_cancer.holdout.json');

type Row = Record<string, unknown>;
let bed: NodeTestBed;
let data: string;
let engine: TestEngine;
let db: DuckSession;

beforeAll(async () => {
  bed = await openNodeTestBed('plumb-impute-');
  ({ data, engine, db } = bed);
});

afterAll(async () => {
  await bed?.dispose();
});

const readRows = (path: string): Promise<Row[]> => bed.readRows(path);

/** ingest.csv, then the given steps in a line: ids s0, s1, ... */
async function pipeline(csv: string, steps: { type: string; params: Record<string, unknown> }[]): Promise<FreshRun> {
  const nodes = [testNode('read', 'ingest.csv', { path: csv }), ...steps.map((s, i) => testNode(`s${i}`, s.type, s.params))];
  const edges = steps.map((_, i) => testEdge(i === 0 ? 'read' : `s${i - 1}`, `s${i}`, 'in'));
  return engine.runFresh(testDocument(nodes, edges, 'impute-test'), data);
}

interface Fitted extends FittedStep {
  readonly state: ImputeState;
}

async function impute(csv: string, params: Record<string, unknown>): Promise<Fitted> {
  const fitted = await bed.fitAfterCsv(csv, 'feature.impute', params, 's0');
  return { ...fitted, state: fitted.step.state as unknown as ImputeState };
}

async function imputeFails(csv: string, params: Record<string, unknown>): Promise<string> {
  const record = await pipeline(csv, [{ type: 'feature.impute', params }]);
  expect(record.nodes.get('s0')?.status).toBe('failed');
  return record.nodes.get('s0')?.error ?? '';
}

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

/** The same rows: same keys in the same order, numbers within 1e-12 (relative above 1), the rest equal. */
function expectRowsMatch(actual: readonly Row[], expected: readonly Row[]): void {
  expect(actual.length).toBe(expected.length);
  const bad: string[] = [];
  actual.forEach((row, i) => {
    if (Object.keys(row).join() !== Object.keys(expected[i]).join()) bad.push(`row ${i}: keys ${Object.keys(row).join()}`);
    for (const [k, v] of Object.entries(expected[i])) {
      const a = row[k];
      const same = typeof v === 'number' && typeof a === 'number' ? Math.abs(a - v) <= 1e-12 * Math.max(1, Math.abs(v)) : Object.is(a, v);
      if (!same) bad.push(`row ${i} ${k}: ${String(a)} vs ${String(v)}`);
    }
  });
  expect(bad.slice(0, 5)).toEqual([]);
}

const replay = (f: Fitted) => f.inRows.map((r) => applyImpute(f.state, f.step.params, r));

async function writeCsv(name: string, text: string): Promise<string> {
  const path = join(data, name);
  await writeFile(path, text);
  return path;
}

describe('feature.impute mean (parity with scikit-learn SimpleImputer)', () => {
  it('learns the mean of the non-missing titanic ages and fares and fills the gaps with it', async () => {
    const f = await impute(TITANIC, { columns: ['age', 'fare'], strategy: 'mean' });
    expect(f.inRows).toHaveLength(1309);
    for (const name of ['age', 'fare']) {
      const present = f.inRows.map((r) => r[name]).filter((v): v is number => v !== null);
      const mean = kahanSum(present) / present.length;
      const c = f.state.columns.find((col) => col.name === name)!;
      relClose(c.fill as number, mean, 1e-9);
      f.outRows.forEach((row, i) => {
        const before = f.inRows[i][name];
        if (before === null) relClose(row[name] as number, mean, 1e-9);
        else expect(row[name]).toBe(before);
      });
    }
    expect(f.inRows.filter((r) => r.age === null)).toHaveLength(263);
    expect(f.outRows.filter((r) => r.age === null || r.fare === null)).toHaveLength(0);
    // Other columns pass through untouched, in place.
    expect(f.outRows.map((r) => r.name)).toEqual(f.inRows.map((r) => r.name));
    expect(f.output.columns!.map((c) => c.name)).toEqual(f.input.columns!.map((c) => c.name));
    expectRowsMatch(replay(f), f.outRows);
  });

  it('on the breast cancer train rows, the fill values are the column means scikit-learn computes', async () => {
    const { train: indices } = JSON.parse(readFileSync(HOLDOUT, 'utf8')) as { train: number[] };
    const trainCsv = join(data, 'bc_train.csv');
    await db.run(
      `COPY (SELECT * EXCLUDE (rn) FROM (SELECT row_number() OVER () - 1 AS rn, * FROM read_csv(${quoteOwnPath(BREAST_CANCER)}))
             WHERE list_contains($idx::BIGINT[], rn) ORDER BY rn) TO ${quoteOwnPath(trainCsv)} (HEADER)`,
      { idx: indices.map(String) },
    );
    const f = await impute(trainCsv, { strategy: 'mean' });
    expect(f.inRows).toHaveLength(426);
    expect(f.state.columns).toHaveLength(30); // every numeric column; diagnosis is text
    for (const c of f.state.columns) {
      const xs = f.inRows.map((r) => r[c.name] as number);
      relClose(c.fill as number, kahanSum(xs) / xs.length, 1e-9);
    }
    expectRowsMatch(replay(f), f.outRows);
  });

  it('median is numpy\'s: the average of the two middle values', async () => {
    const f = await impute(TITANIC, { columns: ['age'], strategy: 'median' });
    const xs = f.inRows.map((r) => r.age).filter((v): v is number => v !== null).sort((a, b) => a - b);
    expect(xs.length % 2).toBe(0); // 1046 ages: the median is between two values
    expect(f.state.columns[0].fill).toBe((xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2);
    expectRowsMatch(replay(f), f.outRows);
  });
});

describe('feature.impute most_frequent and constant', () => {
  it('most_frequent breaks ties to the smallest value, for numbers and text', async () => {
    const csv = await writeCsv('ties.csv', 'n,t,b\n3,b,true\n1,a,false\n3,b,\n1,a,true\n,,false\n10,c,\n');
    const f = await impute(csv, { strategy: 'most_frequent' });
    expect(f.state.columns.map((c) => [c.name, c.fill])).toEqual([
      ['n', 1],
      ['t', 'a'],
      ['b', false],
    ]);
    expect(f.outRows[4]).toEqual({ n: 1, t: 'a', b: false });
    expect(f.output.columns).toEqual([
      { name: 'n', type: 'DOUBLE' },
      { name: 't', type: 'VARCHAR' },
      { name: 'b', type: 'BOOLEAN' },
    ]);
    expectRowsMatch(replay(f), f.outRows);
  });

  it('most_frequent on titanic embarked is S', async () => {
    const f = await impute(TITANIC, { columns: ['embarked'], strategy: 'most_frequent' });
    expect(f.state.columns[0].fill).toBe('S');
    expect(f.outRows.filter((r) => r.embarked === 'S')).toHaveLength(914 + 2);
  });

  it('constant fills numbers and text with fill_value or scikit-learn\'s defaults, and adds unique indicators', async () => {
    const csv = await writeCsv('const.csv', 'x,label,x_missing\n1.5,a,7\n,,8\n-2,b,\n');
    const numeric = await impute(csv, { strategy: 'constant', fill_value: '-1', columns: ['x'], add_indicator: true });
    expect(numeric.outRows.map((r) => [r.x, r.x_missing_2])).toEqual([
      [1.5, false],
      [-1, true],
      [-2, false],
    ]);
    expect(numeric.output.columns).toEqual([
      { name: 'x', type: 'DOUBLE' },
      { name: 'label', type: 'VARCHAR' },
      { name: 'x_missing', type: 'BIGINT' },
      { name: 'x_missing_2', type: 'BOOLEAN' },
    ]);
    expectRowsMatch(replay(numeric), numeric.outRows);
    // Empty fill_value: 0 for numbers, "missing_value" for text (scikit-learn's fill_value=None).
    const defaults = await impute(csv, { strategy: 'constant', add_indicator: true });
    expect(defaults.outRows[1]).toEqual({ x: 0, label: 'missing_value', x_missing: 8, x_missing_2: true, label_missing: true, x_missing_missing: false });
    expect(defaults.outRows[2]).toMatchObject({ x: -2, x_missing: 0, x_missing_2: false, x_missing_missing: true });
    expectRowsMatch(replay(defaults), defaults.outRows);
    // inferSchema knows the same columns before the run.
    const inferred = featureImputeSpec.inferSchema!({ in: { kind: 'table', columns: defaults.input.columns! } }, {
      ...defaults.step.params,
    });
    expect(inferred.outputs.out).toEqual({ kind: 'table', columns: defaults.output.columns });
  });

  it('replays on new rows: missing or absent values get the fill, text numbers are read as numbers', () => {
    const state: ImputeState = {
      strategy: 'mean',
      columns: [
        { name: 'age', kind: 'number', fill: 29.5, indicator: 'age_missing' },
        { name: 'port', kind: 'text', fill: 'S' },
      ],
    };
    expect(applyImpute(state, {}, { age: null, port: 'C', extra: 1 })).toEqual({ age: 29.5, port: 'C', extra: 1, age_missing: true });
    expect(applyImpute(state, {}, { age: '31', port: null })).toEqual({ age: 31, port: 'S', age_missing: false });
    expect(applyImpute(state, {}, {})).toEqual({ age: 29.5, port: 'S', age_missing: true });
    expect(() => applyImpute(state, {}, { age: 'old' })).toThrow(/column "age"/);
  });
});

describe('feature.impute errors and chain', () => {
  it('refuses mean on a text column, naming the param and the column', async () => {
    const error = await imputeFails(TITANIC, { columns: ['age', 'embarked'], strategy: 'mean' });
    expect(error).toBe('columns: column "embarked" is VARCHAR: the mean strategy needs numeric columns (use most_frequent or constant)');
  });

  it('refuses a fill_value that is not a number for a numeric column', async () => {
    const error = await imputeFails(TITANIC, { columns: ['age'], strategy: 'constant', fill_value: 'unknown' });
    expect(error).toBe('fill_value: "unknown" is not a number, and column "age" is numeric');
  });

  it('reports a column that is not in the input before running, through inferSchema', () => {
    const input = { kind: 'table' as const, columns: [{ name: 'a', type: 'BIGINT' }] };
    const result = featureImputeSpec.inferSchema!({ in: input }, { columns: ['a', 'b'], strategy: 'median' });
    expect(result.problems).toEqual([{ param: 'columns', message: 'column "b" is not in the input' }]);
    expect(result.outputs.out).toEqual({ kind: 'table', columns: [{ name: 'a', type: 'DOUBLE' }] });
  });

  it('appends its step to the chain it receives: impute then scale replay in order on raw rows', async () => {
    const record = await pipeline(TITANIC, [
      { type: 'feature.impute', params: { columns: ['age', 'fare'], strategy: 'median', add_indicator: true } },
      { type: 'feature.scale', params: { columns: ['age', 'fare'] } },
    ]);
    expect(record.status).toBe('succeeded');
    const out = record.nodes.get('s1')!.outputs.out;
    const chain = chainOf(out.meta as TableMeta);
    expect(chain.map((s) => [s.type, s.node])).toEqual([
      ['feature.impute', 's0'],
      ['feature.scale', 's1'],
    ]);
    const raw = await readRows(record.nodes.get('read')!.outputs.out.path);
    const final = await readRows(out.path);
    const replayed = raw.map((row) =>
      applyScale(chain[1].state as unknown as ScaleState, chain[1].params, applyImpute(chain[0].state as unknown as ImputeState, chain[0].params, row)),
    );
    expectRowsMatch(replayed, final);
  });
});

import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDatabase, type DuckSession } from '../data/duckdb.js';
import type { ModelArtifact } from '../ml/model-artifact.js';
import { openTestEngine, type TestEngine } from '../test-nodes/test-engine.js';
import { exportModelToOnnx, OnnxExportError } from './export-model.js';
import { appPredictions, compareParity, onnxPredictions } from './parity.js';
import { ROOT, trainThroughEngine } from './testing.js';

/**
 * Each chain step type (impute, scale, encode, bin, transform, in their variants) on titanic
 * (missing ages, fares and ports; text and boolean columns), trained through the engine with a
 * logistic regression and exported: the graph's `features` output equals the app's applyChain
 * values to 1e-12, its predictions equal the app's on every test row, and the rows the app
 * refuses (a missing value no step fills, an unseen category) are refused by the graph too.
 * Then the telco chain of the example (impute + scale + one-hot + logistic regression), and the
 * models that cannot be exported.
 */
let dir: string;
let t: TestEngine;
let duck: DuckDatabase;
let db: DuckSession;
let titanic: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnxexport-steps-'));
  // titanic's model columns, plus `alone` (no siblings, spouses, parents or children aboard) as a
  // boolean, left missing where the age is, to have a boolean column with gaps.
  const lines = readFileSync(join(ROOT, 'samples/titanic.csv'), 'utf8').trimEnd().split('\n');
  const header = parseCsvLine(lines[0]);
  const keep = ['survived', 'pclass', 'sex', 'age', 'sibsp', 'parch', 'fare', 'embarked'];
  const out = [[...keep, 'alone'].join(',')];
  for (const line of lines.slice(1)) {
    const cells = parseCsvLine(line);
    const v = (c: string) => cells[header.indexOf(c)];
    const alone = v('age') === '' ? '' : String(Number(v('sibsp')) + Number(v('parch')) === 0);
    out.push([...keep.map(v), alone].join(','));
  }
  titanic = join(dir, 'titanic.csv');
  await writeFile(titanic, out.join('\n') + '\n');
  t = await openTestEngine({ home: join(dir, 'state') });
  duck = await DuckDatabase.open();
  db = await duck.session();
});
afterAll(async () => {
  db?.close();
  duck?.dispose();
  await t?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** A CSV line's cells (quoted cells may hold commas). */
function parseCsvLine(line: string): string[] {
  return [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"'));
}

type Steps = { type: string; params: Record<string, unknown> }[];

async function train(id: string, steps: Steps, features: string[] = []) {
  return trainThroughEngine(t, db, {
    id,
    csv: titanic,
    split: { method: 'stratified', stratify: 'survived', seed: 1 },
    steps,
    trainer: 'train.logistic_regression',
    params: { target: 'survived', features, max_iter: 200 },
  });
}

/** Exports with the features output and checks chain values and predictions against the app. */
async function checkSteps(model: ModelArtifact, rows: Record<string, unknown>[]) {
  const exported = exportModelToOnnx(model, { featuresOutput: true });
  const app = appPredictions(model, rows);
  const graph = await onnxPredictions(exported.bytes, exported.inputs, rows);
  const parity = compareParity(app, graph);
  expect(parity.refusalMismatches, parity.examples.join('; ')).toBe(0);
  expect(parity.labelMismatches, parity.examples.join('; ')).toBe(0);
  expect(parity.maxRelativeError).toBeLessThanOrEqual(1e-5);
  let featureError = 0;
  app.features!.forEach((row, i) => {
    if (row.some(Number.isNaN)) return; // a refused row: its features are not the app's to compare
    row.forEach((v, j) => (featureError = Math.max(featureError, Math.abs(graph.features![i][j] - v) / Math.max(1, Math.abs(v)))));
  });
  expect(featureError).toBeLessThanOrEqual(1e-12);
  return { exported, app, graph, parity, refused: app.scores.filter((s) => s.some(Number.isNaN)).length };
}

describe('each chain step type, exported and run on every titanic test row', () => {
  it('impute: mean with indicators, median, most frequent (text and boolean), constant text', async () => {
    const { model, test } = await train('impute', [
      { type: 'feature.impute', params: { columns: ['age'], strategy: 'mean', add_indicator: true } },
      { type: 'feature.impute', params: { columns: ['fare'], strategy: 'median' } },
      { type: 'feature.impute', params: { columns: ['alone'], strategy: 'most_frequent', add_indicator: true } },
      { type: 'feature.impute', params: { columns: ['embarked'], strategy: 'constant', fill_value: 'unknown_port' } },
      { type: 'feature.encode', params: { columns: ['sex', 'embarked'], method: 'onehot' } },
    ]);
    expect(model.chain.map((s) => s.type)).toEqual(['feature.impute', 'feature.impute', 'feature.impute', 'feature.impute', 'feature.encode']);
    expect(model.features.map((f) => f.name)).toContain('age_missing');
    const { exported, refused } = await checkSteps(model, test);
    expect(refused).toBe(0);
    expect(exported.inputs.find((i) => i.name === 'alone')).toEqual({ name: 'alone', type: 'boolean', imputed: true });
    expect(exported.inputs.find((i) => i.name === 'age')).toEqual({ name: 'age', type: 'number', imputed: true });
    // Every row with a missing value is one the graph must fill as the app does.
    expect(test.filter((r) => r.age === null).length).toBeGreaterThan(10);
  });

  it('scale: standard, minmax and robust; ordinal encoding; a missing value no step fills is refused by both', async () => {
    const { model, test } = await train('scale', [
      { type: 'feature.impute', params: { columns: ['age', 'fare'], strategy: 'median' } },
      { type: 'feature.scale', params: { columns: ['age', 'fare'], method: 'standard' } },
      { type: 'feature.scale', params: { columns: ['sibsp', 'parch'], method: 'minmax', feature_range: [-1, 1] } },
      { type: 'feature.scale', params: { columns: ['pclass'], method: 'robust' } },
      { type: 'feature.impute', params: { columns: ['embarked'], strategy: 'most_frequent' } },
      { type: 'feature.encode', params: { columns: ['sex', 'embarked'], method: 'ordinal' } },
    ], ['pclass', 'sex', 'age', 'sibsp', 'parch', 'fare', 'embarked']);
    // No step fills sibsp: a row without it is refused, by the app (no feature value) and the graph.
    const rows = [...test, { ...test[0], sibsp: null }];
    const { refused, graph } = await checkSteps(model, rows);
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(graph.labels!.at(-1)).toBe('');
    expect(Number.isNaN(graph.scores.at(-1)![0])).toBe(true);
  });

  it('bin: quantile and uniform, with the NaN of a missing value kept missing', async () => {
    const { model, test } = await train('bin', [
      { type: 'feature.impute', params: { columns: ['age', 'fare'], strategy: 'median' } },
      { type: 'feature.bin', params: { columns: ['age'], n_bins: 5, strategy: 'quantile' } },
      { type: 'feature.bin', params: { columns: ['fare'], n_bins: 4, strategy: 'uniform' } },
    ], ['pclass', 'age', 'sibsp', 'parch', 'fare']);
    const { app } = await checkSteps(model, test);
    expect(new Set(app.features!.map((f) => f[1])).size).toBeGreaterThanOrEqual(3);
  });

  it('transform: log1p, sqrt, and Yeo-Johnson with and without standardizing', async () => {
    const { model, test } = await train('transform', [
      { type: 'feature.impute', params: { columns: ['age', 'fare'], strategy: 'median' } },
      { type: 'feature.transform', params: { columns: ['fare'], method: 'log1p' } },
      { type: 'feature.transform', params: { columns: ['sibsp'], method: 'sqrt' } },
      { type: 'feature.transform', params: { columns: ['age'], method: 'yeo-johnson', standardize: true } },
      { type: 'feature.transform', params: { columns: ['parch'], method: 'yeo-johnson', standardize: false } },
    ], ['pclass', 'age', 'sibsp', 'parch', 'fare']);
    // A negative fare, which log1p refuses in the app, is refused by the graph.
    const { refused } = await checkSteps(model, [...test, { ...test[1], fare: -3 }]);
    expect(refused).toBe(1);
  });

  it('encode one-hot with infrequent categories; an unseen category: refused (error) or all zeros (ignore)', async () => {
    const steps = (handle: string): Steps => [
      { type: 'feature.impute', params: { columns: ['age', 'fare'], strategy: 'median' } },
      { type: 'feature.impute', params: { columns: ['alone'], strategy: 'most_frequent' } },
      { type: 'feature.encode', params: { columns: ['embarked'], method: 'onehot', max_categories: 2, handle_unknown: handle } },
      { type: 'feature.encode', params: { columns: ['sex', 'pclass'], method: 'onehot', handle_unknown: handle } },
    ];
    const strict = await train('onehot-error', steps('error'));
    const enc = strict.model.chain[2].state as { columns: { infrequent: unknown[]; categories: unknown[] }[] };
    expect(enc.columns[0].infrequent.length).toBeGreaterThan(0);
    const unseen = [{ ...strict.test[0], embarked: 'X' }, { ...strict.test[0], pclass: 4 }];
    const r = await checkSteps(strict.model, [...strict.test, ...unseen]);
    expect(r.refused).toBe(2);
    expect(r.graph.labels!.slice(-2)).toEqual(['', '']);
    const lenient = await train('onehot-ignore', steps('ignore'));
    const l = await checkSteps(lenient.model, [...lenient.test, ...unseen]);
    expect(l.refused).toBe(0);
  });
});

const TELCO_TEXT = [
  'multiple_lines', 'internet_service', 'online_security', 'online_backup', 'device_protection',
  'tech_support', 'streaming_tv', 'streaming_movies', 'contract', 'payment_method',
];

describe('the telco chain (impute + scale + one-hot + logistic regression)', () => {
  it('gives the app predictions on every one of the 1761 test rows', async () => {
    const { model, test } = await trainThroughEngine(t, db, {
      id: 'telco',
      csv: join(ROOT, 'samples/telco_churn.csv'),
      split: { method: 'stratified', stratify: 'churn', seed: 0 },
      steps: [
        { type: 'feature.impute', params: { columns: ['total_charges'], strategy: 'median' } },
        { type: 'feature.scale', params: { columns: ['tenure', 'monthly_charges', 'total_charges'], method: 'standard' } },
        { type: 'feature.encode', params: { columns: TELCO_TEXT, method: 'onehot', handle_unknown: 'ignore' } },
      ],
      trainer: 'train.logistic_regression',
      params: { target: 'churn', features: [], max_iter: 200 },
    });
    expect(test.length).toBe(1761);
    const { exported, parity } = await checkSteps(model, test);
    expect(parity.rows).toBe(1761);
    expect(exported.inputs.find((i) => i.name === 'contract')).toMatchObject({ type: 'text', categories: ['Month-to-month', 'One year', 'Two year'] });
    expect(exported.inputs.find((i) => i.name === 'total_charges')).toMatchObject({ type: 'number', imputed: true });
    expect(exported.inputs.some((i) => i.name === 'churn')).toBe(false);
  });
});

describe('models that cannot be exported', () => {
  const base: ModelArtifact = {
    format: 'plumb.model',
    version: 1,
    estimator: { kind: 'LinearRegression', task: 'regression', params: {}, state: { kind: 'LinearRegression', names: ['ratio'], coef: [2], intercept: 1, rank: 1 } },
    chain: [{ type: 'feature.derive', version: 1, node: 'ratio_node', params: { name: 'ratio', expression: 'a / b' }, state: {} }],
    features: [{ name: 'ratio', type: 'DOUBLE' }],
    target: { name: 'y', type: 'DOUBLE' },
    trainedOn: { rows: 10, table: 'x' },
  };

  it('refuses a chain with a derived column, naming the step and its node', () => {
    expect(() => exportModelToOnnx(base)).toThrow(OnnxExportError);
    expect(() => exportModelToOnnx(base)).toThrow(/feature\.derive@1 \(node ratio_node\)/);
  });

  it('refuses a select step, an unknown estimator and a state whose features differ from the model', () => {
    const select = { ...base, chain: [{ ...base.chain[0], type: 'feature.select', node: 'pick' }] };
    expect(() => exportModelToOnnx(select)).toThrow(/feature\.select@1 \(node pick\)/);
    expect(() => exportModelToOnnx({ ...base, chain: [], estimator: { ...base.estimator, kind: 'SVC' } })).toThrow(/no ONNX export for the estimator SVC/);
    const renamed = { ...base, chain: [], estimator: { ...base.estimator, state: { ...(base.estimator.state as object), names: ['other'] } } };
    expect(() => exportModelToOnnx(renamed)).toThrow(/fitted on the features other/);
  });

  it('exports a chain-free model with the metadata the playground reads', async () => {
    const exported = exportModelToOnnx({ ...base, chain: [] });
    expect(exported.inputs).toEqual([{ name: 'ratio', type: 'number', imputed: false }]);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(exported.bytes);
    const out = await session.run({ ratio: new ort.Tensor('float64', Float64Array.from([1, 2.5, NaN]), [3, 1]) });
    expect(Array.from(out.variable.data as Float32Array)).toEqual([3, 6, NaN]);
    await session.release();
    const file = fromBinary(ModelProtoSchema, exported.bytes);
    const meta = Object.fromEntries(file.metadataProps.map((m) => [m.key, m.value]));
    expect(meta).toMatchObject({ 'plumb.format': '1', 'plumb.task': 'regression', 'plumb.estimator': 'LinearRegression', 'plumb.target': 'y', 'plumb.classes': '[]' });
    expect(JSON.parse(meta['plumb.inputs'])).toEqual(exported.inputs);
    expect(file.producerName).toBe('plumb');
    expect(file.producerVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});

import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDatabase, type DuckSession } from '../data/duckdb.js';
import { openTestEngine, type TestEngine } from '../test-nodes/test-engine.js';
import { exportModelToOnnx } from './export-model.js';
import { appPredictions, compareParity, onnxPredictions } from './parity.js';
import { ROOT, trainThroughEngine, type TrainRequest } from './testing.js';

/**
 * Every estimator kind, trained through the engine on the shipped samples (breast_cancer with
 * scikit-learn's holdout rows for two classes, penguins for three, diabetes for regression),
 * exported, and run with onnxruntime on every test row: labels identical, probabilities and
 * values within 1e-5 relative of the app's predictProba/predict after applyChain. Tree models are
 * also checked on every training row, where each split's side must be kept by the float32
 * thresholds.
 */
let dir: string;
let t: TestEngine;
let duck: DuckDatabase;
let db: DuckSession;
let breastCancer: string;
let diabetes: string;
const penguins = join(ROOT, 'samples/penguins.csv');

/** A copy of a sample with an `is_test` column from the scikit-learn reference split. */
async function withHoldout(name: string): Promise<string> {
  const split = JSON.parse(readFileSync(join(ROOT, `test-fixtures/reference/${name}.holdout.json`), 'utf8')) as { test: number[] };
  const test = new Set(split.test);
  const lines = readFileSync(join(ROOT, `samples/${name}.csv`), 'utf8').trimEnd().split('\n');
  const file = join(dir, `${name}.csv`);
  await writeFile(file, [`${lines[0]},is_test`, ...lines.slice(1).map((l, i) => `${l},${test.has(i)}`)].join('\n') + '\n');
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnxexport-estimators-'));
  breastCancer = await withHoldout('breast_cancer');
  diabetes = await withHoldout('diabetes');
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

const TREES = /Tree|Forest|Boosting/;

async function checkParity(req: TrainRequest) {
  const { model, train, test } = await trainThroughEngine(t, db, req);
  const exported = exportModelToOnnx(model);
  const sets = TREES.test(model.estimator.kind) ? { test, train } : { test };
  const reports = Object.fromEntries(
    await Promise.all(Object.entries(sets).map(async ([name, rows]) => [name, compareParity(appPredictions(model, rows), await onnxPredictions(exported.bytes, exported.inputs, rows))] as const)),
  );
  for (const [name, r] of Object.entries(reports)) {
    // ONNX_PARITY_LOG=1 prints the measured figures.
    if (process.env.ONNX_PARITY_LOG) console.info(`parity ${req.id.split('-{')[0]} ${model.estimator.kind} ${name}: ${r.rows} rows, ${r.labelMismatches} label mismatches, max relative error ${r.maxRelativeError.toExponential(2)}`);
    expect(r.refusalMismatches, `${name}: ${r.examples.join('; ')}`).toBe(0);
    expect(r.labelMismatches, `${name}: ${r.examples.join('; ')}`).toBe(0);
    expect(r.maxRelativeError, name).toBeLessThanOrEqual(1e-5);
  }
  return { model, exported, reports };
}

const holdout = { method: 'column', column: 'is_test' };
const bcScaled = (trainer: string, params: Record<string, unknown> = {}): TrainRequest => ({
  id: `bc-${trainer}-${JSON.stringify(params)}`,
  csv: breastCancer,
  split: holdout,
  // Standardised features: doubles that are not float32 values, the hard case for tree thresholds.
  steps: [{ type: 'feature.scale', params: { method: 'standard' } }],
  trainer,
  params: { target: 'diagnosis', ...params },
});
const penguinChain = [
  { type: 'feature.impute', params: { columns: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'], strategy: 'median' } },
  { type: 'feature.impute', params: { columns: ['sex'], strategy: 'most_frequent' } },
  { type: 'feature.encode', params: { columns: ['island', 'sex'], method: 'onehot' } },
  { type: 'feature.scale', params: { columns: ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'], method: 'standard' } },
];
const penguin = (trainer: string, params: Record<string, unknown> = {}): TrainRequest => ({
  id: `penguins-${trainer}-${JSON.stringify(params)}`,
  csv: penguins,
  split: { method: 'stratified', stratify: 'species', seed: 0 },
  steps: penguinChain,
  trainer,
  params: { target: 'species', features: [], ...params },
});
const diabetesModel = (trainer: string, params: Record<string, unknown> = {}): TrainRequest => ({
  id: `diabetes-${trainer}-${JSON.stringify(params)}`,
  csv: diabetes,
  split: holdout,
  steps: [{ type: 'feature.scale', params: { method: 'minmax', columns: ['age', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'] } }],
  trainer,
  // train.linear_regression is regression only and takes no task param.
  params: { target: 'progression', ...(trainer === 'train.linear_regression' ? {} : { task: 'regression' }), ...params },
});

const breastFeatures = readFileSync(join(ROOT, 'samples/breast_cancer.csv'), 'utf8').split('\n')[0].split(',').filter((c) => c !== 'diagnosis');
const diabetesFeatures = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
const penguinFeatures = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'year', 'island_Biscoe', 'island_Dream', 'island_Torgersen', 'sex_female', 'sex_male'];

describe('classifiers on breast_cancer (two classes, scikit-learn holdout rows)', () => {
  it.each([
    ['train.logistic_regression', 'LogisticRegression', {}],
    ['train.naive_bayes', 'GaussianNB', {}],
    ['train.knn', 'KNeighborsClassifier', { n_neighbors: 5, weights: 'uniform' }],
    ['train.knn', 'KNeighborsClassifier', { n_neighbors: 7, weights: 'distance' }],
    ['train.decision_tree', 'DecisionTreeClassifier', {}],
    ['train.random_forest', 'RandomForestClassifier', { n_estimators: 30 }],
    ['train.gradient_boosting', 'HistGradientBoostingClassifier', { max_iter: 50 }],
  ])('%s (%s %j): onnxruntime = app on every test row', async (trainer, kind, params) => {
    const { model, exported, reports } = await checkParity(bcScaled(trainer, { features: breastFeatures, ...params }));
    expect(model.estimator.kind).toBe(kind);
    expect(reports.test.rows).toBe(143);
    expect(exported.outputs).toEqual(['label', 'probabilities']);
    expect(exported.inputs.map((i) => i.name)).toEqual(breastFeatures);
  });
});

describe('classifiers on penguins (three classes, impute + one-hot + scale chain)', () => {
  it.each([
    ['train.logistic_regression', 'LogisticRegression', {}],
    ['train.naive_bayes', 'GaussianNB', {}],
    ['train.knn', 'KNeighborsClassifier', { weights: 'distance' }],
    ['train.decision_tree', 'DecisionTreeClassifier', {}],
    ['train.random_forest', 'RandomForestClassifier', { n_estimators: 20 }],
    ['train.gradient_boosting', 'HistGradientBoostingClassifier', { max_iter: 30 }],
  ])('%s (%s): onnxruntime = app on every test row', async (trainer, kind, params) => {
    const { model, exported, reports } = await checkParity(penguin(trainer, { features: penguinFeatures, ...params }));
    expect(model.estimator.kind).toBe(kind);
    expect(model.target.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(reports.test.rows).toBeGreaterThan(80);
    const sex = exported.inputs.find((i) => i.name === 'sex');
    expect(sex).toMatchObject({ type: 'text', imputed: true, categories: ['female', 'male'] });
  });
});

describe('regressors on diabetes (scikit-learn holdout rows)', () => {
  it.each([
    ['train.linear_regression', 'LinearRegression', {}],
    ['train.linear_regression', 'Ridge', { alpha: 1 }],
    ['train.knn', 'KNeighborsRegressor', { weights: 'uniform' }],
    ['train.knn', 'KNeighborsRegressor', { weights: 'distance', n_neighbors: 9 }],
    ['train.decision_tree', 'DecisionTreeRegressor', { max_depth: 6 }],
    ['train.random_forest', 'RandomForestRegressor', { n_estimators: 30 }],
    ['train.gradient_boosting', 'HistGradientBoostingRegressor', { max_iter: 50 }],
  ])('%s (%s %j): onnxruntime = app on every test row', async (trainer, kind, params) => {
    const { model, exported, reports } = await checkParity(diabetesModel(trainer, { features: diabetesFeatures, ...params }));
    expect(model.estimator.kind).toBe(kind);
    expect(reports.test.rows).toBe(111);
    expect(exported.outputs).toEqual(['variable']);
  });
});

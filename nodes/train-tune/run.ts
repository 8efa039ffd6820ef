import { NodeError, type NodeRunFn } from '../../src-main/engine/node-runner.js';
import { loadTrainingData } from '../../src-main/ml/dataset.js';
import { seededRandom, type Matrix, type Target, type Task } from '../../src-main/ml/estimator.js';
import { accuracy, mae, precisionRecallF1, r2, rmse, rocAuc } from '../../src-main/ml/metrics/index.js';
import { writeModel, type TrainerRunFn } from '../../src-main/ml/train-runner.js';
import { withDefaults } from '../../src-shared/nodes/spec.js';
import { NODE_SPECS } from '../index.js';
import { runTrainDecisionTree } from '../train-decision-tree/run.js';
import { runTrainGradientBoosting } from '../train-gradient-boosting/run.js';
import { runTrainKnn } from '../train-knn/run.js';
import { runTrainLinearRegression } from '../train-linear-regression/run.js';
import { runTrainLogisticRegression } from '../train-logistic-regression/run.js';
import { runTrainNaiveBayes } from '../train-naive-bayes/run.js';
import { runTrainRandomForest } from '../train-random-forest/run.js';

const TRAINERS: Readonly<Record<string, TrainerRunFn>> = {
  'train.linear_regression': runTrainLinearRegression,
  'train.logistic_regression': runTrainLogisticRegression,
  'train.decision_tree': runTrainDecisionTree,
  'train.random_forest': runTrainRandomForest,
  'train.gradient_boosting': runTrainGradientBoosting,
  'train.naive_bayes': runTrainNaiveBayes,
  'train.knn': runTrainKnn,
};
const LOWER_IS_BETTER = new Set(['rmse', 'mae']);
const CLASSIFICATION_METRICS = new Set(['accuracy', 'f1_macro', 'roc_auc']);

export const runTrainTune: NodeRunFn = async (ctx, inputs, params) => {
  const type = String(params.estimator);
  const trainer = TRAINERS[type];
  const spec = NODE_SPECS.find((s) => s.type === type);
  if (!trainer || !spec) throw new NodeError(`estimator: "${type}" cannot be tuned`);
  const task: Task = trainer.trainer.task ?? (params.task === 'regression' ? 'regression' : 'classification');
  const metric = String(params.metric);
  if (CLASSIFICATION_METRICS.has(metric) !== (task === 'classification')) throw new NodeError(`metric: ${metric} does not score ${task}`);
  const grid = (params.grid ?? {}) as Record<string, unknown[]>;
  const known = new Set(spec.params.map((p) => p.name));
  const unknown = Object.keys(grid).filter((k) => !known.has(k) || ['target', 'features', 'task'].includes(k));
  if (unknown.length > 0) throw new NodeError(`grid: ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'is not a hyperparameter' : 'are not hyperparameters'} of ${type}`);

  const data = await loadTrainingData(ctx, inputs.train, { target: String(params.target ?? ''), features: (params.features as string[] | undefined) ?? [], task });
  const folds = Math.min(Number(params.folds), data.X.rows);
  const random = seededRandom(Number(params.random_state));
  const candidates = candidateList(grid, String(params.search), Number(params.n_iter), random);
  const assignment = foldAssignment(data.y, folds, task, random);
  const base = withDefaults(spec, {});
  const results: { params: Record<string, unknown>; scores: number[]; mean: number; std: number }[] = [];
  for (const [ci, candidate] of candidates.entries()) {
    const hyper = { ...base, ...candidate };
    const scores: number[] = [];
    for (let f = 0; f < folds; f++) {
      const trainRows: number[] = [];
      const testRows: number[] = [];
      assignment.forEach((a, i) => (a === f ? testRows : trainRows).push(i));
      const estimator = trainer.trainer.make(task, hyper);
      const state = estimator.fit(take(data.X, trainRows), takeY(data.y, trainRows));
      scores.push(score(metric, estimator, state, take(data.X, testRows), takeY(data.y, testRows)));
      ctx.progress(((ci * folds + f + 1) / (candidates.length * folds)) * 0.9, `candidate ${ci + 1}/${candidates.length}, fold ${f + 1}/${folds}`);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
    results.push({ params: candidate, scores, mean, std });
  }
  const better = (a: number, b: number) => (LOWER_IS_BETTER.has(metric) ? a < b : a > b);
  const best = results.reduce((b, r) => (better(r.mean, b.mean) ? r : b), results[0]);
  ctx.progress(0.92, 'refitting the best candidate on all rows');
  const hyperparams = Object.fromEntries(Object.entries({ ...base, ...best.params }).filter(([k]) => !['target', 'features', 'task'].includes(k)));
  const estimator = trainer.trainer.make(task, hyperparams);
  const state = estimator.fit(data.X, data.y);
  ctx.metric(`cv_${metric}`, best.mean);
  const file = await writeModel(ctx, { train: inputs.train, data, estimator, task, hyperparams, state });
  ctx.progress(1);
  return {
    model: { kind: 'model', file },
    report: { kind: 'report', data: { kind: 'tuning', estimator: type, metric, folds, best: best.params, candidates: results } },
  };
};

function candidateList(grid: Record<string, unknown[]>, search: string, nIter: number, random: () => number): Record<string, unknown>[] {
  let all: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(grid)) all = all.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  if (search !== 'random' || all.length <= nIter) return all;
  // Fisher-Yates with the seeded generator, then the first n_iter: no candidate twice.
  const pool = [...all];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, nIter);
}

/** Fold of each row: shuffled, and for classification dealt out class by class (stratified). */
function foldAssignment(y: Target, folds: number, task: Task, random: () => number): Int32Array {
  const n = y.values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const fold = new Int32Array(n);
  if (task === 'classification') {
    let k = 0;
    const byClass = new Map<number, number[]>();
    for (const i of order) byClass.set(y.values[i], [...(byClass.get(y.values[i]) ?? []), i]);
    for (const rows of [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r)) for (const i of rows) fold[i] = k++ % folds;
  } else {
    order.forEach((i, pos) => (fold[i] = pos % folds));
  }
  return fold;
}

const take = (X: Matrix, rows: readonly number[]): Matrix => ({ rows: rows.length, names: X.names, columns: X.columns.map((c) => Float64Array.from(rows, (r) => c[r])) });
const takeY = (y: Target, rows: readonly number[]): Target => ({ values: Float64Array.from(rows, (r) => y.values[r]), ...(y.classes ? { classes: y.classes } : {}) });

function score(metric: string, e: ReturnType<TrainerRunFn['trainer']['make']>, state: unknown, X: Matrix, y: Target): number {
  if (metric === 'roc_auc') {
    const proba = e.predictProba?.(state, X);
    if (!proba || proba.length !== 2) throw new NodeError('metric: roc_auc needs a binary classifier with probabilities');
    return rocAuc(y.values, proba[1]);
  }
  const pred = e.predict(state, X);
  switch (metric) {
    case 'accuracy':
      return accuracy(y.values, pred);
    case 'f1_macro':
      return precisionRecallF1(y.values, pred, y.classes?.length).macro.f1;
    case 'rmse':
      return rmse(y.values, pred);
    case 'mae':
      return mae(y.values, pred);
    default:
      return r2(y.values, pred);
  }
}

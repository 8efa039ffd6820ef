import { NodeError } from '../../src-main/engine/node-runner.js';
import type { Estimator, Matrix, Target, Task } from '../../src-main/ml/estimator.js';
import { accuracy, mae, precisionRecallF1, r2, rmse, rocAuc } from '../../src-main/ml/metrics/index.js';
import type { TrainerRunFn } from '../../src-main/ml/train-runner.js';
import { runTrainDecisionTree } from '../train-decision-tree/run.js';
import { runTrainGradientBoosting } from '../train-gradient-boosting/run.js';
import { runTrainKnn } from '../train-knn/run.js';
import { runTrainLinearRegression } from '../train-linear-regression/run.js';
import { runTrainLogisticRegression } from '../train-logistic-regression/run.js';
import { runTrainNaiveBayes } from '../train-naive-bayes/run.js';
import { runTrainRandomForest } from '../train-random-forest/run.js';

/** The trainer nodes train.tune can search over, by node type. */
export const TRAINERS: Readonly<Record<string, TrainerRunFn>> = {
  'train.linear_regression': runTrainLinearRegression,
  'train.logistic_regression': runTrainLogisticRegression,
  'train.decision_tree': runTrainDecisionTree,
  'train.random_forest': runTrainRandomForest,
  'train.gradient_boosting': runTrainGradientBoosting,
  'train.naive_bayes': runTrainNaiveBayes,
  'train.knn': runTrainKnn,
};

/** What every fold of one search shares: sent once to each worker that helps. */
export interface FoldShared {
  readonly trainer: string;
  readonly task: Task;
  readonly metric: string;
  readonly X: Matrix;
  readonly y: Target;
  /** The fold of each row. */
  readonly assignment: Int32Array;
}

export interface FoldItem {
  readonly hyper: Readonly<Record<string, unknown>>;
  readonly fold: number;
}

/** One (candidate, fold) of a search: fit on the other folds, score on this one. A parallel task. */
export function scoreFold(s: FoldShared, item: FoldItem): number {
  const trainRows: number[] = [];
  const testRows: number[] = [];
  s.assignment.forEach((a, i) => (a === item.fold ? testRows : trainRows).push(i));
  const estimator = TRAINERS[s.trainer].trainer.make(s.task, { ...item.hyper });
  const state = estimator.fit(take(s.X, trainRows), takeY(s.y, trainRows));
  return score(s.metric, estimator, state, take(s.X, testRows), takeY(s.y, testRows));
}

const take = (X: Matrix, rows: readonly number[]): Matrix => ({ rows: rows.length, names: X.names, columns: X.columns.map((c) => Float64Array.from(rows, (r) => c[r])) });
const takeY = (y: Target, rows: readonly number[]): Target => ({ values: Float64Array.from(rows, (r) => y.values[r]), ...(y.classes ? { classes: y.classes } : {}) });

function score(metric: string, e: Estimator, state: unknown, X: Matrix, y: Target): number {
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

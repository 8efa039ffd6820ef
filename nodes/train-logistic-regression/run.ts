import { LogisticRegression } from '../../src-main/ml/estimators/linear/logistic-regression.js';
import { trainRunner } from '../../src-main/ml/train-runner.js';

export const runTrainLogisticRegression = trainRunner(
  (_task, p) => new LogisticRegression({ C: Number(p.C), max_iter: Number(p.max_iter), tol: Number(p.tol), fit_intercept: p.fit_intercept !== false }),
  'classification',
);

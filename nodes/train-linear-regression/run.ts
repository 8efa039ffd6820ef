import { LinearRegression, Ridge } from '../../src-main/ml/estimators/linear/linear-regression.js';
import { trainRunner } from '../../src-main/ml/train-runner.js';

export const runTrainLinearRegression = trainRunner((_task, p) => {
  const fit_intercept = p.fit_intercept !== false;
  const alpha = Number(p.alpha ?? 0);
  return alpha > 0 ? new Ridge({ alpha, fit_intercept }) : new LinearRegression({ fit_intercept });
}, 'regression');

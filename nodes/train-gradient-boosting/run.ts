import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from '../../src-main/ml/estimators/trees/hist-gradient-boosting.js';
import { optionalCount } from '../../src-main/ml/hyperparams.js';
import { trainRunner } from '../../src-main/ml/train-runner.js';

export const runTrainGradientBoosting = trainRunner((task, p) => {
  const params = {
    learning_rate: Number(p.learning_rate),
    max_iter: Number(p.max_iter),
    max_leaf_nodes: optionalCount(p.max_leaf_nodes),
    max_depth: optionalCount(p.max_depth),
    min_samples_leaf: Number(p.min_samples_leaf),
    l2_regularization: Number(p.l2_regularization),
    max_bins: Number(p.max_bins),
    early_stopping: p.early_stopping === 'on' ? true : p.early_stopping === 'off' ? false : ('auto' as const),
    validation_fraction: Number(p.validation_fraction),
    n_iter_no_change: Number(p.n_iter_no_change),
    tol: Number(p.tol),
    random_state: Number(p.random_state),
  };
  return task === 'classification' ? new HistGradientBoostingClassifier(params) : new HistGradientBoostingRegressor(params);
});

import { RandomForestClassifier, RandomForestRegressor } from '../../src-main/ml/estimators/trees/random-forest.js';
import { maxFeatures, optionalCount } from '../../src-main/ml/hyperparams.js';
import { trainRunner } from '../../src-main/ml/train-runner.js';

export const runTrainRandomForest = trainRunner((task, p) => {
  const common = {
    n_estimators: Number(p.n_estimators),
    bootstrap: p.bootstrap !== false,
    max_depth: optionalCount(p.max_depth),
    min_samples_split: Number(p.min_samples_split),
    min_samples_leaf: Number(p.min_samples_leaf),
    max_bins: Number(p.max_bins),
    random_state: Number(p.random_state),
  };
  return task === 'classification'
    ? new RandomForestClassifier({ ...common, max_features: maxFeatures(p.max_features, 'sqrt'), criterion: p.criterion === 'entropy' ? 'entropy' : 'gini' })
    : new RandomForestRegressor({ ...common, max_features: maxFeatures(p.max_features, 1) });
});

import { DecisionTreeClassifier, DecisionTreeRegressor } from '../../src-main/ml/estimators/trees/decision-tree.js';
import { maxFeatures, optionalCount } from '../../src-main/ml/hyperparams.js';
import { trainRunner } from '../../src-main/ml/train-runner.js';

export const runTrainDecisionTree = trainRunner((task, p) => {
  const common = {
    max_depth: optionalCount(p.max_depth),
    min_samples_split: Number(p.min_samples_split),
    min_samples_leaf: Number(p.min_samples_leaf),
    max_features: maxFeatures(p.max_features, null),
    max_bins: Number(p.max_bins),
    random_state: Number(p.random_state),
  };
  return task === 'classification'
    ? new DecisionTreeClassifier({ ...common, criterion: p.criterion === 'entropy' ? 'entropy' : 'gini' })
    : new DecisionTreeRegressor(common);
});

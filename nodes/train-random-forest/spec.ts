import { trainSpec } from '../../src-shared/nodes/train-spec.js';

export const trainRandomForestSpec = trainSpec({
  type: 'train.random_forest',
  title: 'Random forest',
  summary: 'A bagged forest of decision trees, for classification or regression.',
  docs: [
    "scikit-learn's RandomForestClassifier / RandomForestRegressor: n_estimators trees on bootstrap",
    'samples with max_features candidate features per split; probabilities are the mean of the trees.',
    '',
    '- **n_estimators** (100), **bootstrap** (true), **criterion** (classification), **max_depth**',
    '  (0: no limit), **min_samples_split**, **min_samples_leaf**.',
    '- **max_features**: auto means sqrt for classification and all features for regression (scikit-learn >= 1.1).',
    '- **random_state**: the seed; the same seed gives the same forest.',
    '- **max_bins** (255; not a scikit-learn param): bins per feature, up to 65,535 for exact splits on more values.',
  ].join('\n'),
  task: 'both',
  params: [
    { name: 'n_estimators', kind: 'number', label: 'Trees', default: 100, min: 1, max: 5000, integer: true },
    { name: 'criterion', kind: 'enum', label: 'Criterion', default: 'gini', options: [{ value: 'gini', label: 'Gini' }, { value: 'entropy', label: 'Entropy' }] },
    { name: 'bootstrap', kind: 'boolean', label: 'Bootstrap samples', default: true },
    { name: 'max_depth', kind: 'number', label: 'Max depth (0: no limit)', default: 0, min: 0, integer: true },
    { name: 'min_samples_split', kind: 'number', label: 'Min samples to split', default: 2, min: 2, integer: true },
    { name: 'min_samples_leaf', kind: 'number', label: 'Min samples per leaf', default: 1, min: 1, integer: true },
    { name: 'max_features', kind: 'string', label: 'Max features', default: 'auto', placeholder: 'auto, all, sqrt, log2 or a fraction' },
    { name: 'max_bins', kind: 'number', label: 'Bins per feature', default: 255, min: 2, max: 65535, integer: true },
    { name: 'random_state', kind: 'number', label: 'Random state', default: 0, integer: true },
  ],
});

import { trainSpec } from '../../src-shared/nodes/train-spec.js';

export const trainDecisionTreeSpec = trainSpec({
  type: 'train.decision_tree',
  title: 'Decision tree',
  summary: 'A CART decision tree for classification (gini, entropy) or regression (squared error).',
  docs: [
    "scikit-learn's DecisionTreeClassifier / DecisionTreeRegressor, on histogram-binned features:",
    'a feature with at most max_bins distinct training values is split exactly as scikit-learn does',
    '(thresholds midway between neighbouring values); more distinct values are binned on quantiles.',
    '',
    '- **criterion**: gini or entropy (classification; regression always uses squared error).',
    '- **max_depth**: 0 means no limit. **min_samples_split**, **min_samples_leaf**: as scikit-learn.',
    '- **max_features**: all, sqrt, log2, or a fraction. **random_state**: the seed for ties and subsampling.',
    '- **max_bins** (255; not a scikit-learn param): bins per feature, up to 65,535 for exact splits on more values.',
  ].join('\n'),
  task: 'both',
  params: [
    { name: 'criterion', kind: 'enum', label: 'Criterion', default: 'gini', options: [{ value: 'gini', label: 'Gini' }, { value: 'entropy', label: 'Entropy' }] },
    { name: 'max_depth', kind: 'number', label: 'Max depth (0: no limit)', default: 0, min: 0, integer: true },
    { name: 'min_samples_split', kind: 'number', label: 'Min samples to split', default: 2, min: 2, integer: true },
    { name: 'min_samples_leaf', kind: 'number', label: 'Min samples per leaf', default: 1, min: 1, integer: true },
    { name: 'max_features', kind: 'string', label: 'Max features', default: 'all', placeholder: 'all, sqrt, log2 or a fraction' },
    { name: 'max_bins', kind: 'number', label: 'Bins per feature', default: 255, min: 2, max: 65535, integer: true },
    { name: 'random_state', kind: 'number', label: 'Random state', default: 0, integer: true },
  ],
});

import { trainSpec } from '../../src-shared/nodes/train-spec.js';

export const trainDecisionTreeSpec = trainSpec({
  type: 'train.decision_tree',
  title: 'Decision tree',
  summary: 'A CART decision tree for classification (gini, entropy) or regression (squared error).',
  docs: [
    "scikit-learn's DecisionTreeClassifier / DecisionTreeRegressor, grown exactly as scikit-learn 1.2",
    'grows them: features compared as float32, every distinct value a candidate threshold (midway',
    'between neighbours), and ties between equally good splits broken by the same random feature',
    'order for the same random_state, so the tree equals scikit-learn\'s.',
    '',
    '- **criterion**: gini or entropy (classification; regression always uses squared error).',
    '- **max_depth**: 0 means no limit. **min_samples_split**, **min_samples_leaf**: as scikit-learn.',
    '- **max_features**: all, sqrt, log2, or a fraction. **random_state**: the seed for ties and subsampling',
    '  (an integer 0..4294967295, as numpy requires).',
    '- **max_bins**: kept so that older pipelines load; it no longer changes the tree.',
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

import { trainSpec } from '../../src-shared/nodes/train-spec.js';

export const trainGradientBoostingSpec = trainSpec({
  type: 'train.gradient_boosting',
  title: 'Gradient boosting',
  summary: 'Histogram-based gradient-boosted trees, for classification or regression.',
  docs: [
    "scikit-learn's HistGradientBoostingClassifier (log loss, binary or multiclass) and",
    'HistGradientBoostingRegressor (squared error): best-first trees on binned features.',
    '',
    '- **learning_rate** (0.1), **max_iter** (100 boosting iterations), **max_leaf_nodes** (31),',
    '  **max_depth** (0: no limit), **min_samples_leaf** (20), **l2_regularization** (0), **max_bins** (255).',
    '- **early_stopping**: auto (on above 10,000 rows), on or off; it holds out **validation_fraction**',
    '  of the rows and stops after **n_iter_no_change** iterations without improvement by **tol**.',
    '- **random_state**: the seed of the validation split.',
  ].join('\n'),
  task: 'both',
  params: [
    { name: 'learning_rate', kind: 'number', label: 'Learning rate', default: 0.1, min: 0 },
    { name: 'max_iter', kind: 'number', label: 'Iterations', default: 100, min: 1, max: 10000, integer: true },
    { name: 'max_leaf_nodes', kind: 'number', label: 'Max leaves per tree', default: 31, min: 2, integer: true },
    { name: 'max_depth', kind: 'number', label: 'Max depth (0: no limit)', default: 0, min: 0, integer: true },
    { name: 'min_samples_leaf', kind: 'number', label: 'Min samples per leaf', default: 20, min: 1, integer: true },
    { name: 'l2_regularization', kind: 'number', label: 'L2 regularization', default: 0, min: 0 },
    { name: 'max_bins', kind: 'number', label: 'Bins per feature', default: 255, min: 2, max: 255, integer: true },
    {
      name: 'early_stopping',
      kind: 'enum',
      label: 'Early stopping',
      default: 'auto',
      options: [
        { value: 'auto', label: 'Auto (above 10,000 rows)' },
        { value: 'on', label: 'On' },
        { value: 'off', label: 'Off' },
      ],
    },
    { name: 'validation_fraction', kind: 'number', label: 'Validation fraction', default: 0.1, min: 0, max: 0.9 },
    { name: 'n_iter_no_change', kind: 'number', label: 'Patience (iterations)', default: 10, min: 1, integer: true },
    { name: 'tol', kind: 'number', label: 'Tolerance', default: 1e-7, min: 0 },
    { name: 'random_state', kind: 'number', label: 'Random state', default: 0, integer: true },
  ],
});

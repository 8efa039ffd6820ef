import { z } from 'zod';
import type { NodeSpec } from '../../src-shared/nodes/spec.js';

export const TUNABLE = [
  'train.linear_regression',
  'train.logistic_regression',
  'train.decision_tree',
  'train.random_forest',
  'train.gradient_boosting',
  'train.naive_bayes',
  'train.knn',
] as const;

export const METRICS = ['accuracy', 'f1_macro', 'roc_auc', 'rmse', 'mae', 'r2'] as const;

const GridSchema = z.record(z.string().min(1), z.array(z.union([z.number(), z.string(), z.boolean(), z.null()])).min(1));

export const trainTuneSpec: NodeSpec = {
  type: 'train.tune',
  version: 1,
  category: 'training',
  title: 'Tune hyperparameters',
  summary: 'Grid or random search over an estimator\'s hyperparameters with k-fold cross-validation, then refits the best.',
  docs: [
    "scikit-learn's GridSearchCV / RandomizedSearchCV over one of the trainers: every candidate is",
    'scored by k-fold cross-validation on the training rows (stratified for classification), the',
    'report lists every candidate with its mean and standard deviation, and the best is refitted on',
    'all the rows and output as the model.',
    '',
    '- **estimator**: the trainer to tune (its other params keep their defaults).',
    '- **grid**: JSON, hyperparameter -> list of values, e.g. `{"max_depth": [3, 5, 0], "min_samples_leaf": [1, 5]}`.',
    '- **search**: grid (every combination) or random (**n_iter** combinations drawn with **random_state**).',
    '- **folds** (5), **metric**: accuracy, f1_macro, roc_auc (binary) for classification; rmse, mae, r2 for regression.',
    '- **task**: classification or regression, for estimators that do both.',
    '- **target**, **features**: as in the trainers.',
  ].join('\n'),
  inputs: [{ name: 'train', type: 'table', label: 'Training rows' }],
  outputs: [
    { name: 'model', type: 'model', label: 'Best model' },
    { name: 'report', type: 'report', label: 'Candidates' },
  ],
  params: [
    { name: 'estimator', kind: 'enum', label: 'Estimator', default: 'train.decision_tree', options: TUNABLE.map((t) => ({ value: t, label: t })) },
    { name: 'target', kind: 'column', port: 'train', label: 'Target', required: true },
    { name: 'features', kind: 'columns', port: 'train', label: 'Features', default: [] },
    {
      name: 'task',
      kind: 'enum',
      label: 'Task',
      default: 'classification',
      options: [
        { value: 'classification', label: 'Classification' },
        { value: 'regression', label: 'Regression' },
      ],
    },
    { name: 'grid', kind: 'json', label: 'Grid', default: {}, schema: GridSchema },
    {
      name: 'search',
      kind: 'enum',
      label: 'Search',
      default: 'grid',
      options: [
        { value: 'grid', label: 'Every combination' },
        { value: 'random', label: 'Random combinations' },
      ],
    },
    { name: 'n_iter', kind: 'number', label: 'Random candidates', default: 10, min: 1, max: 1000, integer: true },
    { name: 'folds', kind: 'number', label: 'Folds', default: 5, min: 2, max: 20, integer: true },
    { name: 'metric', kind: 'enum', label: 'Metric', default: 'accuracy', options: METRICS.map((m) => ({ value: m, label: m })) },
    { name: 'random_state', kind: 'number', label: 'Random state', default: 0, integer: true },
  ],
};

import type { NodeSpec } from '../../src-shared/nodes/spec.js';

export const evaluateModelSpec: NodeSpec = {
  type: 'evaluate.model',
  version: 1,
  category: 'evaluation',
  title: 'Evaluate model',
  summary: 'Scores a model on rows it never saw: metrics, confusion matrix, curves, and the predictions.',
  docs: [
    'Applies the model to the **data** rows exactly as in serving: the preprocessing chain stored in',
    'the model (the fitted feature steps it was trained behind) is replayed on the raw rows first, so',
    'connect the raw test rows (a split\'s test output), not rows that went through the feature steps.',
    '',
    'Classification: accuracy, precision/recall/F1 per class and macro/weighted, ROC AUC (binary, or',
    'one-vs-rest macro), log loss, the confusion matrix, ROC and precision-recall curves and a',
    'calibration curve (binary). Regression: RMSE, MAE, R2 and residuals. Scalar metrics are recorded',
    'in the lineage store; everything goes to the report; the predictions table holds the input rows',
    'with the prediction (and each class probability).',
    '',
    '- **positive**: for binary metrics, the class taken as positive; empty means the second class in',
    '  sorted order (scikit-learn\'s label 1).',
    '- **permutation_importance** (on): scikit-learn\'s permutation_importance: each feature\'s column is',
    '  shuffled **n_repeats** times (5, seeded by **random_state**) and the drop in accuracy (R2 for',
    '  regression) is its importance, mean and std.',
  ].join('\n'),
  inputs: [
    { name: 'model', type: 'model', label: 'Model' },
    { name: 'data', type: 'table', label: 'Rows to score' },
  ],
  outputs: [
    { name: 'report', type: 'report', label: 'Metrics' },
    { name: 'predictions', type: 'table', label: 'Predictions' },
  ],
  params: [
    { name: 'positive', kind: 'string', label: 'Positive class', default: '' },
    { name: 'permutation_importance', kind: 'boolean', label: 'Permutation importance', default: true },
    { name: 'n_repeats', kind: 'number', label: 'Shuffles per feature', default: 5, min: 1, max: 100, integer: true },
    { name: 'random_state', kind: 'number', label: 'Random state', default: 0, integer: true },
  ],
};

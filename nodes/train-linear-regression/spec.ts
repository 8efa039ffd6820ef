import { trainSpec } from '../../src-shared/nodes/train-spec.js';

export const trainLinearRegressionSpec = trainSpec({
  type: 'train.linear_regression',
  title: 'Linear regression',
  summary: 'Ordinary least squares, or ridge regression when alpha is above 0.',
  docs: [
    "scikit-learn's LinearRegression (alpha 0) or Ridge (alpha > 0), solved by a Householder QR",
    'decomposition (no normal equations, so raw-unit features stay accurate).',
    '',
    '- **alpha**: the L2 penalty; 0 is ordinary least squares. **fit_intercept** (true).',
  ].join('\n'),
  task: 'regression',
  params: [
    { name: 'alpha', kind: 'number', label: 'Alpha (0: OLS)', default: 0, min: 0 },
    { name: 'fit_intercept', kind: 'boolean', label: 'Fit intercept', default: true },
  ],
});

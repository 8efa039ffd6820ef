import { trainSpec } from '../../src-shared/nodes/train-spec.js';

export const trainLogisticRegressionSpec = trainSpec({
  type: 'train.logistic_regression',
  title: 'Logistic regression',
  summary: 'L2-regularised logistic regression, binary or multinomial, fitted by L-BFGS.',
  docs: [
    "scikit-learn's LogisticRegression(penalty='l2', solver='lbfgs'): a sigmoid for two classes, a",
    'softmax for more; the intercept is not penalised. The model records whether it converged.',
    '',
    '- **C** (1.0): the inverse of the regularisation strength. **max_iter** (100), **tol** (1e-4), **fit_intercept** (true).',
    '- Scale features first (feature.scale) on raw-unit data: like scikit-learn, 100 iterations do not',
    '  converge on unscaled features.',
  ].join('\n'),
  task: 'classification',
  params: [
    { name: 'C', kind: 'number', label: 'C (inverse regularisation)', default: 1, min: 0 },
    { name: 'max_iter', kind: 'number', label: 'Max iterations', default: 100, min: 1, max: 100000, integer: true },
    { name: 'tol', kind: 'number', label: 'Tolerance', default: 1e-4, min: 0 },
    { name: 'fit_intercept', kind: 'boolean', label: 'Fit intercept', default: true },
  ],
});

import { trainSpec } from '../../src-shared/nodes/train-spec.js';

export const trainNaiveBayesSpec = trainSpec({
  type: 'train.naive_bayes',
  title: 'Gaussian naive Bayes',
  summary: 'Gaussian naive Bayes: per-class means and variances of every feature.',
  docs: [
    "scikit-learn's GaussianNB: class priors from the class frequencies, per-class feature means and",
    'variances (population variance plus var_smoothing times the largest feature variance).',
    '',
    '- **var_smoothing** (1e-9).',
  ].join('\n'),
  task: 'classification',
  params: [{ name: 'var_smoothing', kind: 'number', label: 'Variance smoothing', default: 1e-9, min: 0 }],
});

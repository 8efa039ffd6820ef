import { trainSpec } from '../../src-shared/nodes/train-spec.js';

export const trainKnnSpec = trainSpec({
  type: 'train.knn',
  title: 'k-nearest neighbours',
  summary: 'k-nearest neighbours classification or regression (Euclidean distance, a KD-tree where it pays).',
  docs: [
    "scikit-learn's KNeighborsClassifier / KNeighborsRegressor with the Euclidean metric; ties in",
    'distance go to the earlier training row. A KD-tree serves up to 15 features, brute force above.',
    '',
    '- **n_neighbors** (5), **weights**: uniform or distance.',
    '- Distances mix units: scale features first (feature.scale) unless they share one.',
  ].join('\n'),
  task: 'both',
  params: [
    { name: 'n_neighbors', kind: 'number', label: 'Neighbours', default: 5, min: 1, integer: true },
    {
      name: 'weights',
      kind: 'enum',
      label: 'Weights',
      default: 'uniform',
      options: [
        { value: 'uniform', label: 'Uniform' },
        { value: 'distance', label: 'By distance' },
      ],
    },
  ],
});

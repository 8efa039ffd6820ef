import { KNeighborsClassifier, KNeighborsRegressor } from '../../src-main/ml/estimators/neighbors/knn.js';
import { trainRunner } from '../../src-main/ml/train-runner.js';

export const runTrainKnn = trainRunner((task, p) => {
  const params = { n_neighbors: Number(p.n_neighbors), weights: p.weights === 'distance' ? ('distance' as const) : ('uniform' as const) };
  return task === 'classification' ? new KNeighborsClassifier(params) : new KNeighborsRegressor(params);
});

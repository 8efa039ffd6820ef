import type { Estimator } from './estimator.js';
import { LinearRegression, Ridge } from './estimators/linear/linear-regression.js';
import { LogisticRegression } from './estimators/linear/logistic-regression.js';
import { GaussianNB } from './estimators/naive-bayes/gaussian-nb.js';
import { KNeighborsClassifier, KNeighborsRegressor } from './estimators/neighbors/knn.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from './estimators/trees/decision-tree.js';
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from './estimators/trees/hist-gradient-boosting.js';
import { RandomForestClassifier, RandomForestRegressor } from './estimators/trees/random-forest.js';

/**
 * Estimator kind (as stored in a model artifact: scikit-learn's class name) -> an instance that
 * can predict from a fitted state. Prediction reads only the state, so default hyperparameters serve.
 */
const PREDICTORS: Readonly<Record<string, () => Estimator>> = {
  LinearRegression: () => new LinearRegression(),
  Ridge: () => new Ridge(),
  LogisticRegression: () => new LogisticRegression(),
  GaussianNB: () => new GaussianNB(),
  KNeighborsClassifier: () => new KNeighborsClassifier(),
  KNeighborsRegressor: () => new KNeighborsRegressor(),
  DecisionTreeClassifier: () => new DecisionTreeClassifier(),
  DecisionTreeRegressor: () => new DecisionTreeRegressor(),
  RandomForestClassifier: () => new RandomForestClassifier(),
  RandomForestRegressor: () => new RandomForestRegressor(),
  HistGradientBoostingClassifier: () => new HistGradientBoostingClassifier(),
  HistGradientBoostingRegressor: () => new HistGradientBoostingRegressor(),
};

export function predictorFor(kind: string): Estimator {
  const make = PREDICTORS[kind];
  if (!make) throw new Error(`no estimator "${kind}" in this version of Plumb (the model was made by a newer one?)`);
  return make();
}

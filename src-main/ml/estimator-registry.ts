import type { Estimator } from './estimator.js';
import { LinearRegression, Ridge } from './estimators/linear/linear-regression.js';
import { LogisticRegression } from './estimators/linear/logistic-regression.js';
import { GaussianNB } from './estimators/naive-bayes/gaussian-nb.js';
import { KNeighborsClassifier, KNeighborsRegressor } from './estimators/neighbors/knn.js';
import { DecisionTreeClassifier, DecisionTreeRegressor } from './estimators/trees/decision-tree.js';
import { HistGradientBoostingClassifier, HistGradientBoostingRegressor } from './estimators/trees/hist-gradient-boosting.js';
import { RandomForestClassifier, RandomForestRegressor } from './estimators/trees/random-forest.js';

/**
 * Estimator kind (as stored in a model artifact: scikit-learn's class name) -> its class. Every kind
 * listed here is run through the shared conformance suite (estimators/conformance.test.ts).
 */
const ESTIMATORS = {
  LinearRegression,
  Ridge,
  LogisticRegression,
  GaussianNB,
  KNeighborsClassifier,
  KNeighborsRegressor,
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  RandomForestClassifier,
  RandomForestRegressor,
  HistGradientBoostingClassifier,
  HistGradientBoostingRegressor,
} as const;

export type EstimatorKind = keyof typeof ESTIMATORS;
/** The hyperparameters (scikit-learn names) the kind's constructor takes. */
export type HyperparamsOf<K extends EstimatorKind> = NonNullable<ConstructorParameters<(typeof ESTIMATORS)[K]>[0]>;

export const ESTIMATOR_KINDS = Object.keys(ESTIMATORS) as EstimatorKind[];

export function isEstimatorKind(kind: string): kind is EstimatorKind {
  return Object.hasOwn(ESTIMATORS, kind);
}

/** A new estimator of `kind`; hyperparameters are checked by `fit`, as scikit-learn does. */
export function makeEstimator<K extends EstimatorKind>(kind: K, hyperparams?: HyperparamsOf<K>): Estimator {
  // TypeScript cannot relate ESTIMATORS[K] to HyperparamsOf<K> for a generic K; the types above do.
  const Ctor = ESTIMATORS[kind] as new (params?: HyperparamsOf<K>) => Estimator;
  return new Ctor(hyperparams);
}

/** An instance that can predict from a fitted state: prediction reads only the state, so defaults serve. */
export function predictorFor(kind: string): Estimator {
  if (!isEstimatorKind(kind)) throw new Error(`no estimator "${kind}" in this version of Plumb (the model was made by a newer one?)`);
  return makeEstimator(kind);
}

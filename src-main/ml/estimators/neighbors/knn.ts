/**
 * k-nearest neighbours (scikit-learn's KNeighborsClassifier / KNeighborsRegressor), euclidean.
 *
 * The fitted state is the training data itself (row-major, plain numbers). The search index is
 * rebuilt from the state on first use and cached per state object, so predictions still come
 * from the state alone. algorithm='auto' picks a KD-tree up to 15 features and brute force above
 * (or when n_neighbors is at least half the training rows), as scikit-learn does.
 *
 * weights='distance' uses 1/d; a query with training points at distance 0 takes only those
 * points, with equal weight (scikit-learn's rule).
 */
import type { Estimator, Matrix, Target } from '../../estimator.js';
import { checkClassTarget, checkFitData, checkPredictData, checkRegressionTarget } from '../validate.js';
import { bruteIndex, kdTreeIndex, type NeighborIndex, type Neighbors } from './kd-tree.js';

export interface KNeighborsParams {
  readonly n_neighbors?: number;
  readonly weights?: 'uniform' | 'distance';
  readonly algorithm?: 'auto' | 'kd_tree' | 'brute';
}

export interface KNeighborsState {
  readonly kind: 'KNeighborsClassifier' | 'KNeighborsRegressor';
  readonly names: string[];
  readonly classes?: string[];
  readonly n_neighbors: number;
  readonly weights: 'uniform' | 'distance';
  readonly algorithm: 'kd_tree' | 'brute';
  readonly n_samples: number;
  readonly n_features: number;
  /** Training rows, row-major: X[i * n_features + j]. */
  readonly X: number[];
  /** Class codes or regression targets. */
  readonly y: number[];
}

const indexCache = new WeakMap<KNeighborsState, NeighborIndex>();

function fitNeighbors(kind: KNeighborsState['kind'], params: KNeighborsParams, X: Matrix, y: Target): KNeighborsState {
  const k = params.n_neighbors ?? 5;
  const weights = params.weights ?? 'uniform';
  const n = X.rows;
  const d = X.columns.length;
  if (!Number.isInteger(k) || k < 1) throw new Error(`${kind}: n_neighbors must be a positive integer, got ${k}`);
  if (weights !== 'uniform' && weights !== 'distance') throw new Error(`${kind}: weights must be 'uniform' or 'distance'`);
  checkFitData(kind, X, y);
  const nClasses = kind === 'KNeighborsClassifier' ? checkClassTarget(kind, y) : 0;
  if (kind === 'KNeighborsRegressor') checkRegressionTarget(kind, y);
  if (k > n) throw new Error(`${kind}: n_neighbors (${k}) is more than the ${n} training rows`);
  const flat = new Array<number>(n * d);
  for (let j = 0; j < d; j++) {
    const col = X.columns[j];
    for (let i = 0; i < n; i++) flat[i * d + j] = col[i];
  }
  const requested = params.algorithm ?? 'auto';
  const algorithm = requested === 'auto' ? (d <= 15 && k < n / 2 ? 'kd_tree' : 'brute') : requested;
  let classes: string[] | undefined;
  if (kind === 'KNeighborsClassifier') classes = y.classes ? [...y.classes] : Array.from({ length: nClasses }, (_, i) => String(i));
  return {
    kind, names: [...X.names], ...(classes ? { classes } : {}), n_neighbors: k, weights, algorithm,
    n_samples: n, n_features: d, X: flat, y: Array.from(y.values),
  };
}

/** The k nearest training rows of each row of X, ordered by (distance, training index). */
export function kneighbors(state: KNeighborsState, X: Matrix): Neighbors {
  const d = state.n_features;
  checkPredictData(state.kind, d, X);
  let index = indexCache.get(state);
  if (!index) {
    const data = Float64Array.from(state.X);
    index = state.algorithm === 'kd_tree' ? kdTreeIndex(data, state.n_samples, d) : bruteIndex(data, state.n_samples, d);
    indexCache.set(state, index);
  }
  const m = X.rows;
  const queries = new Float64Array(m * d);
  for (let j = 0; j < d; j++) {
    const col = X.columns[j];
    for (let i = 0; i < m; i++) queries[i * d + j] = col[i];
  }
  return index.query(queries, m, state.n_neighbors);
}

/** Neighbour weights for query q, written into w (length k). */
function neighbourWeights(state: KNeighborsState, nb: Neighbors, q: number, w: Float64Array): void {
  const k = state.n_neighbors;
  if (state.weights === 'uniform') { w.fill(1); return; }
  let anyZero = false;
  for (let r = 0; r < k; r++) if (nb.distances[q * k + r] === 0) anyZero = true;
  for (let r = 0; r < k; r++) {
    const dist = nb.distances[q * k + r];
    w[r] = anyZero ? (dist === 0 ? 1 : 0) : 1 / dist;
  }
}

export class KNeighborsClassifier implements Estimator<KNeighborsState> {
  readonly kind = 'KNeighborsClassifier';
  readonly task = 'classification';
  constructor(readonly params: KNeighborsParams = {}) {}

  fit(X: Matrix, y: Target): KNeighborsState {
    return fitNeighbors('KNeighborsClassifier', this.params, X, y);
  }

  predictProba(state: KNeighborsState, X: Matrix): Float64Array[] {
    const nb = kneighbors(state, X);
    const k = state.n_neighbors;
    const nClasses = state.classes?.length ?? 0;
    const proba = Array.from({ length: nClasses }, () => new Float64Array(X.rows));
    const w = new Float64Array(k);
    for (let q = 0; q < X.rows; q++) {
      neighbourWeights(state, nb, q, w);
      let total = 0;
      for (let r = 0; r < k; r++) {
        proba[state.y[nb.indices[q * k + r]]][q] += w[r];
        total += w[r];
      }
      for (let c = 0; c < nClasses; c++) proba[c][q] /= total;
    }
    return proba;
  }

  /** The class with the largest (weighted) vote; ties go to the lowest class code. */
  predict(state: KNeighborsState, X: Matrix): Float64Array {
    const proba = this.predictProba(state, X);
    const out = new Float64Array(X.rows);
    for (let q = 0; q < X.rows; q++) {
      let best = 0;
      for (let c = 1; c < proba.length; c++) if (proba[c][q] > proba[best][q]) best = c;
      out[q] = best;
    }
    return out;
  }
}

export class KNeighborsRegressor implements Estimator<KNeighborsState> {
  readonly kind = 'KNeighborsRegressor';
  readonly task = 'regression';
  constructor(readonly params: KNeighborsParams = {}) {}

  fit(X: Matrix, y: Target): KNeighborsState {
    return fitNeighbors('KNeighborsRegressor', this.params, X, y);
  }

  predict(state: KNeighborsState, X: Matrix): Float64Array {
    const nb = kneighbors(state, X);
    const k = state.n_neighbors;
    const out = new Float64Array(X.rows);
    const w = new Float64Array(k);
    for (let q = 0; q < X.rows; q++) {
      neighbourWeights(state, nb, q, w);
      let s = 0, total = 0;
      for (let r = 0; r < k; r++) {
        s += w[r] * state.y[nb.indices[q * k + r]];
        total += w[r];
      }
      out[q] = s / total;
    }
    return out;
  }
}

/**
 * RandomForestClassifier / RandomForestRegressor, scikit-learn's parameters and defaults
 * (max_features 'sqrt' for classification, 1.0 for regression as in scikit-learn >= 1.1).
 *
 * Features are binned once for the whole forest; each tree is a CART tree (cart.ts) on a bootstrap
 * sample expressed as per-row counts (weights), as scikit-learn does. Classifier probabilities are
 * the mean of the trees' leaf class distributions. Fit is single-threaded; progress reports trees
 * built. Each tree gets its own seed drawn from `random_state`'s generator, so a future parallel
 * fit (trees split across workers) can reproduce the same forest.
 */

import { seededRandom, type Estimator, type FitOptions, type Matrix, type Target } from '../../estimator.js';
import { binMatrix, type Binned } from './binning.js';
import { applyTree, buildCart, compileTree, resolveMaxFeatures, validateTreeParams, type MaxFeatures, type TreeState } from './cart.js';
import { argmaxColumns, checkPredictX, checkXy, classCount, classesOf } from './decision-tree.js';

export interface RandomForestParams {
  readonly n_estimators: number;
  readonly bootstrap: boolean;
  readonly max_depth: number | null;
  readonly min_samples_split: number;
  readonly min_samples_leaf: number;
  readonly max_features: MaxFeatures;
  readonly random_state: number;
  /** Not a scikit-learn parameter: bins per feature (see DecisionTreeParams.max_bins). */
  readonly max_bins: number;
}

export interface RandomForestClassifierParams extends RandomForestParams {
  readonly criterion: 'gini' | 'entropy';
}

export interface RandomForestRegressorParams extends RandomForestParams {
  readonly criterion: 'squared_error';
}

export interface RandomForestState {
  readonly kind: 'RandomForestClassifier' | 'RandomForestRegressor';
  readonly nFeatures: number;
  readonly featureNames: string[];
  readonly classes?: string[];
  readonly trees: TreeState[];
}

const BASE = { n_estimators: 100, bootstrap: true, max_depth: null, min_samples_split: 2, min_samples_leaf: 1, random_state: 0, max_bins: 255 };

interface ForestFit {
  readonly criterion: 'gini' | 'entropy' | 'squared_error';
  readonly nClasses: number;
}

function fitForest(p: RandomForestParams, f: ForestFit, X: Matrix, y: Float64Array, opts?: FitOptions): TreeState[] {
  validateTreeParams(p);
  if (!(Number.isInteger(p.n_estimators) && p.n_estimators >= 1)) throw new Error(`n_estimators must be an integer >= 1, got ${p.n_estimators}`);
  const n = X.rows;
  const binned: Binned = binMatrix(X, p.max_bins);
  const maxFeatures = resolveMaxFeatures(p.max_features, X.columns.length);
  const forestRng = seededRandom(p.random_state);
  const seeds = Array.from({ length: p.n_estimators }, () => Math.floor(forestRng() * 4294967296));
  const trees: TreeState[] = [];
  const weights = new Float64Array(n);
  const rowsAll = new Uint32Array(n);
  for (let t = 0; t < p.n_estimators; t++) {
    const rng = seededRandom(seeds[t]);
    let m = 0;
    if (p.bootstrap) {
      weights.fill(0);
      for (let i = 0; i < n; i++) weights[Math.floor(rng() * n)] += 1;
      for (let i = 0; i < n; i++) if (weights[i] > 0) rowsAll[m++] = i;
    } else {
      weights.fill(1);
      for (let i = 0; i < n; i++) rowsAll[m++] = i;
    }
    trees.push(
      buildCart(binned, y, weights, rowsAll.subarray(0, m), {
        criterion: f.criterion,
        nClasses: f.nClasses,
        maxDepth: p.max_depth ?? Infinity,
        minSamplesSplit: p.min_samples_split,
        minSamplesLeaf: p.min_samples_leaf,
        maxFeatures,
        rng,
      }),
    );
    opts?.progress?.((t + 1) / p.n_estimators, `${t + 1}/${p.n_estimators} trees built`);
  }
  return trees;
}

export class RandomForestClassifier implements Estimator<RandomForestState> {
  readonly kind = 'RandomForestClassifier';
  readonly task = 'classification' as const;
  readonly params: RandomForestClassifierParams;

  constructor(params: Partial<RandomForestClassifierParams> = {}) {
    this.params = { ...BASE, max_features: 'sqrt', criterion: 'gini', ...params };
  }

  fit(X: Matrix, y: Target, opts?: FitOptions): RandomForestState {
    if (this.params.criterion !== 'gini' && this.params.criterion !== 'entropy') throw new Error(`criterion must be gini or entropy, got ${String(this.params.criterion)}`);
    const k = classCount(X, y);
    const trees = fitForest(this.params, { criterion: this.params.criterion, nClasses: k }, X, y.values, opts);
    return { kind: this.kind, nFeatures: X.columns.length, featureNames: [...X.names], classes: classesOf(y, k), trees };
  }

  predictProba(state: RandomForestState, X: Matrix): Float64Array[] {
    checkPredictX(state.nFeatures, X);
    const k = state.trees[0].nOutputs;
    const out = Array.from({ length: k }, () => new Float64Array(X.rows));
    const leaves = new Int32Array(X.rows);
    for (const ts of state.trees) {
      const t = compileTree(ts);
      applyTree(t, X.columns, X.rows, leaves);
      for (let c = 0; c < k; c++) {
        const o = out[c];
        for (let i = 0; i < X.rows; i++) o[i] += t.value[leaves[i] * k + c];
      }
    }
    const inv = 1 / state.trees.length;
    for (const o of out) for (let i = 0; i < X.rows; i++) o[i] *= inv;
    return out;
  }

  predict(state: RandomForestState, X: Matrix): Float64Array {
    return argmaxColumns(this.predictProba(state, X), X.rows);
  }
}

export class RandomForestRegressor implements Estimator<RandomForestState> {
  readonly kind = 'RandomForestRegressor';
  readonly task = 'regression' as const;
  readonly params: RandomForestRegressorParams;

  constructor(params: Partial<RandomForestRegressorParams> = {}) {
    this.params = { ...BASE, max_features: 1.0, criterion: 'squared_error', ...params };
  }

  fit(X: Matrix, y: Target, opts?: FitOptions): RandomForestState {
    if (this.params.criterion !== 'squared_error') throw new Error(`criterion must be squared_error, got ${String(this.params.criterion)}`);
    checkXy(X, y);
    const trees = fitForest(this.params, { criterion: 'squared_error', nClasses: 0 }, X, y.values, opts);
    return { kind: this.kind, nFeatures: X.columns.length, featureNames: [...X.names], trees };
  }

  predict(state: RandomForestState, X: Matrix): Float64Array {
    checkPredictX(state.nFeatures, X);
    const out = new Float64Array(X.rows);
    const leaves = new Int32Array(X.rows);
    for (const ts of state.trees) {
      const t = compileTree(ts);
      applyTree(t, X.columns, X.rows, leaves);
      for (let i = 0; i < X.rows; i++) out[i] += t.value[leaves[i]];
    }
    const inv = 1 / state.trees.length;
    for (let i = 0; i < X.rows; i++) out[i] *= inv;
    return out;
  }
}

/**
 * DecisionTreeClassifier / DecisionTreeRegressor with scikit-learn's parameter names and defaults,
 * fitted by an exact replay of scikit-learn 1.2.1's CART (exact-splitter.ts): features cast to
 * float32, every distinct value a candidate split, midpoint thresholds, and ties between equally
 * good splits broken as scikit-learn breaks them for the same `random_state` (its feature order
 * per node comes from numpy's RandomState(random_state) and its own xorshift generator). So
 * `DecisionTree*(random_state=s)` here grows the tree scikit-learn grows with `random_state=s`.
 *
 * `random_state` defaults to 0 (not None) so a fit is deterministic; it must be an integer in
 * 0..2**32-1, as numpy requires.
 */

import type { Estimator, FitOptions, Matrix, Target } from '../../estimator.js';
import { checkClassTarget, checkFitData, checkRegressionTarget } from '../validate.js';
import { applyTree, compileTree, resolveMaxFeatures, validateTreeParams, type MaxFeatures, type TreeState } from './cart.js';
import { buildExactCart } from './exact-splitter.js';

export interface DecisionTreeParams {
  readonly max_depth: number | null;
  readonly min_samples_split: number;
  readonly min_samples_leaf: number;
  readonly max_features: MaxFeatures;
  readonly random_state: number;
  /**
   * Kept so saved params still load; no effect since the tree became exact CART (every distinct
   * value is a candidate, as in scikit-learn). Still validated (2..65535).
   */
  readonly max_bins: number;
}

export interface DecisionTreeClassifierParams extends DecisionTreeParams {
  readonly criterion: 'gini' | 'entropy';
}

export interface DecisionTreeRegressorParams extends DecisionTreeParams {
  readonly criterion: 'squared_error';
}

export interface DecisionTreeState {
  readonly kind: 'DecisionTreeClassifier' | 'DecisionTreeRegressor';
  readonly nFeatures: number;
  readonly featureNames: string[];
  /** Class labels (classification): tree values are probabilities in this order. */
  readonly classes?: string[];
  readonly tree: TreeState;
}

const DEFAULTS: DecisionTreeParams = { max_depth: null, min_samples_split: 2, min_samples_leaf: 1, max_features: null, random_state: 0, max_bins: 255 };

/** Number of classes of a classification target (codes 0..k-1), checked. */
export function classCount(X: Matrix, y: Target): number {
  checkXy(X, y);
  let max = -1;
  for (let i = 0; i < y.values.length; i++) {
    const v = y.values[i];
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`class codes must be integers >= 0, got ${v} at row ${i}`);
    if (v > max) max = v;
  }
  const k = y.classes ? y.classes.length : max + 1;
  if (max >= k) throw new Error(`class code ${max} is outside classes (${k})`);
  return Math.max(k, 1);
}

export function checkXy(X: Matrix, y: Target): void {
  if (X.rows < 1) throw new Error('cannot fit on zero rows');
  if (X.columns.length < 1) throw new Error('cannot fit without features');
  if (y.values.length !== X.rows) throw new Error(`y has ${y.values.length} values but X has ${X.rows} rows`);
  for (const c of X.columns) if (c.length !== X.rows) throw new Error('every column of X must have X.rows values');
}

export function checkPredictX(nFeatures: number, X: Matrix): void {
  if (X.columns.length !== nFeatures) throw new Error(`the model was fitted on ${nFeatures} features, X has ${X.columns.length}`);
}

/** The checks numpy and scikit-learn make on what this estimator passes on to them. */
function validateExactParams(p: DecisionTreeParams): void {
  if (!(Number.isInteger(p.random_state) && p.random_state >= 0 && p.random_state <= 0xffffffff)) {
    throw new Error(`random_state must be an integer in 0..4294967295 (numpy's RandomState), got ${p.random_state}`);
  }
  if (!(Number.isInteger(p.max_bins) && p.max_bins >= 2 && p.max_bins <= 65535)) throw new Error(`max_bins must be an integer in 2..65535, got ${p.max_bins}`);
}

/**
 * X as float32 columns, as scikit-learn's `check_array(X, dtype=np.float32)`: values beyond
 * float32's range (and missing values, though checkFitData refuses those first) are refused,
 * naming the feature and row.
 */
export function float32Columns(X: Matrix): Float32Array[] {
  return X.columns.map((col, j) => {
    const out = Float32Array.from(col);
    for (let i = 0; i < out.length; i++) {
      if (!Number.isFinite(out[i])) {
        const what = Number.isNaN(col[i]) ? 'a missing value (NaN): impute it first' : `${col[i]}, outside float32's range`;
        throw new Error(`tree estimators need finite float32 features: feature '${X.names[j] ?? j}' row ${i} is ${what}`);
      }
    }
    return out;
  });
}

export function classesOf(y: Target, k: number): string[] {
  return y.classes ? [...y.classes] : Array.from({ length: k }, (_, i) => String(i));
}

/** Argmax per row of column-major probabilities (first maximum wins, like numpy). */
export function argmaxColumns(proba: Float64Array[], rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bv = proba[0][i];
    for (let c = 1; c < proba.length; c++) {
      if (proba[c][i] > bv) {
        bv = proba[c][i];
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

export class DecisionTreeClassifier implements Estimator<DecisionTreeState> {
  readonly kind = 'DecisionTreeClassifier';
  readonly task = 'classification' as const;
  readonly params: DecisionTreeClassifierParams;

  constructor(params: Partial<DecisionTreeClassifierParams> = {}) {
    this.params = { ...DEFAULTS, criterion: 'gini', ...params };
  }

  fit(X: Matrix, y: Target, opts?: FitOptions): DecisionTreeState {
    const p = this.params;
    validateTreeParams(p);
    if (p.criterion !== 'gini' && p.criterion !== 'entropy') throw new Error(`criterion must be gini or entropy, got ${String(p.criterion)}`);
    checkFitData(this.kind, X, y);
    const k = checkClassTarget(this.kind, y);
    validateExactParams(p);
    const tree = buildExactCart(float32Columns(X), y.values, {
      criterion: p.criterion,
      nClasses: k,
      maxDepth: p.max_depth ?? Infinity,
      minSamplesSplit: p.min_samples_split,
      minSamplesLeaf: p.min_samples_leaf,
      maxFeatures: resolveMaxFeatures(p.max_features, X.columns.length),
      randomState: p.random_state,
    });
    opts?.progress?.(1, 'tree built');
    return { kind: this.kind, nFeatures: X.columns.length, featureNames: [...X.names], classes: classesOf(y, k), tree };
  }

  predictProba(state: DecisionTreeState, X: Matrix): Float64Array[] {
    checkPredictX(state.nFeatures, X);
    const t = compileTree(state.tree);
    const leaves = applyTree(t, X.columns, X.rows);
    const k = t.nOutputs;
    const out = Array.from({ length: k }, () => new Float64Array(X.rows));
    for (let i = 0; i < X.rows; i++) for (let c = 0; c < k; c++) out[c][i] = t.value[leaves[i] * k + c];
    return out;
  }

  predict(state: DecisionTreeState, X: Matrix): Float64Array {
    return argmaxColumns(this.predictProba(state, X), X.rows);
  }
}

export class DecisionTreeRegressor implements Estimator<DecisionTreeState> {
  readonly kind = 'DecisionTreeRegressor';
  readonly task = 'regression' as const;
  readonly params: DecisionTreeRegressorParams;

  constructor(params: Partial<DecisionTreeRegressorParams> = {}) {
    this.params = { ...DEFAULTS, criterion: 'squared_error', ...params };
  }

  fit(X: Matrix, y: Target, opts?: FitOptions): DecisionTreeState {
    const p = this.params;
    validateTreeParams(p);
    if (p.criterion !== 'squared_error') throw new Error(`criterion must be squared_error, got ${String(p.criterion)}`);
    checkFitData(this.kind, X, y);
    checkRegressionTarget(this.kind, y);
    validateExactParams(p);
    const tree = buildExactCart(float32Columns(X), y.values, {
      criterion: 'squared_error',
      nClasses: 0,
      maxDepth: p.max_depth ?? Infinity,
      minSamplesSplit: p.min_samples_split,
      minSamplesLeaf: p.min_samples_leaf,
      maxFeatures: resolveMaxFeatures(p.max_features, X.columns.length),
      randomState: p.random_state,
    });
    opts?.progress?.(1, 'tree built');
    return { kind: this.kind, nFeatures: X.columns.length, featureNames: [...X.names], tree };
  }

  predict(state: DecisionTreeState, X: Matrix): Float64Array {
    checkPredictX(state.nFeatures, X);
    const t = compileTree(state.tree);
    const leaves = applyTree(t, X.columns, X.rows);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = t.value[leaves[i]];
    return out;
  }
}

/**
 * DecisionTreeClassifier / DecisionTreeRegressor with scikit-learn's parameter names and defaults,
 * built on histogram-binned features (see cart.ts for how thresholds relate to exact CART: they are
 * the midpoints between distinct values, hence exact CART, whenever a feature has <= 255 distinct
 * values; otherwise the split candidates are quantile bin edges).
 *
 * `random_state` defaults to 0 (not None) so a fit is deterministic; it drives the feature order
 * per node (scikit-learn shuffles features even with max_features=None, which decides ties).
 */

import { seededRandom, type Estimator, type FitOptions, type Matrix, type Target } from '../../estimator.js';
import { binMatrix } from './binning.js';
import { applyTree, buildCart, compileTree, resolveMaxFeatures, validateTreeParams, type MaxFeatures, type TreeState } from './cart.js';

export interface DecisionTreeParams {
  readonly max_depth: number | null;
  readonly min_samples_split: number;
  readonly min_samples_leaf: number;
  readonly max_features: MaxFeatures;
  readonly random_state: number;
  /**
   * Not a scikit-learn parameter: bins per feature (2..65535, default 255). Features with at most
   * this many distinct training values are split exactly as scikit-learn's CART; more distinct
   * values are binned on quantiles. Above 255, codes take two bytes (slower, more memory).
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
    const k = classCount(X, y);
    const binned = binMatrix(X, p.max_bins);
    const rows = new Uint32Array(X.rows).map((_, i) => i);
    const tree = buildCart(binned, y.values, new Float64Array(X.rows).fill(1), rows, {
      criterion: p.criterion,
      nClasses: k,
      maxDepth: p.max_depth ?? Infinity,
      minSamplesSplit: p.min_samples_split,
      minSamplesLeaf: p.min_samples_leaf,
      maxFeatures: resolveMaxFeatures(p.max_features, X.columns.length),
      rng: seededRandom(p.random_state),
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
    checkXy(X, y);
    const binned = binMatrix(X, p.max_bins);
    const rows = new Uint32Array(X.rows).map((_, i) => i);
    const tree = buildCart(binned, y.values, new Float64Array(X.rows).fill(1), rows, {
      criterion: 'squared_error',
      nClasses: 0,
      maxDepth: p.max_depth ?? Infinity,
      minSamplesSplit: p.min_samples_split,
      minSamplesLeaf: p.min_samples_leaf,
      maxFeatures: resolveMaxFeatures(p.max_features, X.columns.length),
      rng: seededRandom(p.random_state),
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

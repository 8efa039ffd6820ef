/**
 * RandomForestClassifier / RandomForestRegressor, scikit-learn's parameters and defaults
 * (max_features 'sqrt' for classification, 1.0 for regression as in scikit-learn >= 1.1).
 *
 * Features are binned once for the whole forest; each tree is a CART tree (cart.ts) on a bootstrap
 * sample expressed as per-row counts (weights), as scikit-learn does. Classifier probabilities are
 * the mean of the trees' leaf class distributions. Progress reports trees built. Each tree gets its
 * own seed drawn from `random_state`'s generator, so `fitParallel` (trees spread over the worker
 * pool, see RunContext.parallel) builds exactly the forest `fit` builds.
 */

import { seededRandom, type Estimator, type FitOptions, type Matrix, type ParallelFitOptions, type Target } from '../../estimator.js';
import { binMatrix, type Binned } from './binning.js';
import { applyTree, buildCart, compileTree, resolveMaxFeatures, validateTreeParams, type CartOptions, type MaxFeatures, type TreeState } from './cart.js';
import { checkClassTarget, checkFitData, checkRegressionTarget } from '../validate.js';
import { argmaxColumns, checkPredictX, classesOf } from './decision-tree.js';

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

/** Everything one tree of a forest needs: sent once to each worker that helps build the forest. */
export interface ForestPlan {
  readonly binned: Binned;
  readonly y: Float64Array;
  /** One seed per tree, drawn from random_state: tree t is the same whichever worker builds it. */
  readonly seeds: readonly number[];
  readonly bootstrap: boolean;
  readonly cart: Omit<CartOptions, 'rng'>;
}

/** The name under which fitForestTree is registered as a parallel task (nodes/runners.ts). */
export const FOREST_TREE_TASK = 'forest/tree';

function planForest(p: RandomForestParams, f: ForestFit, X: Matrix, y: Float64Array): ForestPlan {
  validateTreeParams(p);
  if (!(Number.isInteger(p.n_estimators) && p.n_estimators >= 1)) throw new Error(`n_estimators must be an integer >= 1, got ${p.n_estimators}`);
  const forestRng = seededRandom(p.random_state);
  return {
    binned: binMatrix(X, p.max_bins),
    y,
    seeds: Array.from({ length: p.n_estimators }, () => Math.floor(forestRng() * 4294967296)),
    bootstrap: p.bootstrap,
    cart: {
      criterion: f.criterion,
      nClasses: f.nClasses,
      maxDepth: p.max_depth ?? Infinity,
      minSamplesSplit: p.min_samples_split,
      minSamplesLeaf: p.min_samples_leaf,
      maxFeatures: resolveMaxFeatures(p.max_features, X.columns.length),
    },
  };
}

/** Tree t of a planned forest, on its own bootstrap sample (as per-row counts) and generator. A parallel task. */
export function fitForestTree(plan: ForestPlan, t: number): TreeState {
  const n = plan.binned.rows;
  const rng = seededRandom(plan.seeds[t]);
  const weights = new Float64Array(n);
  const rows = new Uint32Array(n);
  let m = 0;
  if (plan.bootstrap) {
    for (let i = 0; i < n; i++) weights[Math.floor(rng() * n)] += 1;
    for (let i = 0; i < n; i++) if (weights[i] > 0) rows[m++] = i;
  } else {
    weights.fill(1);
    for (let i = 0; i < n; i++) rows[m++] = i;
  }
  return buildCart(plan.binned, plan.y, weights, rows.subarray(0, m), { ...plan.cart, rng });
}

const treesBuilt = (opts: FitOptions | undefined, done: number, total: number): void => opts?.progress?.(done / total, `${done}/${total} trees built`);

function fitForest(plan: ForestPlan, opts?: FitOptions): TreeState[] {
  return plan.seeds.map((_, t) => {
    const tree = fitForestTree(plan, t);
    treesBuilt(opts, t + 1, plan.seeds.length);
    return tree;
  });
}

function fitForestParallel(plan: ForestPlan, opts: ParallelFitOptions): Promise<TreeState[]> {
  const trees = plan.seeds.map((_, t) => t);
  return opts.parallel<number, TreeState>(FOREST_TREE_TASK, plan, trees, (done, total) => treesBuilt(opts, done, total));
}

export class RandomForestClassifier implements Estimator<RandomForestState> {
  readonly kind = 'RandomForestClassifier';
  readonly task = 'classification' as const;
  readonly params: RandomForestClassifierParams;

  constructor(params: Partial<RandomForestClassifierParams> = {}) {
    this.params = { ...BASE, max_features: 'sqrt', criterion: 'gini', ...params };
  }

  fit(X: Matrix, y: Target, opts?: FitOptions): RandomForestState {
    const { plan, finish } = this.prepare(X, y);
    return finish(fitForest(plan, opts));
  }

  /** As fit, with the trees built across the pool's idle workers: the same forest, sooner. */
  async fitParallel(X: Matrix, y: Target, opts: ParallelFitOptions): Promise<RandomForestState> {
    const { plan, finish } = this.prepare(X, y);
    return finish(await fitForestParallel(plan, opts));
  }

  private prepare(X: Matrix, y: Target): { plan: ForestPlan; finish: (trees: TreeState[]) => RandomForestState } {
    if (this.params.criterion !== 'gini' && this.params.criterion !== 'entropy') throw new Error(`criterion must be gini or entropy, got ${String(this.params.criterion)}`);
    checkFitData(this.kind, X, y);
    const k = checkClassTarget(this.kind, y);
    const plan = planForest(this.params, { criterion: this.params.criterion, nClasses: k }, X, y.values);
    return { plan, finish: (trees) => ({ kind: this.kind, nFeatures: X.columns.length, featureNames: [...X.names], classes: classesOf(y, k), trees }) };
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
    const { plan, finish } = this.prepare(X, y);
    return finish(fitForest(plan, opts));
  }

  /** As fit, with the trees built across the pool's idle workers: the same forest, sooner. */
  async fitParallel(X: Matrix, y: Target, opts: ParallelFitOptions): Promise<RandomForestState> {
    const { plan, finish } = this.prepare(X, y);
    return finish(await fitForestParallel(plan, opts));
  }

  private prepare(X: Matrix, y: Target): { plan: ForestPlan; finish: (trees: TreeState[]) => RandomForestState } {
    if (this.params.criterion !== 'squared_error') throw new Error(`criterion must be squared_error, got ${String(this.params.criterion)}`);
    checkFitData(this.kind, X, y);
    checkRegressionTarget(this.kind, y);
    const plan = planForest(this.params, { criterion: 'squared_error', nClasses: 0 }, X, y.values);
    return { plan, finish: (trees) => ({ kind: this.kind, nFeatures: X.columns.length, featureNames: [...X.names], trees }) };
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

/**
 * HistGradientBoostingClassifier (log-loss; binary: one tree per iteration, multiclass: one tree
 * per class per iteration) and HistGradientBoostingRegressor (squared_error), after
 * scikit-learn's: features binned once (binning.ts, max_bins <= 255), gradient/hessian histograms
 * per node with the subtraction trick (the larger child's histogram = parent - smaller child's),
 * best-first growth by gain up to max_leaf_nodes, leaf values -G/(H + l2) shrunk by learning_rate,
 * and thresholds on bin edges (midpoints between distinct values, quantiles beyond 255 of them).
 *
 * Early stopping ('auto': on when n > 10000) holds out validation_fraction of the rows
 * (stratified for classification; the rows differ from scikit-learn's, the procedure is the same),
 * scores the validation loss after each iteration and stops when none of the last
 * n_iter_no_change scores improved on the one before them by more than tol. All iterations built
 * are kept (as scikit-learn does).
 */

import { seededRandom, type Estimator, type FitOptions, type Matrix, type Target } from '../../estimator.js';
import { binMatrix, gather, type Binned } from './binning.js';
import { applyTree, compileTree, type TreeState } from './cart.js';
import { checkClassTarget, checkFitData, checkRegressionTarget } from '../validate.js';
import { checkPredictX, classesOf } from './decision-tree.js';

export interface HistGradientBoostingParams {
  readonly learning_rate: number;
  readonly max_iter: number;
  readonly max_leaf_nodes: number | null;
  readonly max_depth: number | null;
  readonly min_samples_leaf: number;
  readonly l2_regularization: number;
  readonly max_bins: number;
  readonly early_stopping: 'auto' | boolean;
  readonly validation_fraction: number;
  readonly n_iter_no_change: number;
  readonly tol: number;
  readonly random_state: number;
}

export interface HistGradientBoostingState {
  readonly kind: 'HistGradientBoostingClassifier' | 'HistGradientBoostingRegressor';
  readonly nFeatures: number;
  readonly featureNames: string[];
  readonly classes?: string[];
  /** Raw prediction before any tree, one per tree-per-iteration. */
  readonly baseline: number[];
  readonly nTreesPerIteration: number;
  /** Iterations built (scikit-learn's n_iter_). */
  readonly nIter: number;
  /** Trees in iteration-major order: trees[iter * nTreesPerIteration + k]; leaf values include the learning rate. */
  readonly trees: TreeState[];
  /** Validation scores (negative loss) per iteration when early stopping was on, baseline first. */
  readonly validationScores?: number[];
}

const DEFAULTS: HistGradientBoostingParams = {
  learning_rate: 0.1,
  max_iter: 100,
  max_leaf_nodes: 31,
  max_depth: null,
  min_samples_leaf: 20,
  l2_regularization: 0,
  max_bins: 255,
  early_stopping: 'auto',
  validation_fraction: 0.1,
  n_iter_no_change: 10,
  tol: 1e-7,
  random_state: 0,
};

const MIN_HESSIAN_TO_SPLIT = 1e-3;
const EPS = 2.220446049250313e-16;

function validate(p: HistGradientBoostingParams): void {
  const bad = (name: string, v: unknown): never => {
    throw new Error(`invalid ${name}: ${String(v)}`);
  };
  if (!(p.learning_rate > 0)) bad('learning_rate', p.learning_rate);
  if (!(Number.isInteger(p.max_iter) && p.max_iter >= 1)) bad('max_iter', p.max_iter);
  if (p.max_leaf_nodes !== null && !(Number.isInteger(p.max_leaf_nodes) && p.max_leaf_nodes >= 2)) bad('max_leaf_nodes', p.max_leaf_nodes);
  if (p.max_depth !== null && !(Number.isInteger(p.max_depth) && p.max_depth >= 1)) bad('max_depth', p.max_depth);
  if (!(Number.isInteger(p.min_samples_leaf) && p.min_samples_leaf >= 1)) bad('min_samples_leaf', p.min_samples_leaf);
  if (!(p.l2_regularization >= 0)) bad('l2_regularization', p.l2_regularization);
  if (!(Number.isInteger(p.max_bins) && p.max_bins >= 2 && p.max_bins <= 255)) bad('max_bins', p.max_bins);
  if (!(p.early_stopping === 'auto' || p.early_stopping === true || p.early_stopping === false)) bad('early_stopping', p.early_stopping);
  if (!(p.validation_fraction > 0 && p.validation_fraction < 1)) bad('validation_fraction', p.validation_fraction);
  if (!(Number.isInteger(p.n_iter_no_change) && p.n_iter_no_change >= 1)) bad('n_iter_no_change', p.n_iter_no_change);
  if (!(p.tol >= 0)) bad('tol', p.tol);
}

interface GrowOptions {
  readonly maxLeafNodes: number;
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly l2: number;
  readonly learningRate: number;
}

interface GrowNode {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly G: number;
  readonly H: number;
  hist: Float64Array | null;
  gain: number;
  feature: number;
  bin: number;
  GL: number;
  HL: number;
}

/** Builds boosting trees on one binned training set, reusing scratch memory across trees. */
class Grower {
  private readonly pool: Float64Array[] = [];
  private readonly histSize: number;
  private readonly og: Float64Array;
  private readonly oh: Float64Array;

  constructor(
    private readonly binned: Binned,
    private readonly o: GrowOptions,
  ) {
    this.histSize = binned.codes.length * 256 * 3;
    this.og = new Float64Array(binned.rows);
    this.oh = new Float64Array(binned.rows);
  }

  /** Grows one tree; adds its leaf values to `raw` for the training rows; reorders `rows`. */
  grow(g: Float64Array, h: Float64Array, rows: Uint32Array, raw: Float64Array): TreeState {
    const { o } = this;
    const feature: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const leaves: GrowNode[] = [];
    const newNode = (start: number, end: number, depth: number, G: number, H: number): GrowNode => {
      const id = feature.length;
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      value.push((-G / (H + o.l2 + 1e-15)) * o.learningRate);
      return { id, start, end, depth, G, H, hist: null, gain: 0, feature: -1, bin: -1, GL: 0, HL: 0 };
    };
    const canSplit = (nd: GrowNode): boolean => nd.depth < o.maxDepth && nd.end - nd.start >= 2 * o.minSamplesLeaf && nd.H >= MIN_HESSIAN_TO_SPLIT;

    let G = 0;
    let H = 0;
    for (let i = 0; i < rows.length; i++) {
      G += g[rows[i]];
      H += h[rows[i]];
    }
    const root = newNode(0, rows.length, 0, G, H);
    const splittable: GrowNode[] = [];
    if (canSplit(root)) {
      root.hist = this.take();
      this.buildHist(root, g, h, rows);
      this.findSplit(root);
      if (root.feature >= 0) splittable.push(root);
      else this.release(root);
    }
    if (root.feature < 0) leaves.push(root);
    let nLeaves = 1;
    while (splittable.length > 0 && nLeaves < o.maxLeafNodes) {
      let bi = 0;
      for (let i = 1; i < splittable.length; i++) if (splittable[i].gain > splittable[bi].gain) bi = i;
      const nd = splittable[bi];
      splittable[bi] = splittable[splittable.length - 1];
      splittable.pop();

      // Partition rows[start, end) on bin <= nd.bin.
      const codes = this.binned.codes[nd.feature];
      let i = nd.start;
      let j = nd.end - 1;
      while (i <= j) {
        if (codes[rows[i]] <= nd.bin) i++;
        else {
          const t = rows[i];
          rows[i] = rows[j];
          rows[j] = t;
          j--;
        }
      }
      const l = newNode(nd.start, i, nd.depth + 1, nd.GL, nd.HL);
      const r = newNode(i, nd.end, nd.depth + 1, nd.G - nd.GL, nd.H - nd.HL);
      feature[nd.id] = nd.feature;
      threshold[nd.id] = this.binned.edges[nd.feature][nd.bin];
      left[nd.id] = l.id;
      right[nd.id] = r.id;
      nLeaves++;

      const lSplit = canSplit(l);
      const rSplit = canSplit(r);
      if ((lSplit || rSplit) && nLeaves < o.maxLeafNodes) {
        // Subtraction trick: build the smaller child, the larger one is parent - smaller.
        const [small, large] = l.end - l.start <= r.end - r.start ? [l, r] : [r, l];
        small.hist = this.take();
        this.buildHist(small, g, h, rows);
        const ph = nd.hist!;
        const sh = small.hist;
        for (let k = 0; k < ph.length; k++) ph[k] -= sh[k];
        large.hist = ph;
        nd.hist = null;
        for (const c of [l, r]) {
          if (canSplit(c)) this.findSplit(c);
          if (c.feature >= 0) splittable.push(c);
          else {
            this.release(c);
            leaves.push(c);
          }
        }
      } else {
        this.release(nd);
        leaves.push(l, r);
      }
    }
    // Whatever is still splittable when max_leaf_nodes is reached becomes a leaf.
    for (const nd of splittable) {
      this.release(nd);
      leaves.push(nd);
    }
    for (const lf of leaves) {
      const v = value[lf.id];
      for (let k = lf.start; k < lf.end; k++) raw[rows[k]] += v;
    }
    return { feature, threshold, left, right, value, nOutputs: 1 };
  }

  private take(): Float64Array {
    const b = this.pool.pop();
    if (b) {
      b.fill(0);
      return b;
    }
    return new Float64Array(this.histSize);
  }

  private release(nd: GrowNode): void {
    if (nd.hist) this.pool.push(nd.hist);
    nd.hist = null;
  }

  private buildHist(nd: GrowNode, g: Float64Array, h: Float64Array, rows: Uint32Array): void {
    const { og, oh } = this;
    const n = nd.end - nd.start;
    for (let i = 0; i < n; i++) {
      const r = rows[nd.start + i];
      og[i] = g[r];
      oh[i] = h[r];
    }
    const hist = nd.hist!;
    const nf = this.binned.codes.length;
    for (let f = 0; f < nf; f++) {
      const codes = this.binned.codes[f];
      const base = f * 768;
      for (let i = 0; i < n; i++) {
        const idx = base + codes[rows[nd.start + i]] * 3;
        hist[idx] += og[i];
        hist[idx + 1] += oh[i];
        hist[idx + 2] += 1;
      }
    }
  }

  private findSplit(nd: GrowNode): void {
    const { o } = this;
    const hist = nd.hist!;
    const n = nd.end - nd.start;
    const l2 = o.l2;
    const parentLoss = (nd.G * nd.G) / (nd.H + l2);
    let bestGain = 0; // scikit-learn: gain must exceed min_gain_to_split = 0
    nd.feature = -1;
    const nf = this.binned.codes.length;
    for (let f = 0; f < nf; f++) {
      const base = f * 768;
      const nb = this.binned.nBins[f];
      let GL = 0;
      let HL = 0;
      let nL = 0;
      for (let b = 0; b < nb - 1; b++) {
        const idx = base + b * 3;
        GL += hist[idx];
        HL += hist[idx + 1];
        nL += hist[idx + 2];
        if (nL < o.minSamplesLeaf) continue;
        if (n - nL < o.minSamplesLeaf) break;
        if (HL < MIN_HESSIAN_TO_SPLIT) continue;
        const HR = nd.H - HL;
        if (HR < MIN_HESSIAN_TO_SPLIT) break;
        const GR = nd.G - GL;
        const gain = (GL * GL) / (HL + l2) + (GR * GR) / (HR + l2) - parentLoss;
        if (gain > bestGain) {
          bestGain = gain;
          nd.feature = f;
          nd.bin = b;
          nd.GL = GL;
          nd.HL = HL;
        }
      }
    }
    nd.gain = bestGain;
  }
}

type LossKind = 'squared_error' | 'binary' | 'multiclass';

/** Shared boosting loop. `y` holds values (regression) or class codes. */
function boost(p: HistGradientBoostingParams, loss: LossKind, nClasses: number, X: Matrix, y: Float64Array, opts?: FitOptions) {
  validate(p);
  const n = X.rows;
  const K = loss === 'multiclass' ? nClasses : 1;
  const rng = seededRandom(p.random_state);
  const earlyStopping = p.early_stopping === 'auto' ? n > 10000 : p.early_stopping;

  // Train / validation rows.
  let trainIdx: Uint32Array;
  let valIdx: Uint32Array | null = null;
  if (earlyStopping) {
    const isVal = new Uint8Array(n);
    const groups: number[][] = loss === 'squared_error' ? [Array.from({ length: n }, (_, i) => i)] : Array.from({ length: nClasses }, () => []);
    if (loss !== 'squared_error') for (let i = 0; i < n; i++) groups[y[i]].push(i);
    for (const grp of groups) {
      for (let i = grp.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        const t = grp[i];
        grp[i] = grp[j];
        grp[j] = t;
      }
      const nv = Math.round(grp.length * p.validation_fraction);
      for (let i = 0; i < nv; i++) isVal[grp[i]] = 1;
    }
    const tr: number[] = [];
    const va: number[] = [];
    for (let i = 0; i < n; i++) (isVal[i] ? va : tr).push(i);
    if (tr.length === 0 || va.length === 0) throw new Error('too few rows for early stopping: set early_stopping to false');
    trainIdx = Uint32Array.from(tr);
    valIdx = Uint32Array.from(va);
  } else {
    trainIdx = new Uint32Array(n).map((_, i) => i);
  }
  const nTrain = trainIdx.length;
  // Edges from at most 200k rows (scikit-learn's subsample), codes for every training row.
  let edgeRows: Uint32Array | undefined;
  if (nTrain > 200_000) {
    const pick = Uint32Array.from(trainIdx);
    for (let i = 0; i < 200_000; i++) {
      const j = i + Math.floor(rng() * (nTrain - i));
      const t = pick[i];
      pick[i] = pick[j];
      pick[j] = t;
    }
    edgeRows = pick.subarray(0, 200_000).sort();
  }
  const binned = binMatrix(X, p.max_bins, trainIdx, edgeRows);
  const yTrain = gather(y, trainIdx);

  // Baseline raw predictions.
  const baseline: number[] = [];
  if (loss === 'squared_error') {
    let s = 0;
    for (let i = 0; i < nTrain; i++) s += yTrain[i];
    baseline.push(s / nTrain);
  } else {
    const counts = new Float64Array(nClasses);
    for (let i = 0; i < nTrain; i++) counts[yTrain[i]]++;
    const prior = Array.from(counts, (c) => Math.min(Math.max(c / nTrain, EPS), 1 - EPS));
    if (loss === 'binary') baseline.push(Math.log(prior[1] / prior[0]));
    else {
      const logs = prior.map(Math.log);
      const mean = logs.reduce((a, b) => a + b, 0) / K;
      for (const l of logs) baseline.push(l - mean);
    }
  }
  const raw = Array.from({ length: K }, (_, k) => new Float64Array(nTrain).fill(baseline[k]));
  const g = Array.from({ length: K }, () => new Float64Array(nTrain));
  const h = Array.from({ length: K }, () => new Float64Array(nTrain));
  const rows = new Uint32Array(nTrain).map((_, i) => i);
  const grower = new Grower(binned, {
    maxLeafNodes: p.max_leaf_nodes ?? Infinity,
    maxDepth: p.max_depth ?? Infinity,
    minSamplesLeaf: p.min_samples_leaf,
    l2: p.l2_regularization,
    learningRate: p.learning_rate,
  });

  // Validation set (raw feature values: thresholds are bin edges, so x <= edge <=> bin <= b).
  const valCols = valIdx ? X.columns.map((c) => gather(c, valIdx)) : [];
  const nVal = valIdx ? valIdx.length : 0;
  const yVal = valIdx ? gather(y, valIdx) : new Float64Array(0);
  const rawVal = Array.from({ length: K }, (_, k) => new Float64Array(nVal).fill(baseline[k]));
  const leaves = new Int32Array(nVal);
  const scores: number[] = [];
  if (valIdx) scores.push(-lossOf(loss, rawVal, yVal));

  const trees: TreeState[] = [];
  let nIter = 0;
  for (let it = 0; it < p.max_iter; it++) {
    gradients(loss, raw, yTrain, g, h);
    for (let k = 0; k < K; k++) {
      const tree = grower.grow(g[k], h[k], rows, raw[k]);
      trees.push(tree);
      if (valIdx) {
        const t = compileTree(tree);
        applyTree(t, valCols, nVal, leaves);
        const rv = rawVal[k];
        for (let i = 0; i < nVal; i++) rv[i] += t.value[leaves[i]];
      }
    }
    nIter++;
    opts?.progress?.(nIter / p.max_iter, `${nIter}/${p.max_iter} iterations`);
    if (valIdx) {
      scores.push(-lossOf(loss, rawVal, yVal));
      if (shouldStop(scores, p.n_iter_no_change, p.tol)) break;
    }
  }
  opts?.progress?.(1, `${nIter} iterations`);
  return { baseline, nTreesPerIteration: K, nIter, trees, ...(valIdx ? { validationScores: scores } : {}) };
}

function shouldStop(scores: number[], nNoChange: number, tol: number): boolean {
  if (scores.length <= nNoChange) return false;
  const reference = scores[scores.length - nNoChange - 1] + tol;
  for (let i = scores.length - nNoChange; i < scores.length; i++) if (scores[i] > reference) return false;
  return true;
}

function sigmoid(r: number): number {
  if (r >= 0) return 1 / (1 + Math.exp(-r));
  const e = Math.exp(r);
  return e / (1 + e);
}

function gradients(loss: LossKind, raw: Float64Array[], y: Float64Array, g: Float64Array[], h: Float64Array[]): void {
  const n = y.length;
  if (loss === 'squared_error') {
    const r = raw[0];
    const g0 = g[0];
    for (let i = 0; i < n; i++) g0[i] = r[i] - y[i];
    h[0].fill(1);
  } else if (loss === 'binary') {
    const r = raw[0];
    for (let i = 0; i < n; i++) {
      const pr = sigmoid(r[i]);
      g[0][i] = pr - y[i];
      h[0][i] = pr * (1 - pr);
    }
  } else {
    const K = raw.length;
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) if (raw[k][i] > mx) mx = raw[k][i];
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(raw[k][i] - mx);
      for (let k = 0; k < K; k++) {
        const pr = Math.exp(raw[k][i] - mx) / s;
        g[k][i] = pr - (y[i] === k ? 1 : 0);
        h[k][i] = pr * (1 - pr);
      }
    }
  }
}

/** Mean loss, scikit-learn's half losses (half squared error, binomial / multinomial log-loss). */
function lossOf(loss: LossKind, raw: Float64Array[], y: Float64Array): number {
  const n = y.length;
  let s = 0;
  if (loss === 'squared_error') {
    for (let i = 0; i < n; i++) s += 0.5 * (y[i] - raw[0][i]) ** 2;
  } else if (loss === 'binary') {
    for (let i = 0; i < n; i++) {
      const r = raw[0][i];
      s += (r > 0 ? r + Math.log1p(Math.exp(-r)) : Math.log1p(Math.exp(r))) - y[i] * r;
    }
  } else {
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (const rk of raw) if (rk[i] > mx) mx = rk[i];
      let e = 0;
      for (const rk of raw) e += Math.exp(rk[i] - mx);
      s += mx + Math.log(e) - raw[y[i]][i];
    }
  }
  return s / n;
}

function rawPredict(state: HistGradientBoostingState, X: Matrix): Float64Array[] {
  checkPredictX(state.nFeatures, X);
  const K = state.nTreesPerIteration;
  const raw = Array.from({ length: K }, (_, k) => new Float64Array(X.rows).fill(state.baseline[k]));
  const leaves = new Int32Array(X.rows);
  state.trees.forEach((ts, idx) => {
    const t = compileTree(ts);
    applyTree(t, X.columns, X.rows, leaves);
    const r = raw[idx % K];
    for (let i = 0; i < X.rows; i++) r[i] += t.value[leaves[i]];
  });
  return raw;
}

export class HistGradientBoostingClassifier implements Estimator<HistGradientBoostingState> {
  readonly kind = 'HistGradientBoostingClassifier';
  readonly task = 'classification' as const;
  readonly params: HistGradientBoostingParams;

  constructor(params: Partial<HistGradientBoostingParams> = {}) {
    this.params = { ...DEFAULTS, ...params };
  }

  fit(X: Matrix, y: Target, opts?: FitOptions): HistGradientBoostingState {
    checkFitData(this.kind, X, y);
    const k = checkClassTarget(this.kind, y);
    const fitted = boost(this.params, k === 2 ? 'binary' : 'multiclass', k, X, y.values, opts);
    return { kind: this.kind, nFeatures: X.columns.length, featureNames: [...X.names], classes: classesOf(y, k), ...fitted };
  }

  predictProba(state: HistGradientBoostingState, X: Matrix): Float64Array[] {
    const raw = rawPredict(state, X);
    if (raw.length === 1) {
      const p1 = raw[0].map(sigmoid);
      return [p1.map((v) => 1 - v), p1];
    }
    const K = raw.length;
    const out = Array.from({ length: K }, () => new Float64Array(X.rows));
    for (let i = 0; i < X.rows; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) if (raw[k][i] > mx) mx = raw[k][i];
      let s = 0;
      for (let k = 0; k < K; k++) s += out[k][i] = Math.exp(raw[k][i] - mx);
      for (let k = 0; k < K; k++) out[k][i] /= s;
    }
    return out;
  }

  predict(state: HistGradientBoostingState, X: Matrix): Float64Array {
    const raw = rawPredict(state, X);
    const out = new Float64Array(X.rows);
    if (raw.length === 1) {
      for (let i = 0; i < X.rows; i++) out[i] = raw[0][i] > 0 ? 1 : 0;
      return out;
    }
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let k = 1; k < raw.length; k++) if (raw[k][i] > raw[best][i]) best = k;
      out[i] = best;
    }
    return out;
  }
}

export class HistGradientBoostingRegressor implements Estimator<HistGradientBoostingState> {
  readonly kind = 'HistGradientBoostingRegressor';
  readonly task = 'regression' as const;
  readonly params: HistGradientBoostingParams;

  constructor(params: Partial<HistGradientBoostingParams> = {}) {
    this.params = { ...DEFAULTS, ...params };
  }

  fit(X: Matrix, y: Target, opts?: FitOptions): HistGradientBoostingState {
    checkFitData(this.kind, X, y);
    checkRegressionTarget(this.kind, y);
    const fitted = boost(this.params, 'squared_error', 0, X, y.values, opts);
    return { kind: this.kind, nFeatures: X.columns.length, featureNames: [...X.names], ...fitted };
  }

  predict(state: HistGradientBoostingState, X: Matrix): Float64Array {
    return rawPredict(state, X)[0];
  }
}

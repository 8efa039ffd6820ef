/**
 * CART tree building on pre-binned features (shared by DecisionTree* and RandomForest*).
 *
 * Iterative (an explicit stack), one index array partitioned in place, per-node histograms over
 * bin codes. Split candidates are the boundaries between the bins present in the node; the stored
 * threshold is the midpoint between the largest training value of the last bin on the left and the
 * smallest training value of the first bin on the right (scikit-learn's midpoint rule). When a
 * feature has at most `max_bins` (255) distinct values each bin holds one value, so the candidate
 * splits and thresholds are exactly those of scikit-learn's exact CART; with more distinct values
 * the candidates are the quantile bin edges (HistGradientBoosting-style approximation).
 *
 * Impurity: gini / entropy (classification, weighted class counts), squared error (regression).
 * Ties between equally good splits are broken by the (seeded, shuffled) feature order and then
 * the lowest bin, so results are deterministic but can differ from scikit-learn on exact ties.
 * DecisionTree* do not use this path: they replay scikit-learn exactly (exact-splitter.ts); forests
 * keep it because sorting every node's rows per feature is too slow for them on large data.
 */

import type { Binned } from './binning.js';

export type Criterion = 'gini' | 'entropy' | 'squared_error';
export type MaxFeatures = null | 'sqrt' | 'log2' | number;

/** Flat fitted tree: node i is a leaf when feature[i] === -1. */
export interface TreeState {
  readonly feature: number[];
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  /** Per node: class probabilities (nOutputs per node, flattened) or the regression mean. */
  readonly value: number[];
  /** Values per node: the number of classes, or 1 for regression. */
  readonly nOutputs: number;
  /**
   * Features are compared as float32, as scikit-learn casts X before fitting and predicting
   * (trees from exact-splitter.ts). Absent in trees fitted on float64 bins, and in older states.
   */
  readonly float32Input?: boolean;
}

export interface CartOptions {
  readonly criterion: Criterion;
  /** Number of classes (classification) or 0 (regression). */
  readonly nClasses: number;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Number of features to examine per node (resolved from max_features). */
  readonly maxFeatures: number;
  readonly rng: () => number;
}

/** scikit-learn's resolution of max_features: null -> all, 'sqrt', 'log2', fraction (0,1] or a count > 1. */
export function resolveMaxFeatures(maxFeatures: MaxFeatures, nFeatures: number): number {
  let m: number;
  if (maxFeatures === null) m = nFeatures;
  else if (maxFeatures === 'sqrt') m = Math.floor(Math.sqrt(nFeatures));
  else if (maxFeatures === 'log2') m = Math.floor(Math.log2(nFeatures));
  else if (typeof maxFeatures === 'number' && maxFeatures > 0 && maxFeatures <= 1) m = Math.floor(maxFeatures * nFeatures);
  else if (typeof maxFeatures === 'number' && Number.isInteger(maxFeatures) && maxFeatures > 1) m = Math.min(maxFeatures, nFeatures);
  else throw new Error(`invalid max_features: ${String(maxFeatures)}`);
  return Math.max(1, m);
}

export function validateTreeParams(p: { max_depth: number | null; min_samples_split: number; min_samples_leaf: number }): void {
  if (p.max_depth !== null && !(Number.isInteger(p.max_depth) && p.max_depth >= 1)) throw new Error(`max_depth must be null or an integer >= 1, got ${p.max_depth}`);
  if (!(Number.isInteger(p.min_samples_split) && p.min_samples_split >= 2)) throw new Error(`min_samples_split must be an integer >= 2, got ${p.min_samples_split}`);
  if (!(Number.isInteger(p.min_samples_leaf) && p.min_samples_leaf >= 1)) throw new Error(`min_samples_leaf must be an integer >= 1, got ${p.min_samples_leaf}`);
}

/**
 * Builds one tree on `rows` (indices into the binned data, at least one), with per-row `weights`
 * (bootstrap counts; ones for a plain tree). `rows` is reordered in place.
 */
export function buildCart(binned: Binned, y: Float64Array, weights: Float64Array, rows: Uint32Array, o: CartOptions): TreeState {
  const classification = o.criterion !== 'squared_error';
  const k = classification ? o.nClasses : 1;
  const yc = classification ? Int32Array.from(y) : new Int32Array(0);
  const nFeatures = binned.codes.length;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];

  // Scratch, reused by every node.
  const B = Math.max(...binned.nBins);
  const histW = new Float64Array(B * Math.max(k, 1)); // classification: weight per (bin, class)
  const histS = new Float64Array(B); // regression: sum of w*y per bin
  const histWt = new Float64Array(B); // regression: sum of w per bin
  const histN = new Int32Array(B); // rows per bin (min_samples_leaf counts rows, as scikit-learn)
  const touched = B <= 256 ? new Uint8Array(B) : new Uint16Array(B);
  const nodeW = new Float64Array(k);
  const leftW = new Float64Array(k);
  const featOrder = new Int32Array(nFeatures);
  const entropyTerm = (c: number, t: number): number => (c > 0 ? c * Math.log(c / t) : 0);

  // Stack of pending nodes: start, end, depth, node id.
  const stack: number[] = [0, rows.length, 0, 0];
  pushNode();
  while (stack.length > 0) {
    const id = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const n = end - start;

    // Node totals and value.
    let totalW = 0;
    let totalS = 0;
    let pure: boolean;
    if (classification) {
      nodeW.fill(0);
      for (let i = start; i < end; i++) {
        const r = rows[i];
        nodeW[yc[r]] += weights[r];
      }
      let nonZero = 0;
      for (let c = 0; c < k; c++) {
        totalW += nodeW[c];
        if (nodeW[c] > 0) nonZero++;
      }
      for (let c = 0; c < k; c++) value[id * k + c] = nodeW[c] / totalW;
      pure = nonZero <= 1;
    } else {
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = start; i < end; i++) {
        const r = rows[i];
        const w = weights[r];
        totalW += w;
        totalS += w * y[r];
        if (y[r] < mn) mn = y[r];
        if (y[r] > mx) mx = y[r];
      }
      value[id] = totalS / totalW;
      pure = mn === mx;
    }

    if (pure || depth >= o.maxDepth || n < o.minSamplesSplit || n < 2 * o.minSamplesLeaf) continue;

    // Parent term of the proxy, so "improvement > 0" is meaningful only relatively; we maximise.
    let bestScore = -Infinity;
    let bestFeature = -1;
    let bestBinLeft = -1;
    let bestBinRight = -1;

    for (let f = 0; f < nFeatures; f++) featOrder[f] = f;
    let remaining = nFeatures;
    let visitedNonConstant = 0;
    while (remaining > 0 && visitedNonConstant < o.maxFeatures) {
      // Draw a feature without replacement (partial Fisher-Yates).
      const j = Math.floor(o.rng() * remaining);
      const f = featOrder[j];
      featOrder[j] = featOrder[remaining - 1];
      featOrder[remaining - 1] = f;
      remaining--;

      const codes = binned.codes[f];
      const nb = binned.nBins[f];
      // Histogram, remembering which bins were touched.
      let nTouched = 0;
      if (classification) {
        for (let i = start; i < end; i++) {
          const r = rows[i];
          const b = codes[r];
          if (histN[b] === 0) touched[nTouched++] = b;
          histN[b]++;
          histW[b * k + yc[r]] += weights[r];
        }
      } else {
        for (let i = start; i < end; i++) {
          const r = rows[i];
          const b = codes[r];
          if (histN[b] === 0) touched[nTouched++] = b;
          histN[b]++;
          const w = weights[r];
          histWt[b] += w;
          histS[b] += w * y[r];
        }
      }
      if (nTouched <= 1) {
        clearBins(nTouched);
        continue; // constant in this node: does not count towards max_features (as scikit-learn)
      }
      visitedNonConstant++;
      const order = nTouched < nb ? touched.subarray(0, nTouched).sort() : null;

      // Scan boundaries between consecutive present bins.
      let nL = 0;
      if (classification) {
        leftW.fill(0);
        let wL = 0;
        for (let t = 0; t < nTouched - 1; t++) {
          const b = order ? order[t] : t;
          nL += histN[b];
          for (let c = 0; c < k; c++) {
            leftW[c] += histW[b * k + c];
          }
          let bw = 0;
          for (let c = 0; c < k; c++) bw += histW[b * k + c];
          wL += bw;
          const nR = n - nL;
          if (nL < o.minSamplesLeaf) continue;
          if (nR < o.minSamplesLeaf) break;
          const wR = totalW - wL;
          let score = 0;
          if (o.criterion === 'gini') {
            let sL = 0;
            let sR = 0;
            for (let c = 0; c < k; c++) {
              const l = leftW[c];
              const rr = nodeW[c] - l;
              sL += l * l;
              sR += rr * rr;
            }
            score = sL / wL + sR / wR;
          } else {
            for (let c = 0; c < k; c++) {
              score += entropyTerm(leftW[c], wL) + entropyTerm(nodeW[c] - leftW[c], wR);
            }
          }
          if (score > bestScore) {
            bestScore = score;
            bestFeature = f;
            bestBinLeft = b;
            bestBinRight = order ? order[t + 1] : nextPresent(b);
          }
        }
      } else {
        let wL = 0;
        let sL = 0;
        for (let t = 0; t < nTouched - 1; t++) {
          const b = order ? order[t] : t;
          nL += histN[b];
          wL += histWt[b];
          sL += histS[b];
          const nR = n - nL;
          if (nL < o.minSamplesLeaf) continue;
          if (nR < o.minSamplesLeaf) break;
          const sR = totalS - sL;
          const score = (sL * sL) / wL + (sR * sR) / (totalW - wL);
          if (score > bestScore) {
            bestScore = score;
            bestFeature = f;
            bestBinLeft = b;
            bestBinRight = order ? order[t + 1] : nextPresent(b);
          }
        }
      }
      clearBins(nTouched);
    }

    if (bestFeature < 0) continue;

    // Partition rows[start, end) by bin code <= bestBinLeft.
    const codes = binned.codes[bestFeature];
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (codes[rows[i]] <= bestBinLeft) i++;
      else {
        const tmp = rows[i];
        rows[i] = rows[j];
        rows[j] = tmp;
        j--;
      }
    }
    const lo = binned.binMax[bestFeature][bestBinLeft];
    const hi = binned.binMin[bestFeature][bestBinRight];
    let thr = (lo + hi) * 0.5;
    if (!(thr < hi)) thr = lo; // as scikit-learn: keep each training row on its side
    const leftId = pushNode();
    const rightId = pushNode();
    feature[id] = bestFeature;
    threshold[id] = thr;
    left[id] = leftId;
    right[id] = rightId;
    // Right pushed first so the left subtree is built first (depth-first, like scikit-learn).
    stack.push(i, end, depth + 1, rightId);
    stack.push(start, i, depth + 1, leftId);
  }
  return { feature, threshold, left, right, value, nOutputs: k };

  function pushNode(): number {
    const id = feature.length;
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    for (let c = 0; c < k; c++) value.push(0);
    return id;
  }

  // Full-histogram path (every bin present): the next bin is b + 1.
  function nextPresent(b: number): number {
    return b + 1;
  }

  function clearBins(nTouched: number): void {
    for (let t = 0; t < nTouched; t++) {
      const b = touched[t];
      histN[b] = 0;
      if (classification) for (let c = 0; c < k; c++) histW[b * k + c] = 0;
      else {
        histWt[b] = 0;
        histS[b] = 0;
      }
    }
  }
}

/** Compiled tree for prediction (typed arrays). */
export interface CompiledTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly nOutputs: number;
  readonly float32Input: boolean;
}

export function compileTree(t: TreeState): CompiledTree {
  return {
    feature: Int32Array.from(t.feature),
    threshold: Float64Array.from(t.threshold),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    value: Float64Array.from(t.value),
    nOutputs: t.nOutputs,
    float32Input: t.float32Input === true,
  };
}

/** Leaf index of every row of X (columns as in fit). NaN goes right. */
export function applyTree(t: CompiledTree, columns: readonly Float64Array[], rows: number, out = new Int32Array(rows)): Int32Array {
  const { feature, threshold, left, right } = t;
  if (t.float32Input) {
    for (let i = 0; i < rows; i++) {
      let node = 0;
      let f = feature[0];
      while (f >= 0) {
        node = Math.fround(columns[f][i]) <= threshold[node] ? left[node] : right[node];
        f = feature[node];
      }
      out[i] = node;
    }
    return out;
  }
  for (let i = 0; i < rows; i++) {
    let node = 0;
    let f = feature[0];
    while (f >= 0) {
      node = columns[f][i] <= threshold[node] ? left[node] : right[node];
      f = feature[node];
    }
    out[i] = node;
  }
  return out;
}

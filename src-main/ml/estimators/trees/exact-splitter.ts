/**
 * scikit-learn 1.2.1's exact CART, step for step: `DepthFirstTreeBuilder` (sklearn/tree/_tree.pyx),
 * `BestSplitter.node_split` and its introsort (sklearn/tree/_splitter.pyx), the Gini / entropy /
 * squared-error criteria (sklearn/tree/_criterion.pyx) and the generator that orders the features
 * (`our_rand_r` seeded from numpy's `RandomState(random_state).randint(0, RAND_R_MAX)`).
 *
 * Why so literal: scikit-learn keeps the first strictly best split in the order it happens to visit
 * features, and that order depends on every random draw since the root and on the persistent
 * `features` permutation. Only replaying the same draws, the same sample order (its in-place
 * introsort and partition are not stable, and regression sums depend on summation order) and the
 * same float32 arithmetic reproduces its tree, hence its predictions, for a given `random_state`.
 *
 * Each node sorts its rows per visited feature: O(n log n) per feature and node, like
 * scikit-learn. The histogram path (cart.ts) stays the one used by forests and boosting.
 */

import { LegacyRandomState } from '../../random/mt19937.js';
import { RAND_R_MAX, RandR } from '../../random/sklearn-rand-r.js';
import type { Criterion, TreeState } from './cart.js';

/** float32, as scikit-learn's `cdef DTYPE_t FEATURE_THRESHOLD = 1e-7`: sums with it are float32 sums. */
const FEATURE_THRESHOLD = Math.fround(1e-7);
/** np.finfo('double').eps, the builder's tolerance on impurity and improvement. */
const EPSILON = Number.EPSILON;
const LN2 = Math.log(2);

export interface ExactCartOptions {
  readonly criterion: Criterion;
  /** Number of classes (classification) or 0 (regression). */
  readonly nClasses: number;
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Resolved max_features (1..n_features). */
  readonly maxFeatures: number;
  /** Seed of numpy's RandomState, 0..2**32-1. */
  readonly randomState: number;
  /** Per-row weights (rows with weight 0 are left out, as scikit-learn does); none means 1. */
  readonly sampleWeight?: Float64Array;
}

/**
 * Builds the tree scikit-learn 1.2.1 builds for `DecisionTree*(random_state=o.randomState)` on
 * float32 features (`columns[j][i]`, already rounded to float32) and float64 targets (class codes
 * 0..k-1 for classification).
 */
export function buildExactCart(columns: readonly Float32Array[], y: Float64Array, o: ExactCartOptions): TreeState {
  const nFeatures = columns.length;
  const nRows = y.length;
  const sw = o.sampleWeight;
  const classification = o.criterion !== 'squared_error';
  const k = classification ? o.nClasses : 1;

  // Splitter.init: the seed of rand_r comes first from the RandomState, then the sample list.
  const rand = new RandR(new LegacyRandomState(o.randomState).randint(0, RAND_R_MAX));
  let nSamples = 0;
  let weightedNSamples = 0;
  const samples = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) {
    if (!sw || sw[i] !== 0) samples[nSamples++] = i;
    weightedNSamples += sw ? sw[i] : 1;
  }
  if (nSamples === 0) throw new Error('every sample weight is zero: nothing to fit');
  const features = Int32Array.from({ length: nFeatures }, (_, f) => f);
  const constantFeatures = new Int32Array(nFeatures);
  const Xf = new Float32Array(nRows);
  const crit = classification ? new ClassificationCriterion(o.criterion === 'entropy', y, k, sw, samples, weightedNSamples) : new MseCriterion(y, sw, samples, weightedNSamples);
  const minSamplesLeaf = o.minSamplesLeaf;
  const minWeightLeaf = 0; // min_weight_fraction_leaf is not offered: scikit-learn's default 0

  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];

  // Split result of the last nodeSplit call.
  let splitPos = 0;
  let splitFeature = 0;
  let splitThreshold = 0;
  let splitImprovement = -Infinity;
  let splitImpurityLeft = Infinity;
  let splitImpurityRight = Infinity;
  let splitNConstant = 0;

  interface StackRecord {
    start: number;
    end: number;
    depth: number;
    parent: number;
    isLeft: boolean;
    impurity: number;
    nConstant: number;
  }
  const stack: StackRecord[] = [{ start: 0, end: nSamples, depth: 0, parent: -1, isLeft: false, impurity: Infinity, nConstant: 0 }];
  let first = true;
  while (stack.length > 0) {
    const rec = stack.pop()!;
    const { start, end, depth } = rec;
    let impurity = rec.impurity;
    const nNode = end - start;
    crit.init(start, end);
    let isLeaf = depth >= o.maxDepth || nNode < o.minSamplesSplit || nNode < 2 * minSamplesLeaf || crit.weightedNNode < 2 * minWeightLeaf;
    if (first) {
      impurity = crit.nodeImpurity();
      first = false;
    }
    isLeaf = isLeaf || impurity <= EPSILON;
    if (!isLeaf) {
      nodeSplit(start, end, impurity, rec.nConstant);
      // min_impurity_decrease is scikit-learn's default 0
      isLeaf = splitPos >= end || splitImprovement + EPSILON < 0;
    }
    const id = feature.length;
    feature.push(isLeaf ? -1 : splitFeature);
    threshold.push(isLeaf ? 0 : splitThreshold);
    left.push(-1);
    right.push(-1);
    if (rec.parent >= 0) {
      if (rec.isLeft) left[rec.parent] = id;
      else right[rec.parent] = id;
    }
    crit.nodeValue(value);
    if (!isLeaf) {
      // Right first, so the left child is popped (and numbered) first.
      stack.push({ start: splitPos, end, depth: depth + 1, parent: id, isLeft: false, impurity: splitImpurityRight, nConstant: splitNConstant });
      stack.push({ start, end: splitPos, depth: depth + 1, parent: id, isLeft: true, impurity: splitImpurityLeft, nConstant: splitNConstant });
    }
  }
  return { feature, threshold, left, right, value, nOutputs: k, float32Input: true };

  /** BestSplitter.node_split on samples[start, end). */
  function nodeSplit(start: number, end: number, impurity: number, nKnownConstants: number): void {
    let fI = nFeatures;
    let nVisited = 0;
    let nFound = 0;
    let nDrawn = 0;
    let nTotalConstants = nKnownConstants;
    let bestProxy = -Infinity;
    splitPos = end;
    splitFeature = 0;
    splitThreshold = 0;
    splitImprovement = -Infinity;
    splitImpurityLeft = Infinity;
    splitImpurityRight = Infinity;

    while (fI > nTotalConstants && (nVisited < o.maxFeatures || nVisited <= nFound + nDrawn)) {
      nVisited++;
      let fJ = rand.int(nDrawn, fI - nFound);
      if (fJ < nKnownConstants) {
        swap(features, nDrawn, fJ);
        nDrawn++;
        continue;
      }
      fJ += nFound;
      const current = features[fJ];
      const col = columns[current];
      for (let i = start; i < end; i++) Xf[i] = col[samples[i]];
      sortNode(Xf, samples, start, end - start);
      if (Xf[end - 1] <= Math.fround(Xf[start] + FEATURE_THRESHOLD)) {
        swap(features, fJ, nTotalConstants);
        nFound++;
        nTotalConstants++;
        continue;
      }
      fI--;
      swap(features, fI, fJ);

      crit.reset();
      let p = start;
      while (p < end) {
        while (p + 1 < end && Xf[p + 1] <= Math.fround(Xf[p] + FEATURE_THRESHOLD)) p++;
        p++;
        if (p >= end) continue;
        if (p - start < minSamplesLeaf || end - p < minSamplesLeaf) continue;
        crit.update(p);
        if (crit.weightedNLeft < minWeightLeaf || crit.weightedNRight < minWeightLeaf) continue;
        const proxy = crit.proxyImpurityImprovement();
        if (proxy > bestProxy) {
          bestProxy = proxy;
          // Sum of halves, as scikit-learn (no overflow to infinity).
          let thr = Xf[p - 1] / 2 + Xf[p] / 2;
          if (thr === Xf[p] || thr === Infinity || thr === -Infinity) thr = Xf[p - 1];
          splitPos = p;
          splitFeature = current;
          splitThreshold = thr;
        }
      }
    }

    if (splitPos < end) {
      const col = columns[splitFeature];
      let partitionEnd = end;
      let p = start;
      while (p < partitionEnd) {
        if (col[samples[p]] <= splitThreshold) p++;
        else {
          partitionEnd--;
          const t = samples[p];
          samples[p] = samples[partitionEnd];
          samples[partitionEnd] = t;
        }
      }
      crit.reset();
      crit.update(splitPos);
      crit.childrenImpurity();
      splitImpurityLeft = crit.impurityLeft;
      splitImpurityRight = crit.impurityRight;
      splitImprovement = crit.impurityImprovement(impurity, splitImpurityLeft, splitImpurityRight);
    }

    // Known constants keep their order for siblings and children; newly found ones are appended.
    for (let i = 0; i < nKnownConstants; i++) features[i] = constantFeatures[i];
    for (let i = nKnownConstants; i < nKnownConstants + nFound; i++) constantFeatures[i] = features[i];
    splitNConstant = nTotalConstants;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

// ---- scikit-learn's introsort of (feature values, samples), on the slice [base, base + n) ----

/** `sort`: introsort with a depth limit of 2 * floor(log2(n)) (a smaller one only in tests, to reach heapsort). */
export function sortNode(Xf: Float32Array, s: Int32Array, base: number, n: number, maxDepth?: number): void {
  if (n === 0) return;
  introsort(Xf, s, base, n, maxDepth ?? 2 * Math.trunc(Math.log(n) / LN2));
}

function swap2(Xf: Float32Array, s: Int32Array, i: number, j: number): void {
  const x = Xf[i];
  Xf[i] = Xf[j];
  Xf[j] = x;
  const t = s[i];
  s[i] = s[j];
  s[j] = t;
}

function median3(Xf: Float32Array, base: number, n: number): number {
  const a = Xf[base];
  const b = Xf[base + Math.trunc(n / 2)];
  const c = Xf[base + n - 1];
  if (a < b) {
    if (b < c) return b;
    if (a < c) return c;
    return a;
  }
  if (b < c) {
    if (a < c) return a;
    return c;
  }
  return b;
}

function introsort(Xf: Float32Array, s: Int32Array, base: number, n: number, maxd: number): void {
  while (n > 1) {
    if (maxd <= 0) {
      heapsort(Xf, s, base, n);
      return;
    }
    maxd--;
    const pivot = median3(Xf, base, n);
    // Three-way partition.
    let i = 0;
    let l = 0;
    let r = n;
    while (i < r) {
      const v = Xf[base + i];
      if (v < pivot) {
        swap2(Xf, s, base + i, base + l);
        i++;
        l++;
      } else if (v > pivot) {
        r--;
        swap2(Xf, s, base + i, base + r);
      } else i++;
    }
    introsort(Xf, s, base, l, maxd);
    base += r;
    n -= r;
  }
}

function siftDown(Xf: Float32Array, s: Int32Array, base: number, start: number, end: number): void {
  let root = start;
  for (;;) {
    const child = root * 2 + 1;
    let maxind = root;
    if (child < end && Xf[base + maxind] < Xf[base + child]) maxind = child;
    if (child + 1 < end && Xf[base + maxind] < Xf[base + child + 1]) maxind = child + 1;
    if (maxind === root) break;
    swap2(Xf, s, base + root, base + maxind);
    root = maxind;
  }
}

function heapsort(Xf: Float32Array, s: Int32Array, base: number, n: number): void {
  let start = Math.trunc((n - 2) / 2);
  for (;;) {
    siftDown(Xf, s, base, start, n);
    if (start === 0) break;
    start--;
  }
  for (let end = n - 1; end > 0; end--) {
    swap2(Xf, s, base, base + end);
    siftDown(Xf, s, base, 0, end);
  }
}

// ---- criteria (single output) ----

interface SplitCriterion {
  readonly weightedNNode: number;
  readonly weightedNLeft: number;
  readonly weightedNRight: number;
  impurityLeft: number;
  impurityRight: number;
  init(start: number, end: number): void;
  reset(): void;
  update(newPos: number): void;
  nodeImpurity(): number;
  childrenImpurity(): void;
  proxyImpurityImprovement(): number;
  impurityImprovement(parent: number, left: number, right: number): number;
  /** Appends the node's value (class probabilities, or the mean) to `out`. */
  nodeValue(out: number[]): void;
}

abstract class BaseCriterion {
  weightedNNode = 0;
  weightedNLeft = 0;
  weightedNRight = 0;
  impurityLeft = Infinity;
  impurityRight = Infinity;
  protected start = 0;
  protected end = 0;
  protected pos = 0;

  constructor(
    protected readonly sw: Float64Array | undefined,
    protected readonly samples: Int32Array,
    private readonly weightedNSamples: number,
  ) {}

  impurityImprovement(parent: number, impLeft: number, impRight: number): number {
    const wn = this.weightedNNode;
    return (wn / this.weightedNSamples) * (parent - (this.weightedNRight / wn) * impRight - (this.weightedNLeft / wn) * impLeft);
  }
}

class ClassificationCriterion extends BaseCriterion implements SplitCriterion {
  private readonly yc: Int32Array;
  private readonly sumTotal: Float64Array;
  private readonly sumLeft: Float64Array;
  private readonly sumRight: Float64Array;

  constructor(
    private readonly entropy: boolean,
    y: Float64Array,
    private readonly k: number,
    sw: Float64Array | undefined,
    samples: Int32Array,
    weightedNSamples: number,
  ) {
    super(sw, samples, weightedNSamples);
    this.yc = Int32Array.from(y);
    this.sumTotal = new Float64Array(k);
    this.sumLeft = new Float64Array(k);
    this.sumRight = new Float64Array(k);
  }

  init(start: number, end: number): void {
    this.start = start;
    this.end = end;
    this.sumTotal.fill(0);
    let wn = 0;
    for (let p = start; p < end; p++) {
      const i = this.samples[p];
      const w = this.sw ? this.sw[i] : 1;
      this.sumTotal[this.yc[i]] += w;
      wn += w;
    }
    this.weightedNNode = wn;
    this.reset();
  }

  reset(): void {
    this.pos = this.start;
    this.sumLeft.fill(0);
    this.sumRight.set(this.sumTotal);
    this.weightedNLeft = 0;
    this.weightedNRight = this.weightedNNode;
  }

  private reverseReset(): void {
    this.pos = this.end;
    this.sumRight.fill(0);
    this.sumLeft.set(this.sumTotal);
    this.weightedNRight = 0;
    this.weightedNLeft = this.weightedNNode;
  }

  update(newPos: number): void {
    const { samples, sw, yc, sumLeft } = this;
    const pos = this.pos;
    const end = this.end;
    // From whichever side is nearer, as scikit-learn (it changes float sums with weights).
    if (newPos - pos <= end - newPos) {
      for (let p = pos; p < newPos; p++) {
        const i = samples[p];
        const w = sw ? sw[i] : 1;
        sumLeft[yc[i]] += w;
        this.weightedNLeft += w;
      }
    } else {
      this.reverseReset();
      for (let p = end - 1; p >= newPos; p--) {
        const i = samples[p];
        const w = sw ? sw[i] : 1;
        sumLeft[yc[i]] -= w;
        this.weightedNLeft -= w;
      }
    }
    this.weightedNRight = this.weightedNNode - this.weightedNLeft;
    for (let c = 0; c < this.k; c++) this.sumRight[c] = this.sumTotal[c] - sumLeft[c];
    this.pos = newPos;
  }

  nodeImpurity(): number {
    const wn = this.weightedNNode;
    if (this.entropy) {
      let e = 0;
      for (let c = 0; c < this.k; c++) {
        let ck = this.sumTotal[c];
        if (ck > 0) {
          ck /= wn;
          e -= ck * (Math.log(ck) / LN2);
        }
      }
      return e;
    }
    let sq = 0;
    for (let c = 0; c < this.k; c++) sq += this.sumTotal[c] * this.sumTotal[c];
    return 1 - sq / (wn * wn);
  }

  childrenImpurity(): void {
    const wl = this.weightedNLeft;
    const wr = this.weightedNRight;
    if (this.entropy) {
      let el = 0;
      let er = 0;
      for (let c = 0; c < this.k; c++) {
        let ck = this.sumLeft[c];
        if (ck > 0) {
          ck /= wl;
          el -= ck * (Math.log(ck) / LN2);
        }
        ck = this.sumRight[c];
        if (ck > 0) {
          ck /= wr;
          er -= ck * (Math.log(ck) / LN2);
        }
      }
      this.impurityLeft = el;
      this.impurityRight = er;
      return;
    }
    let sl = 0;
    let sr = 0;
    for (let c = 0; c < this.k; c++) {
      sl += this.sumLeft[c] * this.sumLeft[c];
      sr += this.sumRight[c] * this.sumRight[c];
    }
    this.impurityLeft = 1 - sl / (wl * wl);
    this.impurityRight = 1 - sr / (wr * wr);
  }

  proxyImpurityImprovement(): number {
    this.childrenImpurity();
    return -this.weightedNRight * this.impurityRight - this.weightedNLeft * this.impurityLeft;
  }

  nodeValue(out: number[]): void {
    // scikit-learn stores weighted counts and normalises them in predict_proba.
    let total = 0;
    for (let c = 0; c < this.k; c++) total += this.sumTotal[c];
    for (let c = 0; c < this.k; c++) out.push(this.sumTotal[c] / total);
  }
}

class MseCriterion extends BaseCriterion implements SplitCriterion {
  private sumTotal = 0;
  private sqSumTotal = 0;
  private sumLeft = 0;
  private sumRight = 0;

  constructor(
    private readonly y: Float64Array,
    sw: Float64Array | undefined,
    samples: Int32Array,
    weightedNSamples: number,
  ) {
    super(sw, samples, weightedNSamples);
  }

  init(start: number, end: number): void {
    this.start = start;
    this.end = end;
    let s = 0;
    let sq = 0;
    let wn = 0;
    for (let p = start; p < end; p++) {
      const i = this.samples[p];
      const w = this.sw ? this.sw[i] : 1;
      const yi = this.y[i];
      const wy = w * yi;
      s += wy;
      sq += wy * yi;
      wn += w;
    }
    this.sumTotal = s;
    this.sqSumTotal = sq;
    this.weightedNNode = wn;
    this.reset();
  }

  reset(): void {
    this.pos = this.start;
    this.sumLeft = 0;
    this.sumRight = this.sumTotal;
    this.weightedNLeft = 0;
    this.weightedNRight = this.weightedNNode;
  }

  update(newPos: number): void {
    const { samples, sw, y } = this;
    const pos = this.pos;
    const end = this.end;
    let sl = this.sumLeft;
    let wl = this.weightedNLeft;
    if (newPos - pos <= end - newPos) {
      for (let p = pos; p < newPos; p++) {
        const i = samples[p];
        const w = sw ? sw[i] : 1;
        sl += w * y[i];
        wl += w;
      }
    } else {
      // reverse_reset, then remove samples[newPos, end) from the full node
      sl = this.sumTotal;
      wl = this.weightedNNode;
      for (let p = end - 1; p >= newPos; p--) {
        const i = samples[p];
        const w = sw ? sw[i] : 1;
        sl -= w * y[i];
        wl -= w;
      }
    }
    this.sumLeft = sl;
    this.weightedNLeft = wl;
    this.weightedNRight = this.weightedNNode - wl;
    this.sumRight = this.sumTotal - sl;
    this.pos = newPos;
  }

  nodeImpurity(): number {
    const wn = this.weightedNNode;
    const m = this.sumTotal / wn;
    return this.sqSumTotal / wn - m * m;
  }

  childrenImpurity(): void {
    let sqLeft = 0;
    for (let p = this.start; p < this.pos; p++) {
      const i = this.samples[p];
      const w = this.sw ? this.sw[i] : 1;
      const yi = this.y[i];
      sqLeft += w * yi * yi;
    }
    const sqRight = this.sqSumTotal - sqLeft;
    const ml = this.sumLeft / this.weightedNLeft;
    const mr = this.sumRight / this.weightedNRight;
    this.impurityLeft = sqLeft / this.weightedNLeft - ml * ml;
    this.impurityRight = sqRight / this.weightedNRight - mr * mr;
  }

  proxyImpurityImprovement(): number {
    return (this.sumLeft * this.sumLeft) / this.weightedNLeft + (this.sumRight * this.sumRight) / this.weightedNRight;
  }

  nodeValue(out: number[]): void {
    out.push(this.sumTotal / this.weightedNNode);
  }
}

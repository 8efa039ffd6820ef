/**
 * Score-based metrics, as in scikit-learn 1.2: ROC AUC (binary and one-vs-rest), the ROC curve,
 * the precision-recall curve, average precision, log loss and the calibration curve.
 * Binary inputs: y_true holds 0/1 (1 = positive class), scores are higher-is-more-positive.
 */
import type { Codes } from './classification.js';

function checkBinary(yTrue: Codes, score: ArrayLike<number>): void {
  if (yTrue.length !== score.length) throw new Error(`y_true has ${yTrue.length} rows, the scores have ${score.length}`);
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] !== 0 && yTrue[i] !== 1) throw new Error(`y_true must be 0/1, got ${yTrue[i]} at row ${i}`);
    if (Number.isNaN(score[i])) throw new Error(`score at row ${i} is NaN`);
  }
}

/**
 * Binary ROC AUC from ranks (Mann-Whitney U): average ranks over tied scores, so a tie between a
 * positive and a negative counts one half — equal to scikit-learn's trapezoidal roc_auc_score.
 * NaN when only one class is present (scikit-learn raises).
 */
export function rocAuc(yTrue: Codes, score: ArrayLike<number>): number {
  checkBinary(yTrue, score);
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let rankSumPos = 0;
  let nPos = 0;
  for (let s = 0; s < n;) {
    let e = s + 1;
    while (e < n && score[order[e]] === score[order[s]]) e++;
    const avgRank = (s + 1 + e) / 2; // ranks s+1..e averaged
    for (let t = s; t < e; t++) if (yTrue[order[t]] === 1) { rankSumPos += avgRank; nPos++; }
    s = e;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Multiclass ROC AUC, one-vs-rest, macro average (roc_auc_score(multi_class='ovr')):
 * proba[c] is the score of class c. Classes absent from y_true make the result NaN (scikit-learn raises).
 */
export function rocAucOvr(yTrue: Codes, proba: readonly Float64Array[]): number {
  if (proba.length === 2) return rocAuc(yTrue, proba[1]);
  let s = 0;
  for (let c = 0; c < proba.length; c++) {
    const bin = Float64Array.from(yTrue as ArrayLike<number>, (v) => (v === c ? 1 : 0));
    s += rocAuc(bin, proba[c]);
  }
  return s / proba.length;
}

interface BinaryCurve {
  readonly fps: number[];
  readonly tps: number[];
  readonly thresholds: number[];
}

/** scikit-learn's _binary_clf_curve: cumulative FP/TP counts at each distinct score, descending. */
function binaryClfCurve(yTrue: Codes, score: ArrayLike<number>): BinaryCurve {
  checkBinary(yTrue, score);
  const n = yTrue.length;
  // Descending score; a stable sort like scikit-learn's mergesort.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
  const fps: number[] = [], tps: number[] = [], thresholds: number[] = [];
  let tp = 0, fp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    if (yTrue[i] === 1) tp++; else fp++;
    if (r === n - 1 || score[order[r + 1]] !== score[i]) {
      tps.push(tp); fps.push(fp); thresholds.push(score[i]);
    }
  }
  return { fps, tps, thresholds };
}

export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
  /** Decreasing; the first is max(score) + 1 (scikit-learn 1.2; later versions use +inf). */
  readonly thresholds: number[];
}

/** roc_curve(drop_intermediate=true by default): collinear points dropped as scikit-learn does. */
export function rocCurve(yTrue: Codes, score: ArrayLike<number>, dropIntermediate = true): RocCurve {
  let { fps, tps, thresholds } = binaryClfCurve(yTrue, score);
  if (dropIntermediate && fps.length > 2) {
    const keep: number[] = [];
    for (let i = 0; i < fps.length; i++) {
      if (i === 0 || i === fps.length - 1) { keep.push(i); continue; }
      const d2f = fps[i + 1] - 2 * fps[i] + fps[i - 1];
      const d2t = tps[i + 1] - 2 * tps[i] + tps[i - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    fps = keep.map((i) => fps[i]); tps = keep.map((i) => tps[i]); thresholds = keep.map((i) => thresholds[i]);
  }
  const fpMax = fps[fps.length - 1] ?? 0, tpMax = tps[tps.length - 1] ?? 0;
  return {
    fpr: [0, ...fps.map((v) => (fpMax === 0 ? NaN : v / fpMax))],
    tpr: [0, ...tps.map((v) => (tpMax === 0 ? NaN : v / tpMax))],
    thresholds: [(thresholds[0] ?? 0) + 1, ...thresholds],
  };
}

export interface PrCurve {
  /** Ordered by increasing threshold (decreasing recall), ending with precision 1, recall 0. */
  readonly precision: number[];
  readonly recall: number[];
  readonly thresholds: number[];
}

/**
 * precision_recall_curve as in scikit-learn >= 1.1 (PR #23214): every distinct threshold is kept
 * (no truncation at full recall), reversed so recall decreases, then the point (recall 0,
 * precision 1) is appended. With no positive rows recall is 1 everywhere (scikit-learn warns).
 */
export function precisionRecallCurve(yTrue: Codes, score: ArrayLike<number>): PrCurve {
  const { fps, tps, thresholds } = binaryClfCurve(yTrue, score);
  const tpMax = tps[tps.length - 1] ?? 0;
  const precision: number[] = [], recall: number[] = [], th: number[] = [];
  for (let i = tps.length - 1; i >= 0; i--) {
    precision.push(tps[i] / (tps[i] + fps[i]));
    recall.push(tpMax === 0 ? 1 : tps[i] / tpMax);
    th.push(thresholds[i]);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds: th };
}

/** average_precision_score: Σₙ (Rₙ - Rₙ₋₁) Pₙ over the PR curve (no interpolation). */
export function averagePrecision(yTrue: Codes, score: ArrayLike<number>): number {
  const { precision, recall } = precisionRecallCurve(yTrue, score);
  let s = 0;
  for (let i = 0; i < precision.length - 1; i++) s -= (recall[i + 1] - recall[i]) * precision[i];
  return s;
}

/**
 * log_loss with scikit-learn 1.2's eps='auto' (float64 machine epsilon): probabilities clipped to
 * [eps, 1-eps], rows renormalised, then the mean negative log-likelihood of the true class.
 * proba[c][i] is P(class c | row i).
 */
export function logLoss(yTrue: Codes, proba: readonly Float64Array[], eps = Number.EPSILON): number {
  const k = proba.length;
  const n = yTrue.length;
  if (k < 2) throw new Error('log_loss needs probabilities for at least 2 classes');
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i];
    if (!Number.isInteger(t) || t < 0 || t >= k) throw new Error(`row ${i}: class code ${t} is not in 0..${k - 1}`);
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += clip(proba[c][i], eps);
    total -= Math.log(clip(proba[t][i], eps) / rowSum);
  }
  return total / n;
}

function clip(v: number, eps: number): number {
  return v < eps ? eps : v > 1 - eps ? 1 - eps : v;
}

export interface CalibrationCurve {
  /** Fraction of positives per non-empty bin. */
  readonly probTrue: number[];
  /** Mean predicted probability per non-empty bin. */
  readonly probPred: number[];
  /** Rows per non-empty bin (not returned by scikit-learn; useful for drawing). */
  readonly counts: number[];
}

/**
 * calibration_curve(strategy='uniform'): bin edges i/n_bins as numpy's linspace gives them; a
 * probability on an inner edge falls in the lower bin (np.searchsorted side='left'); empty bins
 * are left out.
 */
export function calibrationCurve(yTrue: Codes, probPos: ArrayLike<number>, nBins = 5): CalibrationCurve {
  checkBinary(yTrue, probPos);
  if (!Number.isInteger(nBins) || nBins < 1) throw new Error(`n_bins must be a positive integer, got ${nBins}`);
  const step = 1 / nBins;
  const inner = Array.from({ length: nBins - 1 }, (_, i) => (i + 1) * step);
  const sums = new Float64Array(nBins), trues = new Float64Array(nBins), totals = new Float64Array(nBins);
  for (let i = 0; i < yTrue.length; i++) {
    const p = probPos[i];
    if (p < 0 || p > 1) throw new Error(`probability at row ${i} is outside [0, 1]: ${p}`);
    let b = 0;
    while (b < inner.length && inner[b] < p) b++;
    sums[b] += p; trues[b] += yTrue[i]; totals[b]++;
  }
  const probTrue: number[] = [], probPred: number[] = [], counts: number[] = [];
  for (let b = 0; b < nBins; b++) {
    if (totals[b] === 0) continue;
    probTrue.push(trues[b] / totals[b]);
    probPred.push(sums[b] / totals[b]);
    counts.push(totals[b]);
  }
  return { probTrue, probPred, counts };
}

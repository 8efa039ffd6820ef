/**
 * Label-based classification metrics over class codes (0..k-1), as scikit-learn computes them.
 * zero_division follows scikit-learn's default ("warn"): an undefined ratio counts as 0 and the
 * result says which ones were undefined, in place of UndefinedMetricWarning.
 */

export type Codes = ArrayLike<number>;

function checkPair(yTrue: Codes, yPred: Codes): void {
  if (yTrue.length !== yPred.length) throw new Error(`y_true has ${yTrue.length} rows, y_pred has ${yPred.length}`);
}

function classCount(yTrue: Codes, yPred: Codes, nClasses?: number): number {
  if (nClasses !== undefined) return nClasses;
  let max = -1;
  for (let i = 0; i < yTrue.length; i++) max = Math.max(max, yTrue[i], yPred[i]);
  return max + 1;
}

export function accuracy(yTrue: Codes, yPred: Codes): number {
  checkPair(yTrue, yPred);
  if (yTrue.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** matrix[t][p]: rows with true class t predicted as p (scikit-learn's confusion_matrix layout). */
export function confusionMatrix(yTrue: Codes, yPred: Codes, nClasses?: number): number[][] {
  checkPair(yTrue, yPred);
  const k = classCount(yTrue, yPred, nClasses);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i], p = yPred[i];
    if (!(t >= 0 && t < k && p >= 0 && p < k) || !Number.isInteger(t) || !Number.isInteger(p)) {
      throw new Error(`row ${i}: class codes ${t}/${p} are not in 0..${k - 1}`);
    }
    m[t][p]++;
  }
  return m;
}

export interface Averaged {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ClassificationReport {
  /** Per class code 0..k-1. */
  readonly precision: number[];
  readonly recall: number[];
  readonly f1: number[];
  readonly support: number[];
  /** Unweighted mean over the labels present in y_true or y_pred (scikit-learn's label set). */
  readonly macro: Averaged;
  /** Mean weighted by support. */
  readonly weighted: Averaged;
  /** Class codes whose precision was undefined (never predicted) and set to 0. */
  readonly precisionUndefined: number[];
  /** Class codes whose recall was undefined (no true rows) and set to 0. */
  readonly recallUndefined: number[];
  /** True when any ratio was undefined: scikit-learn would have warned. */
  readonly warning: boolean;
}

export function precisionRecallF1(yTrue: Codes, yPred: Codes, nClasses?: number): ClassificationReport {
  const cm = confusionMatrix(yTrue, yPred, nClasses);
  const k = cm.length;
  const precision: number[] = [], recall: number[] = [], f1: number[] = [], support: number[] = [];
  const precisionUndefined: number[] = [], recallUndefined: number[] = [];
  const present: number[] = [];
  for (let c = 0; c < k; c++) {
    const tp = cm[c][c];
    let predicted = 0, actual = 0;
    for (let o = 0; o < k; o++) { predicted += cm[o][c]; actual += cm[c][o]; }
    if (predicted === 0) precisionUndefined.push(c);
    if (actual === 0) recallUndefined.push(c);
    if (predicted > 0 || actual > 0) present.push(c);
    const p = predicted === 0 ? 0 : tp / predicted;
    const r = actual === 0 ? 0 : tp / actual;
    precision.push(p);
    recall.push(r);
    f1.push(p + r === 0 ? 0 : (2 * p * r) / (p + r));
    support.push(actual);
  }
  const mean = (v: number[]) => (present.length === 0 ? 0 : present.reduce((s, c) => s + v[c], 0) / present.length);
  const total = support.reduce((a, b) => a + b, 0);
  const wmean = (v: number[]) => (total === 0 ? 0 : v.reduce((s, x, c) => s + x * support[c], 0) / total);
  return {
    precision, recall, f1, support,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    weighted: { precision: wmean(precision), recall: wmean(recall), f1: wmean(f1) },
    precisionUndefined, recallUndefined,
    warning: precisionUndefined.some((c) => present.includes(c)) || recallUndefined.some((c) => present.includes(c)),
  };
}

/** F1 of one class (scikit-learn's f1_score with average='binary', pos_label=positive). */
export function f1Score(yTrue: Codes, yPred: Codes, positive = 1): number {
  checkPair(yTrue, yPred);
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] === positive, p = yPred[i] === positive;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const denom = 2 * tp + fp + fn;
  return denom === 0 ? 0 : (2 * tp) / denom;
}

/** Argmax of column-major class probabilities (ties to the lowest code). */
export function argmaxProba(proba: readonly Float64Array[]): Float64Array {
  const n = proba[0]?.length ?? 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < proba.length; c++) if (proba[c][i] > proba[best][i]) best = c;
    out[i] = best;
  }
  return out;
}

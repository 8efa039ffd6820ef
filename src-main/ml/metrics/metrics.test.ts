import { describe, expect, it } from 'vitest';
import { seededRandom } from '../estimator.js';
import { accuracy, argmaxProba, confusionMatrix, f1Score, precisionRecallF1 } from './classification.js';
import { averagePrecision, calibrationCurve, logLoss, precisionRecallCurve, rocAuc, rocAucOvr, rocCurve } from './ranking.js';
import { mae, meanSquaredError, r2, residuals, rmse } from './regression.js';

const f = (...v: number[]) => Float64Array.from(v);
const close = (a: number, b: number, tol = 1e-12) => expect(Math.abs(a - b)).toBeLessThan(tol);

describe('classification metrics', () => {
  // y_true 0 0 1 1 2 2, y_pred 0 1 1 1 2 0.
  // class 0: tp 1, predicted 2, actual 2 -> P 1/2, R 1/2, F1 1/2
  // class 1: tp 2, predicted 3, actual 2 -> P 2/3, R 1,   F1 2·(2/3)/(5/3) = 4/5
  // class 2: tp 1, predicted 1, actual 2 -> P 1,   R 1/2, F1 2·(1/2)/(3/2) = 2/3
  const yTrue = f(0, 0, 1, 1, 2, 2), yPred = f(0, 1, 1, 1, 2, 0);

  it('accuracy and the confusion matrix', () => {
    close(accuracy(yTrue, yPred), 4 / 6);
    expect(confusionMatrix(yTrue, yPred)).toEqual([[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
    expect(confusionMatrix(f(0), f(0), 3)).toEqual([[1, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(() => confusionMatrix(f(0, 1), f(0))).toThrow(/rows/);
  });

  it('per-class, macro and weighted precision / recall / F1', () => {
    const r = precisionRecallF1(yTrue, yPred);
    [1 / 2, 2 / 3, 1].forEach((v, c) => close(r.precision[c], v));
    [1 / 2, 1, 1 / 2].forEach((v, c) => close(r.recall[c], v));
    [1 / 2, 4 / 5, 2 / 3].forEach((v, c) => close(r.f1[c], v));
    expect(r.support).toEqual([2, 2, 2]);
    close(r.macro.precision, 13 / 18); // (1/2 + 2/3 + 1) / 3
    close(r.macro.recall, 2 / 3);
    close(r.macro.f1, 59 / 90); // (1/2 + 4/5 + 2/3) / 3
    close(r.weighted.f1, 59 / 90); // equal supports
    expect(r.warning).toBe(false);
    close(f1Score(yTrue, yPred, 1), 4 / 5);
  });

  it('zero_division: an undefined precision counts 0 and raises the warning flag', () => {
    // y_true 0 0 1, y_pred 0 0 0: class 1 never predicted.
    // class 0: P 2/3, R 1, F1 4/5; class 1: P 0 (undefined), R 0, F1 0.
    const r = precisionRecallF1(f(0, 0, 1), f(0, 0, 0));
    expect(r.precisionUndefined).toEqual([1]);
    expect(r.warning).toBe(true);
    close(r.macro.f1, 2 / 5);
    close(r.weighted.f1, (4 / 5 * 2) / 3);
    close(r.weighted.precision, (2 / 3 * 2) / 3);
  });

  it('macro averages over the labels present, like scikit-learn', () => {
    // Code 2 is declared but absent from both arrays: it is left out of the macro mean.
    const r = precisionRecallF1(f(0, 1), f(0, 1), 3);
    close(r.macro.f1, 1);
    expect(r.warning).toBe(false);
  });

  it('argmax of probabilities ties to the lowest code', () => {
    expect(Array.from(argmaxProba([f(0.5, 0.2), f(0.5, 0.8)]))).toEqual([0, 1]);
  });
});

describe('ROC', () => {
  // scikit-learn's docstring example: y 0 0 1 1, scores .1 .4 .35 .8.
  const y = f(0, 0, 1, 1), s = f(0.1, 0.4, 0.35, 0.8);

  it('binary AUC by hand, with and without ties', () => {
    // Pairs (pos, neg): (.35,.1) 1, (.35,.4) 0, (.8,.1) 1, (.8,.4) 1 -> 3/4.
    close(rocAuc(y, s), 0.75);
    // y 0 1 0 1, scores .5 .5 .2 .9: (.5,.5) counts 1/2, the other three 1 -> 3.5/4.
    close(rocAuc(f(0, 1, 0, 1), f(0.5, 0.5, 0.2, 0.9)), 0.875);
    expect(rocAuc(f(1, 1), f(0.2, 0.3))).toBeNaN();
  });

  it('roc_curve points and scikit-learn 1.2 thresholds', () => {
    const c = rocCurve(y, s);
    expect(c.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(c.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(c.thresholds).toEqual([1.8, 0.8, 0.4, 0.35, 0.1]);
  });

  it('drop_intermediate removes collinear points', () => {
    // y 1 1 1 0, scores 4 3 2 1: (fp, tp) = (0,1) (0,2) (0,3) (1,3); (0,2) lies on a straight run.
    const c = rocCurve(f(1, 1, 1, 0), f(4, 3, 2, 1));
    expect(c.thresholds).toEqual([5, 4, 2, 1]);
    expect(c.fpr).toEqual([0, 0, 0, 1]);
    expect(c.tpr).toEqual([0, 1 / 3, 1, 1]);
    expect(rocCurve(f(1, 1, 1, 0), f(4, 3, 2, 1), false).thresholds).toEqual([5, 4, 3, 2, 1]);
  });

  it('rank AUC equals the trapezoid under the full ROC curve (random scores with ties)', () => {
    const rnd = seededRandom(11);
    const n = 500;
    const yy = Float64Array.from({ length: n }, () => (rnd() < 0.4 ? 1 : 0));
    const ss = Float64Array.from({ length: n }, (_, i) => Math.round((rnd() + yy[i] * 0.3) * 20) / 20);
    const c = rocCurve(yy, ss, false);
    let area = 0;
    for (let i = 1; i < c.fpr.length; i++) area += ((c.fpr[i] - c.fpr[i - 1]) * (c.tpr[i] + c.tpr[i - 1])) / 2;
    close(rocAuc(yy, ss), area);
    const d = rocCurve(yy, ss);
    let area2 = 0;
    for (let i = 1; i < d.fpr.length; i++) area2 += ((d.fpr[i] - d.fpr[i - 1]) * (d.tpr[i] + d.tpr[i - 1])) / 2;
    close(area2, area);
  });

  it('one-vs-rest macro AUC is the mean of the per-class AUCs', () => {
    const yy = f(0, 1, 2, 0, 1, 2);
    const p = [f(0.6, 0.2, 0.3, 0.5, 0.1, 0.2), f(0.3, 0.5, 0.3, 0.4, 0.3, 0.1), f(0.1, 0.3, 0.4, 0.1, 0.6, 0.7)];
    const per = p.map((col, c) => rocAuc(Float64Array.from(yy, (v) => (v === c ? 1 : 0)), col));
    // Class 0: positives .6 .5 vs negatives .2 .3 .1 .2 -> all 8 pairs won -> 1.
    close(per[0], 1);
    close(rocAucOvr(yy, p), (per[0] + per[1] + per[2]) / 3);
    close(rocAucOvr(f(0, 1), [f(0.8, 0.3), f(0.2, 0.7)]), 1);
  });
});

describe('precision-recall', () => {
  it('precision_recall_curve and average precision by hand', () => {
    // Descending: .8 (pos) .4 (neg) .35 (pos) .1 (neg): thresholds .8 .4 .35 .1 give
    // P = 1, 1/2, 2/3, 1/2 and R = 1/2, 1/2, 1, 1; reversed, then (P 1, R 0) appended.
    const c = precisionRecallCurve(f(0, 0, 1, 1), f(0.1, 0.4, 0.35, 0.8));
    [0.5, 2 / 3, 0.5, 1, 1].forEach((v, i) => close(c.precision[i], v));
    expect(c.recall).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(c.thresholds).toEqual([0.1, 0.35, 0.4, 0.8]);
    // AP = Σ (Rₙ - Rₙ₋₁) Pₙ = 0.5·1 + 0.5·(2/3) = 5/6.
    close(averagePrecision(f(0, 0, 1, 1), f(0.1, 0.4, 0.35, 0.8)), 5 / 6);
  });

  it('average precision equals the formula over distinct thresholds (random scores with ties)', () => {
    const rnd = seededRandom(5);
    const n = 300;
    const yy = Float64Array.from({ length: n }, () => (rnd() < 0.3 ? 1 : 0));
    const ss = Float64Array.from({ length: n }, (_, i) => Math.round((rnd() + yy[i] * 0.4) * 10) / 10);
    const pos = yy.reduce((a, b) => a + b, 0);
    const thresholds = [...new Set(ss)].sort((a, b) => b - a);
    let ap = 0, prevR = 0;
    for (const t of thresholds) {
      let tp = 0, k = 0;
      for (let i = 0; i < n; i++) if (ss[i] >= t) { k++; tp += yy[i]; }
      ap += (tp / pos - prevR) * (tp / k);
      prevR = tp / pos;
    }
    close(averagePrecision(yy, ss), ap);
  });
});

describe('log loss', () => {
  it('by hand', () => {
    // -(ln 0.8 + ln 0.7) / 2
    close(logLoss(f(0, 1), [f(0.8, 0.3), f(0.2, 0.7)]), -(Math.log(0.8) + Math.log(0.7)) / 2);
  });

  it('clips to float64 eps and renormalises (scikit-learn 1.2 eps="auto")', () => {
    // p = (0, 1) for true class 0: clipped to (eps, 1-eps), row sum 1 -> -ln(eps) = 36.0437...
    close(logLoss(f(0), [f(0), f(1)]), -Math.log(Number.EPSILON));
    close(logLoss(f(0), [f(0), f(1)]), 36.04365338911715, 1e-10);
    // Rows not summing to 1 are renormalised: (0.2, 0.6) -> (0.25, 0.75).
    close(logLoss(f(1), [f(0.2), f(0.6)]), -Math.log(0.75));
  });
});

describe('calibration curve', () => {
  it('uniform bins, edges in the lower bin, empty bins dropped', () => {
    // Edges .2 .4 .6 .8: .1 and .2 -> bin 0, .3 -> bin 1, .65 -> bin 3, .9 -> bin 4; bin 2 empty.
    const c = calibrationCurve(f(0, 0, 1, 1, 1), f(0.1, 0.2, 0.3, 0.65, 0.9));
    expect(c.probTrue).toEqual([0, 1, 1, 1]);
    [0.15, 0.3, 0.65, 0.9].forEach((v, i) => close(c.probPred[i], v));
    expect(c.counts).toEqual([2, 1, 1, 1]);
    // numpy's linspace gives the third edge as 0.6000000000000001: 0.6 itself falls in bin 2.
    expect(calibrationCurve(f(1), f(0.6)).probPred).toEqual([0.6]);
    expect(calibrationCurve(f(1, 0), f(0.6, 0.61), 5).counts).toEqual([1, 1]);
    expect(() => calibrationCurve(f(1), f(1.5))).toThrow(/outside/);
  });
});

describe('regression metrics', () => {
  // scikit-learn's docstring example: y 3, -0.5, 2, 7 and predictions 2.5, 0, 2, 8.
  const y = f(3, -0.5, 2, 7), p = f(2.5, 0, 2, 8);
  it('by hand', () => {
    expect(Array.from(residuals(y, p))).toEqual([0.5, -0.5, 0, -1]);
    close(meanSquaredError(y, p), 0.375); // (0.25 + 0.25 + 0 + 1) / 4
    close(rmse(y, p), Math.sqrt(0.375));
    close(mae(y, p), 0.5); // (0.5 + 0.5 + 0 + 1) / 4
    // ȳ = 2.875; SS_tot = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875; 1 - 1.5/29.1875
    close(r2(y, p), 1 - 1.5 / 29.1875);
    close(r2(y, p), 0.9486081370449679);
  });
  it('constant y_true: R2 is 1 when perfect, 0 otherwise', () => {
    expect(r2(f(2, 2), f(2, 2))).toBe(1);
    expect(r2(f(2, 2), f(2, 3))).toBe(0);
  });
});

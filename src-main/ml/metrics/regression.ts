/** Regression metrics over Float64Arrays, as scikit-learn computes them (unweighted, one output). */

function check(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== yPred.length) throw new Error(`y_true has ${yTrue.length} rows, y_pred has ${yPred.length}`);
  if (yTrue.length === 0) throw new Error('regression metrics need at least one row');
}

/** y_true - y_pred, row by row. */
export function residuals(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): Float64Array {
  check(yTrue, yPred);
  const out = new Float64Array(yTrue.length);
  for (let i = 0; i < out.length; i++) out[i] = yTrue[i] - yPred[i];
  return out;
}

export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) { const d = yTrue[i] - yPred[i]; s += d * d; }
  return s / yTrue.length;
}

export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i] - yPred[i]);
  return s / yTrue.length;
}

/**
 * Coefficient of determination 1 - SS_res / SS_tot. A constant y_true gives 1 for a perfect
 * prediction and 0 otherwise (scikit-learn's force_finite=True).
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check(yTrue, yPred);
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let ssRes = 0, ssTot = 0;
  for (let i = 0; i < n; i++) {
    const r = yTrue[i] - yPred[i];
    const t = yTrue[i] - mean;
    ssRes += r * r;
    ssTot += t * t;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

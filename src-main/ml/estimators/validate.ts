/**
 * Input checks shared by the estimators' fit and predict (scikit-learn's check_X_y / check_array),
 * so every estimator refuses bad data the same way, with a message naming the estimator, the
 * feature and the row. The conformance suite (conformance.test.ts) holds each estimator to them.
 */
import type { Matrix, Target } from '../estimator.js';

function featureName(X: Matrix, j: number): string {
  return X.names[j] ?? `#${j}`;
}

/** Every column holds X.rows values, all finite (missing values must be imputed upstream). */
function checkColumns(kind: string, X: Matrix): void {
  for (let j = 0; j < X.columns.length; j++) {
    const c = X.columns[j];
    if (c.length !== X.rows) throw new Error(`${kind}: feature "${featureName(X, j)}" has ${c.length} values, X has ${X.rows} rows`);
    for (let i = 0; i < c.length; i++) {
      if (!Number.isFinite(c[i])) {
        const what = Number.isNaN(c[i]) ? 'a missing value (NaN)' : `an infinite value (${c[i]})`;
        throw new Error(`${kind}: feature "${featureName(X, j)}" has ${what} at row ${i}: impute or filter it first`);
      }
    }
  }
}

/** X and y for fit: at least one row and one feature, y as long as X, every X value finite. */
export function checkFitData(kind: string, X: Matrix, y: Target): void {
  if (X.rows === 0) throw new Error(`${kind}: cannot fit on 0 rows`);
  if (X.columns.length === 0) throw new Error(`${kind}: cannot fit without features`);
  if (y.values.length !== X.rows) throw new Error(`${kind}: y has ${y.values.length} rows, X has ${X.rows}`);
  checkColumns(kind, X);
}

/** A regression target: every value finite. */
export function checkRegressionTarget(kind: string, y: Target): void {
  for (let i = 0; i < y.values.length; i++) {
    if (!Number.isFinite(y.values[i])) throw new Error(`${kind}: the target has a missing or infinite value at row ${i}`);
  }
}

/**
 * A classification target: integer codes 0..k-1 (k = y.classes.length, or the largest code + 1),
 * with at least two distinct classes present. Declared classes may be absent (a cross-validation
 * fold can miss a rare one). Returns k.
 */
export function checkClassTarget(kind: string, y: Target): number {
  const codes = y.values;
  let max = -1;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (!Number.isInteger(c) || c < 0) throw new Error(`${kind}: target value ${c} at row ${i} is not a class code (an integer >= 0)`);
    if (c > max) max = c;
  }
  const k = y.classes ? y.classes.length : max + 1;
  if (max >= k) throw new Error(`${kind}: target class code ${max} is outside the ${k} classes`);
  let first = -1;
  for (let i = 0; i < codes.length; i++) {
    if (first < 0) first = codes[i];
    else if (codes[i] !== first) return k;
  }
  const only = first < 0 ? 'no' : `only one class (${y.classes?.[first] ?? first})`;
  throw new Error(`${kind}: the target has ${only} in the training rows; a classifier needs at least 2 classes`);
}

/** X for predict: the fitted number of features, columns of X.rows values, every value finite. */
export function checkPredictData(kind: string, nFeatures: number, X: Matrix): void {
  if (X.columns.length !== nFeatures) throw new Error(`${kind}: X has ${X.columns.length} features, the model was fitted with ${nFeatures}`);
  checkColumns(kind, X);
}

/**
 * Ordinary least squares and ridge regression (scikit-learn's LinearRegression and Ridge).
 *
 * Like scikit-learn, with fit_intercept the columns and the target are centred first, the
 * centred problem is solved (the intercept is never penalised) and the intercept is recovered
 * as mean(y) - mean(X)·coef. The solve is a Householder QR of the centred design matrix
 * (augmented with sqrt(alpha)·I for ridge), never the normal equations.
 */
import type { Estimator, Matrix, Target } from '../../estimator.js';
import { checkFitData, checkPredictData, checkRegressionTarget } from '../validate.js';
import { lstsqQR } from './qr.js';

export interface LinearModelState {
  readonly kind: 'LinearRegression' | 'Ridge';
  readonly names: string[];
  readonly coef: number[];
  readonly intercept: number;
  /** Numerical rank of the (centred) design matrix; < coef.length means collinear columns. */
  readonly rank: number;
}

export interface LinearRegressionParams {
  readonly fit_intercept?: boolean;
}

export interface RidgeParams {
  readonly alpha?: number;
  readonly fit_intercept?: boolean;
}

export class LinearRegression implements Estimator<LinearModelState> {
  readonly kind = 'LinearRegression';
  readonly task = 'regression';
  constructor(readonly params: LinearRegressionParams = {}) {}

  fit(X: Matrix, y: Target): LinearModelState {
    return fitLinear('LinearRegression', X, y, 0, this.params.fit_intercept ?? true);
  }

  predict(state: LinearModelState, X: Matrix): Float64Array {
    return predictLinear(state, X);
  }
}

export class Ridge implements Estimator<LinearModelState> {
  readonly kind = 'Ridge';
  readonly task = 'regression';
  constructor(readonly params: RidgeParams = {}) {}

  fit(X: Matrix, y: Target): LinearModelState {
    const alpha = this.params.alpha ?? 1.0;
    if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new Error(`Ridge: alpha must be a finite number >= 0, got ${alpha}`);
    return fitLinear('Ridge', X, y, alpha, this.params.fit_intercept ?? true);
  }

  predict(state: LinearModelState, X: Matrix): Float64Array {
    return predictLinear(state, X);
  }
}

function fitLinear(kind: LinearModelState['kind'], X: Matrix, y: Target, alpha: number, fitIntercept: boolean): LinearModelState {
  checkFitData(kind, X, y);
  checkRegressionTarget(kind, y);
  const n = X.rows;
  const p = X.columns.length;
  const xMean = new Float64Array(p);
  let yMean = 0;
  if (fitIntercept) {
    for (let j = 0; j < p; j++) xMean[j] = mean(X.columns[j]);
    yMean = mean(y.values);
  }
  const extra = alpha > 0 ? p : 0;
  const sqrtAlpha = Math.sqrt(alpha);
  const cols = X.columns.map((c, j) => {
    const out = new Float64Array(n + extra);
    const m = xMean[j];
    for (let i = 0; i < n; i++) out[i] = c[i] - m;
    if (extra) out[n + j] = sqrtAlpha;
    return out;
  });
  const rhs = new Float64Array(n + extra);
  for (let i = 0; i < n; i++) rhs[i] = y.values[i] - yMean;
  const { x: coef, rank } = lstsqQR(cols, rhs);
  let intercept = 0;
  if (fitIntercept) {
    intercept = yMean;
    for (let j = 0; j < p; j++) intercept -= xMean[j] * coef[j];
  }
  return { kind, names: [...X.names], coef: Array.from(coef), intercept, rank };
}

export function predictLinear(state: LinearModelState, X: Matrix): Float64Array {
  checkPredictData(state.kind, state.coef.length, X);
  const out = new Float64Array(X.rows).fill(state.intercept);
  for (let j = 0; j < state.coef.length; j++) {
    const c = X.columns[j];
    const w = state.coef[j];
    for (let i = 0; i < X.rows; i++) out[i] += w * c[i];
  }
  return out;
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

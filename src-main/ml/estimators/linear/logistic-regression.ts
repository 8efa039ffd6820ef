/**
 * L2-penalised logistic regression (scikit-learn's LogisticRegression with solver='lbfgs').
 *
 * Objective, as scikit-learn 1.2 gives it to L-BFGS-B: Σᵢ lossᵢ + ||W||² / (2C), the intercept not
 * penalised. Two classes: one coefficient vector for class 1 (sigmoid). More: multinomial softmax
 * with one coefficient vector per class. The optimiser starts from zero; stopping uses gtol=tol on
 * the largest gradient component and ftol=64·eps on the relative decrease, like scikit-learn.
 */
import type { Estimator, FitOptions, Matrix, Target } from '../../estimator.js';
import { checkClassTarget, checkFitData, checkPredictData } from '../validate.js';
import { minimizeLbfgs } from './lbfgs.js';

export interface LogisticRegressionParams {
  readonly penalty?: 'l2' | 'none';
  readonly C?: number;
  readonly max_iter?: number;
  readonly tol?: number;
  readonly fit_intercept?: boolean;
}

export interface LogisticRegressionState {
  readonly kind: 'LogisticRegression';
  readonly names: string[];
  readonly classes: string[];
  /** One row per class (k > 2), or a single row for class 1 (binary), like coef_. */
  readonly coef: number[][];
  readonly intercept: number[];
  readonly n_iter: number;
  /** False when max_iter was reached first (scikit-learn's ConvergenceWarning). */
  readonly converged: boolean;
}

export class LogisticRegression implements Estimator<LogisticRegressionState> {
  readonly kind = 'LogisticRegression';
  readonly task = 'classification';
  constructor(readonly params: LogisticRegressionParams = {}) {}

  fit(X: Matrix, y: Target, opts?: FitOptions): LogisticRegressionState {
    const C = this.params.C ?? 1.0;
    const maxIter = this.params.max_iter ?? 100;
    const tol = this.params.tol ?? 1e-4;
    const fitIntercept = this.params.fit_intercept ?? true;
    const penalty = this.params.penalty ?? 'l2';
    if (!(C > 0)) throw new Error(`LogisticRegression: C must be > 0, got ${C}`);
    if (!(maxIter >= 0)) throw new Error(`LogisticRegression: max_iter must be >= 0, got ${maxIter}`);
    checkFitData(this.kind, X, y);
    const k = checkClassTarget(this.kind, y);
    const classes = y.classes ? [...y.classes] : Array.from({ length: k }, (_, i) => String(i));
    const codes = y.values;
    const lambda = penalty === 'none' ? 0 : 1 / C;
    const p = X.columns.length;
    const rows = k === 2 ? 1 : k;
    const stride = p + 1; // per class: p weights then the intercept
    const objective = k === 2 ? binaryObjective(X, codes, lambda, fitIntercept) : softmaxObjective(X, codes, k, lambda, fitIntercept);
    const res = minimizeLbfgs(objective, new Float64Array(rows * stride), {
      maxIter, gtol: tol, ftol: 64 * Number.EPSILON,
      onIteration: opts?.progress ? (it) => opts.progress?.(it / maxIter, `iteration ${it}`) : undefined,
    });
    const coef: number[][] = [];
    const intercept: number[] = [];
    for (let c = 0; c < rows; c++) {
      coef.push(Array.from(res.x.subarray(c * stride, c * stride + p)));
      intercept.push(fitIntercept ? res.x[c * stride + p] : 0);
    }
    return { kind: 'LogisticRegression', names: [...X.names], classes, coef, intercept, n_iter: res.iterations, converged: res.message !== 'max_iter' && res.message !== 'line_search_failed' };
  }

  decisionFunction(state: LogisticRegressionState, X: Matrix): Float64Array[] {
    checkPredictData(this.kind, state.coef[0].length, X);
    return state.coef.map((w, c) => linear(X, w, state.intercept[c]));
  }

  predictProba(state: LogisticRegressionState, X: Matrix): Float64Array[] {
    const z = this.decisionFunction(state, X);
    if (state.classes.length === 2) {
      const p1 = z[0].map(sigmoid);
      return [p1.map((v) => 1 - v), p1];
    }
    softmaxInPlace(z, X.rows);
    return z;
  }

  predict(state: LogisticRegressionState, X: Matrix): Float64Array {
    const z = this.decisionFunction(state, X);
    if (state.classes.length === 2) return z[0].map((v) => (v > 0 ? 1 : 0));
    return argmaxColumns(z, X.rows);
  }
}

function linear(X: Matrix, w: readonly number[] | Float64Array, b: number, out = new Float64Array(X.rows)): Float64Array {
  out.fill(b);
  for (let j = 0; j < w.length; j++) {
    const wj = w[j];
    if (wj === 0) continue;
    const col = X.columns[j];
    for (let i = 0; i < out.length; i++) out[i] += wj * col[i];
  }
  return out;
}

/** log(1 + e^z) without overflow. */
function log1pexp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function binaryObjective(X: Matrix, y: Float64Array, lambda: number, fitIntercept: boolean) {
  const n = X.rows;
  const p = X.columns.length;
  const z = new Float64Array(n);
  const r = new Float64Array(n);
  return (theta: Float64Array, grad: Float64Array): number => {
    const w = theta.subarray(0, p);
    linear(X, w, fitIntercept ? theta[p] : 0, z);
    let loss = 0;
    let rsum = 0;
    for (let i = 0; i < n; i++) {
      loss += log1pexp(z[i]) - y[i] * z[i];
      r[i] = sigmoid(z[i]) - y[i];
      rsum += r[i];
    }
    let pen = 0;
    for (let j = 0; j < p; j++) {
      const col = X.columns[j];
      let gj = 0;
      for (let i = 0; i < n; i++) gj += r[i] * col[i];
      grad[j] = gj + lambda * w[j];
      pen += w[j] * w[j];
    }
    grad[p] = fitIntercept ? rsum : 0;
    return loss + 0.5 * lambda * pen;
  };
}

function softmaxObjective(X: Matrix, y: Float64Array, k: number, lambda: number, fitIntercept: boolean) {
  const n = X.rows;
  const p = X.columns.length;
  const stride = p + 1;
  const z = Array.from({ length: k }, () => new Float64Array(n));
  return (theta: Float64Array, grad: Float64Array): number => {
    for (let c = 0; c < k; c++) linear(X, theta.subarray(c * stride, c * stride + p), fitIntercept ? theta[c * stride + p] : 0, z[c]);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, z[c][i]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(z[c][i] - max);
      const lse = max + Math.log(sum);
      loss += lse - z[y[i]][i];
      // z becomes the residual p_ic - [y_i = c].
      for (let c = 0; c < k; c++) z[c][i] = Math.exp(z[c][i] - lse) - (y[i] === c ? 1 : 0);
    }
    let pen = 0;
    for (let c = 0; c < k; c++) {
      const r = z[c];
      const off = c * stride;
      for (let j = 0; j < p; j++) {
        const col = X.columns[j];
        let gj = 0;
        for (let i = 0; i < n; i++) gj += r[i] * col[i];
        const wj = theta[off + j];
        grad[off + j] = gj + lambda * wj;
        pen += wj * wj;
      }
      let rsum = 0;
      for (let i = 0; i < n; i++) rsum += r[i];
      grad[off + p] = fitIntercept ? rsum : 0;
    }
    return loss + 0.5 * lambda * pen;
  };
}

function softmaxInPlace(z: Float64Array[], n: number): void {
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (const zc of z) max = Math.max(max, zc[i]);
    let sum = 0;
    for (const zc of z) { zc[i] = Math.exp(zc[i] - max); sum += zc[i]; }
    for (const zc of z) zc[i] /= sum;
  }
}

function argmaxColumns(z: Float64Array[], n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < z.length; c++) if (z[c][i] > z[best][i]) best = c;
    out[i] = best;
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../estimator.js';
import { loadHoldout } from '../../metrics/samples.test-helpers.js';
import { mae, r2, rmse } from '../../metrics/regression.js';
import { LinearRegression, Ridge } from './linear-regression.js';
import { lstsqQR } from './qr.js';

const matrix = (...cols: number[][]): Matrix => ({ rows: cols[0].length, columns: cols.map((c) => Float64Array.from(c)), names: cols.map((_, j) => `x${j}`) });

/**
 * Independent reference: Gauss-Jordan elimination with partial pivoting on the normal equations
 * of the standardised, centred problem (standardising keeps the normal equations well conditioned),
 * mapped back to raw units. Shares no code with the QR solver under test.
 */
function gaussJordanOls(X: Matrix, y: Float64Array, alpha = 0): { coef: number[]; intercept: number } {
  const n = X.rows, p = X.columns.length;
  const mean = X.columns.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const ym = y.reduce((a, b) => a + b, 0) / n;
  const scale = X.columns.map((c, j) => Math.sqrt(c.reduce((a, v) => a + (v - mean[j]) ** 2, 0)));
  const Z = X.columns.map((c, j) => Array.from(c, (v) => (v - mean[j]) / scale[j]));
  // [ZᵀZ + alpha·D⁻² | Zᵀy]: ridge on raw coefficients w = v / scale penalises alpha·(v/scale)².
  const A = Array.from({ length: p }, (_, a) => {
    const row = Array.from({ length: p }, (_, b) => Z[a].reduce((s, v, i) => s + v * Z[b][i], 0) + (a === b ? alpha / scale[a] ** 2 : 0));
    row.push(Z[a].reduce((s, v, i) => s + v * (y[i] - ym), 0));
    return row;
  });
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    [A[c], A[piv]] = [A[piv], A[c]];
    const d = A[c][c];
    for (let k = c; k <= p; k++) A[c][k] /= d;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r][c];
      for (let k = c; k <= p; k++) A[r][k] -= f * A[c][k];
    }
  }
  const coef = A.map((row, j) => row[p] / scale[j]);
  return { coef, intercept: ym - coef.reduce((s, w, j) => s + w * mean[j], 0) };
}

describe('lstsqQR', () => {
  it('solves a square system exactly', () => {
    // [2 1; 1 3] x = [3; 5]  =>  x = (4/5, 7/5)
    const { x, rank } = lstsqQR([Float64Array.from([2, 1]), Float64Array.from([1, 3])], Float64Array.from([3, 5]));
    expect(rank).toBe(2);
    expect(x[0]).toBeCloseTo(0.8, 14);
    expect(x[1]).toBeCloseTo(1.4, 14);
  });

  it('gives a dependent column coefficient 0 and reports the rank', () => {
    const a = Float64Array.from([1, 2, 3, 4]);
    const { x, rank } = lstsqQR([a, Float64Array.from(a, (v) => 2 * v)], Float64Array.from([2, 4, 6, 8]));
    expect(rank).toBe(1);
    // Fit is still exact: x0·a + x1·2a = 2a.
    expect(x[0] + 2 * x[1]).toBeCloseTo(2, 12);
  });
});

describe('LinearRegression', () => {
  it('recovers y = 1 + 2·x0 - 3·x1 exactly', () => {
    const x0 = [0, 1, 2, 3, 4], x1 = [1, 0, 2, 5, 3];
    const y = x0.map((v, i) => 1 + 2 * v - 3 * x1[i]);
    const est = new LinearRegression();
    const s = est.fit(matrix(x0, x1), { values: Float64Array.from(y) });
    expect(s.coef[0]).toBeCloseTo(2, 12);
    expect(s.coef[1]).toBeCloseTo(-3, 12);
    expect(s.intercept).toBeCloseTo(1, 12);
    expect(s.rank).toBe(2);
  });

  it('hand case: x = 1,2,3, y = 1,2,2 gives slope 1/2, intercept 2/3', () => {
    // x̄ = 2, ȳ = 5/3; Sxy = (-1)(-2/3) + 0 + (1)(1/3) = 1; Sxx = 2; slope 1/2; b = 5/3 - 1 = 2/3.
    const s = new LinearRegression().fit(matrix([1, 2, 3]), { values: Float64Array.from([1, 2, 2]) });
    expect(Math.abs(s.coef[0] - 0.5)).toBeLessThan(1e-12);
    expect(Math.abs(s.intercept - 2 / 3)).toBeLessThan(1e-12);
  });

  it('fit_intercept=false goes through the origin', () => {
    // Σxy / Σx² = (1 + 4 + 6) / (1 + 4 + 9) = 11/14.
    const s = new LinearRegression({ fit_intercept: false }).fit(matrix([1, 2, 3]), { values: Float64Array.from([1, 2, 2]) });
    expect(s.coef[0]).toBeCloseTo(11 / 14, 14);
    expect(s.intercept).toBe(0);
  });

  it('rejects missing values and mismatched shapes', () => {
    expect(() => new LinearRegression().fit(matrix([1, NaN]), { values: Float64Array.from([1, 2]) })).toThrow(/missing/);
    expect(() => new LinearRegression().fit(matrix([1, 2]), { values: Float64Array.from([1]) })).toThrow(/rows/);
    const s = new LinearRegression().fit(matrix([1, 2, 3]), { values: Float64Array.from([1, 2, 3]) });
    expect(() => new LinearRegression().predict(s, matrix([1], [2]))).toThrow(/features/);
  });

  describe('diabetes holdout (scikit-learn 1.2.1: RMSE 56.3929, R2 0.3594, MAE 45.1206)', () => {
    const d = loadHoldout('diabetes');
    const est = new LinearRegression();
    const state = est.fit(d.Xtrain, d.ytrain);

    it('coefficients equal an independent Gauss-Jordan solve to 1e-6', () => {
      const ref = gaussJordanOls(d.Xtrain, d.ytrain.values);
      for (let j = 0; j < 10; j++) expect(Math.abs(state.coef[j] - ref.coef[j])).toBeLessThan(1e-6);
      expect(Math.abs(state.intercept - ref.intercept)).toBeLessThan(1e-6);
    });

    it('coefficients equal scipy.linalg.lstsq on the centred rows (what scikit-learn calls) to 1e-9', () => {
      // Computed offline with numpy 2.4 / scipy 1.17 on the same 331 training rows.
      const LSTSQ = [-0.15715083732099347, -19.89039971039739, 6.395807421710693, 1.0428085935842182, -0.7707963252255201,
        0.40929683741275724, -0.03264415308848023, 5.01603367679236, 64.09941722726957, 0.11742778564542711];
      for (let j = 0; j < 10; j++) expect(Math.abs(state.coef[j] - LSTSQ[j])).toBeLessThan(1e-9);
      expect(Math.abs(state.intercept - -305.97475971896654)).toBeLessThan(1e-9);
    });

    it('holdout scores equal scikit-learn to 1e-4', () => {
      const pred = est.predict(state, d.Xtest);
      expect(Math.abs(rmse(d.ytest.values, pred) - 56.3929)).toBeLessThan(1e-4);
      expect(Math.abs(r2(d.ytest.values, pred) - 0.3594)).toBeLessThan(1e-4);
      expect(Math.abs(mae(d.ytest.values, pred) - 45.1206)).toBeLessThan(1e-4);
    });

    it('predicts the same from a JSON round trip of the state', () => {
      const loaded = JSON.parse(JSON.stringify(state)) as typeof state;
      expect(est.predict(loaded, d.Xtest)).toEqual(est.predict(state, d.Xtest));
    });
  });
});

describe('Ridge', () => {
  it('hand case: x = 0,1,2, y = 0,1,2, alpha 1 gives slope Sxy/(Sxx+1) = 2/3, intercept 1/3', () => {
    const s = new Ridge().fit(matrix([0, 1, 2]), { values: Float64Array.from([0, 1, 2]) });
    expect(Math.abs(s.coef[0] - 2 / 3)).toBeLessThan(1e-12);
    expect(Math.abs(s.intercept - 1 / 3)).toBeLessThan(1e-12);
  });

  it('alpha = 0 equals LinearRegression', () => {
    const d = loadHoldout('diabetes');
    const a = new Ridge({ alpha: 0 }).fit(d.Xtrain, d.ytrain);
    const b = new LinearRegression().fit(d.Xtrain, d.ytrain);
    for (let j = 0; j < 10; j++) expect(Math.abs(a.coef[j] - b.coef[j])).toBeLessThan(1e-9);
  });

  it('diabetes, alpha 1: equals Gauss-Jordan on XᵀX + I to 1e-6', () => {
    const d = loadHoldout('diabetes');
    const s = new Ridge({ alpha: 1 }).fit(d.Xtrain, d.ytrain);
    const ref = gaussJordanOls(d.Xtrain, d.ytrain.values, 1);
    for (let j = 0; j < 10; j++) expect(Math.abs(s.coef[j] - ref.coef[j])).toBeLessThan(1e-6);
    expect(Math.abs(s.intercept - ref.intercept)).toBeLessThan(1e-6);
  });

  it('rejects a negative alpha', () => {
    expect(() => new Ridge({ alpha: -1 }).fit(matrix([1, 2]), { values: Float64Array.from([1, 2]) })).toThrow(/alpha/);
  });
});

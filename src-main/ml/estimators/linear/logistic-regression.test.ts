import { describe, expect, it } from 'vitest';
import { seededRandom, type Matrix } from '../../estimator.js';
import { accuracy, f1Score } from '../../metrics/classification.js';
import { rocAuc } from '../../metrics/ranking.js';
import { loadHoldout } from '../../metrics/samples.test-helpers.js';
import { minimizeLbfgs } from './lbfgs.js';
import { LogisticRegression, type LogisticRegressionState } from './logistic-regression.js';

/** The binary objective recomputed from a fitted state: Σ log(1+e^z) - y·z + ||w||²/(2C). */
function binaryObjective(s: LogisticRegressionState, X: Matrix, y: Float64Array, C = 1): number {
  let f = 0;
  for (let i = 0; i < X.rows; i++) {
    let z = s.intercept[0];
    for (let j = 0; j < X.columns.length; j++) z += s.coef[0][j] * X.columns[j][i];
    f += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
  }
  return f + s.coef[0].reduce((a, w) => a + w * w, 0) / (2 * C);
}

describe('minimizeLbfgs', () => {
  it('minimises the Rosenbrock function from (-1.2, 1)', () => {
    const res = minimizeLbfgs((x, g) => {
      const [a, b] = [x[0], x[1]];
      g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
      g[1] = 200 * (b - a * a);
      return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
    }, Float64Array.from([-1.2, 1]), { maxIter: 200, gtol: 1e-8 });
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 6);
    expect(res.x[1]).toBeCloseTo(1, 6);
  });

  it('solves a convex quadratic with an ill-conditioned Hessian', () => {
    // f = ½ Σ dᵢ xᵢ² - xᵢ with d from 1 to 1e6: minimiser xᵢ = 1/dᵢ.
    const d = [1, 10, 100, 1e4, 1e6];
    const res = minimizeLbfgs((x, g) => {
      let f = 0;
      for (let i = 0; i < d.length; i++) { g[i] = d[i] * x[i] - 1; f += 0.5 * d[i] * x[i] * x[i] - x[i]; }
      return f;
    }, new Float64Array(5), { maxIter: 500, gtol: 1e-10 });
    for (let i = 0; i < d.length; i++) expect(Math.abs(res.x[i] - 1 / d[i])).toBeLessThan(1e-8);
  });
});

describe('LogisticRegression', () => {
  it('hand case: x = -1, +1 with y = 0, 1 has b = 0 and w = 2·σ(-w)', () => {
    // By symmetry b = 0; the gradient in w is -σ(-w) + (σ(w) - 1) + w = w - 2σ(-w) = 0.
    let lo = 0, hi = 2;
    for (let i = 0; i < 200; i++) { const m = (lo + hi) / 2; if (m - 2 / (1 + Math.exp(m)) > 0) hi = m; else lo = m; }
    const s = new LogisticRegression().fit({ rows: 2, columns: [Float64Array.from([-1, 1])], names: ['x'] }, { values: Float64Array.from([0, 1]), classes: ['no', 'yes'] });
    expect(Math.abs(s.coef[0][0] - lo)).toBeLessThan(1e-6);
    expect(Math.abs(s.intercept[0])).toBeLessThan(1e-6);
    expect(s.classes).toEqual(['no', 'yes']);
  });

  it('needs two classes and valid codes', () => {
    const X = { rows: 2, columns: [Float64Array.from([1, 2])], names: ['x'] };
    expect(() => new LogisticRegression().fit(X, { values: Float64Array.from([1, 1]), classes: ['a', 'b'] })).toThrow(/2 classes/);
    expect(() => new LogisticRegression().fit(X, { values: Float64Array.from([0, 2]), classes: ['a', 'b'] })).toThrow(/class code/);
  });

  describe('breast_cancer holdout, raw features (benign = class 1 is positive)', () => {
    const d = loadHoldout('breast_cancer');

    it('default max_iter=100: stops unconverged like scikit-learn, scores near its 0.9371 / 0.9901 / 0.9503', () => {
      const est = new LogisticRegression();
      const s = est.fit(d.Xtrain, d.ytrain);
      expect(s.converged).toBe(false);
      expect(s.n_iter).toBe(100);
      const pred = est.predict(s, d.Xtest);
      const proba = est.predictProba(s, d.Xtest);
      expect(Math.abs(accuracy(d.ytest.values, pred) - 0.9371)).toBeLessThan(0.02);
      expect(Math.abs(rocAuc(d.ytest.values, proba[1]) - 0.9901)).toBeLessThan(0.01);
      expect(Math.abs(f1Score(d.ytest.values, pred, 1) - 0.9503)).toBeLessThan(0.02);
    });

    it('max_iter=10000 converges to the optimum (scikit-learn acc 0.9371, AUC 0.9908)', () => {
      const est = new LogisticRegression({ max_iter: 10000 });
      const s = est.fit(d.Xtrain, d.ytrain);
      expect(s.converged).toBe(true);
      // scipy L-BFGS-B run to ftol 1e-15 on the same objective reached 36.53897003288759.
      expect(binaryObjective(s, d.Xtrain, d.ytrain.values)).toBeLessThan(36.53897003288759 + 1e-4);
      const pred = est.predict(s, d.Xtest);
      expect(Math.abs(accuracy(d.ytest.values, pred) - 0.9371)).toBeLessThan(0.005);
      expect(Math.abs(rocAuc(d.ytest.values, est.predictProba(s, d.Xtest)[1]) - 0.9908)).toBeLessThan(0.002);
    });

    it('is deterministic and predicts the same from a JSON round trip', () => {
      const est = new LogisticRegression();
      const a = est.fit(d.Xtrain, d.ytrain);
      const b = est.fit(d.Xtrain, d.ytrain);
      expect(b).toEqual(a);
      const loaded = JSON.parse(JSON.stringify(a)) as LogisticRegressionState;
      expect(est.predictProba(loaded, d.Xtest)).toEqual(est.predictProba(a, d.Xtest));
    });
  });

  describe('multinomial (3 classes)', () => {
    const rnd = seededRandom(7);
    const n = 300;
    const centres = [[0, 0], [3, 0], [0, 3]];
    const x0 = new Float64Array(n), x1 = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      y[i] = c;
      x0[i] = centres[c][0] + 2 * (rnd() - 0.5) * 2;
      x1[i] = centres[c][1] + 2 * (rnd() - 0.5) * 2;
    }
    const X = { rows: n, columns: [x0, x1], names: ['a', 'b'] };
    const est = new LogisticRegression({ max_iter: 1000, tol: 1e-8 });
    const s = est.fit(X, { values: y, classes: ['r', 'g', 'b'] });

    it('has one coefficient row per class and probabilities summing to 1', () => {
      expect(s.coef).toHaveLength(3);
      const proba = est.predictProba(s, X);
      for (let i = 0; i < n; i++) expect(proba[0][i] + proba[1][i] + proba[2][i]).toBeCloseTo(1, 12);
      expect(accuracy(y, est.predict(s, X))).toBeGreaterThan(0.8);
    });

    it('meets the optimality conditions: mean probability = class frequency (free intercepts), Σ_c W = 0', () => {
      const proba = est.predictProba(s, X);
      for (let c = 0; c < 3; c++) {
        const meanP = proba[c].reduce((a, b) => a + b, 0) / n;
        expect(Math.abs(meanP - 1 / 3)).toBeLessThan(1e-7);
      }
      // Σ_c ∇_{w_c} = Σ_i x_i·(Σ_c p_ic - 1) + Σ_c w_c / C = Σ_c w_c / C, so it vanishes at the optimum.
      for (let j = 0; j < 2; j++) expect(Math.abs(s.coef[0][j] + s.coef[1][j] + s.coef[2][j])).toBeLessThan(1e-6);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { accuracy, f1Score } from '../../metrics/classification.js';
import { rocAuc } from '../../metrics/ranking.js';
import { loadHoldout } from '../../metrics/samples.test-helpers.js';
import { GaussianNB, type GaussianNBState } from './gaussian-nb.js';

describe('GaussianNB', () => {
  it('hand case: means, population variances + epsilon, priors, probabilities', () => {
    // x = 0, 2 (class a) and 4, 6, 8 (class b). All x: mean 4, var (16+4+0+4+16)/5 = 8 -> eps 8e-9.
    // a: mean 1, var 1; b: mean 6, var (4+0+4)/3 = 8/3. Priors 2/5, 3/5.
    const X = { rows: 5, columns: [Float64Array.from([0, 2, 4, 6, 8])], names: ['x'] };
    const est = new GaussianNB();
    const s = est.fit(X, { values: Float64Array.from([0, 0, 1, 1, 1]), classes: ['a', 'b'] });
    expect(s.epsilon).toBeCloseTo(8e-9, 22);
    expect(s.theta).toEqual([[1], [6]]);
    expect(Math.abs(s.var[0][0] - (1 + 8e-9))).toBeLessThan(1e-15);
    expect(Math.abs(s.var[1][0] - (8 / 3 + 8e-9))).toBeLessThan(1e-15);
    expect(s.class_prior).toEqual([0.4, 0.6]);
    // At x = 3: log N(3; 1, 1) + log .4 vs log N(3; 6, 8/3) + log .6, by the formula.
    const v0 = 1 + 8e-9, v1 = 8 / 3 + 8e-9;
    const l0 = Math.log(0.4) - 0.5 * Math.log(2 * Math.PI * v0) - (2 * 2) / (2 * v0);
    const l1 = Math.log(0.6) - 0.5 * Math.log(2 * Math.PI * v1) - (3 * 3) / (2 * v1);
    const p = est.predictProba(s, { rows: 1, columns: [Float64Array.from([3])], names: ['x'] });
    expect(Math.abs(p[1][0] - Math.exp(l1) / (Math.exp(l0) + Math.exp(l1)))).toBeLessThan(1e-12);
  });

  it('honours given priors and refuses bad ones', () => {
    const X = { rows: 4, columns: [Float64Array.from([0, 1, 5, 6])], names: ['x'] };
    const y = { values: Float64Array.from([0, 0, 1, 1]), classes: ['a', 'b'] };
    expect(new GaussianNB({ priors: [0.9, 0.1] }).fit(X, y).class_prior).toEqual([0.9, 0.1]);
    expect(() => new GaussianNB({ priors: [0.9, 0.2] }).fit(X, y)).toThrow(/priors/);
    expect(() => new GaussianNB().fit(X, { values: y.values, classes: ['a', 'b', 'c'] })).toThrow(/no training rows/);
  });

  describe('breast_cancer holdout (scikit-learn 1.2.1: acc 0.9231, AUC 0.9757, F1 0.9385)', () => {
    const d = loadHoldout('breast_cancer');
    const est = new GaussianNB();
    const s = est.fit(d.Xtrain, d.ytrain);

    it('class means and variances equal an independent computation to 1e-9', () => {
      // Independent: per class, gather the rows, mean by one sum, variance as E[(x-mean)²].
      const n = d.Xtrain.rows;
      let maxVar = 0;
      for (const col of d.Xtrain.columns) {
        const m = col.reduce((a, b) => a + b, 0) / n;
        maxVar = Math.max(maxVar, col.reduce((a, v) => a + (v - m) ** 2, 0) / n);
      }
      const eps = 1e-9 * maxVar;
      expect(Math.abs(s.epsilon - eps)).toBeLessThan(1e-15);
      for (let c = 0; c < 2; c++) {
        const rows = [...d.ytrain.values.keys()].filter((i) => d.ytrain.values[i] === c);
        expect(s.class_count[c]).toBe(rows.length);
        expect(s.class_prior[c]).toBe(rows.length / n);
        d.Xtrain.columns.forEach((col, j) => {
          const vals = rows.map((i) => col[i]);
          const m = vals.reduce((a, b) => a + b, 0) / vals.length;
          const v = vals.reduce((a, x) => a + (x - m) ** 2, 0) / vals.length + eps;
          expect(Math.abs(s.theta[c][j] - m)).toBeLessThan(1e-9 * Math.max(1, Math.abs(m)));
          expect(Math.abs(s.var[c][j] - v)).toBeLessThan(1e-9 * Math.max(1, v));
        });
      }
    });

    it('holdout scores match scikit-learn', () => {
      const pred = est.predict(s, d.Xtest);
      const proba = est.predictProba(s, d.Xtest);
      expect(Math.abs(accuracy(d.ytest.values, pred) - 0.9231)).toBeLessThan(1e-4);
      expect(Math.abs(rocAuc(d.ytest.values, proba[1]) - 0.9757)).toBeLessThan(1e-4);
      expect(Math.abs(f1Score(d.ytest.values, pred, 1) - 0.9385)).toBeLessThan(1e-4);
      for (let i = 0; i < d.Xtest.rows; i++) expect(proba[0][i] + proba[1][i]).toBeCloseTo(1, 12);
    });

    it('predicts the same from a JSON round trip', () => {
      const loaded = JSON.parse(JSON.stringify(s)) as GaussianNBState;
      expect(est.predictProba(loaded, d.Xtest)).toEqual(est.predictProba(s, d.Xtest));
    });
  });
});

import { describe, expect, it } from 'vitest';
import { seededRandom, type Matrix } from '../../estimator.js';
import { accuracy } from '../../metrics/classification.js';
import { rocAuc } from '../../metrics/ranking.js';
import { rmse } from '../../metrics/regression.js';
import { loadHoldout } from '../../metrics/samples.test-helpers.js';
import { bruteIndex, kdTreeIndex } from './kd-tree.js';
import { KNeighborsClassifier, KNeighborsRegressor, kneighbors, type KNeighborsState } from './knn.js';

const line = (...v: number[]): Matrix => ({ rows: v.length, columns: [Float64Array.from(v)], names: ['x'] });

describe('neighbour search', () => {
  for (const algorithm of ['kd_tree', 'brute'] as const) {
    it(`${algorithm}: equal distances resolve to the lower training index`, () => {
      // Training x = 0, 1, 2, 3, 10. From 1.5: rows 1 and 2 at 0.5, rows 0 and 3 at 1.5, row 4 at 8.5.
      const s = new KNeighborsRegressor({ n_neighbors: 3, algorithm }).fit(line(0, 1, 2, 3, 10), { values: Float64Array.from([0, 1, 2, 3, 4]) });
      const nb = kneighbors(s, line(1.5));
      expect(Array.from(nb.indices)).toEqual([1, 2, 0]);
      expect(Array.from(nb.distances)).toEqual([0.5, 0.5, 1.5]);
    });
  }

  it('the KD-tree returns exactly what brute force returns (grid data full of ties)', () => {
    const rnd = seededRandom(3);
    const n = 2000, d = 3, m = 300, k = 7;
    const data = Float64Array.from({ length: n * d }, () => Math.floor(rnd() * 6));
    const queries = Float64Array.from({ length: m * d }, () => Math.floor(rnd() * 12) / 2);
    const a = kdTreeIndex(data, n, d).query(queries, m, k);
    const b = bruteIndex(data, n, d).query(queries, m, k);
    expect(a.indices).toEqual(b.indices);
    expect(a.distances).toEqual(b.distances);
  });
});

describe('KNeighborsClassifier / KNeighborsRegressor', () => {
  it('uniform votes: 3 of 5 neighbours in class 1 gives proba 0.6', () => {
    const est = new KNeighborsClassifier();
    const s = est.fit(line(0, 1, 2, 3, 4, 100), { values: Float64Array.from([0, 1, 1, 0, 1, 0]), classes: ['a', 'b'] });
    const p = est.predictProba(s, line(2));
    expect(p[1][0]).toBeCloseTo(0.6, 15);
    expect(Array.from(est.predict(s, line(2)))).toEqual([1]);
  });

  it('distance weights: 1/d, and an exact match takes all the weight', () => {
    const est = new KNeighborsRegressor({ n_neighbors: 2, weights: 'distance' });
    const s = est.fit(line(0, 4, 10), { values: Float64Array.from([10, 20, 30]) });
    // From x = 1: d = 1 (y 10), d = 3 (y 20): (10/1 + 20/3) / (1 + 1/3) = 12.5.
    expect(est.predict(s, line(1))[0]).toBeCloseTo(12.5, 12);
    expect(est.predict(s, line(4))[0]).toBe(20);
  });

  it('refuses more neighbours than rows', () => {
    expect(() => new KNeighborsClassifier({ n_neighbors: 4 }).fit(line(0, 1, 2), { values: Float64Array.from([0, 1, 0]) })).toThrow(/n_neighbors/);
  });

  it('breast_cancer holdout, raw features (scikit-learn 1.2.1: acc 0.9161, AUC 0.9536)', () => {
    const d = loadHoldout('breast_cancer');
    const est = new KNeighborsClassifier();
    const s = est.fit(d.Xtrain, d.ytrain);
    expect(s.algorithm).toBe('brute'); // 30 features
    const pred = est.predict(s, d.Xtest);
    const proba = est.predictProba(s, d.Xtest);
    expect(Math.abs(accuracy(d.ytest.values, pred) - 0.9161)).toBeLessThan(1e-4);
    expect(Math.abs(rocAuc(d.ytest.values, proba[1]) - 0.9536)).toBeLessThan(1e-4);
    const tree = new KNeighborsClassifier({ algorithm: 'kd_tree' });
    expect(tree.predictProba(tree.fit(d.Xtrain, d.ytrain), d.Xtest)).toEqual(proba);
  });

  it('diabetes holdout, raw features (scikit-learn 1.2.1: RMSE 64.8228)', () => {
    const d = loadHoldout('diabetes');
    const est = new KNeighborsRegressor();
    const s = est.fit(d.Xtrain, d.ytrain);
    expect(s.algorithm).toBe('kd_tree'); // 10 features
    const pred = est.predict(s, d.Xtest);
    expect(Math.abs(rmse(d.ytest.values, pred) - 64.8228)).toBeLessThan(1e-4);
    const loaded = JSON.parse(JSON.stringify(s)) as KNeighborsState;
    expect(est.predict(loaded, d.Xtest)).toEqual(pred);
  });
});

/** Test helpers: the shipped sample CSVs (plain numeric) and scikit-learn's holdout splits. */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Matrix, Target } from '../../estimator.js';

const ROOT = path.resolve(import.meta.dirname, '../../../..');

export interface Dataset {
  readonly X: Matrix;
  readonly y: Target;
}

/** Reads a numeric CSV whose target column may be text (classes sorted, as scikit-learn's). */
export function loadCsv(rel: string, target: string, classification: boolean): Dataset {
  const lines = readFileSync(path.join(ROOT, rel), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const ti = header.indexOf(target);
  const cells = lines.slice(1).map((l) => l.split(','));
  const names = header.filter((_, j) => j !== ti);
  const columns = header.map((_, j) => j).filter((j) => j !== ti).map((j) => Float64Array.from(cells, (r) => Number(r[j])));
  const raw = cells.map((r) => r[ti]);
  if (!classification) return { X: { rows: cells.length, columns, names }, y: { values: Float64Array.from(raw, Number) } };
  const classes = [...new Set(raw)].sort();
  return { X: { rows: cells.length, columns, names }, y: { values: Float64Array.from(raw, (v) => classes.indexOf(v)), classes } };
}

export function holdout(name: string): { train: number[]; test: number[] } {
  return JSON.parse(readFileSync(path.join(ROOT, 'test-fixtures/reference', `${name}.holdout.json`), 'utf8')) as { train: number[]; test: number[] };
}

/** Test folds of scikit-learn's 5-fold split (train = every other row, in file order). */
export function kfold5(name: string): number[][] {
  return (JSON.parse(readFileSync(path.join(ROOT, 'test-fixtures/reference', `${name}.kfold5.json`), 'utf8')) as { test_folds: number[][] }).test_folds;
}

export function subset(d: Dataset, idx: readonly number[]): Dataset {
  const columns = d.X.columns.map((c) => Float64Array.from(idx, (i) => c[i]));
  const values = Float64Array.from(idx, (i) => d.y.values[i]);
  return { X: { rows: idx.length, columns, names: d.X.names }, y: d.y.classes ? { values, classes: d.y.classes } : { values } };
}

export function accuracy(y: Float64Array, pred: Float64Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === pred[i]) ok++;
  return ok / y.length;
}

/** Rank-based ROC AUC (Mann-Whitney U, ties get average ranks); positive class = code 1. */
export function rocAuc(y: Float64Array, score: Float64Array): number {
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]] === score[order[i]]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let nPos = 0;
  let sumPos = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] === 1) {
      nPos++;
      sumPos += ranks[i];
    }
  }
  const nNeg = n - nPos;
  return (sumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export function rmse(y: Float64Array, pred: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - pred[i]) ** 2;
  return Math.sqrt(s / y.length);
}

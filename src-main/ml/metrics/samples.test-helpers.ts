/**
 * Test fixture loader shared by the estimator and metric tests: reads samples/*.csv (plain
 * numeric CSVs) with node:fs and splits them with the exact scikit-learn holdout indices in
 * test-fixtures/reference/*.holdout.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Matrix, Target } from '../estimator.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface Holdout {
  readonly Xtrain: Matrix;
  readonly ytrain: Target;
  readonly Xtest: Matrix;
  readonly ytest: Target;
}

/**
 * Loads a sample CSV: every column but `target` is numeric. A non-numeric target is coded with
 * `classes` (its order gives the codes).
 */
export function loadSample(file: string, target: string, classes?: readonly string[]): { X: Matrix; y: Target } {
  const lines = readFileSync(path.join(ROOT, 'samples', file), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const t = header.indexOf(target);
  if (t < 0) throw new Error(`${file}: no column ${target}`);
  const names = header.filter((_, j) => j !== t);
  const n = lines.length - 1;
  const columns = names.map(() => new Float64Array(n));
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cells = lines[i + 1].split(',');
    let c = 0;
    for (let j = 0; j < cells.length; j++) {
      if (j === t) {
        values[i] = classes ? classes.indexOf(cells[j]) : Number(cells[j]);
        if (classes && values[i] < 0) throw new Error(`${file}: unknown class ${cells[j]}`);
      } else {
        columns[c++][i] = Number(cells[j]);
      }
    }
  }
  return { X: { rows: n, columns, names }, y: classes ? { values, classes } : { values } };
}

export function takeRows(X: Matrix, rows: readonly number[]): Matrix {
  return { rows: rows.length, names: X.names, columns: X.columns.map((c) => Float64Array.from(rows, (r) => c[r])) };
}

export function takeTarget(y: Target, rows: readonly number[]): Target {
  const values = Float64Array.from(rows, (r) => y.values[r]);
  return y.classes ? { values, classes: y.classes } : { values };
}

export function loadHoldout(dataset: 'breast_cancer' | 'diabetes'): Holdout {
  const ref = JSON.parse(readFileSync(path.join(ROOT, 'test-fixtures/reference', `${dataset}.holdout.json`), 'utf8')) as { train: number[]; test: number[] };
  const { X, y } = dataset === 'breast_cancer'
    // scikit-learn's load_breast_cancer codes malignant 0, benign 1: benign is the positive class.
    ? loadSample('breast_cancer.csv', 'diagnosis', ['malignant', 'benign'])
    : loadSample('diabetes.csv', 'progression');
  return { Xtrain: takeRows(X, ref.train), ytrain: takeTarget(y, ref.train), Xtest: takeRows(X, ref.test), ytest: takeTarget(y, ref.test) };
}

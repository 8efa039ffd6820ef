/**
 * LinearRegression, Ridge and LogisticRegression (binary and multinomial) in double with standard
 * ops: MatMul + Add, then Sigmoid (binary: [1 - p, p], as the app computes it) or Softmax.
 * ai.onnx.ml LinearClassifier/LinearRegressor would compute in float32 and their probability
 * post-transforms differ from the app's for two classes.
 */
import type { LinearModelState } from '../../ml/estimators/linear/linear-regression.js';
import type { LogisticRegressionState } from '../../ml/estimators/linear/logistic-regression.js';
import { scalar } from '../columns.js';
import type { GraphBuilder } from '../graph-builder.js';
import type { EstimatorConverter } from './types.js';

/** X·Wᵀ + b for coefficient rows W ([rows][p]): [N, rows]. */
function affine(g: GraphBuilder, X: string, coef: readonly (readonly number[])[], intercept: readonly number[]): string {
  const p = coef[0].length;
  const wt = new Float64Array(p * coef.length);
  coef.forEach((row, r) => row.forEach((w, j) => (wt[j * coef.length + r] = w)));
  const z = g.op('MatMul', [X, g.doubles('coef_t', wt, [p, coef.length])]);
  return g.op('Add', [z, g.doubles('intercept', intercept, [coef.length])], {}, { hint: 'decision' });
}

export const convertLinearRegression: EstimatorConverter = (g, state, X) => {
  const s = state as LinearModelState;
  return affine(g, X, [s.coef], [s.intercept]);
};

export const convertLogisticRegression: EstimatorConverter = (g, state, X) => {
  const s = state as LogisticRegressionState;
  const z = affine(g, X, s.coef, s.intercept);
  if (s.classes.length === 2) {
    const p1 = g.op('Sigmoid', [z]);
    return g.op('Concat', [g.op('Sub', [scalar(g, 'one', 1), p1]), p1], { axis: { i: 1 } });
  }
  return g.op('Softmax', [z], { axis: { i: 1 } });
};

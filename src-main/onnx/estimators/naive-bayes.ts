/**
 * GaussianNB with standard ops in double: the joint log-likelihood per class,
 * log P(c) - ½ Σⱼ log(2π σ²_cj) - Σⱼ (x_j - θ_cj)² · ½/σ²_cj (the constant computed here as the
 * app computes it), then Softmax, which is the app's log-sum-exp normalisation.
 */
import type { GaussianNBState } from '../../ml/estimators/naive-bayes/gaussian-nb.js';
import type { EstimatorConverter } from './types.js';

export const convertGaussianNB: EstimatorConverter = (g, state, X) => {
  const s = state as GaussianNBState;
  const k = s.theta.length;
  const p = s.theta[0]?.length ?? 0;
  const constants = s.theta.map((_, c) => {
    let constant = Math.log(s.class_prior[c]);
    for (let j = 0; j < p; j++) constant -= 0.5 * Math.log(2 * Math.PI * s.var[c][j]);
    return constant;
  });
  const x3 = g.op('Unsqueeze', [X, g.int64s('axis1', [1])]); // [N, 1, p]
  const d = g.op('Sub', [x3, g.doubles('theta', s.theta.flat(), [1, k, p])]); // [N, k, p]
  const half = g.doubles('half_inv_var', s.var.flat().map((v) => 0.5 / v), [1, k, p]);
  const terms = g.op('Mul', [g.op('Mul', [d, d]), half]);
  const sum = g.op('ReduceSum', [terms, g.int64s('axis2', [2])], { keepdims: { i: 0 } }); // [N, k]
  const jll = g.op('Sub', [g.doubles('log_prior_and_norm', constants, [k]), sum], {}, { hint: 'joint_log_likelihood' });
  return g.op('Softmax', [jll], { axis: { i: 1 } });
};

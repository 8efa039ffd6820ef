/**
 * Gaussian naive Bayes (scikit-learn's GaussianNB).
 *
 * Per class: the mean and the population variance (ddof=0) of each feature, plus
 * epsilon = var_smoothing · (largest population variance of any feature over all training rows).
 * Priors are class frequencies unless given. Class scores are the joint log-likelihoods
 * log P(c) - ½ Σⱼ log(2π σ²_cj) - ½ Σⱼ (x_j - θ_cj)² / σ²_cj, normalised with log-sum-exp.
 */
import type { Estimator, Matrix, Target } from '../../estimator.js';
import { checkClassTarget, checkFitData, checkPredictData } from '../validate.js';

export interface GaussianNBParams {
  readonly var_smoothing?: number;
  /** Prior probabilities of the classes (summing to 1); default: class frequencies. */
  readonly priors?: readonly number[];
}

export interface GaussianNBState {
  readonly kind: 'GaussianNB';
  readonly names: string[];
  readonly classes: string[];
  /** theta_[c][j]: mean of feature j in class c. */
  readonly theta: number[][];
  /** var_[c][j]: population variance of feature j in class c, plus epsilon. */
  readonly var: number[][];
  readonly class_prior: number[];
  readonly class_count: number[];
  readonly epsilon: number;
}

export class GaussianNB implements Estimator<GaussianNBState> {
  readonly kind = 'GaussianNB';
  readonly task = 'classification';
  constructor(readonly params: GaussianNBParams = {}) {}

  fit(X: Matrix, y: Target): GaussianNBState {
    const varSmoothing = this.params.var_smoothing ?? 1e-9;
    const n = X.rows;
    const p = X.columns.length;
    checkFitData(this.kind, X, y);
    const k = checkClassTarget(this.kind, y);
    const classes = y.classes ? [...y.classes] : Array.from({ length: k }, (_, i) => String(i));
    const count = new Float64Array(k);
    for (let i = 0; i < n; i++) count[y.values[i]]++;

    // Two passes per feature (mean, then squared deviations) for accuracy on raw-unit data.
    let maxVar = 0;
    const theta = Array.from({ length: k }, () => new Float64Array(p));
    const vars = Array.from({ length: k }, () => new Float64Array(p));
    const sums = new Float64Array(k);
    for (let j = 0; j < p; j++) {
      const col = X.columns[j];
      let total = 0;
      sums.fill(0);
      for (let i = 0; i < n; i++) {
        const v = col[i];
        total += v;
        sums[y.values[i]] += v;
      }
      const mean = total / n;
      for (let c = 0; c < k; c++) theta[c][j] = count[c] > 0 ? sums[c] / count[c] : 0;
      let ss = 0;
      sums.fill(0);
      for (let i = 0; i < n; i++) {
        const v = col[i];
        ss += (v - mean) * (v - mean);
        const dc = v - theta[y.values[i]][j];
        sums[y.values[i]] += dc * dc;
      }
      maxVar = Math.max(maxVar, ss / n);
      for (let c = 0; c < k; c++) vars[c][j] = count[c] > 0 ? sums[c] / count[c] : 0;
    }
    const epsilon = varSmoothing * maxVar;
    for (let c = 0; c < k; c++) for (let j = 0; j < p; j++) vars[c][j] += epsilon;

    let prior: number[];
    if (this.params.priors) {
      prior = [...this.params.priors];
      if (prior.length !== k) throw new Error(`GaussianNB: ${prior.length} priors given for ${k} classes`);
      const s = prior.reduce((a, b) => a + b, 0);
      if (Math.abs(s - 1) > 1e-8 || prior.some((v) => v < 0)) throw new Error('GaussianNB: priors must be non-negative and sum to 1');
    } else {
      prior = Array.from(count, (c) => c / n);
    }
    for (let c = 0; c < k; c++) {
      if (count[c] === 0) throw new Error(`GaussianNB: class ${classes[c]} has no training rows`);
    }
    return {
      kind: 'GaussianNB', names: [...X.names], classes,
      theta: theta.map((t) => Array.from(t)), var: vars.map((v) => Array.from(v)),
      class_prior: prior, class_count: Array.from(count), epsilon,
    };
  }

  /** Joint log-likelihood per class (column-major). */
  jointLogLikelihood(state: GaussianNBState, X: Matrix): Float64Array[] {
    const p = state.theta[0]?.length ?? 0;
    checkPredictData(this.kind, p, X);
    return state.theta.map((theta, c) => {
      const vr = state.var[c];
      let constant = Math.log(state.class_prior[c]);
      for (let j = 0; j < p; j++) constant -= 0.5 * Math.log(2 * Math.PI * vr[j]);
      const out = new Float64Array(X.rows).fill(constant);
      for (let j = 0; j < p; j++) {
        const col = X.columns[j];
        const m = theta[j];
        const half = 0.5 / vr[j];
        for (let i = 0; i < X.rows; i++) {
          const d = col[i] - m;
          out[i] -= d * d * half;
        }
      }
      return out;
    });
  }

  predictProba(state: GaussianNBState, X: Matrix): Float64Array[] {
    const jll = this.jointLogLikelihood(state, X);
    for (let i = 0; i < X.rows; i++) {
      let max = -Infinity;
      for (const l of jll) max = Math.max(max, l[i]);
      let sum = 0;
      for (const l of jll) sum += Math.exp(l[i] - max);
      const lse = max + Math.log(sum);
      for (const l of jll) l[i] = Math.exp(l[i] - lse);
    }
    return jll;
  }

  predict(state: GaussianNBState, X: Matrix): Float64Array {
    const jll = this.jointLogLikelihood(state, X);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 1; c < jll.length; c++) if (jll[c][i] > jll[best][i]) best = c;
      out[i] = best;
    }
    return out;
  }
}

import type { MaxFeatures } from './estimators/trees/cart.js';

/** Node params are JSON-typed; these turn them into what the estimators take. */

/** 0 (the form's "no limit") or nothing means scikit-learn's None. */
export function optionalCount(value: unknown): number | null {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** `sqrt`, `log2`, `all` (None), or a fraction/count written as a number. */
export function maxFeatures(value: unknown, fallback: MaxFeatures): MaxFeatures {
  if (value === undefined || value === '' || value === 'auto') return fallback;
  if (value === 'sqrt' || value === 'log2') return value;
  if (value === 'all') return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`max_features: "${String(value)}" is not sqrt, log2, all or a positive number`);
  return n;
}

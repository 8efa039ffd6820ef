/**
 * Least squares by Householder QR with column pivoting, on column-major data.
 *
 * Working on the design matrix itself (not on XᵀX) keeps the condition number at cond(X) instead
 * of cond(X)², which matters on raw-unit data (diabetes' s1/s2 columns are strongly collinear).
 * Ridge is the same solve on the augmented system [X; sqrt(alpha)·I] w ≈ [y; 0].
 */

export interface LstsqResult {
  /** Solution, in the original column order. */
  readonly x: Float64Array;
  /** Numerical rank (columns whose pivot survived the tolerance). */
  readonly rank: number;
}

/**
 * Minimises ||A x - b||₂ for A given as `p` columns of length `n` (inputs are not modified).
 * Columns whose pivot falls below `rcond · |R₀₀|` are treated as dependent and get coefficient 0
 * (the basic solution; scikit-learn's lstsq returns the minimum-norm one, which differs only when
 * X is rank deficient).
 */
export function lstsqQR(columns: readonly Float64Array[], b: Float64Array, rcond?: number): LstsqResult {
  const p = columns.length;
  const n = b.length;
  const a = columns.map((c) => Float64Array.from(c));
  const rhs = Float64Array.from(b);
  const perm = Int32Array.from({ length: p }, (_, j) => j);
  const diag = new Float64Array(p);
  const steps = Math.min(n, p);
  const tol = rcond ?? Math.max(n, p) * Number.EPSILON;
  let rank = 0;
  let r00 = 0;
  for (let k = 0; k < steps; k++) {
    // Pivot: the remaining column with the largest norm below row k.
    let best = k;
    let bestNorm = -1;
    for (let j = k; j < p; j++) {
      const nj = sumSquares(a[j], k, n);
      if (nj > bestNorm) { bestNorm = nj; best = j; }
    }
    if (best !== k) {
      [a[k], a[best]] = [a[best], a[k]];
      const t = perm[k]; perm[k] = perm[best]; perm[best] = t;
    }
    const col = a[k];
    const norm = Math.sqrt(bestNorm);
    if (k === 0) r00 = norm;
    if (norm === 0 || norm <= tol * r00) break;
    // Householder vector v = x + sign(x₀)·||x||·e₁, stored in col[k..n); R_kk = -sign(x₀)·||x||.
    const alpha = col[k] >= 0 ? -norm : norm;
    col[k] -= alpha;
    const vnorm2 = sumSquares(col, k, n);
    diag[k] = alpha;
    rank = k + 1;
    if (vnorm2 === 0) continue;
    for (let j = k + 1; j < p; j++) reflect(col, a[j], k, n, vnorm2);
    reflect(col, rhs, k, n, vnorm2);
  }
  // Back substitution on the leading rank×rank block of R (R_kj = a[j][k] for j > k).
  const z = new Float64Array(p);
  for (let k = rank - 1; k >= 0; k--) {
    let s = rhs[k];
    for (let j = k + 1; j < rank; j++) s -= a[j][k] * z[j];
    z[k] = s / diag[k];
  }
  const x = new Float64Array(p);
  for (let k = 0; k < p; k++) x[perm[k]] = z[k];
  return { x, rank };
}

function sumSquares(v: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i] * v[i];
  return s;
}

/** target ← (I - 2 v vᵀ / vᵀv) target, on rows [from, to). */
function reflect(v: Float64Array, target: Float64Array, from: number, to: number, vnorm2: number): void {
  let dot = 0;
  for (let i = from; i < to; i++) dot += v[i] * target[i];
  const f = (2 * dot) / vnorm2;
  if (f === 0) return;
  for (let i = from; i < to; i++) target[i] -= f * v[i];
}

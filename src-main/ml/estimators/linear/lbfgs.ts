/**
 * Limited-memory BFGS (Nocedal & Wright, "Numerical Optimization", algorithms 7.4 and 7.5) with a
 * strong-Wolfe line search (algorithms 3.5 and 3.6, cubic interpolation in the zoom phase).
 *
 * Stopping rules follow scipy's L-BFGS-B as scikit-learn calls it: max |gradient| <= gtol, or a
 * relative decrease of the objective <= ftol, or maxIter iterations.
 */

/** Writes the gradient at x into `grad` and returns the objective at x. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  readonly maxIter: number;
  /** History size (scipy's maxcor). */
  readonly m?: number;
  /** Projected-gradient tolerance (scipy's gtol). */
  readonly gtol?: number;
  /** Relative-reduction tolerance (scipy's ftol). */
  readonly ftol?: number;
  /** Function evaluations allowed per line search (scipy's maxls). */
  readonly maxLineSearch?: number;
  readonly onIteration?: (iteration: number, f: number) => void;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly message: 'gtol' | 'ftol' | 'max_iter' | 'line_search_failed';
}

const C1 = 1e-4;
const C2 = 0.9;

export function minimizeLbfgs(fg: ObjectiveWithGradient, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const m = opts.m ?? 10;
  const gtol = opts.gtol ?? 1e-5;
  const ftol = opts.ftol ?? 64 * Number.EPSILON;
  const maxLs = opts.maxLineSearch ?? 50;
  let evaluations = 0;
  const evaluate = (x: Float64Array, g: Float64Array): number => {
    evaluations++;
    return fg(x, g);
  };

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = evaluate(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alphaBuf = new Float64Array(m);
  const d = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);

  if (maxAbs(g) <= gtol) return { x, f, iterations: 0, evaluations, converged: true, message: 'gtol' };

  for (let iter = 1; iter <= opts.maxIter; iter++) {
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const h = S.length;
    for (let k = h - 1; k >= 0; k--) {
      const a = rho[k] * dot(S[k], d);
      alphaBuf[k] = a;
      axpy(-a, Y[k], d);
    }
    if (h > 0) {
      const gamma = dot(S[h - 1], Y[h - 1]) / dot(Y[h - 1], Y[h - 1]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let k = 0; k < h; k++) {
      const b = rho[k] * dot(Y[k], d);
      axpy(alphaBuf[k] - b, S[k], d);
    }
    let dphi0 = dot(g, d);
    if (!(dphi0 < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0; Y.length = 0; rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dphi0 = dot(g, d);
    }
    const step0 = S.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;
    const ls = wolfeLineSearch(evaluate, x, f, dphi0, d, step0, xNew, gNew, maxLs);
    if (!ls) return { x, f, iterations: iter - 1, evaluations, converged: false, message: 'line_search_failed' };
    const fNew = ls.f;
    // Curvature pair.
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) { s[i] = xNew[i] - x[i]; yv[i] = gNew[i] - g[i]; }
    const sy = dot(s, yv);
    if (sy > Number.EPSILON * dot(yv, yv)) {
      if (S.length === m) { S.shift(); Y.shift(); rho.shift(); }
      S.push(s); Y.push(yv); rho.push(1 / sy);
    }
    const fOld = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    opts.onIteration?.(iter, f);
    if (maxAbs(g) <= gtol) return { x, f, iterations: iter, evaluations, converged: true, message: 'gtol' };
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      return { x, f, iterations: iter, evaluations, converged: true, message: 'ftol' };
    }
  }
  return { x, f, iterations: opts.maxIter, evaluations, converged: false, message: 'max_iter' };
}

/**
 * Finds a step t along d satisfying the strong Wolfe conditions. On success the point and its
 * gradient are left in xOut/gOut and the objective is returned; null when no acceptable step was
 * found within maxLs evaluations.
 */
function wolfeLineSearch(
  evaluate: ObjectiveWithGradient, x: Float64Array, f0: number, dphi0: number, d: Float64Array,
  step0: number, xOut: Float64Array, gOut: Float64Array, maxLs: number,
): { f: number } | null {
  const n = x.length;
  let evals = 0;
  const phi = (t: number): { f: number; dphi: number } => {
    evals++;
    for (let i = 0; i < n; i++) xOut[i] = x[i] + t * d[i];
    const f = evaluate(xOut, gOut);
    return { f, dphi: dot(gOut, d) };
  };
  // The last evaluated point is what xOut/gOut hold; re-evaluate only if the accepted step differs.
  let lastT = NaN;
  const at = (t: number) => { lastT = t; return phi(t); };
  const accept = (t: number, f: number): { f: number } => {
    if (t !== lastT) phi(t);
    return { f };
  };

  let tPrev = 0, fPrev = f0, dPrev = dphi0;
  let t = step0;
  for (;;) {
    if (evals >= maxLs) return null;
    const cur = at(t);
    if (!Number.isFinite(cur.f) || cur.f > f0 + C1 * t * dphi0 || (evals > 1 && cur.f >= fPrev)) {
      return zoom(tPrev, fPrev, dPrev, t, cur.f, cur.dphi);
    }
    if (Math.abs(cur.dphi) <= -C2 * dphi0) return { f: cur.f };
    if (cur.dphi >= 0) return zoom(t, cur.f, cur.dphi, tPrev, fPrev, dPrev);
    tPrev = t; fPrev = cur.f; dPrev = cur.dphi;
    t *= 4;
  }

  function zoom(lo: number, fLo: number, dLo: number, hi: number, fHi: number, dHi: number): { f: number } | null {
    let bestT = lo, bestF = fLo;
    while (evals < maxLs) {
      const width = Math.abs(hi - lo);
      let tj = cubicMin(lo, fLo, dLo, hi, fHi, dHi);
      const lower = Math.min(lo, hi) + 0.1 * width;
      const upper = Math.max(lo, hi) - 0.1 * width;
      if (!Number.isFinite(tj) || tj < lower || tj > upper) tj = (lo + hi) / 2;
      if (width <= 1e-16 * Math.max(1, Math.abs(lo))) break;
      const cur = at(tj);
      if (!Number.isFinite(cur.f) || cur.f > f0 + C1 * tj * dphi0 || cur.f >= fLo) {
        hi = tj; fHi = cur.f; dHi = cur.dphi;
      } else {
        if (Math.abs(cur.dphi) <= -C2 * dphi0) return { f: cur.f };
        if (cur.dphi * (hi - lo) >= 0) { hi = lo; fHi = fLo; dHi = dLo; }
        lo = tj; fLo = cur.f; dLo = cur.dphi;
        if (cur.f < bestF) { bestF = cur.f; bestT = tj; }
      }
    }
    // Out of evaluations: settle for sufficient decrease if we have it.
    return bestT > 0 && bestF < f0 ? accept(bestT, bestF) : null;
  }
}

/** Minimiser of the cubic interpolating f and f' at a and b (NaN when it has none). */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/**
 * feature.transform replayed on one row (DESIGN.md section 6), and the pure parts of its
 * Yeo-Johnson fit: the transform itself (scikit-learn's PowerTransformer._yeo_johnson_transform)
 * and scipy's `optimize.brent` with `brack=(-2, 2)`, written as a generator so that the node can
 * evaluate the log-likelihood of many columns in one SQL query per step.
 *
 * The arithmetic matches the node's SQL operation for operation: `log1p(x)` is `ln(1 + x)`
 * (DuckDB has no log1p), so replayed values equal the table's to the last bits or within an ulp.
 */
import { isMissing, rebuildRow, toNumber, TransformError } from './common.js';

export type TransformMethod = 'log1p' | 'sqrt' | 'yeo-johnson';

export interface TransformColumnState {
  readonly name: string;
  /** yeo-johnson: the fitted lambda (scikit-learn's `lambdas_`). */
  readonly lambda?: number;
  /** yeo-johnson with standardize: the mean and std (ddof = 0, 1 when constant) of the transformed values. */
  readonly mean?: number;
  readonly scale?: number;
}

export interface TransformState {
  readonly method: TransformMethod;
  readonly standardize: boolean;
  readonly columns: readonly TransformColumnState[];
}

/** numpy's spacing(1.0): how close lambda must be to 0 or 2 to take the logarithm branch. */
export const SPACING_1 = 2 ** -52;

/** One value through Yeo-Johnson with `lambda`, as scikit-learn computes it (log1p as ln(1 + x)). */
export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return Math.abs(lambda) < SPACING_1 ? Math.log(1 + x) : (Math.pow(x + 1, lambda) - 1) / lambda;
  return Math.abs(lambda - 2) > SPACING_1 ? -(Math.pow(-x + 1, 2 - lambda) - 1) / (2 - lambda) : -Math.log(1 - x);
}

export function transformValue(method: TransformMethod, c: TransformColumnState, standardize: boolean, x: number): number {
  if (method === 'log1p' || method === 'sqrt') {
    if (x < 0) throw new TransformError(`column "${c.name}": ${method} needs values >= 0, got ${x}`);
    return method === 'log1p' ? Math.log(1 + x) : Math.sqrt(x);
  }
  const y = yeoJohnson(x, c.lambda!);
  return standardize ? (y - c.mean!) / c.scale! : y;
}

export function applyTransform(
  state: TransformState,
  _params: Readonly<Record<string, unknown>>,
  row: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const replace = new Map<string, Record<string, unknown>>();
  for (const c of state.columns) {
    const v = row[c.name];
    replace.set(c.name, { [c.name]: isMissing(v) ? null : transformValue(state.method, c, state.standardize, toNumber(v, c.name)) });
  }
  return rebuildRow(row, replace);
}

/** A minimization in progress: yields the next point to evaluate, receives f there, returns the minimum's x. */
export type Minimization = Generator<number, number, number>;

/** Runs a minimization with a plain function (tests, small data). */
export function minimize(search: Minimization, f: (x: number) => number): number {
  let step = search.next(NaN);
  while (!step.done) step = search.next(f(step.value));
  return step.value;
}

/**
 * scipy.optimize.brent(func, brack=(xa, xb)) step for step (scipy 1.10, tol 1.48e-8, 500
 * iterations): `bracket` grows (xa, xb) downhill into a triple around a minimum, then Brent's
 * method (parabolic steps, golden section when they do not help) narrows it.
 */
export function* scipyBrent(xa0 = -2, xb0 = 2): Minimization {
  const gold = 1.618034;
  const verySmall = 1e-21;
  const growLimit = 110;
  let xa = xa0;
  let xb = xb0;
  let fa = yield xa;
  let fb = yield xb;
  if (fa < fb) {
    [xa, xb] = [xb, xa];
    [fa, fb] = [fb, fa];
  }
  let xc = xb + gold * (xb - xa);
  let fc = yield xc;
  for (let iter = 0; fc < fb; iter++) {
    if (iter > 1000) break;
    const tmp1 = (xb - xa) * (fb - fc);
    const tmp2 = (xb - xc) * (fb - fa);
    const val = tmp2 - tmp1;
    const denom = Math.abs(val) < verySmall ? 2 * verySmall : 2 * val;
    let w = xb - ((xb - xc) * tmp2 - (xb - xa) * tmp1) / denom;
    const wlim = xb + growLimit * (xc - xb);
    let fw: number;
    if ((w - xc) * (xb - w) > 0) {
      fw = yield w;
      if (fw < fc) {
        xa = xb;
        xb = w;
        fa = fb;
        fb = fw;
        break;
      } else if (fw > fb) {
        xc = w;
        fc = fw;
        break;
      }
      w = xc + gold * (xc - xb);
      fw = yield w;
    } else if ((w - wlim) * (wlim - xc) >= 0) {
      w = wlim;
      fw = yield w;
    } else if ((w - wlim) * (xc - w) > 0) {
      fw = yield w;
      if (fw < fc) {
        xb = xc;
        xc = w;
        w = xc + gold * (xc - xb);
        fb = fc;
        fc = fw;
        fw = yield w;
      }
    } else {
      w = xc + gold * (xc - xb);
      fw = yield w;
    }
    xa = xb;
    xb = xc;
    xc = w;
    fa = fb;
    fb = fc;
    fc = fw;
  }

  // Brent.optimize
  const mintol = 1.0e-11;
  const cg = 0.381966;
  const tol = 1.48e-8;
  let x = xb;
  let w = xb;
  let v = xb;
  let fx = fb;
  let fw = fb;
  let fv = fb;
  let a = xa < xc ? xa : xc;
  let b = xa < xc ? xc : xa;
  let deltax = 0;
  let rat = 0;
  for (let iter = 0; iter < 500; iter++) {
    const tol1 = tol * Math.abs(x) + mintol;
    const tol2 = 2 * tol1;
    const xmid = 0.5 * (a + b);
    if (Math.abs(x - xmid) < tol2 - 0.5 * (b - a)) break;
    if (Math.abs(deltax) <= tol1) {
      deltax = x >= xmid ? a - x : b - x;
      rat = cg * deltax;
    } else {
      const tmp1 = (x - w) * (fx - fv);
      let tmp2 = (x - v) * (fx - fw);
      let p = (x - v) * tmp2 - (x - w) * tmp1;
      tmp2 = 2 * (tmp2 - tmp1);
      if (tmp2 > 0) p = -p;
      tmp2 = Math.abs(tmp2);
      const dxTemp = deltax;
      deltax = rat;
      if (p > tmp2 * (a - x) && p < tmp2 * (b - x) && Math.abs(p) < Math.abs(0.5 * tmp2 * dxTemp)) {
        rat = (p * 1.0) / tmp2;
        const u = x + rat;
        if (u - a < tol2 || b - u < tol2) rat = xmid - x >= 0 ? tol1 : -tol1;
      } else {
        deltax = x >= xmid ? a - x : b - x;
        rat = cg * deltax;
      }
    }
    const u = Math.abs(rat) < tol1 ? (rat >= 0 ? x + tol1 : x - tol1) : x + rat;
    const fu = yield u;
    if (fu > fx) {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        w = u;
        fv = fw;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    } else {
      if (u >= x) a = x;
      else b = x;
      v = w;
      w = x;
      x = u;
      fv = fw;
      fw = fx;
      fx = fu;
    }
  }
  return x;
}

/**
 * The negative Yeo-Johnson log-likelihood scikit-learn minimizes, from the variance of the
 * transformed values, their count and `sum(sign(x) * log1p(|x|))`: +Infinity when the variance
 * is degenerate (below the smallest normal double, or not finite).
 */
export function yeoJohnsonNegLogLikelihood(lambda: number, variance: number, n: number, signedLogSum: number): number {
  if (!(variance >= 2.2250738585072014e-308) || !Number.isFinite(variance)) return Infinity;
  const loglike = (-n / 2) * Math.log(variance) + (lambda - 1) * signedLogSum;
  return -loglike;
}

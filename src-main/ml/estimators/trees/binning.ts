/**
 * Histogram binning of numeric features, as scikit-learn's HistGradientBoosting does it
 * (`_BinMapper`): per feature, if it has at most `maxBins` distinct values the bin edges are the
 * midpoints between consecutive distinct values (so a split on a bin edge is the exact CART split),
 * otherwise the edges are `maxBins - 1` quantiles (numpy's `percentile(..., method='midpoint')`),
 * de-duplicated. A value x falls in bin `b` = number of edges strictly below x, so
 * `bin(x) <= b  <=>  x <= edges[b]`: a split "bin <= b" predicts on raw values as `x <= edges[b]`.
 *
 * Up to 255 bins the codes are bytes (scikit-learn's layout); the CART trees (decision-tree.ts,
 * random-forest.ts) also accept more bins (Uint16 codes), which makes them exact CART on every
 * feature with at most that many distinct values.
 *
 * Missing values (NaN) are not supported in fit: impute upstream (the preprocessing chain does).
 * At predict time a NaN compares false with every threshold and goes right.
 */

import type { Matrix } from '../../estimator.js';

export interface Binned {
  readonly rows: number;
  /** Per feature, one bin code per row (0..nBins-1): Uint8Array when max_bins <= 255. */
  readonly codes: readonly (Uint8Array | Uint16Array)[];
  /** Per feature, the number of bins actually used (edges.length + 1), at most max_bins + 1. */
  readonly nBins: readonly number[];
  /** Per feature, the bin edges (ascending); `bin <= b` means `x <= edges[b]`. */
  readonly edges: readonly Float64Array[];
  /** Per feature and bin, the smallest and largest binned value (NaN for an empty bin). */
  readonly binMin: readonly Float64Array[];
  readonly binMax: readonly Float64Array[];
}

/** Bin edges for one column (values need not be sorted). */
export function binEdges(values: Float64Array, maxBins: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n > 0 && Number.isNaN(sorted[n - 1])) throw new Error('tree estimators do not accept missing values (NaN): impute them first');
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= maxBins) {
    const edges = new Float64Array(Math.max(distinct - 1, 0));
    let k = 0;
    let prev = sorted[0];
    for (let i = 1; i < n; i++) {
      if (sorted[i] !== prev) {
        edges[k++] = (prev + sorted[i]) * 0.5;
        prev = sorted[i];
      }
    }
    return edges;
  }
  const out: number[] = [];
  for (let q = 1; q < maxBins; q++) {
    const pos = (q / maxBins) * (n - 1);
    const v = (sorted[Math.floor(pos)] + sorted[Math.ceil(pos)]) * 0.5;
    if (out.length === 0 || v > out[out.length - 1]) out.push(v);
  }
  return Float64Array.from(out);
}

/** Bin code of one value: the number of edges strictly below it (NaN: the last bin). */
export function binOf(edges: Float64Array, x: number): number {
  if (Number.isNaN(x)) return edges.length;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x > edges[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bins the given rows of X (all rows when `rows` is omitted). Edges are computed from the binned
 * rows only (or from `edgeRows` of them when given: scikit-learn subsamples 200k rows for them).
 */
export function binMatrix(X: Matrix, maxBins = 255, rows?: Uint32Array, edgeRows?: Uint32Array): Binned {
  if (!(Number.isInteger(maxBins) && maxBins >= 2 && maxBins <= 65535)) throw new Error(`max_bins must be an integer in 2..65535, got ${maxBins}`);
  const n = rows ? rows.length : X.rows;
  const codes: (Uint8Array | Uint16Array)[] = [];
  const nBins: number[] = [];
  const edgesAll: Float64Array[] = [];
  const binMin: Float64Array[] = [];
  const binMax: Float64Array[] = [];
  for (const col of X.columns) {
    const vals = rows ? gather(col, rows) : col;
    const edges = binEdges(edgeRows ? gather(col, edgeRows) : vals, maxBins);
    const c = maxBins <= 255 ? new Uint8Array(n) : new Uint16Array(n);
    const nb = edges.length + 1;
    const mn = new Float64Array(nb).fill(Infinity);
    const mx = new Float64Array(nb).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      const x = vals[i];
      if (Number.isNaN(x)) throw new Error('tree estimators do not accept missing values (NaN): impute them first');
      const b = binOf(edges, x);
      c[i] = b;
      if (x < mn[b]) mn[b] = x;
      if (x > mx[b]) mx[b] = x;
    }
    for (let b = 0; b < nb; b++) {
      if (mn[b] === Infinity) {
        mn[b] = NaN;
        mx[b] = NaN;
      }
    }
    codes.push(c);
    nBins.push(nb);
    edgesAll.push(edges);
    binMin.push(mn);
    binMax.push(mx);
  }
  return { rows: n, codes, nBins, edges: edgesAll, binMin, binMax };
}

export function gather(col: Float64Array, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = col[rows[i]];
  return out;
}

/**
 * feature.bin replayed on one row (DESIGN.md section 6), and the pure parts of its fit that
 * follow scikit-learn's KBinsDiscretizer (edges from min/max or quantiles, tiny bins removed).
 */
import { isMissing, rebuildRow, toNumber } from './common.js';

export type BinStrategy = 'uniform' | 'quantile';

export interface BinColumnState {
  readonly name: string;
  /** scikit-learn's `bin_edges_` for the column: n_bins + 1 increasing edges, first = min, last = max. */
  readonly edges: readonly number[];
  /** scikit-learn's `n_bins_`: fewer than asked when tiny bins were removed, 1 for a constant column. */
  readonly n_bins: number;
}

export interface BinState {
  readonly strategy: BinStrategy;
  readonly columns: readonly BinColumnState[];
}

/**
 * The bin of `x`: the number of inner edges at or below it, so a value on an edge goes to the
 * bin it starts, anything below the first edge to bin 0 and the maximum (or above) to the last.
 * NaN goes to the last bin, as DuckDB orders NaN above every number.
 */
export function binOf(edges: readonly number[], x: number): number {
  const last = edges.length - 2;
  for (let i = 1; i <= last; i++) if (x < edges[i]) return i - 1;
  return Math.max(last, 0);
}

export function applyBin(
  state: BinState,
  _params: Readonly<Record<string, unknown>>,
  row: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const replace = new Map<string, Record<string, unknown>>();
  for (const c of state.columns) {
    const v = row[c.name];
    replace.set(c.name, { [c.name]: isMissing(v) ? null : binOf(c.edges, toNumber(v, c.name)) });
  }
  return rebuildRow(row, replace);
}

/** numpy's linspace(start, stop, num) as KBinsDiscretizer calls it: `i * step + start`, the last exactly `stop`. */
export function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  out[num - 1] = stop;
  return out;
}

/** The quantile fractions of n bins as numpy computes them: linspace(0, 100, n + 1) / 100. */
export function quantileFractions(nBins: number): number[] {
  return linspace(0, 100, nBins + 1).map((q) => q / 100);
}

/**
 * scikit-learn's removal of tiny bins: an edge is kept when it exceeds the edge before it (in
 * the original list) by more than 1e-8.
 */
export function dropTinyBins(edges: readonly number[]): number[] {
  return edges.filter((e, i) => i === 0 || e - edges[i - 1] > 1e-8);
}

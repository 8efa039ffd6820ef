import type { DriftColumnData } from '../../../src-shared/api/charts-contract.js';
import type { DriftSortKey } from '../../state/charts-slice.js';

/**
 * The drift view's column order. `score` sorts by how far past its threshold a column is, so the
 * most drifted columns come first whatever their method: a p-value below its threshold and a
 * distance above it both make a negative margin.
 */
export function driftMargin(c: DriftColumnData): number {
  if (c.score === null) return Number.POSITIVE_INFINITY;
  const isPValue = c.pValue !== undefined && c.pValue !== null && c.score === c.pValue;
  return isPValue ? c.score - c.threshold : c.threshold - c.score;
}

export function sortDriftColumns(columns: readonly DriftColumnData[], key: DriftSortKey, dir: 'asc' | 'desc'): DriftColumnData[] {
  const sign = dir === 'asc' ? 1 : -1;
  const by: (a: DriftColumnData, b: DriftColumnData) => number =
    key === 'name'
      ? (a, b) => a.name.localeCompare(b.name)
      : key === 'method'
        ? (a, b) => a.method.localeCompare(b.method)
        : key === 'threshold'
          ? (a, b) => a.threshold - b.threshold
          : key === 'drifted'
            ? (a, b) => Number(b.drifted) - Number(a.drifted)
            : (a, b) => driftMargin(a) - driftMargin(b);
  return columns
    .map((c, i) => ({ c, i }))
    .sort((x, y) => by(x.c, y.c) * sign || x.i - y.i)
    .map((x) => x.c);
}

/**
 * feature.impute replayed on one row (DESIGN.md section 6): what the node's SQL does to each
 * row, from the fitted state alone. Numeric columns come out as numbers (DOUBLE), text as text,
 * booleans as booleans; a missing value (null or absent) becomes the fitted fill value.
 */
import { isMissing, rebuildRow, toKind, type ValueKind } from './common.js';

export type ImputeStrategy = 'mean' | 'median' | 'most_frequent' | 'constant';

export interface ImputeColumnState {
  readonly name: string;
  /** How values of the output column read: numbers (DOUBLE), text or booleans. */
  readonly kind: Exclude<ValueKind, 'other'>;
  /** The fitted value put in place of a missing one: scikit-learn's `statistics_`. */
  readonly fill: number | string | boolean;
  /** The `<col>_missing` indicator column's name, when add_indicator is on. */
  readonly indicator?: string;
}

export interface ImputeState {
  readonly strategy: ImputeStrategy;
  /** The imputed columns, in table order. */
  readonly columns: readonly ImputeColumnState[];
}

export function applyImpute(
  state: ImputeState,
  _params: Readonly<Record<string, unknown>>,
  row: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const replace = new Map<string, Record<string, unknown>>();
  const append: Record<string, unknown> = {};
  for (const c of state.columns) {
    const v = row[c.name];
    const missing = isMissing(v);
    replace.set(c.name, { [c.name]: missing ? c.fill : toKind(v, c.kind, c.name) });
    if (c.indicator) append[c.indicator] = missing;
  }
  return rebuildRow(row, replace, append);
}

/**
 * feature.scale replayed on one row (DESIGN.md section 6), with the same floating-point
 * operations in the same order as the node's SQL:
 * - standard and robust: `(x - center) / scale` (either part left out when it is off);
 * - minmax: `x * scale + min` (scikit-learn's MinMaxScaler.transform).
 * A missing value stays missing.
 */
import { isMissing, rebuildRow, toNumber } from './common.js';

export type ScaleMethod = 'standard' | 'minmax' | 'robust';

export interface ScaleColumnState {
  readonly name: string;
  /** standard: scikit-learn's `mean_`; robust: `center_`. Null when centering is off. */
  readonly center: number | null;
  /** standard: `scale_` (the population std, 1 for a constant column); minmax and robust: `scale_`. Null when scaling is off. */
  readonly scale: number | null;
  /** minmax: `min_` = range_min - data_min * scale. */
  readonly min?: number;
  /** What was learned, for display: mean/var (standard), data_min/data_max (minmax), q_low/q_high (robust). */
  readonly stats: Readonly<Record<string, number>>;
}

export interface ScaleState {
  readonly method: ScaleMethod;
  /** The scaled columns, in table order. */
  readonly columns: readonly ScaleColumnState[];
}

/** One value through one column's scaling: the arithmetic the SQL does, in its order. */
export function scaleValue(method: ScaleMethod, c: ScaleColumnState, x: number): number {
  if (method === 'minmax') return x * c.scale! + c.min!;
  let y = x;
  if (c.center !== null) y = y - c.center;
  if (c.scale !== null) y = y / c.scale;
  return y;
}

export function applyScale(
  state: ScaleState,
  _params: Readonly<Record<string, unknown>>,
  row: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const replace = new Map<string, Record<string, unknown>>();
  for (const c of state.columns) {
    const v = row[c.name];
    replace.set(c.name, { [c.name]: isMissing(v) ? null : scaleValue(state.method, c, toNumber(v, c.name)) });
  }
  return rebuildRow(row, replace);
}

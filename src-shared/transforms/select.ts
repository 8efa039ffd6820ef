/**
 * feature.select replayed on one row (DESIGN.md section 6): keep, reorder, rename and cast
 * columns as the node's SQL did, from the step's state alone.
 *
 * The step (plain JSON, for the ONNX export too):
 *   params: the node's params (columns, drop, rename, cast, onCastError), for display;
 *   state:  { outputs: [{ source, name, from, cast? }], onCastError: 'fail' | 'null' }, the
 *           output columns in order: the input column each comes from (`source`, of DuckDB type
 *           `from`), its output name, and the type it is cast to, if any.
 * A value that does not convert is null with onCastError 'null' (TRY_CAST), and an error naming
 * the column and the value with 'fail', as the node fails the run for it.
 */
import { castValue } from './cast.js';
import { TransformError } from './common.js';

export interface SelectOutputState {
  readonly source: string;
  readonly name: string;
  /** The source column's DuckDB type. */
  readonly from: string;
  /** The DuckDB type it is cast to (one of the node's cast types), if any. */
  readonly cast?: string;
}

export interface SelectState {
  readonly outputs: readonly SelectOutputState[];
  readonly onCastError: 'fail' | 'null';
}

export function applySelect(state: SelectState, _params: Readonly<Record<string, unknown>>, row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (!Array.isArray(state.outputs)) {
    throw new TransformError('this feature.select step was recorded without its output columns (by an older Plumb): run the pipeline again with --force');
  }
  const out: Record<string, unknown> = {};
  for (const o of state.outputs) {
    if (!(o.source in row)) throw new TransformError(`column "${o.source}" is missing from the row`);
    const v = row[o.source];
    if (!o.cast || o.cast === o.from) {
      out[o.name] = v;
      continue;
    }
    const cast = castValue(v, o.from, o.cast, o.source);
    if (cast === undefined) {
      if (state.onCastError !== 'null') throw new TransformError(`cannot cast column "${o.source}" to ${o.cast}: ${JSON.stringify(v)} does not convert`);
      out[o.name] = null;
    } else out[o.name] = cast;
  }
  return out;
}

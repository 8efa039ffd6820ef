/**
 * How a row's columns live in the exported graph while the chain is converted: every column is
 * an [N, 1] tensor. Numbers and booleans are doubles (a boolean is 1 or 0; a missing value is NaN),
 * text is a string tensor where the empty string is a missing value. Keeping numbers in double
 * all the way to the estimator is what makes the graph compute the in-app values (the replay in
 * src-shared/transforms works in double), and what lets a tree's float32 thresholds be chosen
 * against the exact double a feature has.
 */
import type { ChainStep } from '../../src-shared/nodes/chain.js';
import { DataType, tensor, type GraphBuilder } from './graph-builder.js';

export type ColumnKind = 'number' | 'text' | 'boolean';

export interface Column {
  /** The value name of its [N, 1] tensor (double, or string for text). */
  readonly value: string;
  readonly kind: ColumnKind;
}

/** The columns of the row at one point of the chain, by name. */
export type Columns = Map<string, Column>;

/** Converts one chain step: the columns after it, from the columns before it. */
export type StepConverter = (g: GraphBuilder, step: ChainStep, columns: Columns) => Columns;

/** A model that cannot be exported, with the reason (naming the node or the field). */
export class OnnxExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxExportError';
  }
}

export const elemTypeOf = (kind: ColumnKind): DataType => (kind === 'text' ? DataType.STRING : DataType.DOUBLE);

/** A double scalar constant. */
export function scalar(g: GraphBuilder, hint: string, v: number): string {
  return g.doubles(hint, [v], []);
}

/** [N, 1] bool: true where the column's value is missing (NaN, or '' for text). */
export function missingMask(g: GraphBuilder, c: Column): string {
  if (c.kind === 'text') return g.op('Equal', [c.value, g.constant('empty', tensor.string([''], []))], {}, { hint: 'is_empty' });
  return g.op('IsNaN', [c.value]);
}

/** `value` where `bad` holds becomes NaN: how a row the replay would refuse is marked (see README). */
export function nanWhere(g: GraphBuilder, bad: string, value: string): string {
  return g.op('Where', [bad, scalar(g, 'nan', NaN), value]);
}

export function boolToDouble(g: GraphBuilder, b: string): string {
  return g.op('Cast', [b], { to: { i: DataType.DOUBLE } });
}

/** The state's columns as an array of objects, or a clear error naming the node. */
export function stateColumns<T extends { readonly name: string }>(step: ChainStep): readonly T[] {
  const columns = step.state.columns;
  if (!Array.isArray(columns)) throw new OnnxExportError(`the step ${step.type} (node ${step.node}) has no fitted columns in its state`);
  return columns as T[];
}

/** A copy of `columns` where each named column is replaced by the given columns (an empty map drops it). */
export function replaceColumns(columns: Columns, replace: ReadonlyMap<string, Columns>): Columns {
  const out: Columns = new Map();
  for (const [name, c] of columns) {
    const entries = replace.get(name);
    if (entries) for (const [k, v] of entries) out.set(k, v);
    else out.set(name, c);
  }
  return out;
}

/**
 * What the fitted feature nodes (impute, scale, encode, bin, transform) share, on both sides:
 * picking the columns a node works on from a table schema (inferSchema before a run, the run
 * function during it, with the same messages), naming new columns, coercing the values of a raw
 * row when a step is replayed, and the metadata of a fitted table. Pure: no Node, no DOM.
 */
import type { ChainStep, TableMeta } from '../nodes/chain.js';
import { withStep } from '../nodes/chain.js';
import type { ColumnSchema } from '../nodes/spec.js';

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/i;
const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL(\(\s*\d+\s*,\s*\d+\s*\))?)$/i;

export const isNumericType = (type: string): boolean => NUMERIC_TYPES.test(type.trim());
export const isIntegerType = (type: string): boolean => INTEGER_TYPES.test(type.trim());
export const isTextType = (type: string): boolean => /^VARCHAR(\(\d+\))?$/i.test(type.trim());
export const isBooleanType = (type: string): boolean => /^BOOLEAN$/i.test(type.trim());

/** How a replayed value of a column is read: the three JSON scalar families. */
export type ValueKind = 'number' | 'text' | 'boolean' | 'other';

export function valueKind(type: string): ValueKind {
  if (isNumericType(type)) return 'number';
  if (isTextType(type)) return 'text';
  if (isBooleanType(type)) return 'boolean';
  return 'other';
}

export interface ColumnProblem {
  readonly param: string;
  readonly message: string;
}

export interface ColumnPick {
  /** The columns to work on, in the order of the table (whatever the order asked). */
  readonly columns: readonly ColumnSchema[];
  readonly problems: readonly ColumnProblem[];
}

/**
 * The columns a node works on: those named in `wanted` (the `columns` param), or when it is empty
 * every column that `accepts`. A name that is not in the table, or a column of a type the node
 * cannot handle, is a problem naming the param and the column.
 */
export function pickColumns(
  table: readonly ColumnSchema[],
  wanted: readonly string[] | undefined,
  opts: {
    readonly accepts: (c: ColumnSchema) => boolean;
    /** Why a named column of another type is refused, e.g. `the mean strategy needs numeric columns`. */
    readonly why: string;
    /** What "all" found none of, e.g. `numeric columns to scale`. */
    readonly noneFound: string;
    readonly param?: string;
  },
): ColumnPick {
  const param = opts.param ?? 'columns';
  const problems: ColumnProblem[] = [];
  const names = new Set(wanted ?? []);
  if (names.size === 0) {
    const columns = table.filter(opts.accepts);
    if (columns.length === 0) problems.push({ param, message: `the input has no ${opts.noneFound}` });
    return { columns, problems };
  }
  for (const name of names) {
    const column = table.find((c) => c.name === name);
    if (!column) problems.push({ param, message: `column "${name}" is not in the input` });
    else if (!opts.accepts(column)) problems.push({ param, message: `column "${name}" is ${column.type}: ${opts.why}` });
  }
  return { columns: table.filter((c) => names.has(c.name)), problems };
}

/** The `columns` param as a list of names (anything else reads as "all"). */
export function columnsParam(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * A category or a suffix made into a safe part of a column name: letters, digits and
 * underscores only (anything else becomes `_`, runs collapsed), never empty.
 */
export function safeNamePart(text: string): string {
  const safe = text
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_]+/gu, '_')
    .replace(/_+/g, '_')
    .replace(/^_(?=.)|(?<=.)_$/g, '');
  return safe === '' || safe === '_' ? 'empty' : safe;
}

/** `base`, or `base_2`, `base_3`... whichever is not taken yet; the name chosen is added to `taken`. */
export function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/** Raised when a step cannot be replayed on a row (an unknown category, a value out of domain). */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}

export const isMissing = (v: unknown): boolean => v === null || v === undefined;

/**
 * A row value read as a number, as DuckDB's cast to DOUBLE would: numbers as they are, 64-bit
 * integers and decimals (which DuckDB hands to JSON as text) and numeric text parsed, `NaN` and
 * `Infinity` as themselves. Anything else is refused, naming the column.
 */
export function toNumber(v: unknown, column: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
    if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/i.test(t)) return NaN;
  }
  throw new TransformError(`column "${column}": ${JSON.stringify(v)} is not a number`);
}

/** A row value read as the given kind (a category is compared in its column's kind). */
export function toKind(v: unknown, kind: ValueKind, column: string): unknown {
  if (isMissing(v)) return null;
  switch (kind) {
    case 'number':
      return toNumber(v, column);
    case 'text':
      return typeof v === 'string' ? v : String(v);
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 1) return true;
      if (v === 'false' || v === 0) return false;
      throw new TransformError(`column "${column}": ${JSON.stringify(v)} is not a boolean`);
    default:
      return v;
  }
}

/**
 * A new row from `row`: each key of `replace` is swapped, in place, for the entries it maps to
 * (several for a one-hot column, none to drop it), other keys are copied, and `append` goes at
 * the end. A replaced column absent from the row gets its entries appended, in `replace` order.
 */
export function rebuildRow(
  row: Readonly<Record<string, unknown>>,
  replace: ReadonlyMap<string, Record<string, unknown>>,
  append: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const entries = replace.get(key);
    if (entries) Object.assign(out, entries);
    else out[key] = value;
  }
  for (const [key, entries] of replace) if (!(key in row)) Object.assign(out, entries);
  return Object.assign(out, append);
}

/**
 * The metadata of a table a fitted row-wise step made: the input's chain plus the step. A table
 * keeps the split side it came from (the rows are the same rows, transformed).
 */
export function fittedMeta(input: Readonly<Record<string, unknown>> | undefined, step: ChainStep): Record<string, unknown> {
  // withStep keeps the split side itself.
  return { ...withStep(input as TableMeta | undefined, step) };
}

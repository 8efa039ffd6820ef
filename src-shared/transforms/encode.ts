/**
 * feature.encode replayed on one row (DESIGN.md section 6), and the pure parts of its fit that
 * follow scikit-learn's OneHotEncoder / OrdinalEncoder rules (category order, infrequent
 * categories, column names).
 *
 * Categories are compared in their column's kind (a number column's categories are numbers, a
 * text column's are strings), so `"3"` typed in a form finds the category 3 of a number column.
 */
import { isMissing, rebuildRow, safeNamePart, toKind, TransformError, uniqueName } from './common.js';

export type EncodeMethod = 'onehot' | 'ordinal';
export type Category = string | number | boolean | null;

export interface EncodeColumnState {
  readonly name: string;
  readonly kind: 'number' | 'text' | 'boolean';
  /**
   * onehot: the categories with a column each, sorted (null, when seen, last), as scikit-learn's
   * `categories_` without the infrequent ones. ordinal: every non-null category, sorted: its
   * code is its position.
   */
  readonly categories: readonly Category[];
  /** onehot: the infrequent categories (max_categories), which share the `<col>_infrequent` column. */
  readonly infrequent: readonly Category[];
  /** onehot: the output column of each category, then the infrequent column when there is one; ordinal: the one output column. */
  readonly outputs: readonly string[];
}

export interface EncodeState {
  readonly method: EncodeMethod;
  /** What a category not seen when fitting does at replay: `error`, or all zeros (onehot) / -1 (ordinal). */
  readonly handle_unknown: 'error' | 'ignore';
  /** Whether the original column is dropped (else kept, right before its encoding). */
  readonly drop_original: boolean;
  readonly columns: readonly EncodeColumnState[];
}

const keyOf = (v: Category): string => (v === null ? 'null' : `${typeof v}:${String(v)}`);

export function applyEncode(
  state: EncodeState,
  _params: Readonly<Record<string, unknown>>,
  row: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const replace = new Map<string, Record<string, unknown>>();
  for (const c of state.columns) {
    const raw = row[c.name];
    const v = toKind(raw, c.kind, c.name) as Category;
    const entries: Record<string, unknown> = c.name in row && !state.drop_original ? { [c.name]: raw } : {};
    const at = c.categories.findIndex((cat) => keyOf(cat) === keyOf(v));
    if (state.method === 'ordinal') {
      if (isMissing(v)) entries[c.outputs[0]] = null;
      else if (at >= 0) entries[c.outputs[0]] = at;
      else if (state.handle_unknown === 'ignore') entries[c.outputs[0]] = -1;
      else throw unknown(c.name, v, '-1');
    } else {
      for (const out of c.outputs) entries[out] = 0;
      if (at >= 0) entries[c.outputs[at]] = 1;
      else if (c.infrequent.some((cat) => keyOf(cat) === keyOf(v))) entries[c.outputs[c.categories.length]] = 1;
      else if (state.handle_unknown !== 'ignore') throw unknown(c.name, v, 'all zeros');
    }
    replace.set(c.name, entries);
  }
  return rebuildRow(row, replace);
}

function unknown(column: string, v: Category, ignored: string): TransformError {
  const what = v === null ? 'a missing value' : `the category ${JSON.stringify(v)}`;
  return new TransformError(
    `column "${column}": ${what} was not seen when the encoder was fitted (handle_unknown is "error"; "ignore" would encode it as ${ignored})`,
  );
}

/**
 * scikit-learn's infrequent categories for max_categories: when there are more categories than
 * max_categories, the (max_categories - 1) most frequent keep a column each and the others share
 * one. Ties in count go as in scikit-learn's stable argsort: the categories later in sorted order
 * are kept. `counts` are in category order; returns the indices of the infrequent ones, in order.
 */
export function infrequentIndices(counts: readonly number[], maxCategories: number | undefined): number[] {
  if (maxCategories === undefined || maxCategories >= counts.length) return [];
  const keep = maxCategories - 1;
  const ascending = counts.map((n, i) => ({ n, i })).sort((a, b) => a.n - b.n || a.i - b.i);
  const infrequent = keep === 0 ? ascending : ascending.slice(0, ascending.length - keep);
  return infrequent.map((e) => e.i).sort((a, b) => a - b);
}

/** The text a category gives a column name: `missing` for null, `minus2_5` for -2.5. */
export function categoryNamePart(v: Category): string {
  if (v === null) return 'missing';
  if (typeof v === 'number') return safeNamePart(String(v).replace(/^-/, 'minus'));
  return safeNamePart(String(v));
}

/** One-hot output names `<col>_<category>` (then `<col>_infrequent`), safe and unique against `taken`. */
export function onehotNames(column: string, categories: readonly Category[], hasInfrequent: boolean, taken: Set<string>): string[] {
  const names = categories.map((cat) => uniqueName(`${column}_${categoryNamePart(cat)}`, taken));
  if (hasInfrequent) names.push(uniqueName(`${column}_infrequent`, taken));
  return names;
}

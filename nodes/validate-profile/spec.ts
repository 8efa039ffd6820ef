import type { NodeSpec } from '../../src-shared/nodes/spec.js';

/** Numeric and temporal columns with at most this many distinct values get top values too. */
export const LOW_CARDINALITY = 50;

export const validateProfileSpec: NodeSpec = {
  type: 'validate.profile',
  version: 1,
  category: 'validation',
  title: 'Profile',
  summary: 'Per-column statistics: type, missing values, distinct count, range, mean, spread, quantiles, histograms and top values.',
  docs: [
    'Computes a profile of the input table with DuckDB aggregates, without loading it in memory',
    '(two passes over the table): the row count and, for each column, its type, the number and',
    'share of missing values, the number of distinct values, and for numeric and temporal columns',
    'the minimum and maximum. Numeric columns also get the mean, the sample standard deviation,',
    'the quartiles p25, p50 (median) and p75 (interpolated, as `quantile_cont`) and an equal-width',
    'histogram over [min, max]: bin edges and counts of the non-missing values, each bin holding',
    'its lower edge, the last one its upper edge too. Text and boolean columns, and numeric and',
    `temporal ones with at most ${LOW_CARDINALITY} distinct values, get their most frequent values with counts`,
    '(missing values are counted in `nulls`, not here; ties in value order). A statistic that is',
    'not finite (a column holding an infinity) has a null spread, quartile or histogram.',
    '',
    '- **columns**: the columns to profile; empty profiles them all.',
    '- **bins**: the number of histogram bins (default 20).',
    '- **topK**: how many most frequent values to list per column (default 10; 0 lists none).',
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [{ name: 'report', type: 'report', label: 'Profile' }],
  params: [
    { name: 'columns', kind: 'columns', port: 'in', label: 'Columns', default: [] },
    { name: 'bins', kind: 'number', label: 'Histogram bins', default: 20, min: 1, max: 1000, integer: true },
    { name: 'topK', kind: 'number', label: 'Top values', default: 10, min: 0, max: 1000, integer: true },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in;
    const wanted = (params.columns as string[] | undefined) ?? [];
    const problems =
      input?.kind === 'table'
        ? wanted
            .filter((c) => !input.columns.some((col) => col.name === c))
            .map((c) => ({ param: 'columns', message: `column "${c}" is not in the input` }))
        : [];
    return { outputs: { report: { kind: 'report' } }, problems };
  },
};

export interface ColumnProfile {
  readonly name: string;
  readonly type: string;
  readonly nulls: number;
  readonly nullFraction: number;
  readonly distinct: number;
  readonly min?: number | string | null;
  readonly max?: number | string | null;
  readonly mean?: number | null;
  /** Numeric columns: sample standard deviation (null below two values) and quartiles. */
  readonly std?: number | null;
  readonly p25?: number | null;
  readonly p50?: number | null;
  readonly p75?: number | null;
  /** Numeric columns: null when there is no finite value to bin. */
  readonly histogram?: Histogram | null;
  /** Text, boolean and low-cardinality columns: the most frequent values, most frequent first. */
  readonly topValues?: readonly { readonly value: number | string | boolean; readonly count: number }[];
}

/** Equal-width bins over [min, max]: `counts[i]` values in [edges[i], edges[i + 1]), the last bin closed. */
export interface Histogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

export interface ProfileReport {
  readonly kind: 'profile';
  readonly rows: number;
  readonly columns: readonly ColumnProfile[];
}

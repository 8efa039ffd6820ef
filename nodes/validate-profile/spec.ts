import type { NodeSpec } from '../../src-shared/nodes/spec.js';

export const validateProfileSpec: NodeSpec = {
  type: 'validate.profile',
  version: 1,
  category: 'validation',
  title: 'Profile',
  summary: 'Per-column statistics: type, missing values, min, max, mean and distinct count.',
  docs: [
    'Computes a profile of the input table with DuckDB aggregates, without loading it in memory:',
    'the row count and, for each column, its type, the number and share of missing values, the',
    'number of distinct values, and for numeric and temporal columns the minimum and maximum',
    '(and the mean for numeric ones).',
    '',
    '- **columns**: the columns to profile; empty profiles them all.',
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [{ name: 'report', type: 'report', label: 'Profile' }],
  params: [{ name: 'columns', kind: 'columns', port: 'in', label: 'Columns', default: [] }],
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
}

export interface ProfileReport {
  readonly kind: 'profile';
  readonly rows: number;
  readonly columns: readonly ColumnProfile[];
}

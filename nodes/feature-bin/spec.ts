import type { ColumnSchema, NodeSpec, ParamValues } from '../../src-shared/nodes/spec.js';
import type { BinStrategy } from '../../src-shared/transforms/bin.js';
import { columnsParam, isNumericType, pickColumns, type ColumnProblem } from '../../src-shared/transforms/common.js';

export const featureBinSpec: NodeSpec = {
  type: 'feature.bin',
  version: 1,
  category: 'feature',
  title: 'Bin',
  summary: 'Puts numeric values into bins whose edges are learned from the input (equal width or quantiles).',
  fits: true,
  docs: [
    'Discretizes numeric columns as scikit-learn\'s `KBinsDiscretizer(encode="ordinal")` does: each',
    'value becomes its bin number, 0 to n_bins - 1. The edges are learned from this node\'s input',
    '(place it after a split, on its train output) and kept in the table\'s preprocessing chain.',
    '',
    '- **columns**: the numeric columns to bin; empty means every numeric column (list them to',
    '  leave the target out).',
    '- **n_bins**: the number of bins (at least 2).',
    '- **strategy**: `quantile` (scikit-learn\'s default: edges at the 0, 1/n, ..., 100th',
    '  percentiles, interpolated linearly as numpy does, so bins hold about as many rows) or',
    '  `uniform` (edges evenly spaced between the minimum and the maximum).',
    '',
    'A value goes to the bin whose left edge it reaches: `edge[i] <= x < edge[i+1]` is bin i, the',
    'maximum goes to the last bin, and values outside the learned range at prediction time go to',
    'the first or last bin. Quantile edges closer than 1e-8 to the previous one are removed (the',
    'column then has fewer bins, and the node logs a warning), as scikit-learn does; a constant',
    'column gets a single bin 0. Binned columns become INTEGER; missing values stay missing.',
    'For one-hot bins, follow this node with an Encode node (onehot).',
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [{ name: 'out', type: 'table', label: 'Binned' }],
  params: [
    { name: 'columns', kind: 'columns', port: 'in', label: 'Columns', default: [] },
    { name: 'n_bins', kind: 'number', label: 'Number of bins', default: 5, integer: true, min: 2 },
    {
      name: 'strategy',
      kind: 'enum',
      label: 'Strategy',
      default: 'quantile',
      options: [
        { value: 'quantile', label: 'Quantile (equal frequency)' },
        { value: 'uniform', label: 'Uniform (equal width)' },
      ],
    },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in;
    if (input?.kind !== 'table') return { outputs: { out: undefined } };
    const plan = planBin(input.columns, params);
    return { outputs: { out: { kind: 'table', columns: plan.outputs } }, problems: plan.problems };
  },
};

export interface BinPlan {
  readonly strategy: BinStrategy;
  readonly nBins: number;
  readonly columns: readonly ColumnSchema[];
  readonly outputs: readonly ColumnSchema[];
  readonly problems: readonly ColumnProblem[];
}

export function planBin(table: readonly ColumnSchema[], params: ParamValues): BinPlan {
  const strategy = String(params.strategy ?? 'quantile') as BinStrategy;
  const nBins = typeof params.n_bins === 'number' ? params.n_bins : 5;
  const pick = pickColumns(table, columnsParam(params.columns), {
    accepts: (c) => isNumericType(c.type),
    why: 'binning needs numeric columns',
    noneFound: 'numeric columns to bin',
  });
  const binned = new Set(pick.columns.map((c) => c.name));
  const outputs = table.map((c) => (binned.has(c.name) ? { name: c.name, type: 'INTEGER' } : c));
  return { strategy, nBins, columns: pick.columns, outputs, problems: pick.problems };
}

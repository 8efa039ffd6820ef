import { z } from 'zod';
import type { ColumnSchema, NodeSpec, ParamValues } from '../../src-shared/nodes/spec.js';
import { columnsParam, isNumericType, pickColumns, type ColumnProblem } from '../../src-shared/transforms/common.js';
import type { ScaleMethod } from '../../src-shared/transforms/scale.js';

const rangeSchema = z.tuple([z.number(), z.number()]);

export const featureScaleSpec: NodeSpec = {
  type: 'feature.scale',
  version: 1,
  category: 'feature',
  title: 'Scale',
  summary: 'Standardizes or rescales numeric columns with statistics learned from the input.',
  fits: true,
  docs: [
    'Rescales numeric columns as scikit-learn\'s scalers do, with statistics learned from this',
    'node\'s input: place it after a split, on its train output. The statistics are kept in the',
    'table\'s preprocessing chain and applied unchanged to the rows seen at prediction time.',
    '',
    '- **columns**: the numeric columns to scale; empty means every numeric column (list them to',
    '  leave the target out).',
    '- **method**:',
    '  - `standard` (StandardScaler): `(x - mean) / std`, with the population std (ddof = 0); a',
    '    constant column keeps a scale of 1, as in scikit-learn.',
    '  - `minmax` (MinMaxScaler): `x * scale + min`, mapping the learned [min, max] onto',
    '    **feature_range**. Values outside the learned range map outside it (no clipping).',
    '  - `robust` (RobustScaler): `(x - median) / (q_high - q_low)`, quantiles interpolated',
    '    linearly between data points as numpy does; a zero range keeps a scale of 1.',
    '- **with_mean**, **with_std**: for `standard`, whether to subtract the mean and divide by the std.',
    '- **feature_range**: for `minmax`, the target range `[min, max]` (default `[0, 1]`).',
    '- **quantile_range**: for `robust`, the percentiles `[low, high]` whose spread is the scale',
    '  (default `[25, 75]`, the interquartile range).',
    '- **with_centering**, **with_scaling**: for `robust`, whether to subtract the median and divide',
    '  by the spread.',
    '',
    'Scaled columns become DOUBLE; missing values stay missing and are left out of the statistics.',
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [{ name: 'out', type: 'table', label: 'Scaled' }],
  params: [
    { name: 'columns', kind: 'columns', port: 'in', label: 'Columns', default: [] },
    {
      name: 'method',
      kind: 'enum',
      label: 'Method',
      default: 'standard',
      options: [
        { value: 'standard', label: 'Standard (z-score)' },
        { value: 'minmax', label: 'Min-max' },
        { value: 'robust', label: 'Robust (median and IQR)' },
      ],
    },
    { name: 'with_mean', kind: 'boolean', label: 'Subtract the mean (standard)', default: true },
    { name: 'with_std', kind: 'boolean', label: 'Divide by the std (standard)', default: true },
    { name: 'feature_range', kind: 'json', label: 'Feature range (minmax)', description: '[min, max]', default: [0, 1], schema: rangeSchema },
    {
      name: 'quantile_range',
      kind: 'json',
      label: 'Quantile range (robust)',
      description: '[low, high] percentiles',
      default: [25, 75],
      schema: rangeSchema,
    },
    { name: 'with_centering', kind: 'boolean', label: 'Subtract the median (robust)', default: true },
    { name: 'with_scaling', kind: 'boolean', label: 'Divide by the quantile range (robust)', default: true },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in;
    const plan = planScale(input?.kind === 'table' ? input.columns : undefined, params);
    return {
      outputs: { out: input?.kind === 'table' ? { kind: 'table', columns: plan.outputs } : undefined },
      problems: plan.problems,
    };
  },
};

export interface ScalePlan {
  readonly method: ScaleMethod;
  readonly columns: readonly ColumnSchema[];
  readonly outputs: readonly ColumnSchema[];
  readonly featureRange: readonly [number, number];
  readonly quantileRange: readonly [number, number];
  readonly problems: readonly ColumnProblem[];
}

/** The scaled columns, the output schema and what is wrong, from the params and (when known) the input schema. */
export function planScale(table: readonly ColumnSchema[] | undefined, params: ParamValues): ScalePlan {
  const method = String(params.method ?? 'standard') as ScaleMethod;
  const problems: ColumnProblem[] = [];
  // A malformed range is reported by the param validation; the order of its ends is ours to check.
  const fr = rangeSchema.safeParse(params.feature_range ?? [0, 1]);
  const featureRange: [number, number] = fr.success ? fr.data : [0, 1];
  if (method === 'minmax' && fr.success && !(featureRange[0] < featureRange[1])) {
    problems.push({ param: 'feature_range', message: `the minimum (${featureRange[0]}) must be smaller than the maximum (${featureRange[1]})` });
  }
  const qr = rangeSchema.safeParse(params.quantile_range ?? [25, 75]);
  const quantileRange: [number, number] = qr.success ? qr.data : [25, 75];
  if (method === 'robust' && qr.success && !(0 <= quantileRange[0] && quantileRange[0] <= quantileRange[1] && quantileRange[1] <= 100)) {
    problems.push({ param: 'quantile_range', message: `must be two percentiles with 0 <= low <= high <= 100 (got [${quantileRange.join(', ')}])` });
  }
  if (!table) return { method, columns: [], outputs: [], featureRange, quantileRange, problems };
  const pick = pickColumns(table, columnsParam(params.columns), {
    accepts: (c) => isNumericType(c.type),
    why: 'scaling needs numeric columns',
    noneFound: 'numeric columns to scale',
  });
  problems.push(...pick.problems);
  const scaled = new Set(pick.columns.map((c) => c.name));
  const outputs = table.map((c) => (scaled.has(c.name) ? { name: c.name, type: 'DOUBLE' } : c));
  return { method, columns: pick.columns, outputs, featureRange, quantileRange, problems };
}

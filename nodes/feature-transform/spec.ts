import type { ColumnSchema, NodeSpec, ParamValues } from '../../src-shared/nodes/spec.js';
import { columnsParam, isNumericType, pickColumns, type ColumnProblem } from '../../src-shared/transforms/common.js';
import type { TransformMethod } from '../../src-shared/transforms/transform.js';

export const featureTransformSpec: NodeSpec = {
  type: 'feature.transform',
  version: 1,
  category: 'feature',
  title: 'Log / power transform',
  summary: 'Reshapes skewed numeric columns with log1p, square root or a fitted Yeo-Johnson power transform.',
  fits: true,
  docs: [
    'Applies a monotonic transform to numeric columns to make skewed distributions more symmetric.',
    '',
    '- **columns**: the numeric columns to transform; empty means every numeric column (list them',
    '  to leave the target out).',
    '- **method**:',
    '  - `log1p`: `ln(1 + x)`; values must be >= 0 (the node stops naming the column and its',
    '    minimum otherwise, and so does a replay on a negative value).',
    '  - `sqrt`: the square root; values must be >= 0, likewise.',
    '  - `yeo-johnson` (scikit-learn\'s `PowerTransformer` default): a power transform defined for',
    '    every real number, with one lambda per column fitted by maximum likelihood on this node\'s',
    '    input (place it after a split, on its train output). As scikit-learn does, the negative',
    '    log-likelihood `n/2 * ln(var(y)) - (lambda - 1) * sum(sign(x) * log1p(|x|))` is minimized',
    '    with Brent\'s method from the bracket (-2, 2) (scipy\'s `optimize.brent`, step for step).',
    '    Each evaluation is one SQL aggregate over all the rows (no sample; the columns are fitted',
    '    together, one query per step), so lambda matches scikit-learn\'s to the optimizer\'s',
    '    tolerance (about 1e-8).',
    '- **standardize**: for `yeo-johnson`, then subtract the mean and divide by the std of the',
    '  transformed values (scikit-learn\'s default, true), so the output has zero mean and unit',
    '  variance on the fitted rows.',
    '',
    'Transformed columns become DOUBLE; missing values stay missing and are left out of the fit.',
    'log1p is computed as `ln(1 + x)` everywhere (in SQL, at replay and in the ONNX export), so all',
    'three give the same values.',
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [{ name: 'out', type: 'table', label: 'Transformed' }],
  params: [
    { name: 'columns', kind: 'columns', port: 'in', label: 'Columns', default: [] },
    {
      name: 'method',
      kind: 'enum',
      label: 'Method',
      default: 'yeo-johnson',
      options: [
        { value: 'yeo-johnson', label: 'Yeo-Johnson (fitted power)' },
        { value: 'log1p', label: 'log(1 + x)' },
        { value: 'sqrt', label: 'Square root' },
      ],
    },
    { name: 'standardize', kind: 'boolean', label: 'Standardize (yeo-johnson)', default: true },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in;
    if (input?.kind !== 'table') return { outputs: { out: undefined } };
    const plan = planTransform(input.columns, params);
    return { outputs: { out: { kind: 'table', columns: plan.outputs } }, problems: plan.problems };
  },
};

export interface TransformPlan {
  readonly method: TransformMethod;
  readonly standardize: boolean;
  readonly columns: readonly ColumnSchema[];
  readonly outputs: readonly ColumnSchema[];
  readonly problems: readonly ColumnProblem[];
}

export function planTransform(table: readonly ColumnSchema[], params: ParamValues): TransformPlan {
  const method = String(params.method ?? 'yeo-johnson') as TransformMethod;
  const pick = pickColumns(table, columnsParam(params.columns), {
    accepts: (c) => isNumericType(c.type),
    why: `${method} needs numeric columns`,
    noneFound: 'numeric columns to transform',
  });
  const done = new Set(pick.columns.map((c) => c.name));
  const outputs = table.map((c) => (done.has(c.name) ? { name: c.name, type: 'DOUBLE' } : c));
  return { method, standardize: method === 'yeo-johnson' && params.standardize !== false, columns: pick.columns, outputs, problems: pick.problems };
}

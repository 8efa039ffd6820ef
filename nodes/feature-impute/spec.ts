import type { ColumnSchema, NodeSpec, ParamValues } from '../../src-shared/nodes/spec.js';
import { columnsParam, isBooleanType, isNumericType, isTextType, pickColumns, uniqueName, type ColumnProblem } from '../../src-shared/transforms/common.js';
import type { ImputeStrategy } from '../../src-shared/transforms/impute.js';

export const featureImputeSpec: NodeSpec = {
  type: 'feature.impute',
  version: 1,
  category: 'feature',
  title: 'Impute',
  summary: 'Fills missing values with a statistic learned from the input (mean, median, most frequent) or a constant.',
  fits: true,
  docs: [
    'Replaces missing values (SQL NULL) column by column, as scikit-learn\'s `SimpleImputer` does. The',
    'fill values are learned from this node\'s input: place it after a split, on its train output,',
    'so that the test rows do not shape them. They are kept in the table\'s preprocessing chain, and',
    'the same values fill the rows seen at prediction time.',
    '',
    '- **columns**: the columns to impute; empty means every column the strategy can handle (numeric',
    '  ones for mean and median; numeric, text and boolean ones otherwise). List them to leave the',
    '  target out.',
    '- **strategy**: `mean` (arithmetic mean of the non-missing values), `median` (as numpy: the',
    '  average of the two middle values for an even count), `most_frequent` (ties go to the smallest',
    '  value, as in scikit-learn) or `constant` (**fill_value**). Mean and median need numeric',
    '  columns; most_frequent and constant also take text and boolean ones.',
    '- **fill_value**: the constant for `constant`: a number for numeric columns (empty: 0), any text',
    '  for text columns (empty: `missing_value`), `true` or `false` for boolean columns.',
    '- **add_indicator**: also add a boolean `<column>_missing` column per imputed column (at the',
    '  end, true where the value was missing). Unlike scikit-learn\'s default, every imputed column',
    '  gets one, so the output columns are known before the node runs.',
    '',
    'Output types: imputed numeric columns become DOUBLE (as scikit-learn returns floats), text',
    'stays VARCHAR, booleans stay BOOLEAN; other columns pass through unchanged. A column with no',
    'value at all to learn from is an error. NaN is a value, not a missing one.',
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [{ name: 'out', type: 'table', label: 'Imputed' }],
  params: [
    { name: 'columns', kind: 'columns', port: 'in', label: 'Columns', default: [] },
    {
      name: 'strategy',
      kind: 'enum',
      label: 'Strategy',
      default: 'mean',
      options: [
        { value: 'mean', label: 'Mean' },
        { value: 'median', label: 'Median' },
        { value: 'most_frequent', label: 'Most frequent' },
        { value: 'constant', label: 'Constant' },
      ],
    },
    { name: 'fill_value', kind: 'string', label: 'Fill value', default: '', placeholder: '0 or missing_value' },
    { name: 'add_indicator', kind: 'boolean', label: 'Add missing indicators', default: false },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in;
    if (input?.kind !== 'table') return { outputs: { out: undefined } };
    const plan = planImpute(input.columns, params);
    return { outputs: { out: { kind: 'table', columns: plan.outputs } }, problems: plan.problems };
  },
};

export interface ImputePlanColumn {
  readonly column: ColumnSchema;
  readonly kind: 'number' | 'text' | 'boolean';
  /** The constant fill for strategy `constant`, already read in the column's kind. */
  readonly constant?: number | string | boolean;
  readonly indicator?: string;
}

export interface ImputePlan {
  readonly strategy: ImputeStrategy;
  readonly columns: readonly ImputePlanColumn[];
  readonly outputs: readonly ColumnSchema[];
  readonly problems: readonly ColumnProblem[];
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The columns imputed, their output types and indicator names, and what is wrong, from the input schema alone. */
export function planImpute(table: readonly ColumnSchema[], params: ParamValues): ImputePlan {
  const strategy = String(params.strategy ?? 'mean') as ImputeStrategy;
  const numericOnly = strategy === 'mean' || strategy === 'median';
  const pick = pickColumns(table, columnsParam(params.columns), {
    accepts: (c) => isNumericType(c.type) || (!numericOnly && (isTextType(c.type) || isBooleanType(c.type))),
    why: numericOnly
      ? `the ${strategy} strategy needs numeric columns (use most_frequent or constant)`
      : 'impute handles numeric, text and boolean columns (cast it first)',
    noneFound: numericOnly ? 'numeric columns to impute' : 'numeric, text or boolean columns to impute',
  });
  const problems: ColumnProblem[] = [...pick.problems];
  const fillText = String(params.fill_value ?? '');
  const taken = new Set(table.map((c) => c.name));
  const columns = pick.columns.map((column): ImputePlanColumn => {
    const kind = isNumericType(column.type) ? 'number' : isTextType(column.type) ? 'text' : 'boolean';
    let constant: number | string | boolean | undefined;
    if (strategy === 'constant') {
      if (kind === 'number') {
        if (fillText.trim() === '') constant = 0;
        else if (NUMBER_TEXT.test(fillText.trim())) constant = Number(fillText.trim());
        else problems.push({ param: 'fill_value', message: `"${fillText}" is not a number, and column "${column.name}" is numeric` });
      } else if (kind === 'text') {
        constant = fillText === '' ? 'missing_value' : fillText;
      } else if (/^(true|false)$/i.test(fillText.trim())) {
        constant = fillText.trim().toLowerCase() === 'true';
      } else {
        problems.push({ param: 'fill_value', message: `must be true or false to fill the boolean column "${column.name}"` });
      }
    }
    return {
      column,
      kind,
      ...(constant !== undefined ? { constant } : {}),
      ...(params.add_indicator === true ? { indicator: uniqueName(`${column.name}_missing`, taken) } : {}),
    };
  });
  const byName = new Map(columns.map((c) => [c.column.name, c]));
  const outputs: ColumnSchema[] = table.map((c) => (byName.get(c.name)?.kind === 'number' ? { name: c.name, type: 'DOUBLE' } : c));
  for (const c of columns) if (c.indicator) outputs.push({ name: c.indicator, type: 'BOOLEAN' });
  return { strategy, columns, outputs, problems };
}

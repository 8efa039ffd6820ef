import type { CompiledExpression } from '../../src-shared/expr/compile.js';
import { EXPRESSION_DOCS } from '../../src-shared/expr/docs.js';
import { compileParam, type ParamProblem } from '../../src-shared/expr/param.js';
import type { ColumnSchema, NodeSpec, ParamValues } from '../../src-shared/nodes/spec.js';

export const featureDeriveSpec: NodeSpec = {
  type: 'feature.derive',
  version: 1,
  category: 'feature',
  title: 'Derive a column',
  summary: 'Adds a column computed from the other columns of each row by an expression.',
  docs: [
    'Computes a new column from an expression over each row, e.g. `total_charges / tenure`, and adds',
    'it after the input columns. Its type follows from the expression: a whole number (BIGINT), a',
    'number (DOUBLE), text (VARCHAR), true/false (BOOLEAN) or a date (DATE or TIMESTAMP).',
    '',
    '- **name**: the new column\'s name.',
    '- **expression**: what to compute (see below). Where it is undefined for a row, such as a',
    '  division by zero (`total_charges / tenure` where `tenure` is 0), the value is null and the',
    '  node logs a warning with the number of rows; it never fails the run or gives Infinity.',
    '- **replace**: off by default, so that a name already in the table is an error rather than a',
    '  silent overwrite; on, the column is replaced in place (keeping its position) by the new',
    '  values, which may be computed from the old ones (`tenure / 12` named `tenure`).',
    '',
    'The derived column is a step of the preprocessing chain: the model trained downstream replays',
    'the same expression on raw rows when it predicts.',
    '',
    EXPRESSION_DOCS,
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [{ name: 'out', type: 'table', label: 'Table with the new column' }],
  params: [
    { name: 'name', kind: 'string', label: 'New column', required: true, placeholder: 'charges_per_month' },
    { name: 'expression', kind: 'string', syntax: 'expression', label: 'Expression', required: true, placeholder: 'total_charges / tenure' },
    { name: 'replace', kind: 'boolean', label: 'Replace an existing column', default: false },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in?.kind === 'table' ? inputs.in : undefined;
    const plan = planDerive(input?.columns, params);
    return { outputs: { out: plan.columns && { kind: 'table', columns: plan.columns } }, problems: plan.problems };
  },
};

export interface DerivePlan {
  readonly compiled?: CompiledExpression;
  /** The output columns, when the input's are known and there is no problem. */
  readonly columns?: ColumnSchema[];
  /** The input column the new one replaces, if any. */
  readonly replaces?: string;
  readonly problems: ParamProblem[];
}

/** What a derive makes of its input: shared by inferSchema and the run, so both agree on the schema. */
export function planDerive(columns: readonly ColumnSchema[] | undefined, params: ParamValues): DerivePlan {
  const { compiled, problems } = compileParam(params.expression, columns, 'expression');
  const name = typeof params.name === 'string' ? params.name : '';
  if (name !== '' && name.trim() === '') problems.push({ param: 'name', message: 'New column must be a name, not spaces' });
  if (compiled?.type === 'NULL') {
    problems.push({ param: 'expression', message: 'expression: it is always null, so the column would have no type (write e.g. if(false, 0.0, null) for an empty number column)' });
  }
  if (!columns || !compiled?.type || name.trim() === '' || problems.length > 0) return { compiled, problems };
  // DuckDB tells column names apart without regard to case: "Tenure" would clash with "tenure".
  const existing = columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (existing && params.replace !== true) {
    problems.push({ param: 'name', message: `column "${existing.name}" already exists: choose another name, or turn on "Replace an existing column"` });
    return { compiled, problems };
  }
  const derived: ColumnSchema = { name, type: compiled.type };
  const out = existing ? columns.map((c) => (c === existing ? derived : c)) : [...columns, derived];
  return { compiled, columns: out, replaces: existing?.name, problems };
}

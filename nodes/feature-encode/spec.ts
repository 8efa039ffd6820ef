import type { ColumnSchema, NodeSpec, ParamValues } from '../../src-shared/nodes/spec.js';
import { columnsParam, isBooleanType, isNumericType, isTextType, pickColumns, uniqueName, type ColumnProblem } from '../../src-shared/transforms/common.js';
import type { EncodeMethod } from '../../src-shared/transforms/encode.js';

/** More distinct values than this and a column is not categorical: the fit stops with an error. */
export const MAX_DISTINCT = 10_000;
/** One-hot columns made from one column at most (max_categories brings a column under it). */
export const MAX_ONEHOT_COLUMNS = 1_000;

export const featureEncodeSpec: NodeSpec = {
  type: 'feature.encode',
  version: 1,
  category: 'feature',
  title: 'Encode categories',
  summary: 'One-hot or ordinal encoding of categorical columns, with categories learned from the input.',
  fits: true,
  docs: [
    'Turns categorical columns into numbers as scikit-learn\'s `OneHotEncoder` and `OrdinalEncoder`',
    'do. The categories are learned from this node\'s input (place it after a split, on its train',
    'output) and kept in the table\'s preprocessing chain, so the rows seen at prediction time get',
    'the same columns.',
    '',
    '- **columns**: the columns to encode; empty means every text and boolean column (list them to',
    '  leave the target out). Numeric columns can be named too (codes such as a class number).',
    '- **method**: `onehot` (one INTEGER 0/1 column per category) or `ordinal` (one INTEGER column',
    '  holding the category\'s position, 0 to k-1).',
    '- **handle_unknown**: what a category not seen when fitting does when the chain is replayed on',
    '  new rows: `error` (scikit-learn\'s default) stops with a message naming the column and the',
    '  value; `ignore` encodes it as all zeros (onehot) or -1 (ordinal).',
    '- **max_categories**: onehot only; empty means no limit. When a column has more categories, the',
    '  max_categories - 1 most frequent keep a column each and the rest share `<column>_infrequent`',
    '  (last), as scikit-learn\'s infrequent categories do (ties in count keep the category that',
    '  sorts later, as its stable sort does). A known infrequent category maps there at replay too.',
    '- **drop_original**: drop the encoded column (default); otherwise it is kept, right before its',
    '  encoding (the ordinal code is then named `<column>_ordinal`).',
    '',
    'Categories are sorted as scikit-learn sorts them: numbers by value, false before true, text by',
    'Unicode code point. A missing value (NULL) seen when fitting is a category of its own for',
    'onehot (`<column>_missing`, last, as scikit-learn treats missing values), and stays missing',
    'for ordinal. One-hot columns are named `<column>_<category>`, with anything but letters,',
    'digits and `_` replaced by `_` (`minus` for a leading minus sign), and made unique with `_2`,',
    '`_3`... The state records which category each column stands for.',
    '',
    `A column with more than ${MAX_DISTINCT} distinct values is refused as not categorical, and one`,
    `that would give more than ${MAX_ONEHOT_COLUMNS} one-hot columns asks for max_categories.`,
    'The onehot output columns depend on the data, so they are known once the node has run.',
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [{ name: 'out', type: 'table', label: 'Encoded' }],
  params: [
    { name: 'columns', kind: 'columns', port: 'in', label: 'Columns', default: [] },
    {
      name: 'method',
      kind: 'enum',
      label: 'Method',
      default: 'onehot',
      options: [
        { value: 'onehot', label: 'One-hot' },
        { value: 'ordinal', label: 'Ordinal' },
      ],
    },
    {
      name: 'handle_unknown',
      kind: 'enum',
      label: 'Unknown categories',
      default: 'error',
      options: [
        { value: 'error', label: 'Error' },
        { value: 'ignore', label: 'Ignore (zeros / -1)' },
      ],
    },
    { name: 'max_categories', kind: 'number', label: 'Max categories (onehot)', integer: true, min: 1 },
    { name: 'drop_original', kind: 'boolean', label: 'Drop the original column', default: true },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in;
    if (input?.kind !== 'table') return { outputs: { out: undefined } };
    const plan = planEncode(input.columns, params);
    return { outputs: { out: plan.outputs ? { kind: 'table', columns: plan.outputs } : undefined }, problems: plan.problems };
  },
};

export interface EncodePlan {
  readonly method: EncodeMethod;
  readonly columns: readonly ColumnSchema[];
  /** The output schema when it is known before running (ordinal), else undefined (onehot). */
  readonly outputs?: readonly ColumnSchema[];
  /** ordinal: the output column of each encoded column. */
  readonly ordinalNames: ReadonlyMap<string, string>;
  readonly problems: readonly ColumnProblem[];
}

export const encodable = (c: ColumnSchema): boolean => isTextType(c.type) || isBooleanType(c.type) || isNumericType(c.type);

export function planEncode(table: readonly ColumnSchema[], params: ParamValues): EncodePlan {
  const method = String(params.method ?? 'onehot') as EncodeMethod;
  const wanted = columnsParam(params.columns);
  const pick = pickColumns(table, wanted, {
    accepts: wanted.length > 0 ? encodable : (c) => isTextType(c.type) || isBooleanType(c.type),
    why: 'encoding takes text, boolean or numeric columns (cast it first)',
    noneFound: 'text or boolean columns to encode',
  });
  const ordinalNames = new Map<string, string>();
  if (method !== 'ordinal') return { method, columns: pick.columns, ordinalNames, problems: pick.problems };
  const drop = params.drop_original !== false;
  const taken = new Set(table.map((c) => c.name));
  const encoded = new Set(pick.columns.map((c) => c.name));
  const outputs: ColumnSchema[] = [];
  for (const c of table) {
    if (!encoded.has(c.name)) {
      outputs.push(c);
      continue;
    }
    const name = drop ? c.name : uniqueName(`${c.name}_ordinal`, taken);
    ordinalNames.set(c.name, name);
    if (!drop) outputs.push(c);
    outputs.push({ name, type: 'INTEGER' });
  }
  return { method, columns: pick.columns, outputs, ordinalNames, problems: pick.problems };
}

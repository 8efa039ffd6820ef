import type { ColumnSchema, NodeSpec, ParamValues, SchemaMap } from '../../src-shared/nodes/spec.js';

export const SPLIT_METHODS = ['random', 'stratified', 'time', 'column'] as const;
export type SplitMethod = (typeof SPLIT_METHODS)[number];

/** Column types a time split can order by: numbers (a year, epoch seconds) and dates/times. */
export const ORDERABLE_TIME = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*|DATE|TIME|TIMESTAMP.*)$/;

export const splitTrainTestSpec: NodeSpec = {
  type: 'split.train_test',
  version: 1,
  category: 'feature',
  title: 'Train/test split',
  summary: 'Splits a table into a train and a test table: random, stratified, by time or by a column, seeded and reproducible.',
  docs: [
    'Splits the input rows into two tables, `train` and `test`. Every row goes to exactly one of',
    'them; each output keeps the input\'s columns and row order. The split is transparent to the',
    'preprocessing chain: both outputs carry the input\'s chain, and are marked `train` and `test`.',
    '',
    '- **method**:',
    '  - `random`: a seeded shuffle, then the test rows are taken, as scikit-learn\'s',
    '    `train_test_split`.',
    '  - `stratified`: as `random`, but each class of the **stratify** column keeps its share of',
    '    rows in the test table (within one row per class), as `train_test_split(stratify=y)`.',
    '    A missing value is a class of its own.',
    '  - `time`: the latest rows by the **time** column go to test, so that no train row is later',
    '    than a test row. Rows sharing one time stay together on one side: at the boundary, the',
    '    side is the one that brings the test size closest to **testSize** (on a tie, test).',
    '    Missing times are refused.',
    '  - `column`: the boolean **column** says which rows are test rows (`true`) and which are',
    '    train rows (`false`). A missing value is refused (the node fails naming the column and',
    '    how many rows): filter or impute it first, so no row is placed by accident.',
    '    **testSize**, **seed** and **shuffle** are not used.',
    '- **testSize**: the share of rows for the test table, above 0 and below 1 (0.25 by default),',
    '  or a whole number of rows (1 or more), as in scikit-learn: the test table gets',
    '  `ceil(testSize * rows)` rows and the train table the rest; neither may be empty.',
    '- **stratify**: the class column for `stratified`.',
    '- **time**: the time column for `time`: a date, a timestamp or a number.',
    '- **column**: the boolean "is test" column for `column`.',
    '- **seed**: the seed of the shuffle (scikit-learn\'s `random_state`). The same seed and',
    '  input give the same split on every machine and every run; another seed, another split.',
    '- **shuffle**: with `false` (method `random` only) the first rows are train and the last',
    '  ones test, as `train_test_split(shuffle=False)`.',
    '',
    'The shuffle is SplitMix64, written as integer arithmetic in SQL: row *i* (0-based, in the',
    'input\'s order) gets the (*i*+1)-th output of a SplitMix64 generator started at **seed**, and',
    'the rows with the smallest values are the test rows (per class, for `stratified`). It does not',
    'depend on DuckDB\'s own hash or random functions, so it does not change across versions; it',
    'does not reproduce numpy\'s shuffle either, so the rows chosen differ from scikit-learn\'s while',
    'the sizes are the same.',
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [
    { name: 'train', type: 'table', label: 'Train rows' },
    { name: 'test', type: 'table', label: 'Test rows' },
  ],
  params: [
    {
      name: 'method',
      kind: 'enum',
      label: 'Method',
      default: 'random',
      options: [
        { value: 'random', label: 'Random' },
        { value: 'stratified', label: 'Stratified by a class column' },
        { value: 'time', label: 'By time (latest rows to test)' },
        { value: 'column', label: 'By a boolean "is test" column' },
      ],
    },
    { name: 'testSize', kind: 'number', label: 'Test size', default: 0.25, description: 'A share (0 to 1) or a number of rows' },
    { name: 'stratify', kind: 'column', port: 'in', label: 'Stratify by', default: '' },
    { name: 'time', kind: 'column', port: 'in', label: 'Time column', default: '' },
    { name: 'column', kind: 'column', port: 'in', label: '"Is test" column', default: '' },
    { name: 'seed', kind: 'number', label: 'Seed', default: 0, integer: true, min: 0 },
    { name: 'shuffle', kind: 'boolean', label: 'Shuffle', default: true },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in;
    const problems: { param: string; message: string }[] = [];
    const sizeProblem = testSizeProblem(params.testSize);
    const method = String(params.method ?? 'random') as SplitMethod;
    if (sizeProblem && method !== 'column') problems.push({ param: 'testSize', message: sizeProblem });
    const columns = input?.kind === 'table' ? input.columns : undefined;
    problems.push(...methodProblems(method, params, columns));
    const out: SchemaMap = input?.kind === 'table' ? { train: input, test: input } : { train: undefined, test: undefined };
    return { outputs: out, problems };
  },
};

/** The param a method needs, and what its column must be. */
const METHOD_COLUMN: Partial<Record<SplitMethod, { param: string; label: string; type?: RegExp; typeHint?: string }>> = {
  stratified: { param: 'stratify', label: 'a class column to stratify by' },
  time: { param: 'time', label: 'a time column', type: ORDERABLE_TIME, typeHint: 'a date, a timestamp or a number' },
  column: { param: 'column', label: 'a boolean "is test" column', type: /^BOOLEAN$/, typeHint: 'BOOLEAN (true = test)' },
};

/**
 * Problems with the method's column param: unset, not in the input, or of a type the method
 * cannot use. `columns` is undefined when the input is not known yet.
 */
export function methodProblems(
  method: SplitMethod,
  params: ParamValues,
  columns: readonly ColumnSchema[] | undefined,
): { param: string; message: string }[] {
  if (method === 'stratified' && params.shuffle === false) {
    return [{ param: 'shuffle', message: 'a stratified split needs shuffle on (as in scikit-learn)' }];
  }
  const need = METHOD_COLUMN[method];
  if (!need) return [];
  const name = typeof params[need.param] === 'string' ? (params[need.param] as string) : '';
  if (name === '') return [{ param: need.param, message: `method "${method}" needs ${need.label}` }];
  if (!columns) return [];
  const col = columns.find((c) => c.name === name);
  if (!col) return [{ param: need.param, message: `column "${name}" is not in the input` }];
  if (need.type && !need.type.test(col.type)) {
    return [{ param: need.param, message: `column "${name}" is ${col.type}; method "${method}" needs ${need.typeHint}` }];
  }
  return [];
}

/** Why a testSize is unusable, before the row count is known (undefined when it is fine). */
export function testSizeProblem(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'testSize must be a number';
  if (value <= 0) return 'testSize must be above 0: a share below 1, or a whole number of rows';
  if (value >= 1 && !Number.isInteger(value)) return `testSize ${value} is neither a share below 1 nor a whole number of rows`;
  return undefined;
}

/**
 * The number of test rows for `rows` input rows, as scikit-learn's `_validate_shuffle_split`:
 * `ceil(testSize * rows)` for a share (the same double arithmetic as numpy's), the number
 * itself for a whole number. Throws a message when either side would be empty.
 */
export function testCount(testSize: number, rows: number): number {
  const problem = testSizeProblem(testSize);
  if (problem) throw new Error(problem);
  const nTest = testSize < 1 ? Math.ceil(testSize * rows) : testSize;
  if (rows === 0) throw new Error('the input has no rows to split');
  if (nTest >= rows) {
    throw new Error(
      `testSize ${testSize} leaves no rows for train (${rows} row${rows === 1 ? '' : 's'}, ${nTest} for test): lower it`,
    );
  }
  return nTest;
}

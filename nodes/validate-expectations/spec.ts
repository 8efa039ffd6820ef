import { z } from 'zod';
import type { ColumnSchema, NodeSpec } from '../../src-shared/nodes/spec.js';

/**
 * validate.expectations: declared checks over a table, each with its own policy (fail the run,
 * warn, or route the failing rows to `rejected`). The check list is a `json` param whose zod
 * schema below is the single source for the inspector's problems and for the run.
 */

export const TYPE_FAMILIES = ['integer', 'float', 'numeric', 'string', 'boolean', 'date', 'timestamp'] as const;
export type TypeFamily = (typeof TYPE_FAMILIES)[number];

export const CHECK_KINDS = ['required', 'type', 'not_null', 'range', 'allowed', 'regex', 'unique'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** Checks about the table's shape: they have no failing rows, so they cannot reject. */
export const TABLE_LEVEL_KINDS: readonly CheckKind[] = ['required', 'type'];

export const ON_FAIL = ['fail', 'warn', 'reject'] as const;
export type OnFail = (typeof ON_FAIL)[number];

/** Columns the `rejected` output adds to the input's. */
export const ROW_COLUMN = '_row';
export const FAILED_CHECKS_COLUMN = '_failed_checks';
export const REJECTED_EXTRA_COLUMNS: readonly ColumnSchema[] = [
  { name: ROW_COLUMN, type: 'BIGINT' },
  { name: FAILED_CHECKS_COLUMN, type: 'VARCHAR[]' },
];

/** How many failing rows each check shows in the report. */
export const EXAMPLES_PER_CHECK = 20;

/** A zod error message for a required field: "is required" when absent, else `message`. */
const need = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message);

const common = {
  column: z.string({ error: need('must be a column name') }).min(1, 'must name a column'),
  onFail: z.enum(ON_FAIL, { error: 'must be fail, warn or reject' }).default('fail'),
  name: z.string({ error: 'must be text' }).min(1, 'must not be empty').optional(),
};

const bound = z.union([z.number(), z.string()], { error: 'must be a number, or a date or timestamp as text' }).optional();

const checkSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('required'), ...common }),
    z.strictObject({
      kind: z.literal('type'),
      ...common,
      types: z
        .array(z.enum(TYPE_FAMILIES, { error: `must each be one of ${TYPE_FAMILIES.join(', ')}` }), {
          error: need(`must be a list of type families (${TYPE_FAMILIES.join(', ')})`),
        })
        .min(1, 'must list at least one type family'),
    }),
    z.strictObject({ kind: z.literal('not_null'), ...common }),
    z
      .strictObject({
        kind: z.literal('range'),
        ...common,
        min: bound,
        max: bound,
        minInclusive: z.boolean({ error: 'must be true or false' }).default(true),
        maxInclusive: z.boolean({ error: 'must be true or false' }).default(true),
      })
      .refine((c) => c.min !== undefined || c.max !== undefined, { message: 'needs a min, a max or both', path: ['min'] })
      .refine((c) => typeof c.min !== 'number' || typeof c.max !== 'number' || c.min <= c.max, {
        message: 'must not be above max',
        path: ['min'],
      }),
    z.strictObject({
      kind: z.literal('allowed'),
      ...common,
      values: z
        .array(z.union([z.string(), z.number(), z.boolean()], { error: 'must each be a string, a number or a boolean' }), {
          error: need('must be a list of values'),
        })
        .min(1, 'must list at least one value'),
    }),
    z.strictObject({
      kind: z.literal('regex'),
      ...common,
      pattern: z.string({ error: need('must be a regular expression') }).min(1, 'must not be empty'),
    }),
    z.strictObject({ kind: z.literal('unique'), ...common }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? `must be one of ${CHECK_KINDS.join(', ')}` : 'must be an object with a "kind" and a "column"',
  },
);

export type ExpectationCheck = z.output<typeof checkSchema>;

/** The name a check goes by in messages, the report and `_failed_checks`. */
export function checkName(c: Pick<ExpectationCheck, 'kind' | 'column' | 'name'>): string {
  return c.name ?? `${c.kind}(${c.column})`;
}

export const checksSchema = z
  .array(checkSchema, { error: 'must be a list of checks' })
  .superRefine((checks, ctx) => {
    const seen = new Map<string, number>();
    checks.forEach((c, i) => {
      if (c.onFail === 'reject' && TABLE_LEVEL_KINDS.includes(c.kind)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'onFail'],
          message: `cannot be reject for a ${c.kind} check, which has no failing rows (use fail or warn)`,
        });
      }
      const name = checkName(c);
      const first = seen.get(name);
      if (first === undefined) seen.set(name, i);
      else {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `"${name}" is already the name of checks[${first}]: give one of them a "name"`,
        });
      }
    });
  });

export const rowCountSchema = z
  .strictObject({
    min: z.number({ error: 'must be a number' }).int('must be a whole number').nonnegative('must be at least 0').optional(),
    max: z.number({ error: 'must be a number' }).int('must be a whole number').nonnegative('must be at least 0').optional(),
    onFail: z.enum(['fail', 'warn'], { error: 'must be fail or warn' }).default('fail'),
  })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { message: 'must not be above max', path: ['min'] });

export type RowCountBounds = z.output<typeof rowCountSchema>;

/** DuckDB type name -> the family a `type` check and the value comparisons reason about. */
export type ColumnFamily = 'integer' | 'float' | 'decimal' | 'string' | 'boolean' | 'date' | 'timestamp' | 'other';

export function columnFamily(duckType: string): ColumnFamily {
  const t = duckType.toUpperCase();
  if (/^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)$/.test(t)) return 'integer';
  if (t === 'FLOAT' || t === 'DOUBLE') return 'float';
  if (t.startsWith('DECIMAL')) return 'decimal';
  if (t === 'VARCHAR' || t.startsWith('ENUM(')) return 'string';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  return 'other';
}

/** Whether a column of `duckType` belongs to a type family named in a `type` check. */
export function inFamily(duckType: string, family: TypeFamily): boolean {
  const actual = columnFamily(duckType);
  if (family === 'numeric') return actual === 'integer' || actual === 'float' || actual === 'decimal';
  return actual === family;
}

const isNumeric = (f: ColumnFamily): boolean => f === 'integer' || f === 'float' || f === 'decimal';

/** `checks[2] "range(tenure)"`: how messages name a check. */
export function checkLabel(index: number, c: ExpectationCheck): string {
  return `checks[${index}] "${checkName(c)}"`;
}

/**
 * What is wrong with the checks against a known input schema: a column that is not there (unless
 * a `required` check covers it: then that check reports it under its own policy), bounds or
 * values of the wrong type for their column, and output columns the input already has. Used by
 * inferSchema (before a run) and by the run itself (when the schema was not known before).
 */
export function checkProblems(checks: readonly ExpectationCheck[], columns: readonly ColumnSchema[]): string[] {
  const problems: string[] = [];
  const types = new Map(columns.map((c) => [c.name, c.type]));
  const required = new Set(checks.filter((c) => c.kind === 'required').map((c) => c.column));
  const rejects = checks.some((c) => c.onFail === 'reject');
  checks.forEach((c, i) => {
    const at = checkLabel(i, c);
    const type = types.get(c.column);
    if (type === undefined) {
      if (c.kind !== 'required' && !required.has(c.column)) {
        problems.push(`${at}: column "${c.column}" is not in the input`);
      }
      return;
    }
    const family = columnFamily(type);
    if (c.kind === 'range') {
      if (isNumeric(family)) {
        for (const key of ['min', 'max'] as const) {
          if (c[key] !== undefined && typeof c[key] !== 'number') {
            problems.push(`${at}: ${key} must be a number, since "${c.column}" is ${type}`);
          }
        }
      } else if (family === 'date' || family === 'timestamp') {
        for (const key of ['min', 'max'] as const) {
          if (c[key] !== undefined && typeof c[key] !== 'string') {
            problems.push(`${at}: ${key} must be a ${family} as text (e.g. "2020-01-31"), since "${c.column}" is ${type}`);
          }
        }
      } else {
        problems.push(`${at}: a range needs a numeric, date or timestamp column; "${c.column}" is ${type}`);
      }
    }
    if (c.kind === 'allowed') {
      const want = isNumeric(family) ? 'number' : family === 'boolean' ? 'boolean' : 'string';
      const wrong = c.values.filter((v) => typeof v !== want);
      if (wrong.length > 0) {
        const shown = wrong.slice(0, 5).map((v) => JSON.stringify(v)).join(', ');
        problems.push(`${at}: values must be ${want}s, since "${c.column}" is ${type} (not ${shown}${wrong.length > 5 ? ', ...' : ''})`);
      }
    }
  });
  if (rejects) {
    for (const extra of REJECTED_EXTRA_COLUMNS) {
      if (types.has(extra.name)) {
        problems.push(`the input already has a column "${extra.name}", which "rejected" adds: rename or drop it first`);
      }
    }
  }
  return problems;
}

export const validateExpectationsSpec: NodeSpec = {
  type: 'validate.expectations',
  version: 1,
  category: 'validation',
  title: 'Expectations',
  summary: 'Checks a table against declared expectations; failing rows fail the run, warn, or go to "rejected".',
  docs: [
    'Runs each check over the input table with DuckDB and applies its policy. Nothing is',
    'dropped silently: every input row ends up in `out` or in `rejected`, and the report lists',
    'every check with its failing row count and up to 20 failing rows (row number and value).',
    '',
    '- **checks**: a list of checks, each `{ "kind", "column", "onFail", ... }`, with an optional',
    '  `"name"` (default `kind(column)`, e.g. `not_null(age)`; names must be unique). Kinds:',
    '  - `required`: the column exists.',
    '  - `type`: the column\'s type is in one of `types`: `integer`, `float`, `numeric` (integer,',
    '    float or decimal), `string`, `boolean`, `date`, `timestamp`.',
    '  - `not_null`: no missing values.',
    '  - `range`: values within `min` and/or `max` (numbers; for date and timestamp columns, text',
    '    such as `"2020-01-31"`), inclusive unless `minInclusive` / `maxInclusive` is false.',
    '  - `allowed`: values among `values` (numbers, booleans or strings, as the column holds).',
    '  - `regex`: the whole value matches `pattern` (RE2 syntax, DuckDB `regexp_full_match`;',
    '    non-text columns are matched on their text form). An invalid pattern fails the run.',
    '  - `unique`: no value occurs twice; every row whose value occurs more than once fails.',
    '',
    '  `range`, `allowed`, `regex` and `unique` ignore missing values: use `not_null` for those.',
    '  `onFail` (default `fail`): `fail` stops the run naming the failed checks and their counts;',
    '  `warn` logs and passes the rows through; `reject` sends the failing rows (of all reject',
    '  checks together) to `rejected`, with `_row` (the row\'s 1-based position in the input) and',
    '  `_failed_checks` (the names of every check the row failed, warn ones included). `required`',
    '  and `type` have no failing rows, so they fail or warn. When a column is missing, checks on',
    '  it are skipped if a `required` check covers it (its policy decides), else the run fails.',
    '- **rowCount**: bounds on the number of input rows, `{ "min", "max", "onFail" }` (each',
    '  optional; onFail `fail` or `warn`, default `fail`).',
    '',
    'Example: `[{ "kind": "not_null", "column": "total_charges", "onFail": "reject" },',
    '{ "kind": "range", "column": "tenure", "min": 0, "max": 72 }]`.',
    '',
    'Outputs: `out` holds the rows no reject check failed, in input order; `rejected` the others;',
    'both keep the input\'s preprocessing chain. The report (`kind: "expectations"`) says whether',
    'every check passed, the row counts, and per check its column, kind, arguments, policy,',
    'result, failing row count and examples.',
  ].join('\n'),
  inputs: [{ name: 'in', type: 'table', label: 'Table' }],
  outputs: [
    { name: 'out', type: 'table', label: 'Rows', description: 'the rows no reject check failed' },
    { name: 'rejected', type: 'table', label: 'Rejected rows', description: 'rows a reject check failed, with _row and _failed_checks' },
    { name: 'report', type: 'report', label: 'Report' },
  ],
  params: [
    {
      name: 'checks',
      kind: 'json',
      label: 'Checks',
      description: 'A list of checks: [{ "kind": "not_null", "column": "age", "onFail": "reject" }, ...]',
      default: [],
      schema: checksSchema,
    },
    {
      name: 'rowCount',
      kind: 'json',
      label: 'Row count',
      description: 'Bounds on the number of rows: { "min": 1, "max": 100000, "onFail": "fail" }',
      default: {},
      schema: rowCountSchema,
    },
  ],
  inferSchema: (inputs, params) => {
    const input = inputs.in;
    const table = input?.kind === 'table' ? input : undefined;
    const outputs = {
      out: table ? { kind: 'table' as const, columns: table.columns } : undefined,
      rejected: table ? { kind: 'table' as const, columns: [...table.columns, ...REJECTED_EXTRA_COLUMNS] } : undefined,
      report: { kind: 'report' as const },
    };
    // A malformed check list is reported by the param validation already.
    const checks = checksSchema.safeParse(params.checks ?? []);
    if (!table || !checks.success) return { outputs };
    return { outputs, problems: checkProblems(checks.data, table.columns).map((message) => ({ param: 'checks', message })) };
  },
};

export interface CheckExample {
  /** 1-based position of the row in the input. */
  readonly row: number;
  readonly value: unknown;
}

export interface CheckResult {
  readonly index: number;
  readonly name: string;
  readonly column: string;
  readonly kind: CheckKind;
  /** The check's own arguments (min, max, values, pattern, types ...). */
  readonly args: Readonly<Record<string, unknown>>;
  readonly onFail: OnFail;
  readonly passed: boolean;
  /** Rows that failed; null for table-level checks (required, type) and skipped ones. */
  readonly failingRows: number | null;
  readonly examples: readonly CheckExample[];
  /** Why a table-level check failed, or why a check was skipped. */
  readonly message?: string;
  readonly skipped?: boolean;
}

export interface ExpectationsReport {
  readonly kind: 'expectations';
  /** Every check (and the row count) passed; failed warn or reject checks make it false. */
  readonly passed: boolean;
  readonly rows: number;
  readonly rowsOut: number;
  readonly rowsRejected: number;
  readonly checks: readonly CheckResult[];
  readonly rowCount: (RowCountBounds & { readonly passed: boolean }) | null;
}

import type { CallInfo, Compiler, ExprFamily, ExprSqlType, Val } from './compile.js';

/**
 * The allow-list of functions: each maps explicitly to the DuckDB SQL it becomes. A name not in
 * this list is an error naming it; nothing is passed through to DuckDB by name.
 */
export interface FunctionDef {
  readonly name: string;
  /** How it is called, for docs and arity errors, e.g. `round(x, digits)`. */
  readonly signature: string;
  readonly doc: string;
  /** The DuckDB function (or construct) it compiles to. */
  readonly duckdb: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** The result type and SQL from the compiled arguments (their norms are set by the caller). */
  readonly compile: (c: Compiler, args: readonly Val[], call: CallInfo) => Pick<Val, 'type' | 'sql'>;
}

type Out = Pick<Val, 'type' | 'sql'>;

const ORDINALS = ['first', 'second', 'third', 'fourth'];
const WORDS: Readonly<Record<ExprFamily, string>> = { number: 'a number', string: 'text', boolean: 'true/false', date: 'a date', null: 'null' };

/** Checks argument `i` against a family; the message names the function and, for several arguments, which one. */
function arg(c: Compiler, call: CallInfo, args: readonly Val[], i: number, family: ExprFamily): Val {
  const which = call.def.maxArgs > 1 ? ` as its ${ORDINALS[i] ?? `#${i + 1}`} argument` : '';
  return c.need(args[i], family, () => `${call.name}() needs ${WORDS[family]}${which}`);
}

const failed = (...vals: readonly Val[]): boolean => vals.some((v) => v.type === 'ERROR');
const ERROR: Out = { type: 'ERROR', sql: 'NULL' };

/** A one-number function returning a DOUBLE. */
function numeric(name: string, doc: string, duckdb: string, sql: (x: string) => string): FunctionDef {
  return {
    name,
    signature: `${name}(x)`,
    doc,
    duckdb,
    minArgs: 1,
    maxArgs: 1,
    compile: (c, args, call) => {
      const x = arg(c, call, args, 0, 'number');
      return failed(x) ? ERROR : { type: 'DOUBLE', sql: sql(x.sql) };
    },
  };
}

/**
 * A one-number function undefined on part of its domain: NULL there (never an error, Infinity or
 * NaN), with the rows counted through a guard. Its argument's SQL appears twice.
 */
function guarded(name: string, doc: string, duckdb: string, defined: (x: string) => string, undefinedWhen: (x: string) => string, what: string, sql: (x: string) => string): FunctionDef {
  return {
    name,
    signature: `${name}(x)`,
    doc,
    duckdb,
    minArgs: 1,
    maxArgs: 1,
    compile: (c, args, call) => {
      const x = arg(c, call, args, 0, 'number');
      if (failed(x) || !c.copyable(x)) return ERROR;
      c.guard(undefinedWhen(x.sql), what, call.span);
      return { type: 'DOUBLE', sql: `CASE WHEN ${defined(x.sql)} THEN ${sql(x.sql)} END` };
    },
  };
}

function text(name: string, doc: string, returns: ExprSqlType, duckdb: string): FunctionDef {
  return {
    name,
    signature: `${name}(s)`,
    doc,
    duckdb,
    minArgs: 1,
    maxArgs: 1,
    compile: (c, args, call) => {
      const s = arg(c, call, args, 0, 'string');
      return failed(s) ? ERROR : { type: returns, sql: `${duckdb}(${s.sql})` };
    },
  };
}

function textTest(name: string, doc: string): FunctionDef {
  return {
    name,
    signature: `${name}(s, part)`,
    doc,
    duckdb: name,
    minArgs: 2,
    maxArgs: 2,
    compile: (c, args, call) => {
      const s = arg(c, call, args, 0, 'string');
      const part = arg(c, call, args, 1, 'string');
      return failed(s, part) ? ERROR : { type: 'BOOLEAN', sql: `${name}(${s.sql}, ${part.sql})` };
    },
  };
}

function datePart(name: string, doc: string): FunctionDef {
  return {
    name,
    signature: `${name}(d)`,
    doc,
    duckdb: name,
    minArgs: 1,
    maxArgs: 1,
    compile: (c, args, call) => {
      const d = arg(c, call, args, 0, 'date');
      return failed(d) ? ERROR : { type: 'BIGINT', sql: `${name}(${d.sql})` };
    },
  };
}

/** Functions whose arguments must agree on a type (min, max, coalesce). */
function agreeing(name: string, signature: string, doc: string, duckdb: string, minArgs: number, maxArgs: number): FunctionDef {
  return {
    name,
    signature,
    doc,
    duckdb,
    minArgs,
    maxArgs,
    compile: (c, args) => {
      const u = c.unify(args, (a, b) => `the arguments of ${name}() must be of one kind, not ${a} and ${b}`);
      if (u.type === 'ERROR') return ERROR;
      return { type: u.type, sql: `${duckdb}(${u.vals.map((v) => v.sql).join(', ')})` };
    },
  };
}

export const DATE_DIFF_UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const;

const DEFS: readonly FunctionDef[] = [
  {
    name: 'if',
    signature: 'if(condition, then, else)',
    doc: '`then` where the condition is true, otherwise `else` (also where the condition is null).',
    duckdb: 'CASE WHEN ... THEN ... ELSE ... END',
    minArgs: 3,
    maxArgs: 3,
    // Compiled by the compiler itself: each branch's guards count only the rows that take it.
    compile: () => ERROR,
  },
  {
    name: 'abs',
    signature: 'abs(x)',
    doc: 'Absolute value.',
    duckdb: 'abs',
    minArgs: 1,
    maxArgs: 1,
    compile: (c, args, call) => {
      const x = arg(c, call, args, 0, 'number');
      return failed(x) ? ERROR : { type: x.type, sql: `abs(${x.sql})` };
    },
  },
  {
    name: 'round',
    signature: 'round(x, digits)',
    doc: 'Rounds to `digits` decimals (default 0; negative rounds to tens, hundreds...); halves round away from zero.',
    duckdb: 'round',
    minArgs: 1,
    maxArgs: 2,
    compile: (c, args, call) => {
      const x = arg(c, call, args, 0, 'number');
      const digits = args.length > 1 ? arg(c, call, args, 1, 'number') : undefined;
      if (failed(x) || (digits && failed(digits))) return ERROR;
      return { type: 'DOUBLE', sql: `round(CAST(${x.sql} AS DOUBLE)${digits ? `, CAST(${digits.sql} AS INTEGER)` : ''})` };
    },
  },
  numeric('floor', 'The largest whole number not above x (as a DOUBLE).', 'floor', (x) => `floor(CAST(${x} AS DOUBLE))`),
  numeric('ceil', 'The smallest whole number not below x (as a DOUBLE).', 'ceil', (x) => `ceil(CAST(${x} AS DOUBLE))`),
  guarded('sqrt', 'Square root; null for a negative x.', 'sqrt', (x) => `${x} >= 0`, (x) => `${x} < 0`, 'square root of a negative number', (x) => `sqrt(CAST(${x} AS DOUBLE))`),
  guarded('log', 'Natural logarithm; null for x <= 0.', 'ln', (x) => `${x} > 0`, (x) => `${x} <= 0`, 'logarithm of zero or a negative number', (x) => `ln(CAST(${x} AS DOUBLE))`),
  guarded('log1p', 'log(1 + x); null for x <= -1.', 'ln(1 + x)', (x) => `${x} > -1`, (x) => `${x} <= -1`, 'log1p of a number at or below -1', (x) => `ln(1 + CAST(${x} AS DOUBLE))`),
  numeric('exp', 'e to the power x (Infinity above about 709).', 'exp', (x) => `exp(CAST(${x} AS DOUBLE))`),
  {
    name: 'pow',
    signature: 'pow(x, y)',
    doc: 'x to the power y; null for a negative x with a fractional y, and for 0 to a negative power.',
    duckdb: 'pow',
    minArgs: 2,
    maxArgs: 2,
    compile: (c, args, call) => {
      const x = arg(c, call, args, 0, 'number');
      const y = arg(c, call, args, 1, 'number');
      if (failed(x, y) || !c.copyable(x) || !c.copyable(y)) return ERROR;
      const bad = `(${x.sql} < 0 AND ${y.sql} <> floor(${y.sql})) OR (${x.sql} = 0 AND ${y.sql} < 0)`;
      c.guard(bad, 'pow of a negative number to a fractional power, or of zero to a negative power', call.span);
      return { type: 'DOUBLE', sql: `CASE WHEN ${bad} THEN NULL ELSE pow(CAST(${x.sql} AS DOUBLE), CAST(${y.sql} AS DOUBLE)) END` };
    },
  },
  agreeing('min', 'min(a, b)', 'The smaller of two values (numbers, text or dates); a null one is ignored, as in DuckDB\'s least.', 'least', 2, 2),
  agreeing('max', 'max(a, b)', 'The larger of two values; a null one is ignored, as in DuckDB\'s greatest.', 'greatest', 2, 2),
  agreeing('coalesce', 'coalesce(a, b, ...)', 'The first value that is not null.', 'coalesce', 2, Infinity),
  text('lower', 'Lower case.', 'VARCHAR', 'lower'),
  text('upper', 'Upper case.', 'VARCHAR', 'upper'),
  text('trim', 'Without leading and trailing spaces.', 'VARCHAR', 'trim'),
  text('length', 'The number of characters.', 'BIGINT', 'length'),
  {
    name: 'substr',
    signature: 'substr(s, start, length)',
    doc: 'Part of the text from character `start` (counting from 1), `length` characters long (default: to the end).',
    duckdb: 'substr',
    minArgs: 2,
    maxArgs: 3,
    compile: (c, args, call) => {
      const s = arg(c, call, args, 0, 'string');
      const start = arg(c, call, args, 1, 'number');
      const length = args.length > 2 ? arg(c, call, args, 2, 'number') : undefined;
      if (failed(s, start) || (length && failed(length))) return ERROR;
      return { type: 'VARCHAR', sql: `substr(${s.sql}, CAST(${start.sql} AS BIGINT)${length ? `, CAST(${length.sql} AS BIGINT)` : ''})` };
    },
  },
  textTest('contains', 'Whether the text contains `part` (case-sensitive).'),
  textTest('starts_with', 'Whether the text starts with `part` (case-sensitive).'),
  datePart('year', 'The year of a date.'),
  datePart('month', 'The month of a date (1-12).'),
  datePart('day', 'The day of the month (1-31).'),
  {
    name: 'date_diff',
    signature: "date_diff('day', a, b)",
    doc: `The number of unit boundaries from date a to date b (b - a); the unit is one of ${DATE_DIFF_UNITS.map((u) => `'${u}'`).join(', ')}.`,
    duckdb: 'date_diff',
    minArgs: 3,
    maxArgs: 3,
    compile: (c, args, call) => {
      const unit = args[0];
      const a = arg(c, call, args, 1, 'date');
      const b = arg(c, call, args, 2, 'date');
      const known = unit.lit && (DATE_DIFF_UNITS as readonly string[]).includes(unit.lit.value.toLowerCase());
      if (!known) {
        const units = DATE_DIFF_UNITS.map((u) => `'${u}'`).join(', ');
        if (unit.type !== 'ERROR') c.report(unit.span, `the first argument of date_diff() is the unit, in quotes: one of ${units}`);
        return ERROR;
      }
      if (failed(a, b)) return ERROR;
      c.setParam(unit.lit!.param, unit.lit!.value.toLowerCase());
      return { type: 'BIGINT', sql: `date_diff(${unit.sql}, ${a.sql}, ${b.sql})` };
    },
  },
];

export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(DEFS.map((d) => [d.name, d]));

/** The function list as a markdown table, for node docs. */
export function functionsMarkdown(): string {
  return ['| function | what it gives |', '|---|---|', ...DEFS.map((d) => `| \`${d.signature}\` | ${d.doc} |`)].join('\n');
}

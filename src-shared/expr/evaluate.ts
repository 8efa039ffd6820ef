import type { ColumnSchema } from '../nodes/spec.js';
import type { BinaryOp, Expr } from './ast.js';
import { columnExprType, type ExprSqlType } from './compile.js';
import { DATE_DIFF_UNITS } from './functions.js';
import {
  bigintJson,
  civilFromDays,
  compareDouble,
  compareText,
  DATE_INF,
  DATE_NINF,
  doubleJson,
  ExprEvalError,
  formatDate,
  formatTimestamp,
  INT64_MAX,
  INT64_MIN,
  lowerText,
  MICROS_PER_DAY,
  parseDate,
  parseTimestamp,
  splitTimestamp,
  TS_INF,
  TS_NINF,
  upperText,
} from './values.js';

/**
 * An expression evaluated on one row in TypeScript, giving what DuckDB gives for the SQL that
 * compile.ts emits for it (the replay of a derived column on raw rows: DESIGN.md section 6).
 *
 * Each sub-expression is typed as the compiler types it, and its values are held as DuckDB holds
 * them: BIGINT as a bigint (exact to 64 bits, and an overflow is an error as in DuckDB), DOUBLE as
 * a number, DATE as days and TIMESTAMP as microseconds. The same SQL rules apply: null in, null
 * out (three-valued and/or/not, coalesce and min/max skip nulls), NaN equal to itself and above
 * every number, text compared by code point, the undefined-math guards give null. Only the
 * branch of if() a row takes is evaluated, as DuckDB's CASE does.
 *
 * Rows come in, and values go out, as `DuckSession.objects` reads a table (see values.ts).
 */

type Value = bigint | number | string | boolean | null;
type Row = Readonly<Record<string, unknown>>;
type Type = ExprSqlType;

interface Node {
  readonly type: Type;
  readonly ev: (row: Row) => Value;
  /** A text literal, which becomes a date next to dates (as the compiler casts it). */
  readonly lit?: string;
}

export interface RowEvaluator {
  /** The expression's type (what the node's column is). */
  readonly type: ExprSqlType;
  /** The value of the expression on a row, in the JSON form `objects()` reads. */
  readonly evaluate: (row: Row) => unknown;
}

/**
 * Builds the evaluator of a normalised tree (a chain step's `ast`) against the columns it reads,
 * with their DuckDB types. Throws an ExprEvalError for a tree the compiler would refuse.
 */
export function rowEvaluator(ast: Expr, columns: readonly ColumnSchema[]): RowEvaluator {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const root = build(ast, byName);
  if (root.type === 'NULL') throw new ExprEvalError('the expression is always null, so it has no type');
  return { type: root.type, evaluate: (row) => toJson(root.ev(row), root.type) };
}

function family(t: Type): string {
  if (t === 'BIGINT' || t === 'DOUBLE') return 'number';
  if (t === 'DATE' || t === 'TIMESTAMP') return 'date';
  return t === 'VARCHAR' ? 'string' : t === 'BOOLEAN' ? 'boolean' : 'null';
}

function build(e: Expr, columns: ReadonlyMap<string, ColumnSchema>): Node {
  const b = (x: Expr) => build(x, columns);
  switch (e.kind) {
    case 'number': {
      // DuckDB's node binding reads a whole-valued JS number as a BIGINT parameter, so a literal
      // such as 1e300 fails the node's statement (on every row): the replay fails alike.
      const unbindable = Number.isInteger(e.value) && (e.value >= 2 ** 63 || e.value < -(2 ** 63));
      const fail = (): never => {
        throw new ExprEvalError(`the number ${e.value} cannot be passed to DuckDB: bigint out of int64 range`);
      };
      if (!e.integer) return { type: 'DOUBLE', ev: unbindable ? fail : () => e.value };
      const v = unbindable ? 0n : BigInt(e.value);
      return { type: 'BIGINT', ev: unbindable ? fail : () => v };
    }
    case 'string':
      return { type: 'VARCHAR', ev: () => e.value, lit: e.value };
    case 'boolean':
      return { type: 'BOOLEAN', ev: () => e.value };
    case 'null':
      return { type: 'NULL', ev: () => null };
    case 'column':
      return column(e.name, columns);
    case 'neg': {
      const x = need(b(e.arg), 'number');
      if (x.type === 'BIGINT')
        return { type: 'BIGINT', ev: (r) => mapNull(x.ev(r), (v) => checked(-(v as bigint), () => `Overflow in negation of integer`)) };
      return { type: 'DOUBLE', ev: (r) => mapNull(x.ev(r), (v) => -(v as number)) };
    }
    case 'not': {
      const x = need(b(e.arg), 'boolean');
      return { type: 'BOOLEAN', ev: (r) => mapNull(x.ev(r), (v) => !v) };
    }
    case 'isNull': {
      // A column of any type can be tested for null, even one expressions cannot otherwise read.
      const arg = e.arg;
      const read = arg.kind === 'column' ? (r: Row) => (isMissing(r[arg.name]) ? null : true) : b(arg).ev;
      return { type: 'BOOLEAN', ev: (r) => (read(r) === null) !== e.negated };
    }
    case 'in':
      return inList(e.arg, e.items, e.negated, b);
    case 'binary':
      return binary(e.op, b(e.left), b(e.right), e.right);
    case 'call':
      return call(e.name, e.args, b);
  }
}

const isMissing = (v: unknown): boolean => v === null || v === undefined;

function mapNull(v: Value, f: (v: bigint | number | string | boolean) => Value): Value {
  return v === null ? null : f(v);
}

function checked(v: bigint, what: () => string): bigint {
  if (v < INT64_MIN || v > INT64_MAX) throw new ExprEvalError(`Out of Range Error: ${what()}`);
  return v;
}

function column(name: string, columns: ReadonlyMap<string, ColumnSchema>): Node {
  const col = columns.get(name);
  if (!col) throw new ExprEvalError(`unknown column "${name}"`);
  const type = columnExprType(col.type);
  if (!type) throw new ExprEvalError(`column "${name}" is of type ${col.type}, which expressions can only test with "is null"`);
  return { type, ev: (row) => readValue(row[name], type, name) };
}

/** A raw row's value (JSON, as `objects()` reads it, or what a user typed) as a value of `type`. */
export function readValue(v: unknown, type: Type, name: string): Value {
  if (isMissing(v)) return null;
  const bad = (): never => {
    throw new ExprEvalError(`column "${name}": ${JSON.stringify(typeof v === 'bigint' ? v.toString() : v)} is not a ${type} value`);
  };
  switch (type) {
    case 'BIGINT':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : bad();
      if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return checked(BigInt(v.trim()), () => `column "${name}": ${v} is beyond BIGINT`);
      if (typeof v === 'boolean') return v ? 1n : 0n;
      return bad();
    case 'DOUBLE':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'string') {
        const t = v.trim();
        if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
        if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
        if (/^[+-]?nan$/i.test(t)) return NaN;
      }
      return bad();
    case 'VARCHAR':
      return typeof v === 'string' ? v : bad();
    case 'BOOLEAN':
      return typeof v === 'boolean' ? v : bad();
    case 'DATE':
      return (typeof v === 'string' ? parseDate(v) : undefined) ?? bad();
    case 'TIMESTAMP':
      return (typeof v === 'string' ? parseTimestamp(v) : undefined) ?? bad();
    case 'NULL':
      return null;
  }
}

function toJson(v: Value, type: Type): unknown {
  if (v === null) return null;
  switch (type) {
    case 'BIGINT':
      return bigintJson(v as bigint);
    case 'DOUBLE':
      return doubleJson(v as number);
    case 'DATE':
      return formatDate(v as number);
    case 'TIMESTAMP':
      return formatTimestamp(v as bigint);
    default:
      return v;
  }
}

/** A node converted to `type` as DuckDB's implicit casts do (BIGINT -> DOUBLE, DATE -> TIMESTAMP, a text literal -> a date). */
function as(n: Node, type: Type): Node {
  if (n.type === type) return n;
  if (n.type === 'NULL') return { type, ev: () => null };
  if (n.lit !== undefined && (type === 'DATE' || type === 'TIMESTAMP')) return asDate(n.lit, type);
  if (n.type === 'BIGINT' && type === 'DOUBLE') return { type, ev: (r) => mapNull(n.ev(r), (v) => Number(v as bigint)) };
  if (n.type === 'DATE' && type === 'TIMESTAMP') return { type, ev: (r) => mapNull(n.ev(r), (v) => dateToTimestamp(v as number)) };
  throw new ExprEvalError(`cannot use ${n.type} as ${type}`);
}

function dateToTimestamp(days: number): bigint {
  if (days === DATE_INF) return TS_INF;
  if (days === DATE_NINF) return TS_NINF;
  return BigInt(days) * MICROS_PER_DAY;
}

/** A text literal where a date is expected: DATE, or TIMESTAMP when it has a time of day (the compiler's rule). */
function asDate(text: string, wanted?: Type): Node {
  const type: Type = /\d[ T]\d/.test(text) ? 'TIMESTAMP' : 'DATE';
  const value = type === 'DATE' ? parseDate(text) : parseTimestamp(text);
  if (value === undefined) throw new ExprEvalError(`'${text}' is not a date`);
  const node: Node = { type, ev: () => value };
  return wanted && wanted !== type ? as(node, wanted) : node;
}

/** Checks a node against a family, giving a typed null its family's type (a null number is a BIGINT). */
function need(n: Node, fam: 'number' | 'string' | 'boolean' | 'date'): Node {
  if (n.type === 'NULL') return as(n, ({ number: 'BIGINT', string: 'VARCHAR', boolean: 'BOOLEAN', date: 'DATE' } as const)[fam]);
  if (fam === 'date' && n.lit !== undefined) return asDate(n.lit);
  if (family(n.type) !== fam) throw new ExprEvalError(`expected ${fam}, got ${n.type}`);
  return n;
}

/** The common type of values that must agree, and the values converted to it (compile.ts's unify). */
function unify(nodes: readonly Node[]): { type: Type; nodes: Node[] } {
  const typed = nodes.filter((n) => n.type !== 'NULL' && n.lit === undefined);
  const anchor = typed[0] ?? nodes.find((n) => n.lit !== undefined);
  if (!anchor) return { type: 'NULL', nodes: [...nodes] };
  const fam = family(anchor.type);
  const converted = nodes.map((n) => (n.type !== 'NULL' && fam === 'date' && n.lit !== undefined ? asDate(n.lit) : n));
  for (const n of converted) if (n.type !== 'NULL' && family(n.type) !== fam) throw new ExprEvalError(`cannot combine ${anchor.type} and ${n.type}`);
  const types = converted.map((n) => n.type);
  const type: Type =
    fam === 'number' ? (types.includes('DOUBLE') ? 'DOUBLE' : 'BIGINT') : fam === 'date' ? (types.includes('TIMESTAMP') ? 'TIMESTAMP' : 'DATE') : anchor.type;
  return { type, nodes: converted.map((n) => as(n, type)) };
}

/** Three-way comparison of two non-null values of one type, as DuckDB orders them. */
function compare(a: Value, b: Value, type: Type): number {
  switch (type) {
    case 'DOUBLE':
      return compareDouble(a as number, b as number);
    case 'VARCHAR':
      return compareText(a as string, b as string);
    case 'BOOLEAN':
      return Number(a) - Number(b);
    default:
      return a! < b! ? -1 : a! > b! ? 1 : 0;
  }
}

const TESTS: Readonly<Record<string, (c: number) => boolean>> = {
  '=': (c) => c === 0,
  '!=': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

function binary(op: BinaryOp, l: Node, r: Node, rightExpr: Expr): Node {
  if (op === 'and' || op === 'or') {
    const [x, y] = [need(l, 'boolean'), need(r, 'boolean')];
    // SQL's three-valued logic: false and null is false, true or null is true.
    const decisive = op === 'or';
    return {
      type: 'BOOLEAN',
      ev: (row) => {
        const a = x.ev(row);
        const b = y.ev(row);
        if (a === decisive || b === decisive) return decisive;
        return a === null || b === null ? null : !decisive;
      },
    };
  }
  const test = TESTS[op];
  if (test) {
    const u = unify([l, r]);
    const [x, y] = u.nodes;
    return {
      type: 'BOOLEAN',
      ev: (row) => {
        const a = x.ev(row);
        const b = y.ev(row);
        return a === null || b === null ? null : test(compare(a, b, u.type));
      },
    };
  }
  const [a, b] = [need(l, 'number'), need(r, 'number')];
  if (op === '/') {
    const [x, y] = [as(a, 'DOUBLE'), as(b, 'DOUBLE')];
    return { type: 'DOUBLE', ev: (row) => divide(x.ev(row), y.ev(row), (p, q) => p / q) };
  }
  const type: Type = a.type === 'DOUBLE' || b.type === 'DOUBLE' ? 'DOUBLE' : 'BIGINT';
  const [x, y] = [as(a, type), as(b, type)];
  const constant = rightExpr.kind === 'number';
  if (type === 'DOUBLE') {
    const f = DOUBLE_OPS[op];
    if (op === '%' && !constant) return { type, ev: (row) => divide(x.ev(row), y.ev(row), f) };
    return { type, ev: (row) => bothOrNull(x.ev(row), y.ev(row), (p, q) => f(p as number, q as number)) };
  }
  const f = BIGINT_OPS[op];
  return {
    type,
    ev: (row) =>
      bothOrNull(x.ev(row), y.ev(row), (p, q) => {
        // NULLIF(divisor, 0): a remainder by zero is null.
        if (op === '%' && q === 0n) return null;
        return f(p as bigint, q as bigint);
      }),
  };
}

function bothOrNull(a: Value, b: Value, f: (a: Exclude<Value, null>, b: Exclude<Value, null>) => Value): Value {
  return a === null || b === null ? null : f(a, b);
}

/** `a op NULLIF(b, 0)`: null where the divisor is 0 (or -0). */
function divide(a: Value, b: Value, f: (a: number, b: number) => number): Value {
  if (a === null || b === null || b === 0) return null;
  return f(a as number, b as number);
}

const DOUBLE_OPS: Readonly<Record<string, (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  // JavaScript's % is C's fmod, as DuckDB's DOUBLE %.
  '%': (a, b) => a % b,
};

const OP_WORDS: Readonly<Record<string, string>> = { '+': 'addition', '-': 'subtraction', '*': 'multiplication' };

const BIGINT_OPS: Readonly<Record<string, (a: bigint, b: bigint) => bigint>> = {
  '+': (a, b) => checked(a + b, () => `Overflow in addition of INT64 (${a} + ${b})!`),
  '-': (a, b) => checked(a - b, () => `Overflow in subtraction of INT64 (${a} - ${b})!`),
  '*': (a, b) => checked(a * b, () => `Overflow in ${OP_WORDS['*']} of INT64 (${a} * ${b})!`),
  // A truncated remainder (sign of the dividend), as C's and bigint's %.
  '%': (a, b) => {
    if (a === INT64_MIN && b === -1n) throw new ExprEvalError(`Out of Range Error: Overflow in division of ${a} / ${b}`);
    return a % b;
  },
};

function inList(arg: Expr, items: readonly Expr[], negated: boolean, b: (e: Expr) => Node): Node {
  const u = unify([b(arg), ...items.map(b)]);
  const [x, ...list] = u.nodes;
  return {
    type: 'BOOLEAN',
    ev: (row) => {
      const v = x.ev(row);
      if (v === null) return null;
      let sawNull = false;
      for (const item of list) {
        const w = item.ev(row);
        if (w === null) sawNull = true;
        else if (compare(v, w, u.type) === 0) return !negated;
      }
      return sawNull ? null : negated;
    },
  };
}

/** std::round: halves away from zero (JavaScript's Math.round takes them up). */
export function roundHalfAway(x: number): number {
  if (!Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

/** 10^n as C's pow(10, n) gives it (correctly rounded, where V8's Math.pow may be one unit off). */
const pow10 = (n: number): number => Number(`1e${n}`);

/** DuckDB's round(DOUBLE, INTEGER). */
function roundDigits(x: number, digits: number): number {
  if (digits < 0) {
    const modifier = pow10(-digits);
    const r = roundHalfAway(x / modifier) * modifier;
    return Number.isFinite(r) ? r : 0;
  }
  const modifier = pow10(digits);
  const r = roundHalfAway(x * modifier) / modifier;
  return Number.isFinite(r) ? r : x;
}

/** C's pow where JavaScript's differs: pow(1, y) and pow(-1, ±inf) are 1. */
function cPow(x: number, y: number): number {
  if (x === 1 || (x === -1 && !Number.isFinite(y) && !Number.isNaN(y))) return 1;
  return Math.pow(x, y);
}

/** C's nearbyint: halves to even, as DuckDB casts a DOUBLE to a whole number. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = roundHalfAway(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - Math.sign(x) : r;
}

/** CAST(x AS INTEGER) of a BIGINT or DOUBLE (a DOUBLE rounds half to even); out of range is an error. */
function toInt32(v: bigint | number): number {
  const n = typeof v === 'bigint' ? v : roundHalfEven(v);
  if (typeof n === 'number' && !Number.isFinite(n)) throw new ExprEvalError(`Conversion Error: Could not convert DOUBLE with value ${v} to INT32`);
  if (n < -2147483648 || n > 2147483647) throw new ExprEvalError(`Conversion Error: Type INT64 with value ${v} can't be cast because the value is out of range for the destination type INT32`);
  return Number(n);
}

/** CAST(x AS BIGINT) of a BIGINT or DOUBLE. */
function toInt64(v: bigint | number): bigint {
  if (typeof v === 'bigint') return v;
  const n = roundHalfEven(v);
  if (!Number.isFinite(n) || n < -9223372036854775808 || n >= 9223372036854775808) {
    throw new ExprEvalError(`Conversion Error: Type DOUBLE with value ${v} can't be cast because the value is out of range for the destination type INT64`);
  }
  return BigInt(n);
}

/** DuckDB's substring on code points: a negative start counts from the end, 0 starts before the first character. */
export function substring(s: string, offset: number, length: number | undefined): string {
  const chars = [...s];
  const size = chars.length;
  let len = length ?? 4294967295;
  if (len === 0) return '';
  let start: number;
  let end: number;
  // DuckDB 1.5 works out both ends first and clamps them to the text afterwards.
  if (offset > 0) start = offset - 1;
  else if (offset < 0) start = size + offset;
  else {
    start = 0;
    len--;
    if (len <= 0) return '';
  }
  if (len > 0) end = start + len;
  else {
    end = start;
    start = start + len;
  }
  start = Math.max(0, Math.min(size, start));
  end = Math.max(0, Math.min(size, end));
  return start >= end ? '' : chars.slice(start, end).join('');
}

/** DuckDB trims spaces only (not tabs or newlines). */
const trimSpaces = (s: string): string => s.replace(/^ +| +$/g, '');

function datePartOf(v: number | bigint, type: Type, part: 'year' | 'month' | 'day'): bigint {
  const days = type === 'DATE' ? (v as number) : splitTimestamp(v as bigint).days;
  if (days === DATE_INF || days === DATE_NINF || v === TS_INF || v === TS_NINF) throw new ExprEvalError(`Conversion Error: cannot extract ${part} from an infinite date`);
  return BigInt(civilFromDays(days)[part]);
}

const floorDiv = (a: bigint, b: bigint): bigint => (a % b !== 0n && a < 0n !== b < 0n ? a / b - 1n : a / b);

/** date_diff(unit, a, b): the unit boundaries from a to b, as DuckDB counts them for DATE and for TIMESTAMP. */
function dateDiff(unit: string, type: Type, a: number | bigint, b: number | bigint): bigint {
  if (type === 'DATE') {
    const [da, db] = [a as number, b as number];
    const [ca, cb] = [civilFromDays(da), civilFromDays(db)];
    switch (unit) {
      case 'year':
        return BigInt(cb.year - ca.year);
      // The quarter's index truncated toward zero, as DuckDB computes it (it matters before year 1).
      case 'quarter':
        return BigInt(Math.trunc((cb.year * 12 + cb.month - 1) / 3) - Math.trunc((ca.year * 12 + ca.month - 1) / 3));
      case 'month':
        return BigInt(cb.year * 12 + cb.month - (ca.year * 12 + ca.month));
      case 'week':
        return BigInt(Math.trunc((db - da) / 7));
      case 'day':
        return BigInt(db - da);
      default:
        return dateDiff(unit, 'TIMESTAMP', dateToTimestamp(da), dateToTimestamp(db));
    }
  }
  const [ta, tb] = [a as bigint, b as bigint];
  const [sa, sb] = [splitTimestamp(ta), splitTimestamp(tb)];
  const per: Readonly<Record<string, bigint>> = { hour: 3_600_000_000n, minute: 60_000_000n, second: 1_000_000n };
  switch (unit) {
    case 'year':
    case 'quarter':
    case 'month':
      return dateDiff(unit, 'DATE', sa.days, sb.days);
    case 'week':
      return BigInt(sb.days - sa.days) / 7n;
    case 'day':
      return BigInt(sb.days - sa.days);
    default:
      return floorDiv(tb, per[unit]) - floorDiv(ta, per[unit]);
  }
}

function call(name: string, exprs: readonly Expr[], b: (e: Expr) => Node): Node {
  const args = exprs.map(b);
  const num = (i: number) => need(args[i], 'number');
  const dbl = (i: number) => as(num(i), 'DOUBLE');
  const str = (i: number) => need(args[i], 'string');
  const one = (f: (x: number) => number, guardOk?: (x: number) => boolean): Node => {
    const x = dbl(0);
    return { type: 'DOUBLE', ev: (r) => mapNull(x.ev(r), (v) => (guardOk && !guardOk(v as number) ? null : f(v as number))) };
  };
  // A guard `x >= 0` with DuckDB's ordering: NaN passes (it is above every number).
  const atLeast = (bound: number, strict: boolean) => (v: number) => (strict ? compareDouble(v, bound) > 0 : compareDouble(v, bound) >= 0);
  switch (name) {
    case 'if': {
      const cond = need(args[0], 'boolean');
      const u = unify([args[1], args[2]]);
      const [then, otherwise] = u.nodes;
      return { type: u.type, ev: (r) => (cond.ev(r) === true ? then.ev(r) : otherwise.ev(r)) };
    }
    case 'abs': {
      const x = num(0);
      if (x.type === 'BIGINT') return { type: 'BIGINT', ev: (r) => mapNull(x.ev(r), (v) => checked((v as bigint) < 0n ? -(v as bigint) : (v as bigint), () => `Overflow on abs(${v})`)) };
      return { type: 'DOUBLE', ev: (r) => mapNull(x.ev(r), (v) => Math.abs(v as number)) };
    }
    case 'round': {
      const x = dbl(0);
      if (args.length < 2) return { type: 'DOUBLE', ev: (r) => mapNull(x.ev(r), (v) => roundHalfAway(v as number)) };
      const d = num(1);
      return { type: 'DOUBLE', ev: (r) => bothOrNull(x.ev(r), d.ev(r), (v, digits) => roundDigits(v as number, toInt32(digits as bigint | number))) };
    }
    case 'floor':
      return one(Math.floor);
    case 'ceil':
      return one(Math.ceil);
    case 'sqrt':
      return one(Math.sqrt, atLeast(0, false));
    case 'log':
      return one(Math.log, atLeast(0, true));
    // ln(1 + x), not log1p: the SQL the compiler emits.
    case 'log1p':
      return one((v) => Math.log(1 + v), atLeast(-1, true));
    case 'exp':
      return one(Math.exp);
    case 'pow': {
      const [x, y] = [num(0), num(1)];
      const [xd, yd] = [as(x, 'DOUBLE'), as(y, 'DOUBLE')];
      return {
        type: 'DOUBLE',
        ev: (r) => {
          const [xv, yv] = [xd.ev(r), yd.ev(r)];
          if (xv === null || yv === null) return null;
          const [p, q] = [xv as number, yv as number];
          // (x < 0 AND y <> floor(y)) OR (x = 0 AND y < 0), in DuckDB's ordering (NaN = NaN).
          if ((compareDouble(p, 0) < 0 && compareDouble(q, Math.floor(q)) !== 0) || (compareDouble(p, 0) === 0 && compareDouble(q, 0) < 0)) return null;
          return cPow(p, q);
        },
      };
    }
    case 'min':
    case 'max': {
      const u = unify(args);
      const sign = name === 'min' ? -1 : 1;
      return {
        type: u.type,
        ev: (r) => {
          let best: Value = null;
          for (const n of u.nodes) {
            const v = n.ev(r);
            if (v !== null && (best === null || Math.sign(compare(v, best, u.type)) === sign)) best = v;
          }
          return best;
        },
      };
    }
    case 'coalesce': {
      const u = unify(args);
      return {
        type: u.type,
        ev: (r) => {
          for (const n of u.nodes) {
            const v = n.ev(r);
            if (v !== null) return v;
          }
          return null;
        },
      };
    }
    case 'lower':
    case 'upper':
    case 'trim':
    case 'length': {
      const s = str(0);
      const f: Readonly<Record<string, (s: string) => Value>> = {
        lower: lowerText,
        upper: upperText,
        trim: trimSpaces,
        length: (t) => BigInt([...t].length),
      };
      return { type: name === 'length' ? 'BIGINT' : 'VARCHAR', ev: (r) => mapNull(s.ev(r), (v) => f[name](v as string)) };
    }
    case 'substr': {
      const s = str(0);
      const start = num(1);
      const len = args.length > 2 ? num(2) : undefined;
      return {
        type: 'VARCHAR',
        ev: (r) => {
          const [sv, st, ln] = [s.ev(r), start.ev(r), len ? len.ev(r) : undefined];
          if (sv === null || st === null || ln === null) return null;
          const offset = toInt64(st as bigint | number);
          const length = ln === undefined ? undefined : toInt64(ln as bigint | number);
          const limit = 4294967295n;
          if (offset > limit || offset < -limit || (length !== undefined && (length > limit || length < -limit))) {
            throw new ExprEvalError('Out of Range Error: Substring offset outside of supported range (> 4294967295)');
          }
          return substring(sv as string, Number(offset), length === undefined ? undefined : Number(length));
        },
      };
    }
    case 'contains':
    case 'starts_with': {
      const [s, part] = [str(0), str(1)];
      const f = name === 'contains' ? (a: string, p: string) => a.includes(p) : (a: string, p: string) => a.startsWith(p);
      return { type: 'BOOLEAN', ev: (r) => bothOrNull(s.ev(r), part.ev(r), (a, p) => f(a as string, p as string)) };
    }
    case 'year':
    case 'month':
    case 'day': {
      const d = need(args[0], 'date');
      return { type: 'BIGINT', ev: (r) => mapNull(d.ev(r), (v) => datePartOf(v as number | bigint, d.type, name)) };
    }
    case 'date_diff': {
      const unitLit = exprs[0].kind === 'string' ? exprs[0].value.toLowerCase() : undefined;
      if (!unitLit || !(DATE_DIFF_UNITS as readonly string[]).includes(unitLit)) throw new ExprEvalError('the first argument of date_diff() is the unit, in quotes');
      const [a, c] = [need(args[1], 'date'), need(args[2], 'date')];
      // date_diff(unit, DATE, TIMESTAMP) takes DuckDB's TIMESTAMP overload.
      const type: Type = a.type === 'TIMESTAMP' || c.type === 'TIMESTAMP' ? 'TIMESTAMP' : 'DATE';
      const [x, y] = [as(a, type), as(c, type)];
      return { type: 'BIGINT', ev: (r) => bothOrNull(x.ev(r), y.ev(r), (p, q) => dateDiff(unitLit, type, p as number | bigint, q as number | bigint)) };
    }
    default:
      throw new ExprEvalError(`unknown function "${name}"`);
  }
}

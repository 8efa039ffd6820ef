import type { ColumnSchema } from '../nodes/spec.js';
import type { BinaryOp, Call, Expr, Span } from './ast.js';
import { closest, exprError, type ExprError } from './errors.js';
import { FUNCTIONS, type FunctionDef } from './functions.js';
import { parse } from './parse.js';
import { printExpr } from './print.js';
import { quoteIdent } from './sql.js';
import { ExprSyntaxError } from './tokenize.js';

/**
 * Type checking and compilation of an expression to DuckDB SQL.
 *
 * Inside an expression every number is a BIGINT or a DOUBLE, text is VARCHAR, and dates are DATE
 * or TIMESTAMP: column references of other numeric, text and timestamp types are cast to these
 * on the way in, and the whole expression is cast to its inferred type on the way out, so the
 * type `inferSchema` announces is exactly the type the run produces.
 *
 * The SQL holds no user text: column names go through `quoteIdent`, every literal (numbers, text,
 * true/false, null, a date_diff unit) is a `$p0`, `$p1`... parameter returned beside the SQL, and
 * everything else is fixed text chosen from allow-lists.
 */

/** The SQL types an expression can have. `NULL`: only null literals, type not known. */
export type ExprSqlType = 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP' | 'NULL';
export type ExprFamily = 'number' | 'string' | 'boolean' | 'date' | 'null';
export type ExprParamValue = string | number | boolean | null;

export function familyOf(type: ExprSqlType): ExprFamily {
  switch (type) {
    case 'BIGINT':
    case 'DOUBLE':
      return 'number';
    case 'VARCHAR':
      return 'string';
    case 'BOOLEAN':
      return 'boolean';
    case 'DATE':
    case 'TIMESTAMP':
      return 'date';
    case 'NULL':
      return 'null';
  }
}

/**
 * Rows on which a part of the expression is undefined (a division by zero, the square root of
 * a negative number...): the expression gives NULL there rather than failing or giving
 * Infinity/NaN, and a node counts them with `sql` (a condition over the same params) to say so.
 */
export interface ExprGuard {
  readonly sql: string;
  /** What happens, e.g. `division by zero in "total_charges / tenure"`. */
  readonly message: string;
  /** Where the undefined part is written, as in ExprError. */
  readonly position: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
  /** The parameters `sql` uses (DuckDB refuses values for parameters a statement does not have). */
  readonly params: Readonly<Record<string, ExprParamValue>>;
}

export interface CompiledExpression {
  /** A SQL expression over the table's columns, cast to `type` (when known). */
  readonly sql: string;
  /** The values of the `$name` parameters in `sql` (and in each guard's `sql`). */
  readonly params: Readonly<Record<string, ExprParamValue>>;
  /** The result type; undefined when it depends on columns whose types are not known yet. */
  readonly type: ExprSqlType | undefined;
  readonly family: ExprFamily | undefined;
  /** The normalised tree (no positions, the table's own column names): a chain step's replayable state. */
  readonly ast: Expr;
  /** The normalised tree printed back: one canonical spelling of the expression. */
  readonly canonical: string;
  /** The columns the expression reads, by their names in the table, in first-use order. */
  readonly columns: readonly string[];
  readonly guards: readonly ExprGuard[];
}

export type CompileResult = ({ readonly ok: true } & CompiledExpression) | { readonly ok: false; readonly errors: readonly ExprError[] };

export interface CompileOptions {
  /** Parameter names are `$<prefix><n>`; default `p`. Use another prefix to combine two expressions in one statement. */
  readonly paramPrefix?: string;
}

/**
 * Parses, type-checks and compiles `text` against a table's columns. With `columns` undefined
 * (the schema is not known before a run), everything but column references is still checked.
 */
export function compileExpression(text: string, columns: readonly ColumnSchema[] | undefined, options: CompileOptions = {}): CompileResult {
  let tree: Expr;
  try {
    tree = parse(text);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return { ok: false, errors: [e.error] };
    throw e;
  }
  return compileTree(text, tree, columns, options);
}

/** Compiles a tree, such as the normalised one a chain step stored, again (errors point at position 1). */
export function compileAst(ast: Expr, columns: readonly ColumnSchema[] | undefined, options: CompileOptions = {}): CompileResult {
  return compileTree('', ast, columns, options);
}

/** Beyond this, the SQL of one sub-expression is not copied again (nested sqrt/log/pow copy their argument). */
const MAX_SQL = 200_000;

function compileTree(text: string, tree: Expr, columns: readonly ColumnSchema[] | undefined, options: CompileOptions): CompileResult {
  const c = new Compiler(text, columns, options.paramPrefix ?? 'p');
  const v = c.analyze(tree, {});
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  const type = v.type === 'ANY' || v.type === 'ERROR' || v.type === 'OTHER' ? undefined : v.type;
  const sql = type && type !== 'NULL' ? `CAST(${v.sql} AS ${type})` : v.sql;
  return {
    ok: true,
    sql,
    // Every parameter appears in the SQL; keep it so even if a branch of the compiler drops one.
    params: paramsIn(sql, c.params),
    type,
    family: type && familyOf(type),
    ast: v.norm,
    canonical: printExpr(v.norm),
    columns: [...c.used],
    guards: c.guards.map((g) => ({ ...g, params: paramsIn(g.sql, c.params) })),
  };
}

/** The entries of `params` that `sql` refers to as `$name`. */
export function paramsIn<V>(sql: string, params: Readonly<Record<string, V>>): Record<string, V> {
  const used = new Set([...sql.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
  return Object.fromEntries(Object.entries(params).filter(([k]) => used.has(k)));
}

/** The analyser's types: SQL types, plus unknown (`ANY`), poisoned (`ERROR`) and unusable (`OTHER`). */
type T = ExprSqlType | 'ANY' | 'ERROR' | 'OTHER';

/** A compiled sub-expression. */
export interface Val {
  readonly type: T;
  readonly sql: string;
  readonly norm: Expr;
  readonly span: Span;
  /** For a text literal: its parameter (`$p3`), so it can be re-cast to a date where one is expected. */
  readonly lit?: { readonly param: string; readonly value: string };
  /** The DuckDB type of a column of type OTHER, for the message. */
  readonly columnType?: string;
}

interface Ctx {
  /** `x is null` accepts any column, even of a type expressions cannot otherwise use. */
  readonly allowOther?: boolean;
  /** Compared with text: an unknown bare name there may be text missing its quotes. */
  readonly textPeer?: boolean;
}

const NO_SPAN: Span = { start: 0, end: 0 };

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|INT1|INT2|INT4|INT8|SHORT|INT|LONG)$/;
const FLOAT_TYPES = /^(HUGEINT|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|FLOAT4|FLOAT8|DECIMAL(\(\d+,\s*\d+\))?|NUMERIC(\(\d+,\s*\d+\))?)$/;
const TIMESTAMP_TYPES = /^(TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|DATETIME)$/;

/** How a column of a DuckDB type enters an expression: its expression type, and whether it needs a cast. */
export function columnExprType(duckType: string): ExprSqlType | undefined {
  const t = duckType.trim().toUpperCase();
  if (INTEGER_TYPES.test(t)) return 'BIGINT';
  if (FLOAT_TYPES.test(t)) return 'DOUBLE';
  if (t === 'VARCHAR' || t === 'TEXT' || t === 'STRING' || t.startsWith('ENUM(')) return 'VARCHAR';
  if (t === 'BOOLEAN' || t === 'BOOL') return 'BOOLEAN';
  if (t === 'DATE') return 'DATE';
  if (TIMESTAMP_TYPES.test(t)) return 'TIMESTAMP';
  return undefined;
}

const DATE_LITERAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;

/** The type a text literal has as a date (DATE, or TIMESTAMP with a time of day), or undefined if it is not one. */
function dateLiteralType(value: string): 'DATE' | 'TIMESTAMP' | undefined {
  const m = DATE_LITERAL.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const daysIn = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > daysIn[month - 1]) return undefined;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return undefined;
  return m[4] === undefined ? 'DATE' : 'TIMESTAMP';
}

const FAMILY_WORDS: Readonly<Record<ExprFamily, string>> = {
  number: 'a number',
  string: 'text',
  boolean: 'true/false',
  date: 'a date',
  null: 'null',
};

/** The analyser: one recursive pass computing each sub-expression's type, SQL and normalised tree. */
export class Compiler {
  readonly params: Record<string, ExprParamValue> = {};
  readonly errors: ExprError[] = [];
  readonly guards: Omit<ExprGuard, 'params'>[] = [];
  readonly used = new Set<string>();
  /** Conditions under which the sub-expression being compiled is evaluated (inside if() branches). */
  private readonly when: string[] = [];
  private readonly byName = new Map<string, ColumnSchema>();
  private readonly byLowerName = new Map<string, ColumnSchema[]>();

  constructor(
    private readonly text: string,
    private readonly columns: readonly ColumnSchema[] | undefined,
    private readonly prefix: string,
  ) {
    for (const col of columns ?? []) {
      this.byName.set(col.name, col);
      const key = col.name.toLowerCase();
      this.byLowerName.set(key, [...(this.byLowerName.get(key) ?? []), col]);
    }
  }

  analyze(e: Expr, ctx: Ctx): Val {
    const span = e.span ?? NO_SPAN;
    switch (e.kind) {
      case 'number':
        return this.literal(e.value, e.integer ? 'BIGINT' : 'DOUBLE', { kind: 'number', value: e.value, integer: e.integer }, span);
      case 'string': {
        const param = this.param(e.value);
        return { type: 'VARCHAR', sql: `CAST(${param} AS VARCHAR)`, norm: { kind: 'string', value: e.value }, span, lit: { param, value: e.value } };
      }
      case 'boolean':
        return this.literal(e.value, 'BOOLEAN', { kind: 'boolean', value: e.value }, span);
      case 'null':
        // Typed by its context: DuckDB infers a NULL parameter's type from where it is used.
        return { type: 'NULL', sql: this.param(null), norm: { kind: 'null' }, span };
      case 'column':
        return this.column(e.name, span, ctx);
      case 'neg': {
        const arg = this.need(this.analyze(e.arg, {}), 'number', () => `"-" needs a number`);
        return { type: arg.type, sql: `(- ${arg.sql})`, norm: { kind: 'neg', arg: arg.norm }, span };
      }
      case 'not': {
        const arg = this.need(this.analyze(e.arg, {}), 'boolean', () => `"not" needs true/false`);
        return { type: arg.type === 'ERROR' ? 'ERROR' : 'BOOLEAN', sql: `(NOT ${arg.sql})`, norm: { kind: 'not', arg: arg.norm }, span };
      }
      case 'isNull': {
        const arg = this.analyze(e.arg, { allowOther: true });
        return {
          type: arg.type === 'ERROR' ? 'ERROR' : 'BOOLEAN',
          sql: `(${arg.sql} IS ${e.negated ? 'NOT ' : ''}NULL)`,
          norm: { kind: 'isNull', arg: arg.norm, negated: e.negated },
          span,
        };
      }
      case 'in':
        return this.inList(e.arg, e.items, e.negated, span);
      case 'binary':
        return this.binary(e.op, e.left, e.right, span);
      case 'call':
        return this.call(e, span);
    }
  }

  /** A literal value: always a parameter, cast to its type so DuckDB never guesses. */
  private literal(value: ExprParamValue, type: ExprSqlType, norm: Expr, span: Span): Val {
    return { type, sql: `CAST(${this.param(value)} AS ${type})`, norm, span };
  }

  private param(value: ExprParamValue): string {
    const name = `${this.prefix}${Object.keys(this.params).length}`;
    this.params[name] = value;
    return `$${name}`;
  }

  report(span: Span, message: string): void {
    this.errors.push(exprError(this.text, span, message));
  }

  private column(name: string, span: Span, ctx: Ctx): Val {
    const norm = (n: string): Expr => ({ kind: 'column', name: n });
    if (!this.columns) return { type: 'ANY', sql: quoteIdent(name), norm: norm(name), span };
    // DuckDB matches names without regard to case, even quoted ones: so do we, preferring an exact match.
    const col = this.byName.get(name) ?? (this.byLowerName.get(name.toLowerCase())?.length === 1 ? this.byLowerName.get(name.toLowerCase())![0] : undefined);
    if (!col) {
      const guess = closest(name, this.byName.keys());
      let hint = guess ? ` (did you mean "${guess}"?)` : '';
      if (!guess && ctx.textPeer) hint = ` (text goes in single quotes: '${name}')`;
      else if (!guess && FUNCTIONS.has(name.toLowerCase())) hint = ` (${name.toLowerCase()} is a function: write ${name.toLowerCase()}(...))`;
      this.report(span, `unknown column "${name}"${hint}`);
      return { type: 'ERROR', sql: 'NULL', norm: norm(name), span };
    }
    this.used.add(col.name);
    const type = columnExprType(col.type);
    const quoted = quoteIdent(col.name);
    if (!type) {
      if (!ctx.allowOther) this.otherType({ type: 'OTHER', sql: quoted, norm: norm(col.name), span, columnType: col.type });
      return { type: ctx.allowOther ? 'OTHER' : 'ERROR', sql: quoted, norm: norm(col.name), span, columnType: col.type };
    }
    const exact = col.type.trim().toUpperCase() === type;
    return { type, sql: exact ? quoted : `CAST(${quoted} AS ${type})`, norm: norm(col.name), span };
  }

  otherType(v: Val): void {
    const name = v.norm.kind === 'column' ? v.norm.name : '?';
    this.report(v.span, `column "${name}" is of type ${v.columnType ?? 'unknown'}, which expressions can only test with "is null"`);
  }

  /** Checks that `v` is of `family` (null and unknown pass); a null gets that family's type. */
  need(v: Val, family: ExprFamily, what: () => string): Val {
    if (v.type === 'ERROR' || v.type === 'ANY') return v;
    if (v.type === 'OTHER') {
      this.otherType(v);
      return { ...v, type: 'ERROR' };
    }
    if (v.type === 'NULL') {
      // A null number is a BIGINT, so that it does not turn whole-number arithmetic into DOUBLE.
      const type = ({ number: 'BIGINT', string: 'VARCHAR', boolean: 'BOOLEAN', date: 'DATE', null: 'NULL' } as const)[family];
      return { ...v, type, sql: `CAST(${v.sql} AS ${type})` };
    }
    if (family === 'date' && v.lit) return this.asDate(v);
    const actual = familyOf(v.type);
    if (actual === family) return v;
    const hint = family === 'number' && actual === 'date' ? " (for the time between two dates, write date_diff('day', a, b))" : '';
    this.report(v.span, `${what()}, but ${this.describe(v)} is ${FAMILY_WORDS[actual]}${hint}`);
    return { ...v, type: 'ERROR' };
  }

  /** A text literal used as a date: checked now, cast to DATE or TIMESTAMP. */
  private asDate(v: Val): Val {
    const lit = v.lit!;
    const type = dateLiteralType(lit.value);
    if (!type) {
      this.report(v.span, `'${lit.value}' is not a date: write 'YYYY-MM-DD' or 'YYYY-MM-DD hh:mm:ss'`);
      return { ...v, type: 'ERROR' };
    }
    return { ...v, type, sql: `CAST(${lit.param} AS ${type})`, lit: undefined };
  }

  /** How a message names a value: `column "tenure"`, `'Yes'`, `12`, or the expression. */
  describe(v: Val): string {
    if (v.norm.kind === 'column') return `column "${v.norm.name}"`;
    if (v.lit) return `'${v.lit.value}'`;
    if (v.norm.kind === 'number' || v.norm.kind === 'boolean') return String(v.norm.value);
    return `"${printExpr(v.norm)}"`;
  }

  /**
   * The common type of values that must agree (both sides of a comparison, an in-list, the
   * branches of if(), the arguments of min/max/coalesce). Text literals become dates next to
   * dates. Returns the values (re-cast where needed) and their type, or records an error.
   */
  unify(vals: readonly Val[], mismatch: (first: string, other: string) => string): { vals: Val[]; type: T } {
    if (vals.some((v) => v.type === 'ERROR')) return { vals: [...vals], type: 'ERROR' };
    const other = vals.find((v) => v.type === 'OTHER');
    if (other) {
      this.otherType(other);
      return { vals: [...vals], type: 'ERROR' };
    }
    const typed = vals.filter((v) => v.type !== 'NULL' && v.type !== 'ANY' && !v.lit);
    const anchor = typed[0] ?? vals.find((v) => v.lit);
    const family = anchor && familyOf(anchor.type as ExprSqlType);
    const out: Val[] = [];
    for (const v of vals) {
      if (v.type === 'NULL' || v.type === 'ANY' || !family) {
        out.push(v);
        continue;
      }
      const w = family === 'date' && v.lit ? this.asDate(v) : v;
      if (w.type === 'ERROR') return { vals: out, type: 'ERROR' };
      const f = familyOf(w.type as ExprSqlType);
      if (f !== family) {
        const named = (x: Val, fam: ExprFamily) => `${this.describe(x)} (${FAMILY_WORDS[fam]})`;
        this.report(w.span, mismatch(named(anchor, family), named(w, f)));
        return { vals: out, type: 'ERROR' };
      }
      out.push(w);
    }
    const types = out.map((v) => v.type);
    if (!family) return { vals: out, type: types.includes('ANY') ? 'ANY' : 'NULL' };
    if (types.includes('ANY') && family === 'number') return { vals: out, type: 'ANY' };
    if (family === 'number') return { vals: out, type: types.includes('DOUBLE') ? 'DOUBLE' : 'BIGINT' };
    if (family === 'date') return { vals: out, type: types.includes('TIMESTAMP') ? 'TIMESTAMP' : 'DATE' };
    return { vals: out, type: anchor.type };
  }

  private binary(op: BinaryOp, left: Expr, right: Expr, span: Span): Val {
    if (op === 'and' || op === 'or') {
      const what = () => `"${op}" needs true/false on both sides`;
      const l = this.need(this.analyze(left, {}), 'boolean', what);
      const r = this.need(this.analyze(right, {}), 'boolean', what);
      const type = l.type === 'ERROR' || r.type === 'ERROR' ? 'ERROR' : 'BOOLEAN';
      return { type, sql: `(${l.sql} ${op.toUpperCase()} ${r.sql})`, norm: { kind: 'binary', op, left: l.norm, right: r.norm }, span };
    }
    const isComparison = !['+', '-', '*', '/', '%'].includes(op);
    const l = this.analyze(left, {});
    const r = this.analyze(right, { textPeer: isComparison && l.type === 'VARCHAR' });
    const norm: Expr = { kind: 'binary', op, left: l.norm, right: r.norm };
    if (isComparison) {
      const nullSide = [l, r].find((v) => v.norm.kind === 'null');
      if (nullSide) {
        const other = nullSide === l ? r : l;
        const fix = `${other.norm.kind === 'null' ? 'x' : printExpr(other.norm)} is ${op === '!=' ? 'not ' : ''}null`;
        this.report(span, `a comparison with null is never true: write "${fix}"`);
        return { type: 'ERROR', sql: 'NULL', norm, span };
      }
      const u = this.unify([l, r], (a, b) => `cannot compare ${a} with ${b}`);
      const sqlOp = op === '!=' ? '<>' : op;
      const sql = u.vals.length === 2 ? `(${u.vals[0].sql} ${sqlOp} ${u.vals[1].sql})` : 'NULL';
      return { type: u.type === 'ERROR' ? 'ERROR' : 'BOOLEAN', sql, norm, span };
    }
    const what = () => `"${op}" needs numbers on both sides`;
    const a = this.need(l, 'number', what);
    const b = this.need(r, 'number', what);
    if (a.type === 'ERROR' || b.type === 'ERROR') return { type: 'ERROR', sql: 'NULL', norm, span };
    let type: T;
    if (op === '/') type = 'DOUBLE';
    else if (a.type === 'DOUBLE' || b.type === 'DOUBLE') type = 'DOUBLE';
    else if (a.type === 'ANY' || b.type === 'ANY') type = 'ANY';
    else type = 'BIGINT';
    if (op === '/' || op === '%') {
      if (r.norm.kind === 'number' && r.norm.value === 0) {
        this.report(r.span, `${op === '/' ? 'division' : 'remainder'} by zero: the result would always be null`);
        return { type: 'ERROR', sql: 'NULL', norm, span };
      }
      // x / 0 is NULL (never Infinity or an error), and the rows where it happens are counted.
      const constant = r.norm.kind === 'number';
      if (!constant) this.guard(`${b.sql} = 0`, `${op === '/' ? 'division' : 'remainder'} by zero`, span);
      return { type, sql: constant ? `(${a.sql} ${op} ${b.sql})` : `(${a.sql} ${op} NULLIF(${b.sql}, 0))`, norm, span };
    }
    return { type, sql: `(${a.sql} ${op} ${b.sql})`, norm, span };
  }

  private inList(arg: Expr, items: readonly Expr[], negated: boolean, span: Span): Val {
    const x = this.analyze(arg, {});
    const list = items.map((i) => this.analyze(i, { textPeer: x.type === 'VARCHAR' }));
    const norm: Expr = { kind: 'in', arg: x.norm, items: list.map((v) => v.norm), negated };
    const nullItem = list.find((v) => v.norm.kind === 'null');
    if (nullItem) {
      this.report(nullItem.span, `null in an "in" list never matches: add "or x is null" instead`);
      return { type: 'ERROR', sql: 'NULL', norm, span };
    }
    const u = this.unify([x, ...list], (a, b) => `cannot look for ${a} among ${b}`);
    if (u.type === 'ERROR') return { type: 'ERROR', sql: 'NULL', norm, span };
    const [first, ...rest] = u.vals;
    return { type: 'BOOLEAN', sql: `(${first.sql} ${negated ? 'NOT IN' : 'IN'} (${rest.map((v) => v.sql).join(', ')}))`, norm, span };
  }

  private call(e: Call, span: Span): Val {
    const name = e.name.toLowerCase();
    const nameSpan = e.nameSpan ?? span;
    const def = FUNCTIONS.get(name);
    const normArgs = (vals: readonly Val[]): Expr => ({ kind: 'call', name, args: vals.map((v) => v.norm) });
    if (!def) {
      const args = e.args.map((a) => this.analyze(a, {}));
      this.report(nameSpan, unknownFunction(e.name));
      return { type: 'ERROR', sql: 'NULL', norm: normArgs(args), span };
    }
    if (e.args.length < def.minArgs || e.args.length > def.maxArgs) {
      const args = e.args.map((a) => this.analyze(a, {}));
      const takes =
        def.minArgs === def.maxArgs
          ? `${def.minArgs} argument${def.minArgs === 1 ? '' : 's'}`
          : def.maxArgs === Infinity
            ? `${def.minArgs} or more arguments`
            : `${def.minArgs} or ${def.maxArgs} arguments`;
      this.report(span, `${name}() takes ${takes}, but got ${e.args.length}: ${def.signature}`);
      return { type: 'ERROR', sql: 'NULL', norm: normArgs(args), span };
    }
    if (name === 'if') return this.ifCall(e.args, span);
    const args = e.args.map((a) => this.analyze(a, {}));
    const out = def.compile(this, args, { name, span, def });
    return { ...out, norm: normArgs(args), span };
  }

  /** Sets a parameter's value (`$p3`), e.g. to normalise a unit's spelling. */
  setParam(ref: string, value: ExprParamValue): void {
    this.params[ref.slice(1)] = value;
  }

  /** if(cond, a, b): CASE WHEN; each branch's undefined-math guards only count the rows that take it. */
  private ifCall(exprs: readonly Expr[], span: Span): Val {
    const cond = this.need(this.analyze(exprs[0], {}), 'boolean', () => 'the condition of if() must be true/false');
    this.when.push(`(${cond.sql}) IS TRUE`);
    const a = this.analyze(exprs[1], {});
    this.when.pop();
    this.when.push(`(${cond.sql}) IS NOT TRUE`);
    const b = this.analyze(exprs[2], {});
    this.when.pop();
    const norm: Expr = { kind: 'call', name: 'if', args: [cond.norm, a.norm, b.norm] };
    const u = this.unify([a, b], (x, y) => `the two results of if() must be of one kind, not ${x} and ${y}`);
    if (cond.type === 'ERROR' || u.type === 'ERROR') return { type: 'ERROR', sql: 'NULL', norm, span };
    return { type: u.type, sql: `CASE WHEN ${cond.sql} THEN ${u.vals[0].sql} ELSE ${u.vals[1].sql} END`, norm, span };
  }

  /** Records a condition under which the expression gives NULL because the math is undefined. */
  guard(condition: string, what: string, span: Span): void {
    const where = this.text ? ` in "${this.text.slice(span.start, span.end)}"` : '';
    const err = exprError(this.text, span, '');
    this.guards.push({
      sql: [...this.when, `(${condition})`].join(' AND '),
      message: `${what}${where}`,
      position: err.position,
      length: err.length,
      line: err.line,
      column: err.column,
    });
  }

  /** The SQL of `v` when it is about to be copied; too large a copy is an error instead. */
  copyable(v: Val): boolean {
    if (v.sql.length <= MAX_SQL) return true;
    this.report(v.span, 'this part of the expression is too complex once compiled: simplify the nesting');
    return false;
  }
}

export interface CallInfo {
  readonly name: string;
  readonly span: Span;
  readonly def: FunctionDef;
}

/** Names other languages use for the functions we have. */
const FUNCTION_ALIASES: Readonly<Record<string, string>> = {
  ln: 'log',
  power: 'pow',
  ceiling: 'ceil',
  len: 'length',
  strlen: 'length',
  substring: 'substr',
  lcase: 'lower',
  ucase: 'upper',
  least: 'min',
  greatest: 'max',
  datediff: 'date_diff',
  ifnull: 'coalesce',
  nvl: 'coalesce',
  iif: 'if',
  startswith: 'starts_with',
};

function unknownFunction(name: string): string {
  const lower = name.toLowerCase();
  if (['sum', 'avg', 'mean', 'count', 'median', 'std', 'stddev', 'var', 'variance'].includes(lower)) {
    return `"${name}" is an aggregate, and expressions work on one row at a time`;
  }
  const base = /^log(10|2)$/.exec(lower);
  if (base) return `unknown function "${name}": write log(x) / log(${base[1]}) (log is the natural logarithm)`;
  if (lower === 'cast') return 'there is no cast(): change a column\'s type with the "Select, rename, cast" node (its cast param)';
  const guess = FUNCTION_ALIASES[lower] ?? closest(lower, FUNCTIONS.keys());
  return `unknown function "${name}"${guess ? ` (did you mean "${guess}"?)` : `; the functions are ${[...FUNCTIONS.keys()].join(', ')}`}`;
}


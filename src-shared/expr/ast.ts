/**
 * The expression language's syntax tree. Parsing gives every node a `span` (where it was written);
 * the normalised tree that a chain step stores for replay has no spans, its column names are the
 * table's own, and its function names are lower case. Both are plain JSON.
 */

/** Where a node was written: 0-based character offsets, `end` exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type LogicalOp = 'and' | 'or';
export type BinaryOp = ArithmeticOp | ComparisonOp | LogicalOp;

export const COMPARISON_OPS: readonly ComparisonOp[] = ['=', '!=', '<', '<=', '>', '>='];
export const ARITHMETIC_OPS: readonly ArithmeticOp[] = ['+', '-', '*', '/', '%'];

interface Node {
  readonly span?: Span;
}

export interface NumberLit extends Node {
  readonly kind: 'number';
  readonly value: number;
  /** Written without a fraction or exponent (and exact): an integer (BIGINT) rather than a DOUBLE. */
  readonly integer: boolean;
}
export interface StringLit extends Node {
  readonly kind: 'string';
  readonly value: string;
}
export interface BooleanLit extends Node {
  readonly kind: 'boolean';
  readonly value: boolean;
}
export interface NullLit extends Node {
  readonly kind: 'null';
}
export interface ColumnRef extends Node {
  readonly kind: 'column';
  readonly name: string;
}
export interface Negate extends Node {
  readonly kind: 'neg';
  readonly arg: Expr;
}
export interface Not extends Node {
  readonly kind: 'not';
  readonly arg: Expr;
}
export interface Binary extends Node {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  /** Where the operator itself was written. */
  readonly opSpan?: Span;
}
export interface IsNull extends Node {
  readonly kind: 'isNull';
  readonly arg: Expr;
  /** `x is not null` */
  readonly negated: boolean;
}
export interface InList extends Node {
  readonly kind: 'in';
  readonly arg: Expr;
  readonly items: readonly Expr[];
  /** `x not in (...)` */
  readonly negated: boolean;
}
export interface Call extends Node {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  /** Where the function name was written. */
  readonly nameSpan?: Span;
}

export type Expr = NumberLit | StringLit | BooleanLit | NullLit | ColumnRef | Negate | Not | Binary | IsNull | InList | Call;

/** The same tree without spans (what a chain step stores; what tests compare). */
export function stripSpans(e: Expr): Expr {
  switch (e.kind) {
    case 'number':
      return { kind: 'number', value: e.value, integer: e.integer };
    case 'string':
      return { kind: 'string', value: e.value };
    case 'boolean':
      return { kind: 'boolean', value: e.value };
    case 'null':
      return { kind: 'null' };
    case 'column':
      return { kind: 'column', name: e.name };
    case 'neg':
    case 'not':
      return { kind: e.kind, arg: stripSpans(e.arg) };
    case 'binary':
      return { kind: 'binary', op: e.op, left: stripSpans(e.left), right: stripSpans(e.right) };
    case 'isNull':
      return { kind: 'isNull', arg: stripSpans(e.arg), negated: e.negated };
    case 'in':
      return { kind: 'in', arg: stripSpans(e.arg), items: e.items.map(stripSpans), negated: e.negated };
    case 'call':
      return { kind: 'call', name: e.name, args: e.args.map(stripSpans) };
  }
}

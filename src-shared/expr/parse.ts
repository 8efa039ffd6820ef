import { COMPARISON_OPS, type BinaryOp, type Expr, type Span } from './ast.js';
import { exprError } from './errors.js';
import { ExprSyntaxError, tokenize, type Token } from './tokenize.js';

/** Longer expressions are refused: they are a pasted file, not a formula. */
export const MAX_EXPRESSION_LENGTH = 10_000;
/** A deeper tree (nesting, or a very long chain such as `a + b + c + ...`) is refused before it can exhaust the stack. */
export const MAX_DEPTH = 200;

const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'true', 'false', 'in']);

export function isKeyword(name: string): boolean {
  return KEYWORDS.has(name.toLowerCase());
}

/*
 * Precedence, loosest first (a Pratt parser: each infix operator has a binding power):
 *   or < and < not (prefix) < comparisons, is [not] null, [not] in < + - < * / % < unary - < atoms
 * Comparisons do not chain: `a < b < c` is an error, not `(a < b) < c`.
 */
const BP_OR = 1;
const BP_AND = 2;
const BP_NOT = 3;
const BP_COMPARE = 4;
const BP_ADD = 5;
const BP_MUL = 6;
const BP_NEG = 7;

const OP_ALIASES: Readonly<Record<string, BinaryOp>> = { '==': '=', '<>': '!=' };

/** Parses an expression into its syntax tree (with spans); throws ExprSyntaxError. */
export function parse(text: string): Expr {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new ExprSyntaxError(
      exprError(text, { start: MAX_EXPRESSION_LENGTH, end: text.length }, `the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`),
    );
  }
  return new Parser(text, tokenize(text)).parseAll();
}

class Parser {
  private pos = 0;
  private depth = 0;
  /** The height of each node made so far, to bound the tree's depth. */
  private readonly heights = new WeakMap<Expr, number>();

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  parseAll(): Expr {
    if (this.peek().kind === 'eof') this.fail(this.peek().span, 'the expression is empty');
    const e = this.expr(0);
    const t = this.peek();
    if (t.kind !== 'eof') {
      const hint = t.kind === 'op' && t.op === ')' ? 'this ")" has no matching "("' : `unexpected ${describe(t)} after a complete expression`;
      this.fail(t.span, hint + (t.kind === 'op' && t.op === ')' ? '' : ' (is an operator such as "and" or "+" missing?)'));
    }
    return e;
  }

  private expr(minBp: number): Expr {
    if (++this.depth > MAX_DEPTH) this.tooDeep(this.peek().span);
    let left = this.prefix();
    let compared = false;
    for (;;) {
      const t = this.peek();
      const infix = this.infixOf(t);
      if (!infix || infix.bp < minBp) break;
      if (infix.bp === BP_COMPARE) {
        if (compared) {
          this.fail(t.span, 'comparisons do not chain: write "a < b and b < c" rather than "a < b < c"');
        }
        compared = true;
      }
      left = this.infix(left, infix.op);
      const height = 1 + Math.max(this.height(left), ...childrenOf(left).map((c) => this.height(c)));
      if (height > MAX_DEPTH) this.tooDeep(left.span!);
      this.heights.set(left, height);
    }
    this.depth--;
    return left;
  }

  /** The infix operator at `t`, if any: its binding power and what it is. */
  private infixOf(t: Token): { bp: number; op: string } | undefined {
    if (t.kind === 'op') {
      const op = OP_ALIASES[t.op] ?? t.op;
      if (op === '+' || op === '-') return { bp: BP_ADD, op };
      if (op === '*' || op === '/' || op === '%') return { bp: BP_MUL, op };
      if ((COMPARISON_OPS as readonly string[]).includes(op)) return { bp: BP_COMPARE, op };
      return undefined;
    }
    if (t.kind === 'ident' && !t.bracketed) {
      const word = t.name.toLowerCase();
      if (word === 'and') return { bp: BP_AND, op: 'and' };
      if (word === 'or') return { bp: BP_OR, op: 'or' };
      if (word === 'is' || word === 'in') return { bp: BP_COMPARE, op: word };
      if (word === 'not' && this.isWord(this.peek(1), 'in')) return { bp: BP_COMPARE, op: 'not in' };
    }
    return undefined;
  }

  private infix(left: Expr, op: string): Expr {
    const opToken = this.next();
    const start = left.span!.start;
    if (op === 'is') {
      let negated = false;
      if (this.isWord(this.peek(), 'not')) {
        this.next();
        negated = true;
      }
      const t = this.peek();
      if (!this.isWord(t, 'null')) this.fail(t.span, `expected "null" or "not null" after "is", found ${describe(t)}`);
      this.next();
      return { kind: 'isNull', arg: left, negated, span: { start, end: t.span.end } };
    }
    if (op === 'in' || op === 'not in') {
      if (op === 'not in') this.next();
      const open = this.peek();
      if (!(open.kind === 'op' && open.op === '(')) this.fail(open.span, `expected "(" and a list of values after "${op}", found ${describe(open)}`);
      this.next();
      const items = this.list(open.span, `the list after "${op}"`);
      if (items.args.length === 0) this.fail({ start: open.span.start, end: items.end }, `the list after "${op}" is empty`);
      return { kind: 'in', arg: left, items: items.args, negated: op === 'not in', span: { start, end: items.end } };
    }
    const bp = this.infixOf(opToken)!.bp;
    // Left associative: the right side binds one level tighter.
    const right = this.expr(bp + 1);
    return {
      kind: 'binary',
      op: op as BinaryOp,
      left,
      right,
      span: { start, end: right.span!.end },
      opSpan: opToken.span,
    };
  }

  private prefix(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: t.value, integer: t.integer, span: t.span };
      case 'string':
        return { kind: 'string', value: t.value, span: t.span };
      case 'eof':
        return this.fail(t.span, 'the expression ends too early: a value is missing here');
      case 'op':
        if (t.op === '(') {
          const inner = this.expr(0);
          const close = this.next();
          if (!(close.kind === 'op' && close.op === ')')) this.fail(close.kind === 'eof' ? t.span : close.span, close.kind === 'eof' ? 'this "(" is never closed' : `expected ")", found ${describe(close)}`);
          // The span covers the parentheses: an error about the group underlines all of it.
          return { ...inner, span: { start: t.span.start, end: close.span.end } } as Expr;
        }
        if (t.op === '-') {
          const arg = this.expr(BP_NEG);
          return { kind: 'neg', arg, span: { start: t.span.start, end: arg.span!.end } };
        }
        if (t.op === '+') {
          const arg = this.expr(BP_NEG);
          return { ...arg, span: { start: t.span.start, end: arg.span!.end } } as Expr;
        }
        return this.fail(t.span, `unexpected ${describe(t)}: a value is missing before it`);
      case 'ident': {
        if (!t.bracketed) {
          const word = t.name.toLowerCase();
          if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true', span: t.span };
          if (word === 'null') return { kind: 'null', span: t.span };
          if (word === 'not') {
            const arg = this.expr(BP_NOT);
            return { kind: 'not', arg, span: { start: t.span.start, end: arg.span!.end } };
          }
          if (KEYWORDS.has(word)) {
            this.fail(t.span, `unexpected "${t.name}": a value is missing before it (a column named "${t.name}" is written [${t.name}])`);
          }
          const open = this.peek();
          if (open.kind === 'op' && open.op === '(') {
            this.next();
            const { args, end } = this.list(open.span, `the arguments of ${t.name}()`);
            return { kind: 'call', name: t.name, args, span: { start: t.span.start, end }, nameSpan: t.span };
          }
        }
        return { kind: 'column', name: t.name, span: t.span };
      }
    }
  }

  /** Comma-separated expressions up to and including ")"; the "(" is already read. */
  private list(open: Span, what: string): { args: Expr[]; end: number } {
    const args: Expr[] = [];
    if (this.isOp(this.peek(), ')')) return { args, end: this.next().span.end };
    for (;;) {
      args.push(this.expr(0));
      const t = this.next();
      if (this.isOp(t, ')')) return { args, end: t.span.end };
      if (!this.isOp(t, ',')) {
        if (t.kind === 'eof') this.fail(open, `this "(" is never closed (${what})`);
        this.fail(t.span, `expected "," or ")" in ${what}, found ${describe(t)}`);
      }
    }
  }

  private height(e: Expr): number {
    return this.heights.get(e) ?? 1;
  }

  private tooDeep(span: Span): never {
    return this.fail(span, `the expression is nested more than ${MAX_DEPTH} levels deep`);
  }

  private isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.op === op;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'ident' && !t.bracketed && t.name.toLowerCase() === word;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private fail(span: Span, message: string): never {
    throw new ExprSyntaxError(exprError(this.text, span, message));
  }
}

function childrenOf(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'binary':
      return [e.left, e.right];
    case 'in':
      return [e.arg, ...e.items];
    case 'isNull':
    case 'neg':
    case 'not':
      return [e.arg];
    case 'call':
      return e.args;
    default:
      return [];
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the expression';
    case 'number':
      return `the number ${t.value}`;
    case 'string':
      return 'a text value';
    case 'op':
      return `"${t.op}"`;
    case 'ident':
      return t.bracketed ? `[${t.name}]` : `"${t.name}"`;
  }
}

import { describe, expect, it } from 'vitest';
import { stripSpans, type Expr } from './ast.js';
import { formatExprError, formatExprErrorWithCaret, type ExprError } from './errors.js';
import { MAX_DEPTH, MAX_EXPRESSION_LENGTH, parse } from './parse.js';
import { printExpr } from './print.js';
import { ExprSyntaxError } from './tokenize.js';

/** The tree fully parenthesised, so a test states the grouping it expects. */
function sx(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'string':
      return `'${e.value}'`;
    case 'boolean':
      return String(e.value);
    case 'null':
      return 'null';
    case 'column':
      return `{${e.name}}`;
    case 'neg':
      return `(-${sx(e.arg)})`;
    case 'not':
      return `(not ${sx(e.arg)})`;
    case 'binary':
      return `(${sx(e.left)} ${e.op} ${sx(e.right)})`;
    case 'isNull':
      return `(${sx(e.arg)} is ${e.negated ? 'not ' : ''}null)`;
    case 'in':
      return `(${sx(e.arg)} ${e.negated ? 'not in' : 'in'} [${e.items.map(sx).join(', ')}])`;
    case 'call':
      return `${e.name}(${e.args.map(sx).join(', ')})`;
  }
}

const grouped = (text: string) => sx(parse(text));

function syntaxError(text: string): ExprError {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return e.error;
    throw e;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(text)}`);
}

describe('precedence and associativity', () => {
  it.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['8 / 4 / 2', '((8 / 4) / 2)'],
    ['7 % 4 * 2', '((7 % 4) * 2)'],
    ['-2 * 3', '((-2) * 3)'],
    ['-(2 * 3)', '(-(2 * 3))'],
    ['- -x', '(-(-{x}))'],
    ['+x', '{x}'],
    ['2 * -x', '(2 * (-{x}))'],
    ['a or b and c', '({a} or ({b} and {c}))'],
    ['a and b or c', '(({a} and {b}) or {c})'],
    ['not a and b', '((not {a}) and {b})'],
    ['not a = b', '(not ({a} = {b}))'],
    ['not not a', '(not (not {a}))'],
    ['x + 1 > y * 2', '(({x} + 1) > ({y} * 2))'],
    ['a = 1 or b != 2 and c < 3', '(({a} = 1) or (({b} != 2) and ({c} < 3)))'],
    ['a + b is null', '(({a} + {b}) is null)'],
    ['x is null or y is not null', '(({x} is null) or ({y} is not null))'],
    ["x in (1, 2) and y not in ('a')", "(({x} in [1, 2]) and ({y} not in ['a']))"],
    ['x + 1 in (2, 3 * 4)', '(({x} + 1) in [2, (3 * 4)])'],
    ['not x in (1)', '(not ({x} in [1]))'],
    ['if(a > 1, b, c) + 1', '(if(({a} > 1), {b}, {c}) + 1)'],
    ['abs(-x) * round(y, 2)', '(abs((-{x})) * round({y}, 2))'],
    ['a <= b', '({a} <= {b})'],
    ['a >= b', '({a} >= {b})'],
  ])('%s  =>  %s', (text, expected) => {
    expect(grouped(text)).toBe(expected);
  });

  it('reads == as = and <> as !=', () => {
    expect(grouped('a == 1')).toBe('({a} = 1)');
    expect(grouped('a <> 1')).toBe('({a} != 1)');
  });

  it('keywords are case-insensitive; column names keep their case', () => {
    expect(grouped('NOT Churn AND Tenure IS NOT NULL OR X In (1)')).toBe('(((not {Churn}) and ({Tenure} is not null)) or ({X} in [1]))');
    expect(grouped('TRUE or False or NULL')).toBe('((true or false) or null)');
  });
});

describe('literals and names', () => {
  it('reads text with doubled quotes, and empty text', () => {
    expect(parse("'it''s'")).toMatchObject({ kind: 'string', value: "it's" });
    expect(parse("''")).toMatchObject({ kind: 'string', value: '' });
    expect(parse("'a\nb'")).toMatchObject({ kind: 'string', value: 'a\nb' });
  });

  it('reads whole numbers as integers and the rest as doubles', () => {
    expect(parse('12')).toMatchObject({ kind: 'number', value: 12, integer: true });
    expect(parse('3.5')).toMatchObject({ kind: 'number', value: 3.5, integer: false });
    expect(parse('1e3')).toMatchObject({ kind: 'number', value: 1000, integer: false });
    expect(parse('.5')).toMatchObject({ kind: 'number', value: 0.5, integer: false });
    expect(parse('2.5E-3')).toMatchObject({ kind: 'number', value: 0.0025, integer: false });
    // Beyond 2^53 a whole number is not exact in JavaScript: it is a double.
    expect(parse('9007199254740993')).toMatchObject({ kind: 'number', integer: false });
  });

  it('reads bare names (with dots and letters of any script) and bracketed names', () => {
    expect(parse('home.dest')).toMatchObject({ kind: 'column', name: 'home.dest' });
    expect(parse('élan_2')).toMatchObject({ kind: 'column', name: 'élan_2' });
    expect(parse('[monthly charges]')).toMatchObject({ kind: 'column', name: 'monthly charges' });
    expect(parse('[a]]b]')).toMatchObject({ kind: 'column', name: 'a]b' });
    expect(parse('[and]')).toMatchObject({ kind: 'column', name: 'and' });
    expect(parse("[it's \"odd\"]")).toMatchObject({ kind: 'column', name: 'it\'s "odd"' });
    // A bracketed name is never a function call.
    expect(() => parse('[abs](1)')).toThrow(ExprSyntaxError);
  });

  it('records where each node was written', () => {
    const e = parse('tenure < 12 and [monthly charges] > 5');
    expect(e).toMatchObject({ kind: 'binary', op: 'and', span: { start: 0, end: 37 } });
    if (e.kind !== 'binary' || e.right.kind !== 'binary') throw new Error('shape');
    expect(e.right.left).toMatchObject({ kind: 'column', name: 'monthly charges', span: { start: 16, end: 33 } });
  });
});

describe('printing', () => {
  it.each([
    '1 + 2 * 3',
    '(1 + 2) * 3',
    '1 - (2 - 3)',
    '-(a + b) * c',
    'not (a or b) and c',
    "if(x > 1, 'a''b', lower(s)) in ('x', 'y')",
    '[monthly charges] / [a]]b] % 2.0',
    'x is not null or (a = b) = c',
    '(a < b) is null',
    '1e-7 + 2.5 + 3.0 + 1e+21',
    '[and] + [1x] + home.dest',
    'a not in (1, 2)',
  ])('prints %s back to the same tree', (text) => {
    const tree = stripSpans(parse(text));
    expect(stripSpans(parse(printExpr(tree)))).toEqual(tree);
  });

  it('prints only the parentheses it needs', () => {
    expect(printExpr(parse('((a + (b * c)))'))).toBe('a + b * c');
    expect(printExpr(parse('(a - b) - c'))).toBe('a - b - c');
    expect(printExpr(parse('a - (b - c)'))).toBe('a - (b - c)');
    expect(printExpr(parse('NOT (A == 1)'))).toBe('not A = 1');
  });
});

describe('syntax errors say what and where', () => {
  it.each<[string, number, number, RegExp]>([
    ['', 1, 1, /the expression is empty/],
    ['   ', 4, 1, /the expression is empty/],
    ['1 +', 4, 1, /ends too early/],
    ['(1 + 2', 1, 1, /"\(" is never closed/],
    ['abs(1, 2', 4, 1, /"\(" is never closed \(the arguments of abs\(\)\)/],
    ['1 + 2)', 6, 1, /this "\)" has no matching "\("/],
    ['a < b < c', 7, 1, /comparisons do not chain/],
    ['a = b is null', 7, 2, /comparisons do not chain/],
    ["'abc", 1, 4, /no closing quote/],
    ['[abc', 1, 4, /no closing bracket/],
    ['[]', 1, 2, /empty column name/],
    ['"abc" = 1', 1, 5, /single quotes/],
    ['a && b', 3, 2, /write "and" instead of "&&"/],
    ['a || b', 3, 2, /write "or"/],
    ['!a', 1, 1, /write "not"/],
    ['2 ^ 3', 3, 1, /pow\(x, y\)/],
    ['a # b', 3, 1, /unexpected character "#"/],
    ['tenure 12', 8, 2, /unexpected the number 12 after a complete expression/],
    ['x is 5', 6, 1, /expected "null" or "not null" after "is"/],
    ['x in 1', 6, 1, /expected "\(" and a list of values after "in"/],
    ['x not in ()', 10, 2, /the list after "not in" is empty/],
    ['f(1 2)', 5, 1, /expected "," or "\)" in the arguments of f\(\), found the number 2/],
    ['and', 1, 3, /unexpected "and".*\[and\]/],
    ['1 + * 2', 5, 1, /unexpected "\*": a value is missing before it/],
  ])('%j -> position %i, length %i', (text, position, length, message) => {
    const e = syntaxError(text);
    expect(e.message).toMatch(message);
    expect(e.position).toBe(position);
    expect(e.length).toBe(length);
  });

  it('gives line and column in a multi-line expression', () => {
    const e = syntaxError('tenure > 1 and\n  * 2');
    expect(e).toMatchObject({ line: 2, column: 3, position: 18 });
    expect(formatExprError(e)).toBe('expression:2:3: unexpected "*": a value is missing before it');
  });

  it('formats a caret line under the error', () => {
    const e = syntaxError('tenure > 1 and && x');
    expect(formatExprErrorWithCaret('tenure > 1 and && x', e)).toBe(
      ['expression:1:16: write "and" instead of "&&"', '  tenure > 1 and && x', '                 ^^'].join('\n'),
    );
  });

  it('refuses nesting deeper than the limit, and chains longer than it, without exhausting the stack', () => {
    const deep = `${'('.repeat(MAX_DEPTH + 5)}1${')'.repeat(MAX_DEPTH + 5)}`;
    expect(syntaxError(deep).message).toMatch(/nested more than/);
    expect(syntaxError(`${'-'.repeat(5000)}1`).message).toMatch(/nested more than/);
    expect(syntaxError(`1${' + 1'.repeat(MAX_DEPTH + 5)}`).message).toMatch(/nested more than/);
    expect(() => parse(`(${'('.repeat(50)}1${')'.repeat(50)})`)).not.toThrow();
    expect(() => parse(`1${' + 1'.repeat(MAX_DEPTH - 5)}`)).not.toThrow();
  });

  it('refuses an expression longer than the limit', () => {
    const e = syntaxError(`x${' '.repeat(MAX_EXPRESSION_LENGTH)}`);
    expect(e.message).toMatch(/longer than 10000 characters/);
    expect(e.position).toBe(MAX_EXPRESSION_LENGTH + 1);
  });
});

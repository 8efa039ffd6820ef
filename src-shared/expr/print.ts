import type { Expr } from './ast.js';
import { isKeyword } from './parse.js';

const BARE = /^[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}\p{N}_]+)*$/u;

/** How tightly each node binds when printed (see the precedence table in parse.ts). */
function level(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      if (e.op === 'or') return 1;
      if (e.op === 'and') return 2;
      if (e.op === '+' || e.op === '-') return 5;
      if (e.op === '*' || e.op === '/' || e.op === '%') return 6;
      return 4;
    case 'not':
      return 3;
    case 'isNull':
    case 'in':
      return 4;
    case 'neg':
      return 7;
    default:
      return 8;
  }
}

/** A column name as the language writes it: bare when it can be, otherwise in brackets. */
export function printColumn(name: string): string {
  return BARE.test(name) && !isKeyword(name) ? name : `[${name.replace(/]/g, ']]')}]`;
}

/** Prints a tree back as expression text, with only the parentheses it needs; parse(print(t)) gives t back. */
export function printExpr(e: Expr): string {
  const wrap = (child: Expr, min: number): string => (level(child) < min ? `(${printExpr(child)})` : printExpr(child));
  switch (e.kind) {
    case 'number': {
      const s = String(e.value);
      return e.integer || /[.e]/.test(s) ? s : `${s}.0`;
    }
    case 'string':
      return `'${e.value.replace(/'/g, "''")}'`;
    case 'boolean':
      return String(e.value);
    case 'null':
      return 'null';
    case 'column':
      return printColumn(e.name);
    case 'neg':
      return `-${wrap(e.arg, 7)}`;
    case 'not':
      return `not ${wrap(e.arg, 3)}`;
    case 'isNull':
      return `${wrap(e.arg, 5)} is ${e.negated ? 'not ' : ''}null`;
    case 'in':
      return `${wrap(e.arg, 5)} ${e.negated ? 'not in' : 'in'} (${e.items.map(printExpr).join(', ')})`;
    case 'call':
      return `${e.name}(${e.args.map(printExpr).join(', ')})`;
    case 'binary': {
      const l = level(e);
      // Left associative: the left side may bind as loosely as this operator; comparisons do not chain.
      return `${wrap(e.left, l === 4 ? 5 : l)} ${e.op} ${wrap(e.right, l + 1)}`;
    }
  }
}

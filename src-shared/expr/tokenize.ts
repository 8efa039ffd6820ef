import type { Span } from './ast.js';
import { exprError, type ExprError } from './errors.js';

export type Token =
  | { readonly kind: 'number'; readonly value: number; readonly integer: boolean; readonly span: Span }
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  /** A column or function name: bare (`tenure`, also a keyword such as `and`) or `[bracketed]`. */
  | { readonly kind: 'ident'; readonly name: string; readonly bracketed: boolean; readonly span: Span }
  | { readonly kind: 'op'; readonly op: string; readonly span: Span }
  | { readonly kind: 'eof'; readonly span: Span };

export class ExprSyntaxError extends Error {
  constructor(readonly error: ExprError) {
    super(error.message);
    this.name = 'ExprSyntaxError';
  }
}

const NUMBER = /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/y;
// Letters of any script, digits and underscores; dots inside a name (`home.dest`) are part of it.
const IDENT = /[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}\p{N}_]+)*/uy;
const OPERATORS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ','];
/** Operators from other languages, with what to write instead. */
const FOREIGN: Readonly<Record<string, string>> = {
  '&&': 'write "and" instead of "&&"',
  '||': 'write "or" instead of "||"',
  '!': 'write "not" instead of "!"',
  '&': 'write "and" instead of "&"',
  '|': 'write "or" instead of "|"',
  '^': 'write pow(x, y) instead of "^"',
};

/** Splits an expression into tokens; throws ExprSyntaxError at the first character it cannot read. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (start: number, end: number, message: string): never => {
    throw new ExprSyntaxError(exprError(text, { start, end }, message));
  };
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) fail(start, text.length, 'this text has no closing quote (\')');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', value, span: { start, end: i } });
      continue;
    }
    if (c === '[') {
      let name = '';
      i++;
      for (;;) {
        if (i >= text.length) fail(start, text.length, 'this column name has no closing bracket (])');
        if (text[i] === ']') {
          if (text[i + 1] === ']') {
            name += ']';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name += text[i++];
      }
      if (name === '') fail(start, i, 'empty column name []');
      tokens.push({ kind: 'ident', name, bracketed: true, span: { start, end: i } });
      continue;
    }
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      fail(start, close < 0 ? text.length : close + 1, "text goes in single quotes ('Yes'), and a column name with spaces in brackets ([monthly charges])");
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) {
      const raw = num[0];
      const value = Number(raw);
      if (!Number.isFinite(value)) fail(start, start + raw.length, `the number ${raw} is too large`);
      const integer = /^\d+$/.test(raw) && Number.isSafeInteger(value);
      i += raw.length;
      tokens.push({ kind: 'number', value, integer, span: { start, end: i } });
      continue;
    }
    IDENT.lastIndex = i;
    const ident = IDENT.exec(text);
    if (ident) {
      i += ident[0].length;
      tokens.push({ kind: 'ident', name: ident[0], bracketed: false, span: { start, end: i } });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      i += op.length;
      tokens.push({ kind: 'op', op, span: { start, end: i } });
      continue;
    }
    const foreign = Object.keys(FOREIGN).find((o) => text.startsWith(o, i));
    if (foreign) fail(start, start + foreign.length, FOREIGN[foreign]);
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    fail(start, start + ch.length, `unexpected character ${JSON.stringify(ch)}`);
  }
  tokens.push({ kind: 'eof', span: { start: text.length, end: text.length } });
  return tokens;
}

import { createReadStream } from 'node:fs';

/**
 * Finds the first JSON syntax error in a file, as line and column, reading it as a stream (a
 * data file can be far larger than memory allows). Used only once DuckDB has refused the file:
 * DuckDB's own message counts records rather than lines, and one too many, so it cannot point
 * the user at the place to fix.
 *
 * The grammar is JSON's, with DuckDB's leniencies so that it never flags what DuckDB reads:
 * NaN, Infinity and -Infinity are numbers, and a comma may end an object or a nested array.
 * `ndjson` expects one value per line; `array` one top-level array.
 */
export interface JsonSyntaxProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

type Mode = 'ndjson' | 'array';
type Expect = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'commaOrEnd' | 'top';

const WORDS = ['true', 'false', 'null', 'NaN', 'Infinity', '-Infinity'];
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

class Found extends Error {
  constructor(readonly problem: JsonSyntaxProblem) {
    super(problem.message);
  }
}

export async function locateJsonError(path: string, mode: Mode): Promise<JsonSyntaxProblem | undefined> {
  // Containers open at this point: '{' or '['.
  const stack: number[] = [];
  // What comes next: a value, a property name, a ':', a ',' or the container's end, or (at the
  // top level) the next line's value.
  let expect = 'top' as Expect;
  let inString = false;
  let isKey = false;
  let escape = 0; // 0: none; 1: after a backslash; 2..5: reading \u hex digits
  let token = ''; // a number or a literal being read
  let tokenAt = { line: 1, column: 1 };
  let line = 1;
  let column = 0;
  let topValues = 0;
  let afterTopOnLine = false;

  const fail = (message: string, at = { line, column }): never => {
    throw new Found({ line: at.line, column: at.column, message });
  };
  const describe = (b: number): string => (b === 0x0a ? 'the end of the line' : JSON.stringify(String.fromCharCode(b)));

  const endValue = (): void => {
    if (stack.length === 0) {
      topValues++;
      afterTopOnLine = true;
      expect = 'top';
    } else {
      expect = 'commaOrEnd';
    }
  };
  const endToken = (): void => {
    const ok = WORDS.includes(token) || NUMBER.test(token);
    if (!ok) fail(`"${token}" is not a JSON value`, tokenAt);
    token = '';
    endValue();
  };
  const startValue = (b: number): void => {
    if (b === 0x7b /* { */) {
      stack.push(b);
      expect = 'keyOrEnd';
    } else if (b === 0x5b /* [ */) {
      stack.push(b);
      expect = 'valueOrEnd';
    } else if (b === 0x22 /* " */) {
      inString = true;
      isKey = false;
    } else if (b === 0x2d || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) {
      token = String.fromCharCode(b);
      tokenAt = { line, column };
    } else {
      fail(`expected a value, found ${describe(b)}`);
    }
  };
  const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        // Columns count characters: UTF-8 continuation bytes do not start one.
        if ((b & 0xc0) !== 0x80) column++;
        if (inString) {
          if (escape === 1) {
            if (b === 0x75 /* u */) escape = 2;
            else if ('"\\/bfnrt'.includes(String.fromCharCode(b))) escape = 0;
            else fail(`"\\${String.fromCharCode(b)}" is not a valid escape`);
          } else if (escape >= 2) {
            if (!/[0-9a-fA-F]/.test(String.fromCharCode(b))) fail('expected a hex digit in a \\u escape');
            escape = escape === 5 ? 0 : escape + 1;
          } else if (b === 0x5c) {
            escape = 1;
          } else if (b === 0x22) {
            inString = false;
            if (isKey) expect = 'colon';
            else endValue();
          } else if (b < 0x20) {
            fail(b === 0x0a ? 'a string is not closed before the end of the line' : 'a control character inside a string');
          }
        } else if (token !== '') {
          if (b === 0x2b || b === 0x2d || b === 0x2e || (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) {
            token += String.fromCharCode(b);
          } else {
            endToken();
            i--; // this byte ends the token: look at it again
            if ((b & 0xc0) !== 0x80) column--;
            continue;
          }
        } else if (!isSpace(b)) {
          switch (expect) {
            case 'top':
              if (mode === 'array' && topValues > 0) fail(`unexpected ${describe(b)} after the end of the array`);
              if (mode === 'ndjson' && afterTopOnLine) fail(`unexpected ${describe(b)} after the value on this line (one JSON value per line)`);
              if (mode === 'array' && b !== 0x5b) fail(`expected the file to start with "[" (format array), found ${describe(b)}`);
              startValue(b);
              break;
            case 'value':
              startValue(b);
              break;
            case 'valueOrEnd':
              if (b === 0x5d /* ] */) {
                stack.pop();
                endValue();
              } else startValue(b);
              break;
            case 'keyOrEnd':
            case 'key':
              // DuckDB accepts a comma before the end of an object: `}` may follow one.
              if (b === 0x7d /* } */) {
                stack.pop();
                endValue();
              } else if (b === 0x22) {
                inString = true;
                isKey = true;
              } else fail(`expected a double-quoted property name, found ${describe(b)}`);
              break;
            case 'colon':
              if (b === 0x3a) expect = 'value';
              else fail(`expected ":" after the property name, found ${describe(b)}`);
              break;
            case 'commaOrEnd': {
              const open = stack[stack.length - 1];
              if (b === 0x2c) {
                // DuckDB accepts a comma before the end of an object or a nested array, not
                // before the end of the top-level array of format array.
                expect = open === 0x7b ? 'key' : stack.length === 1 && mode === 'array' ? 'value' : 'valueOrEnd';
              } else if ((b === 0x7d && open === 0x7b) || (b === 0x5d && open === 0x5b)) {
                stack.pop();
                endValue();
              } else {
                fail(`expected "," or "${open === 0x7b ? '}' : ']'}", found ${describe(b)}`);
              }
              break;
            }
          }
        }
        if (b === 0x0a) {
          if (mode === 'ndjson' && stack.length === 0 && !inString && token === '') afterTopOnLine = false;
          line++;
          column = 0;
        }
      }
    }
    if (token !== '') endToken();
    if (inString || stack.length > 0) fail('unexpected end of file: the file looks truncated');
    if (mode === 'array' && topValues === 0) fail('the file holds no array');
    return undefined;
  } catch (e) {
    if (e instanceof Found) return e.problem;
    throw e;
  }
}

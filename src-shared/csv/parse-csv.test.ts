import { describe, expect, it } from 'vitest';
import { CsvQuoteError, parseCsvText } from './parse-csv.js';

describe('parseCsvText', () => {
  it('reads quoted commas, doubled quotes and line breaks, CRLF or LF', () => {
    expect(parseCsvText('a,b\r\n"x, y","say ""hi"""\n"two\nlines",3')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', '3'],
    ]);
  });

  it('drops a byte-order mark and skips blank lines, keeps empty fields', () => {
    expect(parseCsvText('\uFEFFa,b\n\n1,\n')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('names the line where an unterminated quote starts', () => {
    expect(() => parseCsvText('a\n1\n"open,2\n3')).toThrow(CsvQuoteError);
    expect(() => parseCsvText('a\n1\n"open,2\n3')).toThrow('line 3 ends inside a quoted field');
  });
});

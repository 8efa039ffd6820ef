import { describe, expect, it } from 'vitest';
import type { OnnxValueInfo } from '../../src-shared/api/contract.js';
import { concreteShape, convertDraft, parseTensorCsv, parseTensorDraft, parseTensorJson, splitCsvLine, zerosDraft } from './tensor-editor.js';

const info = (name: string, elementType: string, shape: OnnxValueInfo['shape']): OnnxValueInfo => ({ name, kind: 'tensor', elementType, shape, optional: false });
const A = info('A', 'float32', ['N', 3]);

describe('tensor editor: zeros of the right shape', () => {
  it('opens symbolic dims at 1 and fills with the type’s zero', () => {
    expect(concreteShape(A)).toEqual([1, 3]);
    expect(zerosDraft(A)).toEqual({ format: 'csv', text: '0,0,0' });
    expect(zerosDraft(A, 'json')).toEqual({ format: 'json', text: '[\n  [0, 0, 0]\n]' });
    expect(zerosDraft(info('img', 'float32', [1, 2, 2, null]))).toEqual({
      format: 'json',
      text: '[\n  [\n    [\n      [0],\n      [0]\n    ],\n    [\n      [0],\n      [0]\n    ]\n  ]\n]',
    });
    expect(zerosDraft(info('s', 'string', ['N']))).toEqual({ format: 'json', text: '[""]' });
    expect(zerosDraft(info('b', 'bool', null))).toEqual({ format: 'json', text: '[false]' });
  });

  it('parses its own zeros back', () => {
    for (const i of [A, info('img', 'float32', [1, 3, 2, 2]), info('s', 'string', ['N', 1]), info('b', 'bool', [2])]) {
      for (const format of ['json', 'csv'] as const) {
        const draft = zerosDraft(i, format);
        expect(parseTensorDraft(draft, i).ok).toBe(true);
      }
    }
  });
});

describe('tensor editor: JSON', () => {
  it('reads nested arrays and the {dims, data} form', () => {
    expect(parseTensorJson('[[1, 2, 3], [4, 5, 6]]', A)).toEqual({ ok: true, tensor: [[1, 2, 3], [4, 5, 6]] });
    expect(parseTensorJson('{"dims": [2, 3], "data": [1, 2, 3, 4, 5, 6]}', A)).toEqual({ ok: true, tensor: { dims: [2, 3], data: [1, 2, 3, 4, 5, 6] } });
    // JSON has no NaN or Infinity: they travel as strings, as does an int64 beyond 2^53.
    expect(parseTensorJson('[["NaN", "-Infinity", "9007199254740993"]]', A).ok).toBe(true);
  });

  it('names the input, and where, for a wrong shape', () => {
    expect(parseTensorJson('[[1, 2, 3, 4]]', A)).toEqual({ ok: false, error: 'A: the model expects shape [N, 3], this is [1, 4]' });
    expect(parseTensorJson('[1, 2, 3]', A)).toEqual({ ok: false, error: 'A: the model expects shape [N, 3], this is [3]' });
    expect(parseTensorJson('[[1, 2, 3], [4, 5]]', A)).toEqual({ ok: false, error: 'A: [1] has shape [2] but [0] has [3]; every row must be the same size' });
    expect(parseTensorJson('{"dims": [2, 3], "data": [1, 2, 3]}', A)).toEqual({ ok: false, error: 'A: dims [2, 3] hold 6 values, data has 3' });
  });

  it('names the value of the wrong type, and the place of a syntax error', () => {
    expect(parseTensorJson('[[1, "two", 3]]', A)).toEqual({ ok: false, error: 'A[0][1]: "two" is not a float32 value' });
    expect(parseTensorJson('[[true]]', info('s', 'string', ['N', 1]))).toEqual({ ok: false, error: 's[0][0]: true is not a string value' });
    const bad = parseTensorJson('[[1, 2, 3],\n [4, 5,, 6]]', A);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^A: not valid JSON (at line 2, column \d+ )?\(Unexpected token ','?\)?/);
    expect(parseTensorJson('"x"', A)).toEqual({ ok: false, error: 'A: write nested arrays such as [[1, 2, 3]], or {"dims": [1, 3], "data": [1, 2, 3]}' });
  });
});

describe('tensor editor: CSV for matrices', () => {
  it('reads one row per line, ignoring blank lines', () => {
    expect(parseTensorCsv('1,2,3\n4.5, -6e-1 ,7\n\n', A)).toEqual({ ok: true, tensor: [[1, 2, 3], [4.5, -0.6, 7]] });
    expect(parseTensorCsv('"a,b",c\n"say ""hi""",d', info('s', 'string', ['N', 2]))).toEqual({ ok: true, tensor: [['a,b', 'c'], ['say "hi"', 'd']] });
    expect(parseTensorCsv('true,0\n1,FALSE', info('b', 'bool', ['N', 2]))).toEqual({ ok: true, tensor: [[true, false], [true, false]] });
    expect(parseTensorCsv('9007199254740993', info('i', 'int64', ['N', 1]))).toEqual({ ok: true, tensor: [['9007199254740993']] });
  });

  it('names the row and column at fault', () => {
    expect(parseTensorCsv('1,2,3\n4,x,6', A)).toEqual({ ok: false, error: 'A, row 2, column 2: "x" is not a number' });
    expect(parseTensorCsv('1,2,3\n4,5', A)).toEqual({ ok: false, error: 'A: row 2 has 2 values, row 1 has 3' });
    expect(parseTensorCsv('1,2', A)).toEqual({ ok: false, error: 'A: the model expects shape [N, 3], this is [1, 2]' });
    expect(parseTensorCsv('  \n', A)).toEqual({ ok: false, error: 'A: the CSV is empty; write one row per line' });
    expect(parseTensorDraft({ format: 'csv', text: '1' }, info('v', 'float32', ['N']))).toEqual({ ok: false, error: 'v: CSV is for 2-D inputs; this one is not, use JSON' });
  });

  it('splits quoted fields', () => {
    expect(splitCsvLine('a,"b,c",,"d""e"')).toEqual(['a', 'b,c', '', 'd"e']);
  });

  it('converts between JSON and CSV keeping the values, and refuses what does not parse', () => {
    const csv = convertDraft({ format: 'json', text: '[[1, 2, 3], [4, 5, 6]]' }, A, 'csv');
    expect(csv).toEqual({ draft: { format: 'csv', text: '1,2,3\n4,5,6' } });
    expect(convertDraft(csv.draft, A, 'json')).toEqual({ draft: { format: 'json', text: '[\n  [1, 2, 3],\n  [4, 5, 6]\n]' } });
    const broken = { format: 'json' as const, text: '[[1, 2' };
    const refused = convertDraft(broken, A, 'csv');
    expect(refused.draft).toBe(broken);
    expect(refused.error).toMatch(/^A: not valid JSON/);
  });
});

import { describe, expect, it } from 'vitest';
import type { PlumbModelInfo } from '../../src-shared/api/contract.js';
import { checkRows, csvRows, HttpError, parseCsv, parsePredictBody, typedRow } from './request-rows.js';

const MODEL: PlumbModelInfo = {
  inputs: [
    { name: 'tenure', type: 'number', imputed: false },
    { name: 'charges', type: 'number', imputed: true },
    { name: 'contract', type: 'text', categories: ['Month-to-month', 'One year'], imputed: false },
    { name: 'senior', type: 'boolean', imputed: false },
  ],
  task: 'classification',
  classes: ['false', 'true'],
  target: 'churn',
  estimator: 'logistic_regression',
};

const refusal = (f: () => unknown): HttpError => {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('request bodies', () => {
  it('reads JSON rows with an optional key, and refuses malformed JSON, wrong shapes and other content types', () => {
    const ok = parsePredictBody(Buffer.from('{"rows":[{"tenure":1}],"key":"u1"}'), 'application/json; charset=utf-8');
    expect(ok).toEqual({ rows: [{ tenure: 1 }], key: 'u1', format: 'json' });
    expect(refusal(() => parsePredictBody(Buffer.from('{"rows":[{'), 'application/json'))).toMatchObject({ status: 400, message: expect.stringMatching(/not valid JSON/) });
    expect(refusal(() => parsePredictBody(Buffer.from('{"rows":[]}'), 'application/json')).message).toMatch(/^rows: .*1 to 10000 rows/);
    expect(refusal(() => parsePredictBody(Buffer.from('{"rows":[{"a":{"b":1}}]}'), 'application/json')).message).toBe('rows.0.a: a value is a number, text, true/false or null, not an object');
    expect(refusal(() => parsePredictBody(Buffer.from('{"rows":[{"a":1},[1]]}'), 'application/json')).message).toBe('rows.1: a row is an object {column: value, ...}, not an array');
    expect(refusal(() => parsePredictBody(Buffer.from('x'), 'application/xml'))).toMatchObject({ status: 415 });
  });

  it('reads CSV with quotes, CRLF and missing values as plumb predict does', () => {
    expect(parseCsv('a,b\r\n"x, ""y""",2\n"multi\nline",\n')).toEqual([['a', 'b'], ['x, "y"', '2'], ['multi\nline', '']]);
    expect(csvRows('tenure,contract\n3,NA\n,One year\n')).toEqual([{ tenure: '3', contract: null }, { tenure: null, contract: 'One year' }]);
    expect(refusal(() => csvRows('a,b\n1\n')).message).toBe('CSV data line 1 has 1 fields; the header has 2');
    expect(refusal(() => csvRows('a,a\n1,2\n')).message).toMatch(/names "a" twice/);
    expect(refusal(() => csvRows('a\n"open\n')).message).toMatch(/inside a quoted field/);
  });
});

describe('checkRows', () => {
  it('reports every problem of every row with its row and column', () => {
    const rows = [
      { tenure: 3, charges: null, contract: 'One year', senior: false },
      { tenure: 'three', charges: 5, contract: 'One year', senior: 'maybe' },
      { charges: 5, contract: null, senior: true, extra: 1 },
      { tenure: '12', charges: '7.5', contract: 'Two year', senior: '1' },
    ];
    expect(checkRows(MODEL, rows)).toEqual([
      { row: 1, column: 'tenure', message: '"tenure" is "three", not a number' },
      { row: 1, column: 'senior', message: '"senior" is "maybe", not true or false' },
      { row: 2, column: 'extra', message: 'unknown column "extra" (the model\'s columns: tenure, charges, contract, senior)' },
      { row: 2, column: 'tenure', message: 'column "tenure" is absent (send null for a missing value)' },
      { row: 2, column: 'contract', message: '"contract" is missing and the model does not impute it' },
    ]);
    // An unseen category is not an error: the model answers it as refused, as plumb predict does.
    expect(typedRow(MODEL, rows[3])).toEqual({ tenure: 12, charges: 7.5, contract: 'Two year', senior: true });
  });
});

import { describe, expect, it } from 'vitest';
import type { ParamSpec } from '../../../src-shared/nodes/spec.js';
import { paramToText, textToParam } from './param-text.js';

describe('param text', () => {
  it('round-trips a string list, keeping an empty marker', () => {
    const spec: ParamSpec = { name: 'nullValues', kind: 'stringList', label: 'Nulls', default: ['', 'NA'] };
    const text = paramToText(spec, undefined);
    expect(text).toBe(', NA');
    expect(textToParam(spec, text)).toEqual(['', 'NA']);
    expect(textToParam(spec, '')).toEqual([]);
  });

  it('reads columns without empty entries', () => {
    const spec: ParamSpec = { name: 'columns', kind: 'columns', port: 'in', label: 'Columns' };
    expect(textToParam(spec, 'a, b,, ')).toEqual(['a', 'b']);
  });

  it('parses numbers, keeps bad text for the problem list, and clears to the default', () => {
    const spec: ParamSpec = { name: 'n', kind: 'number', label: 'N', default: 3 };
    expect(textToParam(spec, ' 0.25 ')).toBe(0.25);
    expect(textToParam(spec, 'abc')).toBe('abc');
    expect(textToParam(spec, '')).toBeUndefined();
  });

  it('clears a string with a default back to it', () => {
    const spec: ParamSpec = { name: 'd', kind: 'string', label: 'D', default: 'auto' };
    expect(textToParam(spec, '')).toBeUndefined();
    expect(textToParam(spec, ';')).toBe(';');
  });
});

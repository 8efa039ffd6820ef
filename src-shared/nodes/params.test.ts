import { describe, expect, it } from 'vitest';
import { createCatalogue } from './catalogue.js';
import { paramSchema, validateParams } from './params.js';
import { withDefaults, type NodeSpec, type ParamSpec } from './spec.js';

const ok = (p: ParamSpec, v: unknown) => paramSchema(p).safeParse(v).success;

/** A spec with one param of every kind, for validateParams. */
const spec: NodeSpec = {
  type: 'test.params',
  version: 1,
  category: 'feature',
  title: 'Params',
  summary: 'test',
  docs: 'test',
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [],
  params: [
    { name: 'path', kind: 'path', label: 'File', required: true },
    { name: 'label', kind: 'string', label: 'Label', default: '' },
    { name: 'k', kind: 'number', label: 'Neighbours', default: 5, min: 1, max: 50, integer: true },
    { name: 'rate', kind: 'number', label: 'Rate', default: 0.1 },
    { name: 'shuffle', kind: 'boolean', label: 'Shuffle', default: true },
    {
      name: 'how',
      kind: 'enum',
      label: 'How',
      default: 'inner',
      options: [
        { value: 'inner', label: 'Inner' },
        { value: 'left', label: 'Left' },
      ],
    },
    { name: 'tags', kind: 'stringList', label: 'Tags', default: [] },
    { name: 'target', kind: 'column', label: 'Target', port: 'in' },
    { name: 'features', kind: 'columns', label: 'Features', port: 'in', default: [] },
  ],
};

describe('paramSchema', () => {
  it('string, path and column: any string, non-empty when required', () => {
    for (const kind of ['string', 'path'] as const) {
      expect(ok({ name: 'a', label: 'A', kind }, '')).toBe(true);
      expect(ok({ name: 'a', label: 'A', kind }, 'x')).toBe(true);
      expect(ok({ name: 'a', label: 'A', kind }, 3)).toBe(false);
      expect(ok({ name: 'a', label: 'A', kind, required: true }, '')).toBe(false);
    }
    expect(ok({ name: 'c', label: 'C', kind: 'column', port: 'in', required: true }, '')).toBe(false);
    expect(ok({ name: 'c', label: 'C', kind: 'column', port: 'in' }, 'species')).toBe(true);
    expect(ok({ name: 'c', label: 'C', kind: 'column', port: 'in' }, null)).toBe(false);
  });

  it('number: finite, and within min, max and integer when declared', () => {
    const n: ParamSpec = { name: 'n', label: 'N', kind: 'number', min: 1, max: 10, integer: true };
    expect(ok(n, 1)).toBe(true);
    expect(ok(n, 10)).toBe(true);
    expect(ok(n, 0)).toBe(false);
    expect(ok(n, 11)).toBe(false);
    expect(ok(n, 2.5)).toBe(false);
    expect(ok(n, '3')).toBe(false);
    expect(ok(n, Number.NaN)).toBe(false);
    const free: ParamSpec = { name: 'f', label: 'F', kind: 'number' };
    expect(ok(free, -1e9)).toBe(true);
    expect(ok(free, 0.5)).toBe(true);
    expect(ok(free, Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('number bounds name the bound in the message', () => {
    const n: ParamSpec = { name: 'n', label: 'N', kind: 'number', min: 1, max: 10, integer: true };
    const msg = (v: unknown) => {
      const r = paramSchema(n).safeParse(v);
      return r.success ? '' : r.error.issues.map((i) => i.message).join('; ');
    };
    expect(msg(0)).toContain('must be at least 1');
    expect(msg(11)).toContain('must be at most 10');
    expect(msg(2.5)).toContain('must be a whole number');
  });

  it('boolean, enum and lists', () => {
    expect(ok({ name: 'b', label: 'B', kind: 'boolean', default: true }, false)).toBe(true);
    expect(ok({ name: 'b', label: 'B', kind: 'boolean', default: true }, 'true')).toBe(false);
    const e: ParamSpec = { name: 'e', label: 'E', kind: 'enum', default: 'a', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] };
    expect(ok(e, 'b')).toBe(true);
    expect(ok(e, 'c')).toBe(false);
    expect(ok(e, 'A')).toBe(false); // the label is not the value
    for (const list of [{ name: 'l', label: 'L', kind: 'stringList' }, { name: 'l', label: 'L', kind: 'columns', port: 'in' }] as ParamSpec[]) {
      expect(ok(list, [])).toBe(true);
      expect(ok(list, ['a', 'b'])).toBe(true);
      expect(ok(list, ['a', 1])).toBe(false);
      expect(ok(list, 'a')).toBe(false);
    }
  });
});

describe('validateParams', () => {
  it('accepts the defaults plus the required values', () => {
    expect(validateParams(spec, { path: 'data.csv' })).toEqual([]);
    expect(validateParams(spec, { path: 'data.csv', k: 50, how: 'left', tags: ['x'], target: 'y', features: ['a'] })).toEqual([]);
  });

  it('reports each bad param by name, with a sentence naming the label', () => {
    const problems = validateParams(spec, { path: 'd.csv', k: 0, rate: 'fast', shuffle: 1, how: 'outer', tags: 'x' });
    expect(problems).toEqual([
      { param: 'k', message: 'Neighbours must be at least 1' },
      { param: 'rate', message: 'Rate must be a number (got a string)' },
      { param: 'shuffle', message: 'Shuffle must be a boolean (got a number)' },
      { param: 'how', message: 'How must be one of inner, left' },
      { param: 'tags', message: 'Tags must be a array (got a string)' },
    ]);
  });

  it('reports a missing or empty required param', () => {
    expect(validateParams(spec, {})).toEqual([{ param: 'path', message: 'File is required' }]);
    expect(validateParams(spec, { path: '' })).toEqual([{ param: 'path', message: 'File is required' }]);
    // null is what a cleared form field sends: it means "not set", so the required check applies.
    expect(validateParams(spec, { path: null })).toEqual([{ param: 'path', message: 'File is required' }]);
  });

  it('reports unknown keys instead of ignoring them', () => {
    expect(validateParams(spec, { path: 'd.csv', nieghbours: 3 })).toEqual([{ param: 'nieghbours', message: 'unknown param "nieghbours"' }]);
  });

  it('lets an optional param without a default stay unset', () => {
    expect(validateParams(spec, { path: 'd.csv', target: undefined })).toEqual([]);
  });
});

describe('withDefaults', () => {
  it('fills every default, keeps given values and unknown keys', () => {
    expect(withDefaults(spec, { path: 'd.csv', k: 3, extra: 1 })).toEqual({
      path: 'd.csv',
      label: '',
      k: 3,
      rate: 0.1,
      shuffle: true,
      how: 'inner',
      tags: [],
      features: [],
      extra: 1,
    });
  });

  it('does not add params that have no default', () => {
    expect('target' in withDefaults(spec, {})).toBe(false);
    expect('path' in withDefaults(spec, {})).toBe(false);
  });
});

describe('createCatalogue', () => {
  const v1 = { ...spec, type: 'test.x', version: 1 };
  const v3 = { ...spec, type: 'test.x', version: 3 };
  const other = { ...spec, type: 'test.y', version: 2 };

  it('resolves (type, version), the latest version, and lists the known versions', () => {
    const cat = createCatalogue([v3, other, v1]);
    expect(cat.get('test.x', 1)).toBe(v1);
    expect(cat.get('test.x', 3)).toBe(v3);
    expect(cat.get('test.x', 2)).toBeUndefined();
    expect(cat.get('test.z', 1)).toBeUndefined();
    expect(cat.latest('test.x')).toBe(v3);
    expect(cat.latest('test.z')).toBeUndefined();
    expect(cat.versions('test.x')).toEqual([1, 3]);
    expect(cat.versions('test.z')).toEqual([]);
    expect(cat.specs).toHaveLength(3);
  });

  it('refuses two specs claiming the same type and version', () => {
    expect(() => createCatalogue([v1, { ...v1, title: 'Other' }])).toThrow('Two node specs claim test.x@1');
  });
});

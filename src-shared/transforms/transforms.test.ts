import { describe, expect, it } from 'vitest';
import { applyBin, binOf, dropTinyBins, linspace, quantileFractions } from './bin.js';
import { fittedMeta, pickColumns, rebuildRow, safeNamePart, toKind, toNumber, TransformError, uniqueName } from './common.js';
import { applyEncode, categoryNamePart, infrequentIndices, onehotNames } from './encode.js';
import { applyScale } from './scale.js';
import { applyTransform, minimize, scipyBrent, yeoJohnson, yeoJohnsonNegLogLikelihood } from './transform.js';

/**
 * The pure halves of the fitted feature steps. Their replay against the nodes' SQL output is
 * tested beside each node (nodes/feature-* /run.test.ts); these pin the rules themselves.
 */
describe('common helpers', () => {
  it('picks named columns in table order, or all accepted ones, and names what is wrong', () => {
    const table = [
      { name: 'a', type: 'DOUBLE' },
      { name: 's', type: 'VARCHAR' },
      { name: 'b', type: 'BIGINT' },
    ];
    const opts = { accepts: (c: { type: string }) => c.type !== 'VARCHAR', why: 'needs numbers', noneFound: 'numeric columns' };
    expect(pickColumns(table, [], opts)).toEqual({ columns: [table[0], table[2]], problems: [] });
    expect(pickColumns(table, ['b', 'a', 'b'], opts).columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(pickColumns(table, ['s', 'zz'], opts).problems).toEqual([
      { param: 'columns', message: 'column "s" is VARCHAR: needs numbers' },
      { param: 'columns', message: 'column "zz" is not in the input' },
    ]);
    expect(pickColumns([table[1]], [], opts).problems).toEqual([{ param: 'columns', message: 'the input has no numeric columns' }]);
  });

  it('makes safe, unique column names', () => {
    expect(safeNamePart('a b')).toBe('a_b');
    expect(safeNamePart(' --x-- ')).toBe('x');
    expect(safeNamePart('Été!')).toBe('Été');
    expect(safeNamePart('!!')).toBe('empty');
    expect(safeNamePart('')).toBe('empty');
    const taken = new Set(['x', 'x_2']);
    expect([uniqueName('x', taken), uniqueName('x', taken), uniqueName('y', taken)]).toEqual(['x_3', 'x_4', 'y']);
  });

  it('reads row values as DuckDB would cast them', () => {
    expect(toNumber(3, 'c')).toBe(3);
    expect(toNumber('12345678901234', 'c')).toBe(12345678901234);
    expect(toNumber(' -1.5e3 ', 'c')).toBe(-1500);
    expect(toNumber('1.50', 'c')).toBe(1.5);
    expect(toNumber(10n, 'c')).toBe(10);
    expect(toNumber('Infinity', 'c')).toBe(Infinity);
    expect(toNumber('NaN', 'c')).toBeNaN();
    expect(() => toNumber('abc', 'c')).toThrow(TransformError);
    expect(() => toNumber(true, 'c')).toThrow('column "c": true is not a number');
    expect(toKind('true', 'boolean', 'c')).toBe(true);
    expect(toKind(3, 'text', 'c')).toBe('3');
    expect(toKind(undefined, 'number', 'c')).toBeNull();
  });

  it('rebuilds a row in place, appending what is new', () => {
    const row = { a: 1, b: 2, c: 3 };
    const out = rebuildRow(row, new Map([['b', { b_x: 1, b_y: 0 }], ['z', { z: 9 }]]), { end: true });
    expect(Object.entries(out)).toEqual([
      ['a', 1],
      ['b_x', 1],
      ['b_y', 0],
      ['c', 3],
      ['z', 9],
      ['end', true],
    ]);
  });

  it('appends the step to the input chain and keeps the split side', () => {
    const step = { type: 'feature.scale', version: 1, node: 'n2', params: {}, state: { s: 1 } };
    const first = { type: 'feature.impute', version: 1, node: 'n1', params: {}, state: {} };
    expect(fittedMeta({ chain: [first], split: 'train' }, step)).toEqual({ chain: [first, step], split: 'train' });
    expect(fittedMeta(undefined, step)).toEqual({ chain: [step] });
  });
});

describe('encode rules', () => {
  it('finds infrequent categories as scikit-learn does (its documented example)', () => {
    // OneHotEncoder(max_categories=3) on a x5, b x20, c x10, d x3: infrequent_categories_ = [a, d].
    expect(infrequentIndices([5, 20, 10, 3], 3)).toEqual([0, 3]);
    expect(infrequentIndices([5, 20, 10, 3], 4)).toEqual([]);
    expect(infrequentIndices([5, 20, 10, 3], undefined)).toEqual([]);
    // Ties: the stable ascending sort keeps the later categories.
    expect(infrequentIndices([2, 2, 2, 1], 3)).toEqual([0, 3]);
    // max_categories = 1: everything is infrequent.
    expect(infrequentIndices([4, 1], 1)).toEqual([0, 1]);
  });

  it('names one-hot columns from categories', () => {
    expect([null, -2.5, 3, true, 'New York'].map(categoryNamePart)).toEqual(['missing', 'minus2_5', '3', 'true', 'New_York']);
    expect(onehotNames('c', ['a', 'a!', null], true, new Set(['c', 'c_missing']))).toEqual(['c_a', 'c_a_2', 'c_missing_2', 'c_infrequent']);
  });

  it('replays onehot with known, infrequent and unknown values', () => {
    const state = {
      method: 'onehot' as const,
      handle_unknown: 'ignore' as const,
      drop_original: false,
      columns: [{ name: 'n', kind: 'number' as const, categories: [1, 2, null], infrequent: [7], outputs: ['n_1', 'n_2', 'n_missing', 'n_infrequent'] }],
    };
    expect(applyEncode(state, {}, { n: '2' })).toEqual({ n: '2', n_1: 0, n_2: 1, n_missing: 0, n_infrequent: 0 });
    expect(applyEncode(state, {}, { n: null })).toEqual({ n: null, n_1: 0, n_2: 0, n_missing: 1, n_infrequent: 0 });
    expect(applyEncode(state, {}, { n: 7 })).toEqual({ n: 7, n_1: 0, n_2: 0, n_missing: 0, n_infrequent: 1 });
    expect(applyEncode(state, {}, { n: 8 })).toEqual({ n: 8, n_1: 0, n_2: 0, n_missing: 0, n_infrequent: 0 });
    expect(() => applyEncode({ ...state, handle_unknown: 'error' }, {}, { n: 8 })).toThrow('column "n": the category 8 was not seen');
  });
});

describe('bin rules', () => {
  it('computes edges as numpy\'s linspace and percentile fractions', () => {
    expect(linspace(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // numpy.linspace(0, 100, 4) -> [0, 33.333333333333336, 66.66666666666667, 100]
    expect(linspace(0, 100, 4)).toEqual([0, 33.333333333333336, 66.66666666666667, 100]);
    expect(quantileFractions(4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('removes bins narrower than 1e-8, comparing each edge with the one before it', () => {
    expect(dropTinyBins([0, 0, 0, 1, 2])).toEqual([0, 1, 2]);
    // 1.2e-8 is 7e-9 above 5e-9 (itself removed): it goes too, as in scikit-learn's ediff1d.
    expect(dropTinyBins([0, 5e-9, 1.2e-8, 1])).toEqual([0, 1]);
    expect(dropTinyBins([0, 2e-8, 1])).toEqual([0, 2e-8, 1]);
  });

  it('puts a value on an edge in the bin it starts, the ends in the first and last bins', () => {
    const edges = [0, 1, 2, 3];
    expect([-1, 0, 0.999, 1, 2.5, 3, 4, NaN].map((x) => binOf(edges, x))).toEqual([0, 0, 0, 1, 2, 2, 2, 2]);
    expect(binOf([5, 5], 7)).toBe(0);
    expect(applyBin({ strategy: 'uniform', columns: [{ name: 'x', edges, n_bins: 3 }] }, {}, { x: null, y: 1 })).toEqual({ x: null, y: 1 });
  });
});

describe('scale replay', () => {
  it('applies standard, robust and minmax arithmetic in the node\'s order', () => {
    const standard = { method: 'standard' as const, columns: [{ name: 'x', center: 2, scale: 4, stats: {} }] };
    expect(applyScale(standard, {}, { x: 10, y: 'k' })).toEqual({ x: 2, y: 'k' });
    expect(applyScale({ ...standard, columns: [{ name: 'x', center: null, scale: 4, stats: {} }] }, {}, { x: 10 })).toEqual({ x: 2.5 });
    const minmax = { method: 'minmax' as const, columns: [{ name: 'x', center: null, scale: 0.5, min: -1, stats: {} }] };
    expect(applyScale(minmax, {}, { x: 4 })).toEqual({ x: 1 });
    expect(applyScale(minmax, {}, { x: null })).toEqual({ x: null });
  });
});

describe('Yeo-Johnson and the optimizer', () => {
  it('is the identity for lambda 1 and a logarithm at lambda 0 (x >= 0) or 2 (x < 0)', () => {
    for (const x of [-3, -0.5, 0, 0.5, 7]) expect(yeoJohnson(x, 1)).toBeCloseTo(x, 14);
    expect(yeoJohnson(Math.E - 1, 0)).toBeCloseTo(1, 14);
    expect(yeoJohnson(1 - Math.E, 2)).toBeCloseTo(-1, 14);
    // Continuous around the special values (to the cancellation in pow(x + 1, lambda) - 1).
    expect(yeoJohnson(3, 1e-9)).toBeCloseTo(Math.log(4), 6);
    expect(yeoJohnson(-3, 2 - 1e-9)).toBeCloseTo(-Math.log(4), 6);
    // Known values: ((x + 1)^0.5 - 1) / 0.5 at x = 3 is 2; -((1 - x)^1.5 - 1) / 1.5 at x = -3 is -14/3.
    expect(yeoJohnson(3, 0.5)).toBeCloseTo(2, 14);
    expect(yeoJohnson(-3, 0.5)).toBeCloseTo(-14 / 3, 14);
  });

  it('replays the transform, standardized or not, and refuses out-of-domain values for log1p', () => {
    const state = { method: 'yeo-johnson' as const, standardize: true, columns: [{ name: 'x', lambda: 0.5, mean: 1, scale: 2 }] };
    expect(applyTransform(state, {}, { x: 3 })).toEqual({ x: 0.5 });
    expect(applyTransform({ ...state, standardize: false }, {}, { x: 3 })).toEqual({ x: 2 });
    const log = { method: 'log1p' as const, standardize: false, columns: [{ name: 'x' }] };
    expect(applyTransform(log, {}, { x: 0 })).toEqual({ x: 0 });
    expect(() => applyTransform(log, {}, { x: -0.5 })).toThrow('column "x": log1p needs values >= 0, got -0.5');
  });

  it('finds minima as scipy.optimize.brent with brack=(-2, 2) does, also outside the bracket', () => {
    expect(minimize(scipyBrent(-2, 2), (x) => (x - 1.5) ** 2)).toBeCloseTo(1.5, 7);
    expect(minimize(scipyBrent(-2, 2), (x) => (x + 0.3) ** 2 + 1)).toBeCloseTo(-0.3, 7);
    expect(minimize(scipyBrent(-2, 2), (x) => (x - 9) ** 4)).toBeCloseTo(9, 2);
    expect(minimize(scipyBrent(-2, 2), (x) => Math.cosh(x - 0.7))).toBeCloseTo(0.7, 7);
    // A wall of +Infinity (a degenerate variance) on one side does not derail it.
    expect(minimize(scipyBrent(-2, 2), (x) => (x < -1 ? Infinity : (x - 0.25) ** 2))).toBeCloseTo(0.25, 7);
  });

  it('gives +Infinity for a degenerate variance', () => {
    expect(yeoJohnsonNegLogLikelihood(1, 0, 10, 3)).toBe(Infinity);
    expect(yeoJohnsonNegLogLikelihood(1, NaN, 10, 3)).toBe(Infinity);
    expect(yeoJohnsonNegLogLikelihood(1, Infinity, 10, 3)).toBe(Infinity);
    expect(yeoJohnsonNegLogLikelihood(2, Math.E, 10, 3)).toBeCloseTo(5 - 3, 14);
  });
});

import { describe, expect, it } from 'vitest';
import type { ChainStep } from '../nodes/chain.js';
import { ChainInputsError, chainInputs } from './chain-inputs.js';

const step = (type: string, node: string, state: Record<string, unknown>): ChainStep => ({ type, version: 1, node, params: {}, state });

describe('chainInputs: the raw columns a model reads', () => {
  const impute = step('feature.impute', 'impute', {
    strategy: 'most_frequent',
    columns: [
      { name: 'age', kind: 'number', fill: 30, indicator: 'age_missing' },
      { name: 'port', kind: 'text', fill: 'S' },
    ],
  });
  const scale = step('feature.scale', 'scale', { method: 'standard', columns: [{ name: 'age', center: 30, scale: 10, stats: {} }, { name: 'fare', center: 1, scale: 2, stats: {} }] });
  const encode = step('feature.encode', 'encode', {
    method: 'onehot',
    handle_unknown: 'error',
    drop_original: true,
    columns: [
      { name: 'port', kind: 'text', categories: ['C', 'S'], infrequent: ['Q'], outputs: ['port_C', 'port_S', 'port_infrequent'] },
      { name: 'sex', kind: 'text', categories: ['f', 'm', null], infrequent: [], outputs: ['sex_f', 'sex_m', 'sex_missing'] },
    ],
  });
  const features = ['age', 'age_missing', 'fare', 'port_C', 'port_S', 'port_infrequent', 'sex_f', 'sex_m', 'sex_missing', 'alone', 'pclass'].map((name) => ({
    name,
    type: name === 'alone' || name === 'age_missing' ? 'BOOLEAN' : name === 'pclass' ? 'BIGINT' : 'DOUBLE',
  }));

  it('traces each feature back through the steps, with kinds, categories and whether a missing value is accepted', () => {
    expect(chainInputs([impute, scale, encode], features)).toEqual([
      { name: 'age', type: 'number', imputed: true },
      { name: 'fare', type: 'number', imputed: false },
      { name: 'port', type: 'text', categories: ['C', 'S', 'Q'], imputed: true },
      { name: 'sex', type: 'text', categories: ['f', 'm', null], imputed: true },
      { name: 'alone', type: 'boolean', imputed: false },
      { name: 'pclass', type: 'number', imputed: false },
    ]);
  });

  it('carries a fill through steps that keep a missing value missing (scale before impute)', () => {
    const fill = step('feature.impute', 'fill', { strategy: 'mean', columns: [{ name: 'fare', kind: 'number', fill: 3 }] });
    expect(chainInputs([scale, fill], [{ name: 'fare', type: 'DOUBLE' }])).toEqual([{ name: 'fare', type: 'number', imputed: true }]);
    expect(chainInputs([fill, scale], [{ name: 'fare', type: 'DOUBLE' }])).toEqual([{ name: 'fare', type: 'number', imputed: true }]);
  });

  it('needs nothing a feature does not need, and refuses a step it cannot trace, naming its node', () => {
    expect(chainInputs([impute, scale, encode], [{ name: 'pclass', type: 'BIGINT' }])).toEqual([{ name: 'pclass', type: 'number', imputed: false }]);
    const derive = step('feature.derive', 'ratio', {});
    expect(() => chainInputs([impute, derive], features)).toThrow(ChainInputsError);
    expect(() => chainInputs([impute, derive], features)).toThrow('the step feature.derive@1 (node ratio) cannot be traced back to raw columns yet');
    expect(() => chainInputs([], [{ name: 'when', type: 'DATE' }])).toThrow(/feature "when" is DATE/);
  });
});

import { describe, expect, it } from 'vitest';
import { NODE_SPECS } from '../../nodes/index.js';
import { NODE_CATEGORIES } from '../../src-shared/nodes/spec.js';
import { paletteGroups } from './palette-filter.js';

const types = (query: string): string[] => paletteGroups(NODE_SPECS, query).flatMap((g) => g.specs.map((s) => s.type));

describe('palette search', () => {
  it('shows every category of the catalogue, in the design order, when nothing is typed', () => {
    const groups = paletteGroups(NODE_SPECS, '  ');
    expect(groups.map((g) => g.category)).toEqual([...NODE_CATEGORIES]);
    expect(groups.reduce((n, g) => n + g.specs.length, 0)).toBe(NODE_SPECS.length);
  });

  it('finds a node by its type, title, one-line doc or category, every word anywhere, case ignored', () => {
    expect(types('CSV')).toContain('ingest.csv');
    expect(types('train test')).toEqual(['split.train_test']);
    // "missing" is only in impute's summary, not its title.
    expect(types('missing values')).toContain('feature.impute');
    expect(paletteGroups(NODE_SPECS, 'monitoring').map((g) => g.category)).toContain('monitoring');
  });

  it('drops the categories left empty, and everything for a word no node has', () => {
    const groups = paletteGroups(NODE_SPECS, 'regression');
    expect(groups.every((g) => g.specs.length > 0)).toBe(true);
    expect(types('zzzz-no-such-node')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { columnFacts, miniBars } from './mini-histogram.js';

const base = { type: 'DOUBLE', nulls: 0, nullFraction: 0, distinct: 3 };

describe('mini histograms', () => {
  it('draws one bar per bin, the tallest at full height, an empty bin flat', () => {
    const bars = miniBars({ ...base, name: 'tenure', histogram: { edges: [0, 10, 20, 30], counts: [50, 0, 25] } }, 90, 20)!;
    expect(bars.map((b) => [b.x, b.height])).toEqual([
      [0, 20],
      [30, 0],
      [60, 10],
    ]);
    expect(bars[0].width).toBe(29);
    expect(bars[2].label).toBe('20 to 30: 25 rows');
  });

  it('keeps a tiny bin visible, and falls back to the top values of a text column', () => {
    const bars = miniBars({ ...base, name: 'n', histogram: { edges: [0, 1, 2], counts: [10_000, 1] } }, 20, 20)!;
    expect(bars[1].height).toBe(1);
    const top = miniBars({ ...base, type: 'VARCHAR', name: 'contract', topValues: [{ value: 'Month-to-month', count: 3875 }, { value: 'Two year', count: 1695 }] }, 20, 20)!;
    expect(top.map((b) => b.label)).toEqual(['Month-to-month: 3,875 rows', 'Two year: 1,695 rows']);
    expect(miniBars({ ...base, name: 'id', histogram: null }, 20, 20)).toBeNull();
  });

  it('sums a column up in one line', () => {
    expect(columnFacts({ ...base, name: 'total_charges', nulls: 11, nullFraction: 11 / 7043, distinct: 6530, min: 18.8, max: 8684.8 })).toBe(
      '0.16% missing · 6,530 distinct · 18.8 – 8685',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { gridLayer } from './grid-layer.js';

/** Screen x of the first mark the layer draws at or after the canvas's left edge. */
function firstMark(view: { x: number; zoom: number }, lines: boolean): number {
  const g = gridLayer({ x: view.x, y: 0, zoom: view.zoom }, 20, lines);
  const layerLeft = -g.cell + g.shiftX;
  const inCell = lines ? 0 : g.cell / 2;
  let mark = layerLeft + inCell;
  while (mark < 0) mark += g.cell;
  return mark;
}

describe('gridLayer', () => {
  it('puts the marks where flow x is a multiple of the gap, for any pan', () => {
    for (const lines of [false, true]) {
      for (const x of [0, 7, -7, 13.5, 200, -1234.25]) {
        const zoom = 1.5;
        const mark = firstMark({ x, zoom }, lines);
        const flowX = (mark - x) / zoom;
        expect(Math.abs(flowX / 20 - Math.round(flowX / 20))).toBeLessThan(1e-9);
        expect(mark).toBeGreaterThanOrEqual(0);
        expect(mark).toBeLessThan(30);
      }
    }
  });

  it('keeps the layer covering the canvas: the shift is within one cell', () => {
    for (const x of [-999.5, -1, 0, 1, 999.5]) {
      const g = gridLayer({ x, y: x, zoom: 0.8 }, 20, false);
      expect(g.shiftX).toBeGreaterThanOrEqual(0);
      expect(g.shiftX).toBeLessThan(g.cell);
      expect(g.shiftY).toBeGreaterThanOrEqual(0);
      expect(g.shiftY).toBeLessThan(g.cell);
    }
  });

  it('draws every fifth mark when zoomed out so far that cells would be a few pixels', () => {
    expect(gridLayer({ x: 0, y: 0, zoom: 1 }, 20, false).cell).toBe(20);
    expect(gridLayer({ x: 0, y: 0, zoom: 0.2 }, 20, false).cell).toBe(20);
    expect(gridLayer({ x: 0, y: 0, zoom: 0.3 }, 20, true).cell).toBeCloseTo(30);
    const far = gridLayer({ x: 3, y: 0, zoom: 0.2 }, 20, true);
    // Lines of the coarser grid still sit on multiples of the gap (every 100 flow px).
    expect(((-far.cell + far.shiftX - 3) / 0.2) % 100).toBeCloseTo(0);
  });
});

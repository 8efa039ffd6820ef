import { describe, expect, it } from 'vitest';
import { contains, flowToMap, mapFrame, mapToFlow, unionRect, visibleFlowRect } from './minimap-geometry.js';

describe('minimap geometry', () => {
  it('turns the viewport transform into the flow area on screen', () => {
    expect(visibleFlowRect([-100, 50, 0.5], 800, 600)).toEqual({ x: 200, y: -100, width: 1600, height: 1200 });
  });

  it('fits the content into the map with padding, centred on the short side', () => {
    const content = { x: 0, y: 0, width: 1400, height: 200 };
    const frame = mapFrame(content, { width: 150, height: 100 }, 5);
    expect(frame.scale).toBeCloseTo(10);
    const onMap = flowToMap(frame, content);
    expect(onMap.x).toBeCloseTo(5);
    expect(onMap.width).toBeCloseTo(140);
    // 20 px tall, centred in 100.
    expect(onMap.y).toBeCloseTo(40);
    expect(onMap.height).toBeCloseTo(20);
  });

  it('maps a pixel to the flow and back', () => {
    const frame = mapFrame({ x: -300, y: 120, width: 5000, height: 2600 }, { width: 150, height: 100 });
    const p = mapToFlow(frame, 37, 81);
    const back = flowToMap(frame, { ...p, width: 0, height: 0 });
    expect(back.x).toBeCloseTo(37);
    expect(back.y).toBeCloseTo(81);
  });

  it('unions rectangles and tests points', () => {
    const u = unionRect({ x: 0, y: 0, width: 10, height: 10 }, { x: -5, y: 5, width: 10, height: 20 });
    expect(u).toEqual({ x: -5, y: 0, width: 15, height: 25 });
    expect(unionRect(null, u)).toBe(u);
    expect(contains(u, { x: -5, y: 25 })).toBe(true);
    expect(contains(u, { x: -6, y: 1 })).toBe(false);
  });
});

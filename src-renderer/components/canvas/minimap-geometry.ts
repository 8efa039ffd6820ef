/** The overview map's arithmetic: which part of the flow it shows and how its pixels map to the flow. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What the map shows: flow coordinate (x, y) sits at the map's top-left pixel, `scale` flow units a pixel. */
export interface MapFrame {
  readonly x: number;
  readonly y: number;
  readonly scale: number;
}

/** The flow area on screen for React Flow's transform [x, y, zoom] on a canvas of width x height. */
export function visibleFlowRect(transform: readonly [number, number, number], width: number, height: number): Rect {
  const [tx, ty, zoom] = transform;
  return { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
}

export function unionRect(a: Rect | null, b: Rect): Rect {
  if (!a) return b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/**
 * Fits the nodes and the visible area together into a map of `size` pixels, keeping the aspect
 * ratio and centring the shorter side, with `padding` pixels around.
 */
export function mapFrame(content: Rect, size: { width: number; height: number }, padding = 5): MapFrame {
  const inner = { width: Math.max(1, size.width - 2 * padding), height: Math.max(1, size.height - 2 * padding) };
  const scale = Math.max(content.width / inner.width, content.height / inner.height, 1e-6);
  return {
    scale,
    x: content.x + content.width / 2 - (size.width / 2) * scale,
    y: content.y + content.height / 2 - (size.height / 2) * scale,
  };
}

export function mapToFlow(frame: MapFrame, px: number, py: number): { x: number; y: number } {
  return { x: frame.x + px * frame.scale, y: frame.y + py * frame.scale };
}

export function flowToMap(frame: MapFrame, r: Rect): Rect {
  return { x: (r.x - frame.x) / frame.scale, y: (r.y - frame.y) / frame.scale, width: r.width / frame.scale, height: r.height / frame.scale };
}

export function contains(r: Rect, p: { x: number; y: number }): boolean {
  return p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;
}

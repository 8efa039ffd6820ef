/** Where the canvas grid's pattern layer sits for a viewport: see CanvasGrid. */
export interface GridLayer {
  /** One pattern cell on screen, px. */
  readonly cell: number;
  /** The layer starts one cell left of and above the canvas, then slides right and down by these. */
  readonly shiftX: number;
  readonly shiftY: number;
  /** The dots' radius on screen, px. */
  readonly dotRadius: number;
}

/** Closer than this on screen, grid marks blur into a texture: only every fifth one is drawn. */
const MIN_CELL_PX = 8;
const COARSER = 5;

/**
 * The grid marks sit where flow coordinates are multiples of `gap` (where snapped nodes land):
 * on screen at `x + k * gap * zoom`. A line is drawn at the start of its cell and a dot in the
 * middle, so the layer is shifted by the viewport's offset modulo one cell, half a cell apart.
 */
export function gridLayer(view: { x: number; y: number; zoom: number }, gap: number, lines: boolean): GridLayer {
  let cell = gap * view.zoom;
  if (!(cell > 0)) cell = gap;
  while (cell < MIN_CELL_PX) cell *= COARSER;
  const markOffset = lines ? 0 : cell / 2;
  return {
    cell,
    shiftX: modulo(view.x + markOffset, cell),
    shiftY: modulo(view.y + markOffset, cell),
    dotRadius: Math.min(1.5, Math.max(0.7, 0.6 * view.zoom)),
  };
}

function modulo(a: number, m: number): number {
  return ((a % m) + m) % m;
}

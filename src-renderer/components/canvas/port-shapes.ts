import type { PortType } from '../../../src-shared/nodes/spec.js';

/** A shape per port type, drawn by canvas.css, so a port's type does not rest on colour alone. */
export const PORT_SHAPES: Record<PortType, 'circle' | 'diamond' | 'square'> = {
  table: 'circle',
  model: 'diamond',
  report: 'square',
};

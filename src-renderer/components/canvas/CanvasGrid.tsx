import { useStore as useFlowStore, type ReactFlowState } from '@xyflow/react';
import { gridLayer } from './grid-layer.js';

/**
 * The canvas's background: dots on the grid, or its lines while snapping is on. React Flow's own
 * Background is an SVG pattern whose offset changes with every pan, so the browser repaints and
 * re-rasterizes the whole canvas area each frame; here the pattern is one layer a cell larger than
 * the canvas, slid by a composited transform, repainted only when the zoom changes.
 */
export function CanvasGrid({ gap, lines }: { gap: number; lines: boolean }) {
  const [x, y, zoom] = useFlowStore(selectTransform);
  const layer = gridLayer({ x, y, zoom }, gap, lines);
  return (
    <div className="canvas-grid" data-testid="canvas-grid" data-variant={lines ? 'lines' : 'dots'} aria-hidden="true">
      <div
        className={`canvas-grid-pattern ${lines ? 'lines' : 'dots'}`}
        style={{
          inset: -layer.cell,
          backgroundSize: `${layer.cell}px ${layer.cell}px`,
          transform: `translate(${layer.shiftX}px, ${layer.shiftY}px)`,
          ['--grid-dot' as string]: `${layer.dotRadius}px`,
        }}
      />
    </div>
  );
}

const selectTransform = (s: ReactFlowState) => s.transform;

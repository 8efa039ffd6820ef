import type { XY } from '../state/document-ops.js';

/**
 * What the view commands (fit, zoom, paste at the pointer) need from the mounted canvas. The
 * canvas attaches itself when it mounts; with no canvas (tests, a pane hiding it) those commands
 * fall back or do nothing.
 */
export interface CanvasPort {
  fitView(): void;
  zoomIn(): void;
  zoomOut(): void;
  /** Where pasted pieces go: under the pointer when it is over the canvas, else the middle of the view. */
  pastePoint(): XY;
  /** The middle of what the canvas shows, in canvas coordinates. */
  viewCenter(): XY;
}

let attached: CanvasPort | null = null;

/** Returns the function that detaches it again. */
export function attachCanvas(port: CanvasPort): () => void {
  attached = port;
  return () => {
    if (attached === port) attached = null;
  };
}

export function canvasPort(): CanvasPort | null {
  return attached;
}

import { useReactFlow, useStore as useFlowStore } from '@xyflow/react';
import { useCallback } from 'react';
import { useActions, useGetState } from '../../app/context.js';
import { freeSpot, type XY } from '../../state/document-ops.js';

/** The drag-and-drop MIME type carrying a node type from the palette to the canvas. */
export const NODE_DRAG_TYPE = 'application/x-plumb-node-type';

/** A node's size before the canvas has measured it. */
export const DEFAULT_SIZE = { width: 210, height: 130 };

export function useAddNode(): (type: string, topLeft: XY) => string | null {
  const { addNode, select } = useActions();
  return useCallback(
    (type, topLeft) => {
      const id = addNode(type, { x: Math.round(topLeft.x), y: Math.round(topLeft.y) });
      if (id) select({ node: id });
      return id;
    },
    [addNode, select],
  );
}

/** Adds a node near the middle of what the canvas shows, below any node already there. */
export function useAddNodeAtCenter(): (type: string) => void {
  const add = useAddNode();
  const getState = useGetState();
  const { getViewport } = useReactFlow();
  const width = useFlowStore((s) => s.width);
  const height = useFlowStore((s) => s.height);
  return useCallback(
    (type) => {
      const { x, y, zoom } = getViewport();
      const center = { x: (width / 2 - x) / zoom, y: (height / 2 - y) / zoom };
      const wanted = { x: center.x - DEFAULT_SIZE.width / 2, y: center.y - DEFAULT_SIZE.height / 2 };
      const { document, measured } = getState();
      const taken = document.nodes.map((n) => ({ ...n.position, ...(measured[n.id] ?? DEFAULT_SIZE) }));
      add(type, freeSpot(wanted, DEFAULT_SIZE, taken));
    },
    [add, getState, getViewport, width, height],
  );
}

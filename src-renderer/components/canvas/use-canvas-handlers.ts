import {
  useReactFlow,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type OnConnectEnd,
} from '@xyflow/react';
import { useCallback, useMemo, type DragEvent } from 'react';
import { catalogue } from '../../../nodes/index.js';
import { useActions, useGetState } from '../../app/context.js';
import { connectionProblem, type ConnectionRequest, type XY } from '../../state/document-ops.js';
import type { Size } from '../../state/ui-slice.js';
import type { PlumbFlowEdge, PlumbFlowNode } from './flow.js';
import { DEFAULT_SIZE, NODE_DRAG_TYPE, useAddNode } from './use-add-node.js';

function toRequest(c: Connection): ConnectionRequest | null {
  if (!c.sourceHandle || !c.targetHandle) return null;
  return { from: { node: c.source, port: c.sourceHandle }, to: { node: c.target, port: c.targetHandle } };
}

/** The connection a user tried to make when React Flow refused it, oriented output -> input. */
function attempted(state: FinalConnectionState): ConnectionRequest | 'same-side' | null {
  if (state.isValid !== false || !state.fromHandle || !state.toHandle) return null;
  const { fromHandle: a, toHandle: b } = state;
  if (a.type === b.type) return 'same-side';
  const [out, inp] = a.type === 'source' ? [a, b] : [b, a];
  if (!out.id || !inp.id) return null;
  return { from: { node: out.nodeId, port: out.id }, to: { node: inp.nodeId, port: inp.id } };
}

/**
 * Translates React Flow's change stream into store actions. The document only learns a drag's
 * end position, so one drag is one undo step.
 */
export function useCanvasHandlers() {
  const actions = useActions();
  const getState = useGetState();
  const addNode = useAddNode();
  const { screenToFlowPosition } = useReactFlow();

  const onNodesChange = useCallback(
    (changes: NodeChange<PlumbFlowNode>[]) => {
      const dragging: Record<string, XY> = {};
      const dropped: Record<string, XY> = {};
      const sizes: Record<string, Size> = {};
      let selectId: string | null = null;
      let deselected = false;
      const s = getState();
      for (const c of changes) {
        if (c.type === 'position') {
          const at = c.position ?? s.dragging[c.id];
          if (!at) continue;
          if (c.dragging) dragging[c.id] = at;
          else dropped[c.id] = at;
        } else if (c.type === 'dimensions' && c.dimensions) {
          sizes[c.id] = c.dimensions;
        } else if (c.type === 'select') {
          if (c.selected) selectId = c.id;
          else if (c.id === s.selectedNodeId) deselected = true;
        }
      }
      if (Object.keys(sizes).length > 0) actions.setMeasured(sizes);
      if (Object.keys(dragging).length > 0) actions.setDragging(dragging);
      const droppedIds = Object.keys(dropped);
      if (droppedIds.length > 0) {
        actions.moveNodes(dropped);
        actions.endDrag(droppedIds);
      }
      if (selectId) actions.select({ node: selectId });
      else if (deselected) actions.select(null);
    },
    [actions, getState],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<PlumbFlowEdge>[]) => {
      const s = getState();
      for (const c of changes) {
        if (c.type !== 'select') continue;
        if (c.selected) actions.select({ edge: c.id });
        else if (c.id === s.selectedEdgeId) actions.select(null);
      }
    },
    [actions, getState],
  );

  const isValidConnection = useCallback(
    (c: Connection | PlumbFlowEdge) => {
      const req = toRequest({
        source: c.source,
        target: c.target,
        sourceHandle: c.sourceHandle ?? null,
        targetHandle: c.targetHandle ?? null,
      });
      return req !== null && connectionProblem(getState().document, catalogue, req) === null;
    },
    [getState],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const req = toRequest(c);
      if (!req) return;
      const result = actions.connect(req);
      if (!result.ok) actions.pushToast('error', result.reason);
    },
    [actions],
  );

  const onConnectEnd: OnConnectEnd = useCallback(
    (_event, state) => {
      const tried = attempted(state);
      if (tried === null) return;
      const reason =
        tried === 'same-side'
          ? 'Connect an output (on the right of a node) to an input (on the left of another).'
          : connectionProblem(getState().document, catalogue, tried);
      if (reason) actions.pushToast('error', reason);
    },
    [actions, getState],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(NODE_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(NODE_DRAG_TYPE);
      if (!type) return;
      e.preventDefault();
      const at = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // The pointer holds the node by its title, as it held the palette item.
      addNode(type, { x: at.x - DEFAULT_SIZE.width / 2, y: at.y - 20 });
    },
    [addNode, screenToFlowPosition],
  );

  return useMemo(
    () => ({ onNodesChange, onEdgesChange, isValidConnection, onConnect, onConnectEnd, onDragOver, onDrop }),
    [onNodesChange, onEdgesChange, isValidConnection, onConnect, onConnectEnd, onDragOver, onDrop],
  );
}

import {
  useReactFlow,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type Handle,
  type NodeChange,
  type OnConnectEnd,
} from '@xyflow/react';
import { useCallback, useMemo, useRef, useState, type DragEvent } from 'react';
import { catalogue } from '../../../nodes/index.js';
import type { PipelineDocument } from '../../../src-shared/pipeline/document.js';
import { useActions, useGetState } from '../../app/context.js';
import { connectionProblem, DEFAULT_NOTE_SIZE, type ConnectionRequest, type XY } from '../../state/document-ops.js';
import { toggled } from '../../state/selection.js';
import type { AppState } from '../../state/types.js';
import type { Size } from '../../state/ui-slice.js';
import { noteIdOf, type CanvasFlowNode, type PlumbFlowEdge, type Resizing } from './flow.js';
import { DEFAULT_SIZE, NODE_DRAG_TYPE, useAddNode } from './use-add-node.js';

function toRequest(c: Connection): ConnectionRequest | null {
  if (!c.sourceHandle || !c.targetHandle) return null;
  return { from: { node: c.source, port: c.sourceHandle }, to: { node: c.target, port: c.targetHandle } };
}

type HandleRef = Pick<Handle, 'id' | 'nodeId' | 'type'>;

/**
 * Why the wire from one handle to another is refused, in words for the user; null when it is
 * not (or when there is no second handle yet). Oriented output -> input whichever end the drag
 * started from.
 */
export function connectionRefusal(doc: PipelineDocument, from: HandleRef | null, to: HandleRef | null): string | null {
  if (!from || !to) return null;
  if (from.type === to.type) {
    return from.nodeId === to.nodeId && from.id === to.id
      ? null
      : 'Connect an output (on the right of a node) to an input (on the left of another).';
  }
  const [out, inp] = from.type === 'source' ? [from, to] : [to, from];
  if (!out.id || !inp.id) return null;
  return connectionProblem(doc, catalogue, { from: { node: out.nodeId, port: out.id }, to: { node: inp.nodeId, port: inp.id } });
}

/**
 * Translates React Flow's change stream into store actions. The document only learns where a
 * drag or a resize ends, so one gesture is one undo step, whatever it moved.
 */
export function useCanvasHandlers() {
  const actions = useActions();
  const getState = useGetState();
  const addNode = useAddNode();
  const { screenToFlowPosition } = useReactFlow();
  // Live geometry of notes being resized: view state only a few frames long.
  const [resizing, setResizing] = useState<Resizing>({});
  const resizingRef = useRef(resizing);
  resizingRef.current = resizing;

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasFlowNode>[]) => {
      const s = getState();
      const dragging: Record<string, XY> = {};
      const dropped: Record<string, XY> = {};
      const sizes: Record<string, Size> = {};
      let selection = s.selection;
      let live: Record<string, XY & Size> | null = null;
      const resized: { id: string; at: XY & Size }[] = [];
      // A resize from a left or top edge moves the note as well: those moves belong to the resize.
      const resizingIds = new Set(
        changes.flatMap((c) => (c.type === 'dimensions' && c.resizing !== undefined ? [c.id] : [])),
      );
      for (const c of changes) {
        if (c.type === 'position') {
          if (resizingIds.has(c.id) || resizingRef.current[c.id]) {
            if (!c.position) continue;
            live ??= { ...resizingRef.current };
            const cur = live[c.id] ?? currentGeometry(s, c.id);
            if (cur) live[c.id] = { ...cur, x: c.position.x, y: c.position.y };
            continue;
          }
          const at = c.position ?? s.dragging[c.id];
          if (!at) continue;
          if (c.dragging) dragging[c.id] = at;
          else dropped[c.id] = at;
        } else if (c.type === 'dimensions' && c.dimensions) {
          if (c.resizing === true) {
            live ??= { ...resizingRef.current };
            const cur = live[c.id] ?? currentGeometry(s, c.id);
            if (cur) live[c.id] = { ...cur, ...c.dimensions };
          } else if (c.resizing === false) {
            live ??= { ...resizingRef.current };
            const cur = live[c.id] ?? currentGeometry(s, c.id);
            if (cur) resized.push({ id: c.id, at: { ...cur, ...c.dimensions } });
            delete live[c.id];
          } else {
            sizes[c.id] = c.dimensions;
          }
        } else if (c.type === 'select') {
          const noteId = noteIdOf(c.id);
          selection = noteId ? toggled(selection, 'notes', noteId, c.selected) : toggled(selection, 'nodes', c.id, c.selected);
        }
      }
      if (Object.keys(sizes).length > 0) actions.setMeasured(sizes);
      if (Object.keys(dragging).length > 0) actions.setDragging(dragging);
      const droppedIds = Object.keys(dropped);
      if (droppedIds.length > 0) {
        const nodes: Record<string, XY> = {};
        const notes: Record<string, XY> = {};
        for (const [id, at] of Object.entries(dropped)) {
          const noteId = noteIdOf(id);
          if (noteId) notes[noteId] = at;
          else nodes[id] = at;
        }
        actions.moveElements({ nodes, notes });
        actions.endDrag(droppedIds);
      }
      for (const r of resized) {
        const noteId = noteIdOf(r.id);
        if (noteId) actions.resizeNote(noteId, { x: Math.round(r.at.x), y: Math.round(r.at.y) }, r.at);
      }
      if (live) setResizing(live);
      if (selection !== s.selection) actions.setSelection(selection);
    },
    [actions, getState],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<PlumbFlowEdge>[]) => {
      const s = getState();
      let selection = s.selection;
      for (const c of changes) {
        if (c.type === 'select') selection = toggled(selection, 'edges', c.id, c.selected);
      }
      if (selection !== s.selection) actions.setSelection(selection);
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
    (_event, state: FinalConnectionState) => {
      // The reason was shown at the cursor while dragging; the toast keeps it after the release.
      if (state.isValid !== false) return;
      const reason = connectionRefusal(getState().document, state.fromHandle, state.toHandle);
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
    () => ({ onNodesChange, onEdgesChange, isValidConnection, onConnect, onConnectEnd, onDragOver, onDrop, resizing }),
    [onNodesChange, onEdgesChange, isValidConnection, onConnect, onConnectEnd, onDragOver, onDrop, resizing],
  );
}

/** A note's geometry as drawn now: being dragged, or as the document has it. */
function currentGeometry(s: AppState, flowId: string): (XY & Size) | null {
  const noteId = noteIdOf(flowId);
  const note = noteId ? s.document.notes?.find((n) => n.id === noteId) : undefined;
  if (!note) return null;
  const at = s.dragging[flowId] ?? note.position;
  return { x: at.x, y: at.y, ...(note.size ?? DEFAULT_NOTE_SIZE) };
}

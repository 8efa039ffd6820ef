import {
  ControlButton,
  Controls,
  ReactFlow,
  SelectionMode,
  useReactFlow,
  useStore as useFlowStore,
  type Node,
  type ReactFlowState,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent as ReactMouseEvent, type PointerEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import './canvas.css';
import { catalogue } from '../../../nodes/index.js';
import { useApp, useCommands, useGetState } from '../../app/context.js';
import { attachCanvas } from '../../commands/canvas-port.js';
import { isTypingTarget } from '../../commands/keyboard.js';
import { selectDiff } from '../../state/diff-slice.js';
import type { XY } from '../../state/document-ops.js';
import { CATEGORY_COLORS } from '../theme.js';
import { CanvasGrid } from './CanvasGrid.js';
import { CanvasMiniMap } from './CanvasMiniMap.js';
import { CanvasMenu, type CanvasMenuState } from './CanvasMenu.js';
import { LOW_DETAIL_ZOOM, LowDetail } from './detail-level.js';
import { ConnectionHint } from './ConnectionHint.js';
import { diffEdges, ghostNodes } from './diff-flow.js';
import {
  noteIdOf,
  toFlowEdges,
  toFlowNodes,
  toNoteNodes,
  type CanvasFlowNode,
  type FlowNodeCache,
  type NoteNodeCache,
  type PlumbFlowEdge,
} from './flow.js';
import { GhostNodeView } from './GhostNodeView.js';
import { NoteView } from './NoteView.js';
import { PipelineNodeView } from './PipelineNodeView.js';
import { useCanvasHandlers } from './use-canvas-handlers.js';

// Defined once at module level: a new object per render would remount every node.
const nodeTypes = { plumb: PipelineNodeView, note: NoteView, ghost: GhostNodeView };

/** The grid dragged nodes snap to when snapping is on; the dots of the background mark it. */
const GRID = 20;
const SNAP_GRID: [number, number] = [GRID, GRID];
const FIT_OPTIONS = { padding: 0.25, maxZoom: 1.2 };
const MULTI_SELECT_KEYS = ['Meta', 'Control'];

const selectLowDetail = (s: ReactFlowState): boolean => s.transform[2] < LOW_DETAIL_ZOOM;

/** A node's colour on the overview map, kept per data object: the map redraws every frame of a pan. */
const mapColours = new WeakMap<object, string>();

function minimapColor(n: Node): string {
  if (n.type === 'note') return 'rgb(234 179 8 / 45%)';
  let colour = mapColours.get(n.data);
  if (!colour) {
    const data = n.data as { type: string; typeVersion: number };
    const spec = catalogue.get(data.type, data.typeVersion);
    colour = spec ? CATEGORY_COLORS[spec.category] : '#9aa3af';
    mapColours.set(n.data, colour);
  }
  return colour;
}

export function Canvas() {
  const docNodes = useApp((s) => s.document.nodes);
  const docEdges = useApp((s) => s.document.edges);
  const docNotes = useApp((s) => s.document.notes);
  const { selection, measured, dragging, loadCount, snapToGrid } = useApp(
    useShallow((s) => ({
      selection: s.selection,
      measured: s.measured,
      dragging: s.dragging,
      loadCount: s.loadCount,
      snapToGrid: s.snapToGrid,
    })),
  );
  const handlers = useCanvasHandlers();
  // A bundle under review is looked at, not edited: nodes select (for the inspector) but do not move or connect.
  const readOnly = useApp((s) => s.review !== null);
  const nodeCache = useRef<FlowNodeCache>(new Map());
  const noteCache = useRef<NoteNodeCache>(new Map());
  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedNotes = useMemo(() => new Set(selection.notes), [selection.notes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);
  const pipelineNodes = useMemo(
    () => toFlowNodes(docNodes, selectedNodes, measured, dragging, nodeCache.current),
    [docNodes, selectedNodes, measured, dragging],
  );
  const noteNodes = useMemo(
    () => toNoteNodes(docNotes ?? [], selectedNotes, dragging, handlers.resizing, noteCache.current),
    [docNotes, selectedNotes, dragging, handlers.resizing],
  );
  // The diff view's ghosts (removed nodes and edges) are drawn from the other version, never the document.
  const activeDiff = useApp(selectDiff);
  const ghosts = useMemo(() => (activeDiff ? ghostNodes(activeDiff, measured) : []), [activeDiff, measured]);
  // Notes first: React Flow draws in array order among equal z-index, and notes sit behind.
  const nodes = useMemo<CanvasFlowNode[]>(() => [...noteNodes, ...pipelineNodes, ...ghosts], [noteNodes, pipelineNodes, ghosts]);
  const edges = useMemo(() => {
    const flow = toFlowEdges(docEdges, docNodes, selectedEdges);
    return activeDiff ? diffEdges(flow, activeDiff, new Set(docNodes.map((n) => n.id))) : flow;
  }, [docEdges, docNodes, selectedEdges, activeDiff]);

  const [menu, setMenu] = useState<CanvasMenuState | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const frame = useRef<HTMLDivElement>(null);
  const pointer = useRef<XY | null>(null);
  useCanvasPort(frame, pointer);
  useClipboardEvents();

  const { screenToFlowPosition } = useReactFlow();
  const getState = useGetState();
  const openMenu = useCallback(
    (kind: CanvasMenuState['kind'], e: ReactMouseEvent | MouseEvent) => {
      e.preventDefault();
      const box = frame.current?.getBoundingClientRect();
      if (!box) return;
      setMenu({ kind, x: e.clientX - box.left, y: e.clientY - box.top, at: screenToFlowPosition({ x: e.clientX, y: e.clientY }) });
    },
    [screenToFlowPosition],
  );
  const onNodeContextMenu = useCallback(
    (e: ReactMouseEvent, node: CanvasFlowNode) => {
      if (node.type === 'ghost') return e.preventDefault();
      // Right-clicking outside the selection acts on that node alone, as in every file manager.
      const s = getState();
      const noteId = noteIdOf(node.id);
      const inSelection = noteId ? s.selection.notes.includes(noteId) : s.selection.nodes.includes(node.id);
      if (!inSelection) s.setSelection({ nodes: noteId ? [] : [node.id], edges: [], notes: noteId ? [noteId] : [] });
      openMenu('node', e);
    },
    [getState, openMenu],
  );
  const onEdgeContextMenu = useCallback(
    (e: ReactMouseEvent, edge: PlumbFlowEdge) => {
      getState().setSelection({ nodes: [], edges: [edge.id], notes: [] });
      openMenu('edge', e);
    },
    [getState, openMenu],
  );
  const onPaneContextMenu = useCallback((e: ReactMouseEvent | MouseEvent) => openMenu('pane', e), [openMenu]);
  const onSelectionContextMenu = useCallback((e: ReactMouseEvent) => openMenu('node', e), [openMenu]);
  // While the view pans or zooms, the drawing is one composited layer moved as a whole instead
  // of being repainted each frame; at rest it is repainted crisp at the new zoom.
  const onMoveStart = useCallback(() => frame.current?.classList.add('moving'), []);
  const onMoveEnd = useCallback(() => frame.current?.classList.remove('moving'), []);
  // Re-renders the canvas only when the zoom crosses the level, not on every zoom step.
  const lowDetail = useFlowStore(selectLowDetail);
  // A class set by hand, as `moving` is: a className from React would drop that one mid-gesture.
  useEffect(() => {
    frame.current?.classList.toggle('low-detail', lowDetail);
  }, [lowDetail]);

  return (
    <div
      ref={frame}
      className="canvas"
      data-testid="canvas"
      onDragOver={handlers.onDragOver}
      onDrop={handlers.onDrop}
      onPointerMove={(e: PointerEvent) => (pointer.current = { x: e.clientX, y: e.clientY })}
      onPointerLeave={() => (pointer.current = null)}
      onPointerDown={capturePanPointer}
    >
      <LowDetail.Provider value={lowDetail}>
        <ReactFlow<CanvasFlowNode, PlumbFlowEdge>
          // Remounting on each load makes fitView apply to the newly opened pipeline.
          key={loadCount}
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          onNodesChange={handlers.onNodesChange}
          onEdgesChange={handlers.onEdgesChange}
          onConnect={handlers.onConnect}
          onConnectEnd={handlers.onConnectEnd}
          isValidConnection={handlers.isValidConnection}
          onNodeContextMenu={onNodeContextMenu}
          onEdgeContextMenu={onEdgeContextMenu}
          onPaneContextMenu={onPaneContextMenu}
          onSelectionContextMenu={onSelectionContextMenu}
          onMoveStart={onMoveStart}
          onMoveEnd={onMoveEnd}
          // Deleting goes through the edit.delete command, so it is undoable like everything else.
          deleteKeyCode={null}
          // Shift+drag draws a selection box; Ctrl/Cmd+click adds to the selection.
          selectionKeyCode="Shift"
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          selectionMode={SelectionMode.Partial}
          snapToGrid={snapToGrid}
          snapGrid={SNAP_GRID}
          // Off-screen nodes are not rendered: what keeps a 500-node pipeline fluid.
          onlyRenderVisibleElements
          fitView
          fitViewOptions={FIT_OPTIONS}
          minZoom={0.2}
          maxZoom={2}
        >
          <CanvasGrid gap={GRID} lines={snapToGrid} />
          <Controls showInteractive={false}>
            <CommandControl command="edit.autoLayout" symbol="⇶" />
            <CommandControl command="edit.addNote" symbol="✎" />
            <CommandControl command="view.snapToGrid" symbol="#" pressed={snapToGrid} />
          </Controls>
          <CanvasMiniMap nodeColor={minimapColor} />
          <ConnectionHint />
        </ReactFlow>
      </LowDetail.Provider>
      {docNodes.length === 0 && (docNotes ?? []).length === 0 && (
        <div className="canvas-empty">
          <p>An empty pipeline.</p>
          <p className="hint">Drag a node from the palette, or open a pipeline file.</p>
        </div>
      )}
      {snapToGrid && (
        <div className="canvas-badge" data-testid="snap-badge">
          Snap to grid
        </div>
      )}
      {menu && <CanvasMenu menu={menu} snapToGrid={snapToGrid} onClose={closeMenu} />}
    </div>
  );
}

/** A button beside the zoom controls that runs a command, its shortcut in the tooltip. */
function CommandControl({ command, symbol, pressed }: { command: string; symbol: string; pressed?: boolean }) {
  const commands = useCommands();
  const label = commands.get(command)?.label ?? command;
  const shortcut = commands.shortcutLabel(command);
  return (
    <ControlButton
      onClick={() => void commands.dispatch(command)}
      title={shortcut ? `${label} (${shortcut})` : label}
      aria-label={label}
      aria-pressed={pressed}
      data-testid={`control-${command}`}
    >
      <span aria-hidden="true">{symbol}</span>
    </ControlButton>
  );
}

/**
 * A drag on the empty canvas keeps its pointer: the browser then hands every move straight to
 * the pane instead of hit-testing the wires and nodes under the cursor first, a few milliseconds
 * a move on a big pipeline. React Flow captures the pointer itself for the selection box.
 */
function capturePanPointer(e: PointerEvent): void {
  const target = e.target;
  if ((e.button === 0 || e.button === 1) && target instanceof Element && target.classList.contains('react-flow__pane')) {
    target.setPointerCapture(e.pointerId);
  }
}

/** Lets view commands (fit, zoom, paste at the pointer) reach this canvas. */
function useCanvasPort(frame: React.RefObject<HTMLDivElement | null>, pointer: React.RefObject<XY | null>): void {
  const { fitView, zoomIn, zoomOut, screenToFlowPosition } = useReactFlow();
  useEffect(() => {
    const viewCenter = (): XY => {
      const box = frame.current?.getBoundingClientRect();
      if (!box) return { x: 0, y: 0 };
      return screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    };
    return attachCanvas({
      fitView: () => void fitView({ ...FIT_OPTIONS, duration: 200 }),
      zoomIn: () => void zoomIn({ duration: 150 }),
      zoomOut: () => void zoomOut({ duration: 150 }),
      viewCenter,
      pastePoint: () => (pointer.current ? screenToFlowPosition(pointer.current) : viewCenter()),
    });
  }, [fitView, zoomIn, zoomOut, screenToFlowPosition, frame, pointer]);
}

/**
 * Ctrl/Cmd+C, X and V arrive as the browser's clipboard events (the keyboard listener leaves
 * those keys alone), which carry text without a permission prompt. Text fields, dialogs and
 * selected text on the page keep their usual copy and paste.
 */
function useClipboardEvents(): void {
  const commands = useCommands();
  useEffect(() => {
    const ours = (e: ClipboardEvent): boolean =>
      !isTypingTarget(e.target) && !(e.target instanceof Element && e.target.closest('[role="dialog"]'));
    const onCopyOrCut = (e: ClipboardEvent): void => {
      const id = e.type === 'cut' ? 'edit.cut' : 'edit.copy';
      const textSelected = (window.getSelection()?.toString() ?? '') !== '';
      if (!ours(e) || textSelected || !e.clipboardData || !commands.isEnabled(id)) return;
      e.preventDefault();
      void commands.dispatch(id, { clipboard: e.clipboardData });
    };
    const onPaste = (e: ClipboardEvent): void => {
      if (!ours(e) || !e.clipboardData) return;
      e.preventDefault();
      void commands.dispatch('edit.paste', { clipboard: e.clipboardData });
    };
    document.addEventListener('copy', onCopyOrCut);
    document.addEventListener('cut', onCopyOrCut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', onCopyOrCut);
      document.removeEventListener('cut', onCopyOrCut);
      document.removeEventListener('paste', onPaste);
    };
  }, [commands]);
}

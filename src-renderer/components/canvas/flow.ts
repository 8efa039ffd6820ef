import { Position, type Edge, type Node, type NodeHandle } from '@xyflow/react';
import { catalogue } from '../../../nodes/index.js';
import type { NodeSpec, PortType } from '../../../src-shared/nodes/spec.js';
import type { NoteColor, PipelineEdge, PipelineNode, PipelineNote } from '../../../src-shared/pipeline/document.js';
import { DEFAULT_NOTE_SIZE, type XY } from '../../state/document-ops.js';
import type { Size } from '../../state/ui-slice.js';

/** React Flow node data: plain JSON from the document, nothing else. */
export type PlumbNodeData = {
  type: string;
  typeVersion: number;
  params: Record<string, unknown>;
  label?: string;
};
export type PlumbFlowNode = Node<PlumbNodeData, 'plumb'>;
export type NoteNodeData = { noteId: string; text: string; color: NoteColor };
export type NoteFlowNode = Node<NoteNodeData, 'note'>;
/** A node of the diff view's other version that the document no longer has (diff-flow.ts). */
export type GhostNodeData = { nodeId: string; type: string; typeVersion: number; label?: string };
export type GhostFlowNode = Node<GhostNodeData, 'ghost'>;
export type CanvasFlowNode = PlumbFlowNode | NoteFlowNode | GhostFlowNode;
export type PlumbFlowEdge = Edge<{ portType: PortType | null }>;

/*
 * Notes share React Flow's node list with pipeline nodes. Their flow ids carry a `#`, which a
 * document id cannot hold, so a note and a node never collide.
 */
const NOTE_PREFIX = 'note#';
export const noteFlowId = (noteId: string): string => `${NOTE_PREFIX}${noteId}`;
export const noteIdOf = (flowId: string): string | null => (flowId.startsWith(NOTE_PREFIX) ? flowId.slice(NOTE_PREFIX.length) : null);

interface CacheEntry<S, N> {
  readonly source: S;
  readonly selected: boolean;
  readonly size: Size | undefined;
  readonly drag: XY | undefined;
  readonly node: N;
}
export type FlowNodeCache = Map<string, CacheEntry<PipelineNode, PlumbFlowNode>>;
export type NoteNodeCache = Map<string, CacheEntry<PipelineNote, NoteFlowNode>>;

/** Transient geometry of notes being resized, by flow id. */
export type Resizing = Readonly<Record<string, XY & Size>>;

/**
 * Keeps an unchanged element's object from the last pass, so React Flow (which compares by
 * identity) re-renders only what moved, changed or got selected: what keeps a 500-node canvas fluid.
 */
function cached<S, N>(
  cache: Map<string, CacheEntry<S, N>>,
  key: string,
  entry: Omit<CacheEntry<S, N>, 'node'>,
  build: () => N,
): N {
  const hit = cache.get(key);
  if (hit && hit.source === entry.source && hit.selected === entry.selected && hit.size === entry.size && hit.drag === entry.drag) {
    return hit.node;
  }
  const node = build();
  cache.set(key, { ...entry, node });
  return node;
}

function prune(cache: Map<string, unknown>, seen: ReadonlySet<string>): void {
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
}

/*
 * A node's geometry before the canvas has measured it, from the layout the stylesheets give a
 * node (fixed width, a 22 px row per port under the title). With it React Flow can fit the view
 * and leave off-screen nodes undrawn from the first frame, instead of drawing all of them once
 * just to measure them: what makes a 500-node pipeline open fast. React Flow measures every node
 * it draws anyway (the handle positions come from the browser); an estimate that is exact also
 * spares it, and the document, a size change for each node scrolled into view while panning.
 * The canvas bench counts the drawn nodes whose size differs from this.
 */
const NODE_WIDTH = 210;
const BASE_HEIGHT = 82;
const PORT_ROW = 22;
const FIRST_HANDLE_TOP = 53.5;
const HANDLE_SIZE = 11;
const estimates = new WeakMap<NodeSpec, { measured: Size; handles: NodeHandle[] }>();

export function estimatedGeometry(spec: NodeSpec): { measured: Size; handles: NodeHandle[] } {
  let hit = estimates.get(spec);
  if (!hit) {
    const rows = [...spec.inputs.map((p) => ({ p, side: 'in' as const })), ...spec.outputs.map((p) => ({ p, side: 'out' as const }))];
    const handles = rows.map(({ p, side }, i): NodeHandle => ({
      id: p.name,
      type: side === 'in' ? 'target' : 'source',
      position: side === 'in' ? Position.Left : Position.Right,
      x: side === 'in' ? -HANDLE_SIZE / 2 + 1 : NODE_WIDTH - HANDLE_SIZE / 2 - 1,
      y: FIRST_HANDLE_TOP + i * PORT_ROW,
      width: HANDLE_SIZE,
      height: HANDLE_SIZE,
    }));
    hit = { measured: { width: NODE_WIDTH, height: BASE_HEIGHT + rows.length * PORT_ROW }, handles };
    estimates.set(spec, hit);
  }
  return hit;
}

/** Document nodes -> React Flow nodes. */
export function toFlowNodes(
  nodes: readonly PipelineNode[],
  selected: ReadonlySet<string>,
  measured: Readonly<Record<string, Size>>,
  dragging: Readonly<Record<string, XY>>,
  cache: FlowNodeCache = new Map(),
): PlumbFlowNode[] {
  const seen = new Set<string>();
  const out = nodes.map((source) => {
    seen.add(source.id);
    const entry = { source, selected: selected.has(source.id), size: measured[source.id], drag: dragging[source.id] };
    return cached(cache, source.id, entry, () => ({
      id: source.id,
      type: 'plumb' as const,
      position: entry.drag ?? source.position,
      selected: entry.selected,
      data: {
        type: source.type,
        typeVersion: source.typeVersion,
        params: source.params,
        ...(source.label !== undefined ? { label: source.label } : {}),
      },
      ...geometry(source, entry.size),
    }));
  });
  prune(cache, seen);
  return out;
}

function geometry(source: PipelineNode, size: Size | undefined): { measured?: Size; handles?: NodeHandle[] } {
  if (size) return { measured: size };
  const spec = catalogue.get(source.type, source.typeVersion);
  return spec ? estimatedGeometry(spec) : {};
}

/** Document notes -> React Flow nodes drawn behind the pipeline. */
export function toNoteNodes(
  notes: readonly PipelineNote[],
  selected: ReadonlySet<string>,
  dragging: Readonly<Record<string, XY>>,
  resizing: Resizing,
  cache: NoteNodeCache = new Map(),
): NoteFlowNode[] {
  const seen = new Set<string>();
  const out = notes.map((source) => {
    const id = noteFlowId(source.id);
    seen.add(id);
    const live = resizing[id];
    const size = live ?? source.size ?? DEFAULT_NOTE_SIZE;
    const entry = { source, selected: selected.has(source.id), size: live, drag: live ?? dragging[id] };
    return cached(cache, id, entry, () => ({
      id,
      type: 'note' as const,
      position: entry.drag ? { x: entry.drag.x, y: entry.drag.y } : source.position,
      selected: entry.selected,
      width: size.width,
      height: size.height,
      // Behind every pipeline node, so a note never hides a port.
      zIndex: -1,
      data: { noteId: source.id, text: source.text, color: source.color ?? 'yellow' },
    }));
  });
  prune(cache, seen);
  return out;
}

export function portTypeOf(node: PipelineNode | undefined, port: string, side: 'inputs' | 'outputs'): PortType | null {
  if (!node) return null;
  const spec = catalogue.get(node.type, node.typeVersion);
  return spec?.[side].find((p) => p.name === port)?.type ?? null;
}

export function toFlowEdges(
  edges: readonly PipelineEdge[],
  nodes: readonly PipelineNode[],
  selected: ReadonlySet<string>,
): PlumbFlowEdge[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return edges.map((e) => {
    const portType = portTypeOf(byId.get(e.from.node), e.from.port, 'outputs');
    return {
      id: e.id,
      source: e.from.node,
      sourceHandle: e.from.port,
      target: e.to.node,
      targetHandle: e.to.port,
      selected: selected.has(e.id),
      className: portType ? `edge-${portType}` : 'edge-unknown',
      data: { portType },
    };
  });
}

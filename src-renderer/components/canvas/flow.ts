import type { Edge, Node } from '@xyflow/react';
import { catalogue } from '../../../nodes/index.js';
import type { PortType } from '../../../src-shared/nodes/spec.js';
import type { PipelineEdge, PipelineNode } from '../../../src-shared/pipeline/document.js';
import type { XY } from '../../state/document-ops.js';
import type { Size } from '../../state/ui-slice.js';

/** React Flow node data: plain JSON from the document, nothing else. */
export type PlumbNodeData = {
  type: string;
  typeVersion: number;
  params: Record<string, unknown>;
  label?: string;
};
export type PlumbFlowNode = Node<PlumbNodeData, 'plumb'>;
export type PlumbFlowEdge = Edge<{ portType: PortType | null }>;

interface CacheEntry {
  readonly source: PipelineNode;
  readonly selected: boolean;
  readonly size: Size | undefined;
  readonly drag: XY | undefined;
  readonly node: PlumbFlowNode;
}
export type FlowNodeCache = Map<string, CacheEntry>;

/**
 * Document nodes -> React Flow nodes. An unchanged node keeps its object, so React Flow (which
 * compares by identity) re-renders only the nodes that moved, changed or got selected.
 */
export function toFlowNodes(
  nodes: readonly PipelineNode[],
  selectedId: string | null,
  measured: Readonly<Record<string, Size>>,
  dragging: Readonly<Record<string, XY>>,
  cache: FlowNodeCache = new Map(),
): PlumbFlowNode[] {
  const seen = new Set<string>();
  const out = nodes.map((source) => {
    seen.add(source.id);
    const selected = source.id === selectedId;
    const size = measured[source.id];
    const drag = dragging[source.id];
    const hit = cache.get(source.id);
    if (hit && hit.source === source && hit.selected === selected && hit.size === size && hit.drag === drag) return hit.node;
    const node: PlumbFlowNode = {
      id: source.id,
      type: 'plumb',
      position: drag ?? source.position,
      selected,
      data: {
        type: source.type,
        typeVersion: source.typeVersion,
        params: source.params,
        ...(source.label !== undefined ? { label: source.label } : {}),
      },
      ...(size ? { measured: size } : {}),
    };
    cache.set(source.id, { source, selected, size, drag, node });
    return node;
  });
  for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
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
  selectedEdgeId: string | null,
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
      selected: e.id === selectedEdgeId,
      className: portType ? `edge-${portType}` : 'edge-unknown',
      data: { portType },
    };
  });
}

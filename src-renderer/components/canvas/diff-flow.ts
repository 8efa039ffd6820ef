import type { NodeHandle } from '@xyflow/react';
import { catalogue } from '../../../nodes/index.js';
import type { PipelineNode } from '../../../src-shared/pipeline/document.js';
import type { ActiveDiff } from '../../state/diff-slice.js';
import type { Size } from '../../state/ui-slice.js';
import { estimatedGeometry, type GhostFlowNode, type PlumbFlowEdge } from './flow.js';

/**
 * The diff view on the canvas: removed nodes and edges drawn as ghosts taken from the other
 * version, and the document's added edges marked. Ghosts are view-only flow elements: their ids
 * carry a `#` (no document id can), they cannot be selected, dragged, connected or deleted, so no
 * canvas gesture can reach the document through them.
 */
const GHOST_PREFIX = 'ghost#';
export const ghostFlowId = (id: string): string => `${GHOST_PREFIX}${id}`;
export const isGhostFlowId = (flowId: string): boolean => flowId.startsWith(GHOST_PREFIX);


const LOCKED = { selectable: false, draggable: false, connectable: false, deletable: false, focusable: false } as const;

export function ghostNodes(active: ActiveDiff, measured: Readonly<Record<string, Size>>): GhostFlowNode[] {
  const removed = new Set(active.diff.removedNodes.map((n) => n.id));
  return active.base.document.nodes
    .filter((n) => removed.has(n.id))
    .map((n) => {
      const id = ghostFlowId(n.id);
      return {
        id,
        type: 'ghost' as const,
        position: n.position,
        ...LOCKED,
        data: { nodeId: n.id, type: n.type, typeVersion: n.typeVersion, ...(n.label !== undefined ? { label: n.label } : {}) },
        ...ghostGeometry(n, measured[id]),
      };
    });
}

function ghostGeometry(n: PipelineNode, size: Size | undefined): { measured?: Size; handles?: NodeHandle[] } {
  if (size) return { measured: size };
  const spec = catalogue.get(n.type, n.typeVersion);
  return spec ? estimatedGeometry(spec) : {};
}

/**
 * The document's edges with added ones marked, then the removed ones as ghosts, drawn between
 * the nodes that are still there or their ghosts.
 */
export function diffEdges(edges: PlumbFlowEdge[], active: ActiveDiff, documentNodeIds: ReadonlySet<string>): PlumbFlowEdge[] {
  const added = active.addedEdgeIds;
  const marked = added.size === 0 ? edges : edges.map((e) => (added.has(e.id) ? { ...e, className: `${e.className ?? ''} diff-added` } : e));
  const removedNodes = new Set(active.diff.removedNodes.map((n) => n.id));
  const end = (node: string): string | null => (documentNodeIds.has(node) ? node : removedNodes.has(node) ? ghostFlowId(node) : null);
  const ghosts: PlumbFlowEdge[] = [];
  for (const e of active.diff.removedEdges) {
    const source = end(e.from.node);
    const target = end(e.to.node);
    // An edge that dangled in the other version has nothing to be drawn between.
    if (!source || !target) continue;
    ghosts.push({
      id: ghostFlowId(e.id),
      source,
      sourceHandle: e.from.port,
      target,
      targetHandle: e.to.port,
      selectable: false,
      deletable: false,
      focusable: false,
      className: 'diff-removed',
      data: { portType: null },
    });
  }
  return ghosts.length === 0 ? marked : [...marked, ...ghosts];
}

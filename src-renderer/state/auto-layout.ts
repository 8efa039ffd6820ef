import { Graph, layout } from '@dagrejs/dagre';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { moveNodes, type XY } from './document-ops.js';

export interface LayoutSize {
  readonly width: number;
  readonly height: number;
}

/** Gaps between nodes of one column and between columns, in canvas pixels. */
const NODE_GAP = 40;
const RANK_GAP = 90;

/**
 * Arranges nodes left to right in the order data flows (dagre's layered layout), keeping the
 * top-left of the whole graph where it was so the view does not jump. Notes stay put: what they
 * annotate is for the user to say. `only` limits the layout to some nodes (a selection).
 */
export function autoLayout(
  doc: PipelineDocument,
  sizeOf: (id: string) => LayoutSize,
  only?: ReadonlySet<string>,
): PipelineDocument {
  const nodes = only ? doc.nodes.filter((n) => only.has(n.id)) : doc.nodes;
  if (nodes.length < 2) return doc;
  const ids = new Set(nodes.map((n) => n.id));
  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: NODE_GAP, ranksep: RANK_GAP, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    const size = sizeOf(n.id);
    g.setNode(n.id, { width: size.width, height: size.height });
  }
  for (const e of doc.edges) {
    if (ids.has(e.from.node) && ids.has(e.to.node)) g.setEdge(e.from.node, e.to.node);
  }
  layout(g);

  const origin = { x: Math.min(...nodes.map((n) => n.position.x)), y: Math.min(...nodes.map((n) => n.position.y)) };
  const laid = nodes.map((n) => {
    const { x, y, width, height } = g.node(n.id) as { x: number; y: number; width: number; height: number };
    // dagre gives centres; the document holds top-left corners.
    return { id: n.id, x: x - width / 2, y: y - height / 2 };
  });
  const minX = Math.min(...laid.map((p) => p.x));
  const minY = Math.min(...laid.map((p) => p.y));
  const moves: Record<string, XY> = {};
  for (const p of laid) moves[p.id] = { x: Math.round(p.x - minX + origin.x), y: Math.round(p.y - minY + origin.y) };
  return moveNodes(doc, moves);
}

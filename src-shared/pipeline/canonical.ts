import type { PipelineDocument, PipelineEdge, PipelineNode, PipelineNote } from './document.js';

/**
 * Canonical text of a document: fixed key order, sorted param keys, rounded positions, two-space
 * indent and a final newline, so that a git diff shows what changed and nothing else.
 */
export function toCanonicalJson(doc: PipelineDocument): string {
  const out: Record<string, unknown> = {
    format: doc.format,
    version: doc.version,
    id: doc.id,
    name: doc.name,
    description: doc.description,
    nodes: doc.nodes.map(canonicalNode),
    edges: doc.edges.map(canonicalEdge),
  };
  // No notes and an empty list mean the same, so they write the same text.
  if (doc.notes && doc.notes.length > 0) out.notes = doc.notes.map(canonicalNote);
  if (doc.viewport) {
    out.viewport = { x: round(doc.viewport.x, 0), y: round(doc.viewport.y, 0), zoom: round(doc.viewport.zoom, 3) };
  }
  if (doc.meta !== undefined) out.meta = sortKeys(doc.meta);
  return JSON.stringify(out, null, 2) + '\n';
}

function canonicalNode(n: PipelineNode): Record<string, unknown> {
  const out: Record<string, unknown> = { id: n.id, type: n.type, typeVersion: n.typeVersion };
  if (n.label !== undefined) out.label = n.label;
  out.position = { x: round(n.position.x, 0), y: round(n.position.y, 0) };
  out.params = sortKeys(n.params);
  if (n.notes !== undefined) out.notes = n.notes;
  return out;
}

function canonicalNote(n: PipelineNote): Record<string, unknown> {
  const out: Record<string, unknown> = { id: n.id, position: { x: round(n.position.x, 0), y: round(n.position.y, 0) } };
  // Never rounded down to 0: the schema wants a positive size.
  if (n.size) out.size = { width: Math.max(1, round(n.size.width, 0)), height: Math.max(1, round(n.size.height, 0)) };
  out.text = n.text;
  if (n.color !== undefined) out.color = n.color;
  return out;
}

function canonicalEdge(e: PipelineEdge): Record<string, unknown> {
  return {
    id: e.id,
    from: { node: e.from.node, port: e.from.port },
    to: { node: e.to.node, port: e.to.port },
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const src = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src).sort()) out[k] = sortKeys(src[k]);
    return out;
  }
  return value;
}

import { z } from 'zod';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import {
  PIPELINE_VERSION,
  PipelineEdge,
  PipelineNode,
  PipelineNote,
  type PipelineDocument,
} from '../../src-shared/pipeline/document.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { connectionProblem, newEdgeId, newNoteId, type XY } from './document-ops.js';
import type { Selection } from './selection.js';

/**
 * Copy and paste of pipeline pieces as JSON text, so they travel through the system clipboard:
 * between windows, into a text editor and back. Pasted text is never trusted: it is parsed with
 * the document's own schemas and checked against the catalogue before anything changes.
 */

export const FRAGMENT_FORMAT = 'plumb.fragment';

/** Nodes, the edges among them and notes, as copied; shaped like a slice of a pipeline file. */
export const PipelineFragment = z.strictObject({
  format: z.literal(FRAGMENT_FORMAT),
  version: z.number().int().min(1),
  nodes: z.array(PipelineNode).max(10_000),
  edges: z.array(PipelineEdge).max(50_000),
  notes: z.array(PipelineNote).max(10_000).optional(),
});
export type PipelineFragment = z.infer<typeof PipelineFragment>;

/** The selected nodes and notes with every edge between two selected nodes; null when nothing is. */
export function copySelection(doc: PipelineDocument, sel: Selection): PipelineFragment | null {
  const nodeIds = new Set(sel.nodes);
  const noteIds = new Set(sel.notes);
  const nodes = doc.nodes.filter((n) => nodeIds.has(n.id));
  const notes = (doc.notes ?? []).filter((n) => noteIds.has(n.id));
  if (nodes.length === 0 && notes.length === 0) return null;
  const edges = doc.edges.filter((e) => nodeIds.has(e.from.node) && nodeIds.has(e.to.node));
  return {
    format: FRAGMENT_FORMAT,
    version: PIPELINE_VERSION,
    nodes: structuredClone(nodes),
    edges: structuredClone(edges),
    ...(notes.length > 0 ? { notes: structuredClone(notes) } : {}),
  };
}

/** Two-space JSON, readable and editable in a text editor. */
export function fragmentText(fragment: PipelineFragment): string {
  return JSON.stringify(fragment, null, 2) + '\n';
}

export type ParsedClipboard = { readonly ok: true; readonly fragment: PipelineFragment } | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): ParsedClipboard => ({ ok: false, reason: `Cannot paste: ${reason}` });

/**
 * Reads clipboard text: a fragment copied from Plumb, or a whole pipeline file's text (its nodes,
 * edges and notes are pasted). Node types must be in the catalogue and every edge must be one
 * the canvas would draw itself.
 */
export function parseClipboardText(text: string, catalogue: Catalogue): ParsedClipboard {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return refuse('the clipboard holds text that is not JSON, not Plumb nodes.');
  }
  const format = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { format?: unknown }).format : undefined;
  let fragment: PipelineFragment;
  if (format === 'plumb.pipeline') {
    const loaded = parsePipelineText(text);
    if (!loaded.ok) return refuse(`the pipeline in the clipboard ${loaded.reason}`);
    const { nodes, edges, notes } = loaded.document;
    fragment = { format: FRAGMENT_FORMAT, version: PIPELINE_VERSION, nodes, edges, ...(notes ? { notes } : {}) };
  } else if (format === FRAGMENT_FORMAT) {
    const version = (raw as { version?: unknown }).version;
    if (typeof version === 'number' && version > PIPELINE_VERSION) {
      return refuse(`the nodes were copied from a newer Plumb (format version ${version}; this version reads up to ${PIPELINE_VERSION}).`);
    }
    const parsed = PipelineFragment.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return refuse(`the copied nodes are damaged at ${issue.path.join('.') || '(top)'}: ${issue.message}.`);
    }
    fragment = parsed.data;
  } else {
    return refuse(`the clipboard JSON is not Plumb nodes (format is ${JSON.stringify(format ?? null)}, expected "${FRAGMENT_FORMAT}" or "plumb.pipeline").`);
  }
  return checkFragment(fragment, catalogue);
}

function checkFragment(fragment: PipelineFragment, catalogue: Catalogue): ParsedClipboard {
  const ids = new Set<string>();
  for (const n of fragment.nodes) {
    if (ids.has(n.id)) return refuse(`two nodes have the id "${n.id}".`);
    ids.add(n.id);
    if (!catalogue.get(n.type, n.typeVersion)) {
      return refuse(`node "${n.id}" is of type "${n.type}" version ${n.typeVersion}, which this Plumb does not know.`);
    }
  }
  const noteIds = new Set<string>();
  for (const n of fragment.notes ?? []) {
    if (noteIds.has(n.id)) return refuse(`two notes have the id "${n.id}".`);
    noteIds.add(n.id);
  }
  // Edges are checked as the canvas checks a new wire, inside a document holding the fragment alone.
  const alone: PipelineDocument = { format: 'plumb.pipeline', version: PIPELINE_VERSION, id: 'clipboard', name: '', description: '', nodes: fragment.nodes, edges: [] };
  const wired = new Set<string>();
  for (const e of fragment.edges) {
    if (!ids.has(e.from.node) || !ids.has(e.to.node)) continue; // a wire to a node not copied: dropped
    const problem = connectionProblem(alone, catalogue, e);
    if (problem) return refuse(`edge "${e.id}" (${e.from.node}.${e.from.port} -> ${e.to.node}.${e.to.port}): ${problem}`);
    const input = `${e.to.node}\u0000${e.to.port}`;
    if (wired.has(input)) return refuse(`input "${e.to.port}" of node "${e.to.node}" has two edges.`);
    wired.add(input);
    alone.edges = [...alone.edges, e];
  }
  return { ok: true, fragment: { ...fragment, edges: alone.edges } };
}

/** Where pasted pieces go: their top-left corner at a point, or shifted from where they were. */
export type Placement = { readonly at: XY } | { readonly offset: XY };

export interface PasteResult {
  readonly document: PipelineDocument;
  readonly nodes: readonly string[];
  readonly edges: readonly string[];
  readonly notes: readonly string[];
}

/** A pasted id: kept when free (a paste into another window keeps its names), else the next free `base_N`. */
function freeId(id: string, taken: Set<string>): string {
  if (!taken.has(id)) return id;
  const base = id.replace(/_\d+$/, '');
  let n = 1;
  while (taken.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

export function pasteFragment(doc: PipelineDocument, fragment: PipelineFragment, placement: Placement): PasteResult {
  const notes = fragment.notes ?? [];
  const points = [...fragment.nodes.map((n) => n.position), ...notes.map((n) => n.position)];
  if (points.length === 0) return { document: doc, nodes: [], edges: [], notes: [] };
  const shift =
    'offset' in placement
      ? placement.offset
      : { x: placement.at.x - Math.min(...points.map((p) => p.x)), y: placement.at.y - Math.min(...points.map((p) => p.y)) };
  const moved = (p: XY): XY => ({ x: Math.round(p.x + shift.x), y: Math.round(p.y + shift.y) });

  const takenNodes = new Set(doc.nodes.map((n) => n.id));
  const nodeIdMap = new Map<string, string>();
  const newNodes = fragment.nodes.map((n) => {
    const id = freeId(n.id, takenNodes);
    takenNodes.add(id);
    nodeIdMap.set(n.id, id);
    return { ...structuredClone(n), id, position: moved(n.position) };
  });

  let withNodes: PipelineDocument = { ...doc, nodes: [...doc.nodes, ...newNodes] };
  const newEdges = [];
  for (const e of fragment.edges) {
    const from = nodeIdMap.get(e.from.node);
    const to = nodeIdMap.get(e.to.node);
    if (!from || !to) continue;
    const edge = { id: newEdgeId(withNodes), from: { node: from, port: e.from.port }, to: { node: to, port: e.to.port } };
    withNodes = { ...withNodes, edges: [...withNodes.edges, edge] };
    newEdges.push(edge.id);
  }

  const pickedNotes = new Set<string>();
  const newNotes = notes.map((n) => {
    const id = (doc.notes ?? []).some((o) => o.id === n.id) || pickedNotes.has(n.id) ? newNoteId(doc, pickedNotes) : n.id;
    pickedNotes.add(id);
    return { ...structuredClone(n), id, position: moved(n.position) };
  });
  const document = newNotes.length > 0 ? { ...withNodes, notes: [...(doc.notes ?? []), ...newNotes] } : withNodes;
  return { document, nodes: newNodes.map((n) => n.id), edges: newEdges, notes: newNotes.map((n) => n.id) };
}

/** How far a duplicate lands from its original: clearly apart, still close. */
export const DUPLICATE_OFFSET: XY = { x: 40, y: 40 };

export function duplicateSelection(doc: PipelineDocument, sel: Selection): PasteResult | null {
  const fragment = copySelection(doc, sel);
  return fragment ? pasteFragment(doc, fragment, { offset: DUPLICATE_OFFSET }) : null;
}

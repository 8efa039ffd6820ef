import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { withDefaults, type NodeSpec, type PortSpec } from '../../src-shared/nodes/spec.js';
import type { NoteColor, PipelineDocument, PipelineEdge, PipelineNode, PipelineNote, PortRef } from '../../src-shared/pipeline/document.js';

/**
 * Pure edits of a pipeline document. Each returns a fresh document (or the same object when
 * nothing changed, so the undo history only records real edits).
 */

export interface XY {
  readonly x: number;
  readonly y: number;
}

export interface ConnectionRequest {
  readonly from: PortRef;
  readonly to: PortRef;
}

/** `ingest.csv` -> `ingestcsv_1`, the first number not taken in this document. */
export function newNodeId(doc: PipelineDocument, type: string): string {
  const base = type.replace(/\./g, '').replace(/[^A-Za-z0-9_:-]/g, '_') || 'node';
  const taken = new Set(doc.nodes.map((n) => n.id));
  let n = 1;
  while (taken.has(`${base}_${n}`)) n++;
  return `${base}_${n}`;
}

export function newEdgeId(doc: PipelineDocument): string {
  const taken = new Set(doc.edges.map((e) => e.id));
  let n = 1;
  while (taken.has(`e${n}`)) n++;
  return `e${n}`;
}

/** Adds a node with its spec's defaults written out, so the file says what the run will use. */
export function addNode(doc: PipelineDocument, spec: NodeSpec, position: XY, id = newNodeId(doc, spec.type)): PipelineDocument {
  const node: PipelineNode = {
    id,
    type: spec.type,
    typeVersion: spec.version,
    position: { x: position.x, y: position.y },
    params: structuredClone(withDefaults(spec, {})),
  };
  return { ...doc, nodes: [...doc.nodes, node] };
}

export function moveNodes(doc: PipelineDocument, moves: Readonly<Record<string, XY>>): PipelineDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const to = moves[n.id];
    if (!to || (to.x === n.position.x && to.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: { x: to.x, y: to.y } };
  });
  return changed ? { ...doc, nodes } : doc;
}

function updateNode(doc: PipelineDocument, id: string, update: (n: PipelineNode) => PipelineNode): PipelineDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    if (n.id !== id) return n;
    const next = update(n);
    if (next !== n) changed = true;
    return next;
  });
  return changed ? { ...doc, nodes } : doc;
}

/** `undefined` removes the param, so the spec's default applies again. */
export function setParam(doc: PipelineDocument, nodeId: string, name: string, value: unknown): PipelineDocument {
  return updateNode(doc, nodeId, (n) => {
    if (value === undefined) {
      if (!(name in n.params)) return n;
      const { [name]: _removed, ...rest } = n.params;
      return { ...n, params: rest };
    }
    if (JSON.stringify(n.params[name]) === JSON.stringify(value)) return n;
    return { ...n, params: { ...n.params, [name]: value } };
  });
}

export function setLabel(doc: PipelineDocument, nodeId: string, label: string): PipelineDocument {
  const trimmed = label.trim();
  return updateNode(doc, nodeId, (n) => {
    if ((n.label ?? '') === trimmed) return n;
    if (!trimmed) {
      const { label: _removed, ...rest } = n;
      return rest;
    }
    return { ...n, label: trimmed };
  });
}

export function renameDocument(doc: PipelineDocument, name: string): PipelineDocument {
  const trimmed = name.trim();
  return trimmed && trimmed !== doc.name ? { ...doc, name: trimmed } : doc;
}

export function deleteElements(
  doc: PipelineDocument,
  ids: { readonly nodes?: readonly string[]; readonly edges?: readonly string[]; readonly notes?: readonly string[] },
): PipelineDocument {
  const nodeIds = new Set(ids.nodes ?? []);
  const edgeIds = new Set(ids.edges ?? []);
  const noteIds = new Set(ids.notes ?? []);
  const nodes = doc.nodes.filter((n) => !nodeIds.has(n.id));
  const edges = doc.edges.filter((e) => !edgeIds.has(e.id) && !nodeIds.has(e.from.node) && !nodeIds.has(e.to.node));
  const notes = (doc.notes ?? []).filter((n) => !noteIds.has(n.id));
  if (nodes.length === doc.nodes.length && edges.length === doc.edges.length && notes.length === (doc.notes ?? []).length) return doc;
  return withNotes({ ...doc, nodes, edges }, notes);
}

/* ---- sticky notes ---- */

/** An empty list is written as no `notes` key, so deleting the last note leaves the file as it was. */
function withNotes(doc: PipelineDocument, notes: readonly PipelineNote[]): PipelineDocument {
  if (notes.length > 0) return { ...doc, notes: [...notes] };
  if (doc.notes === undefined) return doc;
  const { notes: _removed, ...rest } = doc;
  return rest;
}

export function newNoteId(doc: PipelineDocument, taken: ReadonlySet<string> = new Set()): string {
  const used = new Set([...(doc.notes ?? []).map((n) => n.id), ...taken]);
  let n = 1;
  while (used.has(`note_${n}`)) n++;
  return `note_${n}`;
}

export const DEFAULT_NOTE_SIZE = { width: 220, height: 120 } as const;

export function addNote(
  doc: PipelineDocument,
  position: XY,
  init: { readonly text?: string; readonly color?: NoteColor; readonly id?: string } = {},
): PipelineDocument {
  const note: PipelineNote = {
    id: init.id ?? newNoteId(doc),
    position: { x: position.x, y: position.y },
    size: { ...DEFAULT_NOTE_SIZE },
    text: init.text ?? '',
    color: init.color ?? 'yellow',
  };
  return withNotes(doc, [...(doc.notes ?? []), note]);
}

function updateNote(doc: PipelineDocument, id: string, update: (n: PipelineNote) => PipelineNote): PipelineDocument {
  let changed = false;
  const notes = (doc.notes ?? []).map((n) => {
    if (n.id !== id) return n;
    const next = update(n);
    if (next !== n) changed = true;
    return next;
  });
  return changed ? { ...doc, notes } : doc;
}

export function setNoteText(doc: PipelineDocument, id: string, text: string): PipelineDocument {
  return updateNote(doc, id, (n) => (n.text === text ? n : { ...n, text }));
}

export function setNoteColor(doc: PipelineDocument, id: string, color: NoteColor): PipelineDocument {
  return updateNote(doc, id, (n) => (n.color === color ? n : { ...n, color }));
}

/** Resizing from a left or top edge moves the note too, so both come in one edit. */
export function resizeNote(doc: PipelineDocument, id: string, position: XY, size: { width: number; height: number }): PipelineDocument {
  const width = Math.max(40, Math.round(size.width));
  const height = Math.max(30, Math.round(size.height));
  return updateNote(doc, id, (n) =>
    n.position.x === position.x && n.position.y === position.y && n.size?.width === width && n.size?.height === height
      ? n
      : { ...n, position: { x: position.x, y: position.y }, size: { width, height } },
  );
}

/** Moves nodes and notes together: a drag of a mixed selection is one undo step. */
export function moveElements(
  doc: PipelineDocument,
  moves: { readonly nodes?: Readonly<Record<string, XY>>; readonly notes?: Readonly<Record<string, XY>> },
): PipelineDocument {
  let next = moves.nodes ? moveNodes(doc, moves.nodes) : doc;
  const noteMoves = moves.notes ?? {};
  if (Object.keys(noteMoves).length === 0 || !next.notes) return next;
  let changed = false;
  const notes = next.notes.map((n) => {
    const to = noteMoves[n.id];
    if (!to || (to.x === n.position.x && to.y === n.position.y)) return n;
    changed = true;
    return { ...n, position: { x: to.x, y: to.y } };
  });
  if (changed) next = { ...next, notes };
  return next;
}

function portOf(doc: PipelineDocument, catalogue: Catalogue, ref: PortRef, side: 'inputs' | 'outputs'): PortSpec | string {
  const node = doc.nodes.find((n) => n.id === ref.node);
  if (!node) return `there is no node "${ref.node}"`;
  const spec = catalogue.get(node.type, node.typeVersion);
  if (!spec) return `"${node.type}" is not a known node type`;
  const port = spec[side].find((p) => p.name === ref.port);
  return port ?? `${spec.title} has no ${side === 'inputs' ? 'input' : 'output'} "${ref.port}"`;
}

/** Why a connection cannot be made, in words for the user; null when it can. */
export function connectionProblem(doc: PipelineDocument, catalogue: Catalogue, conn: ConnectionRequest): string | null {
  if (conn.from.node === conn.to.node) return 'A node cannot feed its own input.';
  const out = portOf(doc, catalogue, conn.from, 'outputs');
  if (typeof out === 'string') return `Cannot connect: ${out}.`;
  const inp = portOf(doc, catalogue, conn.to, 'inputs');
  if (typeof inp === 'string') return `Cannot connect: ${inp}.`;
  if (out.type !== inp.type) {
    return `Cannot connect "${conn.from.port}" (${out.type}) to "${conn.to.port}" (${inp.type}): a ${out.type} output can only feed a ${out.type} input.`;
  }
  if (reaches(doc, conn.to.node, conn.from.node)) return 'Cannot connect: that would make a cycle; a pipeline must flow one way.';
  return null;
}

/** Whether `target` is downstream of `start` (or is it). */
function reaches(doc: PipelineDocument, start: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of doc.edges) if (e.from.node === id) stack.push(e.to.node);
  }
  return false;
}

export type ConnectResult =
  | { readonly ok: true; readonly document: PipelineDocument; readonly edgeId: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Wires an output to an input. An input takes one edge: connecting an already wired input
 * replaces the old edge, as dropping a new wire on a socket does in KNIME.
 */
export function connect(doc: PipelineDocument, catalogue: Catalogue, conn: ConnectionRequest): ConnectResult {
  const reason = connectionProblem(doc, catalogue, conn);
  if (reason) return { ok: false, reason };
  const same = doc.edges.find(
    (e) => e.from.node === conn.from.node && e.from.port === conn.from.port && e.to.node === conn.to.node && e.to.port === conn.to.port,
  );
  if (same) return { ok: true, document: doc, edgeId: same.id };
  const edge: PipelineEdge = {
    id: newEdgeId(doc),
    from: { node: conn.from.node, port: conn.from.port },
    to: { node: conn.to.node, port: conn.to.port },
  };
  const kept = doc.edges.filter((e) => !(e.to.node === conn.to.node && e.to.port === conn.to.port));
  return { ok: true, document: { ...doc, edges: [...kept, edge] }, edgeId: edge.id };
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The first place at or below `wanted` where a box of `size` overlaps none of `taken`, so a node
 * added by clicking never hides another node (or its handles).
 */
export function freeSpot(wanted: XY, size: { width: number; height: number }, taken: readonly Rect[], gap = 24): XY {
  const overlaps = (p: XY): Rect | undefined =>
    taken.find(
      (r) => p.x < r.x + r.width + gap && p.x + size.width + gap > r.x && p.y < r.y + r.height + gap && p.y + size.height + gap > r.y,
    );
  let p = wanted;
  for (let i = 0; i < 200; i++) {
    const hit = overlaps(p);
    if (!hit) return p;
    p = { x: p.x, y: hit.y + hit.height + gap };
  }
  return p;
}

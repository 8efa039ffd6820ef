import { sortKeys } from './canonical.js';
import type { PipelineDiff, ValueChange } from './diff-format.js';
import type { PipelineDocument, PipelineEdge, PipelineNode } from './document.js';

/**
 * What changed from `a` to `b`, for a reviewer: nodes matched by id, edges by their endpoints (a
 * reconnected edge gets a new id but is the same edge), sticky notes by id. Layout never counts:
 * node and note positions, note sizes and colours, the viewport and `meta` are ignored, and so is
 * the document id (a copy saved under another name is still the same pipeline to compare).
 *
 * Params are compared key by key down through nested objects (`params.grid.max_depth`); an array
 * is one value (a list of checks or columns reads better whole than as `checks[2].min`), compared
 * by canonical JSON so key order never makes a difference. Every list is sorted, so the same two
 * documents always give the same diff.
 */
export function diffPipelines(a: PipelineDocument, b: PipelineDocument, memo?: NodeDiffMemo): PipelineDiff {
  const aNodes = byId(a.nodes);
  const bNodes = byId(b.nodes);
  const addedNodes: PipelineDiff['addedNodes'] = [];
  const removedNodes: PipelineDiff['removedNodes'] = [];
  const changedNodes: PipelineDiff['changedNodes'] = [];
  for (const id of sortedUnion(aNodes.keys(), bNodes.keys())) {
    const before = aNodes.get(id);
    const after = bNodes.get(id);
    if (!before && after) addedNodes.push({ id, type: after.type });
    else if (before && !after) removedNodes.push({ id, type: before.type });
    else if (before && after) {
      const changes = memoNodeChanges(before, after, memo);
      if (changes.length > 0) changedNodes.push({ id, type: after.type, changes });
    }
  }

  const { added: addedEdges, removed: removedEdges } = diffEdges(a.edges, b.edges);
  const pipelineChanges = [...scalarChanges(a, b, ['name', 'description']), ...noteChanges(a, b)];
  const same =
    addedNodes.length + removedNodes.length + changedNodes.length + addedEdges.length + removedEdges.length + pipelineChanges.length === 0;
  return { addedNodes, removedNodes, changedNodes, addedEdges, removedEdges, pipelineChanges, same };
}

/**
 * Remembers each node pair's changes by node identity. An editor that diffs the same other version
 * against each new document (every edit makes one, sharing the untouched nodes) recomputes only
 * the nodes that were edited.
 */
export type NodeDiffMemo = WeakMap<PipelineNode, { readonly before: PipelineNode; readonly changes: ValueChange[] }>;

function memoNodeChanges(before: PipelineNode, after: PipelineNode, memo: NodeDiffMemo | undefined): ValueChange[] {
  const hit = memo?.get(after);
  if (hit && hit.before === before) return hit.changes;
  const changes = nodeChanges(before, after);
  memo?.set(after, { before, changes });
  return changes;
}

/** The key an edge is matched by: its two ends. */
export function edgeKey(e: Pick<PipelineEdge, 'from' | 'to'>): string {
  return JSON.stringify([e.from.node, e.from.port, e.to.node, e.to.port]);
}

/** A value as a reviewer reads it: canonical JSON, `(none)` when the side does not have it. */
export function formatDiffValue(value: unknown, maxLength = 120): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(sortKeys(value)) ?? String(value);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** `path: old -> new`, the line `plumb diff` prints and the Changes list shows. */
export function formatValueChange(change: ValueChange, maxLength?: number): string {
  return `${change.path}: ${formatDiffValue(change.old, maxLength)} -> ${formatDiffValue(change.new, maxLength)}`;
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  // A duplicated id is a broken document (checkGraph says so); the first one stands for it here.
  const out = new Map<string, T>();
  for (const item of items) if (!out.has(item.id)) out.set(item.id, item);
  return out;
}

function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort(compareStrings);
}

/** Code-unit order, not locale order: the same on every machine. */
function compareStrings(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function nodeChanges(a: PipelineNode, b: PipelineNode): ValueChange[] {
  return [...scalarChanges(a, b, ['type', 'typeVersion', 'label', 'notes']), ...objectChanges('params', a.params, b.params)];
}

function scalarChanges<T extends object, K extends keyof T & string>(a: T, b: T, keys: readonly K[]): ValueChange[] {
  const out: ValueChange[] = [];
  for (const key of keys) {
    if (!sameValue(a[key], b[key])) out.push(change(key, a[key], b[key]));
  }
  return out;
}

/** Changes below `path`, recursing while both sides are plain objects. */
function objectChanges(path: string, a: Record<string, unknown>, b: Record<string, unknown>): ValueChange[] {
  const out: ValueChange[] = [];
  for (const key of sortedUnion(Object.keys(a), Object.keys(b))) {
    const before = a[key];
    const after = b[key];
    const at = `${path}${pathSegment(key)}`;
    if (isPlainObject(before) && isPlainObject(after)) out.push(...objectChanges(at, before, after));
    else if (!sameValue(before, after)) out.push(change(at, before, after));
  }
  return out;
}

/** `.max_depth`, or `["odd key"]` when the key would make the dotted path ambiguous. */
function pathSegment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function noteChanges(a: PipelineDocument, b: PipelineDocument): ValueChange[] {
  const before = byId(a.notes ?? []);
  const after = byId(b.notes ?? []);
  const out: ValueChange[] = [];
  for (const id of sortedUnion(before.keys(), after.keys())) {
    const oldText = before.get(id)?.text;
    const newText = after.get(id)?.text;
    if (oldText !== newText) out.push(change(`notes${pathSegment(id)}`, oldText, newText));
  }
  return out;
}

/** Edges as multisets of endpoints: a duplicated connection counts as often as it appears. */
function diffEdges(a: readonly PipelineEdge[], b: readonly PipelineEdge[]): { added: PipelineEdge[]; removed: PipelineEdge[] } {
  const unmatched = new Map<string, PipelineEdge[]>();
  for (const e of a) {
    const key = edgeKey(e);
    const list = unmatched.get(key);
    if (list) list.push(e);
    else unmatched.set(key, [e]);
  }
  const added: PipelineEdge[] = [];
  for (const e of b) {
    const waiting = unmatched.get(edgeKey(e));
    if (waiting && waiting.length > 0) waiting.shift();
    else added.push(e);
  }
  const removed = [...unmatched.values()].flat();
  return { added: sortEdges(added), removed: sortEdges(removed) };
}

function sortEdges(edges: readonly PipelineEdge[]): PipelineEdge[] {
  return edges
    .map((e) => ({ key: edgeKey(e), edge: plainEdge(e) }))
    .sort((x, y) => compareStrings(x.key, y.key) || compareStrings(x.edge.id, y.edge.id))
    .map((k) => k.edge);
}

function plainEdge(e: PipelineEdge): PipelineEdge {
  return { id: e.id, from: { node: e.from.node, port: e.from.port }, to: { node: e.to.node, port: e.to.port } };
}

function change(path: string, before: unknown, after: unknown): ValueChange {
  const out: ValueChange = { path };
  if (before !== undefined) out.old = before;
  if (after !== undefined) out.new = after;
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

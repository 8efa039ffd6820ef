import { catalogue } from '../../nodes/index.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { checkGraph, type GraphCheckResult } from '../../src-shared/pipeline/graph-checks.js';
import type { Problem } from '../../src-shared/problems.js';
import { displayStatus, type DisplayStatus } from './node-status.js';
import type { ExplainEntry } from './run-slice.js';
import type { AppState } from './types.js';

/*
 * Derived values are memoised on the document object instead of being stored: undo and redo
 * swap the document behind the slices' backs, and a stored copy could then go stale.
 */

const canonicalCache = new WeakMap<PipelineDocument, string>();
const checkCache = new WeakMap<PipelineDocument, GraphCheckResult>();
const byNodeCache = new WeakMap<PipelineDocument, ReadonlyMap<string, readonly Problem[]>>();
const NO_PROBLEMS: readonly Problem[] = [];

export function canonicalOf(doc: PipelineDocument): string {
  let text = canonicalCache.get(doc);
  if (text === undefined) {
    text = toCanonicalJson(doc);
    canonicalCache.set(doc, text);
  }
  return text;
}

export function graphCheck(doc: PipelineDocument): GraphCheckResult {
  let result = checkCache.get(doc);
  if (!result) {
    result = checkGraph(doc, catalogue);
    checkCache.set(doc, result);
  }
  return result;
}

export function problemsByNode(doc: PipelineDocument): ReadonlyMap<string, readonly Problem[]> {
  let map = byNodeCache.get(doc);
  if (!map) {
    const m = new Map<string, Problem[]>();
    for (const p of graphCheck(doc).problems) {
      if (!p.nodeId) continue;
      m.set(p.nodeId, [...(m.get(p.nodeId) ?? []), p]);
    }
    map = m;
    byNodeCache.set(doc, map);
  }
  return map;
}

export const selectDirty = (s: AppState): boolean => canonicalOf(s.document) !== s.savedCanonical;
export const selectProblems = (s: AppState): readonly Problem[] => graphCheck(s.document).problems;
export const selectNodeProblems =
  (nodeId: string) =>
  (s: AppState): readonly Problem[] =>
    problemsByNode(s.document).get(nodeId) ?? NO_PROBLEMS;
export const selectNodeErrorCount =
  (nodeId: string) =>
  (s: AppState): number =>
    (problemsByNode(s.document).get(nodeId) ?? NO_PROBLEMS).filter((p) => p.severity === 'error').length;
export const selectSelectedNode = (s: AppState) =>
  s.selectedNodeId ? (s.document.nodes.find((n) => n.id === s.selectedNodeId) ?? null) : null;

export const selectHasErrors = (s: AppState): boolean => graphCheck(s.document).problems.some((p) => p.severity === 'error');

export const selectExplainEntry =
  (nodeId: string) =>
  (s: AppState): ExplainEntry | undefined =>
    s.explain?.nodes[nodeId];

/** A fresh object for other statuses: subscribe with useShallow. */
export const selectDisplayStatus =
  (nodeId: string) =>
  (s: AppState): DisplayStatus =>
    displayStatus(s.run.nodes[nodeId], s.explain?.nodes[nodeId]);

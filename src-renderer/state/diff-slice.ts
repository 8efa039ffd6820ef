import type { PipelineDiff } from '../../src-shared/pipeline/diff-format.js';
import { diffPipelines, type NodeDiffMemo } from '../../src-shared/pipeline/diff.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import type { AppState, GetState, SetState } from './types.js';

/**
 * The diff view: another version of the pipeline (a file, a bundle, the file's git HEAD) held
 * beside the document, never in it. Only the other version is stored; the diff itself is derived
 * from it and the live document (selectDiff), so it follows the user's edits while it is shown,
 * and nothing about it is saved or enters the undo history (zundo records the document only).
 */
export interface DiffBase {
  /** What the other version is: a file name, `HEAD:<name>`, a bundle's name. */
  readonly label: string;
  readonly document: PipelineDocument;
  /** What the canvas is: its file name, or "unsaved canvas". */
  readonly currentLabel: string;
  /** The document load it was compared with: opening another pipeline ends the diff view. */
  readonly loadCount: number;
}

export type NodeDiffStatus = 'added' | 'changed' | 'removed';

export interface ActiveDiff {
  readonly base: DiffBase;
  readonly diff: PipelineDiff;
  /** Added and changed nodes of the document, removed nodes of the other version. */
  readonly nodeStatus: Readonly<Record<string, NodeDiffStatus>>;
  /** Ids of the document's edges that the other version does not have. */
  readonly addedEdgeIds: ReadonlySet<string>;
}

export interface DiffSlice {
  readonly diffBase: DiffBase | null;
  /** Shows the diff from `base` (the older side) to the current document. */
  showDiff(base: Omit<DiffBase, 'loadCount'>): void;
  closeDiff(): void;
}

export function createDiffSlice(set: SetState, get: GetState): DiffSlice {
  return {
    diffBase: null,
    showDiff: (base) => set({ diffBase: { ...base, loadCount: get().loadCount } }),
    closeDiff: () => set({ diffBase: null }),
  };
}

let memo: { base: DiffBase; document: PipelineDocument; result: ActiveDiff } | null = null;
// Per node, for the base shown: an edit recomputes only the nodes it touched.
const nodeMemos = new WeakMap<DiffBase, NodeDiffMemo>();

/**
 * The diff shown now, or null. Memoised on the two documents' identities: every edit makes a new
 * document, everything else (selection, run events) reuses the last answer.
 */
export function selectDiff(s: Pick<AppState, 'diffBase' | 'document' | 'loadCount'>): ActiveDiff | null {
  const base = s.diffBase;
  if (!base || base.loadCount !== s.loadCount) return null;
  if (memo && memo.base === base && memo.document === s.document) return memo.result;
  let nodeMemo = nodeMemos.get(base);
  if (!nodeMemo) nodeMemos.set(base, (nodeMemo = new WeakMap()));
  const diff = diffPipelines(base.document, s.document, nodeMemo);
  const nodeStatus: Record<string, NodeDiffStatus> = {};
  for (const n of diff.addedNodes) nodeStatus[n.id] = 'added';
  for (const n of diff.changedNodes) nodeStatus[n.id] = 'changed';
  for (const n of diff.removedNodes) nodeStatus[n.id] = 'removed';
  const result: ActiveDiff = { base, diff, nodeStatus, addedEdgeIds: new Set(diff.addedEdges.map((e) => e.id)) };
  memo = { base, document: s.document, result };
  return result;
}

export const selectDiffActive = (s: AppState): boolean => selectDiff(s) !== null;

/** A node's mark on the canvas: a string or null, so a node re-renders only when its own mark changes. */
export const selectNodeDiffStatus =
  (id: string) =>
  (s: AppState): NodeDiffStatus | null =>
    selectDiff(s)?.nodeStatus[id] ?? null;

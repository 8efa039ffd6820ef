import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import { emptyDocument, type PipelineDocument } from '../../src-shared/pipeline/document.js';
import * as ops from './document-ops.js';
import { idleRun } from './run-slice.js';
import type { GetState, History, SetState } from './types.js';

/**
 * The pipeline being edited. Only `document` is tracked by the undo history; everything else
 * here is about the file it lives in.
 */
export interface DocumentSlice {
  readonly document: PipelineDocument;
  /** Where it was opened from or last saved to; null until first saved. */
  readonly path: string | null;
  /** sha256 of the file as opened or last saved, sent back on save to detect outside edits. */
  readonly hash: string | null;
  /** Canonical JSON of what is on disk (or of the fresh document); dirty means "differs". */
  readonly savedCanonical: string;
  /** Bumped on every load, so views can reset (fit the view, drop stale measurements). */
  readonly loadCount: number;

  loadDocument(input: { document: PipelineDocument; path: string | null; hash: string | null }): void;
  newDocument(): void;
  markSaved(input: { path: string; hash: string; document: PipelineDocument }): void;
  addNode(type: string, position: ops.XY): string | null;
  moveNodes(moves: Readonly<Record<string, ops.XY>>): void;
  setParam(nodeId: string, name: string, value: unknown): void;
  setLabel(nodeId: string, label: string): void;
  renameDocument(name: string): void;
  connect(conn: ops.ConnectionRequest): ops.ConnectResult;
  deleteElements(ids: { nodes?: readonly string[]; edges?: readonly string[] }): void;
  undo(): void;
  redo(): void;
}

/** Document ids only need to be unique enough to tell pipelines apart in the lineage store. */
function freshDocumentId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return `pipeline-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function createDocumentSlice(set: SetState, get: GetState, history: History, catalogue: Catalogue): DocumentSlice {
  const edit = (next: PipelineDocument): void => {
    if (next !== get().document) set({ document: next });
  };
  const load = (document: PipelineDocument, path: string | null, hash: string | null): void => {
    // A different pipeline: the previous one's selection, sizes and run results mean nothing here.
    set((s) => ({
      document,
      path,
      hash,
      savedCanonical: toCanonicalJson(document),
      loadCount: s.loadCount + 1,
      selectedNodeId: null,
      selectedEdgeId: null,
      measured: {},
      dragging: {},
      run: idleRun,
      outputs: {},
      explain: null,
    }));
    // Opening a file is not an edit: there is nothing to undo back to.
    history.clear();
  };
  const initial = emptyDocument(freshDocumentId());

  return {
    document: initial,
    path: null,
    hash: null,
    savedCanonical: toCanonicalJson(initial),
    loadCount: 0,

    loadDocument: ({ document, path, hash }) => load(document, path, hash),
    newDocument: () => load(emptyDocument(freshDocumentId()), null, null),
    markSaved: ({ path, hash, document }) => set({ path, hash, savedCanonical: toCanonicalJson(document) }),

    addNode: (type, position) => {
      const spec = catalogue.latest(type);
      if (!spec) return null;
      const doc = get().document;
      const id = ops.newNodeId(doc, type);
      edit(ops.addNode(doc, spec, position, id));
      return id;
    },
    moveNodes: (moves) => edit(ops.moveNodes(get().document, moves)),
    setParam: (nodeId, name, value) => edit(ops.setParam(get().document, nodeId, name, value)),
    setLabel: (nodeId, label) => edit(ops.setLabel(get().document, nodeId, label)),
    renameDocument: (name) => edit(ops.renameDocument(get().document, name)),
    connect: (conn) => {
      const result = ops.connect(get().document, catalogue, conn);
      if (result.ok) edit(result.document);
      return result;
    },
    deleteElements: (ids) => edit(ops.deleteElements(get().document, ids)),
    undo: () => history.undo(),
    redo: () => history.redo(),
  };
}

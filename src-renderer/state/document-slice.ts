import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import { emptyDocument, type NoteColor, type PipelineDocument } from '../../src-shared/pipeline/document.js';
import { autoLayout, type LayoutSize } from './auto-layout.js';
import { duplicateSelection, pasteFragment, type PasteResult, type PipelineFragment, type Placement } from './clipboard.js';
import * as ops from './document-ops.js';
import { idleRun } from './run-slice.js';
import { EMPTY_SELECTION } from './selection.js';
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
  deleteElements(ids: { nodes?: readonly string[]; edges?: readonly string[]; notes?: readonly string[] }): void;
  /** Canvas edits (see components/canvas): each is one undo step. */
  moveElements(moves: { nodes?: Readonly<Record<string, ops.XY>>; notes?: Readonly<Record<string, ops.XY>> }): void;
  deleteSelection(): void;
  pasteFragment(fragment: PipelineFragment, placement: Placement): PasteResult;
  duplicateSelection(): PasteResult | null;
  autoLayout(sizeOf: (id: string) => LayoutSize, only?: ReadonlySet<string>): void;
  addNote(position: ops.XY): string;
  setNoteText(id: string, text: string): void;
  setNoteColor(id: string, color: NoteColor): void;
  resizeNote(id: string, position: ops.XY, size: { width: number; height: number }): void;
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
    // A bundle under review is read-only, whichever button, key or menu tried to change it.
    if (get().review !== null) return;
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
      selection: EMPTY_SELECTION,
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
    moveElements: (moves) => edit(ops.moveElements(get().document, moves)),
    deleteSelection: () => {
      edit(ops.deleteElements(get().document, get().selection));
      get().setSelection(EMPTY_SELECTION);
    },
    pasteFragment: (fragment, placement) => {
      const result = pasteFragment(get().document, fragment, placement);
      edit(result.document);
      get().setSelection({ nodes: result.nodes, edges: [], notes: result.notes });
      return result;
    },
    duplicateSelection: () => {
      const result = duplicateSelection(get().document, get().selection);
      if (!result) return null;
      edit(result.document);
      get().setSelection({ nodes: result.nodes, edges: [], notes: result.notes });
      return result;
    },
    autoLayout: (sizeOf, only) => edit(autoLayout(get().document, sizeOf, only)),
    addNote: (position) => {
      const doc = get().document;
      const id = ops.newNoteId(doc);
      edit(ops.addNote(doc, position, { id }));
      get().setSelection({ ...EMPTY_SELECTION, notes: [id] });
      return id;
    },
    setNoteText: (id, text) => edit(ops.setNoteText(get().document, id, text)),
    setNoteColor: (id, color) => edit(ops.setNoteColor(get().document, id, color)),
    resizeNote: (id, position, size) => edit(ops.resizeNote(get().document, id, position, size)),
    undo: () => history.undo(),
    redo: () => history.redo(),
  };
}

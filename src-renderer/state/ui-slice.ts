import type { ApiResponse } from '../../src-shared/api/contract.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import type { ConnectionState } from '../bridge/bridge.js';
import type { XY } from './document-ops.js';
import { EMPTY_SELECTION, primaryOf, type Selection } from './selection.js';
import type { GetState, SetState } from './types.js';

export type SideTab = 'inspector' | 'charts' | 'playground' | 'serving';

export interface ConfirmRequest {
  readonly id: number;
  readonly title: string;
  readonly message: string;
  readonly confirmLabel: string;
}

export type Dialog =
  | { readonly kind: 'open' }
  /** The playground's "Open .onnx file…" where the host has no native dialog. */
  | { readonly kind: 'openModel'; readonly slot: 'a' | 'b' }
  | { readonly kind: 'saveAs' }
  /** "Compare with…": another file or bundle, or the file's git HEAD (diff-commands.ts). */
  | { readonly kind: 'compare' }
  /** Every command and its shortcuts (the ? key). */
  | { readonly kind: 'help' }
  /** Review bundles: open one (no native dialog), export the pipeline, save the review's comments. */
  | { readonly kind: 'openBundle' }
  | { readonly kind: 'exportBundle' }
  | { readonly kind: 'saveComments' }
  /** Scale out (cluster-commands.ts): write an Argo Workflow manifest, import a cluster store's runs. */
  | { readonly kind: 'argoExport' }
  | { readonly kind: 'clusterImport' }
  | ({ readonly kind: 'confirm' } & ConfirmRequest);

export interface Toast {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly message: string;
  readonly details: readonly string[];
}

/** Unsaved work found in the state folder, offered back after a crash. */
export interface Recovery {
  readonly path: string | null;
  readonly document: PipelineDocument;
  readonly savedAt: number;
}

/** Autosave as the user sees it: when work was last kept, and what is offered for restoring. */
export interface AutosaveView {
  readonly savedAt: number | null;
  readonly recovery: Recovery | null;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** View state: never saved, never undone. */
export interface UiSlice {
  /** The one selected node or edge (null when several or none are): see selection.ts. */
  readonly selectedNodeId: string | null;
  readonly selectedEdgeId: string | null;
  /** Everything selected on the canvas. */
  readonly selection: Selection;
  /** Dragged nodes and notes land on a 20 px grid. */
  readonly snapToGrid: boolean;
  readonly sideTab: SideTab;
  readonly dialog: Dialog | null;
  readonly toasts: readonly Toast[];
  readonly connection: ConnectionState;
  readonly appInfo: ApiResponse<'app.info'> | null;
  /** Node sizes measured by the canvas; React Flow needs them handed back with the nodes. */
  readonly measured: Readonly<Record<string, Size>>;
  /** Positions of nodes being dragged, committed to the document once when the drag ends. */
  readonly dragging: Readonly<Record<string, XY>>;
  readonly autosave: AutosaveView;

  select(target: { node: string } | { edge: string } | null): void;
  setSelection(selection: Selection): void;
  toggleSnapToGrid(): void;
  setSideTab(tab: SideTab): void;
  showDialog(dialog: Dialog): void;
  closeDialog(): void;
  pushToast(kind: Toast['kind'], message: string, details?: readonly string[]): number;
  dismissToast(id: number): void;
  setConnection(state: ConnectionState): void;
  setAppInfo(info: ApiResponse<'app.info'>): void;
  setMeasured(sizes: Readonly<Record<string, Size>>): void;
  setDragging(positions: Readonly<Record<string, XY>>): void;
  endDrag(ids: readonly string[]): void;
  setAutosave(patch: Partial<AutosaveView>): void;
}

const MAX_TOASTS = 4;
let toastSeq = 0;

export function createUiSlice(set: SetState, _get: GetState): UiSlice {
  return {
    selectedNodeId: null,
    selectedEdgeId: null,
    selection: EMPTY_SELECTION,
    snapToGrid: false,
    sideTab: 'inspector',
    dialog: null,
    toasts: [],
    connection: 'connecting',
    appInfo: null,
    measured: {},
    dragging: {},
    autosave: { savedAt: null, recovery: null },

    select: (target) =>
      set({
        selectedNodeId: target && 'node' in target ? target.node : null,
        selectedEdgeId: target && 'edge' in target ? target.edge : null,
        selection: !target
          ? EMPTY_SELECTION
          : 'node' in target
            ? { ...EMPTY_SELECTION, nodes: [target.node] }
            : { ...EMPTY_SELECTION, edges: [target.edge] },
      }),
    setSelection: (selection) => set({ selection, ...primaryOf(selection) }),
    toggleSnapToGrid: () => set((s) => ({ snapToGrid: !s.snapToGrid })),
    setSideTab: (sideTab) => set({ sideTab }),
    showDialog: (dialog) => set({ dialog }),
    closeDialog: () => set({ dialog: null }),
    pushToast: (kind, message, details = []) => {
      const id = ++toastSeq;
      set((s) => ({ toasts: [...s.toasts, { id, kind, message, details }].slice(-MAX_TOASTS) }));
      return id;
    },
    dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    setConnection: (connection) => set({ connection }),
    setAppInfo: (appInfo) => set({ appInfo }),
    // React Flow measures a node again each time it scrolls back into view: the same size must
    // not make a new object, or the whole canvas re-renders and hands React Flow every node anew.
    setMeasured: (sizes) =>
      set((s) => (Object.entries(sizes).some(([id, z]) => !sameSize(s.measured[id], z)) ? { measured: { ...s.measured, ...sizes } } : s)),
    setAutosave: (patch) => set((s) => ({ autosave: { ...s.autosave, ...patch } })),
    setDragging: (positions) => set((s) => ({ dragging: { ...s.dragging, ...positions } })),
    endDrag: (ids) =>
      set((s) => {
        const dragging = { ...s.dragging };
        for (const id of ids) delete dragging[id];
        return { dragging };
      }),
  };
}

function sameSize(a: Size | undefined, b: Size): boolean {
  return a !== undefined && a.width === b.width && a.height === b.height;
}

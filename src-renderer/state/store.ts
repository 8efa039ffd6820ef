import { temporal } from 'zundo';
import { createStore } from 'zustand/vanilla';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { catalogue as defaultCatalogue } from '../../nodes/index.js';
import { createChartsSlice } from './charts-slice.js';
import { createDiffSlice } from './diff-slice.js';
import { createDocumentSlice } from './document-slice.js';
import { createPlaygroundSlice } from './playground-slice.js';
import { createReviewSlice } from './review-slice.js';
import { createRunSlice } from './run-slice.js';
import { createServingSlice } from './serving-slice.js';
import type { AppState, History } from './types.js';
import { createUiSlice } from './ui-slice.js';

export type { AppState } from './types.js';

const HISTORY_LIMIT = 200;

/** The one store of the renderer: document, run, ui and playground slices, undo over the document only. */
export function createAppStore(catalogue: Catalogue = defaultCatalogue) {
  const history: History = {
    undo: () => store.temporal.getState().undo(),
    redo: () => store.temporal.getState().redo(),
    clear: () => store.temporal.getState().clear(),
  };
  const store = createStore<AppState>()(
    temporal(
      (set, get) => ({
        ...createDocumentSlice(set, get, history, catalogue),
        ...createRunSlice(set, get),
        ...createUiSlice(set, get),
        ...createPlaygroundSlice(set, get),
        ...createChartsSlice(set, get),
        ...createDiffSlice(set, get),
        ...createReviewSlice(set, get),
        ...createServingSlice(set, get),
      }),
      {
        partialize: (s): { document: AppState['document'] } => ({ document: s.document }),
        // Edits return fresh documents, so identity says whether there is anything to undo;
        // selection, run events and toasts leave it alone and are never recorded.
        equality: (past, current) => past.document === current.document,
        limit: HISTORY_LIMIT,
      },
    ),
  );
  return store;
}

export type AppStore = ReturnType<typeof createAppStore>;

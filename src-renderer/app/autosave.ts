import type { ApiMethod, ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import { selectDirty } from '../state/selectors.js';
import type { AppStore } from '../state/store.js';

/** How long the document must stay unchanged before its unsaved state is kept on the host. */
export const AUTOSAVE_DEBOUNCE_MS = 1000;

type Call = <M extends ApiMethod>(method: M, request: ApiRequest<M>) => Promise<ApiResponse<M>>;

export interface Autosave {
  /** Watches the document; returns the function that stops watching. */
  start(): () => void;
  /** Asks the host for unsaved work of the current file (or untitled work) and offers it. */
  check(): Promise<void>;
  /** Writes a pending autosave now instead of after the delay. */
  flush(): Promise<void>;
  /** Puts the offered work in place of the document, as one undoable edit. */
  restore(): void;
  /** Throws the offered work away. */
  discard(): Promise<void>;
}

/**
 * Keeps unsaved work in the host's state folder (never in the user's file) while the document is
 * dirty, removes it once the work is saved or given up, and offers it back when a file (or the
 * untitled pipeline) is opened and the host still holds work for it: after a crash, or after the
 * tab was closed with changes.
 */
export function createAutosave(call: Call, store: AppStore, onError: (e: unknown) => void, delayMs = AUTOSAVE_DEBOUNCE_MS): Autosave {
  const state = () => store.getState();
  /** Keys (paths; '' for untitled) this session wrote, so only our own copies are ever removed. */
  const written = new Set<string>();
  const keyOf = (path: string | null): string => path ?? '';
  const pathOf = (key: string): string | null => (key === '' ? null : key);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let chain: Promise<void> = Promise.resolve();

  // Calls run one after another, so a slow write can never land after a later discard.
  const queue = (job: () => Promise<void>): Promise<void> => {
    chain = chain.then(job).catch(onError);
    return chain;
  };

  const pendingOffer = (key: string): boolean => {
    const offered = state().autosave.recovery;
    return offered !== null && keyOf(offered.path) === key;
  };

  const sync = (): Promise<void> =>
    queue(async () => {
      const s = state();
      const key = keyOf(s.path);
      // Work of other files (before a save-as or an open) is saved or was given up: drop it.
      for (const other of [...written]) {
        if (other === key) continue;
        written.delete(other);
        await call('document.discardAutosave', { path: pathOf(other) });
      }
      // Writing now would replace the work the user has not yet said what to do with.
      if (pendingOffer(key)) return;
      if (selectDirty(s)) {
        const { savedAt } = await call('document.autosave', { path: s.path, document: s.document });
        written.add(key);
        state().setAutosave({ savedAt });
      } else if (written.delete(key)) {
        await call('document.discardAutosave', { path: s.path });
        state().setAutosave({ savedAt: null });
      }
    });

  const schedule = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void sync();
    }, delayMs);
  };

  const check = async (): Promise<void> => {
    const { path, loadCount } = state();
    // A bundle under review is not the user's work: nothing to offer back over it.
    if (state().review) return;
    try {
      const { autosave } = await call('document.recover', { path });
      // Another document was opened meanwhile: the answer is about a file no longer shown.
      if (!autosave || state().loadCount !== loadCount || state().path !== path) return;
      state().setAutosave({ recovery: { path: autosave.path, document: autosave.document, savedAt: autosave.savedAt } });
    } catch (e) {
      onError(e);
    }
  };

  return {
    start() {
      const off = store.subscribe((s, prev) => {
        if (s.loadCount !== prev.loadCount) {
          state().setAutosave({ savedAt: null, recovery: null });
          schedule();
          void check();
        } else if (s.document !== prev.document || s.path !== prev.path || s.savedCanonical !== prev.savedCanonical) {
          schedule();
        }
      });
      return () => {
        off();
        if (timer !== null) clearTimeout(timer);
        timer = null;
      };
    },
    check,
    async flush() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await sync();
    },
    restore() {
      const offered = state().autosave.recovery;
      if (!offered || state().review || keyOf(offered.path) !== keyOf(state().path)) return;
      state().setAutosave({ recovery: null });
      // Replacing the document is one edit: undo brings back what the file holds.
      store.setState({ document: offered.document });
    },
    async discard() {
      const offered = state().autosave.recovery;
      if (!offered) return;
      state().setAutosave({ recovery: null });
      await queue(async () => {
        await call('document.discardAutosave', { path: offered.path });
      });
      schedule();
    },
  };
}

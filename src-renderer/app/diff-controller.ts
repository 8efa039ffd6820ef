import type { ApiMethod, ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import { BridgeError, type Bridge } from '../bridge/bridge.js';
import { selectDirty } from '../state/selectors.js';
import type { AppStore } from '../state/store.js';

/** What the canvas is compared with: another file (a .plumb or a .plumbz bundle) or its own last commit. */
export type CompareTarget = { readonly path: string } | { readonly git: 'HEAD' };

/** The diff view's use cases over the bridge and the store: "Compare with…" and its answers. */
export interface DiffController {
  /**
   * Loads the other version and shows the diff from it to the canvas (unsaved edits included).
   * Resolves false, with a toast saying why, when the other version cannot be read.
   */
  compare(target: CompareTarget): Promise<boolean>;
  /** The host's native file dialog; null where there is none or the user cancelled. */
  browse(): Promise<string | null>;
}

type Call = <M extends ApiMethod>(method: M, request: ApiRequest<M>) => Promise<ApiResponse<M>>;

export function createDiffController(bridge: Pick<Bridge, 'call'>, store: AppStore): DiffController {
  const call: Call = (method, request) => bridge.call(method, request);
  const state = () => store.getState();
  const reportError = (e: unknown): void => {
    if (e instanceof BridgeError) state().pushToast('error', e.message, e.details);
    else state().pushToast('error', e instanceof Error ? e.message : String(e));
  };

  return {
    async compare(target) {
      const s = state();
      if ('git' in target && !s.path) {
        state().pushToast('error', 'This pipeline has not been saved to a file yet, so it has no last commit to compare with.');
        return false;
      }
      const a = 'git' in target ? { git: 'HEAD' as const, path: s.path ?? '' } : { path: target.path };
      const loadCount = s.loadCount;
      try {
        const result = await call('pipeline.diff', { a, b: { document: s.document } });
        // Another pipeline was opened meanwhile: this answer is about one no longer shown.
        if (state().loadCount !== loadCount) return false;
        state().showDiff({ label: result.a.label, document: result.a.document, currentLabel: currentLabel(state()) });
        return true;
      } catch (e) {
        reportError(e);
        return false;
      }
    },

    async browse() {
      if (!state().appInfo?.nativeDialogs) return null;
      try {
        return (await call('dialog.open', { kind: 'pipeline' })).path;
      } catch (e) {
        reportError(e);
        return null;
      }
    },
  };
}

/** The canvas as the Changes list names it: its file, marked when it has unsaved edits. */
export function currentLabel(s: Parameters<typeof selectDirty>[0]): string {
  if (!s.path) return 'unsaved canvas';
  const name = s.path.split(/[\\/]/).pop() ?? s.path;
  return selectDirty(s) ? `${name} (with unsaved changes)` : name;
}

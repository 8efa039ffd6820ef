import type { ApiMethod, ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { BridgeError, type Bridge } from '../bridge/bridge.js';
import { isRunActive, outputKey } from '../state/run-slice.js';
import { selectCommentsDirty } from '../state/review-slice.js';
import { canonicalOf, selectDirty, selectHasErrors } from '../state/selectors.js';
import type { AppStore } from '../state/store.js';
import { createAutosave, type Autosave } from './autosave.js';
import { createExplainScheduler } from './explain-scheduler.js';
import { createReviewController, isBundlePath, type ReviewController } from './review-controller.js';

/** How long the document must stay unchanged before asking the engine what would run. */
export const EXPLAIN_DEBOUNCE_MS = 250;

/** What a run covers: everything, one node and what it needs, or one node re-run from cache. */
export type RunRequest =
  | { readonly mode: 'all'; readonly force?: boolean }
  | { readonly mode: 'until'; readonly node: string }
  | { readonly mode: 'node'; readonly node: string };

/**
 * The app's use cases (open, save, run, ...) over the bridge and the store. Commands call these;
 * components never call the bridge themselves.
 */
export interface Controller {
  start(): () => void;
  newDocument(): Promise<void>;
  open(): Promise<void>;
  openPath(path: string, opts?: { confirmed?: boolean }): Promise<boolean>;
  save(): Promise<boolean>;
  saveAs(): Promise<boolean>;
  saveTo(path: string, opts?: { overwriteConfirmed?: boolean }): Promise<boolean>;
  recentFiles(): Promise<string[]>;
  run(request: RunRequest): Promise<void>;
  cancelRun(): Promise<void>;
  loadOutput(runId: string, node: string, port: string): Promise<void>;
  /** The inspector's reads that are not kept in the store: table pages, column profiles, a node's recorded run. */
  inspect<M extends InspectMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>>;
  deleteSelection(): void;
  /** Asks the user through the in-app confirm dialog. */
  confirm(title: string, message: string, confirmLabel: string): Promise<boolean>;
  answerConfirm(id: number, ok: boolean): void;
  reportError(error: unknown): void;
  /** Unsaved work kept on the host, and the offer to restore it. */
  readonly autosave: Autosave;
  /** Review bundles: export, open for review, comments, import as editable. */
  readonly review: ReviewController;
}

export function suggestedFileName(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'untitled'}.plumb`;
}

/** Where an in-app "save as" proposes to write: beside the current file, else in the home folder. */
export function suggestedSavePath(currentPath: string | null, home: string | null, name: string): string {
  if (currentPath) return currentPath;
  const file = suggestedFileName(name);
  if (!home) return file;
  const sep = home.includes('\\') && !home.includes('/') ? '\\' : '/';
  return `${home.replace(/[\\/]+$/, '')}${sep}${file}`;
}

export type InspectMethod = 'artifact.preview' | 'artifact.profile' | 'run.node';

export function createController(bridge: Bridge, store: AppStore): Controller {
  const state = () => store.getState();
  const confirms = new Map<number, (ok: boolean) => void>();
  let confirmSeq = 0;

  const call = <M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> =>
    bridge.call(method, request);

  const reportError = (error: unknown): void => {
    if (error instanceof BridgeError) state().pushToast('error', error.message, error.details);
    else state().pushToast('error', error instanceof Error ? error.message : String(error));
  };

  const confirm = (title: string, message: string, confirmLabel: string): Promise<boolean> => {
    const id = ++confirmSeq;
    // A second question replaces an unanswered first one; the first counts as "no".
    for (const [otherId, resolve] of confirms) {
      confirms.delete(otherId);
      resolve(false);
    }
    state().showDialog({ kind: 'confirm', id, title, message, confirmLabel });
    return new Promise((resolve) => confirms.set(id, resolve));
  };

  const mayDiscard = async (): Promise<boolean> => {
    if (selectCommentsDirty(state())) {
      return confirm('Discard review comments?', 'Your comments on this bundle are not saved. They will be lost.', 'Discard comments');
    }
    if (!selectDirty(state())) return true;
    return confirm(
      'Discard unsaved changes?',
      `"${state().document.name}" has changes that are not saved. They will be lost.`,
      'Discard changes',
    );
  };

  const openPath = async (path: string, opts: { confirmed?: boolean } = {}): Promise<boolean> => {
    // File > Open, recent files and the host's start path all take review bundles too.
    if (isBundlePath(path)) return review.openPath(path, opts);
    if (!opts.confirmed && !(await mayDiscard())) return false;
    try {
      const opened = await call('document.open', { path });
      // Opening a pipeline ends a review (whose bridge would otherwise keep answering).
      if (state().review) store.setState({ review: null });
      state().loadDocument({ document: opened.document, path: opened.path, hash: opened.hash });
      if (opened.migratedFrom !== undefined) {
        state().pushToast(
          'info',
          `Upgraded from format version ${opened.migratedFrom}; saving writes the current version.`,
        );
      }
      return true;
    } catch (e) {
      reportError(e);
      return false;
    }
  };

  const saveTo = async (path: string, opts: { overwriteConfirmed?: boolean } = {}): Promise<boolean> => {
    const { document, path: currentPath, hash } = state();
    const sameFile = path === currentPath;
    try {
      // The known hash protects the file we opened; any other existing file is replaced only
      // after the user says so (a native save dialog has already asked).
      const expectedHash = sameFile ? hash : null;
      const overwrite = sameFile || opts.overwriteConfirmed === true;
      const saved = await call('document.save', { path, document, expectedHash, overwrite });
      state().markSaved({ path: saved.path, hash: saved.hash, document });
      return true;
    } catch (e) {
      if (e instanceof BridgeError && e.code === 'exists') {
        const replace = await confirm('Replace the file?', `${path} already exists. Replacing it loses what it holds.`, 'Replace');
        return replace ? saveTo(path, { overwriteConfirmed: true }) : false;
      }
      reportError(e);
      return false;
    }
  };

  const saveAs = async (): Promise<boolean> => {
    const info = state().appInfo;
    if (info?.nativeDialogs) {
      try {
        const chosen = await call('dialog.save', { suggestedName: suggestedFileName(state().document.name) });
        return chosen.path ? saveTo(chosen.path, { overwriteConfirmed: true }) : false;
      } catch (e) {
        reportError(e);
        return false;
      }
    }
    state().showDialog({ kind: 'saveAs' });
    return false;
  };

  // A failing autosave is worth one toast per distinct reason, not one per keystroke.
  let lastAutosaveError = '';
  const autosave = createAutosave(call, store, (e) => {
    const message = e instanceof Error ? e.message : String(e);
    if (message === lastAutosaveError) return;
    lastAutosaveError = message;
    state().pushToast('error', `Could not keep unsaved work: ${message}`);
  });

  const explain = createExplainScheduler({
    target: (): { document: PipelineDocument; path: string | null } | null => {
      const s = state();
      // During a run the cache changes under the answer; the run's end asks again. A bundle
      // under review shows its own run, which the local cache knows nothing about.
      if (s.review || isRunActive(s.run.status) || selectHasErrors(s)) return null;
      return { document: s.document, path: s.path };
    },
    versionOf: ({ document, path }) => `${path ?? ''}\u0000${canonicalOf(document)}`,
    request: ({ document, path }) => call('run.explain', { document, path }),
    apply: (result) => state().setExplain(result.nodes),
    // Stale marking is a hint: a failure must not disturb the user.
    onError: (error) => console.debug('plumb: run.explain failed', error),
    delayMs: EXPLAIN_DEBOUNCE_MS,
  });

  const review = createReviewController(call, store, { confirm, reportError });

  return {
    start() {
      const offEvents = bridge.onEvent((event) => state().applyEvent(event));
      const offConnection = bridge.onConnection((c) => state().setConnection(c));
      const offAutosave = autosave.start();
      const offStore = store.subscribe((s, prev) => {
        if (s.loadCount !== prev.loadCount) {
          explain.invalidate();
          explain.now();
        } else if (isRunActive(s.run.status) !== isRunActive(prev.run.status)) {
          // A run changes what is cached: drop answers in flight, and ask again once it ends.
          explain.invalidate();
          if (!isRunActive(s.run.status)) explain.now();
        } else if (s.document !== prev.document || s.path !== prev.path) {
          explain.schedule();
        }
      });
      void (async () => {
        try {
          const info = await call('app.info', {});
          state().setAppInfo(info);
          if (info.initialPath) await openPath(info.initialPath, { confirmed: true });
          else await autosave.check();
        } catch (e) {
          reportError(e);
        }
      })();
      return () => {
        offEvents();
        offConnection();
        offAutosave();
        offStore();
        explain.dispose();
      };
    },

    async newDocument() {
      if (!(await mayDiscard())) return;
      if (state().review) state().closeReview();
      else state().newDocument();
    },

    async open() {
      if (!(await mayDiscard())) return;
      if (state().appInfo?.nativeDialogs) {
        try {
          const chosen = await call('dialog.open', {});
          if (chosen.path) await openPath(chosen.path, { confirmed: true });
        } catch (e) {
          reportError(e);
        }
        return;
      }
      state().showDialog({ kind: 'open' });
    },

    openPath,
    saveTo,
    saveAs,

    async save() {
      const { path } = state();
      return path ? saveTo(path) : saveAs();
    },

    async recentFiles() {
      try {
        return (await call('document.recent', {})).paths;
      } catch (e) {
        reportError(e);
        return [];
      }
    },

    async run(request) {
      if (isRunActive(state().run.status)) return;
      const { document, path } = state();
      const scope =
        request.mode === 'all'
          ? request.force
            ? { force: true }
            : {}
          : request.mode === 'until'
            ? { until: request.node }
            : { node: request.node };
      state().runRequested();
      try {
        const { runId } = await call('run.start', { document, path, ...scope });
        state().runStarted(runId);
      } catch (e) {
        state().runStartFailed(e instanceof Error ? e.message : String(e));
        reportError(e);
      }
    },

    async cancelRun() {
      const { runId, status } = state().run;
      if (!runId || !isRunActive(status)) return;
      try {
        await call('run.cancel', { runId });
      } catch (e) {
        reportError(e);
      }
    },

    inspect: (method, request) => call(method, request),

    async loadOutput(runId, node, port) {
      const key = outputKey(runId, node, port);
      const current = state().outputs[key];
      if (current && current.state !== 'error') return;
      state().setOutput(key, { state: 'loading' });
      try {
        const data = await call('run.output', { runId, node, port });
        state().setOutput(key, { state: 'loaded', data });
      } catch (e) {
        if (e instanceof BridgeError && e.code === 'evicted') state().setOutput(key, { state: 'evicted' });
        else state().setOutput(key, { state: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    },

    deleteSelection() {
      state().deleteSelection();
    },

    confirm,
    answerConfirm(id, ok) {
      const resolve = confirms.get(id);
      confirms.delete(id);
      const dialog = state().dialog;
      if (dialog?.kind === 'confirm' && dialog.id === id) state().closeDialog();
      resolve?.(ok);
    },
    reportError,
    autosave,
    review,
  };
}

import type { ApiMethod, ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import { BUNDLE_EXTENSION } from '../../src-shared/bundle/bundle-format.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { BridgeError } from '../bridge/bridge.js';
import { formatBytes } from '../components/format.js';
import { selectCommentsDirty } from '../state/review-slice.js';
import { selectDirty } from '../state/selectors.js';
import type { AppStore } from '../state/store.js';

type Call = <M extends ApiMethod>(method: M, request: ApiRequest<M>) => Promise<ApiResponse<M>>;

/** What the review use cases borrow from the app controller: its questions and its error toasts. */
export interface ReviewHost {
  confirm(title: string, message: string, confirmLabel: string): Promise<boolean>;
  reportError(error: unknown): void;
}

export interface ExportOptions {
  readonly out: string;
  readonly withModels: boolean;
  readonly samples: boolean;
  /** Nodes whose sample rows stay out of the bundle. */
  readonly noSamples?: readonly string[];
}

/**
 * Review bundles as use cases: export the open pipeline's last run, open a bundle for review
 * (path, dialog, or a file dropped on the window), comment, save the comments to a new bundle,
 * import the pipeline as editable, close. Errors become toasts; nothing here throws at a component.
 */
export interface ReviewController {
  /** "Open review bundle…": the native dialog where the host has one, else the in-app path prompt. */
  open(): Promise<void>;
  openPath(path: string, opts?: { confirmed?: boolean }): Promise<boolean>;
  /** A file dropped on the window: a bundle opens for review, a pipeline as an untitled document. */
  openDropped(file: { readonly name: string; readonly bytes: () => Promise<ArrayBuffer>; readonly text: () => Promise<string> }): Promise<boolean>;
  close(): Promise<void>;
  importAsEditable(): Promise<void>;
  /** Writes the bundle with the reviewer's comments to `out` (never the bundle it came from). */
  saveComments(out: string, opts?: { overwriteConfirmed?: boolean }): Promise<boolean>;
  exportBundle(opts: ExportOptions, confirmed?: { overwrite?: boolean }): Promise<boolean>;
}

export const isBundlePath = (path: string): boolean => path.toLowerCase().endsWith(BUNDLE_EXTENSION);

/** The folder part of a path (either separator), with its trailing separator; '' when there is none. */
function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut >= 0 ? path.slice(0, cut + 1) : '';
}

function stemOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

function inFolder(folder: string, home: string | null, name: string): string {
  if (folder) return folder + name;
  if (!home) return name;
  const sep = home.includes('\\') && !home.includes('/') ? '\\' : '/';
  return `${home.replace(/[\\/]+$/, '')}${sep}${name}`;
}

/** Beside the pipeline file: `churn.plumb` -> `churn.plumbz`. */
export function defaultExportPath(pipelinePath: string): string {
  return `${folderOf(pipelinePath)}${stemOf(pipelinePath)}${BUNDLE_EXTENSION}`;
}

/** Beside the bundle (or in the home folder for one dropped on the window): `x.plumbz` -> `x-reviewed.plumbz`. */
export function defaultReviewedPath(bundlePath: string, home: string | null): string {
  return inFolder(folderOf(bundlePath), home, `${stemOf(bundlePath)}-reviewed${BUNDLE_EXTENSION}`);
}

/** Bytes as base64, in chunks: a spread of a few million bytes into String.fromCharCode overflows the stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

const samePath = (a: string, b: string): boolean => a.replace(/\\/g, '/') === b.replace(/\\/g, '/');

export function createReviewController(call: Call, store: AppStore, host: ReviewHost): ReviewController {
  const state = () => store.getState();

  /** Opening anything replaces the pipeline or the review on show: ask before losing unsaved work. */
  const mayLeave = async (): Promise<boolean> => {
    const s = state();
    if (s.review) {
      if (!selectCommentsDirty(s)) return true;
      return host.confirm('Discard review comments?', 'Your comments on this bundle are not saved. They will be lost.', 'Discard comments');
    }
    if (!selectDirty(s)) return true;
    return host.confirm('Discard unsaved changes?', `"${s.document.name}" has changes that are not saved. They will be lost.`, 'Discard changes');
  };

  const show = async (request: ApiRequest<'bundle.open'>): Promise<boolean> => {
    try {
      const bundle = await call('bundle.open', request);
      state().openReview(bundle);
      if (bundle.warnings.length > 0) state().pushToast('info', `The bundle has ${bundle.warnings.length} warning(s): see the banner.`);
      return true;
    } catch (e) {
      // Verification failures (tampered entry, unsafe path, newer format...) name the reason.
      if (e instanceof BridgeError) state().pushToast('error', `Cannot open this review bundle: ${e.message}`, e.details);
      else host.reportError(e);
      return false;
    }
  };

  const openPath = async (path: string, opts: { confirmed?: boolean } = {}): Promise<boolean> => {
    if (!opts.confirmed && !(await mayLeave())) return false;
    return show({ path });
  };

  const saveComments = async (out: string, opts: { overwriteConfirmed?: boolean } = {}): Promise<boolean> => {
    const review = state().review;
    if (!review) return false;
    if (samePath(out, review.bundle.path)) {
      state().pushToast('error', `Save the comments to a new file: ${out} is the bundle under review, which is never overwritten.`);
      return false;
    }
    try {
      const saved = await call('bundle.saveComments', {
        sha256: review.bundle.sha256,
        out,
        comments: [...review.comments],
        overwrite: opts.overwriteConfirmed === true,
      });
      state().markCommentsSaved(saved.out);
      state().pushToast('info', `Saved ${review.comments.length} comment(s) to ${saved.out} (${formatBytes(saved.bytes)})`);
      return true;
    } catch (e) {
      if (e instanceof BridgeError && e.code === 'exists' && !opts.overwriteConfirmed) {
        const replace = await host.confirm('Replace the file?', `${out} already exists. Replacing it loses what it holds.`, 'Replace');
        return replace ? saveComments(out, { overwriteConfirmed: true }) : false;
      }
      host.reportError(e);
      return false;
    }
  };

  const exportBundle = async (opts: ExportOptions, confirmed: { overwrite?: boolean } = {}): Promise<boolean> => {
    const { path } = state();
    if (!path) {
      state().pushToast('error', 'Save the pipeline first: a review bundle is made from a saved pipeline file and its last run.');
      return false;
    }
    try {
      const done = await call('bundle.export', {
        path,
        out: opts.out,
        withModels: opts.withModels,
        samples: opts.samples,
        noSamples: [...(opts.noSamples ?? [])],
        overwrite: confirmed.overwrite === true,
      });
      state().pushToast('info', `Exported the review bundle to ${done.out} (${formatBytes(done.bytes)}, ${done.entries} entries)`, done.warnings);
      return true;
    } catch (e) {
      if (e instanceof BridgeError && e.code === 'exists' && !confirmed.overwrite) {
        const replace = await host.confirm('Replace the file?', `${opts.out} already exists. Replacing it loses what it holds.`, 'Replace');
        return replace ? exportBundle(opts, { overwrite: true }) : false;
      }
      host.reportError(e);
      return false;
    }
  };

  return {
    async open() {
      if (!(await mayLeave())) return;
      if (state().appInfo?.nativeDialogs) {
        try {
          const chosen = await call('dialog.open', { kind: 'bundle' });
          if (chosen.path) await openPath(chosen.path, { confirmed: true });
        } catch (e) {
          host.reportError(e);
        }
        return;
      }
      state().showDialog({ kind: 'openBundle' });
    },

    openPath,

    async openDropped(file) {
      if (isBundlePath(file.name)) {
        if (!(await mayLeave())) return false;
        return show({ name: file.name, base64: toBase64(new Uint8Array(await file.bytes())) });
      }
      if (file.name.toLowerCase().endsWith('.plumb')) {
        // The page only gets the file's text, not where it lives: it opens as untitled work,
        // saved wherever the user chooses (File > Open keeps the file's own path).
        const parsed = parsePipelineText(await file.text());
        if (!parsed.ok) {
          state().pushToast('error', `${file.name} is ${parsed.reason}`, parsed.details);
          return false;
        }
        if (!(await mayLeave())) return false;
        if (state().review) state().closeReview();
        state().loadDocument({ document: parsed.document, path: null, hash: null });
        store.setState({ savedCanonical: '' });
        state().pushToast('info', `Opened ${file.name} as an untitled copy: relative paths in it resolve once it is saved beside its data (or use File > Open).`);
        return true;
      }
      state().pushToast('error', `${file.name}: drop a review bundle (${BUNDLE_EXTENSION}) or a pipeline (.plumb).`);
      return false;
    },

    async close() {
      if (!state().review || !(await mayLeave())) return;
      state().closeReview();
    },

    async importAsEditable() {
      if (!state().review) return;
      if (selectCommentsDirty(state())) {
        const ok = await host.confirm(
          'Leave the review?',
          'Your comments are not saved; importing leaves the review mode and they will be lost. Save them first with "Save with comments…".',
          'Import without comments',
        );
        if (!ok) return;
      }
      state().importReviewAsEditable();
      state().pushToast('info', 'Imported as an untitled pipeline: nothing has run. Save it, then run it on your data.');
    },

    saveComments,
    exportBundle,
  };
}

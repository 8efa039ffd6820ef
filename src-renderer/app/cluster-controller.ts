import type { ApiMethod, ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import { BridgeError, type Bridge } from '../bridge/bridge.js';
import type { AppStore } from '../state/store.js';

/** What "Export for Argo Workflows…" asks for; out defaults to `<pipeline>.argo.yaml` beside it. */
export interface ArgoExportOptions {
  readonly image: string;
  readonly store: string;
  readonly namespace?: string;
  readonly pvc?: string;
  readonly out?: string;
}

/** Scale out (issue 11): the manifest for Argo Workflows, and bringing a cluster's runs back. */
export interface ClusterController {
  /** Resolves true when the manifest was written (the dialog may close). */
  exportArgo(opts: ArgoExportOptions, confirmed?: { readonly overwrite?: boolean }): Promise<boolean>;
  /** Imports the runs of a cluster store folder into the lineage store; true when the call worked. */
  importRuns(store: string): Promise<boolean>;
}

type Call = <M extends ApiMethod>(method: M, request: ApiRequest<M>) => Promise<ApiResponse<M>>;

export interface ClusterControllerOptions {
  /** Asks before a manifest file is replaced (the app's confirm dialog). */
  readonly confirm?: (title: string, message: string, label: string) => Promise<boolean>;
  /** Runs were imported: views listing runs fetch again (no run event announces them). */
  readonly onImported?: () => void;
}

export function createClusterController(bridge: Pick<Bridge, 'call'>, store: AppStore, opts: ClusterControllerOptions = {}): ClusterController {
  const { confirm, onImported } = opts;
  const call: Call = (method, request) => bridge.call(method, request);
  const state = () => store.getState();
  const reportError = (e: unknown): void => {
    if (e instanceof BridgeError) state().pushToast('error', e.message, e.details);
    else state().pushToast('error', e instanceof Error ? e.message : String(e));
  };

  const exportArgo = async (opts: ArgoExportOptions, confirmed: { readonly overwrite?: boolean } = {}): Promise<boolean> => {
    const { path } = state();
    if (!path) {
      state().pushToast('error', 'Save the pipeline first: the manifest carries the saved pipeline file.');
      return false;
    }
    try {
      const done = await call('cluster.compile', {
        path,
        image: opts.image,
        store: opts.store,
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
        ...(opts.pvc ? { pvc: opts.pvc } : {}),
        ...(opts.out ? { out: opts.out } : {}),
        overwrite: confirmed.overwrite === true,
      });
      state().pushToast('info', `Wrote the Argo Workflow to ${done.out} (${done.tasks} steps); submit it with: argo submit ${done.out}`, done.warnings);
      return true;
    } catch (e) {
      if (e instanceof BridgeError && e.code === 'exists' && !confirmed.overwrite && confirm) {
        const replace = await confirm('Replace the file?', `${opts.out ?? 'The manifest'} already exists. Replacing it loses what it holds.`, 'Replace');
        return replace ? exportArgo(opts, { overwrite: true }) : false;
      }
      reportError(e);
      return false;
    }
  };

  return {
    exportArgo,
    async importRuns(folder) {
      try {
        const result = await call('cluster.sync', { store: folder });
        const skipped = result.skipped.filter((s) => s.reason !== 'already imported');
        const message =
          result.imported.length > 0
            ? `Imported ${result.imported.length} cluster run(s): ${result.imported.map((r) => `${r.runId} (${r.status})`).join(', ')}`
            : `No new runs in ${folder}`;
        state().pushToast('info', message, skipped.map((s) => `${s.runId}: ${s.reason}`));
        if (result.imported.length > 0) onImported?.();
        return true;
      } catch (e) {
        reportError(e);
        return false;
      }
    },
  };
}

import type { ArgoExportOptions, ClusterController } from '../app/cluster-controller.js';
import type { CommandContext } from './app-commands.js';
import type { Command } from './registry.js';

/** `{image, store, ...}` as the Argo export dialog hands it over; anything else opens the dialog. */
function exportOptionsOf(arg: unknown): ArgoExportOptions | null {
  if (arg === null || typeof arg !== 'object') return null;
  const a = arg as Record<string, unknown>;
  const text = (k: string): string | undefined => (typeof a[k] === 'string' && (a[k] as string).trim() !== '' ? (a[k] as string).trim() : undefined);
  const image = text('image');
  const store = text('store');
  if (!image || !store) return null;
  const namespace = text('namespace');
  const pvc = text('pvc');
  const out = text('out');
  return { image, store, ...(namespace ? { namespace } : {}), ...(pvc ? { pvc } : {}), ...(out ? { out } : {}) };
}

const folderOf = (arg: unknown): string | null =>
  arg !== null && typeof arg === 'object' && typeof (arg as { store?: unknown }).store === 'string' && (arg as { store: string }).store.trim() !== ''
    ? (arg as { store: string }).store.trim()
    : null;

/**
 * Scale out on Argo Workflows (issue 11). Without an argument each command opens its dialog; the
 * dialog dispatches again with the answers and closes when the command succeeded.
 */
export function clusterCommands(cluster: ClusterController): Command<CommandContext>[] {
  const closeIf = (c: CommandContext, kind: 'argoExport' | 'clusterImport'): void => {
    const { dialog, closeDialog } = c.store.getState();
    if (dialog?.kind === kind) closeDialog();
  };
  return [
    {
      id: 'cluster.exportArgo',
      label: 'Export for Argo Workflows…',
      enabled: (c) => c.store.getState().review === null,
      perform: async (c, arg) => {
        const opts = exportOptionsOf(arg);
        if (!opts) {
          if (!c.store.getState().path) {
            c.store.getState().pushToast('error', 'Save the pipeline first: the manifest carries the saved pipeline file.');
            return;
          }
          c.store.getState().showDialog({ kind: 'argoExport' });
          return;
        }
        if (await cluster.exportArgo(opts)) closeIf(c, 'argoExport');
      },
    },
    {
      id: 'cluster.importRun',
      label: 'Import cluster run…',
      enabled: (c) => c.store.getState().review === null,
      perform: async (c, arg) => {
        const folder = folderOf(arg);
        if (!folder) {
          c.store.getState().showDialog({ kind: 'clusterImport' });
          return;
        }
        if (await cluster.importRuns(folder)) closeIf(c, 'clusterImport');
      },
    },
  ];
}

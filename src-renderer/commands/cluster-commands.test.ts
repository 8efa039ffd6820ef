import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { createClusterController } from '../app/cluster-controller.js';
import type { Controller } from '../app/controller.js';
import type { PlaygroundController } from '../app/playground-controller.js';
import { BridgeError, type Bridge } from '../bridge/bridge.js';
import { createAppStore } from '../state/store.js';
import { createAppCommands } from './app-commands.js';
import { clusterCommands } from './cluster-commands.js';
import { commandGroups } from './help.js';

const churn = (): PipelineDocument => JSON.parse(readFileSync(new URL('../../examples/telco-churn-model.plumb', import.meta.url), 'utf8')) as PipelineDocument;

/** A bridge answering the two cluster calls as the host would; `existing` files refuse without overwrite. */
function setup(path: string | null = '/work/churn.plumb', existing: readonly string[] = []) {
  const store = createAppStore();
  store.getState().loadDocument({ document: churn(), path, hash: path ? 'h' : null });
  const calls: { method: string; request: unknown }[] = [];
  const call = vi.fn(async (method: string, request: unknown): Promise<unknown> => {
    calls.push({ method, request });
    if (method === 'cluster.compile') {
      const req = request as ApiRequest<'cluster.compile'>;
      const out = req.out ?? req.path.replace(/\.plumb$/, '.argo.yaml');
      if (existing.includes(out) && req.overwrite !== true) throw new BridgeError('exists', `${out} exists`);
      const done: ApiResponse<'cluster.compile'> = { out, bytes: 1234, tasks: 7, warnings: [] };
      return done;
    }
    if (method === 'cluster.sync') {
      const req = request as ApiRequest<'cluster.sync'>;
      if (req.store !== '/mnt/store') throw new BridgeError('not-found', `${req.store}: no such folder`);
      const done: ApiResponse<'cluster.sync'> = { imported: [{ runId: 'plumb-churn-x1', status: 'succeeded', nodes: 7 }], skipped: [{ runId: 'plumb-churn-x0', reason: 'in progress: 3 of 7 steps recorded' }] };
      return done;
    }
    throw new Error(`unexpected ${method}`);
  });
  const confirm = vi.fn(async () => true);
  const onImported = vi.fn();
  const commands = createAppCommands({ store, controller: {} as Controller, playground: {} as PlaygroundController }, false);
  for (const c of clusterCommands(createClusterController({ call } as unknown as Pick<Bridge, 'call'>, store, { confirm, onImported }))) commands.register(c);
  return { store, commands, calls, confirm, onImported };
}

describe('cluster commands', () => {
  it('open their dialogs when dispatched without answers, and are listed in the help overlay', async () => {
    const { store, commands } = setup();
    await commands.dispatch('cluster.exportArgo');
    expect(store.getState().dialog).toEqual({ kind: 'argoExport' });
    await commands.dispatch('cluster.importRun');
    expect(store.getState().dialog).toEqual({ kind: 'clusterImport' });
    const cluster = commandGroups(commands).find((g) => g.title === 'Cluster');
    expect(cluster?.entries.map((e) => e.label)).toEqual(['Export for Argo Workflows…', 'Import cluster run…']);
  });

  it('export writes the manifest for the saved pipeline, closes the dialog and says where', async () => {
    const { store, commands, calls } = setup();
    store.getState().showDialog({ kind: 'argoExport' });
    await commands.dispatch('cluster.exportArgo', { image: ' ghcr.io/acme/plumb:1 ', store: '/store', pvc: 'plumb-store', namespace: '', out: '' });
    expect(calls).toEqual([{ method: 'cluster.compile', request: { path: '/work/churn.plumb', image: 'ghcr.io/acme/plumb:1', store: '/store', pvc: 'plumb-store', overwrite: false } }]);
    expect(store.getState().dialog).toBeNull();
    expect(store.getState().toasts.at(-1)?.message).toBe('Wrote the Argo Workflow to /work/churn.argo.yaml (7 steps); submit it with: argo submit /work/churn.argo.yaml');
  });

  it('asks before replacing an existing manifest', async () => {
    const { commands, calls, confirm } = setup('/work/churn.plumb', ['/work/churn.argo.yaml']);
    await commands.dispatch('cluster.exportArgo', { image: 'img', store: '/store' });
    expect(confirm).toHaveBeenCalledOnce();
    expect(calls.map((c) => (c.request as { overwrite?: boolean }).overwrite)).toEqual([false, true]);
  });

  it('an unsaved pipeline cannot be exported: a toast says to save it first', async () => {
    const { store, commands, calls } = setup(null);
    await commands.dispatch('cluster.exportArgo');
    expect(store.getState().dialog).toBeNull();
    expect(calls).toEqual([]);
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'error', message: expect.stringContaining('Save the pipeline first') });
  });

  it('import syncs the store, names what it imported and why others wait; a bad folder keeps the dialog open', async () => {
    const { store, commands, onImported } = setup();
    store.getState().showDialog({ kind: 'clusterImport' });
    await commands.dispatch('cluster.importRun', { store: '/nowhere' });
    expect(store.getState().dialog).toEqual({ kind: 'clusterImport' });
    expect(store.getState().toasts.at(-1)).toMatchObject({ kind: 'error', message: '/nowhere: no such folder' });
    await commands.dispatch('cluster.importRun', { store: '/mnt/store' });
    expect(store.getState().dialog).toBeNull();
    expect(store.getState().toasts.at(-1)).toMatchObject({
      kind: 'info',
      message: 'Imported 1 cluster run(s): plumb-churn-x1 (succeeded)',
      details: ['plumb-churn-x0: in progress: 3 of 7 steps recorded'],
    });
    // The experiments table fetches again: no run event announces imported runs.
    expect(onImported).toHaveBeenCalledOnce();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { ApiRequest, ApiResponse } from '../../src-shared/api/contract.js';
import { diffPipelines } from '../../src-shared/pipeline/diff.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import type { Controller } from '../app/controller.js';
import { createDiffController } from '../app/diff-controller.js';
import type { PlaygroundController } from '../app/playground-controller.js';
import { BridgeError, type Bridge } from '../bridge/bridge.js';
import { selectDiff } from '../state/diff-slice.js';
import { createAppStore } from '../state/store.js';
import { createAppCommands } from './app-commands.js';
import { diffCommands } from './diff-commands.js';

const churnText = readFileSync(new URL('../../examples/telco-churn-model.plumb', import.meta.url), 'utf8');
const churn = (): PipelineDocument => JSON.parse(churnText) as PipelineDocument;

/** A bridge that answers pipeline.diff from a table of files, as the host would after reading them. */
function setup(path: string | null = '/work/churn.plumb') {
  const store = createAppStore();
  store.getState().loadDocument({ document: churn(), path, hash: path ? 'h' : null });
  const files: Record<string, PipelineDocument> = { '/work/churn-v1.plumb': churn(), '/work/churn.plumb': churn() };
  const requests: ApiRequest<'pipeline.diff'>[] = [];
  const call = vi.fn(async (method: string, request: unknown): Promise<unknown> => {
    if (method !== 'pipeline.diff') throw new Error(`unexpected ${method}`);
    const req = request as ApiRequest<'pipeline.diff'>;
    requests.push(req);
    if (!('document' in req.b)) throw new Error('b must be the canvas');
    const a = req.a;
    const key = 'document' in a ? null : a.path;
    const doc = key ? files[key] : null;
    if (!doc) throw new BridgeError('not-found', `${key}: no such file`);
    const label = 'git' in a ? `HEAD:${key?.split('/').pop()}` : (key?.split('/').pop() ?? '');
    const result: ApiResponse<'pipeline.diff'> = { a: { label, document: doc }, b: { label: 'unsaved canvas', document: req.b.document }, diff: diffPipelines(doc, req.b.document) };
    return result;
  });
  const commands = createAppCommands({ store, controller: {} as Controller, playground: {} as PlaygroundController }, false);
  for (const c of diffCommands(createDiffController({ call } as unknown as Pick<Bridge, 'call'>, store))) commands.register(c);
  return { store, commands, requests };
}

describe('diff commands', () => {
  it('asks for the other version when dispatched without one', async () => {
    const { store, commands } = setup();
    expect(commands.shortcutLabel('diff.compare')).toBe('Ctrl+Shift+D');
    await commands.dispatch('diff.compare');
    expect(store.getState().dialog).toEqual({ kind: 'compare' });
  });

  it('compares a path with the canvas (unsaved edits included), closes the dialog, and shows the changes', async () => {
    const { store, commands, requests } = setup();
    store.getState().setParam('model', 'max_iter', 200);
    store.getState().showDialog({ kind: 'compare' });
    await commands.dispatch('diff.compare', { path: ' /work/churn-v1.plumb ' });
    expect(requests[0]?.a).toEqual({ path: '/work/churn-v1.plumb' });
    expect(store.getState().dialog).toBeNull();
    const active = selectDiff(store.getState());
    expect(active?.base.label).toBe('churn-v1.plumb');
    expect(active?.base.currentLabel).toBe('churn.plumb (with unsaved changes)');
    expect(active?.diff.changedNodes[0]?.changes).toEqual([{ path: 'params.max_iter', old: 1000, new: 200 }]);
    expect(commands.isEnabled('diff.close')).toBe(true);
    await commands.dispatch('diff.close');
    expect(selectDiff(store.getState())).toBeNull();
    expect(commands.isEnabled('diff.close')).toBe(false);
  });

  it('compares with the git HEAD of the file the canvas was opened from', async () => {
    const { store, commands, requests } = setup();
    await commands.dispatch('diff.compare', { git: 'HEAD' });
    expect(requests[0]?.a).toEqual({ git: 'HEAD', path: '/work/churn.plumb' });
    expect(selectDiff(store.getState())?.base.label).toBe('HEAD:churn.plumb');
    expect(selectDiff(store.getState())?.diff.same).toBe(true);
  });

  it('says why there is no git HEAD for a pipeline never saved, without calling the host', async () => {
    const { store, commands, requests } = setup(null);
    await commands.dispatch('diff.compare', { git: 'HEAD' });
    expect(requests).toHaveLength(0);
    expect(store.getState().toasts.map((t) => t.message)).toEqual([
      'This pipeline has not been saved to a file yet, so it has no last commit to compare with.',
    ]);
  });

  it('keeps the dialog open and shows the reason when the other version cannot be read', async () => {
    const { store, commands } = setup();
    store.getState().showDialog({ kind: 'compare' });
    await commands.dispatch('diff.compare', { path: '/work/nope.plumb' });
    expect(store.getState().dialog).toEqual({ kind: 'compare' });
    expect(store.getState().toasts.map((t) => t.message)).toEqual(['/work/nope.plumb: no such file']);
    expect(selectDiff(store.getState())).toBeNull();
  });
});

import { describe, expect, it, vi } from 'vitest';
import type { Controller } from '../app/controller.js';
import type { PlaygroundController } from '../app/playground-controller.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { createAppStore } from '../state/store.js';
import { createAppCommands } from './app-commands.js';

const doc: PipelineDocument = {
  format: 'plumb.pipeline',
  version: 2,
  id: 'test',
  name: 'Test',
  description: '',
  nodes: [{ id: 'read', type: 'ingest.csv', typeVersion: 1, position: { x: 0, y: 0 }, params: { path: 'a.csv' } }],
  edges: [],
};

function setup() {
  const store = createAppStore();
  store.getState().loadDocument({ document: doc, path: '/p/t.plumb', hash: 'h' });
  const run = vi.fn<Controller['run']>(async () => {});
  const predict = vi.fn<PlaygroundController['predict']>(async () => {});
  const playground = { predict } as unknown as PlaygroundController;
  const commands = createAppCommands({ store, controller: { run } as unknown as Controller, playground }, false);
  return { store, commands, run, predict };
}

describe('run commands', () => {
  it('disables run.until and run.node without a selected node', () => {
    const { commands, store } = setup();
    expect(commands.isEnabled('run.until')).toBe(false);
    expect(commands.isEnabled('run.node')).toBe(false);
    store.getState().select({ edge: 'e1' });
    expect(commands.isEnabled('run.until')).toBe(false);
    store.getState().select({ node: 'read' });
    expect(commands.isEnabled('run.until')).toBe(true);
    expect(commands.isEnabled('run.node')).toBe(true);
  });

  it('disables every run command but cancel while a run is under way', () => {
    const { commands, store } = setup();
    store.getState().select({ node: 'read' });
    store.getState().runRequested();
    for (const id of ['run.all', 'run.force', 'run.until', 'run.node']) expect(commands.isEnabled(id)).toBe(false);
    expect(commands.isEnabled('run.cancel')).toBe(true);
    store.getState().runStarted('r1');
    store.getState().applyEvent({ event: 'run', run: 'r1', status: 'succeeded' });
    for (const id of ['run.all', 'run.force', 'run.until', 'run.node']) expect(commands.isEnabled(id)).toBe(true);
  });

  it('acts on the selected node, and binds Shift+Mod+Enter to run.until', async () => {
    const { commands, store, run } = setup();
    store.getState().select({ node: 'read' });
    await commands.dispatch('run.until');
    await commands.dispatch('run.node');
    await commands.dispatch('run.force');
    await commands.dispatch('run.all');
    expect(run.mock.calls.map(([r]) => r)).toEqual([
      { mode: 'until', node: 'read' },
      { mode: 'node', node: 'read' },
      { mode: 'all', force: true },
      { mode: 'all' },
    ]);
    const key = { key: 'Enter', ctrlKey: true, metaKey: false, altKey: false };
    expect(commands.commandForKey({ ...key, shiftKey: true })?.id).toBe('run.until');
    expect(commands.commandForKey({ ...key, shiftKey: false })?.id).toBe('run.all');
  });

  it('ignores a selection that no longer names a node in the document', () => {
    const { commands, store } = setup();
    store.getState().select({ node: 'gone' });
    expect(commands.isEnabled('run.node')).toBe(false);
  });
});

describe('playground commands', () => {
  it('shows the playground with Ctrl+Shift+P, and predicts only once a model is loaded', async () => {
    const { commands, store, predict } = setup();
    const key = { key: 'P', ctrlKey: true, metaKey: false, altKey: false, shiftKey: true };
    expect(commands.commandForKey(key)?.id).toBe('view.playground');
    await commands.dispatch('view.playground');
    expect(store.getState().sideTab).toBe('playground');

    expect(commands.isEnabled('playground.predict')).toBe(false);
    const seq = store.getState().playgroundModelChosen('a', { path: '/m/add.onnx' }, 'add.onnx');
    expect(commands.isEnabled('playground.predict')).toBe(false);
    store.getState().playgroundSignature('a', seq, {
      state: 'loaded',
      data: {
        path: '/m/add.onnx',
        bytes: 1,
        irVersion: 8,
        producer: { name: 't', version: '' },
        domain: '',
        modelVersion: 0,
        docString: '',
        opsets: [],
        inputs: [],
        outputs: [],
        metadata: {},
        plumb: null,
        warnings: [],
      },
    });
    expect(commands.isEnabled('playground.predict')).toBe(true);
    await commands.dispatch('playground.predict');
    expect(predict).toHaveBeenCalledTimes(1);
    // While a prediction is in flight, another is not started.
    store.getState().playgroundPrediction('a', seq, { state: 'loading' });
    expect(commands.isEnabled('playground.predict')).toBe(false);
  });
});

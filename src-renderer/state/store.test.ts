import { describe, expect, it } from 'vitest';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { twoNodeDocument } from './fixtures.test-helpers.js';
import { selectDirty, selectNodeProblems } from './selectors.js';
import { createAppStore } from './store.js';

const doc: PipelineDocument = twoNodeDocument;

function loaded() {
  const store = createAppStore();
  store.getState().loadDocument({ document: doc, path: '/p/test.plumb', hash: 'h1' });
  return store;
}

const pastCount = (store: ReturnType<typeof createAppStore>) => store.temporal.getState().pastStates.length;

describe('document slice', () => {
  it('is clean after loading and has nothing to undo', () => {
    const store = loaded();
    expect(selectDirty(store.getState())).toBe(false);
    expect(pastCount(store)).toBe(0);
    expect(store.getState().path).toBe('/p/test.plumb');
  });

  it('tracks dirtiness by content, not by edit count', () => {
    const store = loaded();
    store.getState().setParam('read', 'delimiter', ';');
    expect(selectDirty(store.getState())).toBe(true);
    store.getState().setParam('read', 'delimiter', undefined);
    // Back to what is on disk: not dirty, even though two edits happened.
    expect(selectDirty(store.getState())).toBe(false);
  });

  it('undoes and redoes a param edit', () => {
    const store = loaded();
    store.getState().setParam('read', 'header', false);
    expect(store.getState().document.nodes[0].params.header).toBe(false);
    store.getState().undo();
    expect(store.getState().document.nodes[0].params.header).toBeUndefined();
    expect(selectDirty(store.getState())).toBe(false);
    store.getState().redo();
    expect(store.getState().document.nodes[0].params.header).toBe(false);
    expect(selectDirty(store.getState())).toBe(true);
  });

  it('records one undo step per drag, however many intermediate positions', () => {
    const store = loaded();
    for (let x = 1; x <= 20; x++) store.getState().setDragging({ read: { x, y: x } });
    expect(pastCount(store)).toBe(0);
    expect(store.getState().document.nodes[0].position).toEqual({ x: 0, y: 0 });
    store.getState().moveNodes({ read: { x: 20, y: 20 } });
    store.getState().endDrag(['read']);
    expect(pastCount(store)).toBe(1);
    expect(store.getState().document.nodes[0].position).toEqual({ x: 20, y: 20 });
    store.getState().undo();
    expect(store.getState().document.nodes[0].position).toEqual({ x: 0, y: 0 });
  });

  it('does not record edits that change nothing', () => {
    const store = loaded();
    store.getState().moveNodes({ read: { x: 0, y: 0 } });
    store.getState().setParam('read', 'path', 'a.csv');
    store.getState().renameDocument('  Test ');
    expect(pastCount(store)).toBe(0);
  });

  it('never records selection, toasts or run events in the undo history', () => {
    const store = loaded();
    store.getState().select({ node: 'read' });
    store.getState().pushToast('error', 'x');
    store.getState().runRequested();
    store.getState().runStarted('r1');
    store.getState().applyEvent({ event: 'node', run: 'r1', node: 'read', status: 'succeeded', cached: false });
    expect(pastCount(store)).toBe(0);
  });

  it('is clean again once saved, and remembers the new path and hash', () => {
    const store = loaded();
    store.getState().renameDocument('Renamed');
    const saved = store.getState().document;
    store.getState().markSaved({ path: '/p/renamed.plumb', hash: 'h2', document: saved });
    expect(selectDirty(store.getState())).toBe(false);
    expect(store.getState()).toMatchObject({ path: '/p/renamed.plumb', hash: 'h2' });
  });

  it('adds nodes with unique ids and default params, and deletes them with their edges', () => {
    const store = loaded();
    const a = store.getState().addNode('validate.profile', { x: 10, y: 10 });
    const b = store.getState().addNode('validate.profile', { x: 20, y: 20 });
    expect([a, b]).toEqual(['validateprofile_1', 'validateprofile_2']);
    expect(store.getState().document.nodes.find((n) => n.id === a)?.params).toMatchObject({ columns: [] });
    store.getState().deleteElements({ nodes: ['read'] });
    expect(store.getState().document.edges).toEqual([]);
    expect(store.getState().document.nodes.map((n) => n.id)).toEqual(['profile', a, b]);
  });

  it('recomputes problems when the document changes, including after undo', () => {
    const store = loaded();
    expect(selectNodeProblems('profile')(store.getState())).toEqual([]);
    store.getState().deleteElements({ edges: ['e1'] });
    expect(selectNodeProblems('profile')(store.getState()).map((p) => p.code)).toEqual(['missing-input']);
    store.getState().undo();
    expect(selectNodeProblems('profile')(store.getState())).toEqual([]);
  });

  it('forgets the previous pipeline’s history, selection and run when another is loaded', () => {
    const store = loaded();
    store.getState().setParam('read', 'header', false);
    store.getState().select({ node: 'read' });
    store.getState().runRequested();
    store.getState().newDocument();
    const s = store.getState();
    expect(pastCount(store)).toBe(0);
    expect(s.document.nodes).toEqual([]);
    expect(s.selectedNodeId).toBeNull();
    expect(s.run.status).toBe('idle');
    expect(s.path).toBeNull();
    expect(selectDirty(s)).toBe(false);
  });
});

describe('run slice', () => {
  it('applies events that arrive before run.start answers, once the run id is known', () => {
    const store = loaded();
    store.getState().runRequested();
    store.getState().applyEvent({ event: 'run', run: 'r1', status: 'running' });
    store.getState().applyEvent({ event: 'node', run: 'r1', node: 'read', status: 'queued', cached: false });
    expect(store.getState().run.nodes).toEqual({});
    store.getState().runStarted('r1');
    expect(store.getState().run.nodes.read?.status).toBe('queued');
    expect(store.getState().run.status).toBe('running');
  });

  it('updates node statuses from the event stream and ignores other runs', () => {
    const store = loaded();
    store.getState().runRequested();
    store.getState().runStarted('r1');
    const outputs = [{ port: 'out', kind: 'table' as const, hash: 'x', bytes: 10, rows: 3 }];
    store.getState().applyEvent({ event: 'node', run: 'r1', node: 'read', status: 'running', cached: false });
    store.getState().applyEvent({ event: 'progress', run: 'r1', node: 'read', progress: 0.5 });
    expect(store.getState().run.nodes.read).toMatchObject({ status: 'running', progress: 0.5 });
    store.getState().applyEvent({ event: 'node', run: 'r1', node: 'read', status: 'succeeded', cached: false, ms: 12, outputs });
    store.getState().applyEvent({ event: 'node', run: 'other', node: 'read', status: 'failed', cached: false });
    store.getState().applyEvent({ event: 'node', run: 'r1', node: 'profile', status: 'failed', cached: false, error: 'boom' });
    store.getState().applyEvent({ event: 'run', run: 'r1', status: 'failed', ms: 30, error: '1 node failed' });
    const run = store.getState().run;
    expect(run.nodes.read).toMatchObject({ status: 'succeeded', ms: 12, outputs });
    expect(run.nodes.profile).toMatchObject({ status: 'failed', error: 'boom' });
    expect(run).toMatchObject({ status: 'failed', ms: 30, error: '1 node failed' });
    // Progress ticks are not logged; the other run's event is not either.
    expect(run.log.map((e) => e.event.event)).toEqual(['node', 'node', 'node', 'run']);
  });

  it('reports a run that could not start', () => {
    const store = loaded();
    store.getState().runRequested();
    store.getState().runStartFailed('no');
    expect(store.getState().run).toMatchObject({ status: 'failed', error: 'no', runId: null });
  });

  it('starts a new run from the last known statuses and drops the explain answer', () => {
    const store = loaded();
    const outputs = [{ port: 'out', kind: 'table' as const, hash: 'x', bytes: 10, rows: 3 }];
    store.getState().runRequested();
    store.getState().runStarted('r1');
    store.getState().applyEvent({ event: 'node', run: 'r1', node: 'read', status: 'succeeded', cached: false, outputs });
    store.getState().applyEvent({ event: 'node', run: 'r1', node: 'profile', status: 'succeeded', cached: false, outputs });
    store.getState().applyEvent({ event: 'run', run: 'r1', status: 'succeeded' });
    store.getState().setExplain([{ node: 'read', cacheKey: 'k', cached: true, reasons: [] }]);
    expect(store.getState().explain?.nodes.read?.cached).toBe(true);

    store.getState().runRequested();
    expect(store.getState().explain).toBeNull();
    store.getState().runStarted('r2');
    store.getState().applyEvent({ event: 'node', run: 'r2', node: 'read', status: 'running', cached: false });
    const nodes = store.getState().run.nodes;
    // profile was left out of r2: it keeps r1's result; read's r1 outputs are not r2's.
    expect(nodes.profile).toMatchObject({ runId: 'r1', status: 'succeeded', outputs });
    expect(nodes.read).toEqual({ runId: 'r2', status: 'running', cached: false });
  });
});

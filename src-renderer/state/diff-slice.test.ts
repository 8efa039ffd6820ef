import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { ghostFlowId, ghostNodes, diffEdges } from '../components/canvas/diff-flow.js';
import { toFlowEdges } from '../components/canvas/flow.js';
import { selectDiff, selectNodeDiffStatus } from './diff-slice.js';
import { createAppStore } from './store.js';

/** The shipped churn pipeline as the "other version"; the canvas is edited from it. */
const churnText = readFileSync(new URL('../../examples/telco-churn-model.plumb', import.meta.url), 'utf8');
const churn = (): PipelineDocument => JSON.parse(churnText) as PipelineDocument;

function setup() {
  const store = createAppStore();
  store.getState().loadDocument({ document: churn(), path: '/p/churn.plumb', hash: 'h' });
  return store;
}

describe('the diff view state', () => {
  it('derives added, changed and removed nodes from the other version and the live document', () => {
    const store = setup();
    const s = () => store.getState();
    s().setParam('model', 'max_iter', 200);
    s().deleteElements({ nodes: ['evaluate'] });
    store.getState().showDiff({ label: 'churn-v1.plumb', document: churn(), currentLabel: 'churn.plumb' });
    const active = selectDiff(s());
    expect(active?.diff.changedNodes).toEqual([{ id: 'model', type: 'train.logistic_regression', changes: [{ path: 'params.max_iter', old: 1000, new: 200 }] }]);
    expect(active?.nodeStatus).toEqual({ model: 'changed', evaluate: 'removed' });
    expect(selectNodeDiffStatus('model')(s())).toBe('changed');
    expect(selectNodeDiffStatus('split')(s())).toBeNull();
    // Unrelated state changes reuse the answer (nodes subscribed to it do not re-render).
    s().select({ node: 'split' });
    expect(selectDiff(s())).toBe(active);
  });

  it('follows edits made while it is shown', () => {
    const store = setup();
    const s = () => store.getState();
    s().showDiff({ label: 'HEAD:churn.plumb', document: churn(), currentLabel: 'churn.plumb' });
    expect(selectDiff(s())?.diff.same).toBe(true);
    const id = s().addNode('validate.profile', { x: 10, y: 10 });
    if (!id) throw new Error('addNode refused');
    expect(selectNodeDiffStatus(id)(s())).toBe('added');
    s().undo();
    expect(selectDiff(s())?.diff.same).toBe(true);
  });

  it('is view state: never in the document, the saved text or the undo history', () => {
    const store = setup();
    const s = () => store.getState();
    const before = s().document;
    const canonical = toCanonicalJson(before);
    const other = churn();
    other.nodes.push({ id: 'gone', type: 'validate.profile', typeVersion: 1, position: { x: 0, y: 0 }, params: {} });
    s().showDiff({ label: 'old.plumb', document: other, currentLabel: 'churn.plumb' });
    expect(selectDiff(s())?.nodeStatus).toEqual({ gone: 'removed' });
    expect(s().document).toBe(before);
    expect(toCanonicalJson(s().document)).toBe(canonical);
    expect(store.temporal.getState().pastStates).toHaveLength(0);
    s().closeDiff();
    expect(selectDiff(s())).toBeNull();
    expect(store.temporal.getState().pastStates).toHaveLength(0);
  });

  it('ends when another pipeline is loaded', () => {
    const store = setup();
    store.getState().showDiff({ label: 'old.plumb', document: churn(), currentLabel: 'churn.plumb' });
    expect(selectDiff(store.getState())).not.toBeNull();
    store.getState().newDocument();
    expect(selectDiff(store.getState())).toBeNull();
  });
});

describe('the diff view on the canvas', () => {
  it('draws removed nodes as locked ghosts and removed edges between what is left and the ghosts', () => {
    const store = setup();
    const s = () => store.getState();
    s().deleteElements({ nodes: ['evaluate'], edges: ['e3'] });
    s().showDiff({ label: 'old.plumb', document: churn(), currentLabel: 'churn.plumb' });
    const active = selectDiff(s());
    if (!active) throw new Error('no diff');
    const ghosts = ghostNodes(active, {});
    expect(ghosts).toHaveLength(1);
    expect(ghosts[0]).toMatchObject({
      id: ghostFlowId('evaluate'),
      type: 'ghost',
      position: churn().nodes.find((n) => n.id === 'evaluate')?.position,
      selectable: false,
      draggable: false,
      connectable: false,
      deletable: false,
      data: { nodeId: 'evaluate', type: 'evaluate.model' },
    });
    // Ports' handles are known before measuring, so the removed edges can be drawn at once.
    expect(ghosts[0]?.handles?.map((h) => h.id)).toEqual(['model', 'data', 'report', 'predictions']);

    const doc = s().document;
    const edges = diffEdges(toFlowEdges(doc.edges, doc.nodes, new Set()), active, new Set(doc.nodes.map((n) => n.id)));
    const removed = edges.filter((e) => e.className === 'diff-removed');
    expect(removed.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle])).toEqual([
      ['model', 'model', ghostFlowId('evaluate'), 'model'],
      ['split', 'test', ghostFlowId('evaluate'), 'data'],
      ['split', 'train', 'scale', 'in'],
    ]);
    expect(removed.every((e) => e.selectable === false && e.deletable === false)).toBe(true);
    expect(edges.filter((e) => e.className !== 'diff-removed')).toHaveLength(doc.edges.length);
  });

  it('marks the document edges the other version does not have', () => {
    const store = setup();
    const s = () => store.getState();
    const other = churn();
    other.edges = other.edges.filter((e) => e.id !== 'e8');
    s().showDiff({ label: 'old.plumb', document: other, currentLabel: 'churn.plumb' });
    const active = selectDiff(s());
    if (!active) throw new Error('no diff');
    const doc = s().document;
    const edges = diffEdges(toFlowEdges(doc.edges, doc.nodes, new Set()), active, new Set(doc.nodes.map((n) => n.id)));
    expect(edges.filter((e) => e.className?.includes('diff-added')).map((e) => e.id)).toEqual(['e8']);
    expect(edges.find((e) => e.id === 'e8')?.className).toBe('edge-table diff-added');
    expect(ghostNodes(active, {})).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PipelineDiff } from './diff-format.js';
import { diffPipelines, edgeKey, formatDiffValue, formatValueChange, type NodeDiffMemo } from './diff.js';
import type { PipelineDocument } from './document.js';
import { parsePipelineText } from './load.js';

/** The shipped churn pipeline: 7 nodes, 7 edges, nested params (a list of checks). */
const churnText = readFileSync(new URL('../../examples/telco-churn-model.plumb', import.meta.url), 'utf8');
const churn = (): PipelineDocument => JSON.parse(churnText) as PipelineDocument;
const node = (doc: PipelineDocument, id: string) => {
  const found = doc.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};

const EMPTY = { addedNodes: [], removedNodes: [], changedNodes: [], addedEdges: [], removedEdges: [], pipelineChanges: [], same: true };

describe('diffPipelines', () => {
  it('finds nothing between a document and itself', () => {
    expect(diffPipelines(churn(), churn())).toEqual(EMPTY);
  });

  it('ignores layout: node and note positions, note size and colour, viewport, meta, document id', () => {
    const a = churn();
    a.notes = [{ id: 'n1', position: { x: 0, y: 0 }, text: 'why this split' }];
    const b = churn();
    b.id = 'telco-churn-model-copy';
    for (const n of b.nodes) n.position = { x: n.position.x + 333.7, y: -n.position.y };
    b.notes = [{ id: 'n1', position: { x: 50, y: 90 }, size: { width: 300, height: 200 }, color: 'pink', text: 'why this split' }];
    b.viewport = { x: 10, y: 20, zoom: 1.5 };
    b.meta = { autosavedAt: '2026-01-01' };
    expect(diffPipelines(a, b)).toEqual(EMPTY);
  });

  it('does not care about key order in params or nested objects', () => {
    const a = churn();
    const b = churn();
    const checks = node(b, 'checks');
    checks.params = { checks: (checks.params.checks as Record<string, unknown>[]).map((c) => Object.fromEntries(Object.entries(c).reverse())) };
    expect(diffPipelines(a, b).same).toBe(true);
  });

  it('reports a changed param as old -> new', () => {
    const b = churn();
    node(b, 'model').params.max_iter = 200;
    const diff = diffPipelines(churn(), b);
    expect(diff.same).toBe(false);
    expect(diff.changedNodes).toEqual([{ id: 'model', type: 'train.logistic_regression', changes: [{ path: 'params.max_iter', old: 1000, new: 200 }] }]);
    expect(formatValueChange(diff.changedNodes[0].changes[0])).toBe('params.max_iter: 1000 -> 200');
  });

  it('reports a param set and a param cleared, keeping null apart from "not set"', () => {
    const b = churn();
    node(b, 'model').params.C = 0.5;
    delete node(b, 'model').params.max_iter;
    node(b, 'split').params.stratify = null;
    const diff = diffPipelines(churn(), b);
    expect(diff.changedNodes).toEqual([
      { id: 'model', type: 'train.logistic_regression', changes: [{ path: 'params.C', new: 0.5 }, { path: 'params.max_iter', old: 1000 }] },
      { id: 'split', type: 'split.train_test', changes: [{ path: 'params.stratify', old: 'churn', new: null }] },
    ]);
    expect(diff.changedNodes[0].changes.map((c) => formatValueChange(c))).toEqual(['params.C: (none) -> 0.5', 'params.max_iter: 1000 -> (none)']);
    // The same after JSON (the API's wire format): absent stays absent, null stays null.
    const wire = PipelineDiff.parse(JSON.parse(JSON.stringify(diff)));
    expect(wire).toEqual(diff);
    expect('old' in wire.changedNodes[0].changes[0]).toBe(false);
  });

  it('compares an array param as one value', () => {
    const b = churn();
    const checks = node(b, 'checks').params.checks as { max?: number }[];
    checks[1].max = 72;
    const diff = diffPipelines(churn(), b);
    expect(diff.changedNodes).toHaveLength(1);
    const [only] = diff.changedNodes[0].changes;
    expect(only.path).toBe('params.checks');
    expect(only.old).toEqual(node(churn(), 'checks').params.checks);
    expect((only.new as { max?: number }[])[1].max).toBe(72);
  });

  it('goes down into nested objects with dotted paths, quoting keys that are not plain names', () => {
    const a = churn();
    node(a, 'model').params.grid = { max_depth: [3, 5], 'learning rate': 0.1, inner: { k: 1 } };
    const b = churn();
    node(b, 'model').params.grid = { max_depth: [3, 5, 8], 'learning rate': 0.2, inner: { k: 2 } };
    expect(diffPipelines(a, b).changedNodes[0].changes).toEqual([
      { path: 'params.grid.inner.k', old: 1, new: 2 },
      { path: 'params.grid["learning rate"]', old: 0.1, new: 0.2 },
      { path: 'params.grid.max_depth', old: [3, 5], new: [3, 5, 8] },
    ]);
  });

  it('reports an object replaced by a scalar as one change', () => {
    const a = churn();
    node(a, 'model').params.class_weight = { yes: 2, no: 1 };
    const b = churn();
    node(b, 'model').params.class_weight = 'balanced';
    expect(diffPipelines(a, b).changedNodes[0].changes).toEqual([{ path: 'params.class_weight', old: { yes: 2, no: 1 }, new: 'balanced' }]);
  });

  it('reports type, typeVersion, label and notes, in that order before params', () => {
    const b = churn();
    const model = node(b, 'model');
    model.type = 'train.decision_tree';
    model.typeVersion = 2;
    model.label = 'Tree';
    model.notes = 'tried a tree';
    model.params = { target: 'churn', max_depth: 5 };
    const diff = diffPipelines(churn(), b);
    expect(diff.changedNodes).toEqual([
      {
        id: 'model',
        type: 'train.decision_tree',
        changes: [
          { path: 'type', old: 'train.logistic_regression', new: 'train.decision_tree' },
          { path: 'typeVersion', old: 1, new: 2 },
          { path: 'label', old: 'Logistic regression', new: 'Tree' },
          { path: 'notes', new: 'tried a tree' },
          { path: 'params.max_depth', new: 5 },
          { path: 'params.max_iter', old: 1000 },
        ],
      },
    ]);
  });

  it('reports an added node with its edges', () => {
    const b = churn();
    b.nodes.push({ id: 'impute', type: 'feature.impute', typeVersion: 1, position: { x: 0, y: 0 }, params: { strategy: 'median' } });
    const old = b.edges.find((e) => e.id === 'e3');
    b.edges = b.edges.filter((e) => e !== old);
    b.edges.push(
      { id: 'e20', from: { node: 'split', port: 'train' }, to: { node: 'impute', port: 'in' } },
      { id: 'e21', from: { node: 'impute', port: 'out' }, to: { node: 'scale', port: 'in' } },
    );
    const diff = diffPipelines(churn(), b);
    expect(diff.addedNodes).toEqual([{ id: 'impute', type: 'feature.impute' }]);
    expect(diff.removedNodes).toEqual([]);
    expect(diff.changedNodes).toEqual([]);
    expect(diff.addedEdges.map((e) => e.id)).toEqual(['e21', 'e20']); // by endpoints: impute.out < split.train
    expect(diff.removedEdges).toEqual([{ id: 'e3', from: { node: 'split', port: 'train' }, to: { node: 'scale', port: 'in' } }]);
    expect(diff.same).toBe(false);
  });

  it('reports a removed node with its edges, the mirror of adding it', () => {
    const b = churn();
    b.nodes = b.nodes.filter((n) => n.id !== 'evaluate');
    b.edges = b.edges.filter((e) => e.to.node !== 'evaluate');
    const diff = diffPipelines(churn(), b);
    expect(diff.removedNodes).toEqual([{ id: 'evaluate', type: 'evaluate.model' }]);
    expect(diff.removedEdges.map((e) => e.id)).toEqual(['e7', 'e8']);
    expect(diff.addedNodes).toEqual([]);
    expect(diff.addedEdges).toEqual([]);
    const back = diffPipelines(b, churn());
    expect(back.addedNodes).toEqual(diff.removedNodes);
    expect(back.addedEdges).toEqual(diff.removedEdges);
  });

  it('treats an edge re-created with a new id as the same edge', () => {
    const b = churn();
    b.edges = b.edges.map((e, i) => ({ ...e, id: `x${i}` })).reverse();
    expect(diffPipelines(churn(), b)).toEqual(EMPTY);
  });

  it('sees an edge moved to another port as one removed and one added', () => {
    const b = churn();
    const e8 = b.edges.find((e) => e.id === 'e8');
    if (!e8) throw new Error('no e8');
    e8.from = { node: 'split', port: 'train' };
    const diff = diffPipelines(churn(), b);
    expect(diff.removedEdges.map(edgeKey)).toEqual([edgeKey({ from: { node: 'split', port: 'test' }, to: { node: 'evaluate', port: 'data' } })]);
    expect(diff.addedEdges.map(edgeKey)).toEqual([edgeKey({ from: { node: 'split', port: 'train' }, to: { node: 'evaluate', port: 'data' } })]);
  });

  it('counts a duplicated connection as often as it appears', () => {
    const b = churn();
    b.edges.push({ ...b.edges[0], id: 'dup' });
    const diff = diffPipelines(churn(), b);
    expect(diff.addedEdges.map((e) => e.id)).toEqual(['dup']);
    expect(diffPipelines(b, churn()).removedEdges).toHaveLength(1);
  });

  it('reports pipeline name, description and sticky-note text, notes matched by id', () => {
    const a = churn();
    a.notes = [
      { id: 'keep', position: { x: 0, y: 0 }, text: 'same' },
      { id: 'edit', position: { x: 0, y: 0 }, text: 'before' },
      { id: 'gone', position: { x: 0, y: 0 }, text: 'bye' },
    ];
    const b = churn();
    b.name = 'Churn v2';
    b.description = '';
    b.notes = [
      { id: 'new', position: { x: 0, y: 0 }, text: 'hello' },
      { id: 'edit', position: { x: 9, y: 9 }, text: 'after' },
      { id: 'keep', position: { x: 5, y: 5 }, text: 'same' },
    ];
    const diff = diffPipelines(a, b);
    expect(diff.pipelineChanges).toEqual([
      { path: 'name', old: a.name, new: 'Churn v2' },
      { path: 'description', old: a.description, new: '' },
      { path: 'notes.edit', old: 'before', new: 'after' },
      { path: 'notes.gone', old: 'bye' },
      { path: 'notes.new', new: 'hello' },
    ]);
    expect(diff.changedNodes).toEqual([]);
    expect(diff.same).toBe(false);
  });

  it('treats no notes and an empty list of notes alike', () => {
    const a = churn();
    const b = churn();
    b.notes = [];
    expect(diffPipelines(a, b).same).toBe(true);
  });

  it('lists every kind of change sorted by id, whatever the input order', () => {
    const a = churn();
    const b = churn();
    b.nodes.reverse();
    b.nodes = b.nodes.filter((n) => n.id !== 'telco');
    b.nodes.push({ id: 'a-first', type: 'ingest.csv', typeVersion: 1, position: { x: 0, y: 0 }, params: { path: 'x.csv' } });
    b.nodes.push({ id: 'zz-last', type: 'ingest.csv', typeVersion: 1, position: { x: 0, y: 0 }, params: { path: 'y.csv' } });
    node(b, 'split').params.seed = 1;
    node(b, 'encode').params.columns = ['contract'];
    const one = diffPipelines(a, b);
    expect(one.addedNodes.map((n) => n.id)).toEqual(['a-first', 'zz-last']);
    expect(one.changedNodes.map((n) => n.id)).toEqual(['encode', 'split']);
    expect(one.removedNodes.map((n) => n.id)).toEqual(['telco']);
    b.nodes.sort(() => -1);
    expect(diffPipelines(a, b)).toEqual(one);
  });

  it('gives the same answer with a node memo, recomputing only nodes that are new objects', () => {
    const a = churn();
    const memo: NodeDiffMemo = new WeakMap();
    const b1 = churn();
    node(b1, 'model').params.max_iter = 200;
    expect(diffPipelines(a, b1, memo)).toEqual(diffPipelines(a, b1));
    const modelChanges = memo.get(node(b1, 'model'))?.changes;
    // An edit elsewhere: a new document sharing the model node; its changes are reused as they were.
    const b2 = { ...b1, nodes: b1.nodes.map((n) => (n.id === 'split' ? { ...n, params: { ...n.params, seed: 7 } } : n)) };
    const second = diffPipelines(a, b2, memo);
    expect(second.changedNodes.find((n) => n.id === 'model')?.changes).toBe(modelChanges);
    expect(second).toEqual(diffPipelines(a, b2));
    // Against another base the memo is not trusted.
    const otherBase = churn();
    node(otherBase, 'model').params.max_iter = 200;
    expect(diffPipelines(otherBase, b2, memo).changedNodes.map((n) => n.id)).toEqual(['split']);
  });

  it('works on a document read through the loader (a version 1 file migrated)', () => {
    const v1 = JSON.parse(churnText) as Record<string, unknown>;
    v1.version = 1;
    const loaded = parsePipelineText(JSON.stringify(v1));
    if (!loaded.ok) throw new Error(loaded.reason);
    expect(diffPipelines(loaded.document, churn()).same).toBe(true);
  });
});

describe('formatDiffValue', () => {
  it('prints canonical JSON, (none) for a missing value, and cuts long values', () => {
    expect(formatDiffValue(undefined)).toBe('(none)');
    expect(formatDiffValue(null)).toBe('null');
    expect(formatDiffValue('median')).toBe('"median"');
    expect(formatDiffValue({ b: 1, a: [1, 2] })).toBe('{"a":[1,2],"b":1}');
    const long = formatDiffValue('x'.repeat(500), 40);
    expect(long).toHaveLength(40);
    expect(long.endsWith('…')).toBe(true);
  });
});

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelArtifact } from '../../src-main/ml/model-artifact.js';
import { finalNodeEvents, openTestEngine, testDocument, testEdge, testNode, type TestEngine } from '../../src-main/test-nodes/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await openTestEngine();
});
afterAll(async () => {
  await t.dispose();
});

interface Candidate {
  params: Record<string, unknown>;
  scores: number[];
  mean: number;
  std: number;
}

async function tune(params: Record<string, unknown>, dataset = 'breast_cancer', target = 'diagnosis') {
  const doc = testDocument(
    [testNode('data', 'ingest.sample', { dataset }), testNode('tune', 'train.tune', { target, ...params })],
    [testEdge('data', 'tune', 'train', 'out')],
    `tune-${JSON.stringify(params).length}`,
  );
  const { outcome, events } = await t.run(doc, { force: true });
  const node = finalNodeEvents(events).get('tune')!;
  if (outcome.status !== 'succeeded') return { error: node.error ?? outcome.error };
  const outputs = t.lineage.getRun(outcome.runId)!.nodeRuns.find((n) => n.nodeId === 'tune')!.outputs;
  const report = JSON.parse(await readFile(outputs.find((o) => o.port === 'report')!.path, 'utf8')) as { best: Record<string, unknown>; candidates: Candidate[]; metric: string };
  const modelFile = outputs.find((o) => o.port === 'model')!.path;
  return { report, model: parseModelArtifact(await readFile(modelFile, 'utf8'), modelFile) };
}

describe('train.tune', () => {
  it('scores every grid candidate by stratified 5-fold CV and refits the best', async () => {
    const r = await tune({ estimator: 'train.decision_tree', grid: { max_depth: [1, 3, 5], min_samples_leaf: [1, 5] }, metric: 'accuracy' });
    expect(r.error).toBeUndefined();
    const { candidates, best } = r.report!;
    expect(candidates).toHaveLength(6);
    for (const c of candidates) {
      expect(c.scores).toHaveLength(5);
      expect(c.mean).toBeCloseTo(c.scores.reduce((a, b) => a + b, 0) / 5, 12);
      expect(c.std).toBeGreaterThanOrEqual(0);
    }
    const top = Math.max(...candidates.map((c) => c.mean));
    expect(candidates.find((c) => c.mean === top)!.params).toEqual(best);
    // A stump is clearly worse than a depth-3 tree on this data.
    expect(candidates.find((c) => c.params.max_depth === 1 && c.params.min_samples_leaf === 1)!.mean).toBeLessThan(top);
    expect(r.model!.estimator.kind).toBe('DecisionTreeClassifier');
    expect(r.model!.estimator.params).toMatchObject(best);
    expect(r.model!.trainedOn.rows).toBe(569);
  });

  it('is deterministic for a seed, and random search draws n_iter distinct candidates', async () => {
    const grid = { n_neighbors: [1, 3, 5, 7, 9, 11], weights: ['uniform', 'distance'] };
    const a = await tune({ estimator: 'train.knn', grid, search: 'random', n_iter: 4, metric: 'roc_auc', random_state: 3 });
    const b = await tune({ estimator: 'train.knn', grid, search: 'random', n_iter: 4, metric: 'roc_auc', random_state: 3 });
    expect(a.report!.candidates).toHaveLength(4);
    expect(new Set(a.report!.candidates.map((c) => JSON.stringify(c.params))).size).toBe(4);
    expect(b.report!.candidates).toEqual(a.report!.candidates);
  });

  it('tunes a regressor by RMSE (lower is better)', async () => {
    const r = await tune({ estimator: 'train.linear_regression', grid: { alpha: [0, 1, 100000] }, metric: 'rmse' }, 'diabetes', 'progression');
    expect(r.error).toBeUndefined();
    const means = r.report!.candidates.map((c) => c.mean);
    expect(r.report!.best.alpha).toBe(r.report!.candidates[means.indexOf(Math.min(...means))].params.alpha);
    expect(r.report!.best.alpha).not.toBe(100000);
  });

  it('refuses a grid key that is not a hyperparameter, and a metric of the other task', async () => {
    expect((await tune({ estimator: 'train.decision_tree', grid: { max_dept: [3] } })).error).toMatch(/grid: "max_dept" is not a hyperparameter of train\.decision_tree/);
    expect((await tune({ estimator: 'train.decision_tree', grid: {}, metric: 'rmse' })).error).toMatch(/metric: rmse does not score classification/);
  });
});

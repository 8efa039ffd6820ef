import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestEngine, testNode, type TestEngine } from '../../src-main/test-nodes/test-engine.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { deployServeSpec } from './spec.js';

/**
 * deploy.serve through the real engine and worker, as under `plumb run` (an engine without a
 * serving handler): it starts nothing, says why and names the command that serves the model;
 * bad params fail the node with a message naming the param. The app's side (an endpoint
 * started, a canary rolled out, the version deploy.onnx registered) is in
 * src-main/api/serving-api.test.ts.
 */
let t: TestEngine;
beforeAll(async () => {
  t = await openTestEngine({ workers: 1 });
});
afterAll(async () => {
  await t.dispose();
});

const doc = (params: Record<string, unknown>): PipelineDocument => ({
  format: 'plumb.pipeline',
  version: 2,
  id: 'serve-test',
  name: 'serve test',
  description: '',
  nodes: [testNode('serve', 'deploy.serve', params)],
  edges: [],
} as PipelineDocument);

async function report(params: Record<string, unknown>): Promise<{ status: string; error?: string; report?: unknown }> {
  const { outcome } = await t.run(doc(params));
  const node = t.lineage.getRun(outcome.runId)?.nodeRuns.find((n) => n.nodeId === 'serve');
  // A graph check that refuses the pipeline stops it before the node runs.
  if (!node) return { status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) };
  const out = node.outputs.find((o) => o.port === 'report');
  return { status: node.status, ...(node.error ? { error: node.error.message } : {}), ...(out ? { report: JSON.parse(await readFile(out.path, 'utf8')) as unknown } : {}) };
}

describe('deploy.serve', () => {
  it('without a long-lived host, reports that nothing was served and names plumb serve-model; runs again rather than from the cache', async () => {
    const first = await report({ model: 'churn@production' });
    expect(first).toMatchObject({
      status: 'succeeded',
      report: { kind: 'deploy.serve', served: false, model: 'churn@production', command: 'plumb serve-model churn@production', reason: expect.stringMatching(/no long-lived host/) },
    });
    const again = await report({ model: 'churn@production' });
    expect(again.status).toBe('succeeded');
  }, 60_000);

  it('refuses to run with nothing to serve or a param out of range', async () => {
    // The graph check refuses these before the node runs (the messages are checked below, per param).
    expect(await report({})).toMatchObject({ status: 'failed', error: expect.stringMatching(/problems?; fix them first/) });
    expect(await report({ model: 'churn', port: 70_000 })).toMatchObject({ status: 'failed', error: expect.stringMatching(/problems?; fix them first/) });
    expect(await report({ model: 'churn', strategy: 'sideways' })).toMatchObject({ status: 'failed', error: expect.stringMatching(/problems?; fix them first/) });
  }, 60_000);

  it('checks its params before anything runs', () => {
    const infer = deployServeSpec.inferSchema!;
    expect(infer({}, { model: '' }).problems).toEqual([{ param: 'model', message: 'name a model, or connect the onnx output of a deploy.onnx node' }]);
    expect(infer({}, { model: 'churn:0' }).problems?.[0]).toMatchObject({ param: 'model' });
    expect(infer({ onnx: { kind: 'model' } }, { model: '', port: 0 }).problems).toEqual([]);
    expect(infer({}, { model: 'churn@staging', port: 8080 }).problems).toEqual([]);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osUserName } from '../../src-main/lineage/model-registry.js';
import { finalNodeEvents, openTestEngine, testEdge, testNode, type TestEngine } from '../../src-main/test-nodes/test-engine.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';

/**
 * deploy.onnx through the real engine, on the shipped telco churn example: ingest, reject rows
 * without total charges, stratified split, scale + one-hot on the train side, logistic
 * regression, evaluation; the deploy node exports it, checks parity on the raw test rows and
 * registers it.
 */
const EXAMPLE = join(import.meta.dirname, '../../examples/telco-churn-model.plumb');

let t: TestEngine;
let base: PipelineDocument;
beforeAll(async () => {
  t = await openTestEngine();
  const loaded = parsePipelineText(await readFile(EXAMPLE, 'utf8'));
  if (!loaded.ok) throw new Error(loaded.reason);
  base = loaded.document;
}, 60_000);
afterAll(async () => {
  await t.dispose();
});

function withDeploy(params: Record<string, unknown>, id = 'telco-deploy'): PipelineDocument {
  return {
    ...base,
    id,
    nodes: [...base.nodes, testNode('deploy', 'deploy.onnx', params)],
    edges: [
      ...base.edges,
      testEdge('model', 'deploy', 'model', 'model'),
      testEdge('split', 'deploy', 'data', 'test'),
      testEdge('evaluate', 'deploy', 'evaluation', 'report'),
    ],
  };
}

async function outputsOf(runId: string, node: string) {
  const n = t.lineage.getRun(runId)!.nodeRuns.find((r) => r.nodeId === node)!;
  return { node: n, out: Object.fromEntries(n.outputs.map((o) => [o.port, o])) };
}

describe('deploy.onnx', () => {
  it('exports, passes parity on the raw test rows and registers version 1 with metrics, schema and lineage', async () => {
    const { outcome, events } = await t.run(withDeploy({ name: 'telco-churn' }));
    const deploy = finalNodeEvents(events).get('deploy')!;
    expect(outcome.status, deploy.error ?? outcome.error).toBe('succeeded');

    const { node, out } = await outputsOf(outcome.runId, 'deploy');
    const report = JSON.parse(await readFile(out.report.path, 'utf8'));
    const test = (await outputsOf(outcome.runId, 'split')).out.test;
    expect(report.passed).toBe(true);
    expect(report.parity.rows).toBe(test.rows);
    expect(report.parity.rows).toBeGreaterThan(1700);
    expect(report.parity.label_mismatches).toBe(0);
    expect(report.parity.refusal_mismatches).toBe(0);
    // float32 outputs: close, and not bit-identical to the app's doubles.
    expect(report.parity.max_rel_diff).toBeLessThanOrEqual(1e-5);
    expect(report.parity.max_rel_diff).toBeGreaterThan(0);
    expect(report.metrics_from).toBe('evaluation');
    expect(node.metrics).toContainEqual({ name: 'registered_version', value: 1 });
    expect(node.logs.map((l) => l.message)).toContain('model "telco-churn" version 1 registered; stage none');

    const evaluation = JSON.parse(await readFile((await outputsOf(outcome.runId, 'evaluate')).out.report.path, 'utf8'));
    const model = t.lineage.getModel('telco-churn')!;
    expect(model.versions).toHaveLength(1);
    const v = model.versions[0];
    expect(v).toMatchObject({
      version: 1,
      stage: 'none',
      onnxHash: out.onnx.hash,
      artifactHash: (await outputsOf(outcome.runId, 'model')).out.model.hash,
      runId: outcome.runId,
      nodeId: 'deploy',
      trainingDataHash: (await outputsOf(outcome.runId, 'encode')).out.out.hash,
    });
    expect(v.metrics.accuracy).toBe(evaluation.metrics.accuracy);
    expect(v.metrics.roc_auc).toBe(evaluation.metrics.roc_auc);
    expect(v.metrics.accuracy).toBeGreaterThan(0.75);
    // The raw columns, with the data's types: scaled numbers and one-hot categories.
    const schema = Object.fromEntries(v.inputSchema!.map((c) => [c.name, c.type]));
    expect(schema).toMatchObject({ tenure: 'BIGINT', monthly_charges: 'DOUBLE', contract: 'VARCHAR', payment_method: 'VARCHAR' });
    expect(model.events).toEqual([{ version: 1, from: null, to: 'none', actor: osUserName(), comment: `registered by run ${outcome.runId}`, at: expect.any(Number) }]);

    // The registered file is a working model: onnxruntime loads it and answers a row.
    const session = await ort.InferenceSession.create(out.onnx.path);
    expect(session.outputNames).toEqual(['label', 'probabilities']);
    expect([...session.inputNames].sort()).toEqual(v.inputSchema!.map((c) => c.name).sort());
    await session.release();
  }, 120_000);

  it('registers nothing new when the deploy node is cached, or re-run on the same model', async () => {
    const cached = await t.run(withDeploy({ name: 'telco-churn' }));
    expect(cached.outcome.status).toBe('succeeded');
    expect(finalNodeEvents(cached.events).get('deploy')!.status).toBe('cached');
    const rerun = await t.run(withDeploy({ name: 'telco-churn' }), { mode: 'node', target: 'deploy' });
    expect(rerun.outcome.status).toBe('succeeded');
    expect(finalNodeEvents(rerun.events).get('deploy')!.status).toBe('succeeded');
    const { node } = await outputsOf(rerun.outcome.runId, 'deploy');
    expect(node.logs.map((l) => l.message)).toContain('model "telco-churn" version 1 already registered (same artifacts), kept; stage none');
    expect(t.lineage.getModel('telco-churn')!.versions).toHaveLength(1);
  }, 120_000);

  it('puts the version in production with the comment, audited', async () => {
    const { outcome } = await t.run(withDeploy({ name: 'telco-churn', stage: 'production', comment: 'parity passed, AUC 0.84' }));
    expect(outcome.status, outcome.error).toBe('succeeded');
    const model = t.lineage.getModel('telco-churn')!;
    expect(model.versions.map((v) => [v.version, v.stage])).toEqual([[1, 'production']]);
    expect(model.events.at(-1)).toMatchObject({ version: 1, from: 'none', to: 'production', actor: osUserName(), comment: 'parity passed, AUC 0.84' });
  }, 120_000);

  it('fails with the worst rows listed, registering nothing, when the export is off by more than the tolerance', async () => {
    const { outcome, events } = await t.run(withDeploy({ name: 'telco-strict', tolerance: 0 }));
    expect(outcome.status).toBe('failed');
    const error = finalNodeEvents(events).get('deploy')!.error!;
    expect(error).toMatch(/^the ONNX export does not predict as the app does on \d+ rows: the largest relative difference is .* \(tolerance 0\)\. Nothing was registered\. Worst rows:/);
    const worst = error.split('\n').slice(1);
    expect(worst).toHaveLength(5);
    for (const line of worst) expect(line).toMatch(/^ {2}row \d+ \(.*tenure=\d+.*\): app (true|false) \[.*\], onnx (true|false) \[.*\]; relative difference \d\.\d\de-\d+$/);
    expect(t.lineage.getModel('telco-strict')).toBeUndefined();
  }, 120_000);

  it('refuses a bad registry name and a stage without a comment before running', async () => {
    const bad = await t.run(withDeploy({ name: 'telco churn!' }, 'telco-bad-name'));
    expect(bad.outcome.status).toBe('failed');
    expect(bad.outcome.error).toMatch(/problem/);
    const events = bad.events.filter((e) => e.event === 'log').map((e) => (e as { message: string }).message);
    expect(events.join('\n')).toMatch(/"telco churn!" is not a registry name/);
    const noComment = await t.run(withDeploy({ name: 'telco-churn', stage: 'staging' }, 'telco-no-comment'));
    expect(noComment.outcome.status).toBe('failed');
    expect(noComment.events.filter((e) => e.event === 'log').map((e) => (e as { message: string }).message).join('\n')).toMatch(/a comment is required to put the version in staging/);
  }, 60_000);
});

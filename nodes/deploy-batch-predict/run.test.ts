import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeTestBed, type NodeTestBed } from '../../src-main/test-nodes/node-test-bed.js';
import { finalNodeEvents, testEdge, testNode } from '../../src-main/test-nodes/test-engine.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';

/**
 * deploy.batch_predict through the real engine on the telco churn example's test rows, with the
 * trained model (the app's serving path) and with its ONNX export (onnxruntime), in chunks.
 */
const EXAMPLE = join(import.meta.dirname, '../../examples/telco-churn-model.plumb');

let bed: NodeTestBed;
let doc: PipelineDocument;
beforeAll(async () => {
  bed = await openNodeTestBed('plumb-batch-predict-');
  const loaded = parsePipelineText(await readFile(EXAMPLE, 'utf8'));
  if (!loaded.ok) throw new Error(loaded.reason);
  const base = loaded.document;
  doc = {
    ...base,
    id: 'telco-batch',
    nodes: [
      ...base.nodes,
      testNode('deploy', 'deploy.onnx', { name: 'telco-batch' }),
      testNode('app', 'deploy.batch_predict', { chunk_rows: 500 }),
      testNode('onnx', 'deploy.batch_predict', { chunk_rows: 700 }),
    ],
    edges: [
      ...base.edges,
      testEdge('model', 'deploy', 'model', 'model'),
      testEdge('split', 'deploy', 'data', 'test'),
      testEdge('model', 'app', 'model', 'model'),
      testEdge('split', 'app', 'data', 'test'),
      testEdge('deploy', 'onnx', 'model', 'onnx'),
      testEdge('split', 'onnx', 'data', 'test'),
    ],
  };
}, 60_000);
afterAll(async () => {
  await bed?.dispose();
});

const rowsOf = (path: string) => bed.readRows(path);

describe('deploy.batch_predict', () => {
  it('predicts every test row in chunks, with the trained model and with its ONNX export alike', async () => {
    const { outcome, events } = await bed.engine.run(doc);
    const finals = finalNodeEvents(events);
    expect(outcome.status, [...finals.values()].map((e) => e.error).filter(Boolean).join('; ')).toBe('succeeded');
    const run = bed.engine.lineage.getRun(outcome.runId)!;
    const out = (node: string, port: string) => run.nodeRuns.find((n) => n.nodeId === node)!.outputs.find((o) => o.port === port)!;

    const test = out('split', 'test');
    const app = out('app', 'predictions');
    const onnx = out('onnx', 'predictions');
    expect(app.rows).toBe(test.rows);
    expect(onnx.rows).toBe(test.rows);
    // The input columns as they were, then the prediction and one probability per class.
    const inputNames = test.columns!.map((c) => c.name);
    expect(app.columns!.map((c) => c.name)).toEqual([...inputNames, 'prediction', 'p_false', 'p_true']);
    expect(onnx.columns!.map((c) => c.name)).toEqual(app.columns!.map((c) => c.name));

    // Chunked: 500 rows at a time means ceil(rows / 500) progress steps while predicting.
    const steps = events.filter((e) => e.event === 'progress' && e.node === 'app' && e.message?.startsWith('predicting rows'));
    expect(steps).toHaveLength(Math.ceil(test.rows! / 500));

    const appRows = await rowsOf(app.path);
    const onnxRows = await rowsOf(onnx.path);
    const evaluated = await rowsOf(out('evaluate', 'predictions').path);
    const testRows = await rowsOf(test.path);
    for (let i = 0; i < appRows.length; i++) {
      // Same rows in the same order; the in-app path is evaluate.model's path.
      expect(appRows[i].customer_id ?? appRows[i].tenure).toEqual(testRows[i].customer_id ?? testRows[i].tenure);
      expect(appRows[i].prediction).toBe(evaluated[i].prediction);
      expect(appRows[i].p_true).toBe(evaluated[i].proba_true);
      expect(onnxRows[i].prediction).toBe(appRows[i].prediction);
      expect(Math.abs((onnxRows[i].p_true as number) - (appRows[i].p_true as number))).toBeLessThan(1e-6);
    }
    const churners = appRows.filter((r) => r.prediction === 'true').length;
    expect(churners).toBeGreaterThan(100);
    expect(churners).toBeLessThan(appRows.length / 2);
  }, 180_000);
});

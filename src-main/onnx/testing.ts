/**
 * Test support: trains a model through the real engine (ingest -> split -> feature steps ->
 * trainer) on a CSV, and reads back the model artifact with the raw train and test rows.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckSession } from '../data/duckdb.js';
import { parseModelArtifact, type ModelArtifact } from '../ml/model-artifact.js';
import { finalNodeEvents, testDocument, testEdge, testNode, type TestEngine } from '../test-nodes/test-engine.js';

export const ROOT = join(import.meta.dirname, '../..');

export interface TrainedModel {
  readonly model: ModelArtifact;
  readonly train: Record<string, unknown>[];
  readonly test: Record<string, unknown>[];
}

export interface TrainRequest {
  readonly csv: string;
  readonly split: Record<string, unknown>;
  /** The feature steps, in order, between the split's train side and the trainer. */
  readonly steps: readonly { readonly type: string; readonly params: Record<string, unknown> }[];
  readonly trainer: string;
  readonly params: Record<string, unknown>;
  readonly id: string;
}

export async function trainThroughEngine(t: TestEngine, db: DuckSession, req: TrainRequest): Promise<TrainedModel> {
  const stepNodes = req.steps.map((s, i) => testNode(`step${i}`, s.type, s.params));
  const chain = ['split', ...stepNodes.map((n) => n.id), 'train'];
  const edges = chain.slice(1).map((to, i) => testEdge(chain[i], to, to === 'train' ? 'train' : 'in', i === 0 ? 'train' : 'out'));
  const doc = testDocument(
    [testNode('read', 'ingest.csv', { path: req.csv }), testNode('split', 'split.train_test', req.split), ...stepNodes, testNode('train', req.trainer, req.params)],
    [testEdge('read', 'split', 'in', 'out'), ...edges],
    req.id,
  );
  const { outcome, events } = await t.run(doc);
  if (outcome.status !== 'succeeded') {
    const failed = [...finalNodeEvents(events).values()].filter((e) => e.status === 'failed');
    throw new Error(`training ${req.id} failed: ${JSON.stringify(failed)}`);
  }
  const nodes = t.lineage.getRun(outcome.runId)!.nodeRuns;
  const modelOut = nodes.find((n) => n.nodeId === 'train')!.outputs[0];
  const split = nodes.find((n) => n.nodeId === 'split')!.outputs;
  const rows = (port: string) => db.objects('SELECT * FROM read_parquet($p)', { p: split.find((o) => o.port === port)!.path });
  return { model: parseModelArtifact(await readFile(modelOut.path, 'utf8'), modelOut.path), train: await rows('train'), test: await rows('test') };
}

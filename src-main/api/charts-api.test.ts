import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type ApiMethod, type ApiResponse, type PlumbEvent } from '../../src-shared/api/contract.js';
import { emptyDocument, type PipelineDocument } from '../../src-shared/pipeline/document.js';
import { createPlumbApp } from '../composition.js';
import type { ApiService } from './api-service.js';

/**
 * The charts panel's reads through the real service, after real runs of breast_cancer (569 rows):
 * ingest -> split -> logistic regression -> evaluate, the split halves -> monitor.drift, the model
 * -> deploy.onnx (registered as "bc"). Three runs with different C; a second pipeline for the
 * all-pipelines toggle.
 */
let dir: string;
let csv: string;
let service: ApiService;
const runIds: string[] = [];
let otherRun: string;

const node = (id: string, type: string, params: Record<string, unknown>) => ({ id, type, typeVersion: 1, position: { x: 0, y: 0 }, params });
const edge = (id: string, from: string, fromPort: string, to: string, toPort: string) => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

function pipeline(C: number): PipelineDocument {
  return {
    ...emptyDocument('charts-test', 'Charts test'),
    nodes: [
      node('bc', 'ingest.csv', { path: csv }),
      node('split', 'split.train_test', { method: 'stratified', stratify: 'diagnosis', seed: 0 }),
      node('model', 'train.logistic_regression', { target: 'diagnosis', C, max_iter: 1000 }),
      node('evaluate', 'evaluate.model', { permutation_importance: false }),
      node('drift', 'monitor.drift', {}),
      node('deploy', 'deploy.onnx', { name: 'bc' }),
    ],
    edges: [
      edge('e1', 'bc', 'out', 'split', 'in'),
      edge('e2', 'split', 'train', 'model', 'train'),
      edge('e3', 'model', 'model', 'evaluate', 'model'),
      edge('e4', 'split', 'test', 'evaluate', 'data'),
      edge('e5', 'split', 'train', 'drift', 'reference'),
      edge('e6', 'split', 'test', 'drift', 'current'),
      edge('e7', 'model', 'model', 'deploy', 'model'),
      edge('e8', 'split', 'test', 'deploy', 'data'),
    ],
  };
}

async function runToEnd(document: PipelineDocument): Promise<string> {
  let id = '';
  const seen: PlumbEvent[] = [];
  const done = new Promise<void>((ok) => {
    const off = service.onEvent((e) => {
      seen.push(e);
      if (e.event === 'run' && e.status !== 'running' && (id === '' || e.run === id)) {
        off();
        ok();
      }
    });
  });
  id = API['run.start'].response.parse(await service.call('run.start', { document, path: null })).runId;
  await done;
  const failed = seen.filter((e) => e.event === 'node' && e.status === 'failed');
  if (failed.length > 0) throw new Error(`run failed: ${JSON.stringify(failed)}`);
  return id;
}

const call = async <M extends ApiMethod>(method: M, req: unknown): Promise<ApiResponse<M>> =>
  API[method].response.parse(await service.call(method, req)) as ApiResponse<M>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'charts-api-'));
  csv = join(dir, 'breast_cancer.csv');
  await copyFile(join(import.meta.dirname, '../../samples/breast_cancer.csv'), csv);
  service = await createPlumbApp({ home: join(dir, 'home'), abilities: { host: 'browser' }, initialPath: null, workers: 1 });
  for (const C of [0.01, 1, 100]) runIds.push(await runToEnd(pipeline(C)));
  otherRun = await runToEnd({ ...emptyDocument('charts-other', 'Other'), nodes: [node('bc', 'ingest.csv', { path: csv })], edges: [] });
}, 120_000);

afterAll(async () => {
  await service.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('charts API through the service', () => {
  it('lists the runs of one pipeline column by column, constant params once, or of every pipeline with their names', async () => {
    const one = await call('charts.experiments', { pipelineId: 'charts-test' });
    expect(one.runIds).toEqual([...runIds].reverse());
    expect(one.pipelines).toEqual({ 'charts-test': 'Charts test' });
    expect(one.params.find((p) => p.key === 'model.C')).toEqual({ key: 'model.C', values: [100, 1, 0.01] });
    // Every run read the same file with the same split: sent once, not three times.
    expect(one.params.find((p) => p.key === 'split.stratify')).toEqual({ key: 'split.stratify', value: 'diagnosis' });
    expect(one.params.find((p) => p.key === 'bc.path')).toEqual({ key: 'bc.path', value: csv });
    const metric = (key: string) => one.metrics.find((m) => m.key === key)!.values;
    expect(metric('evaluate.accuracy').every((v) => v! > 0.85)).toBe(true);
    expect(metric('drift.share_drifted').every((v) => v! >= 0)).toBe(true);
    expect(metric('model.train_rows')).toEqual([426, 426, 426]);
    const all = await call('charts.experiments', {});
    expect(all.runIds).toEqual([otherRun, ...[...runIds].reverse()]);
    expect(all.pipelineIds[0]).toBe('charts-other');
    expect(all.pipelines['charts-other']).toBe('Other');
    // The other pipeline has no model: null in its row.
    expect(all.params.find((p) => p.key === 'model.C')).toEqual({ key: 'model.C', values: [null, 100, 1, 0.01] });
    expect((await call('charts.experiments', { limit: 2 })).runIds).toHaveLength(2);
  });

  it("reads a run's ROC and PR curves and confusion matrix from the evaluation report", async () => {
    const run = await call('charts.run', { runId: runIds[1] });
    expect(run.missing).toEqual([]);
    expect(run.evaluations).toHaveLength(1);
    const ev = run.evaluations[0];
    expect(ev.nodeId).toBe('evaluate');
    expect(ev.classes).toEqual(['benign', 'malignant']);
    const total = ev.confusionMatrix!.flat().reduce((a, b) => a + b, 0);
    const table = await call('charts.experiments', { pipelineId: 'charts-test' });
    const accuracy = table.metrics.find((m) => m.key === 'evaluate.accuracy')!.values[table.runIds.indexOf(runIds[1])];
    // 25% of 569 rows, stratified, and the diagonal is the accuracy the table shows.
    expect(total).toBe(143);
    expect((ev.confusionMatrix![0][0] + ev.confusionMatrix![1][1]) / total).toBeCloseTo(accuracy!, 12);
    expect(ev.roc!.fpr[0]).toBe(0);
    expect(ev.roc!.tpr.at(-1)).toBe(1);
    expect(ev.pr!.recall.length).toBe(ev.pr!.precision.length);
  });

  it('finds the drift reports of a pipeline and returns one whole, with distributions and no rows', async () => {
    const { reports } = await call('charts.driftReports', { pipelineId: 'charts-test' });
    expect(reports.map((r) => r.runId)).toEqual([...runIds].reverse());
    expect(reports.every((r) => r.nodeId === 'drift' && r.share !== null)).toBe(true);
    const { report } = await call('charts.drift', { runId: runIds[0], node: 'drift' });
    // 30 measurements (KS: under 1000 reference rows) and the two-class diagnosis (Z-test).
    expect(report.columns).toHaveLength(31);
    expect(report.columns.filter((c) => c.method === 'ks' && c.histogram !== undefined)).toHaveLength(30);
    expect(report.columns.find((c) => c.name === 'diagnosis')).toMatchObject({ kind: 'cat', method: 'z' });
    expect(report.share).toBe(reports[2].share);
    const radius = report.columns.find((c) => c.name === 'mean_radius')!;
    expect(radius.histogram!.reference.reduce((a, b) => a + b, 0)).toBe(report.rows.reference);
    await expect(service.call('charts.drift', { runId: runIds[0], node: 'model' })).rejects.toThrow(/"model" is a train.logistic_regression node, not monitor.drift/);
    await expect(service.call('charts.drift', { runId: runIds[0], node: 'nope' })).rejects.toThrow(/node "nope" did not run/);
  });

  it("draws a registered model's lineage back to its source file", async () => {
    const graph = await call('lineage.graph', { subject: 'model:bc' });
    const root = graph.items.find((i) => i.root)!;
    expect(root.kind).toBe('modelVersion');
    const file = graph.items.find((i) => i.kind === 'file')!;
    expect(file.label).toBe('breast_cancer.csv');
    expect(file.details).toContainEqual(['path', csv]);
    // Walk the links back from the model version to the file.
    const parents = new Map<string, string[]>();
    for (const l of graph.links) parents.set(l.to, [...(parents.get(l.to) ?? []), l.from]);
    const seen = new Set<string>();
    const queue = [root.id];
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push(...(parents.get(id) ?? []));
    }
    expect(seen.has(file.id)).toBe(true);
    expect(graph.items.some((i) => i.kind === 'step' && i.label === 'model')).toBe(true);
    await expect(service.call('lineage.graph', { subject: 'model:nope' })).rejects.toThrow(/no model "nope"/);
    await expect(service.call('lineage.graph', { subject: 'zzzzzzzz' })).rejects.toThrow(/neither a run id nor an artifact hash/);
  });

  it("draws a run's lineage with the run as its root", async () => {
    const graph = await call('lineage.graph', { subject: runIds[2] });
    expect(graph.items.find((i) => i.root)?.id).toBe(`run:${runIds[2]}`);
    // Its own steps, plus the other runs' steps that read the split it shares with them (cached here).
    const labels = new Set(graph.items.filter((i) => i.kind === 'step').map((i) => i.label));
    expect([...labels].sort()).toEqual(['bc', 'deploy', 'drift', 'evaluate', 'model', 'split']);
    const ownSteps = graph.links.filter((l) => l.from === `run:${runIds[2]}`).map((l) => graph.items.find((i) => i.id === l.to)!.label);
    expect(ownSteps.sort()).toEqual(['deploy', 'evaluate', 'model']);
  });
});

import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type ApiMethod, type ApiResponse, type PlumbEvent } from '../../src-shared/api/contract.js';
import type { OpenedBundle } from '../../src-shared/bundle/bundle-format.js';
import { findRecorded, PROFILE_REQUEST, SAMPLE_ROWS } from '../../src-shared/bundle/recorded-requests.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { createPlumbApp } from '../composition.js';
import { Playground } from '../inference/playground.js';
import type { ApiService } from './api-service.js';

/**
 * Review bundles through the real service: the telco churn pipeline (train, evaluate, ONNX
 * deploy, batch predict) runs in one state folder, is exported with its model, and is opened by a
 * second service on a fresh state folder (no data, no lineage): every status, metric, report,
 * chart answer and sample is there, and the bundled model predicts in the playground.
 */
let dir: string;
let file: string;
let analyst: ApiService;
let reviewer: ApiService;
let runId: string;
let withModels: ApiResponse<'bundle.export'>;
let opened: OpenedBundle;

const call = async <M extends ApiMethod>(service: ApiService, method: M, req: unknown): Promise<ApiResponse<M>> =>
  API[method].response.parse(await service.call(method, req)) as ApiResponse<M>;

async function runToEnd(service: ApiService, document: PipelineDocument, path: string): Promise<string> {
  let id = '';
  const done = new Promise<PlumbEvent>((ok) => {
    const off = service.onEvent((e) => {
      if (e.event === 'run' && e.status !== 'running' && (id === '' || e.run === id)) {
        off();
        ok(e);
      }
    });
  });
  id = (await call(service, 'run.start', { document, path })).runId;
  const end = await done;
  if (end.event !== 'run' || end.status !== 'succeeded') throw new Error(`run failed: ${JSON.stringify(end)}`);
  return id;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h1-bundle-api-'));
  file = join(dir, 'telco-churn-deploy.plumb');
  await copyFile(join(import.meta.dirname, '../../examples/telco-churn-deploy.plumb'), file);
  const loaded = parsePipelineText(await readFile(file, 'utf8'));
  if (!loaded.ok) throw new Error(loaded.reason);
  analyst = await createPlumbApp({ home: join(dir, 'analyst'), abilities: { host: 'browser' }, initialPath: null, workers: 1 });
  reviewer = await createPlumbApp({ home: join(dir, 'reviewer'), abilities: { host: 'browser' }, initialPath: null, workers: 1 });
  runId = await runToEnd(analyst, loaded.document, file);
  withModels = await call(analyst, 'bundle.export', { path: file, out: join(dir, 'churn-models.plumbz'), withModels: true });
  opened = await call(reviewer, 'bundle.open', { path: withModels.out });
}, 180_000);

afterAll(async () => {
  await analyst?.dispose();
  await reviewer?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('bundle.export and bundle.open', () => {
  it('carries every node status, timing and metric of the run to a fresh state folder', async () => {
    expect(withModels).toMatchObject({ entries: 6, warnings: [] });
    expect(withModels.bytes).toBe((await stat(withModels.out)).size);
    // The reviewer's state folder has no lineage of this run at all.
    await expect(reviewer.call('run.node', { runId, node: 'evaluate' })).rejects.toMatchObject({ code: 'not-found' });

    expect(opened.manifest).toMatchObject({ pipeline: { id: 'telco-churn-deploy' }, run: { id: runId, status: 'succeeded' }, withModels: true });
    const summary = opened.summary!;
    expect(summary.runId).toBe(runId);
    expect(summary.nodes.map((n) => [n.id, n.status, n.cached])).toEqual(
      ['telco', 'checks', 'split', 'scale', 'encode', 'model', 'evaluate', 'deploy', 'batch'].map((id) => [id, 'succeeded', false]),
    );
    expect(summary.nodes.every((n) => typeof n.ms === 'number' && n.error === null)).toBe(true);
    const byId = Object.fromEntries(summary.nodes.map((n) => [n.id, n]));
    expect(byId.checks.metrics).toMatchObject({ rows: 7043, rows_rejected: 11 });
    expect(byId.evaluate.metrics.accuracy).toBeCloseTo(0.8, 1);
    expect(byId.evaluate.metrics.roc_auc).toBeCloseTo(0.84, 1);
    expect(byId.model.params).toEqual({ max_iter: 1000, target: 'churn' });
    expect(byId.split.outputs.map((o) => [o.port, o.kind, o.rows, o.sampled])).toEqual([
      ['test', 'table', 1758, true],
      ['train', 'table', 5274, true],
    ]);
    expect(opened.warnings).toEqual([]);
    expect(opened.fileReferences).toEqual([]);
  });

  it('records the answers the app gave: evaluation report, charts, lineage, samples of at most 100 rows', async () => {
    const recorded = <M extends ApiMethod>(method: M, request: object) => {
      const found = findRecorded(opened.responses, method as never, request as never);
      expect(found, `${method} ${JSON.stringify(request)}`).toBeDefined();
      return API[method].response.parse(found!.response) as ApiResponse<M>;
    };
    // Exactly what the analyst's app answers to the same requests.
    expect(recorded('charts.run', { runId })).toEqual(await call(analyst, 'charts.run', { runId }));
    expect(recorded('lineage.graph', { subject: runId })).toEqual(await call(analyst, 'lineage.graph', { subject: runId }));
    expect(recorded('runs.list', { pipelineId: 'telco-churn-deploy' }).runs.map((r) => r.runId)).toEqual([runId]);
    expect(recorded('charts.experiments', { pipelineId: 'telco-churn-deploy' }).runIds).toEqual([runId]);
    expect(recorded('charts.driftReports', { pipelineId: 'telco-churn-deploy' }).reports).toEqual([]);

    const chart = recorded('charts.run', { runId });
    expect(chart.evaluations.map((e) => e.nodeId)).toEqual(['evaluate']);
    const report = recorded('run.output', { runId, node: 'evaluate', port: 'report' }).report as { kind: string; metrics: Record<string, number> };
    expect(report.kind).toBe('evaluation');
    expect(report.metrics.accuracy).toBeCloseTo(opened.summary!.nodes.find((n) => n.id === 'evaluate')!.metrics.accuracy, 12);
    expect(recorded('run.node', { runId, node: 'deploy' })).toMatchObject({ status: 'succeeded', cacheHit: false });

    for (const node of opened.summary!.nodes) {
      for (const out of node.outputs.filter((o) => o.kind === 'table')) {
        const preview = recorded('artifact.preview', { hash: out.hash, offset: 0, limit: SAMPLE_ROWS });
        expect(preview.rows.length).toBe(Math.min(SAMPLE_ROWS, out.rows!));
        expect(preview.totalRows).toBe(out.rows);
        expect(recorded('artifact.profile', { hash: out.hash, ...PROFILE_REQUEST }).rows).toBe(out.rows);
        expect(recorded('run.output', { runId, node: node.id, port: out.port }).preview!.rows.length).toBeLessThanOrEqual(SAMPLE_ROWS);
      }
    }
  });

  it('extracts the bundled model into the reviewer state folder, and the playground predicts with it', async () => {
    expect(opened.models).toHaveLength(1);
    const model = opened.models[0];
    expect(model).toMatchObject({ name: 'telco-churn', version: 1, nodeId: 'deploy', runId, onnxEntry: 'models/telco-churn-v1.onnx' });
    expect(model.metrics.accuracy).toBeCloseTo(0.8, 1);
    expect(model.extractedPath).toBe(join(dir, 'reviewer', 'reviews', opened.sha256, 'telco-churn-v1.onnx'));

    // The first recorded batch prediction, predicted again from the bundled model.
    const batch = findRecorded(opened.responses, 'run.output', { runId, node: 'batch', port: 'predictions' })!.response as ApiResponse<'run.output'>;
    const names = batch.preview!.columns.map((c) => c.name);
    const rows = batch.preview!.rows.slice(0, 5).map((r) => Object.fromEntries(model.inputSchema!.map((c) => [c.name, r[names.indexOf(c.name)] as number | string])));
    const playground = new Playground();
    try {
      const result = await playground.predict({ path: model.extractedPath! }, { rows });
      expect(result.predictions!.map((p) => ('label' in p ? p.label : null))).toEqual(batch.preview!.rows.slice(0, 5).map((r) => r[names.indexOf('prediction')]));
      const p = result.predictions![0];
      expect('probabilities' in p && p.probabilities!.true).toBeCloseTo(batch.preview!.rows[0][names.indexOf('p_true')] as number, 5);
    } finally {
      await playground.dispose();
    }
  });

  it('gives the same entries for the same run; only the manifest time changes', async () => {
    const again = await call(analyst, 'bundle.export', { path: file, out: join(dir, 'again.plumbz'), withModels: true });
    const second = await call(reviewer, 'bundle.open', { path: again.out });
    expect(second.manifest.entries).toEqual(opened.manifest.entries);
    const without = await call(analyst, 'bundle.export', { path: file, out: join(dir, 'no-models.plumbz') });
    expect(without.entries).toBe(5);
    const lean = await call(reviewer, 'bundle.open', { path: without.out });
    expect(lean.models.map((m) => [m.name, m.onnxEntry, m.extractedPath])).toEqual([['telco-churn', null, null]]);
    expect(without.bytes).toBeLessThan(withModels.bytes);
  });

  it('leaves the rows of nodes without samples out, run.output previews included', async () => {
    const out = join(dir, 'no-split-rows.plumbz');
    await call(analyst, 'bundle.export', { path: file, out, noSamples: ['split', 'telco'] });
    const b = await call(reviewer, 'bundle.open', { path: out });
    const split = b.summary!.nodes.find((n) => n.id === 'split')!;
    expect(split.outputs.map((o) => o.sampled)).toEqual([false, false]);
    expect(b.summary!.nodes.find((n) => n.id === 'checks')!.outputs.find((o) => o.port === 'out')!.sampled).toBe(true);
    for (const o of split.outputs) {
      expect(findRecorded(b.responses, 'artifact.preview', { hash: o.hash, offset: 0, limit: SAMPLE_ROWS })).toBeUndefined();
      expect(findRecorded(b.responses, 'artifact.profile', { hash: o.hash, ...PROFILE_REQUEST })).toBeUndefined();
      const output = findRecorded(b.responses, 'run.output', { runId, node: 'split', port: o.port })!.response as ApiResponse<'run.output'>;
      expect(output.summary.rows).toBe(o.rows);
      expect(output.preview).toBeUndefined();
    }

    const none = join(dir, 'no-rows.plumbz');
    await call(analyst, 'bundle.export', { path: file, out: none, samples: false });
    const bare = await call(reviewer, 'bundle.open', { path: none });
    expect(bare.responses.filter((r) => r.method === 'artifact.preview' || r.method === 'artifact.profile')).toEqual([]);
    expect(bare.responses.filter((r) => r.method === 'run.output').every((r) => (r.response as { preview?: unknown }).preview === undefined)).toBe(true);
    // A customer row of the sample data appears nowhere in the file.
    const firstRow = (await readFile(join(import.meta.dirname, '../../samples/telco_churn.csv'), 'utf8')).split('\n')[1];
    expect((await readFile(none)).includes(firstRow)).toBe(false);

    await expect(analyst.call('bundle.export', { path: file, out, noSamples: ['nope'] })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringContaining('no node "nope"') });
    await expect(analyst.call('bundle.export', { path: file, out, overwrite: false })).rejects.toMatchObject({ code: 'exists', message: `${out} already exists` });
    await expect(analyst.call('bundle.export', { path: file, out: join(dir, 'x.zip') })).rejects.toMatchObject({ code: 'bad-path' });
    await expect(analyst.call('bundle.export', { path: join(dir, 'nope.plumb'), out: join(dir, 'n.plumbz') })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('saves review comments into a new bundle, never over the original', async () => {
    const comments = [
      { id: 'c1', nodeId: 'evaluate', author: 'reviewer', text: 'Accuracy is fine; show recall per class.', createdAt: '2026-01-02T10:00:00.000Z' },
      { id: 'c2', nodeId: null, author: 'reviewer', text: 'Ship it after the recall check.', createdAt: '2026-01-02T10:05:00.000Z' },
    ];
    await expect(reviewer.call('bundle.saveComments', { sha256: opened.sha256, out: withModels.out, comments })).rejects.toMatchObject({
      code: 'would-overwrite',
      message: `${withModels.out} would overwrite the bundle under review: choose a new name`,
    });
    const out = join(dir, 'churn-reviewed.plumbz');
    const saved = await call(reviewer, 'bundle.saveComments', { sha256: opened.sha256, out, comments });
    await expect(reviewer.call('bundle.saveComments', { sha256: opened.sha256, out, comments })).rejects.toMatchObject({ code: 'exists' });
    await expect(reviewer.call('bundle.saveComments', { sha256: 'f'.repeat(64), out: join(dir, 'other.plumbz'), comments })).rejects.toMatchObject({ code: 'not-found' });
    expect((await readFile(withModels.out)).length).toBe(withModels.bytes);

    const reviewed = await call(reviewer, 'bundle.open', { path: out });
    expect(reviewed.sha256).toBe(saved.sha256);
    expect(reviewed.comments).toEqual(comments);
    expect(reviewed.manifest.derivedFrom).toBe(opened.sha256);
    expect(reviewed.manifest.entries.filter((e) => e.path !== 'comments.json')).toEqual(opened.manifest.entries);
    expect(reviewed.summary).toEqual(opened.summary);

    // A file dropped on the browser window arrives as base64, with no path.
    const dropped = await call(reviewer, 'bundle.open', { name: 'churn-reviewed.plumbz', base64: (await readFile(out)).toString('base64') });
    expect(dropped).toMatchObject({ path: 'churn-reviewed.plumbz', sha256: saved.sha256, comments });
  });
});

import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../nodes/index.js';
import { API, type ApiMethod, type ApiResponse } from '../../src-shared/api/contract.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { DirStore } from '../cluster/dir-store.js';
import { runStep } from '../cluster/step.js';
import { createPlumbApp } from '../composition.js';
import type { ApiCallError, ApiService } from './api-service.js';

// cluster.compile and cluster.sync through the real service, as the app's two commands call them.
const ROOT = join(import.meta.dirname, '../..');
let dir: string;
let service: ApiService;
let pipelineFile: string;

const call = async <M extends ApiMethod>(method: M, req: unknown): Promise<ApiResponse<M>> => API[method].response.parse(await service.call(method, req)) as ApiResponse<M>;
const refusal = async (method: ApiMethod, req: unknown): Promise<ApiCallError> => {
  try {
    await service.call(method, req);
  } catch (e) {
    return e as ApiCallError;
  }
  throw new Error(`${method} did not refuse`);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h6-api-'));
  await mkdir(join(dir, 'pipelines'));
  await mkdir(join(dir, 'samples'));
  pipelineFile = join(dir, 'pipelines', 'penguins.plumb');
  await copyFile(join(ROOT, 'examples/penguins-profile.plumb'), pipelineFile);
  await copyFile(join(ROOT, 'samples/penguins.csv'), join(dir, 'samples/penguins.csv'));
  service = await createPlumbApp({ home: join(dir, 'home'), abilities: { host: 'browser' }, initialPath: null, workers: 1 });
});
afterAll(async () => {
  await service.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('cluster.compile', () => {
  it('writes the manifest next to the pipeline, and asks before replacing it', async () => {
    const done = await call('cluster.compile', { path: pipelineFile, image: 'ghcr.io/acme/plumb:1', store: '/store', namespace: 'ml', pvc: 'shared' });
    expect(done).toMatchObject({ out: join(dir, 'pipelines', 'penguins.argo.yaml'), tasks: 2 });
    expect(done.warnings[0]).toContain('"../samples/penguins.csv" is relative');
    const manifest = parse(await readFile(done.out, 'utf8')) as { kind: string; metadata: { namespace: string }; spec: { volumes: { persistentVolumeClaim: { claimName: string } }[] } };
    expect(manifest.kind).toBe('Workflow');
    expect(manifest.metadata.namespace).toBe('ml');
    expect(manifest.spec.volumes[0].persistentVolumeClaim.claimName).toBe('shared');
    expect((await refusal('cluster.compile', { path: pipelineFile, image: 'x', store: '/store', overwrite: false })).code).toBe('exists');
  });

  it('refuses a relative store path and a missing pipeline with the reason', async () => {
    const bad = await refusal('cluster.compile', { path: pipelineFile, image: 'x', store: 'store' });
    expect([bad.code, bad.message]).toEqual(['bad-request', '--store: "store" must be an absolute path: where the volume is mounted in each pod']);
    expect((await refusal('cluster.compile', { path: join(dir, 'none.plumb'), image: 'x', store: '/s' })).code).toBe('not-found');
  });
});

describe('cluster.sync', () => {
  it('imports a store\'s runs: runs.list and the experiments view show them; twice adds nothing', async () => {
    const loaded = parsePipelineText(await readFile(pipelineFile, 'utf8'));
    if (!loaded.ok) throw new Error(loaded.reason);
    const store = new DirStore(join(dir, 'store'));
    await store.init();
    for (const node of ['read_penguins', 'profile']) await runStep({ document: loaded.document, path: pipelineFile, node, runId: 'wf-abc12', store, catalogue });

    const first = await call('cluster.sync', { store: store.location });
    expect(first).toEqual({ imported: [{ runId: 'wf-abc12', status: 'succeeded', nodes: 2 }], skipped: [] });
    expect(await call('cluster.sync', { store: store.location })).toEqual({ imported: [], skipped: [{ runId: 'wf-abc12', reason: 'already imported' }] });
    const runs = await call('runs.list', { pipelineId: 'penguins-profile' });
    expect(runs.runs.map((r) => [r.runId, r.status, r.nodes])).toEqual([['wf-abc12', 'succeeded', 2]]);
    const experiments = await call('runs.experiments', { pipelineId: 'penguins-profile' });
    expect(experiments.rows.map((r) => r.runId)).toEqual(['wf-abc12']);
    expect((await refusal('cluster.sync', { store: join(dir, 'nowhere') })).code).toBe('not-found');
  });
});

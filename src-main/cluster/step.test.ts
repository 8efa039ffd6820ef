import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../nodes/index.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { ArtifactStore } from '../engine/artifact-store.js';
import { LineageStore } from '../lineage/lineage-store.js';
import { DirStore } from './dir-store.js';
import { runStep, StepInputError } from './step.js';
import { StoreError, TornArtifactError } from './store.js';
import { syncStore } from './sync.js';

// Step mode in-process (no `plumb` process start per step): the logic, on the shipped example.
const ROOT = join(import.meta.dirname, '../..');
const FILE = join(ROOT, 'examples/penguins-profile.plumb');

let dir: string;
let store: DirStore;
let doc: PipelineDocument;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h6-step-'));
  store = new DirStore(join(dir, 'store'));
  await store.init();
  const loaded = parsePipelineText(await readFile(FILE, 'utf8'));
  if (!loaded.ok) throw new Error(loaded.reason);
  doc = loaded.document;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const step = (node: string, runId: string) => runStep({ document: doc, path: FILE, node, runId, store, catalogue });

describe('step mode', () => {
  it('refuses a step whose upstream step has not run, naming it', async () => {
    await expect(step('profile', 'run-a')).rejects.toThrow(StepInputError);
    await expect(step('profile', 'run-a')).rejects.toThrow(/upstream node "read_penguins" has no outputs in the store/);
    expect(await store.getStep('run-a', 'profile')).toBeUndefined();
  });

  it('runs one node per call, reading inputs from the store and recording the facts', async () => {
    const first = (await step('read_penguins', 'run-a')).record;
    expect(first).toMatchObject({ node: 'read_penguins', type: 'ingest.csv', status: 'succeeded', cached: false, error: null });
    expect(first.outputs.out).toMatchObject({ kind: 'table', rows: 344, file: expect.stringMatching(/^artifacts\/[0-9a-f]{2}\/[0-9a-f]{64}\.parquet$/) });
    // The source file is an input, by content hash, as the local lineage records it.
    expect(first.inputs.path).toMatchObject({ kind: 'file', file: join(ROOT, 'samples/penguins.csv') });
    expect(first.keyParts.files.path).toBe(first.inputs.path.hash);

    const second = (await step('profile', 'run-a')).record;
    expect(second).toMatchObject({ node: 'profile', status: 'succeeded', cached: false });
    expect(second.inputs.in.hash).toBe(first.outputs.out.hash);
    expect(second.outputs.report.kind).toBe('report');
    expect(JSON.parse(await readFile(store.pathOf(second.outputs.report), 'utf8'))).toMatchObject({ rows: 344 });
    expect((await store.listSteps('run-a')).map((s) => s.node)).toEqual(['profile', 'read_penguins']);
    expect(await store.getRunDocument('run-a')).toContain('"id": "penguins-profile"');
  });

  it('skips the work when the store holds outputs for the cache key (a cached step)', async () => {
    const a = (await store.getStep('run-a', 'profile'))!;
    const b = (await step('profile', 'run-b')).record;
    expect(b).toMatchObject({ status: 'cached', cached: true, cacheKey: a.cacheKey });
    expect(b.outputs).toEqual(a.outputs);
    expect(b.metrics).toEqual(a.metrics);
    expect((await step('read_penguins', 'run-b')).record.status).toBe('cached');
  });

  it('imports the runs into a local lineage store, once', async () => {
    const home = join(dir, 'home');
    const artifacts = new ArtifactStore(home);
    await artifacts.init();
    const lineage = LineageStore.open(join(home, 'lineage.db'));
    try {
      const first = await syncStore(store, lineage, artifacts);
      expect(first.imported.map((r) => [r.runId, r.status, r.nodes])).toEqual([
        ['run-a', 'succeeded', 2],
        ['run-b', 'succeeded', 2],
      ]);
      const again = await syncStore(store, lineage, artifacts);
      expect(again.imported).toEqual([]);
      expect(again.skipped.map((s) => s.reason)).toEqual(['already imported', 'already imported']);
      expect(lineage.listRuns().length).toBe(2);

      const run = lineage.getRun('run-a')!;
      const stepA = (await store.getStep('run-a', 'profile'))!;
      const profile = run.nodeRuns.find((n) => n.nodeId === 'profile')!;
      expect(profile).toMatchObject({ status: 'succeeded', cacheKey: stepA.cacheKey, cacheHit: false });
      expect(profile.outputs.map((o) => o.hash)).toEqual([stepA.outputs.report.hash]);
      // Copied into the local artifact store: previews and `plumb show` read it there.
      expect(profile.outputs[0].path.startsWith(artifacts.root)).toBe(true);
      expect(JSON.parse(await readFile(profile.outputs[0].path, 'utf8'))).toMatchObject({ rows: 344 });
      expect(lineage.getRun('run-b')!.nodeRuns.every((n) => n.cacheHit)).toBe(true);
      // Upstream of the run reaches the source file, as for a local run.
      const graph = lineage.lineage('run-a')!;
      expect(graph.upstream.some((s) => s.inputs.some((i) => i.kind === 'file'))).toBe(true);
      // The cluster's outputs are local cache entries now.
      expect(lineage.cacheGet(stepA.cacheKey)?.report.hash).toBe(stepA.outputs.report.hash);
    } finally {
      lineage.close();
    }
  });

  it('runs a step again when its own stored output is torn, replacing it', async () => {
    const a = (await store.getStep('run-a', 'profile'))!;
    const file = store.pathOf(a.outputs.report);
    await writeFile(file, '{"torn": true}\n');
    await expect(store.readArtifact(a.outputs.report)).rejects.toThrow(TornArtifactError);
    const c = (await step('profile', 'run-c')).record;
    expect(c).toMatchObject({ status: 'succeeded', cached: false });
    expect(c.outputs.report.hash).toBe(a.outputs.report.hash);
    expect(await store.readArtifact(c.outputs.report)).toBe(file);
  });

  it('never reads a torn input: the step fails naming the artifact', async () => {
    const a = (await store.getStep('run-a', 'read_penguins'))!;
    const file = store.pathOf(a.outputs.out);
    const good = await readFile(file);
    await writeFile(file, Buffer.concat([good.subarray(0, good.length - 10), Buffer.from('0123456789')]));
    const failure = step('profile', 'run-d');
    await expect(failure).rejects.toThrow(TornArtifactError);
    await expect(step('profile', 'run-d')).rejects.toThrow(`artifact ${a.outputs.out.hash} in the store is torn`);
    expect(await store.getStep('run-d', 'profile')).toBeUndefined();

    // Sync refuses a run that names it too.
    await store.putStep({ ...a, runId: 'run-e' });
    await store.putStep({ ...(await store.getStep('run-a', 'profile'))!, runId: 'run-e' });
    await store.putRunDocument('run-e', (await store.getRunDocument('run-a'))!);
    const home = join(dir, 'home2');
    const artifacts = new ArtifactStore(home);
    await artifacts.init();
    const lineage = LineageStore.open(join(home, 'lineage.db'));
    try {
      const result = await syncStore(store, lineage, artifacts);
      expect(result.skipped.find((s) => s.runId === 'run-e')?.reason).toContain(`artifact ${a.outputs.out.hash} in the store is torn`);
      expect(lineage.getRun('run-e')).toBeUndefined();
    } finally {
      lineage.close();
    }
  });
});

describe('directory store', () => {
  it('refuses a folder it cannot write, naming it', async () => {
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'x');
    const bad = new DirStore(join(blocker, 'store'));
    await expect(bad.init()).rejects.toThrow(StoreError);
    await expect(bad.init()).rejects.toThrow(`store ${join(blocker, 'store')} is not a writable folder`);
  });

  it('refuses to store a file under a hash it does not have', async () => {
    const f = join(dir, 'wrong.json');
    await writeFile(f, '{}');
    await expect(store.putArtifact(f, { hash: 'a'.repeat(64), kind: 'report', path: f, bytes: 2 })).rejects.toThrow(TornArtifactError);
    expect(await store.hasArtifact({ hash: 'a'.repeat(64), kind: 'report', file: `artifacts/aa/${'a'.repeat(64)}.json`, bytes: 2 })).toBe(false);
  });
});

describe('model registrations', () => {
  it('a deploy.onnx step\'s registration comes back with plumb sync, into the local registry', async () => {
    const file = join(ROOT, 'examples/telco-churn-deploy.plumb');
    const loaded = parsePipelineText(await readFile(file, 'utf8'));
    if (!loaded.ok) throw new Error(loaded.reason);
    const deployStore = new DirStore(join(dir, 'deploy-store'));
    await deployStore.init();
    for (const node of ['telco', 'checks', 'split', 'scale', 'encode', 'model', 'evaluate', 'deploy', 'batch']) {
      const { record } = await runStep({ document: loaded.document, path: file, node, runId: 'wf-deploy', store: deployStore, catalogue });
      expect(record.status, `${node}: ${record.error?.message ?? ''}`).toBe('succeeded');
    }
    const deploy = (await deployStore.getStep('wf-deploy', 'deploy'))!;
    expect(deploy.registrations).toEqual([
      expect.objectContaining({ name: 'telco-churn', artifactHash: deploy.inputs.model.hash, onnxHash: deploy.outputs.onnx.hash, stage: 'none' }),
    ]);

    const home = join(dir, 'deploy-home');
    const artifacts = new ArtifactStore(home);
    await artifacts.init();
    const lineage = LineageStore.open(join(home, 'lineage.db'));
    try {
      expect((await syncStore(deployStore, lineage, artifacts)).imported).toEqual([{ runId: 'wf-deploy', status: 'succeeded', nodes: 9 }]);
      const model = lineage.getModel('telco-churn')!;
      expect(model.versions).toHaveLength(1);
      expect(model.versions[0]).toMatchObject({ version: 1, runId: 'wf-deploy', nodeId: 'deploy', artifactHash: deploy.inputs.model.hash, onnxHash: deploy.outputs.onnx.hash });
      expect(model.versions[0].metrics.roc_auc).toBeGreaterThan(0.8);
    } finally {
      lineage.close();
    }
  }, 120_000);
});

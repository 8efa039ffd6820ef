import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API } from '../../src-shared/api/contract.js';
import { createPlumbApp } from '../composition.js';
import { LineageStore } from '../lineage/lineage-store.js';
import { osUserName } from '../lineage/model-registry.js';
import type { ApiService } from './api-service.js';

/** models.list / models.get / models.stage through the real service, over a store with two versions. */
const hash = (s: string): string => createHash('sha256').update(s).digest('hex');
let dir: string;
let service: ApiService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'registry-api-'));
  const home = join(dir, 'home');
  const store = LineageStore.open(join(home, 'lineage.db'));
  for (const n of ['m1', 'm2']) {
    store.putArtifact({ hash: hash(n), kind: 'model', path: `/x/${n}.model.json`, bytes: 1 });
    store.putArtifact({ hash: hash(`${n}.onnx`), kind: 'model', path: `/x/${n}.onnx`, bytes: 1 });
  }
  store.registerModelVersion({ name: 'churn', artifactHash: hash('m1'), onnxHash: hash('m1.onnx'), stage: 'production', comment: 'first', metrics: { accuracy: 0.8 } });
  store.registerModelVersion({ name: 'churn', artifactHash: hash('m2'), onnxHash: hash('m2.onnx'), metrics: { accuracy: 0.82 }, inputSchema: [{ name: 'tenure', type: 'BIGINT' }] });
  store.close();
  service = await createPlumbApp({ home, abilities: { host: 'browser' }, initialPath: null, workers: 1 });
});
afterAll(async () => {
  await service.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('registry API through the service', () => {
  it('lists models and gets one with its versions, metrics, input schema and audit trail', async () => {
    const list = API['models.list'].response.parse(await service.call('models.list', {}));
    expect(list.models.map((m) => [m.name, m.versions.map((v) => [v.version, v.stage, v.metrics.accuracy])])).toEqual([
      ['churn', [[1, 'production', 0.8], [2, 'none', 0.82]]],
    ]);
    const got = API['models.get'].response.parse(await service.call('models.get', { name: 'churn' }));
    expect(got.model.versions[1].inputSchema).toEqual([{ name: 'tenure', type: 'BIGINT' }]);
    expect(got.model.events.map((e) => [e.version, e.from, e.to, e.comment])).toEqual([
      [1, null, 'production', 'first'],
      [2, null, 'none', 'registered'],
    ]);
    await expect(service.call('models.get', { name: 'nope' })).rejects.toMatchObject({ code: 'not-found', message: 'no model "nope" in the registry' });
    await expect(service.call('models.get', { name: 'a b' })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('moves a version with a required comment; promotion archives the production version, audited', async () => {
    await expect(service.call('models.stage', { name: 'churn', version: 2, stage: 'production', comment: '  ' })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/comment \(why\) is required/),
    });
    await expect(service.call('models.stage', { name: 'churn', version: 5, stage: 'staging', comment: 'x' })).rejects.toMatchObject({ code: 'not-found' });
    const change = API['models.stage'].response.parse(await service.call('models.stage', { name: 'churn', version: 2, stage: 'production', comment: 'better accuracy' }));
    expect(change).toEqual({ name: 'churn', version: 2, from: 'none', to: 'production', changed: true, archived: [1] });
    const got = API['models.get'].response.parse(await service.call('models.get', { name: 'churn' }));
    expect(got.model.versions.map((v) => v.stage)).toEqual(['archived', 'production']);
    expect(got.model.events.slice(-2)).toEqual([
      { version: 2, from: 'none', to: 'production', actor: osUserName(), comment: 'better accuracy', at: expect.any(Number) },
      { version: 1, from: 'production', to: 'archived', actor: osUserName(), comment: 'archived automatically: version 2 was promoted to production', at: expect.any(Number) },
    ]);
  });
});

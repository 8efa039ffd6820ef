import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type PlumbEvent } from '../../src-shared/api/contract.js';
import { emptyDocument, type PipelineDocument } from '../../src-shared/pipeline/document.js';
import { createPlumbApp } from '../composition.js';
import type { ApiService } from './api-service.js';

/**
 * The inspector's reads through the real service, after a real run of the shipped telco_churn
 * sample (7,043 rows): paging the preview, the per-column profile, and one node's recorded run.
 */
let dir: string;
let service: ApiService;
let runId: string;
let tableHash: string;
let failedRunId: string;

const doc = (nodes: PipelineDocument['nodes'], edges: PipelineDocument['edges'] = []): PipelineDocument => ({
  ...emptyDocument('inspector-test', 'Inspector test'),
  nodes,
  edges,
});

async function runToEnd(document: PipelineDocument): Promise<{ runId: string; events: PlumbEvent[] }> {
  const events: PlumbEvent[] = [];
  let id = '';
  const done = new Promise<void>((resolveDone) => {
    const off = service.onEvent((e) => {
      events.push(e);
      if (e.event === 'run' && e.status !== 'running' && (id === '' || e.run === id)) {
        off();
        resolveDone();
      }
    });
  });
  id = API['run.start'].response.parse(await service.call('run.start', { document, path: null })).runId;
  await done;
  return { runId: id, events };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inspector-api-'));
  service = await createPlumbApp({ home: join(dir, 'home'), abilities: { host: 'browser' }, initialPath: null, workers: 1 });
  const ok = await runToEnd(
    doc([{ id: 'telco', type: 'ingest.sample', typeVersion: 1, position: { x: 0, y: 0 }, params: { dataset: 'telco_churn' } }]),
  );
  runId = ok.runId;
  const node = ok.events.find((e) => e.event === 'node' && e.node === 'telco' && e.outputs);
  if (node?.event !== 'node' || !node.outputs) throw new Error(`telco did not produce outputs: ${JSON.stringify(ok.events)}`);
  tableHash = node.outputs.find((o) => o.port === 'out')!.hash;
  const bad = await runToEnd(
    doc([{ id: 'missing', type: 'ingest.csv', typeVersion: 1, position: { x: 0, y: 0 }, params: { path: join(dir, 'nope.csv') } }]),
  );
  failedRunId = bad.runId;
}, 60_000);

afterAll(async () => {
  await service.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('inspector API through the service', () => {
  it('pages a table: any offset, the total from the footer, rows in file order', async () => {
    const first = API['artifact.preview'].response.parse(await service.call('artifact.preview', { hash: tableHash, offset: 0, limit: 3 }));
    expect(first.totalRows).toBe(7043);
    expect(first.columns.slice(0, 2)).toEqual([{ name: 'churn', type: 'BOOLEAN' }, { name: 'female', type: 'BIGINT' }]);
    const last = API['artifact.preview'].response.parse(await service.call('artifact.preview', { hash: tableHash, offset: 7040, limit: 1000 }));
    expect(last.offset).toBe(7040);
    expect(last.rows).toHaveLength(3);
    // Two overlapping pages agree on the rows they share: paging is stable.
    const overlap = API['artifact.preview'].response.parse(await service.call('artifact.preview', { hash: tableHash, offset: 2, limit: 2 }));
    expect(overlap.rows[0]).toEqual(first.rows[2]);
  });

  it('profiles every column of a table artifact with histograms and top values', async () => {
    const profile = API['artifact.profile'].response.parse(await service.call('artifact.profile', { hash: tableHash, bins: 10 }));
    expect(profile.rows).toBe(7043);
    const byName = new Map(profile.columns.map((c) => [c.name, c]));
    const tenure = byName.get('tenure')!;
    expect(tenure.histogram?.counts).toHaveLength(10);
    expect(tenure.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(7043);
    expect([tenure.min, tenure.max]).toEqual([0, 72]);
    // The sample's 11 customers with no total charges are missing values, not binned.
    const total = byName.get('total_charges')!;
    expect(total.nulls).toBe(11);
    expect(total.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(7043 - 11);
    const contract = byName.get('contract')!;
    expect(contract.topValues?.map((t) => t.value)).toEqual(['Month-to-month', 'Two year', 'One year']);
    expect(contract.topValues?.reduce((a, t) => a + t.count, 0)).toBe(7043);
    // Asked again, the same answer (kept, since an artifact never changes).
    expect(await service.call('artifact.profile', { hash: tableHash, bins: 10 })).toEqual(profile);
  });

  it('refuses what is not a stored table, by name', async () => {
    await expect(service.call('artifact.profile', { hash: 'abcdef0123' })).rejects.toMatchObject({ code: 'not-found', message: 'no artifact "abcdef0123"' });
    await expect(service.call('artifact.profile', { hash: 'NOT-HEX' })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it("reads one node's recorded run: timings, cache hit and, for a failure, its error", async () => {
    const ok = API['run.node'].response.parse(await service.call('run.node', { runId, node: 'telco' }));
    expect(ok).toMatchObject({ runId, node: 'telco', status: 'succeeded', cacheHit: false, error: null });
    expect(ok.endedAt! - ok.startedAt).toBe(ok.ms);

    const failed = API['run.node'].response.parse(await service.call('run.node', { runId: failedRunId, node: 'missing' }));
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toContain('nope.csv');

    await expect(service.call('run.node', { runId, node: 'ghost' })).rejects.toMatchObject({
      code: 'not-found',
      message: `node "ghost" did not run in run ${runId}`,
    });
    await expect(service.call('run.node', { runId: 'no-such-run', node: 'telco' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

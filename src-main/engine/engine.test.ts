import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finalNodeEvents, openTestEngine, testDocument, testEdge, testNode, type TestEngine } from '../test-nodes/test-engine.js';

const SAMPLE = join(import.meta.dirname, '../../samples/penguins.csv');

let t: TestEngine;
beforeAll(async () => {
  t = await openTestEngine({ workers: 2 });
  await t.engine.warmUp();
});
afterAll(async () => {
  await t.dispose();
});

/** a -> (b, c) -> d: b and c can run at the same time. */
const diamond = (sleepMs: number, id: string) =>
  testDocument(
    [
      testNode('a', 'test.step', { value: 'a' }),
      testNode('b', 'test.step', { value: 'b', sleepMs }),
      testNode('c', 'test.step', { value: 'c', sleepMs }),
      testNode('d', 'test.step', { value: 'd' }),
    ],
    [testEdge('a', 'b'), testEdge('a', 'c'), testEdge('b', 'd', 'a'), testEdge('c', 'd', 'b')],
    id,
  );

const hashesOf = (runId: string): Record<string, string> => {
  const run = t.lineage.getRun(runId)!;
  return Object.fromEntries(run.nodeRuns.flatMap((n) => n.outputs.map((o) => [`${n.nodeId}.${o.port}`, o.hash])));
};

describe('scheduling', () => {
  it('runs the two branches of a diamond at the same time', async () => {
    const { outcome } = await t.run(diamond(400, 'diamond'));
    expect(outcome.status).toBe('succeeded');
    const nodes = new Map(t.lineage.getRun(outcome.runId)!.nodeRuns.map((n) => [n.nodeId, n]));
    const b = nodes.get('b')!;
    const c = nodes.get('c')!;
    // Overlapping intervals: each started before the other ended.
    expect(b.startedAt).toBeLessThan(c.endedAt!);
    expect(c.startedAt).toBeLessThan(b.endedAt!);
    // d waited for both.
    expect(nodes.get('d')!.startedAt).toBeGreaterThanOrEqual(Math.max(b.endedAt!, c.endedAt!));
    const d = JSON.parse(await readFile(nodes.get('d')!.outputs[0].path, 'utf8')) as { from: Record<string, { value: string }> };
    expect(d.from.a.value).toBe('b');
    expect(d.from.b.value).toBe('c');
  });

  it('fails a throwing node with its message while an independent branch finishes', async () => {
    const doc = testDocument(
      [
        testNode('bad', 'test.step', { fail: 'the model exploded' }),
        testNode('after_bad', 'test.step'),
        testNode('good', 'test.step', { value: 'fine', sleepMs: 200 }),
        testNode('after_good', 'test.step'),
      ],
      [testEdge('bad', 'after_bad'), testEdge('good', 'after_good')],
      'throwing',
    );
    const { outcome, events } = await t.run(doc);
    expect(outcome.status).toBe('failed');
    const final = finalNodeEvents(events);
    expect(final.get('bad')).toMatchObject({ status: 'failed', error: 'the model exploded' });
    expect(final.get('after_bad')?.status).toBe('skipped');
    expect(final.get('good')?.status).toBe('succeeded');
    expect(final.get('after_good')?.status).toBe('succeeded');
    const bad = t.lineage.getRun(outcome.runId)!.nodeRuns.find((n) => n.nodeId === 'bad')!;
    expect(bad.error?.message).toBe('the model exploded');
    expect(bad.outputs).toEqual([]);
    // The partial file it wrote went with its temp folder.
    expect((await readdir(t.store.tmpRoot)).filter((n) => n.startsWith(`${process.pid}-`))).toEqual([]);
  });

  it('fails a run "until" a node that does not exist, saying so', async () => {
    const { outcome } = await t.run(diamond(0, 'until-missing'), { mode: 'until', target: 'nope' });
    expect(outcome).toMatchObject({ status: 'failed', error: 'no node "nope" to run until' });
  });

  it('runs only what a node needs with until, and re-runs one node with node mode', async () => {
    const doc = diamond(0, 'modes');
    const until = await t.run(doc, { mode: 'until', target: 'b' });
    expect([...finalNodeEvents(until.events).keys()].sort()).toEqual(['a', 'b']);
    const rerun = await t.run(doc, { mode: 'node', target: 'b' });
    const final = finalNodeEvents(rerun.events);
    expect(final.get('a')?.status).toBe('cached');
    expect(final.get('b')?.status).toBe('succeeded');
    expect(final.has('d')).toBe(false);
  });
});

describe('cache', () => {
  it('serves an unchanged pipeline from the cache with identical artifact hashes', async () => {
    const doc = testDocument(
      [testNode('read', 'ingest.csv', { path: SAMPLE }), testNode('profile', 'validate.profile'), testNode('model', 'test.model')],
      [testEdge('read', 'profile', 'in', 'out'), testEdge('read', 'model', 'train', 'out')],
      'cache-same',
    );
    const first = await t.run(doc);
    expect(first.outcome.status).toBe('succeeded');
    const second = await t.run(doc);
    expect(second.outcome.status).toBe('succeeded');
    expect([...finalNodeEvents(second.events).values()].map((e) => [e.status, e.cached])).toEqual([
      ['cached', true],
      ['cached', true],
      ['cached', true],
    ]);
    expect(hashesOf(second.outcome.runId)).toEqual(hashesOf(first.outcome.runId));
    const summary = t.lineage.listRuns({ pipelineId: 'cache-same', limit: 1 })[0];
    expect(summary).toMatchObject({ runId: second.outcome.runId, nodes: 3, cached: 3 });
  });

  it('re-runs exactly the changed node and its descendants, and explains why', async () => {
    const doc = diamond(0, 'cache-change');
    await t.run(doc);
    const changed = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'b' ? { ...n, params: { ...n.params, value: 'B2' } } : n)) };
    const explained = new Map((await t.engine.explain(changed, null)).map((e) => [e.node, e]));
    expect(explained.get('a')).toMatchObject({ cached: true, reasons: [] });
    expect(explained.get('b')).toMatchObject({ cached: false, reasons: ['params changed: value'] });
    expect(explained.get('c')).toMatchObject({ cached: true });
    expect(explained.get('d')).toMatchObject({ cached: false, reasons: ['input changed: a'] });

    const { events } = await t.run(changed);
    const statuses = Object.fromEntries([...finalNodeEvents(events)].map(([id, e]) => [id, e.status]));
    expect(statuses).toEqual({ a: 'cached', b: 'succeeded', c: 'cached', d: 'succeeded' });
  });

  it('re-reads a source whose file content changed', async () => {
    const csv = join(t.home, 'changing.csv');
    await writeFile(csv, 'x,y\n1,2\n');
    const doc = testDocument([testNode('read', 'ingest.csv', { path: csv })], [], 'file-change');
    await t.run(doc);
    await writeFile(csv, 'x,y\n1,2\n3,4\n');
    const [entry] = await t.engine.explain(doc, null);
    expect(entry).toMatchObject({ cached: false, reasons: ['file changed: path'] });
    const { events, outcome } = await t.run(doc);
    expect(finalNodeEvents(events).get('read')?.status).toBe('succeeded');
    expect(t.lineage.getRun(outcome.runId)!.nodeRuns[0].outputs.find((o) => o.port === 'out')?.rows).toBe(2);
  });

  it('recomputes an artifact that was evicted from the cache', async () => {
    const doc = testDocument([testNode('only', 'test.step', { value: 'evict-me' })], [], 'evicted');
    const first = await t.run(doc);
    const out = t.lineage.getRun(first.outcome.runId)!.nodeRuns[0].outputs[0];
    t.lineage.markEvicted(out.hash);
    const { events } = await t.run(doc);
    expect(finalNodeEvents(events).get('only')?.status).toBe('succeeded');
  });
});

describe('artifact metadata', () => {
  it('hands fitted state downstream, and keeps equal tables with different chains apart', async () => {
    const doc = testDocument(
      [testNode('read', 'ingest.csv', { path: SAMPLE }), testNode('fit1', 'test.fit', { step: 'scale' }), testNode('fit2', 'test.fit', { step: 'encode' })],
      [testEdge('read', 'fit1', 'in', 'out'), testEdge('fit1', 'fit2', 'in', 'out')],
      'meta',
    );
    const { outcome } = await t.run(doc);
    expect(outcome.status).toBe('succeeded');
    const nodes = new Map(t.lineage.getRun(outcome.runId)!.nodeRuns.map((n) => [n.nodeId, n.outputs.find((o) => o.port === 'out')!]));
    expect(nodes.get('fit2')!.meta).toEqual({ chain: [{ step: 'scale' }, { step: 'encode' }] });
    // Same rows, different chains: different artifacts.
    expect(nodes.get('fit1')!.hash).not.toBe(nodes.get('fit2')!.hash);
    expect(nodes.get('read')!.meta).toBeUndefined();
    // And the metadata survives a cache hit.
    const again = await t.run(doc);
    const cached = t.lineage.getRun(again.outcome.runId)!.nodeRuns.find((n) => n.nodeId === 'fit2')!;
    expect(cached.status).toBe('cached');
    expect(cached.outputs[0].meta).toEqual({ chain: [{ step: 'scale' }, { step: 'encode' }] });
  });
});

describe('cancel', () => {
  it('stops a CPU-bound node within a second, records cancelled and keeps nothing partial', async () => {
    const doc = testDocument([testNode('busy', 'test.step', { cpuMs: 20_000 }), testNode('next', 'test.step')], [testEdge('busy', 'next')], 'cancel');
    const { runId, done } = t.engine.start({ document: doc, path: null });
    const running = new Promise<void>((ok) => {
      const off = t.engine.onEvent((e) => {
        if (e.event === 'node' && e.node === 'busy' && e.status === 'running') {
          off();
          ok();
        }
      });
    });
    await running;
    await new Promise((r) => setTimeout(r, 200));
    const asked = performance.now();
    expect(t.engine.cancel(runId)).toBe(true);
    const outcome = await done;
    expect(performance.now() - asked).toBeLessThan(1000);
    expect(outcome.status).toBe('cancelled');
    const run = t.lineage.getRun(runId)!;
    expect(run.status).toBe('cancelled');
    expect(run.nodeRuns.find((n) => n.nodeId === 'busy')?.status).toBe('cancelled');
    expect(run.nodeRuns.find((n) => n.nodeId === 'next')?.status).toBe('cancelled');
    const tmp = (await readdir(t.store.tmpRoot)).filter((n) => n.startsWith(`${process.pid}-`));
    expect(tmp).toEqual([]);
    // The pool replaced the terminated worker: the next run works.
    const after = await t.run(testDocument([testNode('x', 'test.step', { value: 'after-cancel' })], [], 'after-cancel'));
    expect(after.outcome.status).toBe('succeeded');
  });
});

describe('records', () => {
  it('records the document, node type versions and the environment of each run', async () => {
    const { outcome } = await t.run(testDocument([testNode('one', 'test.step', { value: 'env' })], [], 'env'));
    const run = t.lineage.getRun(outcome.runId)!;
    expect(run.documentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run.nodeTypes).toEqual({ one: { type: 'test.step', version: 1 } });
    expect(run.env).toMatchObject({ node: process.version, app: 'test' });
    expect(run.env.duckdb).not.toBe('unknown');
    expect(run.env.onnxruntime).not.toBe('unknown');
    expect(run.nodeRuns[0].metrics).toEqual([{ name: 'value_length', value: 3 }]);
  });

  it('walks lineage from a model artifact back to the CSV file it came from', async () => {
    const doc = testDocument(
      [testNode('read', 'ingest.csv', { path: SAMPLE }), testNode('model', 'test.model')],
      [testEdge('read', 'model', 'train', 'out')],
      'lineage-walk',
    );
    const { outcome } = await t.run(doc, { force: true });
    const model = t.lineage.getRun(outcome.runId)!.nodeRuns.find((n) => n.nodeId === 'model')!.outputs[0];
    expect(model.kind).toBe('model');
    const graph = t.lineage.lineage(model.hash)!;
    const files = graph.upstream.flatMap((s) => s.inputs.filter((i) => i.kind === 'file'));
    expect(files.map((f) => f.path)).toEqual([SAMPLE]);
  });

  it('refuses an invalid pipeline before running anything, and records why', async () => {
    const doc = testDocument([testNode('x', 'no.such.type')], [], 'invalid');
    const { outcome } = await t.run(doc);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/1 problem/);
    expect(t.lineage.getRun(outcome.runId)!.nodeRuns).toEqual([]);
  });
});

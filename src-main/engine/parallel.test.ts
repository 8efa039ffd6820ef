import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactRecord } from '../lineage/types.js';
import { ArtifactStore } from './artifact-store.js';
import { TaskCancelled, TaskFailed, WorkerPool, type TaskEvent } from './worker-pool.js';

const WORKER_URL = new URL('./node-worker-entry.js', import.meta.url);
const RUNNERS = new URL('../test-nodes/runners.ts', import.meta.url).href;

let home: string;
let pool: WorkerPool;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'plumb-parallel-'));
  await new ArtifactStore(home).init();
  pool = new WorkerPool({ home, workerUrl: WORKER_URL, runnersModule: RUNNERS, size: 2 });
  await pool.warmUp();
});
afterAll(async () => {
  await pool.dispose();
  await rm(home, { recursive: true, force: true });
});

let nextNode = 0;
function start(nodeType: string, params: Record<string, unknown>, onEvent: (e: TaskEvent) => void = () => {}, on: WorkerPool = pool) {
  const nodeId = `n${nextNode++}`;
  return on.run({ runId: 'r', nodeId, nodeType, typeVersion: 1, params, inputs: {}, baseDir: home, tmpDir: join(home, 'tmp', nodeId) }, onEvent);
}

interface ParallelReport {
  readonly results: { value: number; thread: number }[];
  readonly reported: number;
  readonly self: number;
}
const report = async (outputs: Readonly<Record<string, ArtifactRecord>>): Promise<ParallelReport> => JSON.parse(await readFile(outputs.out.path, 'utf8')) as ParallelReport;

describe('RunContext.parallel over the worker pool', () => {
  it('spreads the items over the idle worker and returns results in item order', async () => {
    const outputs = await start('test.parallel', { n: 16, cpuMs: 40, offset: 3 }).result;
    const r = await report(outputs);
    expect(r.results.map((x) => x.value)).toEqual(Array.from({ length: 16 }, (_, i) => i * i + 3));
    expect(r.reported).toBe(16);
    const threads = new Set(r.results.map((x) => x.thread));
    // The node's own worker and the lent one both computed items.
    expect(threads.size).toBe(2);
    expect(threads.has(r.self)).toBe(true);
  });

  it('fails the node with the message of a failing item, and the pool carries on', async () => {
    await expect(start('test.parallel', { n: 10, cpuMs: 5, failAt: 6 }).result).rejects.toThrow(/item 6 failed on purpose/);
    const r = await report(await start('test.parallel', { n: 4 }).result);
    expect(r.results.map((x) => x.value)).toEqual([0, 1, 4, 9]);
  });

  it('gives a lent worker back to a node that is queued, without losing an item', async () => {
    let done = 0;
    const long = start('test.parallel', { n: 40, cpuMs: 50 }, (e) => {
      if (e.type === 'progress') done = Math.max(done, Math.round(e.fraction * 40));
    });
    // Wait until the map is under way (the second worker is lent by now), then queue a node.
    while (done < 4) await new Promise((w) => setTimeout(w, 10));
    let shortEnded = 0;
    let longEnded = 0;
    const short = start('test.step', { value: 'quick' }).result.then((o) => ((shortEnded = performance.now()), o));
    const longOut = await long.result.then((o) => ((longEnded = performance.now()), o));
    await short;
    expect(shortEnded).toBeLessThan(longEnded);
    const r = await report(longOut);
    expect(r.results.map((x) => x.value)).toEqual(Array.from({ length: 40 }, (_, i) => i * i));
  });

  it('terminates the helpers of a cancelled node, and the pool works after', async () => {
    let started = false;
    const job = start('test.parallel', { n: 200, cpuMs: 50 }, (e) => {
      if (e.type === 'progress') started = true;
    });
    while (!started) await new Promise((w) => setTimeout(w, 10));
    job.cancel();
    await expect(job.result).rejects.toBeInstanceOf(TaskCancelled);
    const r = await report(await start('test.parallel', { n: 6, cpuMs: 20 }).result);
    expect(r.results.map((x) => x.value)).toEqual([0, 1, 4, 9, 16, 25]);
    expect(new Set(r.results.map((x) => x.thread)).size).toBe(2);
  });

  it('runs a map of one item, or none, in the node itself', async () => {
    expect((await report(await start('test.parallel', { n: 1 }).result)).results).toHaveLength(1);
    expect((await report(await start('test.parallel', { n: 0 }).result)).results).toEqual([]);
  });

  it('names an unknown parallel task', async () => {
    // test.step has no map; a direct check of the registry lookup instead.
    const { taskOf } = await import('./parallel-map.js');
    expect(() => taskOf(new Map(), 'nope')).toThrow(/no parallel task "nope"/);
    expect(TaskFailed).toBeDefined();
  });
});

describe('closing the pool', () => {
  it('lets idle workers close DuckDB and end themselves, and terminates a busy one', async () => {
    const own = new WorkerPool({ home, workerUrl: WORKER_URL, runnersModule: RUNNERS, size: 2 });
    await own.warmUp();
    await report(await start('test.parallel', { n: 2 }, () => {}, own).result);
    // Terminating a thread with a live DuckDB instance can abort the whole process: idle ones end on their own.
    expect(await own.dispose()).toEqual({ closed: 2, terminated: 0 });

    const busy = new WorkerPool({ home, workerUrl: WORKER_URL, runnersModule: RUNNERS, size: 1 });
    let started = false;
    const job = start('test.parallel', { n: 200, cpuMs: 50 }, (e) => {
      if (e.type === 'progress') started = true;
    }, busy);
    job.result.catch(() => {});
    while (!started) await new Promise((w) => setTimeout(w, 10));
    expect(await busy.dispose()).toEqual({ closed: 0, terminated: 1 });
  });
});

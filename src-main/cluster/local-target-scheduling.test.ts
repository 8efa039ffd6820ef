import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { DirStore } from './dir-store.js';
import { runLocal } from './local-target.js';

// The local target's scheduling, with a stand-in for `plumb` that only logs when each step starts
// and ends (a real step costs a process start of seconds; the real thing is local-target.test.ts).
let dir: string;
let fake: string;
let store: DirStore;

const FAKE_STEP = `
const { appendFileSync } = require('node:fs');
const args = process.argv.slice(2);
const node = args[args.indexOf('--only') + 1];
const log = (what) => appendFileSync(process.env.FAKE_LOG, what + ' ' + node + ' ' + Date.now() + '\\n');
log('start');
setTimeout(() => {
  log('end');
  if (process.env.FAKE_FAIL === node) { process.stderr.write('plumb: step ' + node + ' broke\\n'); process.exit(1); }
  process.stdout.write(JSON.stringify({ event: 'node', node, status: 'succeeded', cached: false, ms: 300 }) + '\\n');
}, 300);
`;

/** a -> b, a -> c, b + c -> d */
const diamond: PipelineDocument = {
  format: 'plumb.pipeline',
  version: 2,
  id: 'diamond',
  name: 'diamond',
  description: '',
  nodes: ['a', 'b', 'c', 'd'].map((id) => ({ id, type: 'ingest.sample', typeVersion: 1, position: { x: 0, y: 0 }, params: {} })),
  edges: [
    ['a', 'b'],
    ['a', 'c'],
    ['b', 'd'],
    ['c', 'd'],
  ].map(([from, to], i) => ({ id: `e${i}`, from: { node: from, port: 'out' }, to: { node: to, port: 'in' } })),
} as PipelineDocument;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h6-sched-'));
  fake = join(dir, 'fake-plumb.cjs');
  await writeFile(fake, FAKE_STEP);
  await chmod(fake, 0o755);
  store = new DirStore(join(dir, 'store'));
  await store.init();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(runId: string, parallelism: number, fail?: string) {
  const log = join(dir, `${runId}.log`);
  await writeFile(log, '');
  const result = await runLocal({
    document: diamond,
    file: join(dir, 'diamond.plumb'),
    store,
    runId,
    parallelism,
    plumb: [process.execPath, fake],
    env: { ...process.env, FAKE_LOG: log, ...(fail ? { FAKE_FAIL: fail } : {}) },
  });
  const events = (await readFile(log, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map(([what, node, t]) => ({ what, node, t: Number(t) }));
  const span = (node: string) => ({ start: events.find((e) => e.what === 'start' && e.node === node)?.t ?? NaN, end: events.find((e) => e.what === 'end' && e.node === node)?.t ?? NaN });
  return { result, events, span };
}

describe('local target scheduling', () => {
  it('starts a node when its dependencies succeeded, independent ones at once', async () => {
    const { result, span } = await run('par2', 2);
    expect(result.status).toBe('succeeded');
    expect(span('b').start).toBeGreaterThanOrEqual(span('a').end);
    expect(span('c').start).toBeGreaterThanOrEqual(span('a').end);
    // b and c overlap; d waits for both.
    expect(span('c').start).toBeLessThan(span('b').end);
    expect(span('d').start).toBeGreaterThanOrEqual(Math.max(span('b').end, span('c').end));
    expect(await store.getRunEnd('par2')).toMatchObject({ status: 'succeeded' });
  });

  it('never runs more steps at once than --parallelism', async () => {
    const { span } = await run('par1', 1);
    expect(span('c').start >= span('b').end || span('b').start >= span('c').end).toBe(true);
  });

  it('a failed step: its dependants never start, the run fails naming it, and the store says so', async () => {
    const { result, events } = await run('fail', 2, 'b');
    expect(result.status).toBe('failed');
    expect(result.failed.map((f) => [f.node, f.error])).toEqual([['b', 'step b broke']]);
    expect(events.some((e) => e.node === 'd')).toBe(false);
    expect(await store.getRunEnd('fail')).toMatchObject({ status: 'failed', failed: [{ node: 'b', error: 'step b broke' }] });
  });
});

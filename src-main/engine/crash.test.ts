import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageStore } from '../lineage/lineage-store.js';
import { openTestEngine } from '../test-nodes/test-engine.js';
import { ArtifactStore, artifactHash, sha256File } from './artifact-store.js';

const CHILD = join(import.meta.dirname, '../test-nodes/crash-child.ts');
const CSV = join(import.meta.dirname, '../../samples/penguins.csv');

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'plumb-crash-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/** Starts the child and SIGKILLs it as soon as the slow node is running; resolves with its run id. */
function runAndKill(): Promise<{ runId: string; pid: number }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, CSV], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let runId = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the slow node never started:\n${out}\n${err}`));
    }, 60_000);
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      for (const line of out.split('\n').filter(Boolean)) {
        const e = JSON.parse(line) as { event: string; run: string; node?: string; status: string };
        if (e.event === 'run') runId = e.run;
        if (e.event === 'node' && e.node === 'slow' && e.status === 'running') {
          clearTimeout(timer);
          // Give the node time to be mid-write, then kill without warning.
          setTimeout(() => child.kill('SIGKILL'), 500);
          child.once('exit', () => ok({ runId, pid: child.pid! }));
          child.stdout.removeAllListeners('data');
          return;
        }
      }
    });
  });
}

describe('a process killed in the middle of a run', () => {
  it('leaves a store that opens, with the run interrupted and no torn artifact', async () => {
    const { runId, pid } = await runAndKill();
    expect(runId).toMatch(/^run_/);

    const lineage = LineageStore.open(join(home, 'lineage.db'));
    try {
      expect(lineage.interruptedAtOpen).toContain(runId);
      const run = lineage.getRun(runId)!;
      expect(run.status).toBe('interrupted');
      const byNode = new Map(run.nodeRuns.map((n) => [n.nodeId, n]));
      expect(byNode.get('read')?.status).toBe('succeeded');
      expect(byNode.get('profile')?.status).toBe('succeeded');
      expect(byNode.get('slow')?.status).toBe('cancelled');

      // Every recorded artifact is whole: its content still hashes to its name.
      for (const n of run.nodeRuns) {
        for (const a of n.outputs) expect(artifactHash(await sha256File(a.path), a.meta)).toBe(a.hash);
      }
    } finally {
      lineage.close();
    }

    // Every file under a final name in the store is whole too.
    const root = join(home, 'artifacts');
    for (const dir of (await readdir(root)).filter((d) => /^[0-9a-f]{2}$/.test(d))) {
      for (const file of await readdir(join(root, dir))) {
        expect(await sha256File(join(root, dir, file))).toBe(basename(file, extname(file)).replace(/\.model$/, ''));
      }
    }

    // The dead process's temp folder goes at the next start.
    const before = (await readdir(join(root, 'tmp'))).filter((n) => n.startsWith(`${pid}-`));
    expect(before.length).toBeGreaterThan(0);
    await new ArtifactStore(home).init();
    expect((await readdir(join(root, 'tmp'))).filter((n) => n.startsWith(`${pid}-`))).toEqual([]);

    // And the store works: the finished nodes are served from the cache.
    const t = await openTestEngine({ home });
    try {
      const rerun = t.engine.start({
        document: {
          format: 'plumb.pipeline',
          version: 2,
          id: 'crash',
          name: 'crash',
          description: '',
          nodes: [
            { id: 'read', type: 'ingest.csv', typeVersion: 1, position: { x: 0, y: 0 }, params: { path: CSV } },
            { id: 'profile', type: 'validate.profile', typeVersion: 1, position: { x: 0, y: 0 }, params: {} },
          ],
          edges: [{ id: 'e', from: { node: 'read', port: 'out' }, to: { node: 'profile', port: 'in' } }],
        },
        path: null,
      });
      expect((await rerun.done).status).toBe('succeeded');
      const nodes = t.lineage.getRun(rerun.runId)!.nodeRuns;
      expect(nodes.map((n) => n.status)).toEqual(['cached', 'cached']);
    } finally {
      await t.dispose();
    }
  });
});

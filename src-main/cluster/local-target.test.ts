import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { main } from '../cli/main.js';
import { createHeadlessEngine } from '../composition.js';
import { DirStore } from './dir-store.js';

// The cluster's behaviour on one machine: real `plumb` processes, one per step, sharing a store.
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/plumb.js');
const FILE = join(ROOT, 'examples/telco-churn-model.plumb');

interface NodeFacts {
  outputs: Record<string, string>;
  metrics: Record<string, number>;
}

let dir: string;
let storeDir: string;
/** node -> its outputs and metrics, from an in-process run of the whole pipeline. */
let reference: Record<string, NodeFacts>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h6-local-'));
  storeDir = join(dir, 'store');
  const loaded = parsePipelineText(await readFile(FILE, 'utf8'));
  if (!loaded.ok) throw new Error(loaded.reason);
  const headless = await createHeadlessEngine(join(dir, 'reference-home'), { workers: 2 });
  try {
    const { runId, done } = headless.engine.start({ document: loaded.document, path: FILE });
    expect((await done).status).toBe('succeeded');
    reference = Object.fromEntries(
      headless.lineage.getRun(runId)!.nodeRuns.map((n) => [
        n.nodeId,
        { outputs: Object.fromEntries(n.outputs.map((o) => [o.port, o.hash])), metrics: Object.fromEntries(n.metrics.map((m) => [m.name, m.value])) },
      ]),
    );
  } finally {
    await headless.dispose();
  }
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `plumb`; `onLine` sees each stderr line as it arrives (to kill a step mid-run). */
function plumb(args: string[], onLine?: (line: string) => void): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PLUMB_HOME: join(dir, 'default-home') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderr += line + '\n';
      onLine?.(line);
    });
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

const events = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; node?: string; status: string; cached?: boolean; run?: string });

describe('plumb compile --target local', () => {
  let killedRun: string;
  let finishedRun: string;

  it('stops dependants when a step process is killed mid-run, and exits 1 naming it', async () => {
    let pid = 0;
    let killed = false;
    const r = await plumb(['compile', FILE, '--target', 'local', '--store', storeDir, '--json'], (line) => {
      const started = /^step model started \(pid (\d+)\)$/.exec(line);
      if (started) pid = Number(started[1]);
      if (!killed && pid && line === '[model] model: running') {
        killed = true;
        process.kill(pid, 'SIGKILL');
      }
    });
    expect(killed, r.stderr).toBe(true);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/plumb: run run_\S+ failed: step "model" failed: step process killed by SIGKILL/);
    const ev = events(r.stdout);
    expect(ev.filter((e) => e.event === 'node').map((e) => [e.node, e.status])).toEqual([
      ['telco', 'succeeded'],
      ['checks', 'succeeded'],
      ['split', 'succeeded'],
      ['scale', 'succeeded'],
      ['encode', 'succeeded'],
      ['model', 'failed'],
    ]);
    killedRun = ev.at(-1)!.run!;
  }, 180_000);

  it('run again: every completed step is reused, the rest runs, same hashes and metrics as an in-process run', async () => {
    const r = await plumb(['compile', FILE, '--target', 'local', '--store', storeDir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ev = events(r.stdout);
    expect(Object.fromEntries(ev.filter((e) => e.event === 'node').map((e) => [e.node, e.status]))).toEqual({
      telco: 'cached',
      checks: 'cached',
      split: 'cached',
      scale: 'cached',
      encode: 'cached',
      model: 'succeeded',
      evaluate: 'succeeded',
    });
    finishedRun = ev.at(-1)!.run!;
    const store = new DirStore(storeDir);
    const steps = await store.listSteps(finishedRun);
    expect(steps).toHaveLength(7);
    for (const s of steps) {
      expect(Object.fromEntries(Object.entries(s.outputs).map(([p, a]) => [p, a.hash])), s.node).toEqual(reference[s.node].outputs);
      expect(Object.fromEntries(s.metrics.map((m) => [m.name, m.value ?? NaN])), s.node).toEqual(reference[s.node].metrics);
    }
    expect(Object.keys(reference.evaluate.metrics).length).toBeGreaterThan(3);
    // The killed step's scratch state is gone: nothing partial is kept.
    expect(await readdir(join(storeDir, 'tmp'))).toEqual([]);
  }, 180_000);

  it('plumb sync brings both runs into the local lineage: runs, show and lineage as for a local run', async () => {
    const home = join(dir, 'home');
    const sync = await plumb(['sync', '--store', storeDir, '--home', home, '--json']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout)).toEqual({
      imported: expect.arrayContaining([
        { runId: killedRun, status: 'failed', nodes: 7 },
        { runId: finishedRun, status: 'succeeded', nodes: 7 },
      ]),
      skipped: [],
    });
    const runs = JSON.parse((await plumb(['runs', '--home', home, '--json'])).stdout) as { runId: string; status: string; nodes: number; cached: number; failed: number }[];
    expect(runs.map((r) => [r.runId, r.status, r.nodes, r.cached, r.failed])).toEqual([
      [finishedRun, 'succeeded', 7, 5, 0],
      [killedRun, 'failed', 7, 0, 1],
    ]);
    const show = JSON.parse((await plumb(['show', finishedRun, '--home', home, '--json'])).stdout) as {
      nodeRuns: { nodeId: string; outputs: { port: string; hash: string }[]; metrics: { name: string; value: number }[]; reports: Record<string, unknown> }[];
    };
    for (const n of show.nodeRuns) {
      expect(Object.fromEntries(n.outputs.map((o) => [o.port, o.hash])), n.nodeId).toEqual(reference[n.nodeId].outputs);
      expect(Object.fromEntries(n.metrics.map((m) => [m.name, m.value])), n.nodeId).toEqual(reference[n.nodeId].metrics);
    }
    expect(show.nodeRuns.find((n) => n.nodeId === 'evaluate')!.reports.report).toMatchObject({});
    const lineage = JSON.parse((await plumb(['lineage', finishedRun, '--home', home, '--json'])).stdout) as { upstream: { nodeId: string }[] };
    expect(new Set(lineage.upstream.map((s) => s.nodeId))).toEqual(new Set(Object.keys(reference)));
  }, 180_000);
});

describe('bad input', () => {
  async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      return { code: await main(args), stderr };
    } finally {
      spy.mockRestore();
    }
  }

  it('an unknown target: exit 2 with a one-line reason', async () => {
    const r = await cli('compile', FILE, '--target', 'k8s', '--store', storeDir);
    expect(r).toEqual({ code: 2, stderr: 'plumb: unknown target "k8s" (known: argo, local)\n' });
  });

  it('an unwritable store: exit 2 naming it', async () => {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const r = await cli('compile', FILE, '--target', 'local', '--store', join(blocker, 'store'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^plumb: store ${join(blocker, 'store')} is not a writable folder: ENOTDIR.*\\n$`));
  });

  it('a step for a node the pipeline lacks: exit 2', async () => {
    const r = await cli('run', FILE, '--only', 'nope', '--store', storeDir, '--run', 'x');
    expect(r).toEqual({ code: 2, stderr: `plumb: --only: no node "nope" in ${FILE}\n` });
  });
});

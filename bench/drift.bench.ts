import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDatabase } from '../src-main/data/duckdb.js';

const ROOT = resolve(import.meta.dirname, '..');
const FLIGHTS = resolve(ROOT, '../shared/data/flights-3m.parquet');
const TARGET_MS = 10_000;
const TARGET_BYTES = 1_000_000;

const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');

interface NodeRunShow {
  readonly nodeId: string;
  readonly ms: number;
  readonly outputs?: readonly { readonly port: string; readonly bytes: number; readonly path: string }[];
}

/**
 * monitor.drift on the two halves of flights-3m.parquet (the first 1,500,000 rows against the
 * last), measured the way a user runs it: `plumb run` on a pipeline file (ingest.parquet ->
 * split.train_test without shuffle -> monitor.drift). A first run computes everything; the second
 * changes only the drift node's params, so ingest and split come from the cache and the run is
 * the drift report alone. Reference: DuckDB alone grouping the four compared columns' values per
 * half, the scan the node cannot avoid.
 */
export async function benchDrift(): Promise<void> {
  if (!existsSync(FLIGHTS)) {
    console.log(`drift: ../shared/data/flights-3m.parquet is absent (${FLIGHTS}); the drift benchmark needs it and is skipped.`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'plumb-bench-drift-'));
  try {
    const file = join(dir, 'flights-drift.plumb');
    const home = join(dir, 'state');
    const write = (bins: number): Promise<void> => writeFile(file, JSON.stringify(pipeline(bins), null, 2));

    await write(20);
    const first = plumb(['run', file, '--home', home, '--json']);
    console.log(`plumb run, everything computed: ${first.wallMs.toFixed(0)} ms (${first.nodes.map((n) => `${n.node} ${n.ms} ms`).join(', ')})`);

    await write(21);
    const second = plumb(['run', file, '--home', home, '--json']);
    const drift = second.nodes.find((n) => n.node === 'drift');
    if (!drift || drift.cached) throw new Error('drift bench: the drift node did not recompute');
    const shown = plumb(['show', second.runId, '--node', 'drift', '--home', home, '--json']);
    const run = JSON.parse(shown.stdout) as { nodeRuns: NodeRunShow[] };
    const report = run.nodeRuns.find((n) => n.nodeId === 'drift')?.outputs?.find((o) => o.port === 'report');
    if (!report) throw new Error('drift bench: no report artifact in `plumb show`');

    const duckMs = await duckReference();
    const warm = first.nodes.find((n) => n.node === 'drift')?.ms ?? NaN;
    console.log(
      `drift node in the first run (a warm worker): ${warm} ms vs DuckDB alone grouping the 4 columns' values: ${duckMs.toFixed(0)} ms, ` +
        `${(warm / duckMs).toFixed(1)}x`,
    );
    // When every upstream node is cached, the drift node is the run's first work: its time
    // includes starting a worker thread (loading the node modules), which the first run hid.
    console.log(
      `plumb run, drift recomputed (ingest and split cached): ${second.wallMs.toFixed(0)} ms wall, drift node ${drift.ms} ms ` +
        `(target < ${TARGET_MS} ms: ${verdict(second.wallMs < TARGET_MS)})`,
    );
    console.log(`drift report artifact: ${report.bytes} bytes (target < ${TARGET_BYTES}: ${verdict(report.bytes < TARGET_BYTES)})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pipeline(bins: number): unknown {
  const node = (id: string, type: string, x: number, params: Record<string, unknown>) => ({ id, type, typeVersion: 1, position: { x, y: 0 }, params });
  const edge = (id: string, from: string, fromPort: string, to: string, toPort: string) => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
  return {
    format: 'plumb.pipeline',
    version: 1,
    id: 'bench-drift',
    name: 'flights halves drift',
    description: 'The first 1,500,000 flights against the last 1,500,000.',
    nodes: [
      node('read', 'ingest.parquet', 0, { path: FLIGHTS }),
      node('halves', 'split.train_test', 300, { shuffle: false, testSize: 0.5 }),
      node('drift', 'monitor.drift', 600, { bins }),
    ],
    edges: [edge('e1', 'read', 'out', 'halves', 'in'), edge('e2', 'halves', 'train', 'drift', 'reference'), edge('e3', 'halves', 'test', 'drift', 'current')],
  };
}

interface PlumbRun {
  readonly wallMs: number;
  readonly stdout: string;
  readonly runId: string;
  readonly nodes: { node: string; ms: number; cached: boolean }[];
}

function plumb(args: readonly string[]): PlumbRun {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/plumb.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`plumb ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{"event"'))
    .map((l) => JSON.parse(l) as { event: string; node?: string; ms?: number; cached?: boolean; run?: string });
  return {
    wallMs,
    stdout: r.stdout,
    runId: events.find((e) => e.event === 'run')?.run ?? '',
    nodes: events.filter((e) => e.event === 'node').map((e) => ({ node: e.node ?? '', ms: e.ms ?? 0, cached: e.cached ?? false })),
  };
}

/** DuckDB alone: per column, the values of the two halves grouped with their counts. */
async function duckReference(): Promise<number> {
  const duck = await DuckDatabase.open();
  const db = await duck.session();
  try {
    const t0 = performance.now();
    for (const c of ['delay', 'distance', 'origin', 'destination']) {
      await db.objects(
        `SELECT count(*) FROM (SELECT "${c}", count(*) FILTER (WHERE i < 1500000), count(*) FILTER (WHERE i >= 1500000)
         FROM (SELECT "${c}", file_row_number AS i FROM read_parquet($p, file_row_number = true)) GROUP BY 1)`,
        { p: FLIGHTS },
      );
    }
    return performance.now() - t0;
  } finally {
    db.close();
    duck.dispose();
  }
}

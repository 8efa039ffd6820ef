import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineageLookupError, LineageStore } from './lineage-store.js';
import { SCHEMA_VERSION } from './schema.js';
import type { ArtifactRecord, CacheKeyParts, EnvironmentInfo, LogLine, MetricPoint, NodeRunFinish, RunFinish } from './types.js';

const hash = (s: string): string => createHash('sha256').update(s).digest('hex');

const ENV: EnvironmentInfo = { os: 'linux', arch: 'x64', cpus: 8, node: 'v20.19.0', duckdb: '1.5.0', onnxruntime: '1.30.0', app: '0.1.0' };
const CSV: ArtifactRecord = { hash: hash('csv'), kind: 'file', path: '/data/churn.csv', bytes: 1200 };
const TABLE: ArtifactRecord = {
  hash: hash('table'),
  kind: 'table',
  path: '/home/artifacts/ta/table.parquet',
  bytes: 800,
  rows: 42,
  columns: [
    { name: 'age', type: 'BIGINT' },
    { name: 'churn', type: 'BOOLEAN' },
  ],
};
const MODEL: ArtifactRecord = { hash: hash('model'), kind: 'model', path: '/home/artifacts/mo/model.onnx', bytes: 5000 };
const REPORT: ArtifactRecord = { hash: hash('report'), kind: 'report', path: '/home/artifacts/re/report.json', bytes: 300 };

let dir: string;
let file: string;
let clock: number;
const open = (isProcessAlive: (pid: number) => boolean = () => true): LineageStore => LineageStore.open(file, { isProcessAlive, now: () => clock });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-lineage-'));
  file = join(dir, 'state', 'lineage.db');
  clock = 1_000_000;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface NodeSpec {
  readonly nodeId: string;
  readonly type: string;
  readonly params?: Record<string, unknown>;
  readonly cacheKey?: string;
  readonly status?: NodeRunFinish['status'];
  readonly cacheHit?: boolean;
  readonly inputs?: Record<string, ArtifactRecord>;
  readonly outputs?: Record<string, ArtifactRecord>;
  readonly metrics?: MetricPoint[];
  readonly logs?: LogLine[];
  readonly error?: { message: string; stack?: string };
  readonly ms?: number;
}

const keyParts = (n: NodeSpec): CacheKeyParts => ({ type: n.type, typeVersion: 1, params: n.params ?? {}, inputs: {}, files: {} });

/** Records a run the way the engine does: one write call at a time. Returns the node run ids. */
function recordRun(
  store: LineageStore,
  runId: string,
  nodes: readonly NodeSpec[],
  opts: { pipelineId?: string; status?: RunFinish['status']; pid?: number; finish?: boolean } = {},
): number[] {
  const pipelineId = opts.pipelineId ?? 'churn';
  const startedAt = clock;
  store.beginRun({
    runId,
    pipelineId,
    pipelineName: `${pipelineId} pipeline`,
    documentHash: hash(`doc-${pipelineId}`),
    documentText: `{"id":"${pipelineId}"}`,
    documentPath: `/work/${pipelineId}.plumb.json`,
    mode: 'all',
    target: null,
    force: false,
    startedAt,
    env: ENV,
    nodeTypes: Object.fromEntries(nodes.map((n) => [n.nodeId, { type: n.type, version: 1 }])),
    pid: opts.pid ?? process.pid,
  });
  const ids: number[] = [];
  for (const n of nodes) {
    clock += 10;
    const id = store.startNodeRun({
      runId,
      nodeId: n.nodeId,
      nodeType: n.type,
      typeVersion: 1,
      params: n.params ?? {},
      cacheKey: n.cacheKey ?? hash(`${n.nodeId}-${JSON.stringify(n.params ?? {})}`),
      keyParts: keyParts(n),
      startedAt: clock,
    });
    ids.push(id);
    if (opts.finish === false) continue;
    for (const a of [...Object.values(n.inputs ?? {}), ...Object.values(n.outputs ?? {})]) store.putArtifact(a);
    if (n.logs) store.addLogs(id, n.logs);
    if (n.metrics) store.addMetrics(id, n.metrics);
    clock += 100;
    store.finishNodeRun(id, {
      status: n.status ?? (n.cacheHit ? 'cached' : 'succeeded'),
      endedAt: clock,
      ms: n.ms ?? 99.5,
      cacheHit: n.cacheHit ?? false,
      ...(n.error ? { error: n.error } : {}),
      inputs: Object.fromEntries(Object.entries(n.inputs ?? {}).map(([p, a]) => [p, a.hash])),
      outputs: Object.fromEntries(Object.entries(n.outputs ?? {}).map(([p, a]) => [p, a.hash])),
    });
  }
  if (opts.finish !== false) {
    clock += 5;
    store.finishRun(runId, { status: opts.status ?? 'succeeded', endedAt: clock, ...(opts.status === 'failed' ? { error: 'train failed' } : {}) });
  }
  clock += 1000;
  return ids;
}

const ingest = (extra: Partial<NodeSpec> = {}): NodeSpec => ({
  nodeId: 'read',
  type: 'ingest.csv',
  params: { path: 'churn.csv', header: true },
  inputs: { path: CSV },
  outputs: { out: TABLE },
  ...extra,
});
const train = (extra: Partial<NodeSpec> = {}): NodeSpec => ({
  nodeId: 'train',
  type: 'train.logistic_regression',
  params: { target: 'churn', C: 1 },
  inputs: { train: TABLE },
  outputs: { model: MODEL },
  metrics: [{ name: 'accuracy', value: 0.9 }],
  ...extra,
});

describe('LineageStore', () => {
  it('round-trips a run with two node runs through getRun', () => {
    const store = open();
    const logs: LogLine[] = [
      { time: 1_000_050, level: 'info', message: 'fitting' },
      { time: 1_000_060, level: 'error', message: 'singular matrix' },
    ];
    const metrics: MetricPoint[] = [
      { name: 'loss', value: 0.7, step: 0 },
      { name: 'loss', value: 0.5, step: 1 },
      { name: 'auc', value: 0.81 },
      { name: 'undefined_precision', value: Number.NaN },
    ];
    const [readId, trainId] = recordRun(
      store,
      'run-aaaaaaaa',
      [
        ingest({ cacheHit: true, ms: 1.25 }),
        train({ status: 'failed', outputs: {}, metrics, logs, error: { message: 'singular matrix', stack: 'Error: singular matrix\n    at fit (fit.ts:1)' } }),
      ],
      { status: 'failed' },
    );
    const run = store.getRun('run-aaaaaaaa')!;
    expect(run).toMatchObject({
      runId: 'run-aaaaaaaa',
      pipelineId: 'churn',
      pipelineName: 'churn pipeline',
      status: 'failed',
      mode: 'all',
      target: null,
      force: false,
      startedAt: 1_000_000,
      endedAt: 1_000_225,
      ms: 225,
      nodes: 2,
      cached: 1,
      failed: 1,
      error: 'train failed',
      documentPath: '/work/churn.plumb.json',
      env: ENV,
      nodeTypes: { read: { type: 'ingest.csv', version: 1 }, train: { type: 'train.logistic_regression', version: 1 } },
    });
    expect(run.nodeRuns.map((n) => [n.nodeRunId, n.nodeId, n.status, n.cacheHit])).toEqual([
      [readId, 'read', 'cached', true],
      [trainId, 'train', 'failed', false],
    ]);
    const [read, fit] = run.nodeRuns;
    expect(read).toMatchObject({ startedAt: 1_000_010, endedAt: 1_000_110, ms: 1.25, params: { path: 'churn.csv', header: true }, error: null });
    expect(read.inputs).toEqual([{ port: 'path', ...CSV }]);
    expect(read.outputs).toEqual([{ port: 'out', ...TABLE }]);
    expect(fit.inputs).toEqual([{ port: 'train', ...TABLE }]);
    expect(fit.outputs).toEqual([]);
    expect(fit.params).toEqual({ target: 'churn', C: 1 });
    expect(fit.metrics).toEqual(metrics);
    expect(fit.logs).toEqual(logs);
    expect(fit.error).toEqual({ message: 'singular matrix', stack: 'Error: singular matrix\n    at fit (fit.ts:1)' });
    expect(fit.typeVersion).toBe(1);
    expect(fit.cacheKey).toBe(hash(`train-${JSON.stringify({ target: 'churn', C: 1 })}`));

    expect(store.getRun('run-a')).toBeUndefined(); // shorter than the minimum prefix
    expect(store.getRun('run-aaaa')?.runId).toBe('run-aaaaaaaa');
    expect(store.getRun('nope-nope')).toBeUndefined();
    store.close();
  });

  it('refuses a run id prefix that names two runs', () => {
    const store = open();
    recordRun(store, 'run-abcdef-1', [ingest()]);
    recordRun(store, 'run-abcdef-2', [ingest({ cacheHit: true })]);
    expect(() => store.getRun('run-abcdef')).toThrow(LineageLookupError);
    expect(store.getRun('run-abcdef-2')?.runId).toBe('run-abcdef-2');
    store.close();
  });

  it('lists runs newest first with their node counts', () => {
    const store = open();
    recordRun(store, 'r1', [ingest(), train()]);
    recordRun(store, 'r2', [ingest({ cacheHit: true }), train({ status: 'failed', outputs: {}, error: { message: 'boom' } })], { status: 'failed' });
    recordRun(store, 'other', [ingest()], { pipelineId: 'other' });
    recordRun(store, 'r3', [ingest({ cacheHit: true }), train({ cacheHit: true })]);

    expect(store.listRuns().map((r) => r.runId)).toEqual(['r3', 'other', 'r2', 'r1']);
    const runs = store.listRuns({ pipelineId: 'churn' });
    expect(runs.map((r) => [r.runId, r.status, r.nodes, r.cached, r.failed])).toEqual([
      ['r3', 'succeeded', 2, 2, 0],
      ['r2', 'failed', 2, 1, 1],
      ['r1', 'succeeded', 2, 0, 0],
    ]);
    expect(runs[1].error).toBe('train failed');
    expect(store.listRuns({ pipelineId: 'churn', limit: 2 }).map((r) => r.runId)).toEqual(['r3', 'r2']);
    expect(store.listRuns({ pipelineId: 'unknown' })).toEqual([]);
    store.close();
  });

  it('stores cache entries and forgets them when an artifact is evicted', () => {
    const store = open();
    store.putArtifact(MODEL);
    store.putArtifact(REPORT);
    expect(store.cacheGet('k1')).toBeUndefined();
    store.cachePut('k1', { model: MODEL.hash, report: REPORT.hash });
    expect(store.cacheGet('k1')).toEqual({ model: MODEL, report: REPORT });
    expect(() => store.cachePut('k2', { out: hash('missing') })).toThrow(/putArtifact/);

    store.markEvicted(REPORT.hash);
    expect(store.cacheGet('k1')).toBeUndefined();
    // Writing the artifact again brings it back (and moves it if the path changed).
    store.putArtifact({ ...REPORT, path: '/elsewhere/report.json' });
    expect(store.cacheGet('k1')).toEqual({ model: MODEL, report: { ...REPORT, path: '/elsewhere/report.json' } });
    store.close();
  });

  it('finds the last usable node run of a node', () => {
    const store = open();
    expect(store.lastNodeRun('churn', 'train')).toBeUndefined();
    recordRun(store, 'r1', [ingest(), train({ params: { target: 'churn', C: 1 } })]);
    recordRun(store, 'r2', [ingest({ cacheHit: true }), train({ params: { target: 'churn', C: 2 } })]);
    recordRun(store, 'r3', [ingest({ cacheHit: true }), train({ params: { target: 'churn', C: 3 }, status: 'failed', outputs: {} })], {
      status: 'failed',
    });
    recordRun(store, 'o1', [train({ params: { C: 9 } })], { pipelineId: 'other' });

    const last = store.lastNodeRun('churn', 'train')!;
    expect(last.runId).toBe('r2');
    expect(last.keyParts.params).toEqual({ target: 'churn', C: 2 });
    expect(last.cacheKey).toBe(hash(`train-${JSON.stringify({ target: 'churn', C: 2 })}`));
    expect(store.lastNodeRun('churn', 'read')?.runId).toBe('r3'); // cached counts
    expect(store.lastNodeRun('other', 'train')?.runId).toBe('o1');
    expect(store.lastNodeRun('churn', 'nope')).toBeUndefined();
    store.close();
  });

  it('walks lineage from a model back to the CSV and from the CSV down to the model', () => {
    const store = open();
    const [readId, trainId] = recordRun(store, 'r1', [ingest(), train()]);

    const up = store.lineage(MODEL.hash)!;
    expect(up.subject).toEqual({ kind: 'artifact', artifact: MODEL });
    expect(up.upstream.map((s) => [s.nodeRunId, s.nodeId])).toEqual([
      [trainId, 'train'],
      [readId, 'read'],
    ]);
    expect(up.upstream[0].inputs).toEqual([{ port: 'train', ...TABLE }]);
    expect(up.upstream[1].inputs).toEqual([{ port: 'path', ...CSV }]);
    expect(up.downstream).toEqual([]);
    expect(up.truncated).toBe(false);

    const down = store.lineage(CSV.hash)!;
    expect(down.upstream).toEqual([]); // a source file has no producer
    expect(down.downstream.map((s) => s.nodeId)).toEqual(['read', 'train']);
    expect(down.downstream[1].outputs).toEqual([{ port: 'model', ...MODEL }]);

    // A unique hash prefix of 8+ hex characters works too; shorter ones do not.
    expect(store.lineage(MODEL.hash.slice(0, 8).toUpperCase())?.subject).toEqual({ kind: 'artifact', artifact: MODEL });
    expect(store.lineage(MODEL.hash.slice(0, 7))).toBeUndefined();

    // A run: everything upstream of its outputs; nothing downstream yet.
    const byRun = store.lineage('r1')!;
    expect(byRun.subject).toEqual({ kind: 'run', runId: 'r1' });
    expect(byRun.upstream.map((s) => s.nodeId).sort()).toEqual(['read', 'train']);
    expect(byRun.downstream).toEqual([]);
    expect(store.lineage('no-such-thing')).toBeUndefined();
    store.close();
  });

  it('names the run that computed an artifact as its producer, not a later cache hit', () => {
    const store = open();
    recordRun(store, 'r1', [ingest(), train()]);
    recordRun(store, 'r2', [ingest({ cacheHit: true }), train({ cacheHit: true })]);
    // r3 re-trains with new params on the cached table.
    const model2: ArtifactRecord = { ...MODEL, hash: hash('model-2') };
    recordRun(store, 'r3', [ingest({ cacheHit: true }), train({ params: { target: 'churn', C: 5 }, outputs: { model: model2 } })]);

    const g = store.lineage(TABLE.hash)!;
    expect(g.upstream.map((s) => [s.runId, s.nodeId])).toEqual([['r1', 'read']]);
    // Downstream: the runs that really computed something from the table (r2's cache hit did not).
    expect(g.downstream.map((s) => [s.runId, s.nodeId])).toEqual([
      ['r1', 'train'],
      ['r3', 'train'],
    ]);

    // r2 only re-used artifacts: its lineage names r1's node runs as their producers.
    const r2 = store.lineage('r2')!;
    expect(r2.upstream.map((s) => s.runId)).toEqual(['r1', 'r1']);
    expect(r2.downstream.map((s) => [s.runId, s.nodeId])).toEqual([['r3', 'train']]);
    store.close();
  });

  it('builds experiment rows from the latest node run of each node', () => {
    const store = open();
    recordRun(store, 'r1', [ingest(), train({ metrics: [{ name: 'accuracy', value: 0.8 }, { name: 'loss', value: 0.3, step: 0 }] })]);
    recordRun(store, 'r2', [
      ingest({ cacheHit: true }),
      train({
        params: { target: 'churn', C: 2 },
        outputs: { model: { ...MODEL, hash: hash('m2') } },
        metrics: [
          { name: 'accuracy', value: 0.85 },
          { name: 'f1', value: Number.NaN },
        ],
      }),
    ]);
    // r3 is all cache hits that record no metrics of their own: the computing run's metrics show.
    recordRun(store, 'r3', [ingest({ cacheHit: true }), train({ cacheHit: true, metrics: [] })]);
    recordRun(store, 'o1', [ingest()], { pipelineId: 'other' });

    const rows = store.experiments('churn');
    expect(rows.map((r) => r.runId)).toEqual(['r3', 'r2', 'r1']);
    expect(rows[2]).toEqual({
      runId: 'r1',
      status: 'succeeded',
      startedAt: expect.any(Number),
      params: { 'read.path': 'churn.csv', 'read.header': true, 'train.target': 'churn', 'train.C': 1 },
      metrics: { 'train.accuracy': 0.8 }, // series points are not scalars
    });
    expect(rows[1].params['train.C']).toBe(2);
    expect(rows[1].metrics).toEqual({ 'train.accuracy': 0.85, 'train.f1': Number.NaN });
    expect(rows[0].metrics).toEqual({ 'train.accuracy': 0.8 });
    expect(store.getRun('r3')!.nodeRuns[1].metrics).toEqual([
      { name: 'accuracy', value: 0.8 },
      { name: 'loss', value: 0.3, step: 0 },
    ]);
    expect(store.experiments('churn', 1).map((r) => r.runId)).toEqual(['r3']);

    // A node run twice within one run: its last run counts.
    recordRun(store, 'again', [train({ params: { C: 1 }, metrics: [{ name: 'accuracy', value: 0.1 }] }), train({ params: { C: 7 } })], {
      pipelineId: 'rerun',
    });
    expect(store.experiments('rerun')).toEqual([
      expect.objectContaining({ params: { 'train.C': 7 }, metrics: { 'train.accuracy': 0.9 } }),
    ]);
    store.close();
  });

  it('marks runs whose process died as interrupted at open and leaves live ones alone', () => {
    const DEAD = 4_000_001;
    const LIVE = 4_000_002;
    let store = open();
    recordRun(store, 'dead-run', [ingest(), train()], { pid: DEAD, finish: false });
    recordRun(store, 'live-run', [ingest()], { pid: LIVE, finish: false });
    recordRun(store, 'own-run', [ingest()], { pid: process.pid, finish: false });
    recordRun(store, 'done-run', [ingest()], { pid: DEAD });
    store.close();

    clock = 9_000_000;
    store = open((pid) => pid === LIVE);
    expect(store.interruptedAtOpen).toEqual(['dead-run']);
    const dead = store.getRun('dead-run')!;
    expect(dead).toMatchObject({ status: 'interrupted', endedAt: 9_000_000, error: 'interrupted: the process stopped during the run' });
    expect(dead.nodeRuns.map((n) => [n.status, n.error?.message])).toEqual([
      ['cancelled', 'interrupted'],
      ['cancelled', 'interrupted'],
    ]);
    expect(store.getRun('live-run')!.status).toBe('running');
    expect(store.getRun('live-run')!.nodeRuns[0].status).toBe('running');
    expect(store.getRun('own-run')!.status).toBe('running'); // this process is alive, whatever the check says
    expect(store.getRun('done-run')!.status).toBe('succeeded');
    store.close();

    store = open((pid) => pid === LIVE);
    expect(store.interruptedAtOpen).toEqual([]);
    store.close();
  });

  it('uses kill(pid, 0) by default to tell a dead process', () => {
    const child = spawnSync(process.execPath, ['-e', '']);
    const deadPid = child.pid!;
    let store = LineageStore.open(file);
    recordRun(store, 'gone', [ingest()], { pid: deadPid, finish: false });
    store.close();
    store = LineageStore.open(file);
    expect(store.interruptedAtOpen).toEqual(['gone']);
    store.close();
  });

  it('refuses a file that is not a SQLite database, naming it', async () => {
    const garbage = join(dir, 'garbage.db');
    await writeFile(garbage, Buffer.alloc(8192, 0x5a));
    expect(() => LineageStore.open(garbage)).toThrow(/garbage\.db.*damaged.*Move the file aside/s);
    expect((await readFile(garbage)).every((b) => b === 0x5a)).toBe(true);
  });

  it('refuses a database with damaged pages', async () => {
    const store = open();
    for (let i = 0; i < 300; i++) recordRun(store, `run-${i}`, [ingest(), train()]);
    store.close();
    const bytes = await readFile(file);
    const pageSize = bytes.readUInt16BE(16);
    // Keep page 1 (header and schema), scribble over the rest.
    for (let i = pageSize * 2; i < bytes.length; i += 7) bytes[i] = (i * 31) & 0xff;
    await writeFile(file, bytes);
    let message = '';
    try {
      open().close();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(file);
    expect(message).toMatch(/damaged: ".+"/);
    expect(message).toContain('artifacts are kept');
  });

  it('quotes the first problem integrity_check reports', async () => {
    // A readable database whose index disagrees with its table.
    const db = new Database(join(dir, 'bad-index.db'));
    db.exec(`CREATE TABLE t (x TEXT); CREATE INDEX t_x ON t (x); INSERT INTO t VALUES ('apple'), ('pear');`);
    const { rootpage } = db.prepare<[], { rootpage: number }>(`SELECT rootpage FROM sqlite_schema WHERE name = 't_x'`).get()!;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const bytes = await readFile(join(dir, 'bad-index.db'));
    bytes.write('apqle', bytes.indexOf('apple', (rootpage - 1) * pageSize));
    await writeFile(join(dir, 'bad-index.db'), bytes);
    expect(() => LineageStore.open(join(dir, 'bad-index.db'))).toThrow(/bad-index\.db is damaged: "row 1 missing from index t_x"/);
  });

  it('refuses, untouched, a store written by a newer Plumb', async () => {
    open().close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = await stat(file);
    expect(() => open()).toThrow(/newer Plumb/);
    const after = await stat(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('versions models and keeps one production version per model', () => {
    const store = open();
    const [, trainId] = recordRun(store, 'r1', [ingest(), train()]);
    const m2: ArtifactRecord = { ...MODEL, hash: hash('m2') };
    const m3: ArtifactRecord = { ...MODEL, hash: hash('m3') };
    store.putArtifact(m2);
    store.putArtifact(m3);

    const v1 = store.registerModelVersion({ name: 'churn', artifactHash: MODEL.hash, nodeRunId: trainId, stage: 'production', comment: 'first' });
    const v2 = store.registerModelVersion({ name: 'churn', artifactHash: m2.hash, stage: 'staging', comment: 'candidate' });
    const other = store.registerModelVersion({ name: 'alpha', artifactHash: m3.hash });
    expect([v1.version, v2.version, other.version]).toEqual([1, 2, 1]);
    expect(v1.modelId).toBe(v2.modelId);
    expect(() => store.registerModelVersion({ name: 'churn', artifactHash: TABLE.hash })).toThrow(/not a model/);

    store.setStage('churn', 2, 'production', 'passed review');
    const brief = (m: ReturnType<typeof store.listModels>[number]) => ({
      name: m.name,
      versions: m.versions.map((v) => ({ version: v.version, stage: v.stage, artifactHash: v.artifactHash, nodeId: v.nodeId })),
    });
    expect(store.listModels().map(brief)).toEqual([
      { name: 'alpha', versions: [{ version: 1, stage: 'none', artifactHash: m3.hash, nodeId: null }] },
      {
        name: 'churn',
        versions: [
          { version: 1, stage: 'archived', artifactHash: MODEL.hash, nodeId: 'train' },
          { version: 2, stage: 'production', artifactHash: m2.hash, nodeId: null },
        ],
      },
    ]);
    const v3 = store.registerModelVersion({ name: 'churn', artifactHash: m3.hash, stage: 'production', comment: 'retrained' });
    expect(v3.version).toBe(3);
    expect(store.listModels()[1].versions.map((v) => v.stage)).toEqual(['archived', 'archived', 'production']);
    expect(() => store.setStage('churn', 9, 'staging', 'why')).toThrow(/No version 9 of model "churn"/);
    store.close();

    const raw = new Database(file, { readonly: true });
    const events = raw
      .prepare(
        `SELECT m.name, v.version, e.stage FROM model_stage_events e
         JOIN model_versions v ON v.id = e.model_version_id JOIN models m ON m.id = v.model_id ORDER BY e.rowid`,
      )
      .all();
    raw.close();
    expect(events).toEqual([
      { name: 'churn', version: 1, stage: 'production' },
      { name: 'churn', version: 2, stage: 'staging' },
      { name: 'alpha', version: 1, stage: 'none' },
      { name: 'churn', version: 2, stage: 'production' },
      { name: 'churn', version: 1, stage: 'archived' },
      { name: 'churn', version: 3, stage: 'production' },
      { name: 'churn', version: 2, stage: 'archived' },
    ]);
  });

  it('orders artifacts by last use for gc, pins registered models and skips source files', () => {
    const store = open();
    store.putArtifact(CSV);
    clock += 1;
    store.putArtifact(TABLE);
    clock += 1;
    store.putArtifact(MODEL);
    clock += 1;
    store.putArtifact(REPORT);
    clock += 1;
    store.touchArtifacts([TABLE.hash]);
    store.registerModelVersion({ name: 'churn', artifactHash: MODEL.hash });

    const rows = store.artifactsByLastUse();
    expect(rows.map((r) => [r.hash, r.pinned])).toEqual([
      [MODEL.hash, true],
      [REPORT.hash, false],
      [TABLE.hash, false],
    ]);
    expect(rows[2]).toMatchObject({ ...TABLE, createdAt: 1_000_001, lastUsedAt: 1_000_004 });

    expect(() => store.markEvicted(MODEL.hash)).toThrow(/never evicted/);
    store.markEvicted(REPORT.hash);
    expect(store.artifactsByLastUse().map((r) => r.hash)).toEqual([MODEL.hash, TABLE.hash]);
    store.close();
  });

  it('remembers file hashes by path, size and mtime', () => {
    const store = open();
    expect(store.getFileHash('/data/a.csv', 10, 1.5)).toBeUndefined();
    store.putFileHash('/data/a.csv', 10, 1.5, 'h1');
    expect(store.getFileHash('/data/a.csv', 10, 1.5)).toBe('h1');
    expect(store.getFileHash('/data/a.csv', 11, 1.5)).toBeUndefined();
    expect(store.getFileHash('/data/a.csv', 10, 2.5)).toBeUndefined();
    store.putFileHash('/data/a.csv', 11, 2.5, 'h2');
    expect(store.getFileHash('/data/a.csv', 11, 2.5)).toBe('h2');
    store.close();
  });

  it('keeps everything across close and open', () => {
    let store = open();
    recordRun(store, 'r1', [ingest(), train({ metrics: [{ name: 'auc', value: 0.7 }, { name: 'loss', value: 0.2, step: 3 }] })]);
    store.cachePut('k', { model: MODEL.hash });
    store.putFileHash('/data/churn.csv', 1200, 5, CSV.hash);
    store.registerModelVersion({ name: 'churn', artifactHash: MODEL.hash, stage: 'staging', comment: 'try it' });
    const before = { run: store.getRun('r1'), runs: store.listRuns(), lineage: store.lineage(MODEL.hash), experiments: store.experiments('churn') };
    store.close();
    store.close(); // closing twice is harmless

    store = open();
    expect(store.path).toBe(file);
    expect(store.getRun('r1')).toEqual(before.run);
    expect(store.listRuns()).toEqual(before.runs);
    expect(store.lineage(MODEL.hash)).toEqual(before.lineage);
    expect(store.experiments('churn')).toEqual(before.experiments);
    expect(store.cacheGet('k')).toEqual({ model: MODEL });
    expect(store.getFileHash('/data/churn.csv', 1200, 5)).toBe(CSV.hash);
    expect(store.listModels()).toEqual([{ name: 'churn', createdAt: expect.any(Number), versions: [expect.objectContaining({ version: 1, stage: 'staging' })] }]);
    store.close();
  });

  it('writes a batch all or nothing, and a refused call inside it writes nothing', () => {
    const store = open();
    expect(() =>
      store.batch(() => {
        recordRun(store, 'r1', [ingest(), train()]);
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(store.listRuns()).toEqual([]);

    store.batch(() => {
      const [id] = recordRun(store, 'r2', [ingest()], { finish: false });
      const finish = { status: 'succeeded' as const, endedAt: clock, ms: 1, cacheHit: false, inputs: {}, outputs: { out: hash('nope') } };
      expect(() => store.finishNodeRun(id, finish)).toThrow(/putArtifact/);
    });
    expect(store.getRun('r2')!.nodeRuns[0]).toMatchObject({ status: 'running', outputs: [] });
    store.close();
  });

  it('explains a missing artifact or run instead of a bare constraint error', () => {
    const store = open();
    const [id] = recordRun(store, 'r1', [ingest()], { finish: false });
    expect(() => store.finishNodeRun(id, { status: 'succeeded', endedAt: clock, ms: 1, cacheHit: false, inputs: {}, outputs: { out: hash('nope') } })).toThrow(
      /is not in the lineage store; call putArtifact first/,
    );
    expect(() => store.finishRun('nope', { status: 'succeeded', endedAt: clock })).toThrow(/no run nope/);
    expect(() => store.addMetrics(id, [{ name: 'roc', value: 0.5, step: 0.5 }])).toThrow(/step must be an integer/);
    store.close();
  });
});

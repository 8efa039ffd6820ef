import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineageStore } from '../src-main/lineage/lineage-store.js';
import type { ArtifactRecord, EnvironmentInfo, RunStart } from '../src-main/lineage/types.js';

const REPEATS = 5;
const TARGET_MS = 50;
const INSERT_NODE_RUNS = 2_000;
const FILL_RUNS = 10_000;

const ENV: EnvironmentInfo = { os: process.platform, arch: process.arch, cpus: 1, node: process.version, duckdb: '-', onnxruntime: '-', app: 'bench' };
const hash = (s: string): string => createHash('sha256').update(s).digest('hex');
const table = (name: string): ArtifactRecord => ({
  hash: hash(name),
  kind: 'table',
  path: `/bench/${name}.parquet`,
  bytes: 10_000,
  rows: 1_000,
  columns: [
    { name: 'a', type: 'DOUBLE' },
    { name: 'b', type: 'VARCHAR' },
  ],
});

/**
 * The lineage store: how many node runs per second the engine's write pattern records, and how
 * long the queries the UI and CLI make take on a store of 10,000 runs, against a bare
 * `SELECT count(*)` on the same file as the reference.
 */
export async function benchLineage(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'plumb-bench-lineage-'));
  try {
    benchInserts(join(home, 'insert.db'));
    benchQueries(join(home, 'queries.db'));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function runStart(runId: string, pipelineId: string, startedAt: number): RunStart {
  return {
    runId,
    pipelineId,
    pipelineName: pipelineId,
    documentHash: hash(`doc-${pipelineId}`),
    documentText: `{"id":"${pipelineId}"}`,
    documentPath: null,
    mode: 'all',
    target: null,
    force: false,
    startedAt,
    env: ENV,
    nodeTypes: {},
    pid: process.pid,
  };
}

/** One transaction per write call, as the engine does: beginRun, then per node put/start/finish. */
function benchInserts(file: string): void {
  const store = LineageStore.open(file);
  try {
    const source: ArtifactRecord = { hash: hash('source.csv'), kind: 'file', path: '/bench/source.csv', bytes: 1_000_000 };
    store.putArtifact(source);
    const t0 = performance.now();
    let input = source;
    let run = 0;
    for (let i = 0; i < INSERT_NODE_RUNS; i++) {
      const runId = `insert-${run}`;
      if (i % 5 === 0) {
        store.beginRun(runStart(runId, 'insert', Date.now()));
        input = source;
      }
      const now = Date.now();
      const id = store.startNodeRun({
        runId,
        nodeId: `n${i % 5}`,
        nodeType: 'feature.scale',
        typeVersion: 1,
        params: { columns: ['a', 'b'], method: 'standard', seed: i },
        cacheKey: hash(`key-${i}`),
        keyParts: { type: 'feature.scale', typeVersion: 1, params: { seed: i }, inputs: {}, files: {} },
        startedAt: now,
      });
      const out = table(`insert-${i}`);
      store.putArtifact(out);
      store.finishNodeRun(id, { status: 'succeeded', endedAt: Date.now(), ms: 1, cacheHit: false, inputs: { in: input.hash }, outputs: { out: out.hash } });
      input = out;
      if (i % 5 === 4) {
        store.finishRun(runId, { status: 'succeeded', endedAt: Date.now() });
        run++;
      }
    }
    const ms = performance.now() - t0;
    console.log(
      `lineage insert: ${((INSERT_NODE_RUNS / ms) * 1000).toFixed(0)} node runs/s ` +
        `(${INSERT_NODE_RUNS} node runs with params, 1 input and 1 output artifact, one transaction per write call; ${(ms / INSERT_NODE_RUNS).toFixed(3)} ms each)`,
    );
  } finally {
    store.close();
  }
}

function benchQueries(file: string): void {
  const pipelineId = 'bench';
  let store = LineageStore.open(file);
  const csv: ArtifactRecord = { hash: hash('bench.csv'), kind: 'file', path: '/bench/bench.csv', bytes: 1_000_000 };
  const raw = table('raw');
  const split = { train: table('train'), test: table('test') };
  const t0 = performance.now();
  store.batch(() => {
    store.putArtifact(csv);
    for (const a of [raw, split.train, split.test]) store.putArtifact(a);
    const base = Date.UTC(2026, 0, 1);
    for (let r = 0; r < FILL_RUNS; r++) {
      const runId = `run-${String(r).padStart(6, '0')}`;
      let t = base + r * 60_000;
      store.beginRun(runStart(runId, pipelineId, t));
      const cached = r > 0;
      const node = (
        nodeId: string,
        nodeType: string,
        params: Record<string, unknown>,
        cacheKey: string,
        hit: boolean,
        inputs: Record<string, string>,
        outputs: Record<string, string>,
      ): number => {
        const id = store.startNodeRun({
          runId,
          nodeId,
          nodeType,
          typeVersion: 1,
          params,
          cacheKey,
          keyParts: { type: nodeType, typeVersion: 1, params, inputs: {}, files: {} },
          startedAt: (t += 10),
        });
        store.finishNodeRun(id, { status: hit ? 'cached' : 'succeeded', endedAt: (t += 100), ms: 100, cacheHit: hit, inputs, outputs });
        return id;
      };
      node('read', 'ingest.csv', { path: 'bench.csv', header: true }, 'k-read', cached, { path: csv.hash }, { out: raw.hash });
      node('split', 'split.train_test', { testSize: 0.25, seed: 42 }, 'k-split', cached, { in: raw.hash }, { train: split.train.hash, test: split.test.hash });
      const model: ArtifactRecord = { hash: hash(`model-${r}`), kind: 'model', path: `/bench/model-${r}.onnx`, bytes: 50_000 };
      store.putArtifact(model);
      node('train', 'train.random_forest', { target: 'y', n_estimators: 100 + r, max_depth: r % 10 }, `k-train-${r}`, false, { train: split.train.hash }, { model: model.hash });
      const report: ArtifactRecord = { hash: hash(`report-${r}`), kind: 'report', path: `/bench/report-${r}.json`, bytes: 2_000 };
      const predictions = table(`pred-${r}`);
      store.putArtifact(report);
      store.putArtifact(predictions);
      const evalId = node('evaluate', 'evaluate.model', { metrics: ['accuracy', 'auc'] }, `k-eval-${r}`, false, { model: model.hash, data: split.test.hash }, {
        report: report.hash,
        predictions: predictions.hash,
      });
      store.addMetrics(evalId, [
        { name: 'accuracy', value: 0.7 + (r % 100) / 1000 },
        { name: 'auc', value: 0.8 + (r % 50) / 1000 },
      ]);
      const scored = table(`scored-${r}`);
      store.putArtifact(scored);
      node('predict', 'deploy.batch_predict', { threshold: 0.5 }, `k-predict-${r}`, false, { model: model.hash, data: raw.hash }, { predictions: scored.hash });
      store.finishRun(runId, { status: 'succeeded', endedAt: (t += 10) });
    }
  });
  const fillMs = performance.now() - t0;
  store.close();

  const t1 = performance.now();
  store = LineageStore.open(file);
  const openMs = performance.now() - t1;
  const reference = new Database(file, { readonly: true });
  try {
    const count = reference.prepare<[], { n: number }>('SELECT count(*) AS n FROM node_runs');
    const nodeRuns = count.get()!.n;
    console.log(`lineage fill: ${FILL_RUNS} runs, ${nodeRuns} node runs in one transaction in ${fillMs.toFixed(0)} ms`);
    console.log(`lineage open of the ${FILL_RUNS}-run store (integrity_check, migrations, interrupted sweep): ${openMs.toFixed(1)} ms (once)`);

    const middle = `run-${String(FILL_RUNS / 2).padStart(6, '0')}`;
    const params = reference.prepare<[], unknown[]>('SELECT node_run_id, name, value_json FROM params').raw(true);
    const paramRows = params.all().length;
    console.log(`lineage reference: bare better-sqlite3 SELECT count(*) FROM node_runs (${nodeRuns} rows): ${median(time(() => count.get())).toFixed(3)} ms (median of ${REPEATS})`);
    console.log(`lineage reference: bare better-sqlite3 SELECT of every params row (${paramRows} rows, raw arrays): ${median(time(() => params.all())).toFixed(1)} ms (median of ${REPEATS})`);
    const check = <T>(label: string, fn: () => T, ok: (v: T) => boolean): void => {
      const v = fn();
      if (!ok(v)) throw new Error(`bench: ${label} returned an unexpected result`);
      report(label, time(fn));
    };
    check(`listRuns({pipelineId, limit: 50}) of ${FILL_RUNS} runs`, () => store.listRuns({ pipelineId, limit: 50 }), (v) => v.length === 50);
    check(`experiments(pipelineId) = latest 500 of ${FILL_RUNS} runs`, () => store.experiments(pipelineId), (v) => v.length === 500 && v[0].metrics['evaluate.auc'] > 0);
    check(`experiments(pipelineId, ${FILL_RUNS}) = all ${FILL_RUNS} runs`, () => store.experiments(pipelineId, FILL_RUNS), (v) => v.length === FILL_RUNS);
    check(`getRun(one of ${FILL_RUNS} runs)`, () => store.getRun(middle), (v) => v?.nodeRuns.length === 5);
    check(
      'lineage(model artifact)',
      () => store.lineage(hash(`model-${FILL_RUNS / 2}`)),
      (v) => v !== undefined && v.upstream.length === 3 && v.downstream.length === 2,
    );
    check(
      `lineage(source csv read by ${FILL_RUNS} runs; walk capped)`,
      () => store.lineage(csv.hash),
      (v) => v !== undefined && v.downstream.length > 0,
    );
  } finally {
    reference.close();
    store.close();
  }
}

function time(fn: () => unknown): number[] {
  const ms: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return ms;
}

/** One figure: the median and whether it meets the target. */
function report(label: string, samples: number[]): void {
  const m = median(samples);
  console.log(`lineage query ${label}: ${m.toFixed(2)} ms (median of ${samples.length}; target < ${TARGET_MS} ms: ${m < TARGET_MS ? 'ok' : 'MISSED'})`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

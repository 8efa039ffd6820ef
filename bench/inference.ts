import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Playground, latencyStats, predictOnce } from '../src-main/inference/playground.js';
import { predictFile } from '../src-main/inference/predict-file.js';
import { DEFAULT_SESSION_OPTIONS } from '../src-main/inference/sessions.js';
import { treeEnsembleModel } from '../src-main/inference/test-models.test-helpers.js';

/**
 * The playground's overhead over a bare onnxruntime-node session on the same model (a
 * TreeEnsembleRegressor of 100 trees of depth 6 over 8 float columns, Plumb-shaped: one [N, 1]
 * input per column): single-row latency through playground.predict's path (session cache
 * lookup, feeds from a form row, run, outputs to JSON) against session.run with prebuilt
 * tensors; and batch rows/s, both from rows in memory and from a CSV file through
 * playground.batch (DuckDB read + CSV write) against session.run.
 */
const TREES = 100;
const DEPTH = 6;
const FEATURES = 8;
const SINGLE_RUNS = 3000;
const BATCH_ROWS = 100_000;
const CHUNK = 10_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export async function benchInference(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'inference-bench-'));
  const { bytes, columns } = treeEnsembleModel(TREES, DEPTH, FEATURES);
  const modelPath = join(dir, 'trees.onnx');
  await writeFile(modelPath, bytes);
  const rand = rng(7);
  const rows = Array.from({ length: BATCH_ROWS }, () => Object.fromEntries(columns.map((c) => [c, Math.round((rand() * 2 - 1) * 1e4) / 1e4])));

  const playground = new Playground();
  const bare = await ort.InferenceSession.create(bytes, DEFAULT_SESSION_OPTIONS);
  const source = { path: modelPath };
  try {
    console.log(`model: TreeEnsembleRegressor, ${TREES} trees of depth ${DEPTH}, ${FEATURES} float inputs of shape [N, 1] (${(bytes.byteLength / 1024).toFixed(0)} KiB)`);

    // ---- single row ----
    const one = [rows[0]];
    const bareFeeds = (from: number, n: number): Record<string, ort.Tensor> =>
      Object.fromEntries(columns.map((c) => [c, new ort.Tensor('float32', Float32Array.from(rows.slice(from, from + n), (r) => r[c]), [n, 1])]));
    const feeds1 = bareFeeds(0, 1);
    for (let i = 0; i < 200; i++) {
      await bare.run(feeds1);
      await playground.predict(source, { rows: one });
    }
    // Interleaved, so that machine noise (two shared cores) hits both sides alike.
    const bareTimes: number[] = [];
    const ourTimes: number[] = [];
    for (let i = 0; i < SINGLE_RUNS; i++) {
      const t0 = performance.now();
      await bare.run(feeds1);
      const t1 = performance.now();
      await playground.predict(source, { rows: one });
      const t2 = performance.now();
      bareTimes.push(t1 - t0);
      ourTimes.push(t2 - t1);
    }
    const b = latencyStats(bareTimes);
    const o = latencyStats(ourTimes);
    const added = o.p50 - b.p50;
    console.log(
      `single row, ${SINGLE_RUNS} runs: playground.predict p50 ${ms(o.p50)} / p99 ${ms(o.p99)}; bare session.run p50 ${ms(b.p50)} / p99 ${ms(b.p99)}; ` +
        `added ${ms(added)} at p50, ${ms(o.p99 - b.p99)} at p99 (target < 1 ms: ${added < 1 ? 'ok' : 'MISSED'})`,
    );

    // ---- batch from rows in memory: the playground's form path, 10,000 rows per call ----
    const bareBatch = async (): Promise<number> => {
      const prebuilt = Array.from({ length: BATCH_ROWS / CHUNK }, (_, k) => bareFeeds(k * CHUNK, CHUNK));
      const t0 = performance.now();
      for (const f of prebuilt) await bare.run(f);
      return performance.now() - t0;
    };
    const ourBatch = async (): Promise<number> => {
      const t0 = performance.now();
      await playground.sessions.use(modelPath, async (model) => {
        for (let k = 0; k < BATCH_ROWS; k += CHUNK) await predictOnce(model, { rows: rows.slice(k, k + CHUNK) });
      });
      return performance.now() - t0;
    };
    await bareBatch();
    await ourBatch();
    // Alternating rounds, medians: the two cores are shared, and load drifts over seconds.
    const bareRounds: number[] = [];
    const ourRounds: number[] = [];
    for (let round = 0; round < 5; round++) {
      bareRounds.push(await bareBatch());
      ourRounds.push(await ourBatch());
    }
    const bareMs = median(bareRounds);
    const ourMs = median(ourRounds);
    const ratio = ourMs / bareMs;
    console.log(
      `batch of ${BATCH_ROWS.toLocaleString('en')} rows in ${CHUNK.toLocaleString('en')}-row calls: playground path ${rate(ourMs)} rows/s (${ms(ourMs)}), ` +
        `bare session.run on prebuilt tensors ${rate(bareMs)} rows/s (${ms(bareMs)}): ${ratio.toFixed(2)}x (target <= 1.2x: ${ratio <= 1.2 ? 'ok' : 'MISSED'})`,
    );

    // ---- batch from a CSV file: playground.batch / predictFile, DuckDB in, CSV out ----
    const csv = join(dir, 'rows.csv');
    await writeFile(csv, [columns.join(','), ...rows.map((r) => columns.map((c) => r[c]).join(','))].join('\n') + '\n');
    const fileMs: number[] = [];
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      await predictFile({ model: modelPath, input: csv, out: join(dir, 'pred.csv'), sessions: playground.sessions });
      fileMs.push(performance.now() - t0);
    }
    const fm = Math.min(...fileMs);
    console.log(
      `batch of a ${BATCH_ROWS.toLocaleString('en')}-row CSV through playground.batch (read with DuckDB, predictions written as CSV): ${rate(fm)} rows/s (${ms(fm)}), ` +
        `${(fm / bareMs).toFixed(2)}x the bare session.run on prebuilt tensors (no target: the difference is DuckDB reading the CSV and writing the output CSV)`,
    );
  } finally {
    await bare.release();
    await playground.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number): string => (x < 10 ? `${x.toFixed(3)} ms` : `${x.toFixed(0)} ms`);
const rate = (total: number): string => Math.round(BATCH_ROWS / (total / 1000)).toLocaleString('en');

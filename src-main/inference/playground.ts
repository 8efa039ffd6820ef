import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type {
  ModelSource,
  OnnxSignature,
  PlumbEvent,
  RowPrediction,
  TensorInput,
  TensorOutput,
} from '../../src-shared/api/contract.js';
import { InferenceError } from './errors.js';
import { predictFile } from './predict-file.js';
import { feedsFromRows, predictionColumns, rowPredictions, type RawValue } from './predict-rows.js';
import { runSession, SessionCache, type LoadedModel } from './sessions.js';
import { buildFeeds, tensorToOutput } from './tensors.js';

/**
 * What the playground does, host-agnostic: the API handlers (src-main/api/playground-handlers.ts)
 * only validate requests and call these. Where inference runs: onnxruntime-node's session.run
 * executes on ort's native thread pool and resolves a promise, so the main thread only builds
 * feeds (cheap for form rows; files go in 10,000-row chunks with an await between them) and
 * reads outputs back; nothing here loops synchronously over a whole batch.
 */
export interface PlaygroundOptions {
  /** Largest .onnx accepted (default 512 MiB). */
  readonly maxModelBytes?: number;
  readonly maxSessions?: number;
  /** Where a source's .onnx is; the registry adds `{ model }` sources here. */
  readonly resolveSource?: (source: ModelSource) => Promise<string>;
  /** A latency measurement stops after this long even if fewer runs were done (default 60 s). */
  readonly latencyBudgetMs?: number;
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
  /** See SessionCacheOptions.recheckMs. */
  readonly recheckMs?: number;
}

export interface Feeds {
  readonly rows?: readonly Readonly<Record<string, RawValue>>[];
  readonly tensors?: Readonly<Record<string, TensorInput>>;
}

export interface PredictResult {
  outputs: Record<string, TensorOutput>;
  predictions?: RowPrediction[];
  runMs: number;
  totalMs: number;
}

export interface LatencyResult {
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

type ProgressEvent = Extract<PlumbEvent, { event: 'playground.progress' }>;

export class Playground {
  readonly sessions: SessionCache;
  private readonly jobs = new Map<string, AbortController>();
  private readonly listeners = new Set<(e: ProgressEvent) => void>();
  private readonly resolveSource: (source: ModelSource) => Promise<string>;

  constructor(private readonly opts: PlaygroundOptions = {}) {
    this.sessions = new SessionCache({
      ...(opts.maxModelBytes !== undefined ? { maxBytes: opts.maxModelBytes } : {}),
      maxSessions: opts.maxSessions ?? 4,
      ...(opts.sessionOptions ? { sessionOptions: opts.sessionOptions } : {}),
      ...(opts.recheckMs !== undefined ? { recheckMs: opts.recheckMs } : {}),
    });
    this.resolveSource =
      opts.resolveSource ??
      (async (source) => {
        if ('path' in source) return resolve(source.path);
        throw new Error(`registered models ("${source.model}") need the model registry: this playground has none`);
      });
  }

  onEvent(listener: (e: ProgressEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async inspect(source: ModelSource): Promise<{ signature: OnnxSignature }> {
    // Loading the session too, so a model onnxruntime cannot run is reported when it is opened.
    return { signature: await this.sessions.signature(await this.resolveSource(source)) };
  }

  async predict(source: ModelSource, feeds: Feeds): Promise<PredictResult> {
    return this.sessions.use(await this.resolveSource(source), (model) => predictOnce(model, feeds));
  }

  async latency(source: ModelSource, feeds: Feeds, runs: number): Promise<LatencyResult> {
    const budget = this.opts.latencyBudgetMs ?? 60_000;
    return this.sessions.use(await this.resolveSource(source), async (model) => {
      await predictOnce(model, feeds); // warm-up: first runs allocate ort's buffers
      const times: number[] = [];
      const started = performance.now();
      for (let i = 0; i < runs && performance.now() - started < budget; i++) {
        times.push((await predictOnce(model, feeds)).totalMs);
      }
      return latencyStats(times);
    });
  }

  async batch(
    source: ModelSource,
    req: { input: string; out: string; job?: string; chunkRows?: number },
  ): Promise<{ job: string; rows: number; out: string; ms: number }> {
    const job = req.job ?? randomUUID();
    if (this.jobs.has(job)) throw new InferenceError('bad-input', `a batch job "${job}" is already running`);
    const abort = new AbortController();
    this.jobs.set(job, abort);
    const started = performance.now();
    let last: ProgressEvent = { event: 'playground.progress', run: job, rows: 0, totalRows: 0, progress: 0, done: false };
    try {
      const path = await this.resolveSource(source);
      const result = await predictFile({
        model: path,
        input: req.input,
        out: req.out,
        sessions: this.sessions,
        signal: abort.signal,
        ...(req.chunkRows ? { chunkRows: req.chunkRows } : {}),
        onProgress: ({ rows, totalRows }) => {
          last = { ...last, rows, totalRows, progress: totalRows ? Math.min(1, rows / totalRows) : 1 };
          this.emit(last);
        },
      });
      return { job, rows: result.rows, out: result.out, ms: Math.round(performance.now() - started) };
    } finally {
      this.jobs.delete(job);
      this.emit({ ...last, done: true });
    }
  }

  cancel(job: string): boolean {
    const abort = this.jobs.get(job);
    abort?.abort();
    return abort !== undefined;
  }

  async dispose(): Promise<void> {
    for (const abort of this.jobs.values()) abort.abort();
    await this.sessions.dispose();
  }

  private emit(e: ProgressEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/** One prediction through the playground's path: feeds from rows or tensors, run, outputs to JSON. */
export async function predictOnce(model: LoadedModel, feeds: Feeds): Promise<PredictResult> {
  const t0 = performance.now();
  const { rows, tensors } = feeds;
  if ((rows === undefined) === (tensors === undefined)) {
    throw new InferenceError('bad-input', 'give either rows (a Plumb model\'s columns) or tensors, not both and not neither');
  }
  const { signature } = model;
  let built: Record<string, ort.Tensor>;
  if (rows) {
    if (!signature.plumb) {
      throw new InferenceError('bad-input', `${signature.path} has no plumb.inputs metadata, so it takes tensors, not rows${signature.warnings.length ? ` (${signature.warnings[0]})` : ''}`);
    }
    built = feedsFromRows(signature, signature.plumb, rows);
  } else {
    built = buildFeeds(tensors ?? {}, signature);
  }
  const t1 = performance.now();
  const outputs = await runSession(model, built);
  const runMs = performance.now() - t1;
  const json: Record<string, TensorOutput> = {};
  for (const [name, t] of Object.entries(outputs)) json[name] = tensorToOutput(t);
  const predictions = rows && signature.plumb ? rowPredictions(predictionColumns(outputs, signature.plumb, rows.length, signature.path), rows.length) : undefined;
  return { outputs: json, ...(predictions ? { predictions } : {}), runMs, totalMs: performance.now() - t0 };
}

/** Nearest-rank percentiles, in milliseconds. */
export function latencyStats(times: readonly number[]): LatencyResult {
  if (times.length === 0) return { runs: 0, p50: 0, p95: 0, p99: 0, mean: 0, min: 0, max: 0 };
  const sorted = [...times].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return {
    runs: sorted.length,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

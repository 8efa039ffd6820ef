import type { z } from 'zod';
import { DriftReportData } from '../../src-shared/api/charts-contract.js';
import type { API, ApiResponse, PlumbEvent } from '../../src-shared/api/contract.js';
import type {
  ServingAccuracyData,
  ServingDriftData,
  ServingEndpointInfo,
  ServingHistoryEntry,
  ServingRouteChange,
  ServingRouting,
  ServingSample,
  ServingStatsData,
  ServingVersionAccuracy,
} from '../../src-shared/api/serving-contract.js';
import { NodeError } from '../engine/node-runner.js';
import { TrafficDriftError, type TrafficDrift, type TrafficDriftRequest } from '../serving/traffic-drift.js';
import { ApiCallError } from './api-service.js';

/**
 * The app's running prediction endpoints (issue 10): started from the serving panel or by a
 * deploy.serve node, routed from the panel, sampled once a second into short series that the
 * panel draws, and all stopped when the service is disposed. The HTTP server itself is the
 * serving core's (src-main/serving); this only sees it through `ServedEndpoint`, so the
 * manager does not depend on how the core counts or routes.
 */

/** Cumulative figures of one version since the endpoint started; latency percentiles of its recent requests. */
export interface VersionCounters {
  readonly version: number;
  readonly requests: number;
  readonly errors: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** What the manager needs of a running endpoint. */
export interface ServedEndpoint {
  readonly name: string;
  readonly url: string;
  readonly token: string | null;
  /** The registered versions it can route to. */
  versions(): readonly number[];
  /** The newest segment of the prediction log; null before the first request. */
  logPath(): string | null;
  /** Every segment of the prediction log, oldest first (queued records written first). */
  logFiles(): readonly string[];
  /** Live accuracy per version: the feedback log joined with the prediction log. */
  accuracy(): readonly ServingVersionAccuracy[];
  routing(): ServingRouting;
  /** Rejects with a reason the user can read when the change does not apply (no canary to promote, ...). */
  route(change: ServingRouteChange): Promise<ServingRouting>;
  counters(): readonly VersionCounters[];
  /** Routing changes, oldest first, including those the endpoint made by itself (automatic rollbacks). */
  history(): readonly ServingHistoryEntry[];
  stop(): Promise<void>;
}

export interface ServingStartRequest {
  readonly model: string;
  readonly port?: number;
  readonly noToken?: boolean;
}

export type StartEndpoint = (req: ServingStartRequest) => Promise<ServedEndpoint>;

/** Computes the drift of logged traffic (src-main/serving/traffic-drift.ts); holds a DuckDB until disposed. */
export interface DriftChecker {
  check(req: TrafficDriftRequest): Promise<TrafficDrift>;
  dispose(): void;
}

/** Logged rows compared by default: the newest 10,000 (enough for the tests' power, quick to scan). */
export const DEFAULT_DRIFT_ROWS = 10_000;

/** Seconds of series kept per endpoint: five minutes at one point a second. */
const KEEP_POINTS = 300;
const TICK_MS = 1000;

interface Running {
  readonly endpoint: ServedEndpoint;
  readonly model: string;
  readonly startedAt: number;
  readonly at: number[];
  readonly points: Map<number, Omit<ServingSample, 'version'>[]>;
  /** The newest history entry already pushed in a serving.update. */
  lastSent: ServingHistoryEntry | undefined;
  last: ReadonlyMap<number, VersionCounters>;
}

export class ServingManager {
  private readonly running = new Map<string, Running>();
  private readonly listeners = new Set<(e: PlumbEvent) => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private disposed = false;

  constructor(
    private readonly startEndpoint: StartEndpoint,
    private readonly now: () => number = Date.now,
    private readonly driftChecker?: DriftChecker,
  ) {}

  onEvent(listener: (e: PlumbEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): ServingEndpointInfo[] {
    return [...this.running.values()].map((r) => this.info(r));
  }

  /** Starts an endpoint, or returns the one already serving that model reference. */
  async start(req: ServingStartRequest): Promise<{ endpoint: ServingEndpointInfo; started: boolean }> {
    if (this.disposed) throw new ApiCallError('disposed', 'the app is shutting down; no endpoint can start');
    const existing = [...this.running.values()].find((r) => r.model === req.model);
    if (existing) return { endpoint: this.info(existing), started: false };
    const endpoint = await this.startEndpoint(req);
    if (this.running.has(endpoint.name)) {
      await endpoint.stop();
      throw new ApiCallError('exists', `an endpoint named "${endpoint.name}" is already running; stop it first`);
    }
    const run: Running = {
      endpoint,
      model: req.model,
      startedAt: this.now(),
      at: [],
      points: new Map(),
      lastSent: undefined,
      last: new Map(endpoint.counters().map((c) => [c.version, c])),
    };
    this.running.set(endpoint.name, run);
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
    this.timer.unref?.();
    return { endpoint: this.info(run), started: true };
  }

  async stop(name: string): Promise<boolean> {
    const run = this.running.get(name);
    if (!run) return false;
    this.running.delete(name);
    await run.endpoint.stop();
    if (this.running.size === 0) this.stopTimer();
    return true;
  }

  async route(name: string, change: ServingRouteChange): Promise<ServingRouting> {
    const run = this.get(name);
    try {
      return await run.endpoint.route(change);
    } catch (e) {
      throw new ApiCallError('bad-request', `${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  stats(name: string): ServingStatsData {
    const run = this.get(name);
    let requests = 0;
    let errors = 0;
    for (const c of run.endpoint.counters()) {
      requests += c.requests;
      errors += c.errors;
    }
    return {
      name,
      at: [...run.at],
      versions: [...run.points].map(([version, points]) => ({ version, points: points.map((p) => ({ ...p })) })),
      totals: { requests, errors },
      history: run.endpoint.history().map((h) => ({ ...h })),
    };
  }

  /** The drift of the endpoint's logged inputs against a version's training data (the primary's by default). */
  async drift(name: string, req: { version?: number; lastRows?: number } = {}): Promise<ServingDriftData> {
    const run = this.get(name);
    if (!this.driftChecker) throw new ApiCallError('unavailable', 'drift checks are not available in this host');
    const version = req.version ?? run.endpoint.routing().primary;
    if (!run.endpoint.versions().includes(version)) throw new ApiCallError('bad-request', `${name}: version ${version} is not one this endpoint serves (${run.endpoint.versions().join(', ')})`);
    try {
      const d = await this.driftChecker.check({ name, version, files: run.endpoint.logFiles(), lastRows: req.lastRows ?? DEFAULT_DRIFT_ROWS });
      return { name, version: d.version, trainingData: d.trainingData, logFiles: d.logFiles, loggedRows: d.loggedRows, at: this.now(), report: DriftReportData.parse(d.report) };
    } catch (e) {
      if (e instanceof TrafficDriftError || e instanceof NodeError) throw new ApiCallError('failed', `${name}: ${e.message}`);
      throw e;
    }
  }

  accuracy(name: string): ServingAccuracyData {
    const run = this.get(name);
    return { name, versions: run.endpoint.accuracy().map((a) => ({ ...a })) };
  }

  /** One second: per-version deltas of the counters become a point of each series, pushed to listeners. */
  tick(): void {
    const at = this.now();
    const endpoints: Extract<PlumbEvent, { event: 'serving.update' }>['endpoints'] = [];
    for (const run of this.running.values()) {
      const counters = run.endpoint.counters();
      const samples: ServingSample[] = [];
      let requests = 0;
      let errors = 0;
      for (const c of counters) {
        const before = run.last.get(c.version);
        const delta = Math.max(0, c.requests - (before?.requests ?? 0));
        // The core's percentiles cover its recent requests; a second without any has no latency of its own.
        const sample: ServingSample = {
          version: c.version,
          requests: delta,
          errors: Math.max(0, c.errors - (before?.errors ?? 0)),
          p50: delta ? c.p50 : null,
          p95: delta ? c.p95 : null,
          p99: delta ? c.p99 : null,
        };
        samples.push(sample);
        requests += c.requests;
        errors += c.errors;
      }
      run.last = new Map(counters.map((c) => [c.version, c]));
      run.at.push(at);
      const dropOld = run.at.length > KEEP_POINTS;
      if (dropOld) run.at.shift();
      const seen = new Set<number>();
      for (const s of samples) {
        seen.add(s.version);
        let series = run.points.get(s.version);
        if (!series) {
          // A version seen for the first time: earlier seconds had no traffic for it.
          series = run.at.slice(0, -1).map(() => ({ requests: 0, errors: 0, p50: null, p95: null, p99: null }));
          run.points.set(s.version, series);
        }
        const { version: _v, ...point } = s;
        series.push(point);
        if (series.length > run.at.length) series.shift();
      }
      for (const [version, series] of run.points) {
        if (seen.has(version)) continue;
        series.push({ requests: 0, errors: 0, p50: null, p95: null, p99: null });
        if (series.length > run.at.length) series.shift();
      }
      const history = run.endpoint.history();
      // Entries are compared by content: the endpoint may hand out copies, and its history is capped.
      const sent = run.lastSent ? historyKey(run.lastSent) : undefined;
      const fresh = sent === undefined ? history : history.slice(history.findLastIndex((h) => historyKey(h) === sent) + 1);
      run.lastSent = history.at(-1) ?? run.lastSent;
      endpoints.push({ name: run.endpoint.name, at, samples, totals: { requests, errors }, routing: run.endpoint.routing(), logPath: run.endpoint.logPath(), history: fresh.map((h) => ({ ...h })) });
    }
    if (endpoints.length) this.emit({ event: 'serving.update', endpoints });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.stopTimer();
    const names = [...this.running.keys()];
    await Promise.allSettled(names.map((n) => this.stop(n)));
    this.driftChecker?.dispose();
  }

  private get(name: string): Running {
    const run = this.running.get(name);
    if (!run) throw new ApiCallError('not-found', `no endpoint "${name}" is running`);
    return run;
  }

  private info(run: Running): ServingEndpointInfo {
    const ep = run.endpoint;
    return { name: ep.name, model: run.model, url: ep.url, token: ep.token, versions: [...ep.versions()], routing: ep.routing(), startedAt: run.startedAt, logPath: ep.logPath() };
  }

  private emit(e: PlumbEvent): void {
    for (const l of this.listeners) l(e);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function historyKey(h: ServingHistoryEntry): string {
  return `${h.at}|${h.kind}|${h.from}|${h.to}|${h.percent}|${h.reason}`;
}

export type ServingMethod = 'serving.list' | 'serving.start' | 'serving.stop' | 'serving.route' | 'serving.stats' | 'serving.drift' | 'serving.accuracy';
export type ServingHandlers = { [M in ServingMethod]: (req: z.infer<(typeof API)[M]['request']>) => Promise<ApiResponse<M>> };

export function servingHandlers(manager: ServingManager): ServingHandlers {
  return {
    'serving.list': async () => ({ endpoints: manager.list() }),
    'serving.start': async ({ model, port, noToken }) => ({
      endpoint: (await manager.start({ model, ...(port !== undefined ? { port } : {}), ...(noToken ? { noToken } : {}) })).endpoint,
    }),
    'serving.stop': async ({ name }) => ({ stopped: await manager.stop(name) }),
    'serving.route': async ({ name, change }) => ({ routing: await manager.route(name, change) }),
    'serving.stats': async ({ name }) => manager.stats(name),
    'serving.drift': async ({ name, version, lastRows }) => manager.drift(name, { ...(version !== undefined ? { version } : {}), ...(lastRows !== undefined ? { lastRows } : {}) }),
    'serving.accuracy': async ({ name }) => manager.accuracy(name),
  };
}

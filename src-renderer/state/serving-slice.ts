import type {
  ServingAccuracyData,
  ServingDriftData,
  ServingEndpointInfo,
  ServingHistoryEntry,
  ServingRouting,
  ServingStatsData,
  ServingUpdate,
} from '../../src-shared/api/serving-contract.js';
import type { GetState, SetState } from './types.js';

/**
 * The serving panel's state: the app's running endpoints, and per endpoint the live series (one
 * point a second) fed first by `serving.stats` and then by `serving.update` events. Never
 * undoable: endpoints are not part of the pipeline.
 */

/** One version's series, aligned with `LiveSeries.at`. */
export interface VersionSeries {
  readonly requests: readonly number[];
  readonly errors: readonly number[];
  readonly p50: readonly (number | null)[];
  readonly p95: readonly (number | null)[];
  readonly p99: readonly (number | null)[];
}

export interface LiveSeries {
  readonly at: readonly number[];
  readonly versions: Readonly<Record<string, VersionSeries>>;
  readonly totals: { readonly requests: number; readonly errors: number };
  readonly history: readonly ServingHistoryEntry[];
}

export interface ServingState {
  readonly endpoints: readonly ServingEndpointInfo[];
  readonly loading: boolean;
  /** The last failure of a serving call, shown at the top of the panel. */
  readonly error: string | null;
  readonly live: Readonly<Record<string, LiveSeries>>;
  /** Endpoints whose token is shown in clear. */
  readonly revealed: Readonly<Record<string, boolean>>;
  /** The model reference typed in the start form. */
  readonly startModel: string;
  /** Per endpoint, the last drift check of its logged traffic (asked for with "Check drift"). */
  readonly drift: Readonly<Record<string, DriftCheck>>;
  /** Per endpoint, live accuracy per version as last read. */
  readonly accuracy: Readonly<Record<string, ServingAccuracyData>>;
}

export type DriftCheck = { readonly state: 'loading' } | { readonly state: 'loaded'; readonly data: ServingDriftData } | { readonly state: 'error'; readonly message: string };

export interface ServingSlice {
  readonly serving: ServingState;
  servingLoading(): void;
  servingListed(endpoints: readonly ServingEndpointInfo[]): void;
  servingFailed(message: string | null): void;
  servingStarted(endpoint: ServingEndpointInfo): void;
  servingStopped(name: string): void;
  servingRouted(name: string, routing: ServingRouting): void;
  servingStatsLoaded(stats: ServingStatsData): void;
  applyServingUpdates(updates: readonly ServingUpdate[]): void;
  toggleServingToken(name: string): void;
  setServingStartModel(model: string): void;
  servingDriftChecking(name: string): void;
  servingDriftChecked(data: ServingDriftData): void;
  servingDriftFailed(name: string, message: string): void;
  servingAccuracyLoaded(data: ServingAccuracyData): void;
}

/** Points kept per series: five minutes, as the host keeps. */
export const LIVE_POINTS = 300;
const HISTORY_KEPT = 200;

const emptySeries = (n: number): VersionSeries => ({
  requests: new Array<number>(n).fill(0),
  errors: new Array<number>(n).fill(0),
  p50: new Array<number | null>(n).fill(null),
  p95: new Array<number | null>(n).fill(null),
  p99: new Array<number | null>(n).fill(null),
});

export function liveFromStats(stats: ServingStatsData): LiveSeries {
  const versions: Record<string, VersionSeries> = {};
  for (const v of stats.versions) {
    versions[String(v.version)] = {
      requests: v.points.map((p) => p.requests),
      errors: v.points.map((p) => p.errors),
      p50: v.points.map((p) => p.p50),
      p95: v.points.map((p) => p.p95),
      p99: v.points.map((p) => p.p99),
    };
  }
  return { at: stats.at, versions, totals: stats.totals, history: stats.history };
}

const keep = <T,>(xs: readonly T[], x: T): T[] => {
  const next = [...xs, x];
  return next.length > LIVE_POINTS ? next.slice(next.length - LIVE_POINTS) : next;
};

/** Appends one second of an endpoint: every version gets a point (zero when it had no traffic). */
export function appendUpdate(live: LiveSeries | undefined, update: ServingUpdate): LiveSeries {
  const base = live ?? { at: [], versions: {}, totals: update.totals, history: [] };
  const n = base.at.length;
  const versions: Record<string, VersionSeries> = { ...base.versions };
  for (const s of update.samples) versions[String(s.version)] ??= emptySeries(n);
  for (const [key, series] of Object.entries(versions)) {
    const s = update.samples.find((x) => String(x.version) === key);
    versions[key] = {
      requests: keep(series.requests, s?.requests ?? 0),
      errors: keep(series.errors, s?.errors ?? 0),
      p50: keep(series.p50, s?.p50 ?? null),
      p95: keep(series.p95, s?.p95 ?? null),
      p99: keep(series.p99, s?.p99 ?? null),
    };
  }
  const history = [...base.history, ...update.history];
  return {
    at: keep(base.at, update.at),
    versions,
    totals: update.totals,
    history: history.length > HISTORY_KEPT ? history.slice(history.length - HISTORY_KEPT) : history,
  };
}

export function createServingSlice(set: SetState, get: GetState): ServingSlice {
  const patch = (p: Partial<ServingState>) => set({ serving: { ...get().serving, ...p } });
  const withEndpoint = (name: string, f: (e: ServingEndpointInfo) => ServingEndpointInfo) =>
    patch({ endpoints: get().serving.endpoints.map((e) => (e.name === name ? f(e) : e)) });
  return {
    serving: { endpoints: [], loading: false, error: null, live: {}, revealed: {}, startModel: '', drift: {}, accuracy: {} },
    servingLoading: () => patch({ loading: true }),
    servingListed: (endpoints) => {
      const names = new Set(endpoints.map((e) => e.name));
      const live = Object.fromEntries(Object.entries(get().serving.live).filter(([n]) => names.has(n)));
      patch({ endpoints, loading: false, live });
    },
    servingFailed: (error) => patch({ error, loading: false }),
    servingStarted: (endpoint) =>
      patch({ endpoints: [...get().serving.endpoints.filter((e) => e.name !== endpoint.name), endpoint], error: null }),
    servingStopped: (name) => {
      const { [name]: _gone, ...live } = get().serving.live;
      const { [name]: _check, ...drift } = get().serving.drift;
      const { [name]: _acc, ...accuracy } = get().serving.accuracy;
      patch({ endpoints: get().serving.endpoints.filter((e) => e.name !== name), live, drift, accuracy });
    },
    servingRouted: (name, routing) => withEndpoint(name, (e) => ({ ...e, routing })),
    servingStatsLoaded: (stats) => patch({ live: { ...get().serving.live, [stats.name]: liveFromStats(stats) } }),
    applyServingUpdates: (updates) => {
      const { live, endpoints } = get().serving;
      const next = { ...live };
      for (const u of updates) next[u.name] = appendUpdate(live[u.name], u);
      // Routing may change by itself (an automatic rollback), and the log appears with the first
      // request and rotates: the update carries both as they are now.
      const routed = endpoints.map((e) => {
        const u = updates.find((x) => x.name === e.name);
        return u ? { ...e, routing: u.routing, logPath: u.logPath } : e;
      });
      patch({ live: next, endpoints: routed });
    },
    toggleServingToken: (name) => patch({ revealed: { ...get().serving.revealed, [name]: !get().serving.revealed[name] } }),
    setServingStartModel: (startModel) => patch({ startModel }),
    servingDriftChecking: (name) => patch({ drift: { ...get().serving.drift, [name]: { state: 'loading' } } }),
    servingDriftChecked: (data) => patch({ drift: { ...get().serving.drift, [data.name]: { state: 'loaded', data } } }),
    servingDriftFailed: (name, message) => patch({ drift: { ...get().serving.drift, [name]: { state: 'error', message } } }),
    servingAccuracyLoaded: (data) => patch({ accuracy: { ...get().serving.accuracy, [data.name]: data } }),
  };
}

import { percentile } from './routing.js';

/**
 * A serving endpoint's counters: what `/metrics` exposes in Prometheus text format (version
 * 0.0.4) and what `stats()` gives the app (percentiles per version, a per-second rate series).
 * Latency percentiles come from the newest LATENCY_SAMPLES requests of each version; the
 * Prometheus histogram counts every request since the start.
 */

/** Seconds; dense around the single-row range (a millisecond or two) where serving lives. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A regression's predicted values: symmetric decades, since the target's scale is not known here. */
export const VALUE_BUCKETS = [-1e6, -1e5, -1e4, -1e3, -100, -10, -1, -0.1, 0, 0.1, 1, 10, 100, 1e3, 1e4, 1e5, 1e6];
const LATENCY_SAMPLES = 2048;
const SERIES_SECONDS = 300;

export interface VersionStats {
  readonly version: number;
  readonly requests: number;
  /** 5xx answers: the version failed. */
  readonly errors: number;
  /** 4xx answers: the request was refused. */
  readonly rejected: number;
  readonly rows: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly shadowRuns: number;
  readonly shadowErrors: number;
}

export interface RatePoint {
  /** Epoch ms of the second's start. */
  readonly t: number;
  readonly requests: number;
  readonly errors: number;
  /** Requests per version in that second. */
  readonly byVersion: Readonly<Record<string, number>>;
}

export interface ServingStats {
  readonly since: number;
  readonly requests: number;
  readonly errors: number;
  readonly rejected: number;
  readonly versions: readonly VersionStats[];
  /** Oldest first, one point per second with traffic or not, the last five minutes. */
  readonly series: readonly RatePoint[];
}

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }
  observe(x: number): void {
    this.sum += x;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (x <= this.bounds[i]) this.counts[i]++;
  }
}

interface VersionCounters {
  requests: number;
  errors: number;
  rejected: number;
  rows: number;
  shadowRuns: number;
  shadowErrors: number;
  latency: Histogram;
  recent: number[];
  recentAt: number;
  labels: Map<string, number>;
  values: Histogram;
}

export class ServingMetrics {
  /** `version|code` -> count; version "none" when the request never reached a version. */
  private readonly requests = new Map<string, number>();
  private readonly versions = new Map<number, VersionCounters>();
  private readonly seconds: { t: number; requests: number; errors: number; byVersion: Record<string, number> }[] = [];
  private readonly since: number;

  constructor(
    private readonly name: string,
    private readonly now: () => number = Date.now,
  ) {
    this.since = now();
  }

  /** A finished HTTP request to /predict or /feedback (any status). `version` null: refused before routing. */
  request(version: number | null, status: number, seconds: number | null): void {
    const key = `${version ?? 'none'}|${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const point = this.second();
    point.requests++;
    if (status >= 500) point.errors++;
    if (version === null) return;
    point.byVersion[version] = (point.byVersion[version] ?? 0) + 1;
    const v = this.of(version);
    v.requests++;
    if (status >= 500) v.errors++;
    else if (status >= 400) v.rejected++;
    if (seconds !== null) {
      v.latency.observe(seconds);
      if (v.recent.length < LATENCY_SAMPLES) v.recent.push(seconds * 1000);
      else v.recent[v.recentAt++ % LATENCY_SAMPLES] = seconds * 1000;
    }
  }

  /** Predictions a version answered (primary or candidate; shadows are counted by `shadow`). */
  predictions(version: number, labels: readonly (string | null)[], values: readonly (number | null)[]): void {
    const v = this.of(version);
    v.rows += Math.max(labels.length, values.length);
    for (const l of labels) if (l !== null) v.labels.set(l, (v.labels.get(l) ?? 0) + 1);
    for (const x of values) if (x !== null) v.values.observe(x);
  }

  shadow(version: number, ok: boolean): void {
    const v = this.of(version);
    v.shadowRuns++;
    if (!ok) v.shadowErrors++;
  }

  stats(): ServingStats {
    let requests = 0;
    let errors = 0;
    let rejected = 0;
    for (const [key, n] of this.requests) {
      const status = Number(key.split('|')[1]);
      requests += n;
      if (status >= 500) errors += n;
      else if (status >= 400) rejected += n;
    }
    const versions = [...this.versions.entries()]
      .sort(([a], [b]) => a - b)
      .map(([version, v]) => ({
        version,
        requests: v.requests,
        errors: v.errors,
        rejected: v.rejected,
        rows: v.rows,
        p50Ms: percentile(v.recent, 50),
        p95Ms: percentile(v.recent, 95),
        p99Ms: percentile(v.recent, 99),
        shadowRuns: v.shadowRuns,
        shadowErrors: v.shadowErrors,
      }));
    this.second(); // brings the series up to now, so a quiet endpoint shows zeros
    return { since: this.since, requests, errors, rejected, versions, series: this.seconds.map((s) => ({ ...s, byVersion: { ...s.byVersion } })) };
  }

  /** Prometheus text exposition format 0.0.4. `roles`: version -> primary/candidate/shadow. */
  prometheus(roles: ReadonlyMap<number, string>): string {
    const out: string[] = [];
    const name = label(this.name);
    const family = (metric: string, type: string, help: string): void => {
      out.push(`# HELP ${metric} ${help}`, `# TYPE ${metric} ${type}`);
    };
    family('plumb_model_info', 'gauge', 'Versions loaded by this endpoint and their role (primary, candidate, shadow).');
    for (const [version, role] of [...roles].sort(([a], [b]) => a - b)) out.push(`plumb_model_info{name="${name}",version="${version}",role="${label(role)}"} 1`);

    family('plumb_requests_total', 'counter', 'HTTP requests to /predict and /feedback by the version that served them and status code.');
    for (const [key, n] of [...this.requests].sort()) {
      const [version, code] = key.split('|');
      out.push(`plumb_requests_total{name="${name}",version="${version}",code="${code}"} ${n}`);
    }
    const versions = [...this.versions.entries()].sort(([a], [b]) => a - b);
    family('plumb_request_errors_total', 'counter', 'Requests a version failed (5xx).');
    for (const [version, v] of versions) out.push(`plumb_request_errors_total{name="${name}",version="${version}"} ${v.errors}`);
    family('plumb_rows_predicted_total', 'counter', 'Rows predicted by each version.');
    for (const [version, v] of versions) out.push(`plumb_rows_predicted_total{name="${name}",version="${version}"} ${v.rows}`);
    family('plumb_shadow_predictions_total', 'counter', 'Requests scored by a shadow version, by outcome.');
    for (const [version, v] of versions) {
      if (v.shadowRuns === 0) continue;
      out.push(`plumb_shadow_predictions_total{name="${name}",version="${version}",outcome="ok"} ${v.shadowRuns - v.shadowErrors}`);
      out.push(`plumb_shadow_predictions_total{name="${name}",version="${version}",outcome="error"} ${v.shadowErrors}`);
    }
    family('plumb_request_duration_seconds', 'histogram', 'Time from a /predict request arriving to its answer, by serving version.');
    for (const [version, v] of versions) histogram(out, 'plumb_request_duration_seconds', `name="${name}",version="${version}"`, v.latency);
    family('plumb_predictions_total', 'counter', 'Predicted labels by version and class (classification).');
    for (const [version, v] of versions) {
      for (const [l, n] of [...v.labels].sort()) out.push(`plumb_predictions_total{name="${name}",version="${version}",label="${label(l)}"} ${n}`);
    }
    family('plumb_prediction_value', 'histogram', 'Predicted values by version (regression).');
    for (const [version, v] of versions) if (v.values.count > 0) histogram(out, 'plumb_prediction_value', `name="${name}",version="${version}"`, v.values);
    return out.join('\n') + '\n';
  }

  private of(version: number): VersionCounters {
    let v = this.versions.get(version);
    if (!v) {
      v = { requests: 0, errors: 0, rejected: 0, rows: 0, shadowRuns: 0, shadowErrors: 0, latency: new Histogram(LATENCY_BUCKETS), recent: [], recentAt: 0, labels: new Map(), values: new Histogram(VALUE_BUCKETS) };
      this.versions.set(version, v);
    }
    return v;
  }

  /** The current second's point, adding empty seconds for a quiet spell. */
  private second(): { t: number; requests: number; errors: number; byVersion: Record<string, number> } {
    const t = Math.floor(this.now() / 1000) * 1000;
    const last = this.seconds.at(-1);
    if (last && last.t === t) return last;
    let next = last ? Math.max(last.t + 1000, t - SERIES_SECONDS * 1000) : t;
    for (; next <= t; next += 1000) this.seconds.push({ t: next, requests: 0, errors: 0, byVersion: {} });
    if (this.seconds.length > SERIES_SECONDS) this.seconds.splice(0, this.seconds.length - SERIES_SECONDS);
    return this.seconds[this.seconds.length - 1];
  }
}

function histogram(out: string[], metric: string, labels: string, h: Histogram): void {
  h.bounds.forEach((b, i) => out.push(`${metric}_bucket{${labels},le="${b}"} ${h.counts[i]}`));
  out.push(`${metric}_bucket{${labels},le="+Inf"} ${h.count}`, `${metric}_sum{${labels}} ${h.sum}`, `${metric}_count{${labels}} ${h.count}`);
}

/** A label value escaped as the text format asks: backslash, double quote and newline. */
function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Which version answers a request: the rollout strategies of a serving endpoint as pure logic
 * (no I/O, no clock or randomness of its own: both are passed in, so tests seed them).
 *
 *   single      every request to the primary version
 *   blue-green  a `switch` moves all traffic to another version at once (callers hold the version
 *               they were routed to, so requests in flight finish where they started)
 *   canary      `percent` of requests to the candidate, raised by `step` (by hand, or every N
 *               requests / seconds); rolled back automatically when the candidate's error rate or
 *               latency p95 over its last `window` requests exceeds a threshold
 *   ab          a fixed split, sticky by a request key (hashed); keyless requests split at random
 *   shadow      the primary answers; the candidate scores every request too, only logged
 */

export type Strategy = 'single' | 'canary' | 'ab' | 'shadow';

export interface CanaryPolicy {
  /** Percentage points added by a step. */
  readonly step: number;
  /** Step automatically after this many routed requests (null: by hand only). */
  readonly everyRequests: number | null;
  /** Step automatically after this many seconds (null: by hand only). */
  readonly everySeconds: number | null;
  /** Roll back when the candidate's share of failed requests over the window exceeds this (0..1). */
  readonly maxErrorRate: number;
  /** Roll back when the candidate's latency p95 over the window exceeds this (milliseconds). */
  readonly maxP95Ms: number;
  /** How many of the candidate's latest requests the checks look at. */
  readonly window: number;
  /** No verdict before the candidate has answered this many requests. */
  readonly minRequests: number;
}

export const DEFAULT_CANARY_POLICY: CanaryPolicy = {
  step: 10,
  everyRequests: null,
  everySeconds: null,
  maxErrorRate: 0.05,
  maxP95Ms: 1000,
  window: 100,
  minRequests: 10,
};

export type RoutingEventKind = 'start' | 'switch' | 'canary-start' | 'canary-step' | 'promote' | 'rollback' | 'auto-rollback' | 'ab-start' | 'shadow-start';

export interface RoutingEvent {
  readonly at: number;
  readonly kind: RoutingEventKind;
  readonly from: number | null;
  readonly to: number | null;
  readonly percent: number | null;
  readonly reason: string | null;
}

export interface RoutingState {
  readonly strategy: Strategy;
  /** The version that takes the traffic not sent elsewhere. */
  readonly primary: number;
  /** The canary, the B of an A/B test, or the shadow; null for `single`. */
  readonly candidate: number | null;
  /** The candidate's share of requests in percent (canary, ab); 0 otherwise. */
  readonly percent: number;
  readonly canary: CanaryPolicy | null;
  /** Oldest first, the newest 100. */
  readonly history: readonly RoutingEvent[];
}

export type RoutingChange =
  | { readonly kind: 'switch'; readonly version: number; readonly reason?: string }
  | { readonly kind: 'canary'; readonly version: number; readonly percent: number; readonly policy?: Partial<CanaryPolicy>; readonly reason?: string }
  | { readonly kind: 'step'; readonly reason?: string }
  | { readonly kind: 'promote'; readonly reason?: string }
  | { readonly kind: 'rollback'; readonly reason?: string }
  | { readonly kind: 'ab'; readonly version: number; readonly percent: number; readonly reason?: string }
  | { readonly kind: 'shadow'; readonly version: number; readonly reason?: string };

/** The versions a change needs loaded before it applies. */
export function versionsNeeded(change: RoutingChange): number[] {
  return 'version' in change ? [change.version] : [];
}

export interface Route {
  /** The version that answers. */
  readonly version: number;
  readonly role: 'primary' | 'candidate';
  /** A version that scores the request too, its answer only logged. */
  readonly shadow: number | null;
}

/** A refused routing change; the message says why. */
export class RoutingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoutingError';
  }
}

const HISTORY = 100;

/** 32-bit FNV-1a: stable across processes and releases, so an A/B key keeps its side. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface Outcome {
  readonly ok: boolean;
  readonly ms: number;
}

/** Why a canary should be rolled back, or null when it is healthy (or too young to judge). */
export function canaryVerdict(outcomes: readonly Outcome[], policy: CanaryPolicy): string | null {
  if (outcomes.length < policy.minRequests) return null;
  const failed = outcomes.filter((o) => !o.ok).length;
  const rate = failed / outcomes.length;
  if (rate > policy.maxErrorRate) {
    return `error rate ${(rate * 100).toFixed(1)}% over the candidate's last ${outcomes.length} requests exceeds ${(policy.maxErrorRate * 100).toFixed(1)}%`;
  }
  const p95 = percentile(outcomes.map((o) => o.ms), 95);
  if (p95 > policy.maxP95Ms) {
    return `latency p95 ${p95.toFixed(1)} ms over the candidate's last ${outcomes.length} requests exceeds ${policy.maxP95Ms} ms`;
  }
  return null;
}

function checkPercent(p: number): number {
  if (!Number.isFinite(p) || p < 0 || p > 100) throw new RoutingError(`percent must be between 0 and 100, not ${p}`);
  return p;
}

function checkPolicy(p: CanaryPolicy): CanaryPolicy {
  const positive = (name: string, v: number | null, integer: boolean): void => {
    if (v === null) return;
    if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new RoutingError(`canary ${name} must be a positive ${integer ? 'whole ' : ''}number, not ${v}`);
  };
  positive('step', p.step, false);
  positive('everyRequests', p.everyRequests, true);
  positive('everySeconds', p.everySeconds, false);
  positive('maxP95Ms', p.maxP95Ms, false);
  positive('window', p.window, true);
  positive('minRequests', p.minRequests, true);
  if (!(p.maxErrorRate >= 0 && p.maxErrorRate <= 1)) throw new RoutingError(`canary maxErrorRate must be between 0 and 1, not ${p.maxErrorRate}`);
  if (p.minRequests > p.window) throw new RoutingError(`canary minRequests (${p.minRequests}) cannot exceed window (${p.window})`);
  return p;
}

/**
 * The routing state machine. `route` picks a version; `record` feeds back the candidate's
 * outcomes and answers an automatic rollback when the canary is unhealthy; `tick` performs
 * time-based canary steps. Every change returns the event it made (the caller persists it).
 */
export class Router {
  private state: RoutingState;
  private outcomes: Outcome[] = [];
  private routedSinceStep = 0;
  private lastStepAt = 0;

  constructor(
    primary: number,
    private readonly random: () => number,
    private readonly now: () => number,
  ) {
    this.state = { strategy: 'single', primary, candidate: null, percent: 0, canary: null, history: [] };
    this.push({ kind: 'start', from: null, to: primary, percent: null, reason: null });
    this.lastStepAt = now();
  }

  get current(): RoutingState {
    return this.state;
  }

  route(key: string | null): Route {
    const s = this.state;
    if (s.candidate === null) return { version: s.primary, role: 'primary', shadow: null };
    if (s.strategy === 'shadow') return { version: s.primary, role: 'primary', shadow: s.candidate };
    let toCandidate: boolean;
    if (s.strategy === 'ab' && key !== null) toCandidate = (hashKey(key) % 10_000) < s.percent * 100;
    else toCandidate = this.random() * 100 < s.percent;
    if (s.strategy === 'canary' && s.canary?.everyRequests) {
      this.routedSinceStep++;
    }
    return toCandidate ? { version: s.candidate, role: 'candidate', shadow: null } : { version: s.primary, role: 'primary', shadow: null };
  }

  /**
   * A request's outcome on `version` (ok = no server-side failure). Returns the automatic
   * rollback or step it caused, if any.
   */
  record(version: number, ok: boolean, ms: number): RoutingEvent | null {
    const s = this.state;
    if (s.strategy !== 'canary' || s.candidate === null || s.canary === null) return null;
    if (version === s.candidate) {
      this.outcomes.push({ ok, ms });
      if (this.outcomes.length > s.canary.window) this.outcomes.splice(0, this.outcomes.length - s.canary.window);
      const why = canaryVerdict(this.outcomes, s.canary);
      if (why !== null) return this.apply({ kind: 'rollback', reason: why }, 'auto-rollback');
    }
    if (s.canary.everyRequests && this.routedSinceStep >= s.canary.everyRequests && s.percent < 100) {
      return this.apply({ kind: 'step', reason: `automatic: ${s.canary.everyRequests} requests since the last step` });
    }
    return null;
  }

  /** Time-based canary steps; call it every second or so. */
  tick(): RoutingEvent | null {
    const s = this.state;
    if (s.strategy !== 'canary' || !s.canary?.everySeconds || s.percent >= 100) return null;
    if (this.now() - this.lastStepAt < s.canary.everySeconds * 1000) return null;
    return this.apply({ kind: 'step', reason: `automatic: ${s.canary.everySeconds} s since the last step` });
  }

  /** Applies a change (throws RoutingError when it does not fit the current state). */
  apply(change: RoutingChange, rollbackKind: 'rollback' | 'auto-rollback' = 'rollback'): RoutingEvent {
    const event = this.change(change, rollbackKind);
    // A new state starts its window and step counters afresh (a refused change keeps them).
    this.outcomes = [];
    this.routedSinceStep = 0;
    this.lastStepAt = this.now();
    return event;
  }

  private change(change: RoutingChange, rollbackKind: 'rollback' | 'auto-rollback'): RoutingEvent {
    const s = this.state;
    const reason = change.reason ?? null;
    const experiment = (): void => {
      if (s.candidate !== null) {
        throw new RoutingError(`a ${s.strategy} of version ${s.candidate} is in progress: promote or roll it back first`);
      }
      if ('version' in change && change.version === s.primary) throw new RoutingError(`version ${change.version} already takes the traffic`);
    };
    switch (change.kind) {
      case 'switch': {
        if (s.candidate !== null) throw new RoutingError(`a ${s.strategy} of version ${s.candidate} is in progress: promote or roll it back before switching`);
        if (change.version === s.primary) throw new RoutingError(`version ${change.version} already takes all the traffic`);
        this.set({ strategy: 'single', primary: change.version, candidate: null, percent: 0, canary: null });
        return this.push({ kind: 'switch', from: s.primary, to: change.version, percent: 100, reason });
      }
      case 'canary': {
        experiment();
        const canary = checkPolicy({ ...DEFAULT_CANARY_POLICY, ...definedOnly(change.policy ?? {}) });
        this.set({ strategy: 'canary', candidate: change.version, percent: checkPercent(change.percent), canary });
        return this.push({ kind: 'canary-start', from: s.primary, to: change.version, percent: change.percent, reason });
      }
      case 'ab':
      case 'shadow': {
        experiment();
        const percent = change.kind === 'ab' ? checkPercent(change.percent) : 0;
        this.set({ strategy: change.kind, candidate: change.version, percent, canary: null });
        return this.push({ kind: change.kind === 'ab' ? 'ab-start' : 'shadow-start', from: s.primary, to: change.version, percent: change.kind === 'ab' ? percent : null, reason });
      }
      case 'step': {
        if (s.strategy !== 'canary' || s.candidate === null || s.canary === null) throw new RoutingError('there is no canary to step');
        const percent = Math.min(100, s.percent + s.canary.step);
        this.set({ percent });
        return this.push({ kind: 'canary-step', from: s.primary, to: s.candidate, percent, reason });
      }
      case 'promote': {
        if (s.candidate === null) throw new RoutingError('there is no candidate to promote (start a canary, A/B test or shadow first)');
        this.set({ strategy: 'single', primary: s.candidate, candidate: null, percent: 0, canary: null });
        return this.push({ kind: 'promote', from: s.primary, to: s.candidate, percent: 100, reason });
      }
      case 'rollback': {
        if (s.candidate === null) throw new RoutingError('there is no candidate to roll back');
        this.set({ strategy: 'single', candidate: null, percent: 0, canary: null });
        return this.push({ kind: rollbackKind, from: s.candidate, to: s.primary, percent: 0, reason });
      }
    }
  }

  private set(patch: Partial<RoutingState>): void {
    this.state = { ...this.state, ...patch };
  }

  private push(e: Omit<RoutingEvent, 'at'>): RoutingEvent {
    const event: RoutingEvent = { at: this.now(), ...e };
    const history = [...this.state.history, event];
    this.set({ history: history.length > HISTORY ? history.slice(-HISTORY) : history });
    return event;
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import { describe, expect, it } from 'vitest';
import { MT19937 } from '../ml/random/mt19937.js';
import { canaryVerdict, DEFAULT_CANARY_POLICY, hashKey, Router, RoutingError } from './routing.js';

const seeded = (seed: number): (() => number) => {
  const mt = new MT19937(seed);
  return () => mt.nextUint32() / 2 ** 32;
};

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const share = (router: Router, n: number, key?: (i: number) => string): number => {
  let candidate = 0;
  for (let i = 0; i < n; i++) if (router.route(key ? key(i) : null).role === 'candidate') candidate++;
  return candidate / n;
};

describe('Router', () => {
  it('sends everything to the primary until a change, and a blue-green switch moves all of it at once', () => {
    const c = clock();
    const r = new Router(1, seeded(1), c.now);
    expect(share(r, 1000)).toBe(0);
    expect(r.route(null)).toEqual({ version: 1, role: 'primary', shadow: null });
    const e = r.apply({ kind: 'switch', version: 2, reason: 'release' });
    expect(e).toMatchObject({ kind: 'switch', from: 1, to: 2, reason: 'release' });
    for (let i = 0; i < 100; i++) expect(r.route(`k${i}`).version).toBe(2);
    expect(() => r.apply({ kind: 'switch', version: 2 })).toThrow(RoutingError);
    expect(r.current.history.map((h) => h.kind)).toEqual(['start', 'switch']);
  });

  it('sends about the canary percentage to the candidate and raises it by steps, by hand and every N requests', () => {
    const r = new Router(1, seeded(7), clock().now);
    r.apply({ kind: 'canary', version: 2, percent: 10, policy: { step: 15 } });
    expect(share(r, 20_000)).toBeCloseTo(0.1, 1);
    expect(r.apply({ kind: 'step' }).percent).toBe(25);
    expect(share(r, 20_000)).toBeCloseTo(0.25, 1);

    const auto = new Router(1, seeded(3), clock().now);
    auto.apply({ kind: 'canary', version: 2, percent: 10, policy: { step: 10, everyRequests: 50 } });
    const steps: number[] = [];
    for (let i = 0; i < 200; i++) {
      const route = auto.route(null);
      const e = auto.record(route.version, true, 1);
      if (e) steps.push(e.percent ?? -1);
    }
    expect(steps).toEqual([20, 30, 40, 50]);
    expect(auto.current.history.at(-1)?.reason).toMatch(/automatic: 50 requests/);
  });

  it('steps a canary every N seconds on tick', () => {
    const c = clock();
    const r = new Router(1, seeded(3), c.now);
    r.apply({ kind: 'canary', version: 2, percent: 5, policy: { step: 5, everySeconds: 30 } });
    c.advance(29_000);
    expect(r.tick()).toBeNull();
    c.advance(1_000);
    expect(r.tick()?.percent).toBe(10);
    expect(r.tick()).toBeNull();
  });

  it('rolls a canary back by itself when its error rate passes the threshold, not before minRequests', () => {
    const r = new Router(1, seeded(11), clock().now);
    r.apply({ kind: 'canary', version: 2, percent: 50, policy: { maxErrorRate: 0.1, minRequests: 10, window: 20 } });
    const events = [];
    for (let i = 0; i < 9; i++) events.push(r.record(2, false, 1));
    expect(events.every((e) => e === null)).toBe(true); // too young to judge
    const e = r.record(2, false, 1);
    expect(e).toMatchObject({ kind: 'auto-rollback', from: 2, to: 1, percent: 0 });
    expect(e?.reason).toMatch(/error rate 100\.0% over the candidate's last 10 requests exceeds 10\.0%/);
    expect(r.current).toMatchObject({ strategy: 'single', primary: 1, candidate: null, percent: 0 });
    expect(share(r, 1000)).toBe(0);
    // The primary's failures never roll anything back.
    expect(r.record(1, false, 1)).toBeNull();
  });

  it('rolls a canary back when its latency p95 passes the threshold', () => {
    const r = new Router(1, seeded(11), clock().now);
    r.apply({ kind: 'canary', version: 2, percent: 50, policy: { maxP95Ms: 50, minRequests: 20, window: 20 } });
    // Nearest-rank p95 of 20 is the 19th value: one slow request of 20 does not move it, two do.
    for (let i = 0; i < 19; i++) expect(r.record(2, true, 5)).toBeNull();
    expect(r.record(2, true, 400)).toBeNull();
    expect(r.current.candidate).toBe(2);
    const e = r.record(2, true, 400);
    expect(e?.kind).toBe('auto-rollback');
    expect(e?.reason).toMatch(/latency p95 400\.0 ms over the candidate's last 20 requests exceeds 50 ms/);
  });

  it('keeps A/B assignments sticky by key, near the asked split', () => {
    const r = new Router(1, seeded(5), clock().now);
    r.apply({ kind: 'ab', version: 2, percent: 30 });
    const first = Array.from({ length: 5000 }, (_, i) => r.route(`user-${i}`).version);
    const again = Array.from({ length: 5000 }, (_, i) => r.route(`user-${i}`).version);
    expect(again).toEqual(first);
    const b = first.filter((v) => v === 2).length / first.length;
    expect(b).toBeGreaterThan(0.27);
    expect(b).toBeLessThan(0.33);
    expect(hashKey('user-1')).toBe(hashKey('user-1'));
  });

  it('shadow: the primary answers every request and the candidate is named as the shadow', () => {
    const r = new Router(3, seeded(5), clock().now);
    r.apply({ kind: 'shadow', version: 4 });
    for (let i = 0; i < 100; i++) expect(r.route(null)).toEqual({ version: 3, role: 'primary', shadow: 4 });
    expect(r.apply({ kind: 'promote' })).toMatchObject({ kind: 'promote', from: 3, to: 4 });
    expect(r.route(null)).toEqual({ version: 4, role: 'primary', shadow: null });
  });

  it('refuses changes that do not fit the state, with the reason', () => {
    const r = new Router(1, seeded(5), clock().now);
    expect(() => r.apply({ kind: 'step' })).toThrow('there is no canary to step');
    expect(() => r.apply({ kind: 'promote' })).toThrow(/no candidate to promote/);
    expect(() => r.apply({ kind: 'rollback' })).toThrow(/no candidate to roll back/);
    expect(() => r.apply({ kind: 'canary', version: 1, percent: 10 })).toThrow(/already takes the traffic/);
    expect(() => r.apply({ kind: 'canary', version: 2, percent: 120 })).toThrow(/between 0 and 100/);
    expect(() => r.apply({ kind: 'canary', version: 2, percent: 10, policy: { window: 5, minRequests: 10 } })).toThrow(/minRequests/);
    r.apply({ kind: 'ab', version: 2, percent: 50 });
    expect(() => r.apply({ kind: 'shadow', version: 3 })).toThrow(/an? ab of version 2 is in progress/);
    expect(() => r.apply({ kind: 'switch', version: 3 })).toThrow(/in progress/);
    expect(r.apply({ kind: 'rollback', reason: 'B lost' })).toMatchObject({ kind: 'rollback', from: 2, to: 1, reason: 'B lost' });
  });
});

describe('canaryVerdict', () => {
  it('judges only over enough requests, and names the figure that failed', () => {
    const policy = { ...DEFAULT_CANARY_POLICY, minRequests: 4, maxErrorRate: 0.25, maxP95Ms: 100 };
    expect(canaryVerdict([{ ok: false, ms: 1 }], policy)).toBeNull();
    expect(canaryVerdict(Array.from({ length: 4 }, (_, i) => ({ ok: i > 0, ms: 1 })), policy)).toBeNull(); // 25% is not above 25%
    expect(canaryVerdict(Array.from({ length: 4 }, (_, i) => ({ ok: i > 1, ms: 1 })), policy)).toMatch(/error rate 50\.0%/);
    expect(canaryVerdict(Array.from({ length: 4 }, () => ({ ok: true, ms: 150 })), policy)).toMatch(/latency p95 150\.0 ms .* exceeds 100 ms/);
  });
});

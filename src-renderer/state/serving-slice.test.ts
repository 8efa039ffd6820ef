import { describe, expect, it } from 'vitest';
import { ServingEndpointInfo, ServingStatsData, ServingUpdate, type ServingRouting } from '../../src-shared/api/serving-contract.js';
import { latencyOption, rateOption, recentRate } from '../components/serving/serving-charts.js';
import { LIVE_POINTS } from './serving-slice.js';
import { createAppStore } from './store.js';

/** Shapes as the host sends them (parsed with the contract, as the bridge does). */
const endpoint = ServingEndpointInfo.parse({
  name: 'telco-churn',
  model: 'telco-churn:1',
  url: 'http://127.0.0.1:40001',
  token: 'tok',
  versions: [1, 2],
  routing: { strategy: 'single', primary: 1, candidate: null, percent: 0, canary: null, split: { '1': 100 } },
  startedAt: 1000,
  logPath: '/home/serving/telco-churn/predictions-000001.jsonl',
});
const stats = ServingStatsData.parse({
  name: 'telco-churn',
  at: [2000, 3000],
  versions: [{ version: 1, points: [{ requests: 3, errors: 0, p50: 1.2, p95: 2, p99: 2.5 }, { requests: 2, errors: 1, p50: 1.1, p95: 1.9, p99: 2 }] }],
  totals: { requests: 5, errors: 1 },
  history: [{ at: 1000, kind: 'start', from: null, to: 1, percent: null, reason: null, automatic: false }],
});
const canaryRouting: ServingRouting = { strategy: 'canary', primary: 1, candidate: 2, percent: 10, canary: { step: 10, maxErrorRate: 0.05, maxP95Ms: 1000 }, split: { '1': 90, '2': 10 } };
const update = (at: number, samples: ServingUpdate['samples'], history: ServingUpdate['history'] = [], routing: ServingRouting = canaryRouting) =>
  ServingUpdate.parse({ name: 'telco-churn', at, logPath: endpoint.logPath, samples, totals: { requests: 5 + samples.reduce((n, s) => n + s.requests, 0), errors: 1 }, routing, history });

function store() {
  const s = createAppStore();
  s.getState().servingListed([endpoint]);
  s.getState().servingStatsLoaded(stats);
  return s;
}

describe('serving slice', () => {
  it('appends live seconds, giving a version seen late zeros before it and routing from the update', () => {
    const s = store();
    s.getState().applyServingUpdates([
      update(4000, [
        { version: 1, requests: 9, errors: 0, p50: 1, p95: 2, p99: 3 },
        { version: 2, requests: 1, errors: 1, p50: 4, p95: 4, p99: 4 },
      ], [{ at: 3500, kind: 'canary-start', from: 1, to: 2, percent: 10, reason: null, automatic: false }]),
    ]);
    const live = s.getState().serving.live['telco-churn'];
    expect(live.at).toEqual([2000, 3000, 4000]);
    expect(live.versions['1'].requests).toEqual([3, 2, 9]);
    expect(live.versions['2']).toEqual({ requests: [0, 0, 1], errors: [0, 0, 1], p50: [null, null, 4], p95: [null, null, 4], p99: [null, null, 4] });
    expect(live.totals).toEqual({ requests: 15, errors: 1 });
    expect(live.history.map((h) => h.kind)).toEqual(['start', 'canary-start']);
    expect(s.getState().serving.endpoints[0].routing).toEqual(canaryRouting);

    // An automatic rollback arrives with the update that carries the new routing.
    const single: ServingRouting = { strategy: 'single', primary: 1, candidate: null, percent: 0, canary: null, split: { '1': 100 } };
    s.getState().applyServingUpdates([update(5000, [{ version: 1, requests: 1, errors: 0, p50: 1, p95: 1, p99: 1 }], [
      { at: 4500, kind: 'auto-rollback', from: 2, to: 1, percent: 0, reason: 'error rate 50.0% exceeds 5.0%', automatic: true },
    ], single)]);
    const after = s.getState().serving;
    expect(after.endpoints[0].routing.strategy).toBe('single');
    expect(after.live['telco-churn'].history.at(-1)).toMatchObject({ kind: 'auto-rollback', automatic: true });
    expect(after.live['telco-churn'].versions['2'].requests).toEqual([0, 0, 1, 0]);
  });

  it('keeps five minutes of points and is never part of the undo history', () => {
    const s = store();
    for (let i = 0; i < LIVE_POINTS + 20; i++) s.getState().applyServingUpdates([update(4000 + i * 1000, [{ version: 1, requests: 1, errors: 0, p50: 1, p95: 1, p99: 1 }])]);
    const live = s.getState().serving.live['telco-churn'];
    expect(live.at).toHaveLength(LIVE_POINTS);
    expect(live.versions['1'].requests).toHaveLength(LIVE_POINTS);
    expect(recentRate(live)).toBe(1);
    s.getState().toggleServingToken('telco-churn');
    expect(s.getState().serving.revealed['telco-churn']).toBe(true);
    expect(s.temporal.getState().pastStates).toHaveLength(0);
  });

  it('forgets the series of a stopped endpoint; charts draw one line per version (three for latency)', () => {
    const s = store();
    s.getState().applyServingUpdates([update(4000, [{ version: 2, requests: 4, errors: 0, p50: 1, p95: 1, p99: 1 }])]);
    const live = s.getState().serving.live['telco-churn'];
    expect((rateOption(live).series as { name: string; data: unknown[] }[]).map((x) => [x.name, x.data.at(-1)])).toEqual([
      ['v1', 0],
      ['v2', 4],
    ]);
    expect((latencyOption(live).series as unknown[]).length).toBe(6);
    s.getState().servingStopped('telco-churn');
    expect(s.getState().serving.endpoints).toEqual([]);
    expect(s.getState().serving.live).toEqual({});
  });
});

import { describe, expect, it } from 'vitest';
import { API } from '../../src-shared/api/contract.js';
import recorded from '../components/charts/fixtures/breast-cancer-runs.json' with { type: 'json' };
import { createAppStore } from './store.js';

const data = API['charts.experiments'].response.parse(recorded.experiments);
const ids = data.runIds;
/** The same answer with only its first run. */
const firstOnly = { ...data, runIds: ids.slice(0, 1), pipelineIds: data.pipelineIds.slice(0, 1), statuses: data.statuses.slice(0, 1), startedAt: data.startedAt.slice(0, 1), params: [], metrics: [] };

describe('the charts slice', () => {
  it('builds the typed table once per fetch and drops an answer for an older fetch', () => {
    const store = createAppStore();
    const s = store.getState;
    const old = s().chartsExperimentsLoading();
    const current = s().chartsExperimentsLoading();
    s().chartsExperimentsLoaded(old, firstOnly);
    expect(s().charts.experiments).toEqual({ state: 'loading' });
    s().chartsExperimentsLoaded(current, data);
    const loaded = s().charts.experiments;
    expect(loaded?.state === 'loaded' && loaded.data.runIds).toHaveLength(2);
    // A refresh keeps showing the table it has until the new one arrives.
    s().chartsExperimentsLoading();
    expect(s().charts.experiments).toBe(loaded);
  });

  it('cycles a column through ascending, descending and unsorted', () => {
    const s = createAppStore().getState;
    s().cycleChartsSort('model.C');
    expect(s().charts.sort).toEqual({ key: 'model.C', dir: 'asc' });
    s().cycleChartsSort('model.C');
    expect(s().charts.sort).toEqual({ key: 'model.C', dir: 'desc' });
    s().cycleChartsSort('model.C');
    expect(s().charts.sort).toBeNull();
    s().cycleChartsSort('model.C');
    s().cycleChartsSort('evaluate.accuracy');
    expect(s().charts.sort).toEqual({ key: 'evaluate.accuracy', dir: 'asc' });
  });

  it('keeps selected runs in the order picked, and forgets those a new fetch no longer has', () => {
    const s = createAppStore().getState;
    s().toggleChartsRun(ids[1]);
    s().toggleChartsRun(ids[0]);
    s().toggleChartsRun('run_gone_00000000');
    expect(s().charts.selectedRuns).toEqual([ids[1], ids[0], 'run_gone_00000000']);
    s().toggleChartsRun(ids[1]);
    expect(s().charts.selectedRuns).toEqual([ids[0], 'run_gone_00000000']);
    s().chartsExperimentsLoaded(s().chartsExperimentsLoading(), data);
    expect(s().charts.selectedRuns).toEqual([ids[0]]);
  });

  it('flips columns from their default, and is never part of the undo history', () => {
    const store = createAppStore();
    const s = store.getState;
    s().toggleChartsColumn('pipeline');
    s().toggleChartsColumn('status');
    s().toggleChartsColumn('pipeline');
    expect(s().charts.toggledColumns).toEqual(['status']);
    expect(store.temporal.getState().pastStates).toHaveLength(0);
  });

  it('sorts drift columns by a key, flipping direction on the same key', () => {
    const s = createAppStore().getState;
    expect(s().charts.driftSort).toEqual({ key: 'score', dir: 'asc' });
    s().sortDrift('score');
    expect(s().charts.driftSort).toEqual({ key: 'score', dir: 'desc' });
    s().sortDrift('name');
    expect(s().charts.driftSort).toEqual({ key: 'name', dir: 'asc' });
  });
});

import { describe, expect, it } from 'vitest';
import { API, type ApiMethod, type ApiRequest, type ApiResponse, type PlumbEvent } from '../../src-shared/api/contract.js';
import { BridgeError, type Bridge } from '../bridge/bridge.js';
import recorded from '../components/charts/fixtures/breast-cancer-runs.json' with { type: 'json' };
import { createAppStore } from '../state/store.js';
import { createChartsController } from './charts-controller.js';

/** Two real runs of breast_cancer as the host answered; `limit` is honoured like the host does. */
const experiments = API['charts.experiments'].response.parse(recorded.experiments);
const newest = (limit: number) => ({
  ...experiments,
  runIds: experiments.runIds.slice(0, limit),
  pipelineIds: experiments.pipelineIds.slice(0, limit),
  statuses: experiments.statuses.slice(0, limit),
  startedAt: experiments.startedAt.slice(0, limit),
  params: experiments.params.map((p) => ('values' in p ? { key: p.key, values: p.values.slice(0, limit) } : p)),
  metrics: experiments.metrics.map((m) => ({ key: m.key, values: m.values.slice(0, limit) })),
});

type Handler = (request: never) => unknown;

function fakeHost(handlers: Partial<Record<ApiMethod, Handler>>) {
  const calls: { method: ApiMethod; request: unknown }[] = [];
  let emit: (e: PlumbEvent) => void = () => {};
  const bridge: Bridge = {
    async call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
      calls.push({ method, request });
      const handler = handlers[method];
      if (!handler) throw new BridgeError('unknown-method', `no ${method}`);
      return (await handler(request as never)) as ApiResponse<M>;
    },
    onEvent(listener) {
      emit = listener;
      return () => {};
    },
    onMenu: () => () => {},
    onConnection: () => () => {},
    batchDownloadUrl: () => null,
    dispose: () => {},
  };
  return { bridge, calls, emit: (e: PlumbEvent) => emit(e) };
}

function setup(handlers: Partial<Record<ApiMethod, Handler>>) {
  const host = fakeHost({ 'charts.experiments': ({ limit }: { limit: number }) => newest(limit), ...handlers });
  const store = createAppStore();
  const charts = createChartsController(host.bridge, store);
  charts.start();
  return { ...host, store, charts, s: store.getState };
}

describe('the charts controller', () => {
  it("fetches the open pipeline's runs when the Charts tab opens, once however often it is asked", async () => {
    const { calls, s, charts } = setup({});
    s().setSideTab('charts');
    await charts.ensureExperiments();
    await charts.ensureExperiments();
    expect(calls.map((c) => c.request)).toEqual([{ pipelineId: s().document.id, limit: 200 }]);
    const table = s().charts.experiments;
    expect(table?.state === 'loaded' && table.data.runIds).toEqual(experiments.runIds);
    expect(s().charts.experimentsComplete).toBe(true);
  });

  it('draws the newest 200 runs first when there are more, then the whole history', async () => {
    // A history of 250 runs: the first answer is a full page, so the rest is fetched after it.
    const many = (n: number) => ({
      runIds: Array.from({ length: n }, (_, i) => `run_x_${i.toString(16).padStart(8, '0')}`),
      pipelineIds: Array.from({ length: n }, () => 'p'),
      statuses: Array.from({ length: n }, () => 'succeeded' as const),
      startedAt: Array.from({ length: n }, (_, i) => 1_000_000 - i),
      pipelines: { p: 'P' },
      params: [{ key: 'model.C', values: Array.from({ length: n }, (_, i) => i) }],
      metrics: [],
    });
    const { s, charts, store, calls } = setup({ 'charts.experiments': ({ limit }: { limit: number }) => many(Math.min(limit, 250)) });
    const seen: [number, boolean][] = [];
    store.subscribe((st) => {
      const e = st.charts.experiments;
      if (e?.state === 'loaded' && seen.at(-1)?.[0] !== e.data.runIds.length) seen.push([e.data.runIds.length, st.charts.experimentsComplete]);
    });
    s().toggleChartsRun('run_x_000000f0');
    await charts.loadExperiments();
    expect(calls.map((c) => (c.request as { limit: number }).limit)).toEqual([200, 10_000]);
    expect(seen).toEqual([
      [200, false],
      [250, true],
    ]);
    // A run picked beyond the first page survives the partial table.
    expect(s().charts.selectedRuns).toEqual(['run_x_000000f0']);
    // A refresh with a table on show fetches the whole history at once, keeping the old table meanwhile.
    await charts.loadExperiments();
    expect(calls.map((c) => (c.request as { limit: number }).limit)).toEqual([200, 10_000, 10_000]);
  });

  it('re-fetches when a run ends with the table on show, and marks it stale otherwise', async () => {
    const { calls, s, charts, emit } = setup({});
    s().setSideTab('charts');
    await charts.ensureExperiments();
    emit({ event: 'run', run: 'r1', status: 'succeeded' });
    await charts.ensureExperiments();
    expect(calls.filter((c) => c.method === 'charts.experiments')).toHaveLength(2);
    s().setSideTab('inspector');
    emit({ event: 'run', run: 'r2', status: 'succeeded' });
    expect(calls.filter((c) => c.method === 'charts.experiments')).toHaveLength(2);
    s().setSideTab('charts');
    await charts.ensureExperiments();
    expect(calls.filter((c) => c.method === 'charts.experiments')).toHaveLength(3);
  });

  it('asks for every pipeline with the toggle, and shows an API error where the table would be', async () => {
    const { calls, s, charts } = setup({
      'charts.experiments': () => {
        throw new BridgeError('failed', 'the lineage store is busy');
      },
    });
    await charts.setAllPipelines(true);
    expect(calls[0].request).toEqual({ limit: 200 });
    expect(s().charts.experiments).toEqual({ state: 'error', message: 'the lineage store is busy', details: [] });
  });

  it('opens the lineage view on a subject and keeps its error there', async () => {
    const { s, charts } = setup({
      'lineage.graph': ({ subject }: { subject: string }) => {
        throw new BridgeError('not-found', `"${subject}" is neither a run id nor an artifact hash in the lineage store`);
      },
    });
    await charts.openLineage('abcdef12');
    expect(s().charts.view).toBe('lineage');
    expect(s().charts.lineage).toEqual({
      subject: 'abcdef12',
      graph: { state: 'error', message: '"abcdef12" is neither a run id nor an artifact hash in the lineage store', details: [] },
    });
  });
});

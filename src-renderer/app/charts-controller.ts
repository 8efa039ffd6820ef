import { BridgeError, type Bridge } from '../bridge/bridge.js';
import type { Loadable } from '../state/playground-slice.js';
import type { AppStore } from '../state/store.js';

/**
 * The charts panel's use cases over the bridge and the store: fetch the experiments (of the open
 * pipeline or of all), the charts of the runs picked for comparison, drift reports, lineage
 * graphs. Errors land in the state they are about and are shown where the user looks; nothing
 * here throws at a component.
 */
export interface ChartsController {
  /** Re-fetches the experiments when a run ends while they are shown; returns the unsubscribe. */
  start(): () => void;
  /** Fetches the experiments again. */
  loadExperiments(): Promise<void>;
  /** Fetches them unless the table shown (or on its way) is already the current one. */
  ensureExperiments(): Promise<void>;
  setAllPipelines(all: boolean): Promise<void>;
  /** Fetches the charts (curves, confusion matrices, CV scores) of selected runs not fetched yet. */
  loadSelectedRunCharts(): Promise<void>;
  loadDriftReports(): Promise<void>;
  openDrift(runId: string, nodeId: string): Promise<void>;
  /** A run id, an artifact hash or `model:<name>[:<version>]`. */
  openLineage(subject: string): Promise<void>;
  /** Registered model names, for the lineage picker. */
  listModels(): Promise<string[]>;
}

const failure = (e: unknown): Extract<Loadable<never>, { state: 'error' }> => ({
  state: 'error',
  message: e instanceof Error ? e.message : String(e),
  details: e instanceof BridgeError ? e.details : [],
});

/** The whole history the table is built for (the contract's maximum). */
const EXPERIMENT_LIMIT = 10_000;
/** A first table of the newest runs, drawn while the whole history is read: a few screens' worth. */
const FIRST_ROWS = 200;

export function createChartsController(bridge: Bridge, store: AppStore): ChartsController {
  const state = store.getState;
  let lineageSeq = 0;
  let driftSeq = 0;
  /** Which runs the table holds or is fetching (a pipeline id, or '*' for all); null: stale. */
  let experimentsKey: string | null = null;
  let pending: Promise<void> | null = null;
  const keyNow = () => (state().charts.allPipelines ? '*' : state().document.id);

  function ensureExperiments(): Promise<void> {
    if (experimentsKey === keyNow() && state().charts.experiments?.state !== 'error') return pending ?? Promise.resolve();
    return loadExperiments();
  }

  function loadExperiments(): Promise<void> {
    experimentsKey = keyNow();
    const run = fetchExperiments().finally(() => {
      if (pending === run) pending = null;
    });
    pending = run;
    return run;
  }

  async function fetchExperiments(): Promise<void> {
    const { charts, document } = state();
    const scope = charts.allPipelines ? {} : { pipelineId: document.id };
    // With nothing on show, the newest runs come first (one quick query), then every run.
    const first = charts.experiments?.state !== 'loaded';
    const seq = state().chartsExperimentsLoading();
    try {
      if (first) {
        const newest = await bridge.call('charts.experiments', { ...scope, limit: FIRST_ROWS });
        if (newest.runIds.length < FIRST_ROWS) {
          state().chartsExperimentsLoaded(seq, newest);
          return;
        }
        state().chartsExperimentsLoaded(seq, newest, false);
      }
      const data = await bridge.call('charts.experiments', { ...scope, limit: EXPERIMENT_LIMIT });
      state().chartsExperimentsLoaded(seq, data);
    } catch (e) {
      const f = failure(e);
      state().chartsExperimentsFailed(seq, f.message, f.details);
    }
  }

  return {
    start() {
      const offEvents = bridge.onEvent((event) => {
        if (event.event !== 'run' || event.status === 'running') return;
        const { sideTab, charts } = state();
        // A finished run is a new row: fetched now if the table is on show, else when it next is.
        if (sideTab === 'charts' && charts.view === 'experiments' && charts.experiments !== null) void loadExperiments();
        else experimentsKey = null;
      });
      // The fetch starts with the click on the tab, while the panel's code is still loading.
      const offStore = store.subscribe((s, prev) => {
        if (s.sideTab === 'charts' && prev.sideTab !== 'charts' && s.charts.view === 'experiments') void ensureExperiments();
      });
      return () => {
        offEvents();
        offStore();
      };
    },

    loadExperiments,
    ensureExperiments,

    async setAllPipelines(all) {
      state().setChartsAllPipelines(all);
      await loadExperiments();
    },

    async loadSelectedRunCharts() {
      const { selectedRuns, runCharts } = state().charts;
      await Promise.all(
        selectedRuns
          .filter((id) => runCharts[id] === undefined || runCharts[id].state === 'error')
          .map(async (runId) => {
            state().setRunCharts(runId, { state: 'loading' });
            try {
              state().setRunCharts(runId, { state: 'loaded', data: await bridge.call('charts.run', { runId }) });
            } catch (e) {
              state().setRunCharts(runId, failure(e));
            }
          }),
      );
    },

    async loadDriftReports() {
      state().setDriftReports({ state: 'loading' });
      try {
        const { reports } = await bridge.call('charts.driftReports', { pipelineId: state().document.id });
        state().setDriftReports({ state: 'loaded', data: reports });
      } catch (e) {
        state().setDriftReports(failure(e));
      }
    },

    async openDrift(runId, nodeId) {
      const seq = ++driftSeq;
      state().setDrift({ runId, nodeId, report: { state: 'loading' } });
      try {
        const { report } = await bridge.call('charts.drift', { runId, node: nodeId });
        if (seq === driftSeq) state().setDrift({ runId, nodeId, report: { state: 'loaded', data: report } });
      } catch (e) {
        if (seq === driftSeq) state().setDrift({ runId, nodeId, report: failure(e) });
      }
    },

    async openLineage(subject) {
      const seq = ++lineageSeq;
      state().setChartsView('lineage');
      state().setLineage({ subject, graph: { state: 'loading' } });
      try {
        const graph = await bridge.call('lineage.graph', { subject });
        if (seq === lineageSeq) state().setLineage({ subject, graph: { state: 'loaded', data: graph } });
      } catch (e) {
        if (seq === lineageSeq) state().setLineage({ subject, graph: failure(e) });
      }
    },

    async listModels() {
      try {
        return (await bridge.call('models.list', {})).models.map((m) => m.name);
      } catch {
        // The picker is a convenience: without it a model is still reachable by typing model:<name>.
        return [];
      }
    },
  };
}

import type { ServingRouteChange } from '../../src-shared/api/serving-contract.js';
import type { Bridge } from '../bridge/bridge.js';
import type { AppStore } from '../state/store.js';

/**
 * The serving panel's use cases over the bridge and the store: list the app's endpoints (with
 * their series so far), start, stop and route them, and follow `serving.update` events. A
 * failure lands in the panel's error line; nothing here throws at a component.
 */
export interface ServingController {
  /** Follows serving.update events; returns the unsubscribe. */
  start(): () => void;
  refresh(): Promise<void>;
  startEndpoint(model: string, opts?: { port?: number; noToken?: boolean }): Promise<boolean>;
  stop(name: string): Promise<void>;
  route(name: string, change: ServingRouteChange): Promise<boolean>;
  /** Adds an ingest.json node reading the prediction log at `path` to the canvas; returns its id. */
  addLogIngestNode(path: string): string | null;
  /** The drift of the endpoint's logged traffic against its primary version's training data. */
  checkDrift(name: string): Promise<void>;
  /** Live accuracy per version (feedback joined with the prediction log). */
  loadAccuracy(name: string): Promise<void>;
}

export function createServingController(bridge: Bridge, store: AppStore): ServingController {
  const state = store.getState;
  const fail = (e: unknown) => state().servingFailed(e instanceof Error ? e.message : String(e));

  async function refresh(): Promise<void> {
    state().servingLoading();
    try {
      const { endpoints } = await bridge.call('serving.list', {});
      state().servingListed(endpoints);
      for (const e of endpoints) {
        state().servingStatsLoaded(await bridge.call('serving.stats', { name: e.name }));
        state().servingAccuracyLoaded(await bridge.call('serving.accuracy', { name: e.name }));
      }
    } catch (e) {
      fail(e);
    }
  }

  async function loadAccuracy(name: string): Promise<void> {
    try {
      state().servingAccuracyLoaded(await bridge.call('serving.accuracy', { name }));
    } catch (e) {
      fail(e);
    }
  }

  return {
    start() {
      return bridge.onEvent((event) => {
        if (event.event !== 'serving.update') return;
        const known = new Set(state().serving.endpoints.map((e) => e.name));
        state().applyServingUpdates(event.endpoints);
        // An endpoint started elsewhere (a deploy.serve node): fetch its details once.
        if (event.endpoints.some((u) => !known.has(u.name))) void refresh();
      });
    },
    refresh,
    async startEndpoint(model, opts = {}) {
      try {
        const { endpoint } = await bridge.call('serving.start', { model, ...opts });
        state().servingStarted(endpoint);
        state().servingStatsLoaded(await bridge.call('serving.stats', { name: endpoint.name }));
        return true;
      } catch (e) {
        fail(e);
        return false;
      }
    },
    async stop(name) {
      try {
        await bridge.call('serving.stop', { name });
        state().servingStopped(name);
      } catch (e) {
        fail(e);
      }
    },
    async route(name, change) {
      try {
        const { routing } = await bridge.call('serving.route', { name, change });
        state().servingRouted(name, routing);
        state().servingFailed(null);
        return true;
      } catch (e) {
        fail(e);
        return false;
      }
    },
    async checkDrift(name) {
      state().servingDriftChecking(name);
      try {
        state().servingDriftChecked(await bridge.call('serving.drift', { name }));
      } catch (e) {
        // Shown where the check was asked for: no traffic yet, training data evicted, ...
        state().servingDriftFailed(name, e instanceof Error ? e.message : String(e));
      }
      await loadAccuracy(name);
    },
    loadAccuracy,
    addLogIngestNode(path) {
      const { document, addNode, setParam } = state();
      // Below whatever is on the canvas, so the new node never lands on another.
      const y = document.nodes.reduce((max, n) => Math.max(max, n.position.y), 0) + 160;
      const id = addNode('ingest.json', { x: 40, y });
      if (id) {
        setParam(id, 'path', path);
        setParam(id, 'format', 'ndjson');
      }
      return id;
    },
  };
}

import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import { NODE_SPECS } from '../nodes/index.js';
import { createCatalogue } from '../src-shared/nodes/catalogue.js';
import type { NodeSpec } from '../src-shared/nodes/spec.js';
import type { ApiService, HostAbilities } from './api/api-service.js';
import { RecentFiles } from './api/recent-files.js';
import { createApiService } from './api/service.js';
import { servingForNodes } from './api/serving-for-nodes.js';
import { ServingManager } from './api/serving-handlers.js';
import { startServingEndpoint } from './api/serving-adapter.js';
import { createDriftChecker } from './serving/traffic-drift.js';
import { ArtifactStore } from './engine/artifact-store.js';
import { Engine } from './engine/engine.js';
import { WorkerPool } from './engine/worker-pool.js';
import { LineageStore } from './lineage/lineage-store.js';

/**
 * The composition root: the one place that knows every concrete part and wires them. The
 * engine gets the catalogue and runners from here, never by importing nodes/ itself.
 */
export interface PlumbAppOptions {
  readonly home: string;
  readonly abilities: HostAbilities;
  readonly initialPath: string | null;
  /** Replaces the shipped node types: tests add test-only nodes (a sleeper, a thrower) this way. */
  readonly nodes?: { readonly specs: readonly NodeSpec[]; readonly runnersModule: string };
  readonly maxCacheBytes?: number;
  readonly workers?: number;
  /**
   * The node worker script; default: node-worker-entry.js, which runs the TypeScript worker under
   * tsx. The Electron host passes its bundled dist-electron/node-worker.cjs, which has the shipped
   * runners built in and ignores `nodes.runnersModule`.
   */
  readonly workerUrl?: URL;
  /**
   * The host outlives runs (the app, `plumb serve`): a deploy.serve node may start an endpoint.
   * Default false: under `plumb run` the node is told to use `plumb serve-model` instead, so no
   * server keeps a CLI process alive or dies with it unannounced.
   */
  readonly serveFromNodes?: boolean;
}

/**
 * The shipped runners, loaded by each development node worker. In the Electron bundle (CommonJS)
 * rolldown turns import.meta.url into the bundle's own file URL, so these two evaluate to paths
 * that do not exist there; harmless, since that host passes its own `workerUrl`.
 */
export const RUNNERS_MODULE = new URL('../nodes/runners.ts', import.meta.url).href;
const WORKER_URL = new URL('./engine/node-worker-entry.js', import.meta.url);

export async function createPlumbApp(opts: PlumbAppOptions): Promise<ApiService> {
  const home = resolve(opts.home);
  await mkdir(home, { recursive: true });
  const store = new ArtifactStore(home);
  await store.init();
  const lineage = LineageStore.open(join(home, 'lineage.db'));
  const catalogue = createCatalogue(opts.nodes?.specs ?? NODE_SPECS);
  const pool = new WorkerPool({
    home,
    workerUrl: opts.workerUrl ?? WORKER_URL,
    runnersModule: opts.nodes?.runnersModule ?? RUNNERS_MODULE,
    ...(opts.workers ? { size: opts.workers } : {}),
  });
  const serving = new ServingManager(startServingEndpoint(lineage, home), Date.now, createDriftChecker(lineage));
  const engine = new Engine({
    catalogue,
    store,
    lineage,
    pool,
    appVersion: appVersion(),
    maxCacheBytes: opts.maxCacheBytes ?? cacheCapFromEnv(),
    ...(opts.serveFromNodes ? { serving: servingForNodes(serving, lineage) } : {}),
  });
  return createApiService({
    version: appVersion(),
    home,
    initialPath: opts.initialPath ? resolve(opts.initialPath) : null,
    abilities: opts.abilities,
    catalogue,
    engine,
    lineage,
    recent: new RecentFiles(join(home, 'recent.json')),
    serving,
  });
}

/** An engine without an API service around it: what a cluster step runs one node with. */
export interface HeadlessEngine {
  readonly engine: Engine;
  readonly lineage: LineageStore;
  readonly store: ArtifactStore;
  dispose(): Promise<void>;
}

/**
 * A bare engine over a state folder. `maxCacheBytes` defaults to no cap: a step's state folder
 * references artifacts it does not own (the cluster store's), which eviction must never delete.
 */
export async function createHeadlessEngine(home: string, opts: { readonly workers?: number; readonly maxCacheBytes?: number } = {}): Promise<HeadlessEngine> {
  await mkdir(home, { recursive: true });
  const store = new ArtifactStore(home);
  await store.init();
  const lineage = LineageStore.open(join(home, 'lineage.db'));
  const pool = new WorkerPool({ home, workerUrl: WORKER_URL, runnersModule: RUNNERS_MODULE, size: opts.workers ?? 1 });
  const engine = new Engine({
    catalogue: createCatalogue(NODE_SPECS),
    store,
    lineage,
    pool,
    appVersion: appVersion(),
    maxCacheBytes: opts.maxCacheBytes ?? Number.MAX_SAFE_INTEGER,
  });
  return {
    engine,
    lineage,
    store,
    async dispose() {
      await engine.dispose();
      lineage.close();
    },
  };
}

/** PLUMB_CACHE_MAX_BYTES sets the artifact cache's cap; unset or invalid keeps the default. */
function cacheCapFromEnv(): number | undefined {
  const raw = process.env.PLUMB_CACHE_MAX_BYTES;
  const n = raw ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** PLUMB_HOME, else the OS's per-user app-data folder (as Electron's userData would be). */
export function defaultHome(): string {
  if (process.env.PLUMB_HOME) return resolve(process.env.PLUMB_HOME);
  const base =
    process.platform === 'win32'
      ? (process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : (process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'));
  return join(base, 'Plumb');
}

export function appVersion(): string {
  return pkg.version;
}

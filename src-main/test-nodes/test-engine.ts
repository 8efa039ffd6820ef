import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_SPECS } from '../../nodes/index.js';
import type { PlumbEvent } from '../../src-shared/api/contract.js';
import { createCatalogue } from '../../src-shared/nodes/catalogue.js';
import type { PipelineDocument, PipelineEdge, PipelineNode } from '../../src-shared/pipeline/document.js';
import { ArtifactStore } from '../engine/artifact-store.js';
import { Engine, type RunOutcome, type StartRequest } from '../engine/engine.js';
import { WorkerPool } from '../engine/worker-pool.js';
import { LineageStore } from '../lineage/lineage-store.js';
import type { ArtifactRecord } from '../lineage/types.js';
import { TEST_SPECS } from './specs.js';

const WORKER_URL = new URL('../engine/node-worker-entry.js', import.meta.url);
const RUNNERS = new URL('./runners.ts', import.meta.url).href;

/** A real engine (worker pool, lineage store, artifact store) over the shipped and test-only nodes. */
export interface TestEngine {
  readonly home: string;
  readonly engine: Engine;
  readonly lineage: LineageStore;
  readonly store: ArtifactStore;
  /** Runs to the end; returns the outcome and every event of that run. */
  run(document: PipelineDocument, req?: Omit<StartRequest, 'document' | 'path'> & { path?: string | null }): Promise<{ outcome: RunOutcome; events: PlumbEvent[] }>;
  /**
   * Runs with the cache ignored and params' relative paths resolved against `baseDir`, and
   * gathers each node's final status, error and stored outputs from the lineage store.
   */
  runFresh(document: PipelineDocument, baseDir: string): Promise<FreshRun>;
  dispose(): Promise<void>;
}

export interface FreshRun {
  readonly status: RunOutcome['status'];
  readonly runId: string;
  readonly events: PlumbEvent[];
  readonly nodes: Map<string, { status: string; error?: string; outputs: Record<string, ArtifactRecord> }>;
}

export async function openTestEngine(opts: { home?: string; workers?: number; maxCacheBytes?: number } = {}): Promise<TestEngine> {
  const home = opts.home ?? (await mkdtemp(join(tmpdir(), 'plumb-engine-')));
  const ownsHome = opts.home === undefined;
  const store = new ArtifactStore(home);
  await store.init();
  const lineage = LineageStore.open(join(home, 'lineage.db'));
  const pool = new WorkerPool({
    home, workerUrl: WORKER_URL, runnersModule: RUNNERS, size: opts.workers ?? 2 });
  const engine = new Engine({
    catalogue: createCatalogue([...NODE_SPECS, ...TEST_SPECS]),
    store,
    lineage,
    pool,
    appVersion: 'test',
    ...(opts.maxCacheBytes !== undefined ? { maxCacheBytes: opts.maxCacheBytes } : {}),
  });
  const t: TestEngine = {
    home,
    engine,
    lineage,
    store,
    async run(document, req = {}) {
      const events: PlumbEvent[] = [];
      const off = engine.onEvent((e) => events.push(e));
      try {
        const { done } = engine.start({ ...req, document, path: req.path ?? null });
        return { outcome: await done, events };
      } finally {
        off();
      }
    },
    async runFresh(document, baseDir) {
      const { outcome, events } = await t.run(document, { force: true, path: join(baseDir, 'pipeline.plumb') });
      const nodes: FreshRun['nodes'] = new Map();
      for (const n of lineage.getRun(outcome.runId)?.nodeRuns ?? []) {
        nodes.set(n.nodeId, {
          status: n.status,
          ...(n.error ? { error: n.error.message } : {}),
          outputs: Object.fromEntries(n.outputs.map(({ port, ...a }) => [port, a])),
        });
      }
      return { status: outcome.status, runId: outcome.runId, events, nodes };
    },
    async dispose() {
      await engine.dispose();
      lineage.close();
      if (ownsHome) await rm(home, { recursive: true, force: true });
    },
  };
  return t;
}

/** The final status event of each node in a run's events. */
export function finalNodeEvents(events: readonly PlumbEvent[]): Map<string, Extract<PlumbEvent, { event: 'node' }>> {
  const out = new Map<string, Extract<PlumbEvent, { event: 'node' }>>();
  for (const e of events) {
    if (e.event === 'node' && !['queued', 'running'].includes(e.status)) out.set(e.node, e);
  }
  return out;
}

/** Builders for small test pipelines. */
export const testNode = (id: string, type: string, params: Record<string, unknown> = {}): PipelineNode => ({
  id,
  type,
  typeVersion: 1,
  position: { x: 0, y: 0 },
  params,
});

export const testEdge = (from: string, to: string, toPort = 'a', fromPort = 'out'): PipelineEdge => ({
  id: `${from}-${to}-${toPort}`,
  from: { node: from, port: fromPort },
  to: { node: to, port: toPort },
});

export const testDocument = (nodes: PipelineNode[], edges: PipelineEdge[], id = 'test-pipeline'): PipelineDocument => ({
  format: 'plumb.pipeline',
  version: 2,
  id,
  name: id,
  description: '',
  nodes,
  edges,
});

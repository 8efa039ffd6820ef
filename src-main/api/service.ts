import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { API, isApiMethod, type ApiMethod, type ApiResponse } from '../../src-shared/api/contract.js';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import { parsePipelineText } from '../../src-shared/pipeline/load.js';
import { DuckDatabase } from '../data/duckdb.js';
import { summarize, type Engine } from '../engine/engine.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import { sha256, writeFileAtomic } from '../util/files.js';
import { Playground } from '../inference/playground.js';
import { resolveModelRef } from '../registry/resolve.js';
import { ApiCallError, type ApiService, type HostAbilities } from './api-service.js';
import { autosaveHandlers } from './autosave-handlers.js';
import { bundleHandlers } from './bundle-handlers.js';
import { chartsHandlers } from './charts-handlers.js';
import { clusterHandlers } from './cluster-handlers.js';
import { diffHandlers } from './diff-handlers.js';
import { inspectorHandlers } from './inspector-handlers.js';
import { Autosaves } from './autosaves.js';
import { playgroundHandlers } from './playground-handlers.js';
import { registryHandlers } from './registry-handlers.js';
import { servingHandlers, type ServingManager } from './serving-handlers.js';
import type { RecentFiles } from './recent-files.js';

export interface ServiceDeps {
  readonly version: string;
  readonly home: string;
  readonly initialPath: string | null;
  readonly abilities: HostAbilities;
  readonly catalogue: Catalogue;
  readonly engine: Engine;
  readonly lineage: LineageStore;
  readonly recent: RecentFiles;
  /** The model playground; default: one with the default limits (512 MiB models, 4 cached sessions). */
  readonly playground?: Playground;
  /** Unsaved work kept in the state folder; default: `<home>/autosave/`. */
  readonly autosaves?: Autosaves;
  /** The app's prediction endpoints (issue 10); the composition root shares it with the engine. */
  readonly serving: ServingManager;
}

/** Pipeline files are small; anything bigger is not one, and reading it would only hurt. */
const MAX_PIPELINE_BYTES = 20 * 1024 * 1024;
const PREVIEW_ROWS = 100;

type Handlers = { [M in ApiMethod]: (req: z.infer<(typeof API)[M]['request']>) => Promise<ApiResponse<M>> };

export function createApiService(deps: ServiceDeps): ApiService {
  // Previews read Parquet with DuckDB on the main thread's side: opened on first use only.
  let previewDb: Promise<DuckDatabase> | undefined;
  const playground =
    deps.playground ??
    new Playground({ resolveSource: async (s) => ('path' in s ? resolve(s.path) : resolveModelRef(deps.lineage, s.model).onnxPath) });

  const handlers: Handlers = {
    'app.info': async () => ({
      version: deps.version,
      host: deps.abilities.host,
      home: deps.home,
      initialPath: deps.initialPath,
      nativeDialogs: deps.abilities.dialogs !== undefined,
    }),

    'nodes.list': async () => ({
      types: deps.catalogue.specs.map((s) => ({ type: s.type, version: s.version, title: s.title })),
    }),

    'document.open': async ({ path }) => {
      const abs = resolve(path);
      const text = await readPipelineFile(abs);
      const loaded = parsePipelineText(text);
      if (!loaded.ok) throw new ApiCallError('bad-document', `${abs} ${loaded.reason}`, loaded.details);
      await deps.recent.add(abs);
      return {
        path: abs,
        document: loaded.document,
        problems: checkGraph(loaded.document, deps.catalogue).problems,
        hash: sha256(text),
        ...(loaded.migratedFrom !== undefined ? { migratedFrom: loaded.migratedFrom } : {}),
      };
    },

    'document.save': async ({ path, document, expectedHash, overwrite }) => {
      const abs = resolve(path);
      if (!abs.endsWith('.plumb')) throw new ApiCallError('bad-path', `${abs}: pipeline files end in .plumb`);
      if (overwrite === false && (await stat(abs).catch(() => null))) {
        throw new ApiCallError('exists', `${abs} already exists`);
      }
      if (expectedHash) {
        const current = await readFile(abs, 'utf8').catch(() => null);
        if (current !== null && sha256(current) !== expectedHash) {
          throw new ApiCallError(
            'conflict',
            `${abs} was changed by another program since it was opened; save under another name to keep both`,
          );
        }
      }
      const text = toCanonicalJson(document);
      await writeFileAtomic(abs, text);
      await deps.recent.add(abs);
      return { path: abs, bytes: Buffer.byteLength(text), hash: sha256(text) };
    },

    'document.validate': async ({ document }) => ({ problems: checkGraph(document, deps.catalogue).problems }),

    'document.recent': async () => ({ paths: await deps.recent.list() }),

    'dialog.open': async ({ kind }) => ({ path: deps.abilities.dialogs ? await deps.abilities.dialogs.open(kind) : null }),

    'dialog.save': async ({ suggestedName }) => ({
      path: deps.abilities.dialogs ? await deps.abilities.dialogs.save(suggestedName) : null,
    }),

    'run.start': async ({ document, path, until, node, force }) => {
      if (until && node) throw new ApiCallError('bad-request', 'run.start: give "until" or "node", not both');
      const { runId } = deps.engine.start({
        document,
        path,
        mode: node ? 'node' : until ? 'until' : 'all',
        ...(node || until ? { target: node ?? until } : {}),
        force: force === true,
      });
      return { runId };
    },

    'run.explain': async ({ document, path }) => ({
      nodes: (await deps.engine.explain(document, path)).map((n) => ({ ...n, reasons: [...n.reasons] })),
    }),

    'run.cancel': async ({ runId }) => ({ cancelled: deps.engine.cancel(runId) }),

    'runs.list': async ({ pipelineId, limit }) => ({ runs: deps.lineage.listRuns({ pipelineId, limit }) }),

    'runs.experiments': async ({ pipelineId, limit }) => ({
      rows: deps.lineage.experiments(pipelineId, limit).map((r) => ({ ...r, params: { ...r.params }, metrics: { ...r.metrics } })),
    }),

    'artifact.preview': async ({ hash, offset = 0, limit = PREVIEW_ROWS }) => {
      const artifact = deps.lineage.getArtifact(hash);
      if (!artifact) throw new ApiCallError('not-found', `no artifact "${hash}"`);
      if (artifact.kind !== 'table') throw new ApiCallError('bad-request', `artifact ${artifact.hash.slice(0, 12)} is a ${artifact.kind}, not a table`);
      if (!(await stat(artifact.path).catch(() => null))) {
        throw new ApiCallError('evicted', `table ${artifact.hash.slice(0, 12)} was evicted from the cache; run the pipeline again to see it`);
      }
      // A page, never the whole table: DuckDB reads only the row groups it needs.
      const page = await previewPage(artifact.path, offset, limit);
      return { hash: artifact.hash, offset, ...page };
    },

    'run.output': async ({ runId, node, port }) => {
      const run = deps.lineage.getRun(runId);
      if (!run) throw new ApiCallError('not-found', `no run "${runId}"`);
      const nodeRun = [...run.nodeRuns].reverse().find((n) => n.nodeId === node);
      const artifact = nodeRun?.outputs.find((o) => o.port === port);
      if (!artifact) throw new ApiCallError('not-found', `node "${node}" has no output "${port}" in run ${run.runId}`);
      const [summary] = summarize({ [port]: artifact });
      if (!(await stat(artifact.path).catch(() => null))) {
        throw new ApiCallError('evicted', `the output "${port}" of node "${node}" was evicted from the cache; run the pipeline again to see it`);
      }
      if (artifact.kind === 'report') {
        return { summary, report: JSON.parse(await readFile(artifact.path, 'utf8')) as unknown };
      }
      if (artifact.kind === 'table') {
        const { columns, rows } = await previewPage(artifact.path, 0, PREVIEW_ROWS);
        return { summary, preview: { columns, rows } };
      }
      return { summary };
    },

    ...playgroundHandlers(playground),
    ...registryHandlers(deps.lineage),
    ...inspectorHandlers(deps.lineage, async () => (await (previewDb ??= DuckDatabase.open({ threads: 1 }))).session()),
    ...autosaveHandlers(deps.autosaves ?? new Autosaves(deps.home)),
    ...chartsHandlers(deps.lineage),
    ...bundleHandlers({ lineage: deps.lineage, home: deps.home, version: deps.version, catalogue: deps.catalogue, handlers: () => handlers }),
    ...diffHandlers({ readPipelineFile }),
    ...servingHandlers(deps.serving),
    ...clusterHandlers({ lineage: deps.lineage, home: deps.home, catalogue: deps.catalogue, readPipelineFile }),
  };

  async function previewPage(path: string, offset: number, limit: number) {
    previewDb ??= DuckDatabase.open({ threads: 1 });
    const db = await (await previewDb).session();
    try {
      const page = await db.all('SELECT * FROM read_parquet($path) LIMIT $limit OFFSET $offset', { path, limit, offset });
      // The row count comes from the Parquet footer, not a scan.
      const [{ n }] = await db.objects('SELECT sum(num_rows)::BIGINT AS n FROM parquet_file_metadata($path)', { path });
      return { columns: page.columns, rows: page.rows, totalRows: Number(n) };
    } finally {
      db.close();
    }
  }

  return {
    async call(method, payload) {
      if (!isApiMethod(method)) throw new ApiCallError('unknown-method', `unknown API method "${method}"`);
      const parsed = API[method].request.safeParse(payload ?? {});
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
        throw new ApiCallError('bad-request', `${method}: invalid request (${details[0]})`, details);
      }
      const handler = handlers[method] as (req: unknown) => Promise<unknown>;
      try {
        return await handler(parsed.data);
      } catch (e) {
        if (e instanceof ApiCallError) throw e;
        throw new ApiCallError('failed', e instanceof Error ? e.message : String(e));
      }
    },
    onEvent: (listener) => {
      const offEngine = deps.engine.onEvent(listener);
      const offPlayground = playground.onEvent(listener);
      const offServing = deps.serving.onEvent(listener);
      return () => {
        offEngine();
        offPlayground();
        offServing();
      };
    },
    async dispose() {
      await deps.serving.dispose();
      await deps.engine.dispose();
      await playground.dispose();
      if (previewDb) (await previewDb).dispose();
      deps.lineage.close();
    },
  };
}

export async function readPipelineFile(path: string): Promise<string> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ApiCallError('bad-path', `${path} is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof ApiCallError) throw e;
    throw new ApiCallError('not-found', `${path}: no such file`);
  }
  if (size > MAX_PIPELINE_BYTES) {
    throw new ApiCallError('bad-document', `${path} is ${size} bytes; a pipeline file is at most ${MAX_PIPELINE_BYTES}`);
  }
  return readFile(path, 'utf8');
}

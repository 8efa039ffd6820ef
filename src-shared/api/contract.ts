import { z } from 'zod';
import { PipelineDocument } from '../pipeline/document.js';

/**
 * The app API: one contract, implemented once in src-main (api/service.ts) and reached through
 * two hosts (Electron IPC, HTTP + WebSocket). Every payload crossing a host boundary is parsed
 * with these schemas before use; responses are parsed again by the renderer's bridge.
 */

const FilePath = z.string().min(1).max(4096);

const ProblemSchema = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  field: z.string().optional(),
});

export const NODE_STATUSES = [
  'idle',
  'stale',
  'queued',
  'running',
  'succeeded',
  'cached',
  'failed',
  'cancelled',
  'skipped',
] as const;
export const NodeStatus = z.enum(NODE_STATUSES);
export type NodeStatus = z.infer<typeof NodeStatus>;

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

const OpenedDocument = z.object({
  path: FilePath,
  document: PipelineDocument,
  problems: z.array(ProblemSchema),
  /** sha256 of the file as read; pass it back on save to detect edits made elsewhere. */
  hash: z.string(),
  /** Set when the file was written by an older format and upgraded in memory. */
  migratedFrom: z.number().int().optional(),
});
export type OpenedDocument = z.infer<typeof OpenedDocument>;

const ColumnSchema = z.object({ name: z.string(), type: z.string() });

export const OutputSummary = z.object({
  port: z.string(),
  kind: z.enum(['table', 'model', 'report']),
  hash: z.string(),
  bytes: z.number(),
  rows: z.number().optional(),
  columns: z.array(ColumnSchema).optional(),
});
export type OutputSummary = z.infer<typeof OutputSummary>;

export const RunSummarySchema = z.object({
  runId: z.string(),
  pipelineId: z.string(),
  pipelineName: z.string(),
  documentHash: z.string(),
  status: RunStatus,
  mode: z.enum(['all', 'until', 'node']),
  target: z.string().nullable(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  ms: z.number().nullable(),
  nodes: z.number(),
  cached: z.number(),
  failed: z.number(),
  error: z.string().nullable(),
});

/** Each method: the request the caller sends and the result it gets back. */
export const API = {
  'app.info': {
    request: z.object({}),
    response: z.object({
      version: z.string(),
      host: z.enum(['electron', 'browser']),
      home: z.string(),
      /** The pipeline the host was started with, opened on first load. */
      initialPath: z.string().nullable(),
      /** Whether the host can show native file dialogs (dialog.* methods). */
      nativeDialogs: z.boolean(),
    }),
  },
  'nodes.list': {
    request: z.object({}),
    response: z.object({ types: z.array(z.object({ type: z.string(), version: z.number(), title: z.string() })) }),
  },
  'document.open': {
    request: z.object({ path: FilePath }),
    response: OpenedDocument,
  },
  'document.save': {
    request: z.object({
      path: FilePath,
      document: PipelineDocument,
      /** Without it, saving over a file that changed on disk since it was opened is refused. */
      expectedHash: z.string().nullable().optional(),
      /** false: refuse (code `exists`) when the file exists, so the user can be asked first. */
      overwrite: z.boolean().optional(),
    }),
    response: z.object({ path: FilePath, bytes: z.number(), hash: z.string() }),
  },
  'document.validate': {
    request: z.object({ document: PipelineDocument }),
    response: z.object({ problems: z.array(ProblemSchema) }),
  },
  'document.recent': {
    request: z.object({}),
    response: z.object({ paths: z.array(z.string()) }),
  },
  'dialog.open': {
    request: z.object({}),
    response: z.object({ path: z.string().nullable() }),
  },
  'dialog.save': {
    request: z.object({ suggestedName: z.string().max(500).optional() }),
    response: z.object({ path: z.string().nullable() }),
  },
  'run.start': {
    request: z.object({
      document: PipelineDocument,
      /** Where the document lives; relative paths in params resolve against its folder. */
      path: FilePath.nullable(),
      /** Run this node and only what it needs. */
      until: z.string().optional(),
      /** Re-run this node (ignoring its cache), with what it needs taken from the cache. */
      node: z.string().optional(),
      /** Ignore the cache for every node that runs. */
      force: z.boolean().optional(),
    }),
    response: z.object({ runId: z.string() }),
  },
  'run.explain': {
    request: z.object({ document: PipelineDocument, path: FilePath.nullable() }),
    response: z.object({
      nodes: z.array(
        z.object({ node: z.string(), cacheKey: z.string(), cached: z.boolean(), reasons: z.array(z.string()) }),
      ),
    }),
  },
  'runs.list': {
    request: z.object({ pipelineId: z.string().max(200).optional(), limit: z.number().int().min(1).max(1000).optional() }),
    response: z.object({ runs: z.array(RunSummarySchema) }),
  },
  'runs.experiments': {
    request: z.object({ pipelineId: z.string().min(1).max(200), limit: z.number().int().min(1).max(10_000).optional() }),
    response: z.object({
      rows: z.array(
        z.object({
          runId: z.string(),
          status: RunStatus,
          startedAt: z.number(),
          params: z.record(z.string(), z.unknown()),
          metrics: z.record(z.string(), z.number()),
        }),
      ),
    }),
  },
  'run.cancel': {
    request: z.object({ runId: z.string().min(1).max(100) }),
    response: z.object({ cancelled: z.boolean() }),
  },
  'artifact.preview': {
    request: z.object({
      hash: z.string().min(8).max(64).regex(/^[0-9a-f]+$/),
      offset: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    response: z.object({
      hash: z.string(),
      columns: z.array(ColumnSchema),
      /** Rows in the table, for paging. */
      totalRows: z.number(),
      offset: z.number(),
      rows: z.array(z.array(z.unknown())),
    }),
  },
  'run.output': {
    request: z.object({ runId: z.string().min(1).max(100), node: z.string().min(1).max(200), port: z.string().min(1).max(100) }),
    response: z.object({
      summary: OutputSummary,
      /** A report's JSON, or a table's first rows; never a whole table. */
      report: z.unknown().optional(),
      preview: z.object({ columns: z.array(ColumnSchema), rows: z.array(z.array(z.unknown())) }).optional(),
    }),
  },
} as const;

export type ApiMethod = keyof typeof API;
export const API_METHODS = Object.keys(API) as ApiMethod[];
export type ApiRequest<M extends ApiMethod> = z.input<(typeof API)[M]['request']>;
export type ApiResponse<M extends ApiMethod> = z.infer<(typeof API)[M]['response']>;

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(API, name);
}

/** The event stream, shared by every client. Field names match `plumb run --json`. */
export const PlumbEvent = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('run'),
    run: z.string(),
    status: RunStatus,
    ms: z.number().optional(),
    error: z.string().optional(),
  }),
  z.object({
    event: z.literal('node'),
    run: z.string(),
    node: z.string(),
    status: NodeStatus,
    cached: z.boolean(),
    ms: z.number().optional(),
    error: z.string().optional(),
    outputs: z.array(OutputSummary).optional(),
  }),
  z.object({
    event: z.literal('progress'),
    run: z.string(),
    node: z.string(),
    progress: z.number().min(0).max(1),
    message: z.string().optional(),
  }),
  z.object({
    event: z.literal('log'),
    run: z.string(),
    node: z.string().optional(),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
    time: z.number(),
  }),
]);
export type PlumbEvent = z.infer<typeof PlumbEvent>;

/** How a failed call reads on every host: a stable code and a sentence for the user. */
export const ApiError = z.object({ code: z.string(), message: z.string(), details: z.array(z.string()).optional() });
export type ApiError = z.infer<typeof ApiError>;

/** The HTTP/WebSocket transport of the browser host. */
export const HTTP = {
  /** POST `${apiPrefix}${method}` with the request as JSON; answers `{ok, result}` or `{ok:false, error}`. */
  apiPrefix: '/api/',
  eventsPath: '/events',
  tokenHeader: 'x-plumb-token',
  /** The token travels in the page URL once (then the renderer drops it) and in this query param for WebSocket. */
  tokenParam: 'token',
} as const;

/** The Electron preload exposes this object as `window.plumb`. */
export interface PreloadBridge {
  invoke(method: string, payload: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
  /** Menu commands (file.new, file.open, ...) forwarded from native menus. */
  onMenu(listener: (command: string, arg?: unknown) => void): () => void;
}

export const IPC = { invoke: 'plumb:invoke', event: 'plumb:event', menu: 'plumb:menu' } as const;

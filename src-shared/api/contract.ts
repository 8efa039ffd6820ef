import { z } from 'zod';
import { PipelineDocument } from '../pipeline/document.js';
import { BundleComment, OpenedBundle } from '../bundle/bundle-format.js';
import { PipelineDiff } from '../pipeline/diff-format.js';
import { DriftReportData, DriftReportRef, LineageGraphData, RunChartData } from './charts-contract.js';
import { ServingAccuracyData, ServingDriftData, ServingDriftRequest, ServingEndpointInfo, ServingRouteChange, ServingRouting, ServingStatsData, ServingUpdate } from './serving-contract.js';

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

// ---- Playground: signature, prediction, latency and batch prediction of any .onnx model ----

/** Which model a playground call is about: an .onnx file, or a registered model (name, name:3, name@staging). */
export const ModelSource = z.union([z.object({ path: FilePath }).strict(), z.object({ model: z.string().min(1).max(200) }).strict()]);
export type ModelSource = z.infer<typeof ModelSource>;

/** A dimension: a size, a symbolic name ("N", "batch"), or null when the model leaves it open. */
const TensorDim = z.union([z.number().int(), z.string(), z.null()]);

export const OnnxValueInfo = z.object({
  name: z.string(),
  kind: z.enum(['tensor', 'sequence', 'map', 'optional', 'sparse_tensor', 'unknown']),
  /** onnxruntime's name (float32, int64, string, bool, ...) or ONNX's (bfloat16, complex64) when it has none. */
  elementType: z.string().nullable(),
  /** null: the model states no shape. */
  shape: z.array(TensorDim).nullable(),
  /** An input backed by an initializer: it may be left out (the stored value is used). */
  optional: z.boolean(),
  docString: z.string().optional(),
});
export type OnnxValueInfo = z.infer<typeof OnnxValueInfo>;

/** One raw column of a Plumb-exported model (metadata `plumb.inputs`); the form is built from these. */
export const PlumbInputColumn = z.object({
  name: z.string().min(1),
  type: z.enum(['number', 'text', 'boolean']),
  /** An encoder's known values; null stands for "missing" when the encoder learnt it. */
  categories: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  /** A missing value is imputed by the model's chain (otherwise the model needs one). */
  imputed: z.boolean().optional(),
});
export type PlumbInputColumn = z.infer<typeof PlumbInputColumn>;

export const PlumbModelInfo = z.object({
  inputs: z.array(PlumbInputColumn),
  task: z.enum(['classification', 'regression']).nullable(),
  classes: z.array(z.string()).nullable(),
  target: z.string().nullable(),
  estimator: z.string().nullable(),
});
export type PlumbModelInfo = z.infer<typeof PlumbModelInfo>;

export const OnnxSignature = z.object({
  path: z.string(),
  bytes: z.number(),
  irVersion: z.number(),
  producer: z.object({ name: z.string(), version: z.string() }),
  domain: z.string(),
  modelVersion: z.number(),
  docString: z.string(),
  opsets: z.array(z.object({ domain: z.string(), version: z.number() })),
  inputs: z.array(OnnxValueInfo),
  outputs: z.array(OnnxValueInfo),
  metadata: z.record(z.string(), z.string()),
  /** Present when the model carries Plumb's metadata: the playground shows a form instead of a tensor editor. */
  plumb: PlumbModelInfo.nullable(),
  /** Things worth knowing that do not stop the model from loading (unreadable plumb.* metadata, ...). */
  warnings: z.array(z.string()),
});
export type OnnxSignature = z.infer<typeof OnnxSignature>;

/** A scalar of the tensor editor: JSON has no NaN/Infinity/int64, so those travel as strings. */
const TensorScalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);
type NestedScalars = z.infer<typeof TensorScalar> | NestedScalars[];
const NestedScalars: z.ZodType<NestedScalars> = z.lazy(() => z.union([TensorScalar, z.array(NestedScalars)]));

/**
 * A tensor in the editor: nested arrays (the shape is read from the nesting, the type from the
 * model), or `{type?, dims?, data}` with flat or nested data.
 */
export const TensorInput = z.union([
  z.array(NestedScalars),
  z.object({ type: z.string().max(20).optional(), dims: z.array(z.number().int().min(0)).max(16).optional(), data: NestedScalars }),
]);
export type TensorInput = z.infer<typeof TensorInput>;

export const TensorOutput = z.object({
  type: z.string(),
  dims: z.array(z.number()),
  /** Flat, row-major; int64 as numbers when exact, else strings; NaN/Infinity as strings. */
  data: z.array(z.union([z.number(), z.string(), z.boolean()])),
});
export type TensorOutput = z.infer<typeof TensorOutput>;

/** A row of a Plumb model's form: raw column -> value (null = missing). */
const PlaygroundRow = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));

/** Rows (Plumb models) or tensors (any model), not both. */
const PlaygroundFeeds = {
  rows: z.array(PlaygroundRow).min(1).max(10_000).optional(),
  tensors: z.record(z.string(), TensorInput).optional(),
};

/**
 * One row's prediction. `refused`: the model answered NaN / an empty label, which Plumb's
 * exporter does for a row the app would refuse (a missing value nothing imputes, an unseen category).
 */
export const RowPrediction = z.union([
  z.object({ label: z.string(), probabilities: z.record(z.string(), z.number().nullable()).optional(), refused: z.boolean().optional() }),
  z.object({ value: z.number().nullable(), refused: z.boolean().optional() }),
]);
export type RowPrediction = z.infer<typeof RowPrediction>;

const PLAYGROUND_API = {
  'playground.inspect': {
    request: z.object({ source: ModelSource }),
    response: z.object({ signature: OnnxSignature }),
  },
  'playground.predict': {
    request: z.object({ source: ModelSource, ...PlaygroundFeeds }),
    response: z.object({
      outputs: z.record(z.string(), TensorOutput),
      /** For rows: one prediction per row, read from the outputs with the model's plumb.* metadata. */
      predictions: z.array(RowPrediction).optional(),
      /** Time spent in onnxruntime's run, and for the whole call (feeds, run, outputs). */
      runMs: z.number(),
      totalMs: z.number(),
    }),
  },
  'playground.latency': {
    request: z.object({ source: ModelSource, ...PlaygroundFeeds, runs: z.number().int().min(1).max(10_000) }),
    response: z.object({ runs: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), mean: z.number(), min: z.number(), max: z.number() }),
  },
  'playground.batch': {
    request: z.object({
      source: ModelSource,
      input: FilePath,
      out: FilePath,
      /** Names the job in 'playground.progress' events and for playground.cancel; generated when absent. */
      job: z.string().min(1).max(100).optional(),
      chunkRows: z.number().int().min(1).max(1_000_000).optional(),
    }),
    response: z.object({ job: z.string(), rows: z.number(), out: z.string(), ms: z.number() }),
  },
  'playground.cancel': {
    request: z.object({ job: z.string().min(1).max(100) }),
    response: z.object({ cancelled: z.boolean() }),
  },
} as const;

// ---- Model registry: named models, versions with stages, and the audit trail of stage changes ----

export const MODEL_STAGES = ['none', 'staging', 'production', 'archived'] as const;
export const ModelStage = z.enum(MODEL_STAGES);
export type ModelStage = z.infer<typeof ModelStage>;

export const ModelVersionSchema = z.object({
  version: z.number().int(),
  stage: ModelStage,
  /** The trained (Plumb) model artifact, and its ONNX export (null when registered without one). */
  artifactHash: z.string(),
  onnxHash: z.string().nullable(),
  createdAt: z.number(),
  runId: z.string().nullable(),
  nodeRunId: z.number().nullable(),
  nodeId: z.string().nullable(),
  trainingDataHash: z.string().nullable(),
  metrics: z.record(z.string(), z.number()),
  /** The raw columns a caller sends, in input order. */
  inputSchema: z.array(ColumnSchema).nullable(),
});
export type ModelVersionSchema = z.infer<typeof ModelVersionSchema>;

const ModelSummarySchema = z.object({ name: z.string(), createdAt: z.number(), versions: z.array(ModelVersionSchema) });

export const StageEventSchema = z.object({
  version: z.number().int(),
  /** null for the registration itself. */
  from: ModelStage.nullable(),
  to: ModelStage,
  /** The OS user; null for changes recorded before the audit trail existed. */
  actor: z.string().nullable(),
  comment: z.string().nullable(),
  at: z.number(),
});
export type StageEventSchema = z.infer<typeof StageEventSchema>;

const RegistryName = z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "-" or "_"');

const REGISTRY_API = {
  'models.list': {
    request: z.object({}),
    response: z.object({ models: z.array(ModelSummarySchema) }),
  },
  'models.get': {
    request: z.object({ name: RegistryName }),
    response: z.object({ model: ModelSummarySchema.extend({ events: z.array(StageEventSchema) }) }),
  },
  'models.stage': {
    request: z.object({
      name: RegistryName,
      version: z.number().int().min(1),
      stage: ModelStage,
      /** Why: required, kept in the audit trail with the OS user and the time. */
      comment: z.string().trim().min(1, 'a comment (why) is required').max(2000),
    }),
    response: z.object({
      name: z.string(),
      version: z.number().int(),
      from: ModelStage,
      to: ModelStage,
      changed: z.boolean(),
      /** Versions archived because this one became the production version. */
      archived: z.array(z.number().int()),
    }),
  },
} as const;

// ---- Inspector: a table artifact's per-column profile, and one node's recorded run ----

const ArtifactHash = z.string().min(8).max(64).regex(/^[0-9a-f]+$/);

/** One column of `artifact.profile`: the profile node's statistics, computed host side by DuckDB. */
export const ColumnProfileSchema = z.object({
  name: z.string(),
  type: z.string(),
  nulls: z.number(),
  nullFraction: z.number(),
  distinct: z.number(),
  min: z.union([z.number(), z.string(), z.null()]).optional(),
  max: z.union([z.number(), z.string(), z.null()]).optional(),
  mean: z.number().nullable().optional(),
  std: z.number().nullable().optional(),
  p25: z.number().nullable().optional(),
  p50: z.number().nullable().optional(),
  p75: z.number().nullable().optional(),
  /** Numeric columns: equal-width bins over [min, max]; null when no finite value can be binned. */
  histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number()) }).nullable().optional(),
  /** Text, boolean and low-cardinality columns: the most frequent values, most frequent first. */
  topValues: z.array(z.object({ value: z.union([z.number(), z.string(), z.boolean()]), count: z.number() })).optional(),
});
export type ColumnProfileSchema = z.infer<typeof ColumnProfileSchema>;

const INSPECTOR_API = {
  'artifact.profile': {
    request: z.object({
      hash: ArtifactHash,
      bins: z.number().int().min(1).max(200).optional(),
      topK: z.number().int().min(0).max(100).optional(),
    }),
    response: z.object({ hash: z.string(), rows: z.number(), columns: z.array(ColumnProfileSchema) }),
  },
  'run.node': {
    request: z.object({ runId: z.string().min(1).max(100), node: z.string().min(1).max(200) }),
    response: z.object({
      runId: z.string(),
      node: z.string(),
      status: NodeStatus,
      cacheHit: z.boolean(),
      startedAt: z.number(),
      endedAt: z.number().nullable(),
      ms: z.number().nullable(),
      error: z.object({ message: z.string(), stack: z.string().nullable() }).nullable(),
      logs: z.array(z.object({ time: z.number(), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() })),
    }),
  },
} as const;

// ---- Charts panel: experiments of one or every pipeline, a run's charts, drift reports, lineage graphs ----

const RunIdSchema = z.string().min(1).max(100);

const CHARTS_API = {
  'charts.experiments': {
    /** Without pipelineId: the runs of every pipeline. */
    request: z.object({ pipelineId: z.string().min(1).max(200).optional(), limit: z.number().int().min(1).max(10_000).optional() }),
    /**
     * Column by column, newest run first: 10,000 runs travel as a few arrays rather than 10,000
     * objects repeating every key. A param with one value in every run is sent once (`value`).
     */
    response: z.object({
      runIds: z.array(z.string()),
      pipelineIds: z.array(z.string()),
      statuses: z.array(RunStatus),
      startedAt: z.array(z.number()),
      /** pipeline id -> name */
      pipelines: z.record(z.string(), z.string()),
      /** `nodeId.param`; null where a run has no such param. */
      params: z.array(z.union([z.object({ key: z.string(), values: z.array(z.unknown()) }), z.object({ key: z.string(), value: z.unknown() })])),
      /** `nodeId.metric`; null where a run has none (or it was NaN). */
      metrics: z.array(z.object({ key: z.string(), values: z.array(z.number().nullable()) })),
    }),
  },
  'charts.run': {
    request: z.object({ runId: RunIdSchema }),
    response: RunChartData,
  },
  'charts.driftReports': {
    request: z.object({ pipelineId: z.string().min(1).max(200), limit: z.number().int().min(1).max(500).optional() }),
    response: z.object({ reports: z.array(DriftReportRef) }),
  },
  'charts.drift': {
    request: z.object({ runId: RunIdSchema, node: z.string().min(1).max(200) }),
    response: z.object({ runId: z.string(), nodeId: z.string(), report: DriftReportData }),
  },
  'lineage.graph': {
    /** A run id, an artifact hash (or unique prefixes), or `model:<name>[:<version>]`. */
    request: z.object({ subject: z.string().trim().min(1).max(300) }),
    response: LineageGraphData,
  },
} as const;

// ---- Review bundles (*.plumbz) and pipeline diffs (issue 9) ----

const REVIEW_API = {
  /** Writes a bundle of the pipeline at `path` and its last run (read from the lineage store). */
  'bundle.export': {
    request: z.object({
      path: FilePath,
      out: FilePath,
      withModels: z.boolean().optional(),
      /** false: no sample rows at all; otherwise `noSamples` lists nodes whose rows stay out. */
      samples: z.boolean().optional(),
      noSamples: z.array(z.string().max(200)).max(10_000).optional(),
      /** false: refuse (code `exists`) when `out` exists, so the user can be asked first. */
      overwrite: z.boolean().optional(),
    }),
    response: z.object({ out: z.string(), bytes: z.number(), entries: z.number(), sha256: z.string(), warnings: z.array(z.string()) }),
  },
  /**
   * Verifies a bundle and returns it for the review mode. From a path, or from the bytes of a file
   * dropped on the browser host's window (base64, at most 64 MiB), where no path is known.
   */
  'bundle.open': {
    request: z.union([
      z.object({ path: FilePath }).strict(),
      z.object({ name: z.string().min(1).max(500), base64: z.string().min(1).max(90_000_000) }).strict(),
    ]),
    response: OpenedBundle,
  },
  /** Writes a new bundle: the opened one with these comments. Never overwrites the original. */
  'bundle.saveComments': {
    request: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), out: FilePath, comments: z.array(BundleComment).max(10_000), overwrite: z.boolean().optional() }),
    response: z.object({ out: z.string(), bytes: z.number(), sha256: z.string() }),
  },
  /**
   * Compares two pipelines (files or bundles; `b: {git: 'HEAD'}` compares a file with its last
   * commit). Positions are ignored. The diff reads a -> b, so `a: {git: 'HEAD'}` with b = the file
   * (or the unsaved canvas) shows what changed since the last commit.
   */
  'pipeline.diff': {
    request: z.object({
      a: z.union([z.object({ path: FilePath }).strict(), z.object({ document: PipelineDocument }).strict(), z.object({ git: z.literal('HEAD'), path: FilePath }).strict()]),
      b: z.union([z.object({ path: FilePath }).strict(), z.object({ document: PipelineDocument }).strict(), z.object({ git: z.literal('HEAD'), path: FilePath }).strict()]),
    }),
    response: z.object({ a: z.object({ label: z.string(), document: PipelineDocument }), b: z.object({ label: z.string(), document: PipelineDocument }), diff: PipelineDiff }),
  },
} as const;

// ---- Local serving: prediction endpoints of registered models, their routing and live figures (issue 10) ----

const ServingName = z.string().min(1).max(200);

const SERVING_API = {
  /** The endpoints this app runs (not those of `plumb serve-model` processes). */
  'serving.list': {
    request: z.object({}),
    response: z.object({ endpoints: z.array(ServingEndpointInfo) }),
  },
  /** Starts an endpoint on 127.0.0.1 for NAME, NAME:3 or NAME@stage; port 0 or none = any free port. */
  'serving.start': {
    request: z.object({ model: z.string().trim().min(1).max(200), port: z.number().int().min(0).max(65_535).optional(), noToken: z.boolean().optional() }),
    response: z.object({ endpoint: ServingEndpointInfo }),
  },
  'serving.stop': {
    request: z.object({ name: ServingName }),
    response: z.object({ stopped: z.boolean() }),
  },
  'serving.route': {
    request: z.object({ name: ServingName, change: ServingRouteChange }),
    response: z.object({ routing: ServingRouting }),
  },
  'serving.stats': {
    request: z.object({ name: ServingName }),
    response: ServingStatsData,
  },
  /** The drift of the logged inputs against a version's training data (monitor.drift's statistics, defaults). */
  'serving.drift': {
    request: ServingDriftRequest,
    response: ServingDriftData,
  },
  /** Live accuracy per version: the feedback log joined with the prediction log. */
  'serving.accuracy': {
    request: z.object({ name: ServingName }),
    response: ServingAccuracyData,
  },
} as const;

/** Each method: the request the caller sends and the result it gets back. */
// ---- Scale out on Argo Workflows (issue 11) ----

const CLUSTER_API = {
  /**
   * Writes an Argo Workflow manifest for the saved pipeline at `path` (by default next to it, as
   * `<name>.argo.yaml`): one step per node running the runner image on the store volume.
   */
  'cluster.compile': {
    request: z.object({
      path: FilePath,
      image: z.string().trim().min(1).max(500),
      /** Where the store volume is mounted in each pod, an absolute path such as /store. */
      store: z.string().trim().min(1).max(4096),
      namespace: z.string().trim().min(1).max(63).optional(),
      pvc: z.string().trim().min(1).max(253).optional(),
      out: FilePath.optional(),
      /** false: refuse (code `exists`) when the manifest file exists, so the user can be asked first. */
      overwrite: z.boolean().optional(),
    }),
    response: z.object({ out: z.string(), bytes: z.number(), tasks: z.number(), warnings: z.array(z.string()) }),
  },
  /** Imports the runs recorded in a cluster store (a folder) into the local lineage store; idempotent. */
  'cluster.sync': {
    request: z.object({ store: FilePath }),
    response: z.object({
      imported: z.array(z.object({ runId: z.string(), status: z.enum(['succeeded', 'failed']), nodes: z.number() })),
      skipped: z.array(z.object({ runId: z.string(), reason: z.string() })),
    }),
  },
} as const;

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
  /**
   * Keeps a copy of unsaved work in the state folder (never in the user's file), one per
   * pipeline file, or one for the untitled pipeline when `path` is null.
   */
  'document.autosave': {
    request: z.object({ path: FilePath.nullable(), document: PipelineDocument }),
    response: z.object({ savedAt: z.number() }),
  },
  /** The autosaved copy of that file's (or the untitled) work, when it is newer than the file. */
  'document.recover': {
    request: z.object({ path: FilePath.nullable() }),
    response: z.object({
      autosave: z
        .object({
          path: z.string().nullable(),
          document: PipelineDocument,
          savedAt: z.number(),
          /** The file's modification time; null when it no longer exists (or for untitled work). */
          fileModifiedAt: z.number().nullable(),
        })
        .nullable(),
    }),
  },
  'document.discardAutosave': {
    request: z.object({ path: FilePath.nullable() }),
    response: z.object({ discarded: z.boolean() }),
  },
  'dialog.open': {
    /** What to pick: a pipeline (default) or an ONNX model for the playground. */
    request: z.object({ kind: z.enum(['pipeline', 'onnx', 'bundle']).optional() }),
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
  ...PLAYGROUND_API,
  ...REGISTRY_API,
  ...INSPECTOR_API,
  ...CHARTS_API,
  ...REVIEW_API,
  ...SERVING_API,
  ...CLUSTER_API,
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
    /** A playground batch prediction advancing; `run` is the batch job's id, never a pipeline run's. */
    event: z.literal('playground.progress'),
    run: z.string(),
    rows: z.number(),
    totalRows: z.number(),
    progress: z.number().min(0).max(1),
    done: z.boolean(),
  }),
  z.object({
    event: z.literal('log'),
    run: z.string(),
    node: z.string().optional(),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
    time: z.number(),
  }),
  /** The running endpoints' last second, about once a second while any runs. */
  z.object({ event: z.literal('serving.update'), endpoints: z.array(ServingUpdate) }),
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
  /** GET `${batchDownloadPath}${job}?token=…`: the CSV a playground.batch job wrote, as an attachment. */
  batchDownloadPath: '/files/batch/',
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

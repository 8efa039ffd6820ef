import { z } from 'zod';
import type { ArtifactRecord } from '../lineage/types.js';

/**
 * The cluster store: what step processes share and nothing else (on Kubernetes a ReadWriteMany
 * volume). Artifacts are content-addressed and verified on every read; memo entries map a node's
 * cache key to its outputs (KFP-style step caching); step records are the lineage facts of one
 * node in one run. An interface, so an object store (S3, GCS) can implement it later.
 */
export interface StepStore {
  /** Where the store is, for messages. */
  readonly location: string;
  /** Creates the layout and proves the store is writable; throws StoreError otherwise. */
  init(): Promise<void>;
  /** Takes a finished artifact file (moved, not copied) after checking it matches `record.hash`. */
  putArtifact(localFile: string, record: ArtifactRecord): Promise<StoredArtifact>;
  /** A local path holding the artifact's verified bytes; throws TornArtifactError on a mismatch. */
  readArtifact(a: StoredArtifact): Promise<string>;
  hasArtifact(a: StoredArtifact): Promise<boolean>;
  /** Where an artifact's bytes are read from, unverified (a step hands it to nodes that only check it exists). */
  pathOf(a: StoredArtifact): string;
  getMemo(cacheKey: string): Promise<MemoEntry | undefined>;
  putMemo(entry: MemoEntry): Promise<void>;
  putStep(step: StepRecord): Promise<void>;
  getStep(runId: string, nodeId: string): Promise<StepRecord | undefined>;
  listRuns(): Promise<string[]>;
  listSteps(runId: string): Promise<StepRecord[]>;
  /** The canonical pipeline text a run was started from (written once, by its first step). */
  putRunDocument(runId: string, text: string): Promise<void>;
  getRunDocument(runId: string): Promise<string | undefined>;
  /** How a run ended, as its driver saw it (the local target writes it; on Argo, no one does). */
  putRunEnd(runId: string, end: RunEnd): Promise<void>;
  getRunEnd(runId: string): Promise<RunEnd | undefined>;
  /** A fresh private folder on the store's file system for one step's scratch state. */
  scratchFolder(): Promise<string>;
  removeScratch(dir: string): Promise<void>;
}

export class StoreError extends Error {}

/** A stored file whose bytes do not hash to its name: it is never used. */
export class TornArtifactError extends StoreError {
  constructor(
    readonly hash: string,
    readonly file: string,
  ) {
    super(`artifact ${hash} in the store is torn (its bytes do not match its hash): ${file}; delete it and re-run the step that made it`);
  }
}

const Column = z.object({ name: z.string(), type: z.string() });

/** An artifact as the store records it: `file` is relative to the store (or, for a source file, the path the step read). */
export const StoredArtifact = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  kind: z.enum(['table', 'model', 'report', 'file']),
  file: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative().optional(),
  columns: z.array(Column).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type StoredArtifact = z.infer<typeof StoredArtifact>;

/** A stored artifact as the lineage store records it, at `path` (where it is read from here). */
export function toRecord(a: StoredArtifact, path: string): ArtifactRecord {
  return {
    hash: a.hash,
    kind: a.kind,
    path,
    bytes: a.bytes,
    ...(a.rows !== undefined ? { rows: a.rows } : {}),
    ...(a.columns ? { columns: a.columns } : {}),
    ...(a.meta ? { meta: a.meta } : {}),
  };
}

const Metric = z.object({ name: z.string(), value: z.number().nullable(), step: z.number().int().optional() });

/** A cache key's outputs, and the metrics of the step that made them (a cached step reports those). */
export const MemoEntry = z.object({
  cacheKey: z.string().min(1),
  outputs: z.record(z.string(), StoredArtifact),
  metrics: z.array(Metric),
});
export type MemoEntry = z.infer<typeof MemoEntry>;
const Log = z.object({ time: z.number(), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() });

const Registration = z.object({
  name: z.string().min(1),
  artifactHash: z.string(),
  onnxHash: z.string().optional(),
  trainingDataHash: z.string().optional(),
  metrics: z.record(z.string(), z.number()),
  inputSchema: z.array(Column).optional(),
  stage: z.enum(['none', 'staging', 'production']),
  comment: z.string().optional(),
});

export const STEP_FORMAT = 'plumb.step';

/** One node of one run, with the facts the local lineage store holds for a node run. */
export const StepRecord = z.object({
  format: z.literal(STEP_FORMAT),
  version: z.literal(1),
  runId: z.string().min(1),
  pipelineId: z.string(),
  pipelineName: z.string(),
  documentHash: z.string(),
  documentPath: z.string().nullable(),
  node: z.string().min(1),
  type: z.string(),
  typeVersion: z.number().int(),
  params: z.record(z.string(), z.unknown()),
  cacheKey: z.string(),
  keyParts: z.object({
    type: z.string(),
    typeVersion: z.number().int(),
    params: z.record(z.string(), z.unknown()),
    inputs: z.record(z.string(), z.string()),
    files: z.record(z.string(), z.string()),
  }),
  status: z.enum(['succeeded', 'cached', 'failed', 'cancelled', 'skipped']),
  cached: z.boolean(),
  startedAt: z.number(),
  endedAt: z.number(),
  ms: z.number(),
  inputs: z.record(z.string(), StoredArtifact),
  outputs: z.record(z.string(), StoredArtifact),
  /** NaN and infinities are not JSON: they are stored as null. */
  metrics: z.array(Metric),
  logs: z.array(Log),
  error: z.object({ message: z.string(), stack: z.string().optional() }).nullable(),
  env: z.record(z.string(), z.unknown()),
  host: z.string(),
  /** Model versions the node registered (deploy.onnx); `plumb sync` registers them in the local registry. */
  registrations: z.array(Registration).optional(),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const RunEnd = z.object({
  status: z.enum(['succeeded', 'failed']),
  startedAt: z.number(),
  endedAt: z.number(),
  failed: z.array(z.object({ node: z.string(), error: z.string() })).optional(),
});
export type RunEnd = z.infer<typeof RunEnd>;

/** Store-relative artifact file name: artifacts/<2 hex>/<hash><ext>. */
export function artifactFileName(hash: string, ext: string): string {
  return `artifacts/${hash.slice(0, 2)}/${hash}${ext}`;
}

import type { ColumnSchema, ParamValues } from '../../src-shared/nodes/spec.js';
import type { DuckSession } from '../data/duckdb.js';
import type { ArtifactMeta, ArtifactRecord } from '../lineage/types.js';

/**
 * What a node's run function sees of the engine. Run functions depend on this small interface,
 * never on the engine itself, so the engine can change without touching any node.
 */
export interface RunContext {
  readonly runId: string;
  readonly nodeId: string;
  /** The folder of the pipeline file: relative paths in params resolve against it. */
  readonly baseDir: string;
  /** Aborted when the run is cancelled; long work must check it. */
  readonly signal: AbortSignal;
  /** A DuckDB connection of this node's own (temp tables are private to it). */
  readonly db: DuckSession;
  /** A fresh path in the artifact store's temp folder; the engine moves it into place. */
  tempPath(extension: string): string;
  progress(fraction: number, message?: string): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /** Records a metric in the lineage store: a scalar, or a point of a series when `step` is set. */
  metric(name: string, value: number, step?: number): void;
  /**
   * Maps `items` through the parallel task `task` (a ParallelTaskFn registered by name), spreading
   * them over this worker and any idle workers of the pool; results come back in `items` order,
   * whichever worker computed them. `shared` is sent once to each helper. The first failure
   * rejects the whole map. Deterministic work stays deterministic: seed per item, not per worker.
   */
  parallel<I, O>(task: string, shared: unknown, items: readonly I[], onItemDone?: (done: number, total: number) => void): Promise<O[]>;
  /**
   * Asks the engine to register a model version in the registry. Workers never write the lineage
   * store: the engine applies the request in the main process, in the transaction that records
   * this node's outputs, and only if the node succeeds. A cached node registers nothing, and the
   * same artifacts registered again under the same name keep their version.
   */
  registerModel(request: ModelRegistrationRequest): void;
  /**
   * Asks the host to start (or re-route) a local prediction endpoint. Workers hold no servers:
   * the request goes to the main process, whose serving manager outlives the run. Where no
   * long-lived host runs (`plumb run`), it resolves with `served: false` and the reason.
   */
  requestServing(request: ServingRequest): Promise<ServingReply>;
}

/** An endpoint a run function asks for: a registered model reference, or the version registered with an ONNX artifact. */
export interface ServingRequest {
  /** NAME, NAME:3 or NAME@stage; or the ONNX artifact whose registered version to serve. */
  readonly model: string | { readonly onnxHash: string };
  /** 0 = any free port. */
  readonly port: number;
  /** How the version joins an endpoint already serving that model: replace it, or roll out beside it. */
  readonly strategy: 'replace' | 'blue-green' | 'canary' | 'shadow';
  /** The canary's share of requests. */
  readonly percent?: number;
}

export type ServingReply =
  | { readonly served: true; readonly name: string; readonly url: string; readonly version: number; readonly routing: string; readonly started: boolean }
  | { readonly served: false; readonly reason: string };

/** The main process's side of RunContext.requestServing; absent where no long-lived host runs. */
export type ServingRequestHandler = (request: ServingRequest) => Promise<ServingReply>;

/** A registration a run function asks for; ports name this node's own inputs or outputs. */
export interface ModelRegistrationRequest {
  /** The registry name ([A-Za-z0-9._-]+). */
  readonly name: string;
  /** The port (input or output) carrying the Plumb model artifact the version is made from. */
  readonly modelPort: string;
  /** The output port carrying its ONNX export, if any. */
  readonly onnxPort?: string;
  /** The table the model was trained on (its artifact hash), for the version's lineage. */
  readonly trainingDataHash?: string;
  readonly metrics?: Readonly<Record<string, number>>;
  /** The raw columns a caller sends, in input order. */
  readonly inputSchema?: readonly ColumnSchema[];
  readonly stage?: 'none' | 'staging' | 'production';
  /** Why; required for a stage other than none. */
  readonly comment?: string;
}

/**
 * One unit of a node's parallel map. Pure of the engine: it sees only `shared` and its item, and
 * returns structured-clonable data (typed arrays, plain objects), since it may run in another worker.
 */
export type ParallelTaskFn = (shared: never, item: never) => unknown;

/** Name -> parallel task: a runners module exports it as `parallelTasks`, so every worker has the same ones. */
export type ParallelTaskRegistry = ReadonlyMap<string, ParallelTaskFn>;

/** An artifact stored by the engine, as a node receives it on an input port. */
export type StoredArtifact = ArtifactRecord;

/** What a run function returns per output port, before the engine stores it. */
export type ArtifactDraft =
  | {
      readonly kind: 'table';
      readonly file: string;
      readonly rows: number;
      readonly columns: readonly ColumnSchema[];
      /** Fitted state and the preprocessing chain, for steps that learn from their input. */
      readonly meta?: ArtifactMeta;
    }
  | { readonly kind: 'report'; readonly data: unknown }
  | { readonly kind: 'model'; readonly file: string };

export type NodeRunFn = (
  ctx: RunContext,
  inputs: Readonly<Record<string, StoredArtifact>>,
  params: ParamValues,
) => Promise<Record<string, ArtifactDraft>>;

/**
 * The main-side half of the catalogue: `type@version` -> run function. Node work runs in worker
 * threads, which load the registry by module URL: such a module exports it as `runners`.
 */
export type RunnerRegistry = ReadonlyMap<string, NodeRunFn>;

export const runnerKey = (type: string, version: number): string => `${type}@${version}`;

/** A node failure whose message is for the user as it is (no stack needed). */
export class NodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeError';
  }
}

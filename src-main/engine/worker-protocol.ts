import type { MessagePort } from 'node:worker_threads';
import type { ParamValues } from '../../src-shared/nodes/spec.js';
import type { ArtifactRecord } from '../lineage/types.js';
import type { ModelRegistrationRequest, ServingReply, ServingRequest, StoredArtifact } from './node-runner.js';

/** Messages between the engine (main thread) and a node worker. Plain data only. */
export interface NodeTask {
  readonly taskId: number;
  readonly runId: string;
  readonly nodeId: string;
  readonly nodeType: string;
  readonly typeVersion: number;
  readonly params: ParamValues;
  readonly inputs: Readonly<Record<string, StoredArtifact>>;
  readonly baseDir: string;
  /** A folder of this node run's own: everything it writes goes here until the engine commits it. */
  readonly tmpDir: string;
}

export type ToWorker =
  | { readonly type: 'run'; readonly task: NodeTask }
  /** To a node that asked for helpers: one port per idle worker lent to it (maybe none). */
  | { readonly type: 'lent'; readonly requestId: number; readonly ports: readonly MessagePort[] }
  /** To an idle worker: serve a busy node's parallel map over this port until it ends. */
  | { readonly type: 'serve'; readonly port: MessagePort }
  /** To a lent worker: a node is waiting for a worker, finish the current item and come back. */
  | { readonly type: 'recall' }
  /** The answer to a node's serving request. */
  | { readonly type: 'served'; readonly requestId: number; readonly reply: ServingReply }
  /** The pool is closing: release DuckDB and end the thread (see WorkerPool.dispose). */
  | { readonly type: 'close' };

/** Between a node's worker and a worker lent to it (see RunContext.parallel). */
export type ToHelper =
  | { readonly type: 'job'; readonly task: string; readonly shared: unknown }
  | { readonly type: 'item'; readonly index: number; readonly input: unknown }
  | { readonly type: 'end' };
export type FromHelper =
  | { readonly type: 'result'; readonly index: number; readonly output: unknown }
  | { readonly type: 'fail'; readonly index: number; readonly message: string; readonly stack?: string; readonly userFacing: boolean };

export type FromWorker =
  | { readonly type: 'ready' }
  /** A running node asks for up to `want` idle workers to share its parallel map. */
  | { readonly type: 'lend'; readonly taskId: number; readonly requestId: number; readonly want: number }
  /** A lent worker is free again. */
  | { readonly type: 'released' }
  | { readonly type: 'progress'; readonly taskId: number; readonly fraction: number; readonly message?: string }
  | { readonly type: 'log'; readonly taskId: number; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string; readonly time: number }
  | { readonly type: 'metric'; readonly taskId: number; readonly name: string; readonly value: number; readonly step?: number }
  /** A model registration the engine applies once the node's outputs are recorded. */
  | { readonly type: 'register'; readonly taskId: number; readonly request: ModelRegistrationRequest }
  /** A node asks the main process for a prediction endpoint; answered with 'served'. */
  | { readonly type: 'serving'; readonly taskId: number; readonly requestId: number; readonly request: ServingRequest }
  /** The outputs are already committed to the artifact store (hashed, renamed into place). */
  | { readonly type: 'done'; readonly taskId: number; readonly outputs: Readonly<Record<string, ArtifactRecord>> }
  | {
      readonly type: 'error';
      readonly taskId: number;
      readonly message: string;
      readonly stack?: string;
      /** A NodeError: the message is for the user as it is. */
      readonly userFacing: boolean;
    };

export interface WorkerInit {
  /** URL of a module exporting `runners: RunnerRegistry`. */
  readonly runnersModule: string;
  /** DuckDB threads for this worker. */
  readonly duckdbThreads: number;
  /** DuckDB's memory limit for this worker: the pool's workers together stay under the machine's memory. */
  readonly duckdbMemoryBytes?: number;
  /** The state folder: workers commit outputs to its artifact store themselves, off the main thread. */
  readonly home: string;
}

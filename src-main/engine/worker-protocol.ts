import type { ParamValues } from '../../src-shared/nodes/spec.js';
import type { ArtifactRecord } from '../lineage/types.js';
import type { StoredArtifact } from './node-runner.js';

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

export type ToWorker = { readonly type: 'run'; readonly task: NodeTask };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly taskId: number; readonly fraction: number; readonly message?: string }
  | { readonly type: 'log'; readonly taskId: number; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string; readonly time: number }
  | { readonly type: 'metric'; readonly taskId: number; readonly name: string; readonly value: number; readonly step?: number }
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

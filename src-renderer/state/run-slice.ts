import type { ApiResponse, NodeStatus, OutputSummary, PlumbEvent, RunStatus } from '../../src-shared/api/contract.js';
import type { GetState, SetState } from './types.js';

/**
 * What the engine reports about the current run. Fed only by the event stream and run.*
 * answers, and never part of the undo history: undo changes the pipeline, not what happened.
 */
export interface NodeRun {
  readonly status: NodeStatus;
  readonly cached: boolean;
  readonly ms?: number;
  readonly error?: string;
  readonly progress?: number;
  readonly outputs?: readonly OutputSummary[];
}

/** `starting`: run.start was sent and its runId has not come back yet. */
export type RunPhase = 'idle' | 'starting' | RunStatus;

export interface RunLogEntry {
  readonly seq: number;
  readonly event: PlumbEvent;
}

export interface RunState {
  readonly runId: string | null;
  readonly status: RunPhase;
  readonly error: string | null;
  readonly ms: number | null;
  readonly nodes: Readonly<Record<string, NodeRun>>;
  readonly log: readonly RunLogEntry[];
  /** Events that arrived between sending run.start and learning the run's id. */
  readonly pending: readonly PlumbEvent[];
  readonly nextSeq: number;
}

export type RunOutput = ApiResponse<'run.output'>;
export type OutputState =
  | { readonly state: 'loading' }
  | { readonly state: 'loaded'; readonly data: RunOutput }
  | { readonly state: 'error'; readonly message: string };

export interface RunSlice {
  readonly run: RunState;
  /** Fetched outputs by outputKey(runId, node, port). */
  readonly outputs: Readonly<Record<string, OutputState>>;

  runRequested(): void;
  runStarted(runId: string): void;
  runStartFailed(message: string): void;
  applyEvent(event: PlumbEvent): void;
  setOutput(key: string, state: OutputState): void;
}

const MAX_LOG = 2000;
const MAX_PENDING = 5000;

export const idleRun: RunState = {
  runId: null,
  status: 'idle',
  error: null,
  ms: null,
  nodes: {},
  log: [],
  pending: [],
  nextSeq: 1,
};

export const outputKey = (runId: string, node: string, port: string): string => `${runId}\u0000${node}\u0000${port}`;

export const isRunActive = (status: RunPhase): boolean => status === 'starting' || status === 'running';

/** Applies one event of the current run; events of other runs leave the state as it is. */
export function reduceRunEvent(state: RunState, event: PlumbEvent): RunState {
  if (state.status === 'starting' && state.runId === null) {
    // The engine starts emitting before run.start answers; keep them until we know our id.
    return state.pending.length < MAX_PENDING ? { ...state, pending: [...state.pending, event] } : state;
  }
  if (event.run !== state.runId) return state;

  let next: RunState = state;
  switch (event.event) {
    case 'run':
      next = {
        ...state,
        status: event.status,
        ms: event.ms ?? state.ms,
        error: event.error ?? (event.status === 'running' ? null : state.error),
      };
      break;
    case 'node': {
      const prev = state.nodes[event.node];
      const node: NodeRun = {
        status: event.status,
        cached: event.cached,
        ...(event.ms !== undefined ? { ms: event.ms } : {}),
        ...(event.error !== undefined ? { error: event.error } : {}),
        ...(event.outputs ? { outputs: event.outputs } : prev?.outputs ? { outputs: prev.outputs } : {}),
      };
      next = { ...state, nodes: { ...state.nodes, [event.node]: node } };
      break;
    }
    case 'progress': {
      const prev = state.nodes[event.node];
      if (!prev) return state;
      // Progress is shown on the node only; logging every tick would drown the log.
      return { ...state, nodes: { ...state.nodes, [event.node]: { ...prev, progress: event.progress } } };
    }
    case 'log':
      break;
  }
  const log = [...next.log, { seq: next.nextSeq, event }];
  return { ...next, log: log.length > MAX_LOG ? log.slice(log.length - MAX_LOG) : log, nextSeq: next.nextSeq + 1 };
}

export function createRunSlice(set: SetState, get: GetState): RunSlice {
  return {
    run: idleRun,
    outputs: {},

    runRequested: () => set({ run: { ...idleRun, status: 'starting' } }),
    runStarted: (runId) => {
      const { run } = get();
      const started: RunState = { ...run, runId, status: run.status === 'starting' ? 'running' : run.status, pending: [] };
      set({ run: run.pending.reduce(reduceRunEvent, started) });
    },
    runStartFailed: (message) => set({ run: { ...idleRun, status: 'failed', error: message } }),
    applyEvent: (event) => {
      const { run } = get();
      const next = reduceRunEvent(run, event);
      if (next !== run) set({ run: next });
    },
    setOutput: (key, state) => set((s) => ({ outputs: { ...s.outputs, [key]: state } })),
  };
}

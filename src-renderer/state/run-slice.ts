import type { ApiResponse, NodeStatus, OutputSummary, PlumbEvent, RunStatus } from '../../src-shared/api/contract.js';
import type { GetState, SetState } from './types.js';

/**
 * What the engine reports about the current run. Fed only by the event stream and run.*
 * answers, and never part of the undo history: undo changes the pipeline, not what happened.
 */
export interface NodeRun {
  /** The run this status came from; a node left out of a later run keeps its last one. */
  readonly runId: string;
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
  /** The stored artifact was removed by the cache's size cap; running again recreates it. */
  | { readonly state: 'evicted' }
  | { readonly state: 'error'; readonly message: string };

export type ExplainEntry = ApiResponse<'run.explain'>['nodes'][number];

/**
 * The engine's answer to "what would run now" for the document as last explained: per node,
 * whether a stored result matches its cache key and why the key differs from its last run.
 */
export interface ExplainState {
  readonly nodes: Readonly<Record<string, ExplainEntry>>;
}

export interface RunSlice {
  readonly run: RunState;
  /** Fetched outputs by outputKey(runId, node, port). */
  readonly outputs: Readonly<Record<string, OutputState>>;
  /** The latest run.explain answer; null before the first one and while a run is starting. */
  readonly explain: ExplainState | null;

  runRequested(): void;
  runStarted(runId: string): void;
  runStartFailed(message: string): void;
  applyEvent(event: PlumbEvent): void;
  setOutput(key: string, state: OutputState): void;
  setExplain(nodes: readonly ExplainEntry[] | null): void;
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

const SETTLED: ReadonlySet<NodeStatus> = new Set(['succeeded', 'cached', 'failed', 'cancelled', 'skipped']);

/**
 * What a new run starts from: the last known status of every node whose previous run settled,
 * so a node that "Run to here" leaves out keeps its result (and its stale marking).
 */
export function carryOver(nodes: Readonly<Record<string, NodeRun>>): Record<string, NodeRun> {
  const out: Record<string, NodeRun> = {};
  for (const [id, node] of Object.entries(nodes)) {
    if (!SETTLED.has(node.status)) continue;
    const { progress: _progress, ...rest } = node;
    out[id] = rest;
  }
  return out;
}

/** Nodes of the current run that came from the cache, and that actually ran. */
export function runCounts(run: RunState): { cached: number; ran: number } {
  let cached = 0;
  let ran = 0;
  for (const node of Object.values(run.nodes)) {
    if (node.runId !== run.runId) continue;
    if (node.status === 'cached') cached++;
    else if (node.status === 'succeeded' || node.status === 'failed') ran++;
  }
  return { cached, ran };
}

/** Applies one event of the current run; events of other runs leave the state as it is. */
export function reduceRunEvent(state: RunState, event: PlumbEvent): RunState {
  // The serving panel's figures belong to no run.
  if (event.event === 'serving.update') return state;
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
        runId: event.run,
        status: event.status,
        cached: event.cached,
        ...(event.ms !== undefined ? { ms: event.ms } : {}),
        ...(event.error !== undefined ? { error: event.error } : {}),
        // Outputs of an earlier run are not this run's: keep them only within one run.
        ...(event.outputs
          ? { outputs: event.outputs }
          : prev?.outputs && prev.runId === event.run
            ? { outputs: prev.outputs }
            : {}),
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
    explain: null,

    // The explain answer predates the run and would mark its fresh results stale; a new one is
    // asked for when the run ends.
    runRequested: () => set((s) => ({ run: { ...idleRun, status: 'starting', nodes: carryOver(s.run.nodes) }, explain: null })),
    runStarted: (runId) => {
      const { run } = get();
      const started: RunState = { ...run, runId, status: run.status === 'starting' ? 'running' : run.status, pending: [] };
      set({ run: run.pending.reduce(reduceRunEvent, started) });
    },
    runStartFailed: (message) =>
      set((s) => ({ run: { ...idleRun, status: 'failed', error: message, nodes: carryOver(s.run.nodes) } })),
    applyEvent: (event) => {
      const { run } = get();
      const next = reduceRunEvent(run, event);
      if (next !== run) set({ run: next });
    },
    setOutput: (key, state) => set((s) => ({ outputs: { ...s.outputs, [key]: state } })),
    setExplain: (nodes) => set({ explain: nodes ? { nodes: Object.fromEntries(nodes.map((n) => [n.node, n])) } : null }),
  };
}

import { randomUUID } from 'node:crypto';
import type { NodeStatus, OutputSummary, PlumbEvent, RunStatus } from '../../src-shared/api/contract.js';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { withDefaults } from '../../src-shared/nodes/spec.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import { formatProblem, hasErrors } from '../../src-shared/problems.js';
import type { DuckDatabase } from '../data/duckdb.js';
import type { ArtifactStore } from './artifact-store.js';
import { NodeError, runnerKey, type RunContext, type RunnerRegistry, type StoredArtifact } from './node-runner.js';

/**
 * The foundation's executor: validates, then runs nodes one at a time in topological order.
 * A failed node skips its descendants while independent branches go on. The engine issue
 * replaces this with the concurrent, cached scheduler; the event stream stays the same.
 */
export interface RunRequest {
  readonly document: PipelineDocument;
  readonly baseDir: string;
  readonly until?: string;
  readonly runId?: string;
  readonly signal?: AbortSignal;
}

export interface RunRecord {
  readonly runId: string;
  status: RunStatus;
  readonly nodes: Map<string, { status: NodeStatus; outputs: Record<string, StoredArtifact>; error?: string }>;
}

export interface EngineDeps {
  readonly catalogue: Catalogue;
  readonly runners: RunnerRegistry;
  readonly store: ArtifactStore;
  readonly duck: DuckDatabase;
  readonly emit: (event: PlumbEvent) => void;
}

export const newRunId = (): string => `run_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;

export async function runPipeline(deps: EngineDeps, req: RunRequest): Promise<RunRecord> {
  const runId = req.runId ?? newRunId();
  const record: RunRecord = { runId, status: 'running', nodes: new Map() };
  const started = performance.now();
  const { emit } = deps;
  const log = (level: 'info' | 'warn' | 'error', message: string, node?: string): void =>
    emit({ event: 'log', run: runId, node, level, message, time: Date.now() });

  const finish = (status: RunStatus, error?: string): RunRecord => {
    record.status = status;
    emit({ event: 'run', run: runId, status, ms: Math.round(performance.now() - started), ...(error ? { error } : {}) });
    return record;
  };

  emit({ event: 'run', run: runId, status: 'running' });
  const check = checkGraph(req.document, deps.catalogue);
  if (hasErrors(check.problems)) {
    const errors = check.problems.filter((p) => p.severity === 'error');
    for (const p of errors) log('error', formatProblem(p), p.nodeId);
    return finish('failed', `the pipeline has ${errors.length} problem${errors.length === 1 ? '' : 's'}; fix them first`);
  }

  const nodes = new Map(req.document.nodes.map((n) => [n.id, n]));
  const inbound = (id: string) => req.document.edges.filter((e) => e.to.node === id);
  let order = check.order;
  if (req.until) {
    if (!nodes.has(req.until)) return finish('failed', `no node "${req.until}" to run until`);
    const needed = ancestorsOf(req.until, inbound);
    order = order.filter((id) => needed.has(id));
  }

  const setStatus = (id: string, status: NodeStatus, extra: Partial<PlumbEvent & { event: 'node' }> = {}): void => {
    const rec = record.nodes.get(id) ?? { status, outputs: {} };
    rec.status = status;
    record.nodes.set(id, rec);
    emit({ event: 'node', run: runId, node: id, status, cached: false, ...extra });
  };
  for (const id of order) setStatus(id, 'queued');

  let anyFailed = false;
  for (const id of order) {
    const node = nodes.get(id)!;
    if (req.signal?.aborted) {
      setStatus(id, 'cancelled');
      continue;
    }
    const upstreamBad = inbound(id).some((e) => {
      const s = record.nodes.get(e.from.node)?.status;
      return s !== 'succeeded' && s !== 'cached';
    });
    if (upstreamBad) {
      setStatus(id, 'skipped');
      continue;
    }
    const spec = deps.catalogue.get(node.type, node.typeVersion)!;
    const run = deps.runners.get(runnerKey(node.type, node.typeVersion));
    if (!run) {
      anyFailed = true;
      setStatus(id, 'failed', { error: `no runner is registered for ${node.type}@${node.typeVersion}` });
      continue;
    }
    const inputs: Record<string, StoredArtifact> = {};
    for (const e of inbound(id)) inputs[e.to.port] = record.nodes.get(e.from.node)!.outputs[e.from.port];

    setStatus(id, 'running');
    const t0 = performance.now();
    const db = await deps.duck.session();
    const temps: string[] = [];
    const ctx: RunContext = {
      runId,
      nodeId: id,
      baseDir: req.baseDir,
      signal: req.signal ?? new AbortController().signal,
      db,
      tempPath: (ext) => {
        const p = deps.store.tempPath(ext);
        temps.push(p);
        return p;
      },
      progress: (fraction, message) =>
        emit({ event: 'progress', run: runId, node: id, progress: Math.min(1, Math.max(0, fraction)), message }),
      log: (level, message) => emit({ event: 'log', run: runId, node: id, level, message, time: Date.now() }),
    };
    try {
      const drafts = await run(ctx, inputs, withDefaults(spec, node.params));
      if (req.signal?.aborted) throw new CancelledError();
      const outputs: Record<string, StoredArtifact> = {};
      for (const port of spec.outputs) {
        const draft = drafts[port.name];
        if (!draft) throw new Error(`produced no "${port.name}" output`);
        outputs[port.name] = await deps.store.commit(draft);
      }
      record.nodes.get(id)!.outputs = outputs;
      setStatus(id, 'succeeded', { ms: Math.round(performance.now() - t0), outputs: summarize(outputs) });
    } catch (e) {
      if (e instanceof CancelledError || req.signal?.aborted) {
        setStatus(id, 'cancelled', { ms: Math.round(performance.now() - t0) });
      } else {
        anyFailed = true;
        const message = e instanceof Error ? e.message : String(e);
        record.nodes.get(id)!.error = message;
        if (!(e instanceof NodeError) && e instanceof Error && e.stack) log('error', e.stack, id);
        setStatus(id, 'failed', { ms: Math.round(performance.now() - t0), error: message });
      }
      // Nothing partial is kept: a failed or cancelled node's temp files go.
      await Promise.all(temps.map((t) => deps.store.discard(t)));
    } finally {
      db.close();
    }
  }
  if (req.signal?.aborted) return finish('cancelled');
  return finish(anyFailed ? 'failed' : 'succeeded');
}

class CancelledError extends Error {}

function ancestorsOf(id: string, inbound: (id: string) => { from: { node: string } }[]): Set<string> {
  const seen = new Set<string>([id]);
  const stack = [id];
  while (stack.length > 0) {
    for (const e of inbound(stack.pop()!)) {
      if (!seen.has(e.from.node)) {
        seen.add(e.from.node);
        stack.push(e.from.node);
      }
    }
  }
  return seen;
}

function summarize(outputs: Record<string, StoredArtifact>): OutputSummary[] {
  return Object.entries(outputs).map(([port, a]) => ({
    port,
    kind: a.kind,
    hash: a.hash,
    bytes: a.bytes,
    ...(a.rows !== undefined ? { rows: a.rows } : {}),
    ...(a.columns ? { columns: a.columns.map((c) => ({ name: c.name, type: c.type })) } : {}),
  }));
}

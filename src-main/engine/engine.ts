import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { NodeStatus, OutputSummary, PlumbEvent, RunStatus } from '../../src-shared/api/contract.js';
import type { Catalogue } from '../../src-shared/nodes/catalogue.js';
import { withDefaults, type NodeSpec } from '../../src-shared/nodes/spec.js';
import { toCanonicalJson } from '../../src-shared/pipeline/canonical.js';
import type { PipelineDocument, PipelineNode } from '../../src-shared/pipeline/document.js';
import { checkGraph } from '../../src-shared/pipeline/graph-checks.js';
import { formatProblem } from '../../src-shared/problems.js';
import { isFilePattern, matchFiles } from '../data/file-glob.js';
import type { LineageStore } from '../lineage/lineage-store.js';
import type { ArtifactRecord, CacheKeyParts, LogLine, MetricPoint, RunMode } from '../lineage/types.js';
import { sha256 } from '../util/files.js';
import { sha256File, type ArtifactStore } from './artifact-store.js';
import { cacheKeyOf, explainKeyChange } from './cache-key.js';
import { environmentInfo } from './environment.js';
import { collectGarbage } from './gc.js';
import type { ModelRegistrationRequest, ServingReply, ServingRequestHandler } from './node-runner.js';
import { applyRegistrations } from './registrations.js';
import { TaskCancelled, TaskFailed, type WorkerPool } from './worker-pool.js';

/**
 * The scheduler: validates a pipeline, then runs its nodes in dependency order, independent
 * branches at the same time (the worker pool bounds how many), reusing cached outputs, and
 * records everything in the lineage store. Run functions never see the engine: the composition
 * root hands it the catalogue, and the pool loads the runners by module URL.
 */
export interface EngineDeps {
  readonly catalogue: Catalogue;
  readonly store: ArtifactStore;
  readonly lineage: LineageStore;
  readonly pool: WorkerPool;
  readonly appVersion: string;
  /** The artifact cache's size cap; least recently used artifacts go first. */
  readonly maxCacheBytes?: number;
  /** Starts endpoints that deploy.serve nodes ask for; absent under `plumb run`, where nothing outlives the run. */
  readonly serving?: ServingRequestHandler;
}

export interface StartRequest {
  readonly document: PipelineDocument;
  /** Where the document lives: relative paths in params resolve against its folder. */
  readonly path: string | null;
  /** all: every node; until: `target` and what it needs; node: re-run `target` (forced) and what it needs. */
  readonly mode?: RunMode;
  readonly target?: string;
  /** Ignore the cache for every node that runs. */
  readonly force?: boolean;
}

export interface RunOutcome {
  readonly runId: string;
  readonly status: RunStatus;
  readonly error?: string;
}

export interface ExplainEntry {
  readonly node: string;
  readonly cacheKey: string;
  /** True when a stored result matches the node's key exactly. */
  readonly cached: boolean;
  /** Why the key differs from the node's last successful run (empty when it does not). */
  readonly reasons: readonly string[];
}

export const DEFAULT_MAX_CACHE_BYTES = 5 * 1024 ** 3;

interface NodeOutcome {
  readonly status: NodeStatus;
  readonly outputs: Readonly<Record<string, ArtifactRecord>>;
}

interface SourceFile {
  readonly param: string;
  readonly path: string;
  readonly hash: string | null;
  readonly bytes: number;
}

interface Plan {
  readonly keys: ReadonlyMap<string, { key: string; parts: CacheKeyParts }>;
  readonly files: ReadonlyMap<string, readonly SourceFile[]>;
}

interface ActiveRun {
  readonly abort: AbortController;
  readonly cancels: Set<() => void>;
  readonly done: Promise<RunOutcome>;
}

const FINAL_OK: ReadonlySet<NodeStatus> = new Set(['succeeded', 'cached']);

export class Engine {
  private readonly listeners = new Set<(e: PlumbEvent) => void>();
  private readonly active = new Map<string, ActiveRun>();

  constructor(private readonly deps: EngineDeps) {}

  onEvent(listener: (e: PlumbEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** For each node: its cache key, whether a stored result matches it, and what changed since its last run. */
  async explain(document: PipelineDocument, path: string | null): Promise<ExplainEntry[]> {
    const check = checkGraph(document, this.deps.catalogue);
    const plan = await this.plan(document, check.order, baseDirOf(path));
    return check.order.flatMap((id) => {
      const k = plan.keys.get(id);
      if (!k) return [];
      const cached = this.deps.lineage.cacheGet(k.key) !== undefined;
      const last = this.deps.lineage.lastNodeRun(document.id, id);
      return [{ node: id, cacheKey: k.key, cached, reasons: last?.cacheKey === k.key ? [] : explainKeyChange(k.parts, last?.keyParts) }];
    });
  }

  start(req: StartRequest): { runId: string; done: Promise<RunOutcome> } {
    const runId = `run_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
    const abort = new AbortController();
    const cancels = new Set<() => void>();
    const done = this.execute(runId, req, abort.signal, cancels).finally(() => this.active.delete(runId));
    this.active.set(runId, { abort, cancels, done });
    return { runId, done };
  }

  cancel(runId: string): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    run.abort.abort();
    for (const c of run.cancels) c();
    return true;
  }

  /** Starts the node workers now, so the first run does not pay for their start-up. */
  warmUp(): Promise<void> {
    return this.deps.pool.warmUp();
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  async dispose(): Promise<void> {
    for (const id of [...this.active.keys()]) this.cancel(id);
    await Promise.allSettled([...this.active.values()].map((r) => r.done));
    await this.deps.pool.dispose();
  }

  private emit(e: PlumbEvent): void {
    for (const l of this.listeners) l(e);
  }

  private async execute(runId: string, req: StartRequest, signal: AbortSignal, cancels: Set<() => void>): Promise<RunOutcome> {
    const { lineage, catalogue } = this.deps;
    // Workers start while the graph is checked and keyed, not when the first node needs one.
    this.deps.pool.warmUp().catch(() => {});
    const doc = req.document;
    const mode = req.mode ?? 'all';
    const target = req.target ?? null;
    const started = Date.now();
    const documentText = toCanonicalJson(doc);
    const baseDir = baseDirOf(req.path);
    const nodeTypes = Object.fromEntries(doc.nodes.map((n) => [n.id, { type: n.type, version: n.typeVersion }]));
    lineage.beginRun({
      runId,
      pipelineId: doc.id,
      pipelineName: doc.name,
      documentHash: sha256(documentText),
      documentText,
      documentPath: req.path ? resolve(req.path) : null,
      mode,
      target,
      force: req.force === true,
      startedAt: started,
      env: environmentInfo(this.deps.appVersion),
      nodeTypes,
      pid: process.pid,
    });
    this.emit({ event: 'run', run: runId, status: 'running' });

    const finish = (status: Exclude<RunStatus, 'running'>, error?: string): RunOutcome => {
      const endedAt = Date.now();
      lineage.finishRun(runId, { status, endedAt, ...(error ? { error } : {}) });
      this.emit({ event: 'run', run: runId, status, ms: endedAt - started, ...(error ? { error } : {}) });
      return { runId, status, ...(error ? { error } : {}) };
    };

    try {
      const check = checkGraph(doc, catalogue);
      const errors = check.problems.filter((p) => p.severity === 'error');
      if (errors.length > 0) {
        for (const p of errors) this.emit({ event: 'log', run: runId, node: p.nodeId, level: 'error', message: formatProblem(p), time: Date.now() });
        return finish('failed', `the pipeline has ${errors.length} problem${errors.length === 1 ? '' : 's'}; fix them first`);
      }
      if (mode !== 'all' && (!target || !doc.nodes.some((n) => n.id === target))) {
        return finish('failed', `no node "${target ?? ''}" to run ${mode === 'until' ? 'until' : ''}`.trim());
      }
      const upstream = upstreamMap(doc);
      const selected = mode === 'all' ? new Set(check.order) : ancestorsOf(target!, upstream);
      const order = check.order.filter((id) => selected.has(id));
      const plan = await this.plan(doc, order, baseDir);
      for (const id of order) this.emit({ event: 'node', run: runId, node: id, status: 'queued', cached: false });

      const nodes = new Map(doc.nodes.map((n) => [n.id, n]));
      const outcomes = new Map<string, Promise<NodeOutcome>>();
      for (const id of order) {
        const ups = (upstream.get(id) ?? []).filter((e) => selected.has(e.from.node));
        outcomes.set(
          id,
          Promise.all(ups.map((e) => outcomes.get(e.from.node)!)).then((upOutcomes) =>
            this.runNode({
              runId,
              node: nodes.get(id)!,
              spec: catalogue.get(nodes.get(id)!.type, nodes.get(id)!.typeVersion)!,
              upstreamOk: upOutcomes.every((o) => FINAL_OK.has(o.status)),
              inputs: Object.fromEntries(ups.map((e, i) => [e.to.port, upOutcomes[i].outputs[e.from.port]])),
              key: plan.keys.get(id)!,
              files: plan.files.get(id) ?? [],
              forced: req.force === true || (mode === 'node' && id === target),
              baseDir,
              signal,
              cancels,
            }),
          ),
        );
      }
      const results = await Promise.all(order.map((id) => outcomes.get(id)!));
      // Only new artifacts can push the cache over its cap.
      if (results.some((r) => r.status === 'succeeded')) await this.collectGarbage();
      if (signal.aborted) return finish('cancelled');
      return finish(results.every((r) => FINAL_OK.has(r.status)) ? 'succeeded' : 'failed');
    } catch (e) {
      return finish('failed', e instanceof Error ? e.message : String(e));
    }
  }

  private async runNode(args: {
    runId: string;
    node: PipelineNode;
    spec: NodeSpec;
    upstreamOk: boolean;
    inputs: Readonly<Record<string, ArtifactRecord | undefined>>;
    key: { key: string; parts: CacheKeyParts };
    files: readonly SourceFile[];
    forced: boolean;
    baseDir: string;
    signal: AbortSignal;
    cancels: Set<() => void>;
  }): Promise<NodeOutcome> {
    const { runId, node, spec, key, signal } = args;
    const { lineage, store } = this.deps;
    const params = withDefaults(spec, node.params);
    const startedAt = Date.now();
    const inputHashes: Record<string, string> = {};
    for (const [port, a] of Object.entries(args.inputs)) if (a) inputHashes[port] = a.hash;
    // A node that runs is recorded when it starts (a crash then shows it interrupted); one that
    // is cached, skipped or cancelled before starting is recorded once, in one transaction.
    let nodeRunId: number | undefined;
    const begin = (): number => {
      for (const f of args.files) {
        if (!f.hash) continue;
        lineage.putArtifact({ hash: f.hash, kind: 'file', path: f.path, bytes: f.bytes });
        inputHashes[f.param] = f.hash;
      }
      return lineage.startNodeRun({
        runId,
        nodeId: node.id,
        nodeType: node.type,
        typeVersion: node.typeVersion,
        params,
        cacheKey: key.key,
        keyParts: key.parts,
        startedAt,
      });
    };
    const end = (status: 'succeeded' | 'cached' | 'failed' | 'cancelled' | 'skipped', extra: {
      outputs?: Readonly<Record<string, ArtifactRecord>>;
      error?: { message: string; stack?: string };
      logs?: LogLine[];
      metrics?: MetricPoint[];
      registrations?: readonly ModelRegistrationRequest[];
    } = {}): NodeOutcome => {
      const endedAt = Date.now();
      const outputs = extra.outputs ?? {};
      const outputHashes = Object.fromEntries(Object.entries(outputs).map(([p, a]) => [p, a.hash]));
      let registered: ReturnType<typeof applyRegistrations> | undefined;
      lineage.batch(() => {
        const id = (nodeRunId ??= begin());
        if (status === 'succeeded') {
          for (const a of Object.values(outputs)) lineage.putArtifact(a);
          lineage.cachePut(key.key, outputHashes);
        }
        if (status === 'cached') lineage.touchArtifacts(Object.values(outputHashes));
        if (status === 'succeeded' && extra.registrations?.length) {
          // In this transaction: a refused registration fails the node and records none of its outputs.
          registered = applyRegistrations(lineage, extra.registrations, { runId, nodeRunId: id, outputs, inputs: args.inputs });
        }
        const logs = [...(extra.logs ?? []), ...(registered?.logs ?? [])];
        const metrics = [...(extra.metrics ?? []), ...(registered?.metrics ?? [])];
        if (logs.length) lineage.addLogs(id, logs);
        if (metrics.length) lineage.addMetrics(id, metrics);
        lineage.finishNodeRun(id, {
          status,
          endedAt,
          ms: endedAt - startedAt,
          cacheHit: status === 'cached',
          ...(extra.error ? { error: extra.error } : {}),
          inputs: inputHashes,
          outputs: outputHashes,
        });
      });
      for (const l of registered?.logs ?? []) this.emit({ event: 'log', run: runId, node: node.id, level: l.level, message: l.message, time: l.time });
      this.emit({
        event: 'node',
        run: runId,
        node: node.id,
        status,
        cached: status === 'cached',
        ms: endedAt - startedAt,
        ...(extra.error ? { error: extra.error.message } : {}),
        ...(Object.keys(outputs).length ? { outputs: summarize(outputs) } : {}),
      });
      return { status, outputs };
    };

    if (signal.aborted) return end('cancelled');
    if (!args.upstreamOk) return end('skipped');

    if (!args.forced && !spec.effect) {
      const hit = lineage.cacheGet(key.key);
      if (hit && spec.outputs.every((p) => hit[p.name]) && (await allIntact(store, Object.values(hit)))) {
        return end('cached', { outputs: hit });
      }
    }

    nodeRunId = lineage.batch(begin);
    this.emit({ event: 'node', run: runId, node: node.id, status: 'running', cached: false });
    const logs: LogLine[] = [];
    const metrics: MetricPoint[] = [];
    const registrations: ModelRegistrationRequest[] = [];
    const tmpDir = store.tempFolderPath();
    const handle = this.deps.pool.run(
      {
        runId,
        nodeId: node.id,
        nodeType: node.type,
        typeVersion: node.typeVersion,
        params,
        inputs: Object.fromEntries(Object.entries(args.inputs).flatMap(([p, a]) => (a ? [[p, a]] : []))),
        baseDir: args.baseDir,
        tmpDir,
      },
      (e) => {
        if (e.type === 'progress') this.emit({ event: 'progress', run: runId, node: node.id, progress: e.fraction, ...(e.message ? { message: e.message } : {}) });
        else if (e.type === 'log') {
          logs.push({ time: e.time, level: e.level, message: e.message });
          this.emit({ event: 'log', run: runId, node: node.id, level: e.level, message: e.message, time: e.time });
        } else if (e.type === 'register') registrations.push(e.request);
        else if (e.type === 'serving') void this.serve(e.request).then(e.reply);
        else metrics.push({ name: e.name, value: e.value, ...(e.step !== undefined ? { step: e.step } : {}) });
      },
    );
    args.cancels.add(handle.cancel);
    try {
      const produced = await handle.result;
      if (signal.aborted) throw new TaskCancelled();
      const outputs: Record<string, ArtifactRecord> = {};
      for (const port of spec.outputs) {
        if (!produced[port.name]) throw new TaskFailed(`produced no "${port.name}" output`, undefined, true);
        outputs[port.name] = produced[port.name];
      }
      return end('succeeded', { outputs, logs, metrics, registrations });
    } catch (e) {
      if (e instanceof TaskCancelled || signal.aborted) return end('cancelled', { logs, metrics });
      const message = e instanceof Error ? e.message : String(e);
      const stack = e instanceof TaskFailed ? (e.userFacing ? undefined : e.workerStack) : e instanceof Error ? e.stack : undefined;
      if (stack) this.emit({ event: 'log', run: runId, node: node.id, level: 'error', message: stack, time: Date.now() });
      return end('failed', { error: { message, ...(stack ? { stack } : {}) }, logs, metrics });
    } finally {
      args.cancels.delete(handle.cancel);
      // Nothing partial is kept: whatever was not committed goes with the temp folder.
      if (existsSync(tmpDir)) await store.discard(tmpDir);
    }
  }

  /** A node's serving request, answered in the main process; never rejects (the node reports the reason). */
  private async serve(request: Parameters<ServingRequestHandler>[0]): Promise<ServingReply> {
    const handler = this.deps.serving;
    if (!handler) return { served: false, reason: 'no long-lived host runs here (plumb run ends when the run does)' };
    try {
      return await handler(request);
    } catch (e) {
      return { served: false, reason: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Cache keys for the given nodes, in order (each needs its upstream keys), and their source files. */
  private async plan(doc: PipelineDocument, order: readonly string[], baseDir: string): Promise<Plan> {
    const keys = new Map<string, { key: string; parts: CacheKeyParts }>();
    const files = new Map<string, SourceFile[]>();
    const nodes = new Map(doc.nodes.map((n) => [n.id, n]));
    const upstream = upstreamMap(doc);
    for (const id of order) {
      const node = nodes.get(id)!;
      const spec = this.deps.catalogue.get(node.type, node.typeVersion);
      if (!spec) continue;
      const params = withDefaults(spec, node.params);
      const inputs: Record<string, string> = {};
      for (const e of upstream.get(id) ?? []) {
        const up = keys.get(e.from.node);
        if (up) inputs[e.to.port] = `${up.key}:${e.from.port}`;
      }
      const sourceFiles: SourceFile[] = [];
      const fileParts: Record<string, string> = {};
      for (const p of spec.params) {
        const value = params[p.name];
        if (p.kind !== 'path' || typeof value !== 'string' || value === '') continue;
        const path = resolve(baseDir, value);
        if (isFilePattern(path)) {
          // A pattern (a rotated log): every matched file is a source, and the key changes
          // when one is added, removed or changed.
          const matched = await matchFiles(path).catch(() => []);
          const hashed = await Promise.all(matched.map((f) => this.hashFile(f)));
          for (const file of hashed) sourceFiles.push({ param: `${p.name}:${basename(file.path)}`, ...file });
          fileParts[p.name] = hashed.length === 0 ? `missing:${path}` : sha256(hashed.map((f) => `${basename(f.path)}\u0000${f.hash ?? 'missing'}`).join('\n'));
          continue;
        }
        const file = await this.hashFile(path);
        sourceFiles.push({ param: p.name, ...file });
        fileParts[p.name] = file.hash ?? `missing:${file.path}`;
      }
      const parts: CacheKeyParts = { type: node.type, typeVersion: node.typeVersion, params, inputs, files: fileParts };
      keys.set(id, { key: cacheKeyOf(parts), parts });
      files.set(id, sourceFiles);
    }
    return { keys, files };
  }

  /** Content hash of a source file, remembered by (path, size, mtime) so unchanged files are not re-read. */
  private async hashFile(path: string): Promise<{ path: string; hash: string | null; bytes: number }> {
    try {
      const s = await stat(path);
      if (!s.isFile()) return { path, hash: null, bytes: 0 };
      const known = this.deps.lineage.getFileHash(path, s.size, s.mtimeMs);
      if (known) return { path, hash: known, bytes: s.size };
      const hash = await sha256File(path);
      this.deps.lineage.putFileHash(path, s.size, s.mtimeMs, hash);
      return { path, hash, bytes: s.size };
    } catch {
      return { path, hash: null, bytes: 0 };
    }
  }

  private async collectGarbage(): Promise<void> {
    try {
      await collectGarbage(this.deps.store, this.deps.lineage, { maxBytes: this.deps.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES });
    } catch (e) {
      // Eviction is housekeeping: a failure must not turn a good run into a failed one.
      this.emit({ event: 'log', run: 'gc', level: 'warn', message: `cache eviction failed: ${(e as Error).message}`, time: Date.now() });
    }
  }
}

function baseDirOf(path: string | null): string {
  return path ? dirname(resolve(path)) : process.cwd();
}

function upstreamMap(doc: PipelineDocument): Map<string, PipelineDocument['edges']> {
  const map = new Map<string, PipelineDocument['edges']>();
  for (const e of doc.edges) map.set(e.to.node, [...(map.get(e.to.node) ?? []), e]);
  return map;
}

function ancestorsOf(id: string, upstream: ReadonlyMap<string, PipelineDocument['edges']>): Set<string> {
  const seen = new Set<string>([id]);
  const stack = [id];
  while (stack.length > 0) {
    for (const e of upstream.get(stack.pop()!) ?? []) {
      if (!seen.has(e.from.node)) {
        seen.add(e.from.node);
        stack.push(e.from.node);
      }
    }
  }
  return seen;
}

async function allIntact(store: ArtifactStore, artifacts: readonly ArtifactRecord[]): Promise<boolean> {
  return (await Promise.all(artifacts.map((a) => store.intact(a)))).every(Boolean);
}

export function summarize(outputs: Readonly<Record<string, ArtifactRecord>>): OutputSummary[] {
  return Object.entries(outputs).map(([port, a]) => ({
    port,
    kind: a.kind === 'file' ? 'table' : a.kind,
    hash: a.hash,
    bytes: a.bytes,
    ...(a.rows !== undefined ? { rows: a.rows } : {}),
    ...(a.columns ? { columns: a.columns.map((c) => ({ name: c.name, type: c.type })) } : {}),
  }));
}

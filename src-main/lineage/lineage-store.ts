import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { NodeStatus, RunStatus } from '../../src-shared/api/contract.js';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import { ModelRegistryTables, osUserName } from './model-registry.js';
import { SCHEMA_VERSION, migrations } from './schema.js';
import { ServingEventsTable, type ServingEvent } from './serving-events.js';
import type {
  ArtifactKind,
  ArtifactRecord,
  CacheKeyParts,
  EnvironmentInfo,
  ExperimentRow,
  LastNodeRun,
  LineageResult,
  LineageStep,
  LogLine,
  MetricPoint,
  ModelDetail,
  ModelInfo,
  ModelRegistration,
  ModelStage,
  NodeRunDetail,
  NodeRunFinish,
  NodeRunStart,
  RunDetail,
  RunFinish,
  RunMode,
  RunStart,
  RunSummary,
  RegistrationResult,
  StageChange,
  StoredArtifactRow,
  ArtifactMeta,
} from './types.js';

/** A lineage walk stops after this many node-run steps (per direction) and says it was cut. */
export const LINEAGE_STEP_CAP = 10_000;
/** Run ids may be given by a unique prefix of at least this many characters. */
export const MIN_RUN_PREFIX = 6;
/** Artifact hashes may be given by a unique hex prefix of at least this many characters. */
export const MIN_HASH_PREFIX = 8;

export interface LineageStoreOptions {
  /** Whether the process that recorded a 'running' run still exists. Default: `kill(pid, 0)`. */
  readonly isProcessAlive?: (pid: number) => boolean;
  /** The clock, for tests. Default: `Date.now`. */
  readonly now?: () => number;
  /** Who the registry's audit trail names for a stage change. Default: the OS user. */
  readonly user?: () => string;
}

/** An id or prefix that names more than one run or artifact, or something that is not there. */
export class LineageLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineageLookupError';
  }
}

// ---- Row types: what each statement returns, declared once and given to `prepare`. ----

interface ArtifactRow {
  hash: string;
  kind: ArtifactKind;
  path: string;
  bytes: number;
  rows: number | null;
  columns_json: string | null;
  meta_json: string | null;
}
interface PortArtifactRow extends ArtifactRow {
  node_run_id: number;
  port: string;
}
interface StoredArtifactDbRow extends ArtifactRow {
  created_at: number;
  last_used_at: number;
  pinned: number;
}
interface CacheEntryRow extends ArtifactRow {
  port: string;
  evicted_at: number | null;
}
interface RunSummaryRow {
  id: string;
  pipeline_id: string;
  pipeline_name: string;
  document_hash: string;
  status: RunStatus;
  mode: RunMode;
  target: string | null;
  started_at: number;
  ended_at: number | null;
  ms: number | null;
  error: string | null;
  nodes: number;
  cached: number;
  failed: number;
}
interface RunDetailRow extends RunSummaryRow {
  document_path: string | null;
  force: number;
  env_json: string;
  node_types_json: string;
}
interface NodeRunRow {
  id: number;
  node_id: string;
  node_type: string;
  type_version: number;
  status: NodeStatus;
  cache_hit: number;
  cache_key: string;
  started_at: number;
  ended_at: number | null;
  ms: number | null;
  error_message: string | null;
  error_stack: string | null;
  metric_source: number;
}
interface ParamRow {
  node_run_id: number;
  name: string;
  value_json: string;
}
interface MetricRow {
  node_run_id: number;
  name: string;
  value: number | null;
  step: number | null;
}
interface LogRow {
  node_run_id: number;
  time: number;
  level: LogLine['level'];
  message: string;
}
interface StepRow {
  id: number;
  run_id: string;
  node_id: string;
  node_type: string;
}
interface LastNodeRunRow {
  cache_key: string;
  key_parts_json: string;
  run_id: string;
}
interface ExperimentDbRow {
  id: string;
  status: RunStatus;
  started_at: number;
  params_json: string;
  metrics_json: string;
}
interface IdRow {
  id: string;
}
interface HashRow {
  hash: string;
}
interface RunningRow {
  id: string;
  pid: number;
}

/**
 * The lineage store (DESIGN.md section 7): runs, node runs, artifacts and the edges between them,
 * params, metrics, the cache index, file hashes and the model registry, in one SQLite file.
 *
 * Every write is its own short transaction on statements prepared once, so a crash loses at most
 * the write in flight. The store checks itself on open, refuses a store written by a newer Plumb,
 * and marks runs whose process died as interrupted.
 */
export class LineageStore {
  readonly path: string;
  /** Run ids this open marked 'interrupted' because their process was gone. */
  readonly interruptedAtOpen: string[];

  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly s: ReturnType<typeof prepareStatements>;
  private readonly registry: ModelRegistryTables;
  private readonly serving: ServingEventsTable;
  private closed = false;

  private constructor(path: string, db: Database.Database, now: () => number, user: () => string, interrupted: string[]) {
    this.path = path;
    this.db = db;
    this.now = now;
    this.s = prepareStatements(db);
    this.registry = new ModelRegistryTables(db, now, user);
    this.serving = new ServingEventsTable(db);
    this.interruptedAtOpen = interrupted;
  }

  static open(file: string, opts: LineageStoreOptions = {}): LineageStore {
    const path = resolve(file);
    const now = opts.now ?? Date.now;
    const isAlive = opts.isProcessAlive ?? defaultIsProcessAlive;
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      db.pragma('busy_timeout = 5000');
      checkIntegrity(db, path);
      // Read the version before anything writes: a newer store is refused untouched.
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(
          `${path} was written by a newer Plumb (lineage schema version ${version}; this Plumb knows up to ${SCHEMA_VERSION}). ` +
            'Update Plumb to use this store; it was not modified.',
        );
      }
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, version);
      const interrupted = markInterrupted(db, now(), (pid) => pid === process.pid || (pid > 0 && isAlive(pid)));
      return new LineageStore(path, db, now, opts.user ?? osUserName, interrupted);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- runs and node runs

  beginRun(r: RunStart): void {
    const s = this.s;
    const now = this.now();
    this.tx(() => {
      s.upsertPipeline.run({ id: r.pipelineId, name: r.pipelineName, now });
      s.upsertDocument.run({ hash: r.documentHash, pipelineId: r.pipelineId, path: r.documentPath, text: r.documentText, now });
      s.insertRun.run({
        id: r.runId,
        pipelineId: r.pipelineId,
        documentHash: r.documentHash,
        mode: r.mode,
        target: r.target,
        force: r.force ? 1 : 0,
        startedAt: Math.round(r.startedAt),
        pid: r.pid,
        appVersion: r.env.app,
        envJson: JSON.stringify(r.env),
        nodeTypesJson: JSON.stringify(r.nodeTypes),
      });
    });
  }

  finishRun(runId: string, r: RunFinish): void {
    const changed = this.s.finishRun.run({ id: runId, status: r.status, endedAt: Math.round(r.endedAt), error: r.error ?? null }).changes;
    if (changed === 0) throw new LineageLookupError(`finishRun: no run ${runId} in the lineage store`);
  }

  /** Records a node run as 'running' with its params; returns its id for the later calls. */
  startNodeRun(r: NodeRunStart): number {
    const s = this.s;
    return this.tx(() => {
      const id = Number(
        s.insertNodeRun.run({
          runId: r.runId,
          nodeId: r.nodeId,
          nodeType: r.nodeType,
          typeVersion: r.typeVersion,
          cacheKey: r.cacheKey,
          keyPartsJson: JSON.stringify(r.keyParts),
          startedAt: Math.round(r.startedAt),
        }).lastInsertRowid,
      );
      for (const [name, value] of Object.entries(r.params)) {
        if (value === undefined) continue;
        s.insertParam.run(id, name, JSON.stringify(value));
      }
      return id;
    });
  }

  /**
   * Records how a node run ended and which artifacts it read and wrote (they must already be in
   * the store: call `putArtifact` first). Reading or writing an artifact counts as using it.
   */
  finishNodeRun(nodeRunId: number, r: NodeRunFinish): void {
    const s = this.s;
    const endedAt = Math.round(r.endedAt);
    const edges = [
      ...Object.entries(r.inputs).map(([port, hash]) => ({ port, hash, insert: s.insertInput, what: 'input' })),
      ...Object.entries(r.outputs).map(([port, hash]) => ({ port, hash, insert: s.insertOutput, what: 'output' })),
    ];
    this.tx(() => {
      if (!s.nodeRunExists.get(nodeRunId)) throw new LineageLookupError(`finishNodeRun: no node run ${nodeRunId} in the lineage store`);
      for (const e of edges) {
        if (!s.artifactExists.get(e.hash)) {
          throw new LineageLookupError(`finishNodeRun: artifact ${e.hash} (${e.what} ${e.port}) is not in the lineage store; call putArtifact first`);
        }
      }
      s.finishNodeRun.run({
        id: nodeRunId,
        status: r.status,
        cacheHit: r.cacheHit ? 1 : 0,
        endedAt,
        ms: r.ms,
        errorMessage: r.error?.message ?? null,
        errorStack: r.error?.stack ?? null,
      });
      for (const e of edges) {
        e.insert.run(nodeRunId, e.port, e.hash);
        s.touchArtifact.run(endedAt, e.hash);
      }
    });
  }

  addLogs(nodeRunId: number, lines: readonly LogLine[]): void {
    if (lines.length === 0) return;
    const s = this.s;
    this.tx(() => {
      for (const l of lines) s.insertLog.run(nodeRunId, Math.round(l.time), l.level, l.message);
    });
  }

  addMetrics(nodeRunId: number, points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    for (const p of points) {
      if (p.step !== undefined && !Number.isInteger(p.step)) {
        throw new RangeError(`metric ${p.name}: step must be an integer (epoch, iteration or index), got ${p.step}`);
      }
    }
    const s = this.s;
    this.tx(() => {
      // NaN is stored as NULL by SQLite; it is read back as NaN.
      for (const p of points) s.insertMetric.run(nodeRunId, p.name, Number.isNaN(p.value) ? null : p.value, p.step ?? null);
    });
  }

  // ---------------------------------------------------------------- artifacts and cache

  /** Inserts an artifact, or marks an existing one used now, not evicted, at this path. */
  putArtifact(a: ArtifactRecord): void {
    const now = this.now();
    this.s.upsertArtifact.run({
      hash: a.hash,
      kind: a.kind,
      path: a.path,
      bytes: a.bytes,
      rows: a.rows ?? null,
      columnsJson: a.columns ? JSON.stringify(a.columns) : null,
      metaJson: a.meta ? JSON.stringify(a.meta) : null,
      now,
    });
  }

  /** An artifact by its hash or a unique prefix of at least 8 hex characters. */
  getArtifact(hashOrPrefix: string): ArtifactRecord | undefined {
    const exact = this.s.getArtifact.get(hashOrPrefix);
    if (exact) return toArtifact(exact);
    const hex = hashOrPrefix.toLowerCase();
    if (!new RegExp(`^[0-9a-f]{${MIN_HASH_PREFIX},}$`).test(hex)) return undefined;
    const hash = uniquePrefixMatch(this.s.artifactsFrom.all(hex), hex, 'artifact');
    return hash === undefined ? undefined : toArtifact(this.s.getArtifact.get(hash)!);
  }

  touchArtifacts(hashes: readonly string[]): void {
    if (hashes.length === 0) return;
    const s = this.s;
    const now = this.now();
    this.tx(() => {
      for (const h of hashes) s.touchArtifact.run(now, h);
    });
  }

  /** The artifacts stored under a cache key, by output port; undefined when any was evicted. */
  cacheGet(cacheKey: string): Record<string, ArtifactRecord> | undefined {
    const rows = this.s.cacheGet.all(cacheKey);
    if (rows.length === 0 || rows.some((r) => r.evicted_at !== null)) return undefined;
    const out: Record<string, ArtifactRecord> = {};
    for (const r of rows) out[r.port] = toArtifact(r);
    return out;
  }

  /** Stores (or replaces) the outputs of a cache key: output port -> artifact hash. */
  cachePut(cacheKey: string, outputs: Readonly<Record<string, string>>): void {
    const s = this.s;
    const now = this.now();
    this.tx(() => {
      for (const [port, hash] of Object.entries(outputs)) {
        if (!s.artifactExists.get(hash)) {
          throw new LineageLookupError(`cachePut: artifact ${hash} (output ${port}) is not in the lineage store; call putArtifact first`);
        }
      }
      s.cacheDelete.run(cacheKey);
      for (const [port, hash] of Object.entries(outputs)) s.cacheInsert.run(cacheKey, port, hash, now);
    });
  }

  /** The latest node run of a node in a pipeline that succeeded or was cached. */
  lastNodeRun(pipelineId: string, nodeId: string): LastNodeRun | undefined {
    const row = this.s.lastNodeRun.get(nodeId, pipelineId);
    if (!row) return undefined;
    return { cacheKey: row.cache_key, keyParts: JSON.parse(row.key_parts_json) as CacheKeyParts, runId: row.run_id };
  }

  // ---------------------------------------------------------------- file hashes

  /** The content hash recorded for a file, if its size and mtime are still the recorded ones. */
  getFileHash(path: string, size: number, mtimeMs: number): string | undefined {
    return this.s.getFileHash.get(path, size, mtimeMs)?.hash;
  }

  putFileHash(path: string, size: number, mtimeMs: number, hash: string): void {
    this.s.putFileHash.run(path, size, mtimeMs, hash);
  }

  // ---------------------------------------------------------------- queries

  /** Runs, newest first. */
  listRuns(q: { pipelineId?: string; limit?: number } = {}): RunSummary[] {
    const limit = q.limit ?? 50;
    const rows = q.pipelineId === undefined ? this.s.listRuns.all(limit) : this.s.listRunsOfPipeline.all(q.pipelineId, limit);
    return rows.map(toRunSummary);
  }

  /**
   * A run with its node runs in start order. `runId` may be a unique prefix of at least
   * MIN_RUN_PREFIX characters; a prefix that matches several runs throws LineageLookupError.
   *
   * A cache-hit node run that recorded no metrics of its own shows those of the node run that
   * computed its outputs (the latest non-cached run of the same cache key before it).
   */
  getRun(runId: string): RunDetail | undefined {
    const id = this.resolveRunId(runId);
    if (id === undefined) return undefined;
    const s = this.s;
    const run = s.getRun.get(id);
    if (!run) return undefined;
    const nodeRuns = s.nodeRunsOfRun.all(id);
    const params = groupBy(s.paramsOfRun.all(id));
    const inputs = groupBy(s.inputsOfRun.all(id));
    const outputs = groupBy(s.outputsOfRun.all(id));
    const logs = groupBy(s.logsOfRun.all(id));
    const metrics = groupBy(s.metricsOfRun.all(id));
    for (const n of nodeRuns) {
      if (n.metric_source !== n.id && !metrics.has(n.id) && !metrics.has(n.metric_source)) {
        metrics.set(n.metric_source, s.metricsOfNodeRun.all(n.metric_source));
      }
    }
    const details: NodeRunDetail[] = nodeRuns.map((n) => ({
      nodeRunId: n.id,
      nodeId: n.node_id,
      nodeType: n.node_type,
      typeVersion: n.type_version,
      status: n.status,
      cacheHit: n.cache_hit === 1,
      cacheKey: n.cache_key,
      startedAt: n.started_at,
      endedAt: n.ended_at,
      ms: n.ms,
      params: Object.fromEntries((params.get(n.id) ?? []).map((p) => [p.name, JSON.parse(p.value_json) as unknown])),
      error: n.error_message === null ? null : { message: n.error_message, stack: n.error_stack },
      inputs: (inputs.get(n.id) ?? []).map(toPortArtifact),
      outputs: (outputs.get(n.id) ?? []).map(toPortArtifact),
      metrics: (metrics.get(n.id) ?? metrics.get(n.metric_source) ?? []).map(toMetric),
      logs: (logs.get(n.id) ?? []).map((l) => ({ time: l.time, level: l.level, message: l.message })),
    }));
    return {
      ...toRunSummary(run),
      documentPath: run.document_path,
      force: run.force === 1,
      env: JSON.parse(run.env_json) as EnvironmentInfo,
      nodeTypes: JSON.parse(run.node_types_json) as RunDetail['nodeTypes'],
      nodeRuns: details,
    };
  }

  /**
   * Upstream and downstream of a run or an artifact (a full hash or a unique hex prefix of at
   * least MIN_HASH_PREFIX characters; runs by id or a unique prefix of MIN_RUN_PREFIX).
   *
   * The producer of an artifact is the earliest node run that wrote it without a cache hit: a
   * cache hit re-uses artifacts, it does not make them. Upstream walks producers and their inputs
   * back to source files (`file` artifacts, which have no producer); downstream walks the
   * succeeded, non-cached node runs that read an artifact and then the readers of their outputs.
   * Both are breadth first (nearest first), visit each node run once, and stop at
   * LINEAGE_STEP_CAP steps each (`truncated` says so).
   *
   * For a run, the walks start from its node runs' outputs (upstream also from their inputs, so a
   * run that failed before writing anything still shows what it read from); its own node runs,
   * listed upstream as the producers of its outputs, are not repeated downstream.
   */
  lineage(subject: string): LineageResult | undefined {
    const found = this.resolveSubject(subject);
    if (!found) return undefined;
    const s = this.s;
    let upSeeds: string[];
    let downSeeds: string[];
    if (found.kind === 'artifact') {
      upSeeds = [found.artifact.hash];
      downSeeds = [found.artifact.hash];
    } else {
      const outs = s.outputsOfRun.all(found.runId).map((r) => r.hash);
      const ins = s.inputsOfRun.all(found.runId).map((r) => r.hash);
      upSeeds = unique([...outs, ...ins]);
      downSeeds = unique(outs);
    }
    const up = this.walk(upSeeds, 'up', new Set());
    // For a run, its own steps are already upstream (they produced its outputs): not repeated.
    const down = this.walk(downSeeds, 'down', found.kind === 'run' ? new Set(up.steps.map((st) => st.nodeRunId)) : new Set());
    return {
      subject: found.kind === 'run' ? { kind: 'run', runId: found.runId } : { kind: 'artifact', artifact: found.artifact },
      upstream: up.steps,
      downstream: down.steps,
      truncated: up.truncated || down.truncated,
    };
  }

  /**
   * One row per run of a pipeline (the newest `limit`, newest first): params as `nodeId.param`
   * and scalar metrics as `nodeId.metric`, from the latest node run of each node in the run. A
   * cache-hit node run contributes the metrics of the node run that computed its outputs.
   */
  experiments(pipelineId: string, limit = 500): ExperimentRow[] {
    // SQLite builds each run's two objects (json_group_object) so only one row per run crosses
    // into JavaScript; NaN metrics were stored as NULL and come back as null.
    return this.s.experiments.all({ pipelineId, limit }).map((r) => {
      const metrics = JSON.parse(r.metrics_json) as Record<string, number | null>;
      for (const k in metrics) metrics[k] ??= Number.NaN;
      return {
        runId: r.id,
        status: r.status,
        startedAt: r.started_at,
        params: JSON.parse(r.params_json) as Record<string, unknown>,
        metrics: metrics as Record<string, number>,
      };
    });
  }

  /**
   * The rows of `experiments` with each run's pipeline, for one pipeline or (without one) every
   * pipeline: the charts panel's table.
   */
  experimentsAcross(q: { pipelineId?: string; limit?: number } = {}): (ExperimentRow & { pipelineId: string; pipelineName: string })[] {
    const limit = q.limit ?? 500;
    const rows = q.pipelineId === undefined ? this.s.experimentsAll.all({ limit }) : this.s.experimentsOfPipeline.all({ pipelineId: q.pipelineId, limit });
    return rows.map((r) => {
      const metrics = JSON.parse(r.metrics_json) as Record<string, number | null>;
      for (const k in metrics) metrics[k] ??= Number.NaN;
      return {
        runId: r.id,
        pipelineId: r.pipeline_id,
        pipelineName: r.pipeline_name,
        status: r.status,
        startedAt: r.started_at,
        params: JSON.parse(r.params_json) as Record<string, unknown>,
        metrics: metrics as Record<string, number>,
      };
    });
  }

  // ---------------------------------------------------------------- gc support

  /** Evictable artifacts (not source files, not already evicted), least recently used first. */
  artifactsByLastUse(): StoredArtifactRow[] {
    return this.s.artifactsByLastUse.all().map((r) => ({
      ...toArtifact(r),
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      pinned: r.pinned === 1,
    }));
  }

  /** Records that an artifact's file was deleted. A pinned (registered model) artifact is refused. */
  markEvicted(hash: string): void {
    if (this.s.isPinned.get(hash, hash)) {
      throw new LineageLookupError(`artifact ${hash} belongs to a registered model version: it is never evicted`);
    }
    this.s.markEvicted.run(this.now(), hash);
  }

  // ---------------------------------------------------------------- model registry

  /**
   * Registers a model artifact (and its ONNX export) as the next version of the named model, or
   * returns the version the same artifacts already have under that name. See ModelRegistryTables.
   */
  registerModelVersion(r: ModelRegistration): RegistrationResult {
    return this.registry.register(r);
  }

  /** Moves a model version to a stage with a required comment; a new production version archives the previous one. */
  setStage(name: string, version: number, stage: ModelStage, comment: string): StageChange {
    return this.registry.setStage(name, version, stage, comment);
  }

  /** Every model with its versions, by name. */
  listModels(): ModelInfo[] {
    return this.registry.list();
  }

  /** A model with its versions and its audit trail of stage changes. */
  getModel(name: string): ModelDetail | undefined {
    return this.registry.get(name);
  }

  /** Records a serving endpoint's routing change (src-main/serving). */
  recordServingEvent(e: ServingEvent): void {
    this.serving.record(e);
  }

  /** A model's serving routing changes, newest first. */
  servingEvents(model: string, limit = 50): ServingEvent[] {
    return this.serving.list(model, limit);
  }

  /**
   * Runs `fn` (a series of this store's calls) in one transaction: all of it is written or none.
   * For bulk imports and benchmarks; the engine writes call by call.
   */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  dispose(): void {
    this.close();
  }

  // ---------------------------------------------------------------- internals

  /**
   * Runs `fn` as one transaction, or as part of the caller's (`batch`) without a savepoint of its
   * own: the writes check their inputs before writing, so a refused call writes nothing.
   */
  private tx<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn)();
  }

  private resolveRunId(idOrPrefix: string): string | undefined {
    if (this.s.runExists.get(idOrPrefix)) return idOrPrefix;
    if (idOrPrefix.length < MIN_RUN_PREFIX) return undefined;
    return uniquePrefixMatch(this.s.runsFrom.all(idOrPrefix), idOrPrefix, 'run');
  }

  private resolveSubject(subject: string): { kind: 'run'; runId: string } | { kind: 'artifact'; artifact: ArtifactRecord } | undefined {
    const artifactOf = (hash: string): ArtifactRecord => toArtifact(this.s.getArtifact.get(hash)!);
    if (this.s.runExists.get(subject)) return { kind: 'run', runId: subject };
    if (this.s.artifactExists.get(subject)) return { kind: 'artifact', artifact: artifactOf(subject) };
    const runId = subject.length >= MIN_RUN_PREFIX ? this.resolveRunId(subject) : undefined;
    const hex = subject.toLowerCase();
    const hash =
      new RegExp(`^[0-9a-f]{${MIN_HASH_PREFIX},}$`).test(hex) ? uniquePrefixMatch(this.s.artifactsFrom.all(hex), hex, 'artifact') : undefined;
    if (runId !== undefined && hash !== undefined) {
      throw new LineageLookupError(`"${subject}" is the start of both run ${runId} and artifact ${hash}; give more characters`);
    }
    if (runId !== undefined) return { kind: 'run', runId };
    if (hash !== undefined) return { kind: 'artifact', artifact: artifactOf(hash) };
    return undefined;
  }

  private walk(seeds: readonly string[], direction: 'up' | 'down', skipSteps: Set<number>): { steps: LineageStep[]; truncated: boolean } {
    const s = this.s;
    const seenArtifacts = new Set<string>();
    const seenSteps = new Set<number>(skipSteps);
    const steps: LineageStep[] = [];
    const queue = [...seeds];
    for (let i = 0; i < queue.length; i++) {
      const hash = queue[i];
      if (seenArtifacts.has(hash)) continue;
      seenArtifacts.add(hash);
      const next: StepRow[] = [];
      if (direction === 'up') {
        const producer = s.producerOf.get(hash) ?? s.anyWriterOf.get(hash);
        if (producer) next.push(producer);
      } else {
        next.push(...s.readersOf.all(hash));
      }
      for (const n of next) {
        if (seenSteps.has(n.id)) continue;
        if (steps.length >= LINEAGE_STEP_CAP) return { steps, truncated: true };
        seenSteps.add(n.id);
        const step: LineageStep = {
          runId: n.run_id,
          nodeRunId: n.id,
          nodeId: n.node_id,
          nodeType: n.node_type,
          inputs: s.inputsOfNodeRun.all(n.id).map(toPortArtifact),
          outputs: s.outputsOfNodeRun.all(n.id).map(toPortArtifact),
        };
        steps.push(step);
        for (const a of direction === 'up' ? step.inputs : step.outputs) queue.push(a.hash);
      }
    }
    return { steps, truncated: false };
  }
}

// ---------------------------------------------------------------- opening

function defaultIsProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function damaged(path: string, problem: string): Error {
  return new Error(
    `The lineage store ${path} is damaged: "${problem}". ` +
      `Move the file aside (with its -wal and -shm files, if any) to start a fresh store; the artifacts are kept.`,
  );
}

function checkIntegrity(db: Database.Database, path: string): void {
  let result: unknown;
  try {
    result = db.pragma('integrity_check', { simple: true });
  } catch (e) {
    // Not a SQLite database at all (SQLITE_NOTADB), or too damaged to be read (SQLITE_CORRUPT).
    throw damaged(path, e instanceof Error ? e.message : String(e));
  }
  if (result !== 'ok') throw damaged(path, String(result).split('\n')[0]);
}

function migrate(db: Database.Database, from: number): void {
  for (let v = from; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      // PRAGMA takes no bound parameters; the value is our own loop counter, never user input.
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

function markInterrupted(db: Database.Database, now: number, isAlive: (pid: number) => boolean): string[] {
  const running = db.prepare<[], RunningRow>(`SELECT id, pid FROM runs WHERE status = 'running'`).all();
  const dead = running.filter((r) => !isAlive(r.pid)).map((r) => r.id);
  if (dead.length === 0) return [];
  const markRun = db.prepare<[number, string]>(
    `UPDATE runs SET status = 'interrupted', ended_at = ?, error = 'interrupted: the process stopped during the run'
     WHERE id = ? AND status = 'running'`,
  );
  const markNodes = db.prepare<[number, string]>(
    `UPDATE node_runs SET status = 'cancelled', ended_at = ?, error_message = 'interrupted'
     WHERE run_id = ? AND status IN ('running', 'queued')`,
  );
  db.transaction(() => {
    for (const id of dead) {
      markRun.run(now, id);
      markNodes.run(now, id);
    }
  })();
  return dead;
}

// ---------------------------------------------------------------- statements

const NODE_RUN_STEP = `n.id, n.run_id, n.node_id, n.node_type`;
const ARTIFACT_COLS = `a.hash, a.kind, a.path, a.bytes, a.rows, a.columns_json, a.meta_json`;
/** Per run: its pipeline's name and its node counts. */
const RUN_SUMMARY_COLS = `
  r.id, r.pipeline_id, p.name AS pipeline_name, r.document_hash, r.status, r.mode, r.target,
  r.started_at, r.ended_at, r.ms, r.error,
  (SELECT count(*) FROM node_runs n WHERE n.run_id = r.id) AS nodes,
  (SELECT count(*) FROM node_runs n WHERE n.run_id = r.id AND n.cache_hit = 1) AS cached,
  (SELECT count(*) FROM node_runs n WHERE n.run_id = r.id AND n.status = 'failed') AS failed`;
/** For a cache hit, the node run that computed its outputs: the latest non-cached one before it. */
const METRIC_SOURCE = `CASE WHEN n.cache_hit = 1 THEN coalesce(
    (SELECT c.id FROM node_runs c WHERE c.cache_key = n.cache_key AND c.cache_hit = 0 AND c.status = 'succeeded' AND c.id < n.id
     ORDER BY c.id DESC LIMIT 1), n.id) ELSE n.id END`;
/** The latest node run `n` of its node in run `r` (a re-run node keeps only its last run). */
const LATEST_IN_RUN = `n.run_id = r.id AND n.id = (SELECT max(n2.id) FROM node_runs n2 WHERE n2.run_id = r.id AND n2.node_id = n.node_id)`;

/** The experiments query with each run's pipeline (id and name), for the charts panel. */
const EXPERIMENT_COLS = `SELECT r.id, r.status, r.started_at, r.pipeline_id, p.name AS pipeline_name,
    (SELECT json_group_object(n.node_id || '.' || pa.name, json(pa.value_json))
       FROM node_runs n JOIN params pa ON pa.node_run_id = n.id WHERE ${LATEST_IN_RUN}) AS params_json,
    (SELECT json_group_object(n.node_id || '.' || m.name, m.value)
       FROM node_runs n JOIN metrics m ON m.node_run_id = ${METRIC_SOURCE} AND m.step IS NULL WHERE ${LATEST_IN_RUN}) AS metrics_json
  FROM runs r JOIN pipelines p ON p.id = r.pipeline_id`;
interface PipelineCols {
  pipeline_id: string;
  pipeline_name: string;
}

function prepareStatements(db: Database.Database) {
  return {
    // writes
    upsertPipeline: db.prepare<{ id: string; name: string; now: number }>(
      `INSERT INTO pipelines (id, name, first_seen, last_seen) VALUES (@id, @name, @now, @now)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen`,
    ),
    // The first path a document was seen at is kept (filled in if it was unsaved then).
    upsertDocument: db.prepare<{ hash: string; pipelineId: string; path: string | null; text: string; now: number }>(
      `INSERT INTO document_versions (hash, pipeline_id, path, text, created_at) VALUES (@hash, @pipelineId, @path, @text, @now)
       ON CONFLICT (hash) DO UPDATE SET path = coalesce(document_versions.path, excluded.path)`,
    ),
    insertRun: db.prepare<{
      id: string;
      pipelineId: string;
      documentHash: string;
      mode: RunMode;
      target: string | null;
      force: number;
      startedAt: number;
      pid: number;
      appVersion: string;
      envJson: string;
      nodeTypesJson: string;
    }>(
      `INSERT INTO runs (id, pipeline_id, document_hash, status, mode, target, force, started_at, pid, app_version, env_json, node_types_json)
       VALUES (@id, @pipelineId, @documentHash, 'running', @mode, @target, @force, @startedAt, @pid, @appVersion, @envJson, @nodeTypesJson)`,
    ),
    finishRun: db.prepare<{ id: string; status: string; endedAt: number; error: string | null }>(
      `UPDATE runs SET status = @status, ended_at = @endedAt, ms = @endedAt - started_at, error = @error WHERE id = @id`,
    ),
    insertNodeRun: db.prepare<{
      runId: string;
      nodeId: string;
      nodeType: string;
      typeVersion: number;
      cacheKey: string;
      keyPartsJson: string;
      startedAt: number;
    }>(
      `INSERT INTO node_runs (run_id, node_id, node_type, type_version, status, cache_hit, cache_key, key_parts_json, started_at)
       VALUES (@runId, @nodeId, @nodeType, @typeVersion, 'running', 0, @cacheKey, @keyPartsJson, @startedAt)`,
    ),
    insertParam: db.prepare<[number, string, string]>(`INSERT OR REPLACE INTO params (node_run_id, name, value_json) VALUES (?, ?, ?)`),
    finishNodeRun: db.prepare<{
      id: number;
      status: string;
      cacheHit: number;
      endedAt: number;
      ms: number;
      errorMessage: string | null;
      errorStack: string | null;
    }>(
      `UPDATE node_runs SET status = @status, cache_hit = @cacheHit, ended_at = @endedAt, ms = @ms,
         error_message = @errorMessage, error_stack = @errorStack
       WHERE id = @id`,
    ),
    insertInput: db.prepare<[number, string, string]>(`INSERT OR REPLACE INTO node_run_inputs (node_run_id, port, artifact_hash) VALUES (?, ?, ?)`),
    insertOutput: db.prepare<[number, string, string]>(`INSERT OR REPLACE INTO node_run_outputs (node_run_id, port, artifact_hash) VALUES (?, ?, ?)`),
    insertLog: db.prepare<[number, number, string, string]>(`INSERT INTO node_run_logs (node_run_id, time, level, message) VALUES (?, ?, ?, ?)`),
    insertMetric: db.prepare<[number, string, number | null, number | null]>(`INSERT INTO metrics (node_run_id, name, value, step) VALUES (?, ?, ?, ?)`),
    upsertArtifact: db.prepare<{
      hash: string;
      kind: ArtifactKind;
      path: string;
      bytes: number;
      rows: number | null;
      columnsJson: string | null;
      metaJson: string | null;
      now: number;
    }>(
      `INSERT INTO artifacts (hash, kind, path, bytes, rows, columns_json, meta_json, created_at, last_used_at, evicted_at)
       VALUES (@hash, @kind, @path, @bytes, @rows, @columnsJson, @metaJson, @now, @now, NULL)
       ON CONFLICT (hash) DO UPDATE SET last_used_at = excluded.last_used_at, evicted_at = NULL, path = excluded.path,
         rows = coalesce(excluded.rows, artifacts.rows), columns_json = coalesce(excluded.columns_json, artifacts.columns_json),
         meta_json = coalesce(excluded.meta_json, artifacts.meta_json)`,
    ),
    touchArtifact: db.prepare<[number, string]>(`UPDATE artifacts SET last_used_at = max(last_used_at, ?) WHERE hash = ?`),
    artifactExists: db.prepare<[string], { one: number }>(`SELECT 1 AS one FROM artifacts WHERE hash = ?`),
    getArtifact: db.prepare<[string], ArtifactRow>(`SELECT ${ARTIFACT_COLS} FROM artifacts a WHERE a.hash = ?`),
    artifactsFrom: db.prepare<[string], HashRow>(`SELECT hash FROM artifacts WHERE hash >= ? ORDER BY hash LIMIT 2`),

    // cache and files
    cacheGet: db.prepare<[string], CacheEntryRow>(
      `SELECT ce.port, ${ARTIFACT_COLS}, a.evicted_at FROM cache_entries ce JOIN artifacts a ON a.hash = ce.artifact_hash
       WHERE ce.cache_key = ? ORDER BY ce.port`,
    ),
    cacheDelete: db.prepare<[string]>(`DELETE FROM cache_entries WHERE cache_key = ?`),
    cacheInsert: db.prepare<[string, string, string, number]>(`INSERT INTO cache_entries (cache_key, port, artifact_hash, created_at) VALUES (?, ?, ?, ?)`),
    lastNodeRun: db.prepare<[string, string], LastNodeRunRow>(
      `SELECT n.cache_key, n.key_parts_json, n.run_id FROM node_runs n JOIN runs r ON r.id = n.run_id
       WHERE n.node_id = ? AND r.pipeline_id = ? AND n.status IN ('succeeded', 'cached')
       ORDER BY n.id DESC LIMIT 1`,
    ),
    getFileHash: db.prepare<[string, number, number], HashRow>(`SELECT hash FROM file_hashes WHERE path = ? AND size = ? AND mtime_ms = ?`),
    putFileHash: db.prepare<[string, number, number, string]>(
      `INSERT INTO file_hashes (path, size, mtime_ms, hash) VALUES (?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash`,
    ),

    // runs
    runExists: db.prepare<[string], IdRow>(`SELECT id FROM runs WHERE id = ?`),
    nodeRunExists: db.prepare<[number], { one: number }>(`SELECT 1 AS one FROM node_runs WHERE id = ?`),
    runsFrom: db.prepare<[string], IdRow>(`SELECT id FROM runs WHERE id >= ? ORDER BY id LIMIT 2`),
    listRuns: db.prepare<[number], RunSummaryRow>(
      `SELECT ${RUN_SUMMARY_COLS} FROM runs r JOIN pipelines p ON p.id = r.pipeline_id
       ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`,
    ),
    listRunsOfPipeline: db.prepare<[string, number], RunSummaryRow>(
      `SELECT ${RUN_SUMMARY_COLS} FROM runs r JOIN pipelines p ON p.id = r.pipeline_id
       WHERE r.pipeline_id = ? ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`,
    ),
    getRun: db.prepare<[string], RunDetailRow>(
      `SELECT ${RUN_SUMMARY_COLS}, d.path AS document_path, r.force, r.env_json, r.node_types_json
       FROM runs r JOIN pipelines p ON p.id = r.pipeline_id JOIN document_versions d ON d.hash = r.document_hash
       WHERE r.id = ?`,
    ),
    nodeRunsOfRun: db.prepare<[string], NodeRunRow>(
      `SELECT n.id, n.node_id, n.node_type, n.type_version, n.status, n.cache_hit, n.cache_key, n.started_at, n.ended_at, n.ms,
         n.error_message, n.error_stack, ${METRIC_SOURCE} AS metric_source
       FROM node_runs n WHERE n.run_id = ? ORDER BY n.started_at, n.id`,
    ),
    paramsOfRun: db.prepare<[string], ParamRow>(
      `SELECT p.node_run_id, p.name, p.value_json FROM params p JOIN node_runs n ON n.id = p.node_run_id WHERE n.run_id = ?`,
    ),
    inputsOfRun: db.prepare<[string], PortArtifactRow>(
      `SELECT i.node_run_id, i.port, ${ARTIFACT_COLS} FROM node_run_inputs i
       JOIN node_runs n ON n.id = i.node_run_id JOIN artifacts a ON a.hash = i.artifact_hash
       WHERE n.run_id = ? ORDER BY i.node_run_id, i.port`,
    ),
    outputsOfRun: db.prepare<[string], PortArtifactRow>(
      `SELECT o.node_run_id, o.port, ${ARTIFACT_COLS} FROM node_run_outputs o
       JOIN node_runs n ON n.id = o.node_run_id JOIN artifacts a ON a.hash = o.artifact_hash
       WHERE n.run_id = ? ORDER BY o.node_run_id, o.port`,
    ),
    logsOfRun: db.prepare<[string], LogRow>(
      `SELECT l.node_run_id, l.time, l.level, l.message FROM node_run_logs l JOIN node_runs n ON n.id = l.node_run_id
       WHERE n.run_id = ? ORDER BY l.node_run_id, l.time, l.rowid`,
    ),
    metricsOfRun: db.prepare<[string], MetricRow>(
      `SELECT m.node_run_id, m.name, m.value, m.step FROM metrics m JOIN node_runs n ON n.id = m.node_run_id
       WHERE n.run_id = ? ORDER BY m.node_run_id, m.rowid`,
    ),
    metricsOfNodeRun: db.prepare<[number], MetricRow>(`SELECT node_run_id, name, value, step FROM metrics WHERE node_run_id = ? ORDER BY rowid`),

    // lineage
    // Both scan node_run_outputs_artifact in node run order (ids are given at start), so the
    // earliest computing node run is found without reading the cache hits after it.
    producerOf: db.prepare<[string], StepRow>(
      `SELECT ${NODE_RUN_STEP} FROM node_run_outputs o JOIN node_runs n ON n.id = o.node_run_id
       WHERE o.artifact_hash = ? AND n.cache_hit = 0 ORDER BY o.node_run_id LIMIT 1`,
    ),
    /** When no node run computed it (the one that did is gone), the earliest that wrote it. */
    anyWriterOf: db.prepare<[string], StepRow>(
      `SELECT ${NODE_RUN_STEP} FROM node_run_outputs o JOIN node_runs n ON n.id = o.node_run_id
       WHERE o.artifact_hash = ? ORDER BY o.node_run_id LIMIT 1`,
    ),
    readersOf: db.prepare<[string], StepRow>(
      `SELECT ${NODE_RUN_STEP} FROM node_run_inputs i JOIN node_runs n ON n.id = i.node_run_id
       WHERE i.artifact_hash = ? AND n.cache_hit = 0 AND n.status = 'succeeded' ORDER BY i.node_run_id`,
    ),
    inputsOfNodeRun: db.prepare<[number], PortArtifactRow>(
      `SELECT i.node_run_id, i.port, ${ARTIFACT_COLS} FROM node_run_inputs i JOIN artifacts a ON a.hash = i.artifact_hash
       WHERE i.node_run_id = ? ORDER BY i.port`,
    ),
    outputsOfNodeRun: db.prepare<[number], PortArtifactRow>(
      `SELECT o.node_run_id, o.port, ${ARTIFACT_COLS} FROM node_run_outputs o JOIN artifacts a ON a.hash = o.artifact_hash
       WHERE o.node_run_id = ? ORDER BY o.port`,
    ),

    // experiments
    experiments: db.prepare<{ pipelineId: string; limit: number }, ExperimentDbRow>(
      `SELECT r.id, r.status, r.started_at,
         (SELECT json_group_object(n.node_id || '.' || p.name, json(p.value_json))
            FROM node_runs n JOIN params p ON p.node_run_id = n.id WHERE ${LATEST_IN_RUN}) AS params_json,
         (SELECT json_group_object(n.node_id || '.' || m.name, m.value)
            FROM node_runs n JOIN metrics m ON m.node_run_id = ${METRIC_SOURCE} AND m.step IS NULL WHERE ${LATEST_IN_RUN}) AS metrics_json
       FROM runs r WHERE r.pipeline_id = @pipelineId ORDER BY r.started_at DESC, r.rowid DESC LIMIT @limit`,
    ),

    experimentsOfPipeline: db.prepare<{ pipelineId: string; limit: number }, ExperimentDbRow & PipelineCols>(
      `${EXPERIMENT_COLS} WHERE r.pipeline_id = @pipelineId ORDER BY r.started_at DESC, r.rowid DESC LIMIT @limit`,
    ),
    experimentsAll: db.prepare<{ limit: number }, ExperimentDbRow & PipelineCols>(
      `${EXPERIMENT_COLS} ORDER BY r.started_at DESC, r.rowid DESC LIMIT @limit`,
    ),

    // gc
    artifactsByLastUse: db.prepare<[], StoredArtifactDbRow>(
      `SELECT ${ARTIFACT_COLS}, a.created_at, a.last_used_at,
         EXISTS (SELECT 1 FROM model_versions mv WHERE mv.artifact_hash = a.hash OR mv.onnx_hash = a.hash) AS pinned
       FROM artifacts a WHERE a.evicted_at IS NULL AND a.kind <> 'file' ORDER BY a.last_used_at, a.hash`,
    ),
    isPinned: db.prepare<[string, string], { one: number }>(`SELECT 1 AS one FROM model_versions WHERE artifact_hash = ? OR onnx_hash = ? LIMIT 1`),
    markEvicted: db.prepare<[number, string]>(`UPDATE artifacts SET evicted_at = ? WHERE hash = ? AND evicted_at IS NULL`),
  };
}

// ---------------------------------------------------------------- row -> record

function toArtifact(r: ArtifactRow): ArtifactRecord {
  return {
    hash: r.hash,
    kind: r.kind,
    path: r.path,
    bytes: r.bytes,
    ...(r.rows === null ? {} : { rows: r.rows }),
    ...(r.columns_json === null ? {} : { columns: JSON.parse(r.columns_json) as ColumnSchema[] }),
    ...(r.meta_json === null || r.meta_json === undefined ? {} : { meta: JSON.parse(r.meta_json) as ArtifactMeta }),
  };
}

function toPortArtifact(r: PortArtifactRow): ArtifactRecord & { port: string } {
  return { port: r.port, ...toArtifact(r) };
}

function toMetric(r: MetricRow): MetricPoint {
  const value = r.value ?? Number.NaN;
  return r.step === null ? { name: r.name, value } : { name: r.name, value, step: r.step };
}

function toRunSummary(r: RunSummaryRow): RunSummary {
  return {
    runId: r.id,
    pipelineId: r.pipeline_id,
    pipelineName: r.pipeline_name,
    documentHash: r.document_hash,
    status: r.status,
    mode: r.mode,
    target: r.target,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    ms: r.ms,
    nodes: r.nodes,
    cached: r.cached,
    failed: r.failed,
    error: r.error,
  };
}

function groupBy<T extends { node_run_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const list = m.get(r.node_run_id);
    if (list) list.push(r);
    else m.set(r.node_run_id, [r]);
  }
  return m;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

function uniquePrefixMatch(rows: readonly (IdRow | HashRow)[], prefix: string, what: 'run' | 'artifact'): string | undefined {
  const matches = rows.map((r) => ('id' in r ? r.id : r.hash)).filter((v) => v.startsWith(prefix));
  if (matches.length > 1) throw new LineageLookupError(`"${prefix}" is the start of more than one ${what} id; give more characters`);
  return matches[0];
}

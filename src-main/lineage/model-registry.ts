import type Database from 'better-sqlite3';
import { userInfo } from 'node:os';
import type { ColumnSchema } from '../../src-shared/nodes/spec.js';
import type {
  ArtifactKind,
  ModelDetail,
  ModelInfo,
  ModelRegistration,
  ModelStage,
  ModelVersionInfo,
  RegistrationResult,
  StageChange,
  StageEvent,
} from './types.js';

/**
 * The model registry inside the lineage store (DESIGN.md section 7): named models, their numbered
 * versions with a stage, and an audit trail of every stage change (who, when, from, to, why).
 * At most one version of a model is in production: promoting one archives the previous one, and
 * that is recorded as its own event.
 *
 * It shares the lineage store's connection; each call is one transaction, or part of the
 * caller's (the engine registers inside the transaction that records the node run).
 */

export const MODEL_STAGES: readonly ModelStage[] = ['none', 'staging', 'production', 'archived'];
/** Registry names: safe in file names, URLs and `name:3` / `name@production` references. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
export const MAX_MODEL_NAME_LENGTH = 100;

/** A refused registry call: bad input (`input`) or a model/version that is not there (`not-found`). */
export class RegistryError extends Error {
  constructor(
    readonly kind: 'input' | 'not-found',
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The OS user, as the audit trail names them; never throws (a user without a passwd entry). */
export function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export function checkModelName(name: string): void {
  if (!MODEL_NAME_PATTERN.test(name) || name.length > MAX_MODEL_NAME_LENGTH) {
    throw new RegistryError(
      'input',
      `model name "${name}" is not valid: use 1 to ${MAX_MODEL_NAME_LENGTH} letters, digits, dots, dashes or underscores`,
    );
  }
}

interface VersionRow {
  id: number;
  version: number;
  stage: ModelStage;
}
interface VersionInfoRow {
  model_id: number;
  version: number;
  stage: ModelStage;
  artifact_hash: string;
  onnx_hash: string | null;
  created_at: number;
  run_id: string | null;
  node_run_id: number | null;
  node_id: string | null;
  training_data_hash: string | null;
  metrics_json: string | null;
  input_schema_json: string | null;
}
interface ModelRow {
  id: number;
  name: string;
  created_at: number;
}
interface EventRow {
  version: number;
  stage: ModelStage;
  from_stage: ModelStage | null;
  actor: string | null;
  comment: string | null;
  at: number;
}

const VERSION_COLS = `v.model_id, v.version, v.stage, v.artifact_hash, v.onnx_hash, v.created_at, v.run_id, v.node_run_id,
  n.node_id, v.training_data_hash, v.metrics_json, v.input_schema_json`;

function prepare(db: Database.Database) {
  return {
    artifactKind: db.prepare<[string], { kind: ArtifactKind }>(`SELECT kind FROM artifacts WHERE hash = ?`),
    runExists: db.prepare<[string], { one: number }>(`SELECT 1 AS one FROM runs WHERE id = ?`),
    insertModel: db.prepare<[string, number]>(`INSERT INTO models (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`),
    model: db.prepare<[string], ModelRow>(`SELECT id, name, created_at FROM models WHERE name = ?`),
    models: db.prepare<[], ModelRow>(`SELECT id, name, created_at FROM models ORDER BY name`),
    nextVersion: db.prepare<[number], { next: number }>(`SELECT coalesce(max(version), 0) + 1 AS next FROM model_versions WHERE model_id = ?`),
    sameArtifacts: db.prepare<[number, string, string | null], VersionRow>(
      `SELECT id, version, stage FROM model_versions WHERE model_id = ? AND artifact_hash = ? AND onnx_hash IS ? ORDER BY version LIMIT 1`,
    ),
    insertVersion: db.prepare<{
      modelId: number;
      version: number;
      artifactHash: string;
      onnxHash: string | null;
      runId: string | null;
      nodeRunId: number | null;
      trainingDataHash: string | null;
      metricsJson: string;
      inputSchemaJson: string | null;
      stage: ModelStage;
      now: number;
    }>(
      `INSERT INTO model_versions (model_id, version, artifact_hash, onnx_hash, run_id, node_run_id, training_data_hash, metrics_json, input_schema_json, stage, created_at)
       VALUES (@modelId, @version, @artifactHash, @onnxHash, @runId, @nodeRunId, @trainingDataHash, @metricsJson, @inputSchemaJson, @stage, @now)`,
    ),
    version: db.prepare<[number, number], VersionRow>(`SELECT id, version, stage FROM model_versions WHERE model_id = ? AND version = ?`),
    otherProduction: db.prepare<[number, number], VersionRow>(
      `SELECT id, version, stage FROM model_versions WHERE model_id = ? AND stage = 'production' AND id <> ? ORDER BY version`,
    ),
    updateStage: db.prepare<[ModelStage, number]>(`UPDATE model_versions SET stage = ? WHERE id = ?`),
    insertEvent: db.prepare<[number, ModelStage | null, ModelStage, number, string, string]>(
      `INSERT INTO model_stage_events (model_version_id, from_stage, stage, at, actor, comment) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    versionsOf: db.prepare<[number], VersionInfoRow>(
      `SELECT ${VERSION_COLS} FROM model_versions v LEFT JOIN node_runs n ON n.id = v.node_run_id WHERE v.model_id = ? ORDER BY v.version`,
    ),
    allVersions: db.prepare<[], VersionInfoRow>(
      `SELECT ${VERSION_COLS} FROM model_versions v LEFT JOIN node_runs n ON n.id = v.node_run_id ORDER BY v.model_id, v.version`,
    ),
    eventsOf: db.prepare<[number], EventRow>(
      `SELECT v.version, e.stage, e.from_stage, e.actor, e.comment, e.at FROM model_stage_events e
       JOIN model_versions v ON v.id = e.model_version_id WHERE v.model_id = ? ORDER BY e.rowid`,
    ),
  };
}

export class ModelRegistryTables {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
    private readonly user: () => string,
  ) {
    this.s = prepare(db);
  }

  /**
   * Registers the next version (max + 1) of the named model. Registering the same artifacts
   * (Plumb model and ONNX export) under the same name again returns the version they already
   * have, so re-running a deploy step never piles up identical versions; a stage other than
   * `none` asked for then is applied to that version like `setStage`.
   */
  register(r: ModelRegistration): RegistrationResult {
    checkModelName(r.name);
    const stage = r.stage ?? 'none';
    if (!['none', 'staging', 'production'].includes(stage)) {
      throw new RegistryError('input', `stage "${stage}" is not one of none, staging, production`);
    }
    const comment = r.comment?.trim() ?? '';
    if (stage !== 'none' && comment === '') throw new RegistryError('input', `registering "${r.name}" in ${stage} needs a comment (why)`);
    const s = this.s;
    return this.tx(() => {
      this.requireModelArtifact(r.artifactHash, 'the model');
      if (r.onnxHash !== undefined) this.requireModelArtifact(r.onnxHash, 'the ONNX export');
      const now = this.now();
      s.insertModel.run(r.name, now);
      const modelId = s.model.get(r.name)!.id;
      const existing = s.sameArtifacts.get(modelId, r.artifactHash, r.onnxHash ?? null);
      if (existing) {
        const after = stage === 'none' ? existing.stage : this.moveTo(modelId, existing, stage, comment, now).to;
        return { modelId, version: existing.version, stage: after, created: false };
      }
      const version = s.nextVersion.get(modelId)!.next;
      const trainingData = r.trainingDataHash !== undefined && s.artifactKind.get(r.trainingDataHash) ? r.trainingDataHash : null;
      const runId = r.runId !== undefined && s.runExists.get(r.runId) ? r.runId : null;
      const id = Number(
        s.insertVersion.run({
          modelId,
          version,
          artifactHash: r.artifactHash,
          onnxHash: r.onnxHash ?? null,
          runId,
          nodeRunId: r.nodeRunId ?? null,
          trainingDataHash: trainingData,
          metricsJson: JSON.stringify(finiteMetrics(r.metrics ?? {})),
          inputSchemaJson: r.inputSchema ? JSON.stringify(r.inputSchema.map((c) => ({ name: c.name, type: c.type }))) : null,
          stage,
          now,
        }).lastInsertRowid,
      );
      const why = comment || (runId ? `registered by run ${runId}` : 'registered');
      s.insertEvent.run(id, null, stage, now, this.user(), why);
      if (stage === 'production') this.archiveOthers(modelId, { id, version, stage }, now);
      return { modelId, version, stage, created: true };
    });
  }

  /** Moves a version to a stage, with the reason; a new production version archives the previous one. */
  setStage(name: string, version: number, stage: ModelStage, comment: string): StageChange {
    if (!MODEL_STAGES.includes(stage)) throw new RegistryError('input', `stage "${String(stage)}" is not one of ${MODEL_STAGES.join(', ')}`);
    const why = comment.trim();
    if (why === '') throw new RegistryError('input', `moving ${name} version ${version} to ${stage} needs a comment (why)`);
    return this.tx(() => {
      const model = this.s.model.get(name);
      const row = model ? this.s.version.get(model.id, version) : undefined;
      if (!model) throw new RegistryError('not-found', `no model "${name}" in the registry`);
      if (!row) throw new RegistryError('not-found', `No version ${version} of model "${name}" in the registry`);
      return { name, version, ...this.moveTo(model.id, row, stage, why, this.now()) };
    });
  }

  list(): ModelInfo[] {
    const versions = new Map<number, ModelVersionInfo[]>();
    for (const r of this.s.allVersions.all()) {
      const list = versions.get(r.model_id) ?? [];
      list.push(toVersion(r));
      versions.set(r.model_id, list);
    }
    return this.s.models.all().map((m) => ({ name: m.name, createdAt: m.created_at, versions: versions.get(m.id) ?? [] }));
  }

  get(name: string): ModelDetail | undefined {
    const m = this.s.model.get(name);
    if (!m) return undefined;
    return {
      name: m.name,
      createdAt: m.created_at,
      versions: this.s.versionsOf.all(m.id).map(toVersion),
      events: this.s.eventsOf.all(m.id).map(toEvent),
    };
  }

  private moveTo(modelId: number, row: VersionRow, stage: ModelStage, comment: string, now: number): Omit<StageChange, 'name' | 'version'> {
    if (row.stage === stage) return { from: row.stage, to: stage, changed: false, archived: [] };
    this.s.updateStage.run(stage, row.id);
    this.s.insertEvent.run(row.id, row.stage, stage, now, this.user(), comment);
    const archived = stage === 'production' ? this.archiveOthers(modelId, row, now) : [];
    return { from: row.stage, to: stage, changed: true, archived };
  }

  private archiveOthers(modelId: number, promoted: VersionRow, now: number): number[] {
    const others = this.s.otherProduction.all(modelId, promoted.id);
    for (const other of others) {
      this.s.updateStage.run('archived', other.id);
      this.s.insertEvent.run(other.id, 'production', 'archived', now, this.user(), `archived automatically: version ${promoted.version} was promoted to production`);
    }
    return others.map((o) => o.version);
  }

  private requireModelArtifact(hash: string, what: string): void {
    const kind = this.s.artifactKind.get(hash)?.kind;
    if (kind === undefined) throw new RegistryError('not-found', `registering a model: ${what} (artifact ${hash}) is not in the lineage store`);
    if (kind !== 'model') throw new RegistryError('input', `registering a model: ${what} (artifact ${hash}) is a ${kind}, not a model`);
  }

  private tx<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn)();
  }
}

/** JSON has no NaN or Infinity: an undefined metric (AUC of one class) is left out, not stored as null. */
function finiteMetrics(m: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
}

function toVersion(r: VersionInfoRow): ModelVersionInfo {
  return {
    version: r.version,
    stage: r.stage,
    artifactHash: r.artifact_hash,
    onnxHash: r.onnx_hash,
    createdAt: r.created_at,
    runId: r.run_id,
    nodeRunId: r.node_run_id,
    nodeId: r.node_id,
    trainingDataHash: r.training_data_hash,
    metrics: r.metrics_json ? (JSON.parse(r.metrics_json) as Record<string, number>) : {},
    inputSchema: r.input_schema_json ? (JSON.parse(r.input_schema_json) as ColumnSchema[]) : null,
  };
}

function toEvent(r: EventRow): StageEvent {
  return { version: r.version, from: r.from_stage, to: r.stage, actor: r.actor, comment: r.comment, at: r.at };
}

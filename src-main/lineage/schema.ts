/**
 * The lineage store's schema, as migrations applied in order and counted by `PRAGMA user_version`:
 * a database at version N has had migrations[0..N-1] applied, each in its own transaction.
 * A shipped migration is never edited (saved stores already ran it): change the schema by
 * appending a new one.
 *
 * Times are epoch milliseconds (INTEGER); durations (`ms`) are REAL because the engine measures
 * them with `performance.now()`. Tables are STRICT so a wrongly typed value fails loudly.
 */
export const migrations: readonly string[] = [
  // 1: pipelines, runs, node runs, artifacts and their edges, metrics, cache, file hashes, models.
  `
  CREATE TABLE pipelines (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE document_versions (
    hash        TEXT PRIMARY KEY,
    pipeline_id TEXT NOT NULL REFERENCES pipelines(id),
    path        TEXT,
    text        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX document_versions_pipeline ON document_versions(pipeline_id);

  CREATE TABLE runs (
    id              TEXT PRIMARY KEY,
    pipeline_id     TEXT NOT NULL REFERENCES pipelines(id),
    document_hash   TEXT NOT NULL REFERENCES document_versions(hash),
    status          TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
    mode            TEXT NOT NULL CHECK (mode IN ('all', 'until', 'node')),
    target          TEXT,
    force           INTEGER NOT NULL CHECK (force IN (0, 1)),
    started_at      INTEGER NOT NULL,
    ended_at        INTEGER,
    ms              REAL,
    pid             INTEGER NOT NULL,
    app_version     TEXT NOT NULL,
    env_json        TEXT NOT NULL,
    node_types_json TEXT NOT NULL,
    error           TEXT
  ) STRICT;
  CREATE INDEX runs_pipeline_started ON runs(pipeline_id, started_at);
  CREATE INDEX runs_started ON runs(started_at);
  CREATE INDEX runs_running ON runs(status) WHERE status = 'running';
  CREATE INDEX runs_document ON runs(document_hash);

  CREATE TABLE node_runs (
    id             INTEGER PRIMARY KEY,
    run_id         TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    node_id        TEXT NOT NULL,
    node_type      TEXT NOT NULL,
    type_version   INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('idle', 'stale', 'queued', 'running', 'succeeded', 'cached', 'failed', 'cancelled', 'skipped')),
    cache_hit      INTEGER NOT NULL DEFAULT 0 CHECK (cache_hit IN (0, 1)),
    cache_key      TEXT NOT NULL,
    key_parts_json TEXT NOT NULL,
    started_at     INTEGER NOT NULL,
    ended_at       INTEGER,
    ms             REAL,
    error_message  TEXT,
    error_stack    TEXT
  ) STRICT;
  -- (run_id, node_id): a run's node runs, and the latest node run of each node in a run.
  CREATE INDEX node_runs_run ON node_runs(run_id, node_id);
  CREATE INDEX node_runs_node ON node_runs(node_id);
  -- "the node run that computed this cache key": seeks straight to the non-cached ones.
  CREATE INDEX node_runs_cache_key ON node_runs(cache_key, cache_hit);

  CREATE TABLE node_run_logs (
    node_run_id INTEGER NOT NULL REFERENCES node_runs(id) ON DELETE CASCADE,
    time        INTEGER NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
    message     TEXT NOT NULL
  ) STRICT;
  CREATE INDEX node_run_logs_node_run ON node_run_logs(node_run_id);

  CREATE TABLE params (
    node_run_id INTEGER NOT NULL REFERENCES node_runs(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    value_json  TEXT NOT NULL,
    PRIMARY KEY (node_run_id, name)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE artifacts (
    hash         TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('table', 'model', 'report', 'file')),
    path         TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    rows         INTEGER,
    columns_json TEXT,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    evicted_at   INTEGER
  ) STRICT;
  CREATE INDEX artifacts_last_used ON artifacts(last_used_at) WHERE evicted_at IS NULL AND kind <> 'file';

  CREATE TABLE node_run_inputs (
    node_run_id   INTEGER NOT NULL REFERENCES node_runs(id) ON DELETE CASCADE,
    port          TEXT NOT NULL,
    artifact_hash TEXT NOT NULL REFERENCES artifacts(hash),
    PRIMARY KEY (node_run_id, port)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX node_run_inputs_artifact ON node_run_inputs(artifact_hash);

  CREATE TABLE node_run_outputs (
    node_run_id   INTEGER NOT NULL REFERENCES node_runs(id) ON DELETE CASCADE,
    port          TEXT NOT NULL,
    artifact_hash TEXT NOT NULL REFERENCES artifacts(hash),
    PRIMARY KEY (node_run_id, port)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX node_run_outputs_artifact ON node_run_outputs(artifact_hash);

  -- value is NULL for NaN (SQLite stores NaN as NULL); the store reads it back as NaN.
  CREATE TABLE metrics (
    node_run_id INTEGER NOT NULL REFERENCES node_runs(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    value       REAL,
    step        INTEGER
  ) STRICT;
  CREATE INDEX metrics_node_run ON metrics(node_run_id);

  CREATE TABLE cache_entries (
    cache_key     TEXT NOT NULL,
    port          TEXT NOT NULL,
    artifact_hash TEXT NOT NULL REFERENCES artifacts(hash),
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (cache_key, port)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX cache_entries_artifact ON cache_entries(artifact_hash);

  CREATE TABLE file_hashes (
    path     TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    hash     TEXT NOT NULL
  ) STRICT;

  CREATE TABLE models (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE model_versions (
    id            INTEGER PRIMARY KEY,
    model_id      INTEGER NOT NULL REFERENCES models(id),
    version       INTEGER NOT NULL,
    artifact_hash TEXT NOT NULL REFERENCES artifacts(hash),
    node_run_id   INTEGER REFERENCES node_runs(id),
    stage         TEXT NOT NULL CHECK (stage IN ('none', 'staging', 'production', 'archived')),
    created_at    INTEGER NOT NULL,
    UNIQUE (model_id, version)
  ) STRICT;
  CREATE INDEX model_versions_artifact ON model_versions(artifact_hash);

  CREATE TABLE model_stage_events (
    model_version_id INTEGER NOT NULL REFERENCES model_versions(id),
    stage            TEXT NOT NULL CHECK (stage IN ('none', 'staging', 'production', 'archived')),
    at               INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX model_stage_events_version ON model_stage_events(model_version_id);
  `,
  // 2: artifact metadata, e.g. the fitted preprocessing chain a table carries to training.
  `
  ALTER TABLE artifacts ADD COLUMN meta_json TEXT;
  `,
  // 3: the registry's record of each version (its ONNX export, metrics, input schema, the run and
  // training data it came from) and an audit trail of stage changes (who, from, to, why).
  // from_stage of events recorded before this migration is filled in from the event before it.
  `
  ALTER TABLE model_versions ADD COLUMN onnx_hash TEXT REFERENCES artifacts(hash);
  ALTER TABLE model_versions ADD COLUMN run_id TEXT REFERENCES runs(id);
  ALTER TABLE model_versions ADD COLUMN training_data_hash TEXT REFERENCES artifacts(hash);
  ALTER TABLE model_versions ADD COLUMN metrics_json TEXT;
  ALTER TABLE model_versions ADD COLUMN input_schema_json TEXT;
  CREATE INDEX model_versions_model_artifact ON model_versions(model_id, artifact_hash);
  CREATE INDEX model_versions_onnx ON model_versions(onnx_hash) WHERE onnx_hash IS NOT NULL;

  ALTER TABLE model_stage_events ADD COLUMN from_stage TEXT CHECK (from_stage IN ('none', 'staging', 'production', 'archived'));
  ALTER TABLE model_stage_events ADD COLUMN actor TEXT;
  ALTER TABLE model_stage_events ADD COLUMN comment TEXT;
  UPDATE model_stage_events SET from_stage = (
    SELECT prev.stage FROM model_stage_events prev
    WHERE prev.model_version_id = model_stage_events.model_version_id AND prev.rowid < model_stage_events.rowid
    ORDER BY prev.rowid DESC LIMIT 1);
  `,
  // 4: routing changes of local serving endpoints (src-main/serving): blue-green switches, canary
  // starts/steps/promotions and (automatic) rollbacks, A/B and shadow experiments, with the reason.
  `
  CREATE TABLE serving_events (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    model        TEXT NOT NULL,
    from_version INTEGER,
    to_version   INTEGER,
    kind         TEXT NOT NULL,
    percent      REAL,
    reason       TEXT,
    actor        TEXT
  ) STRICT;
  CREATE INDEX serving_events_model ON serving_events(model, at);
  `,
];

/** The schema version this code writes: stores above it were written by a newer Plumb. */
export const SCHEMA_VERSION = migrations.length;

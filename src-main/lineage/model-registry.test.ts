import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineageStore } from './lineage-store.js';
import { migrations, SCHEMA_VERSION } from './schema.js';
import type { ArtifactRecord } from './types.js';

const hash = (s: string): string => createHash('sha256').update(s).digest('hex');
const model = (name: string): ArtifactRecord => ({ hash: hash(name), kind: 'model', path: `/a/${name}.model.json`, bytes: 100 });
const onnx = (name: string): ArtifactRecord => ({ hash: hash(`${name}.onnx`), kind: 'model', path: `/a/${name}.onnx`, bytes: 200 });
const TABLE: ArtifactRecord = { hash: hash('train'), kind: 'table', path: '/a/train.parquet', bytes: 300, rows: 10, columns: [{ name: 'x', type: 'DOUBLE' }] };

let dir: string;
let file: string;
let clock: number;
let user: string;
const open = (): LineageStore => LineageStore.open(file, { now: () => clock, user: () => user });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-registry-'));
  file = join(dir, 'lineage.db');
  clock = 5_000_000;
  user = 'ada';
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function withArtifacts(store: LineageStore, ...names: string[]): void {
  store.putArtifact(TABLE);
  for (const n of names) {
    store.putArtifact(model(n));
    store.putArtifact(onnx(n));
  }
}

describe('model registry', () => {
  it('records metrics, input schema, training data and ONNX export with the version', () => {
    const store = open();
    withArtifacts(store, 'm1');
    const r = store.registerModelVersion({
      name: 'churn',
      artifactHash: model('m1').hash,
      onnxHash: onnx('m1').hash,
      trainingDataHash: TABLE.hash,
      metrics: { accuracy: 0.8, roc_auc: Number.NaN },
      inputSchema: [{ name: 'tenure', type: 'BIGINT' }],
    });
    expect(r).toEqual({ modelId: expect.any(Number), version: 1, stage: 'none', created: true });
    const m = store.getModel('churn')!;
    expect(m.versions).toEqual([
      {
        version: 1,
        stage: 'none',
        artifactHash: model('m1').hash,
        onnxHash: onnx('m1').hash,
        createdAt: clock,
        runId: null,
        nodeRunId: null,
        nodeId: null,
        trainingDataHash: TABLE.hash,
        // NaN has no JSON form: an undefined metric is left out.
        metrics: { accuracy: 0.8 },
        inputSchema: [{ name: 'tenure', type: 'BIGINT' }],
      },
    ]);
    expect(m.events).toEqual([{ version: 1, from: null, to: 'none', actor: 'ada', comment: 'registered', at: clock }]);
    store.close();
  });

  it('returns the existing version when the same artifacts are registered again under the same name', () => {
    const store = open();
    withArtifacts(store, 'm1', 'm2');
    const first = store.registerModelVersion({ name: 'churn', artifactHash: model('m1').hash, onnxHash: onnx('m1').hash });
    const again = store.registerModelVersion({ name: 'churn', artifactHash: model('m1').hash, onnxHash: onnx('m1').hash });
    expect(again).toEqual({ ...first, created: false });
    // Another name is another model; other artifacts are another version.
    expect(store.registerModelVersion({ name: 'churn-b', artifactHash: model('m1').hash, onnxHash: onnx('m1').hash }).version).toBe(1);
    expect(store.registerModelVersion({ name: 'churn', artifactHash: model('m2').hash, onnxHash: onnx('m2').hash }).version).toBe(2);
    // Asking for a stage on re-registration moves the existing version, audited.
    const staged = store.registerModelVersion({ name: 'churn', artifactHash: model('m1').hash, onnxHash: onnx('m1').hash, stage: 'staging', comment: 'try it' });
    expect(staged).toMatchObject({ version: 1, stage: 'staging', created: false });
    expect(store.getModel('churn')!.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(store.getModel('churn')!.events.at(-1)).toMatchObject({ version: 1, from: 'none', to: 'staging', comment: 'try it' });
    store.close();
  });

  it('promoting a version to production archives the previous one, each change audited with who, when and why', () => {
    const store = open();
    withArtifacts(store, 'm1', 'm2', 'm3');
    store.registerModelVersion({ name: 'churn', artifactHash: model('m1').hash, stage: 'production', comment: 'first model' });
    clock += 1000;
    store.registerModelVersion({ name: 'churn', artifactHash: model('m2').hash });
    clock += 1000;
    user = 'grace';
    expect(store.setStage('churn', 2, 'staging', '  shadow traffic for a week ')).toEqual({
      name: 'churn', version: 2, from: 'none', to: 'staging', changed: true, archived: [],
    });
    clock += 1000;
    expect(store.setStage('churn', 2, 'production', 'AUC up 2 points')).toMatchObject({ from: 'staging', to: 'production', archived: [1] });
    expect(store.setStage('churn', 2, 'production', 'again')).toMatchObject({ changed: false, archived: [] });
    clock += 1000;
    store.registerModelVersion({ name: 'churn', artifactHash: model('m3').hash, stage: 'production', comment: 'hotfix' });

    const m = store.getModel('churn')!;
    expect(m.versions.map((v) => [v.version, v.stage])).toEqual([
      [1, 'archived'],
      [2, 'archived'],
      [3, 'production'],
    ]);
    expect(m.events).toEqual([
      { version: 1, from: null, to: 'production', actor: 'ada', comment: 'first model', at: 5_000_000 },
      { version: 2, from: null, to: 'none', actor: 'ada', comment: 'registered', at: 5_001_000 },
      { version: 2, from: 'none', to: 'staging', actor: 'grace', comment: 'shadow traffic for a week', at: 5_002_000 },
      { version: 2, from: 'staging', to: 'production', actor: 'grace', comment: 'AUC up 2 points', at: 5_003_000 },
      { version: 1, from: 'production', to: 'archived', actor: 'grace', comment: 'archived automatically: version 2 was promoted to production', at: 5_003_000 },
      { version: 3, from: null, to: 'production', actor: 'grace', comment: 'hotfix', at: 5_004_000 },
      { version: 2, from: 'production', to: 'archived', actor: 'grace', comment: 'archived automatically: version 3 was promoted to production', at: 5_004_000 },
    ]);
    // At most one production version, ever.
    expect(m.versions.filter((v) => v.stage === 'production')).toHaveLength(1);
    store.close();
  });

  it('refuses a stage change without a comment, a bad name, an unknown stage or version, writing nothing', () => {
    const store = open();
    withArtifacts(store, 'm1');
    store.registerModelVersion({ name: 'churn', artifactHash: model('m1').hash });
    expect(() => store.setStage('churn', 1, 'production', '   ')).toThrow(/needs a comment/);
    expect(() => store.setStage('churn', 1, 'live' as never, 'why')).toThrow(/stage "live" is not one of none, staging, production, archived/);
    expect(() => store.setStage('churn', 4, 'staging', 'why')).toThrow(/No version 4 of model "churn"/);
    expect(() => store.setStage('nope', 1, 'staging', 'why')).toThrow(/no model "nope"/);
    expect(() => store.registerModelVersion({ name: 'churn', artifactHash: model('m1').hash, stage: 'production' })).toThrow(/needs a comment/);
    expect(() => store.registerModelVersion({ name: 'churn model', artifactHash: model('m1').hash })).toThrow(/model name "churn model" is not valid/);
    expect(() => store.registerModelVersion({ name: 'churn', artifactHash: TABLE.hash })).toThrow(/is a table, not a model/);
    expect(() => store.registerModelVersion({ name: 'churn', artifactHash: hash('nothing') })).toThrow(/is not in the lineage store/);
    const m = store.getModel('churn')!;
    expect(m.versions.map((v) => v.stage)).toEqual(['none']);
    expect(m.events).toHaveLength(1);
    expect(store.listModels().map((x) => x.name)).toEqual(['churn']);
    store.close();
  });

  it('pins both the model and its ONNX export against eviction', () => {
    const store = open();
    withArtifacts(store, 'm1');
    store.registerModelVersion({ name: 'churn', artifactHash: model('m1').hash, onnxHash: onnx('m1').hash });
    expect(() => store.markEvicted(onnx('m1').hash)).toThrow(/never evicted/);
    expect(() => store.markEvicted(model('m1').hash)).toThrow(/never evicted/);
    expect(store.artifactsByLastUse().filter((a) => a.pinned).map((a) => a.hash).sort()).toEqual([model('m1').hash, onnx('m1').hash].sort());
    store.close();
  });

  it('migrates a version 2 store: runs, versions and stage events are kept, from-stages filled in', () => {
    // A store as Plumb wrote it before the audit trail: migrations 1 and 2 only.
    const raw = new Database(file);
    for (const m of migrations.slice(0, 2)) raw.exec(m);
    raw.pragma('user_version = 2');
    raw.exec(`
      INSERT INTO pipelines VALUES ('p', 'churn pipeline', 1, 1);
      INSERT INTO document_versions VALUES ('d', 'p', NULL, '{}', 1);
      INSERT INTO runs (id, pipeline_id, document_hash, status, mode, target, force, started_at, pid, app_version, env_json, node_types_json)
        VALUES ('run_old', 'p', 'd', 'succeeded', 'all', NULL, 0, 1, 1, '0.1.0', '{}', '{}');
      INSERT INTO artifacts (hash, kind, path, bytes, created_at, last_used_at) VALUES ('${hash('old')}', 'model', '/a/old.model.json', 10, 1, 1);
      INSERT INTO artifacts (hash, kind, path, bytes, created_at, last_used_at) VALUES ('${hash('old2')}', 'model', '/a/old2.model.json', 10, 1, 1);
      INSERT INTO models (id, name, created_at) VALUES (1, 'legacy', 100);
      INSERT INTO model_versions (id, model_id, version, artifact_hash, node_run_id, stage, created_at) VALUES (1, 1, 1, '${hash('old')}', NULL, 'archived', 100);
      INSERT INTO model_versions (id, model_id, version, artifact_hash, node_run_id, stage, created_at) VALUES (2, 1, 2, '${hash('old2')}', NULL, 'production', 200);
      INSERT INTO model_stage_events (model_version_id, stage, at) VALUES (1, 'staging', 100), (1, 'production', 150), (2, 'production', 200), (1, 'archived', 200);
    `);
    raw.close();

    const store = open();
    expect(store.listRuns().map((r) => r.runId)).toEqual(['run_old']);
    const m = store.getModel('legacy')!;
    expect(m.versions.map((v) => [v.version, v.stage, v.artifactHash, v.onnxHash, v.metrics, v.inputSchema])).toEqual([
      [1, 'archived', hash('old'), null, {}, null],
      [2, 'production', hash('old2'), null, {}, null],
    ]);
    expect(m.events).toEqual([
      { version: 1, from: null, to: 'staging', actor: null, comment: null, at: 100 },
      { version: 1, from: 'staging', to: 'production', actor: null, comment: null, at: 150 },
      { version: 2, from: null, to: 'production', actor: null, comment: null, at: 200 },
      { version: 1, from: 'production', to: 'archived', actor: null, comment: null, at: 200 },
    ]);
    // And it carries on under the new rules.
    store.putArtifact(model('new'));
    store.registerModelVersion({ name: 'legacy', artifactHash: model('new').hash, stage: 'production', comment: 'after the upgrade' });
    expect(store.getModel('legacy')!.versions.map((v) => v.stage)).toEqual(['archived', 'archived', 'production']);
    store.close();
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    check.close();
  });
});

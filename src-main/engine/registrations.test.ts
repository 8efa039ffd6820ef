import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineageStore } from '../lineage/lineage-store.js';
import type { ArtifactRecord } from '../lineage/types.js';
import { applyRegistrations } from './registrations.js';
import { TaskFailed } from './worker-pool.js';

const hash = (s: string): string => createHash('sha256').update(s).digest('hex');
const MODEL: ArtifactRecord = { hash: hash('model'), kind: 'model', path: '/a/m.model.json', bytes: 1 };
const ONNX: ArtifactRecord = { hash: hash('onnx'), kind: 'model', path: '/a/m.onnx', bytes: 1 };
const REPORT: ArtifactRecord = { hash: hash('report'), kind: 'report', path: '/a/r.json', bytes: 1 };

let dir: string;
let store: LineageStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-registrations-'));
  store = LineageStore.open(join(dir, 'lineage.db'), { user: () => 'ada' });
  for (const a of [MODEL, ONNX, REPORT]) store.putArtifact(a);
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

// No run is recorded in this store: the versions' run and node run links stay empty.
const at = { runId: 'run_x', nodeRunId: undefined as unknown as number, inputs: { model: MODEL }, outputs: { onnx: ONNX, report: REPORT } };

describe('applyRegistrations', () => {
  it('turns ports into artifacts and reports the version as a log line and a metric', () => {
    const r = applyRegistrations(store, [{ name: 'churn', modelPort: 'model', onnxPort: 'onnx', metrics: { auc: 0.8 } }], at);
    expect(r.logs.map((l) => l.message)).toEqual(['model "churn" version 1 registered; stage none']);
    expect(r.metrics).toEqual([{ name: 'registered_version', value: 1 }]);
    expect(store.getModel('churn')!.versions[0]).toMatchObject({ artifactHash: MODEL.hash, onnxHash: ONNX.hash, metrics: { auc: 0.8 } });
    const again = applyRegistrations(store, [{ name: 'churn', modelPort: 'model', onnxPort: 'onnx' }], at);
    expect(again.logs[0].message).toBe('model "churn" version 1 already registered (same artifacts), kept; stage none');
  });

  it('refuses, as a user-facing node failure naming the model, a missing port, a non-model or a bad name', () => {
    const fail = (req: Parameters<typeof applyRegistrations>[1][number]) => {
      try {
        applyRegistrations(store, [req], at);
      } catch (e) {
        expect(e).toBeInstanceOf(TaskFailed);
        expect((e as TaskFailed).userFacing).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(fail({ name: 'churn', modelPort: 'nope' })).toBe('registering model "churn": the node has no port "nope" with a model');
    expect(fail({ name: 'churn', modelPort: 'model', onnxPort: 'missing' })).toBe('registering model "churn": the node produced no "missing" output');
    expect(fail({ name: 'churn', modelPort: 'report' })).toMatch(/^registering model "churn": registering a model: the model \(artifact [0-9a-f]+\) is a report, not a model$/);
    expect(fail({ name: 'a b', modelPort: 'model' })).toMatch(/^registering model "a b": model name "a b" is not valid/);
    expect(fail({ name: 'churn', modelPort: 'model', stage: 'production' })).toMatch(/needs a comment/);
    expect(store.listModels()).toEqual([]);
  });
});

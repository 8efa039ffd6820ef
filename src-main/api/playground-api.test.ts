import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlumbEvent } from '../../src-shared/api/contract.js';
import { createPlumbApp } from '../composition.js';
import { linearRegressionModel } from '../inference/test-models.test-helpers.js';
import type { ApiService } from './api-service.js';

/** The playground methods through the real service, as both hosts reach it: validation, errors, events. */
const DIABETES = resolve(import.meta.dirname, '../../samples/diabetes.csv');
let dir: string;
let service: ApiService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inference-api-'));
  await writeFile(join(dir, 'm.onnx'), linearRegressionModel(['age', 'bmi'], [1, 2], 3, 'progression'));
  service = await createPlumbApp({ home: join(dir, 'home'), abilities: { host: 'browser' }, initialPath: null, workers: 1 });
});
afterAll(async () => {
  await service.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('playground API through the service', () => {
  it('validates requests with the contract', async () => {
    await expect(service.call('playground.inspect', { path: join(dir, 'm.onnx') })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(service.call('playground.latency', { source: { path: join(dir, 'm.onnx') }, rows: [{ age: 1, bmi: 1 }], runs: 0 })).rejects.toMatchObject({
      code: 'bad-request',
    });
  });

  it('predicts, and maps inference errors to their codes', async () => {
    const res = (await service.call('playground.predict', { source: { path: join(dir, 'm.onnx') }, rows: [{ age: 1, bmi: 2 }] })) as { predictions: unknown };
    expect(res.predictions).toEqual([{ value: 8 }]);
    await expect(service.call('playground.predict', { source: { path: join(dir, 'm.onnx') } })).rejects.toMatchObject({
      code: 'bad-input',
      message: 'give either rows (a Plumb model\'s columns) or tensors, not both and not neither',
    });
  });

  it('streams playground.progress events that parse as PlumbEvents', async () => {
    const events: PlumbEvent[] = [];
    const off = service.onEvent((e) => events.push(e));
    try {
      const res = await service.call('playground.batch', { source: { path: join(dir, 'm.onnx') }, input: DIABETES, out: join(dir, 'out.csv'), job: 'b1', chunkRows: 300 });
      expect(res).toMatchObject({ job: 'b1', rows: 442, out: join(dir, 'out.csv') });
    } finally {
      off();
    }
    const progress = events.filter((e) => e.event === 'playground.progress');
    expect(progress.map((e) => PlumbEvent.parse(e))).toEqual([
      { event: 'playground.progress', run: 'b1', rows: 300, totalRows: 442, progress: 300 / 442, done: false },
      { event: 'playground.progress', run: 'b1', rows: 442, totalRows: 442, progress: 1, done: false },
      { event: 'playground.progress', run: 'b1', rows: 442, totalRows: 442, progress: 1, done: true },
    ]);
    expect(await service.call('playground.cancel', { job: 'b1' })).toEqual({ cancelled: false });
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API } from '../../src-shared/api/contract.js';
import { ApiCallError } from '../api/api-service.js';
import { playgroundHandlers } from '../api/playground-handlers.js';
import { Playground } from './playground.js';
import { addModel, linearClassifierModel, linearRegressionModel } from './test-models.test-helpers.js';

let dir: string;
const playground = new Playground({ maxSessions: 2 });
const api = playgroundHandlers(playground);
const file = (name: string): string => join(dir, name);

/** Calls a method as a host does: request and response parsed with the contract. */
async function call<M extends keyof typeof api>(method: M, req: unknown) {
  const parsed = API[method].request.parse(req) as Parameters<(typeof api)[M]>[0];
  const res = await (api[method] as (r: typeof parsed) => Promise<unknown>)(parsed);
  return API[method].response.parse(res) as Awaited<ReturnType<(typeof api)[M]>>;
}

async function failure(p: Promise<unknown>): Promise<ApiCallError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiCallError);
  return e as ApiCallError;
}

const classifier = linearClassifierModel({
  numeric: ['bill_length_mm', 'flipper_length_mm'],
  text: { name: 'island', categories: ['Biscoe', 'Dream', 'Torgersen'] },
  classes: ['Adelie', 'Chinstrap', 'Gentoo'],
  coefficients: [
    [-0.5, 0.1, 0, 0, 1],
    [0.4, -0.05, 0, 1, 0],
    [0.1, 0.2, 1, 0, 0],
  ],
  intercepts: [10, -8, -40],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inference-playground-'));
  await writeFile(file('add.onnx'), addModel());
  await writeFile(file('linreg.onnx'), linearRegressionModel(['a', 'b'], [2, -3], 0.5));
  await writeFile(file('classifier.onnx'), classifier);
});
afterAll(async () => {
  await playground.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('playground.inspect', () => {
  it('shows a foreign model\'s signature with symbolic dims, opsets and producer', async () => {
    const { signature } = await call('playground.inspect', { source: { path: file('add.onnx') } });
    expect(signature.inputs).toEqual([
      { name: 'A', kind: 'tensor', elementType: 'float32', shape: ['N', 3], optional: false },
      { name: 'B', kind: 'tensor', elementType: 'float32', shape: ['N', 3], optional: false },
    ]);
    expect(signature.outputs[0]).toMatchObject({ name: 'C', elementType: 'float32' });
    expect(signature.opsets).toEqual([{ domain: 'ai.onnx', version: 17 }]);
    expect(signature.producer).toEqual({ name: 'plumb-tests', version: '1' });
    expect(signature.irVersion).toBe(8);
    expect(signature.plumb).toBeNull();
  });

  it('reads a Plumb model\'s form schema from its metadata', async () => {
    const { signature } = await call('playground.inspect', { source: { path: file('classifier.onnx') } });
    expect(signature.plumb).toEqual({
      inputs: [
        { name: 'bill_length_mm', type: 'number', imputed: false },
        { name: 'flipper_length_mm', type: 'number', imputed: false },
        { name: 'island', type: 'text', categories: ['Biscoe', 'Dream', 'Torgersen'], imputed: false },
      ],
      task: 'classification',
      classes: ['Adelie', 'Chinstrap', 'Gentoo'],
      target: 'species',
      estimator: 'LogisticRegression',
    });
    expect(signature.metadata['plumb.task']).toBe('classification');
    expect(signature.opsets).toContainEqual({ domain: 'ai.onnx.ml', version: 3 });
  });
});

describe('playground.predict', () => {
  it('runs a foreign model from nested-array tensors', async () => {
    const res = await call('playground.predict', {
      source: { path: file('add.onnx') },
      tensors: { A: [[1, 2, 3], [4, 5, 6]], B: { type: 'float32', dims: [2, 3], data: [10, 20, 30, 40, 50, 'NaN'] } },
    });
    expect(res.outputs.C).toEqual({ type: 'float32', dims: [2, 3], data: [11, 22, 33, 44, 55, 'NaN'] });
    expect(res.runMs).toBeGreaterThan(0);
    expect(res.totalMs).toBeGreaterThanOrEqual(res.runMs);
  });

  it('predicts Plumb rows as a value (regression)', async () => {
    const res = await call('playground.predict', { source: { path: file('linreg.onnx') }, rows: [{ a: 1, b: 2 }, { a: '0.5', b: 0 }] });
    expect(res.predictions).toEqual([{ value: 0.5 + 2 - 6 }, { value: 0.5 + 1 }]);
  });

  it('predicts Plumb rows as label + class probabilities (classification)', async () => {
    const res = await call('playground.predict', {
      source: { path: file('classifier.onnx') },
      rows: [{ bill_length_mm: 39.1, flipper_length_mm: 181, island: 'Torgersen' }],
    });
    const [p] = res.predictions ?? [];
    // Scores by hand: softmax over (coef . [39.1, 181, onehot(Torgersen)] + intercept).
    const x = [39.1, 181, 0, 0, 1];
    const scores = [
      [-0.5, 0.1, 0, 0, 1],
      [0.4, -0.05, 0, 1, 0],
      [0.1, 0.2, 1, 0, 0],
    ].map((w, k) => w.reduce((s, wi, i) => s + wi * x[i], [10, -8, -40][k]));
    const m = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - m));
    const z = e.reduce((a, b) => a + b, 0);
    const classes = ['Adelie', 'Chinstrap', 'Gentoo'];
    expect(p).toMatchObject({ label: classes[scores.indexOf(m)] });
    if (!('probabilities' in p) || !p.probabilities) throw new Error('no probabilities');
    classes.forEach((c, k) => expect(p.probabilities?.[c]).toBeCloseTo(e[k] / z, 5));
  });

  it('measures latency percentiles over N runs', async () => {
    const res = await call('playground.latency', { source: { path: file('linreg.onnx') }, rows: [{ a: 1, b: 2 }], runs: 200 });
    expect(res.runs).toBe(200);
    expect(res.p50).toBeGreaterThan(0);
    expect(res.p50).toBeLessThanOrEqual(res.p95);
    expect(res.p95).toBeLessThanOrEqual(res.p99);
    expect(res.p99).toBeLessThanOrEqual(res.max);
    await expect(call('playground.latency', { source: { path: file('linreg.onnx') }, rows: [{ a: 1, b: 2 }], runs: 10_001 })).rejects.toThrow(/10000/);
  });
});

describe('session cache', () => {
  it('gives an edited file a fresh session, and keeps at most maxSessions open', async () => {
    const pg = new Playground({ maxSessions: 1, recheckMs: 0 });
    try {
      const path = file('edited.onnx');
      await writeFile(path, linearRegressionModel(['a', 'b'], [1, 1], 0));
      expect((await pg.predict({ path }, { rows: [{ a: 1, b: 1 }] })).predictions).toEqual([{ value: 2 }]);
      await new Promise((r) => setTimeout(r, 20)); // a new mtime even on coarse clocks
      await writeFile(path, linearRegressionModel(['a', 'b'], [10, 10], 0.5));
      expect((await pg.predict({ path }, { rows: [{ a: 1, b: 1 }] })).predictions).toEqual([{ value: 20.5 }]);
      await pg.inspect({ path: file('add.onnx') });
      expect(pg.sessions.size).toBe(1);
      // The evicted model loads again when asked for.
      expect((await pg.predict({ path }, { rows: [{ a: 0, b: 0 }] })).predictions).toEqual([{ value: 0.5 }]);
    } finally {
      await pg.dispose();
    }
  });
});

describe('bad models and bad inputs: a clear message, and the process carries on', () => {
  it('refuses corrupt bytes naming the file', async () => {
    await writeFile(file('corrupt.onnx'), Buffer.from('this is not a protobuf at all \u00ff\u00fe'));
    const e = await failure(call('playground.inspect', { source: { path: file('corrupt.onnx') } }));
    expect(e.code).toBe('bad-model');
    expect(e.message).toMatch(/corrupt\.onnx is not (a valid )?(an )?ONNX model/);
  });

  it('refuses a truncated file naming the file', async () => {
    const bytes = linearRegressionModel(['a', 'b'], [2, -3], 0.5);
    await writeFile(file('truncated.onnx'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const e = await failure(call('playground.inspect', { source: { path: file('truncated.onnx') } }));
    expect(e.code).toBe('bad-model');
    expect(e.message).toContain('truncated.onnx');
    expect(e.message).toMatch(/damaged or truncated|not an ONNX model/);
  });

  it('refuses a model over the size limit before reading it', async () => {
    const small = new Playground({ maxModelBytes: 100 });
    try {
      const e = await failure(playgroundHandlers(small)['playground.inspect']({ source: { path: file('classifier.onnx') } }));
      expect(e.code).toBe('too-large');
      expect(e.message).toMatch(/classifier\.onnx is \d+ bytes; the limit for an \.onnx model is 100 bytes$/);
    } finally {
      await small.dispose();
    }
  });

  it('refuses a missing file', async () => {
    const e = await failure(call('playground.inspect', { source: { path: file('nope.onnx') } }));
    expect(e).toMatchObject({ code: 'not-found', message: `${file('nope.onnx')}: no such file` });
  });

  it('names a missing input', async () => {
    const e = await failure(call('playground.predict', { source: { path: file('add.onnx') }, tensors: { A: [[1, 2, 3]] } }));
    expect(e.code).toBe('bad-input');
    expect(e.message).toContain('missing input "B" (float32 [N, 3])');
  });

  it('names an unknown input', async () => {
    const e = await failure(call('playground.predict', { source: { path: file('add.onnx') }, tensors: { A: [[1, 2, 3]], B: [[1, 2, 3]], Z: [1] } }));
    expect(e.message).toContain('unknown input "Z" (the model\'s inputs: "A", "B")');
  });

  it('names an input of the wrong shape', async () => {
    const rank = await failure(call('playground.predict', { source: { path: file('add.onnx') }, tensors: { A: [1, 2, 3], B: [[1, 2, 3]] } }));
    expect(rank.message).toContain('input "A" must have rank 2 [N, 3], got [3]');
    const dim = await failure(call('playground.predict', { source: { path: file('add.onnx') }, tensors: { A: [[1, 2]], B: [[1, 2, 3]] } }));
    expect(dim.message).toContain('input "A": dimension 1 must be 3 [N, 3], got 2');
    const symbol = await failure(call('playground.predict', { source: { path: file('add.onnx') }, tensors: { A: [[1, 2, 3]], B: [[1, 2, 3], [4, 5, 6]] } }));
    expect(symbol.message).toContain('input "B": dimension 0 ("N") is 2, but "N" is 1 in input "A"');
    const ragged = await failure(call('playground.predict', { source: { path: file('add.onnx') }, tensors: { A: [[1, 2, 3], [4, 5]], B: [[1, 2, 3]] } }));
    expect(ragged.message).toContain('input "A": [1] has 2 values, expected 3 (ragged nesting)');
  });

  it('names an input of the wrong type, and a value that is not of its type', async () => {
    const typed = await failure(
      call('playground.predict', { source: { path: file('add.onnx') }, tensors: { A: { type: 'int64', data: [[1, 2, 3]] }, B: [[1, 2, 3]] } }),
    );
    expect(typed.message).toBe('input "A" is float32 in the model; the editor gave int64');
    const value = await failure(call('playground.predict', { source: { path: file('add.onnx') }, tensors: { A: [[1, 'x', 3]], B: [[1, 2, 3]] } }));
    expect(value.message).toBe('input "A": element 1 ("x") is not a number (float32)');
    const row = await failure(call('playground.predict', { source: { path: file('linreg.onnx') }, rows: [{ a: 1, b: 'lots' }] }));
    expect(row.message).toBe('row 1: "b" is "lots", not a number');
    const missing = await failure(call('playground.predict', { source: { path: file('linreg.onnx') }, rows: [{ a: 1, b: null }] }));
    expect(missing.message).toBe('row 1: "b" is missing and the model does not impute it');
    const unknown = await failure(call('playground.predict', { source: { path: file('linreg.onnx') }, rows: [{ a: 1, b: 2, c: 3 }] }));
    expect(unknown.message).toBe('row 1: unknown column "c" (the model\'s columns: a, b)');
    const foreignRows = await failure(call('playground.predict', { source: { path: file('add.onnx') }, rows: [{ A: 1 }] }));
    expect(foreignRows.message).toContain('has no plumb.inputs metadata, so it takes tensors, not rows');
  });

  it('still serves good requests after all of the above', async () => {
    const res = await call('playground.predict', { source: { path: file('add.onnx') }, tensors: { A: [[1, 1, 1]], B: [[2, 2, 2]] } });
    expect(res.outputs.C.data).toEqual([3, 3, 3]);
  });
});

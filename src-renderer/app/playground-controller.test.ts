import { describe, expect, it } from 'vitest';
import { API, OnnxSignature, type ApiMethod, type ApiRequest, type ApiResponse, type PlumbEvent } from '../../src-shared/api/contract.js';
import { BridgeError, type Bridge } from '../bridge/bridge.js';
import telco from '../playground/fixtures/telco-churn-model.json' with { type: 'json' };
import { createAppStore } from '../state/store.js';
import { createPlaygroundController, feedsFor } from './playground-controller.js';

const telcoSignature = OnnxSignature.parse(telco.signature);
const telcoAnswer = API['playground.predict'].response.parse(telco.answer);
const addSignature = OnnxSignature.parse({
  ...telco.signature,
  path: '/m/add.onnx',
  plumb: null,
  metadata: {},
  inputs: [
    { name: 'A', kind: 'tensor', elementType: 'float32', shape: ['N', 3], optional: false },
    { name: 'B', kind: 'tensor', elementType: 'float32', shape: ['N', 3], optional: false },
  ],
  outputs: [{ name: 'C', kind: 'tensor', elementType: 'float32', shape: ['N', 3], optional: false }],
});

type Handler = (request: unknown) => unknown;

/** A host answering from per-method handlers (a throw is an API error), recording every call. */
function fakeHost(handlers: Partial<Record<ApiMethod, Handler>>) {
  const calls: { method: ApiMethod; request: unknown }[] = [];
  let emit: (e: PlumbEvent) => void = () => {};
  const bridge: Bridge = {
    async call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
      calls.push({ method, request });
      const handler = handlers[method];
      if (!handler) throw new BridgeError('unknown-method', `no ${method}`);
      return (await handler(request)) as ApiResponse<M>;
    },
    onEvent(listener) {
      emit = listener;
      return () => {};
    },
    onMenu: () => () => {},
    onConnection: () => () => {},
    batchDownloadUrl: (job) => `http://127.0.0.1/files/batch/${job}?token=t`,
    dispose() {},
  };
  return { bridge, calls, emit: (e: PlumbEvent) => emit(e), of: (m: ApiMethod) => calls.filter((c) => c.method === m) };
}

const inspectBy = (request: unknown) => {
  const { source } = request as { source: { path: string } };
  if (source.path.endsWith('telco.onnx')) return { signature: telcoSignature };
  if (source.path.endsWith('add.onnx')) return { signature: addSignature };
  throw new BridgeError('bad-model', `${source.path}: not an ONNX model (protobuf parsing failed)`);
};

function setup(extra: Partial<Record<ApiMethod, Handler>> = {}) {
  const host = fakeHost({ 'playground.inspect': inspectBy, ...extra });
  const store = createAppStore();
  const playground = createPlaygroundController(host.bridge, store);
  const stop = playground.start();
  return { host, store, playground, stop, pg: () => store.getState().playground };
}

describe('playground controller', () => {
  it('opens a Plumb model: signature in the slot, a form field per column', async () => {
    const { playground, pg } = setup();
    await playground.chooseModel('a', { path: '/m/telco.onnx' });
    const slot = pg().slots.a!;
    expect(slot.title).toBe('telco.onnx');
    expect(slot.signature).toEqual({ state: 'loaded', data: telcoSignature });
    expect(Object.keys(pg().form)).toEqual(telcoSignature.plumb!.inputs.map((c) => c.name));
    expect(pg().form.contract).toEqual({ text: 'Month-to-month', missing: false });
    expect(pg().tensors).toEqual({});
  });

  it('shows a corrupt file’s error in the slot, and the message names the file', async () => {
    const { playground, pg } = setup();
    await playground.chooseModel('a', { path: '/m/broken.onnx' });
    expect(pg().slots.a!.signature).toEqual({ state: 'error', message: '/m/broken.onnx: not an ONNX model (protobuf parsing failed)', details: [] });
  });

  it('predicts the typed row and shows label and probabilities; an answer for a replaced model is dropped', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((ok) => (release = ok));
    const { playground, pg, store, host } = setup({
      'playground.predict': async () => {
        await gate;
        return telcoAnswer;
      },
    });
    await playground.chooseModel('a', { path: '/m/telco.onnx' });
    for (const [k, v] of Object.entries(telco.row)) store.getState().setFormValue(k, { text: String(v), missing: false });
    const predicting = playground.predict();
    expect(pg().slots.a!.prediction).toEqual({ state: 'loading' });
    release();
    await predicting;
    expect(host.of('playground.predict')[0].request).toEqual({ source: { path: '/m/telco.onnx' }, rows: [telco.row] });
    expect(pg().slots.a!.prediction).toMatchObject({ state: 'loaded', data: { kind: 'class', label: 'true' } });

    // The user switches model while a prediction is in flight: its answer must not land on the new one.
    let late: () => void = () => {};
    const lateGate = new Promise<void>((ok) => (late = ok));
    const second = setup({ 'playground.predict': async () => (await lateGate, telcoAnswer) });
    await second.playground.chooseModel('a', { path: '/m/telco.onnx' });
    const inFlight = second.playground.predict();
    await second.playground.chooseModel('a', { path: '/m/add.onnx' });
    late();
    await inFlight;
    expect(second.pg().slots.a!.prediction).toBeNull();
  });

  it('refuses to send a form with unreadable fields, naming them', async () => {
    const { playground, pg, store, host } = setup({ 'playground.predict': () => telcoAnswer });
    await playground.chooseModel('a', { path: '/m/telco.onnx' });
    store.getState().setFormValue('tenure', { text: 'twelve', missing: false });
    await playground.predict();
    expect(host.of('playground.predict')).toHaveLength(0);
    expect(pg().slots.a!.prediction).toMatchObject({ state: 'error', message: 'Fix the form first: tenure: "twelve" is not a number' });
  });

  it('sends a foreign model the tensor drafts, and side by side both models get the same input', async () => {
    const predicts: unknown[] = [];
    const { playground, pg, store } = setup({
      'playground.predict': (req) => {
        predicts.push(req);
        return { outputs: { C: { type: 'float32', dims: [1, 3], data: [5, 7, 9] } }, runMs: 0.1, totalMs: 0.3 };
      },
    });
    await playground.chooseModel('a', { path: '/m/add.onnx' });
    expect(pg().tensors).toEqual({ A: { format: 'csv', text: '0,0,0' }, B: { format: 'csv', text: '0,0,0' } });
    store.getState().setTensorDraft('A', { format: 'csv', text: '1,2,3' });
    store.getState().setTensorDraft('B', { format: 'json', text: '[[4, 5, 6]]' });
    await playground.chooseModel('b', { path: '/m/add.onnx' }, 'add copy');
    await playground.predict();
    expect(predicts).toEqual([
      { source: { path: '/m/add.onnx' }, tensors: { A: [[1, 2, 3]], B: [[4, 5, 6]] } },
      { source: { path: '/m/add.onnx' }, tensors: { A: [[1, 2, 3]], B: [[4, 5, 6]] } },
    ]);
    for (const id of ['a', 'b'] as const) {
      expect(pg().slots[id]!.prediction).toMatchObject({ state: 'loaded', data: { kind: 'tensors', outputs: [{ name: 'C', text: '[[5,7,9]]' }] } });
    }
  });

  it('shows an API error inline in the slot, with its details', async () => {
    const { playground, pg } = setup({
      'playground.predict': () => {
        throw new BridgeError('run-failed', 'add.onnx: onnxruntime could not run the model: Non-zero status code', ['node Add_0']);
      },
    });
    await playground.chooseModel('a', { path: '/m/add.onnx' });
    await playground.predict();
    expect(pg().slots.a!.prediction).toEqual({
      state: 'error',
      message: 'add.onnx: onnxruntime could not run the model: Non-zero status code',
      details: ['node Add_0'],
    });
  });

  it('measures latency with the runs asked for', async () => {
    const stats = { runs: 50, p50: 0.2, p95: 0.4, p99: 0.5, mean: 0.25, min: 0.1, max: 0.6 };
    const { playground, pg, store, host } = setup({ 'playground.latency': () => stats });
    await playground.chooseModel('a', { path: '/m/add.onnx' });
    store.getState().setLatencyRuns(50);
    await playground.measureLatency();
    expect(host.of('playground.latency')[0].request).toMatchObject({ runs: 50 });
    expect(pg().slots.a!.latency).toEqual({ state: 'loaded', data: stats });
  });

  it('runs a batch job with progress from its events, then offers its download', async () => {
    let finish: () => void = () => {};
    const done = new Promise<void>((ok) => (finish = ok));
    const { playground, pg, host } = setup({
      'playground.batch': async (req) => {
        await done;
        return { job: (req as { job: string }).job, rows: 1758, out: '/d/test.predictions.csv', ms: 420 };
      },
    });
    await playground.chooseModel('a', { path: '/m/telco.onnx' });
    playground.setBatchInput('/d/test.csv');
    expect(pg().batchOut).toBe('/d/test.predictions.csv');
    const running = playground.startBatch();
    const job = pg().batch!.job;
    expect(host.of('playground.batch')[0].request).toEqual({ source: { path: '/m/telco.onnx' }, input: '/d/test.csv', out: '/d/test.predictions.csv', job });
    host.emit({ event: 'playground.progress', run: 'someone-else', rows: 5, totalRows: 10, progress: 0.5, done: false });
    expect(pg().batch!.progress).toBe(0);
    host.emit({ event: 'playground.progress', run: job, rows: 1000, totalRows: 1758, progress: 1000 / 1758, done: false });
    expect(pg().batch).toMatchObject({ status: 'running', rows: 1000, totalRows: 1758 });
    finish();
    await running;
    expect(pg().batch).toMatchObject({ status: 'succeeded', rows: 1758, progress: 1, out: '/d/test.predictions.csv', ms: 420 });
    expect(playground.downloadUrl(job)).toBe(`http://127.0.0.1/files/batch/${job}?token=t`);
  });

  it('cancels a batch job: the aborted answer reads as cancelled, not as an error', async () => {
    let reject: (e: unknown) => void = () => {};
    const { playground, pg, host } = setup({
      'playground.batch': () => new Promise((_ok, fail) => (reject = fail)),
      'playground.cancel': () => {
        reject(new BridgeError('aborted', 'prediction of test.csv was cancelled after 0 rows'));
        return { cancelled: true };
      },
    });
    await playground.chooseModel('a', { path: '/m/telco.onnx' });
    playground.setBatchInput('/d/test.csv');
    const running = playground.startBatch();
    await playground.cancelBatch();
    await running;
    expect(host.of('playground.cancel')[0].request).toEqual({ job: pg().batch!.job });
    expect(pg().batch).toMatchObject({ status: 'cancelled', error: null });
  });

  it('keeps the user’s own output path when the input changes', () => {
    const { playground, pg, store } = setup();
    playground.setBatchInput('/d/a.csv');
    expect(pg().batchOut).toBe('/d/a.predictions.csv');
    store.getState().setBatchPaths({ out: '/elsewhere/mine.csv' });
    playground.setBatchInput('/d/b.csv');
    expect(pg().batchOut).toBe('/elsewhere/mine.csv');
  });

  it('reads the registry for the picker, and says so when it cannot', async () => {
    const ok = setup({ 'models.list': () => ({ models: [{ name: 'telco-churn', createdAt: 1, versions: [] }] }) });
    await ok.playground.loadModels();
    expect(ok.pg().registry).toEqual({ state: 'loaded', data: [{ name: 'telco-churn', createdAt: 1, versions: [] }] });
    const failing = setup();
    await failing.playground.loadModels();
    expect(failing.pg().registry).toMatchObject({ state: 'error', message: 'no models.list' });
  });
});

describe('feedsFor', () => {
  it('builds rows for Plumb models and tensors for the others', () => {
    const store = createAppStore();
    const seq = store.getState().playgroundModelChosen('a', { path: '/m/add.onnx' }, 'add');
    store.getState().playgroundSignature('a', seq, { state: 'loaded', data: addSignature });
    expect(feedsFor(addSignature, store.getState().playground)).toEqual({ tensors: { A: [[0, 0, 0]], B: [[0, 0, 0]] } });
    store.getState().setTensorDraft('B', { format: 'csv', text: '1,2' });
    expect(() => feedsFor(addSignature, store.getState().playground)).toThrow('B: the model expects shape [N, 3], this is [1, 2]');
  });
});

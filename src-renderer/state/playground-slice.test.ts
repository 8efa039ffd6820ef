import { describe, expect, it } from 'vitest';
import { OnnxSignature } from '../../src-shared/api/contract.js';
import telco from '../playground/fixtures/telco-churn-model.json' with { type: 'json' };
import { twoNodeDocument } from './fixtures.test-helpers.js';
import { createAppStore } from './store.js';

const signature = OnnxSignature.parse(telco.signature);

function withModel() {
  const store = createAppStore();
  store.getState().loadDocument({ document: twoNodeDocument, path: '/p/t.plumb', hash: 'h' });
  const seq = store.getState().playgroundModelChosen('a', { path: '/m/telco.onnx' }, 'telco.onnx');
  store.getState().playgroundSignature('a', seq, { state: 'loaded', data: signature });
  return { store, seq, pg: () => store.getState().playground };
}

describe('playground slice', () => {
  it('is never part of the undo history', () => {
    const { store } = withModel();
    store.getState().setFormValue('tenure', { text: '12', missing: false });
    store.getState().setLatencyRuns(20);
    expect(store.temporal.getState().pastStates).toHaveLength(0);
  });

  it('drops answers for a model that is no longer in the slot', () => {
    const { store, seq, pg } = withModel();
    const next = store.getState().playgroundModelChosen('a', { path: '/m/other.onnx' }, 'other.onnx');
    store.getState().playgroundSignature('a', seq, { state: 'loaded', data: signature });
    store.getState().playgroundPrediction('a', seq, { state: 'loading' });
    expect(pg().slots.a).toMatchObject({ seq: next, title: 'other.onnx', signature: { state: 'loading' }, prediction: null });
  });

  it('keeps the form values when a second model is added, and after it is removed', () => {
    const { store, pg } = withModel();
    store.getState().setFormValue('tenure', { text: '12', missing: false });
    const b = store.getState().playgroundModelChosen('b', { path: '/m/telco2.onnx' }, 'telco2.onnx');
    store.getState().playgroundSignature('b', b, { state: 'loaded', data: signature });
    expect(pg().form.tenure).toEqual({ text: '12', missing: false });
    store.getState().closePlaygroundSlot('b');
    expect(pg().slots.b).toBeNull();
    expect(pg().form.tenure).toEqual({ text: '12', missing: false });
  });

  it('bounds the latency runs to what the API accepts', () => {
    const { store, pg } = withModel();
    store.getState().setLatencyRuns(0);
    expect(pg().latencyRuns).toBe(1);
    store.getState().setLatencyRuns(50_000);
    expect(pg().latencyRuns).toBe(10_000);
    store.getState().setLatencyRuns(Number.NaN);
    expect(pg().latencyRuns).toBe(10_000);
  });

  it('ignores progress once a job has ended, and a finish for another job', () => {
    const { store, pg } = withModel();
    store.getState().batchStarted({ job: 'j1', slot: 'a', input: '/d/x.csv', out: '/d/x.predictions.csv' });
    store.getState().batchFinished('other', { ok: true, rows: 1, out: '/o', ms: 1 });
    expect(pg().batch?.status).toBe('running');
    store.getState().batchCancelling('j1');
    store.getState().batchFinished('j1', { ok: false, cancelled: true, message: 'cancelled after 10 rows' });
    store.getState().applyPlaygroundEvent({ event: 'playground.progress', run: 'j1', rows: 10, totalRows: 100, progress: 0.1, done: true });
    expect(pg().batch).toMatchObject({ status: 'cancelled', rows: 0, error: null });
  });

  it('keeps a failed job’s message and details', () => {
    const { store, pg } = withModel();
    store.getState().batchStarted({ job: 'j2', slot: 'a', input: '/d/x.csv', out: '/d/y.csv' });
    store.getState().batchFinished('j2', { ok: false, cancelled: false, message: 'x.csv has no column "tenure"', details: ['found: Tenure'] });
    expect(pg().batch).toMatchObject({ status: 'failed', error: 'x.csv has no column "tenure"', details: ['found: Tenure'] });
  });
});

import { describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse, PlumbEvent } from '../../src-shared/api/contract.js';
import { predictionLogPattern, ServingAccuracyData, ServingDriftData, ServingEndpointInfo } from '../../src-shared/api/serving-contract.js';
import { BridgeError, type Bridge } from '../bridge/bridge.js';
import { createAppStore } from '../state/store.js';
import { createServingController } from './serving-controller.js';

/** Shapes as the host answers them (parsed with the contract, as the bridge does). */
const endpoint = ServingEndpointInfo.parse({
  name: 'telco-churn',
  model: 'telco-churn:1',
  url: 'http://127.0.0.1:40001',
  token: 'tok',
  versions: [1, 2],
  routing: { strategy: 'single', primary: 1, candidate: null, percent: 0, canary: null, split: { '1': 100 } },
  startedAt: 1000,
  logPath: '/home/u/.plumb/serving/telco-churn/predictions-000003.jsonl',
});
const column = (name: string, score: number, drifted: boolean) => ({
  name,
  type: 'BIGINT',
  kind: 'num',
  method: 'wasserstein',
  statistic: score,
  distance: score,
  score,
  threshold: 0.1,
  drifted,
  values: { reference: 5625, current: 300, distinct: 73 },
  missing: { reference: 0, current: 0 },
});
const drift = ServingDriftData.parse({
  name: 'telco-churn',
  version: 1,
  trainingData: 'a'.repeat(64),
  logFiles: 2,
  loggedRows: 300,
  at: 5000,
  report: {
    kind: 'drift',
    rows: { reference: 5625, current: 300 },
    columns: [column('senior_citizen', 0.02, false), column('tenure', 0.93, true)],
    skipped: [],
    driftedColumns: 1,
    share: 0.5,
    driftShare: 0.5,
    datasetDrift: true,
  },
});
const accuracy = ServingAccuracyData.parse({
  name: 'telco-churn',
  versions: [{ version: 1, labelled: 120, correct: 97, accuracy: 97 / 120, mae: null, shadowLabelled: 0, shadowAccuracy: null }],
});

type Handler = (request: never) => unknown;

function setup(handlers: Partial<Record<ApiMethod, Handler>>) {
  const calls: { method: ApiMethod; request: unknown }[] = [];
  const bridge: Bridge = {
    async call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
      calls.push({ method, request });
      const handler = handlers[method];
      if (!handler) throw new BridgeError('unknown-method', `no ${method}`);
      return (await handler(request as never)) as ApiResponse<M>;
    },
    onEvent: (_l: (e: PlumbEvent) => void) => () => {},
    onMenu: () => () => {},
    onConnection: () => () => {},
    batchDownloadUrl: () => null,
    dispose: () => {},
  };
  const store = createAppStore();
  store.getState().servingListed([endpoint]);
  return { calls, s: store.getState, serving: createServingController(bridge, store) };
}

describe('the serving controller: drift of the logged traffic and live accuracy', () => {
  it('"Check drift" stores the report and refreshes the live accuracy', async () => {
    const { calls, s, serving } = setup({ 'serving.drift': () => drift, 'serving.accuracy': () => accuracy });
    const pending = serving.checkDrift('telco-churn');
    expect(s().serving.drift['telco-churn']).toEqual({ state: 'loading' });
    await pending;
    expect(s().serving.drift['telco-churn']).toEqual({ state: 'loaded', data: drift });
    expect(s().serving.accuracy['telco-churn']).toEqual(accuracy);
    expect(calls.map((c) => [c.method, c.request])).toEqual([
      ['serving.drift', { name: 'telco-churn' }],
      ['serving.accuracy', { name: 'telco-churn' }],
    ]);
  });

  it('a refused check (training data evicted) is kept as that endpoint\'s error, not the panel\'s', async () => {
    const message = 'telco-churn: the training data of telco-churn version 1 (table 0123456789ab) is no longer in the artifact store';
    const { s, serving } = setup({
      'serving.drift': () => {
        throw new BridgeError('failed', message);
      },
      'serving.accuracy': () => accuracy,
    });
    await serving.checkDrift('telco-churn');
    expect(s().serving.drift['telco-churn']).toEqual({ state: 'error', message });
    expect(s().serving.error).toBeNull();
  });

  it('stopping an endpoint forgets its drift check and accuracy', async () => {
    const { s, serving } = setup({ 'serving.drift': () => drift, 'serving.accuracy': () => accuracy, 'serving.stop': () => ({ stopped: true }) });
    await serving.checkDrift('telco-churn');
    await serving.stop('telco-churn');
    expect(s().serving.drift).toEqual({});
    expect(s().serving.accuracy).toEqual({});
  });

  it('"Add ingest node for this log" reads every segment: the pattern of the newest segment\'s name', () => {
    expect(predictionLogPattern(endpoint.logPath!)).toBe('/home/u/.plumb/serving/telco-churn/predictions-*.jsonl');
    expect(predictionLogPattern('C:\\Users\\u\\.plumb\\serving\\x\\predictions-000012.jsonl')).toBe('C:\\Users\\u\\.plumb\\serving\\x\\predictions-*.jsonl');
    const { s, serving } = setup({});
    const id = serving.addLogIngestNode(predictionLogPattern(endpoint.logPath!));
    const node = s().document.nodes.find((n) => n.id === id);
    expect(node).toMatchObject({ type: 'ingest.json', params: { path: '/home/u/.plumb/serving/telco-churn/predictions-*.jsonl', format: 'ndjson' } });
  });
});

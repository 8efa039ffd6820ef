import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse, PlumbEvent } from '../../src-shared/api/contract.js';
import type { PipelineDocument } from '../../src-shared/pipeline/document.js';
import { twoNodeDocument } from '../state/fixtures.test-helpers.js';
import { BridgeError, type Bridge } from '../bridge/bridge.js';
import { outputKey } from '../state/run-slice.js';
import { selectDisplayStatus } from '../state/selectors.js';
import { createAppStore } from '../state/store.js';
import { createController, EXPLAIN_DEBOUNCE_MS } from './controller.js';

const doc: PipelineDocument = twoNodeDocument;

type Explained = ApiResponse<'run.explain'>['nodes'];

/** A host that answers from the test's tables and records every call. */
function fakeBridge() {
  const calls: { method: ApiMethod; request: unknown }[] = [];
  let emit: (e: PlumbEvent) => void = () => {};
  let explainAnswer: Explained = [];
  let outputError: BridgeError | null = null;
  const bridge: Bridge = {
    async call<M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> {
      calls.push({ method, request });
      const answers: Partial<Record<ApiMethod, unknown>> = {
        'app.info': { version: '0', host: 'browser', home: '/h', initialPath: '/p/test.plumb', nativeDialogs: false },
        'document.open': { path: '/p/test.plumb', document: doc, problems: [], hash: 'h1' },
        'run.explain': { nodes: explainAnswer },
        'run.start': { runId: 'r1' },
      };
      if (method === 'run.output' && outputError) throw outputError;
      return answers[method] as ApiResponse<M>;
    },
    onEvent(listener) {
      emit = listener;
      return () => {};
    },
    onMenu: () => () => {},
    onConnection: () => () => {},
    batchDownloadUrl: () => null,
    dispose() {},
  };
  return {
    bridge,
    calls,
    of: (m: ApiMethod) => calls.filter((c) => c.method === m),
    emit: (e: PlumbEvent) => emit(e),
    setExplain: (nodes: Explained) => void (explainAnswer = nodes),
    failOutputs: (e: BridgeError) => void (outputError = e),
  };
}

const entry = (node: string, cached: boolean, reasons: string[] = []) => ({ node, cacheKey: `k-${node}`, cached, reasons });

async function started() {
  const host = fakeBridge();
  const store = createAppStore();
  const controller = createController(host.bridge, store);
  const stop = controller.start();
  await vi.advanceTimersByTimeAsync(0);
  return { host, store, controller, stop };
}

describe('controller: explain and runs', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'debug').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('explains once the document is opened, then after edits settle', async () => {
    const { host, store } = await started();
    expect(host.of('run.explain')).toEqual([{ method: 'run.explain', request: { document: doc, path: '/p/test.plumb' } }]);

    store.getState().setParam('profile', 'columns', ['a']);
    store.getState().setParam('profile', 'columns', ['a', 'b']);
    await vi.advanceTimersByTimeAsync(EXPLAIN_DEBOUNCE_MS - 1);
    expect(host.of('run.explain')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.of('run.explain')).toHaveLength(2);
    expect((host.of('run.explain')[1]!.request as { document: PipelineDocument }).document).toBe(store.getState().document);
  });

  it('does not explain while the graph has errors', async () => {
    const { host, store } = await started();
    store.getState().deleteElements({ edges: ['e1'] }); // profile loses its input
    await vi.advanceTimersByTimeAsync(EXPLAIN_DEBOUNCE_MS);
    expect(host.of('run.explain')).toHaveLength(1);
  });

  it('marks stale from a run and the explain answer after it, and asks again when the run ends', async () => {
    const { host, store, controller } = await started();
    host.setExplain([entry('read', true), entry('profile', true)]);
    const running = controller.run({ mode: 'all' });
    expect(store.getState().explain).toBeNull();
    await running;
    host.emit({ event: 'run', run: 'r1', status: 'running' });
    host.emit({ event: 'node', run: 'r1', node: 'read', status: 'succeeded', cached: false });
    host.emit({ event: 'node', run: 'r1', node: 'profile', status: 'succeeded', cached: false });
    // No explain while the run is under way, even for an edit.
    store.getState().setLabel('read', 'Read');
    await vi.advanceTimersByTimeAsync(EXPLAIN_DEBOUNCE_MS);
    expect(host.of('run.explain')).toHaveLength(1);

    host.emit({ event: 'run', run: 'r1', status: 'succeeded', ms: 5 });
    await vi.advanceTimersByTimeAsync(0);
    expect(host.of('run.explain')).toHaveLength(2);
    expect(selectDisplayStatus('profile')(store.getState()).status).toBe('succeeded');

    host.setExplain([entry('read', true), entry('profile', false, ['params changed: columns'])]);
    store.getState().setParam('profile', 'columns', ['x']);
    await vi.advanceTimersByTimeAsync(EXPLAIN_DEBOUNCE_MS);
    expect(selectDisplayStatus('read')(store.getState()).status).toBe('succeeded');
    expect(selectDisplayStatus('profile')(store.getState()).status).toBe('stale');
  });

  it('sends until, node and force as asked', async () => {
    const { host, controller, store } = await started();
    for (const request of [{ mode: 'until', node: 'read' }, { mode: 'node', node: 'profile' }, { mode: 'all', force: true }] as const) {
      await controller.run(request);
      host.emit({ event: 'run', run: 'r1', status: 'succeeded' });
    }
    const sent = host.of('run.start').map((c) => {
      const { document: _d, path: _p, ...rest } = c.request as Record<string, unknown>;
      return rest;
    });
    expect(sent).toEqual([{ until: 'read' }, { node: 'profile' }, { force: true }]);
    expect(store.getState().run.status).toBe('succeeded');
  });

  it('remembers an evicted output as such', async () => {
    const { host, controller, store } = await started();
    host.failOutputs(new BridgeError('evicted', 'gone'));
    await controller.loadOutput('r0', 'read', 'out');
    expect(store.getState().outputs[outputKey('r0', 'read', 'out')]).toEqual({ state: 'evicted' });
  });
});

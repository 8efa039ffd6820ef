import type { ApiMethod, ApiRequest, ApiResponse, ModelSource, OnnxSignature, TensorInput } from '../../src-shared/api/contract.js';
import { BridgeError, type Bridge } from '../bridge/bridge.js';
import { baseName, defaultBatchOut, newBatchJobId } from '../playground/batch.js';
import { formColumns, formRow, type FormRow } from '../playground/form.js';
import { predictionView } from '../playground/prediction.js';
import { parseTensorDraft } from '../playground/tensor-editor.js';
import { loadedSignature, SLOT_IDS, type Loadable, type PlaygroundState, type SlotId } from '../state/playground-slice.js';
import type { AppStore } from '../state/store.js';

/**
 * The playground's use cases over the bridge and the store: choose a model, predict, measure
 * latency, run and cancel a batch job. API errors land in the slot or job they are about, shown
 * inline where the user acted; nothing here throws at a component.
 */
export interface PlaygroundController {
  /** Subscribes to batch progress events; returns the unsubscribe. */
  start(): () => void;
  /** Reads the registry's models for the picker. */
  loadModels(): Promise<void>;
  chooseModel(slot: SlotId, source: ModelSource, title?: string): Promise<void>;
  /** "Open .onnx file…": the native dialog where the host has one, else the in-app path prompt. */
  openFile(slot: SlotId): Promise<void>;
  predict(): Promise<void>;
  measureLatency(): Promise<void>;
  setBatchInput(path: string): void;
  startBatch(slot?: SlotId): Promise<void>;
  cancelBatch(): Promise<void>;
  /** Where the browser downloads a finished job's CSV; null where the file is on the user's disk already. */
  downloadUrl(job: string): string | null;
}

type Feeds = { rows: FormRow[] } | { tensors: Record<string, TensorInput> };

const failure = (e: unknown): Loadable<never> => ({
  state: 'error',
  message: e instanceof Error ? e.message : String(e),
  details: e instanceof BridgeError ? e.details : [],
});

export function sourceTitle(source: ModelSource): string {
  return 'path' in source ? baseName(source.path) : source.model;
}

/** A registry version as a playground source: `name:version` (the contract also takes `@stage`). */
export const registrySource = (name: string, version: number): ModelSource => ({ model: `${name}:${version}` });

/**
 * What a model is sent: the form's row for a Plumb model, the parsed tensor drafts for any
 * other; an Error naming every field or input that cannot be read.
 */
export function feedsFor(signature: OnnxSignature, state: PlaygroundState): Feeds {
  if (signature.plumb) {
    const columns = formColumns(signature.plumb.inputs);
    const read = formRow(columns, state.form);
    if (!read.ok) throw new Error(`Fix the form first: ${Object.values(read.errors).join('; ')}`);
    return { rows: [read.row] };
  }
  const tensors: Record<string, TensorInput> = {};
  const errors: string[] = [];
  for (const input of signature.inputs) {
    const draft = state.tensors[input.name];
    if (!draft) {
      if (!input.optional) errors.push(`${input.name}: no value (this ${input.kind} input cannot be edited here)`);
      continue;
    }
    const parsed = parseTensorDraft(draft, input);
    if (parsed.ok) tensors[input.name] = parsed.tensor;
    else errors.push(parsed.error);
  }
  if (errors.length) throw new Error(errors.join('; '));
  return { tensors };
}

export function createPlaygroundController(bridge: Bridge, store: AppStore): PlaygroundController {
  const state = () => store.getState();
  const call = <M extends ApiMethod>(method: M, request: ApiRequest<M>): Promise<ApiResponse<M>> => bridge.call(method, request);

  const chooseModel = async (slot: SlotId, source: ModelSource, title = sourceTitle(source)): Promise<void> => {
    const seq = state().playgroundModelChosen(slot, source, title);
    try {
      const { signature } = await call('playground.inspect', { source });
      state().playgroundSignature(slot, seq, { state: 'loaded', data: signature });
    } catch (e) {
      state().playgroundSignature(slot, seq, failure(e));
    }
  };

  /** Each slot holding a loaded model, with what it is sent, or the reason it cannot be. */
  const targets = () => {
    const p = state().playground;
    return SLOT_IDS.flatMap((id) => {
      const slot = p.slots[id];
      const signature = loadedSignature(slot);
      if (!slot || !signature) return [];
      try {
        return [{ id, slot, feeds: feedsFor(signature, p) as Feeds | Error, signature }];
      } catch (e) {
        return [{ id, slot, feeds: e instanceof Error ? e : new Error(String(e)), signature }];
      }
    });
  };

  let offEvents: (() => void) | null = null;

  const loadModels = async (): Promise<void> => {
    if (state().playground.registry?.state !== 'loaded') state().setRegistry({ state: 'loading' });
    try {
      const { models } = await call('models.list', {});
      state().setRegistry({ state: 'loaded', data: models });
    } catch (e) {
      state().setRegistry(failure(e));
    }
  };

  return {
    start() {
      offEvents = bridge.onEvent((event) => state().applyPlaygroundEvent(event));
      // A run may register a model version (deploy.onnx): the picker learns of it when the run ends.
      const offStore = store.subscribe((s, prev) => {
        const wasActive = prev.run.status === 'running' || prev.run.status === 'starting';
        const isActive = s.run.status === 'running' || s.run.status === 'starting';
        if (wasActive && !isActive && s.playground.registry !== null) void loadModels();
      });
      return () => {
        offEvents?.();
        offEvents = null;
        offStore();
      };
    },

    loadModels,

    chooseModel,

    async openFile(slot) {
      if (state().appInfo?.nativeDialogs) {
        try {
          const chosen = await call('dialog.open', { kind: 'onnx' });
          if (chosen.path) await chooseModel(slot, { path: chosen.path });
        } catch (e) {
          state().pushToast('error', e instanceof Error ? e.message : String(e));
        }
        return;
      }
      state().showDialog({ kind: 'openModel', slot });
    },

    async predict() {
      // Both slots at once: side by side means the same input at the same moment.
      await Promise.all(
        targets().map(async ({ id, slot, feeds, signature }) => {
          if (feeds instanceof Error) {
            state().playgroundPrediction(id, slot.seq, failure(feeds));
            return;
          }
          state().playgroundPrediction(id, slot.seq, { state: 'loading' });
          try {
            const answer = await call('playground.predict', { source: slot.source, ...feeds });
            state().playgroundPrediction(id, slot.seq, { state: 'loaded', data: predictionView(answer, signature) });
          } catch (e) {
            state().playgroundPrediction(id, slot.seq, failure(e));
          }
        }),
      );
    },

    async measureLatency() {
      const runs = state().playground.latencyRuns;
      // One model after the other: measured at the same time they would slow each other down.
      for (const { id, slot, feeds } of targets()) {
        if (feeds instanceof Error) {
          state().playgroundLatency(id, slot.seq, failure(feeds));
          continue;
        }
        state().playgroundLatency(id, slot.seq, { state: 'loading' });
        try {
          const stats = await call('playground.latency', { source: slot.source, ...feeds, runs });
          state().playgroundLatency(id, slot.seq, { state: 'loaded', data: stats });
        } catch (e) {
          state().playgroundLatency(id, slot.seq, failure(e));
        }
      }
    },

    setBatchInput(path) {
      const { batchInput, batchOut } = state().playground;
      // The output follows the input while the user has not chosen one of their own.
      const followed = batchOut === '' || batchOut === defaultBatchOut(batchInput);
      state().setBatchPaths({ input: path, ...(followed ? { out: defaultBatchOut(path) } : {}) });
    },

    async startBatch(slotId = 'a') {
      const p = state().playground;
      const slot = p.slots[slotId];
      if (!slot || (p.batch && (p.batch.status === 'running' || p.batch.status === 'cancelling'))) return;
      const input = p.batchInput.trim();
      const out = p.batchOut.trim() || defaultBatchOut(input);
      const job = newBatchJobId();
      state().batchStarted({ job, slot: slotId, input, out });
      if (!input) {
        state().batchFinished(job, { ok: false, cancelled: false, message: 'Give the path of a CSV file to predict (with a header row).' });
        return;
      }
      try {
        const result = await call('playground.batch', { source: slot.source, input, out, job });
        state().batchFinished(job, { ok: true, rows: result.rows, out: result.out, ms: result.ms });
      } catch (e) {
        const cancelled = e instanceof BridgeError && e.code === 'aborted';
        state().batchFinished(job, { ok: false, cancelled, message: e instanceof Error ? e.message : String(e), details: e instanceof BridgeError ? e.details : [] });
      }
    },

    async cancelBatch() {
      const batch = state().playground.batch;
      if (!batch || batch.status !== 'running') return;
      state().batchCancelling(batch.job);
      try {
        await call('playground.cancel', { job: batch.job });
      } catch (e) {
        state().pushToast('error', e instanceof Error ? e.message : String(e));
      }
    },

    downloadUrl: (job) => bridge.batchDownloadUrl(job),
  };
}

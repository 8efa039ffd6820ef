import type { ApiResponse, ModelSource, OnnxSignature, PlumbEvent } from '../../src-shared/api/contract.js';
import { formColumns, mergeFormValues, type FieldValue } from '../playground/form.js';
import type { PredictionView } from '../playground/prediction.js';
import { zerosDraft, type TensorDraft } from '../playground/tensor-editor.js';
import type { GetState, SetState } from './types.js';

/**
 * The playground's state: two model slots (the second for side by side), the shared form values
 * and tensor drafts both slots read, and the batch job. Like run results it is never undoable:
 * undo changes the pipeline, not what a model answered.
 */
export type SlotId = 'a' | 'b';
export const SLOT_IDS: readonly SlotId[] = ['a', 'b'];

export type Loadable<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'loaded'; readonly data: T }
  | { readonly state: 'error'; readonly message: string; readonly details: readonly string[] };

export type LatencyStats = ApiResponse<'playground.latency'>;
export type RegisteredModel = ApiResponse<'models.list'>['models'][number];

export interface ModelSlot {
  readonly source: ModelSource;
  /** What the picker shows: a file name, or a registry reference. */
  readonly title: string;
  /** Bumped on every model change: answers for an earlier model are dropped. */
  readonly seq: number;
  readonly signature: Loadable<OnnxSignature>;
  readonly prediction: Loadable<PredictionView> | null;
  readonly latency: Loadable<LatencyStats> | null;
}

export interface BatchJob {
  readonly job: string;
  /** The slot whose model predicts. */
  readonly slot: SlotId;
  readonly input: string;
  readonly out: string;
  readonly status: 'running' | 'succeeded' | 'failed' | 'cancelling' | 'cancelled';
  readonly rows: number;
  readonly totalRows: number;
  readonly progress: number;
  readonly ms: number | null;
  readonly error: string | null;
  readonly details: readonly string[];
}

export interface PlaygroundState {
  /** The model registry's models, for the picker; null before the first look. */
  readonly registry: Loadable<readonly RegisteredModel[]> | null;
  readonly slots: Readonly<Record<SlotId, ModelSlot | null>>;
  /** Raw column -> what the user typed; shared by both slots. */
  readonly form: Readonly<Record<string, FieldValue>>;
  /** Input name -> the tensor editor's text; shared by both slots. */
  readonly tensors: Readonly<Record<string, TensorDraft>>;
  readonly latencyRuns: number;
  readonly batchInput: string;
  readonly batchOut: string;
  readonly batch: BatchJob | null;
}

export interface PlaygroundSlice {
  readonly playground: PlaygroundState;

  setRegistry(registry: Loadable<readonly RegisteredModel[]>): void;
  /** Puts a model in a slot; returns the slot's new seq, which the answers for it must carry. */
  playgroundModelChosen(slot: SlotId, source: ModelSource, title: string): number;
  playgroundSignature(slot: SlotId, seq: number, signature: Loadable<OnnxSignature>): void;
  playgroundPrediction(slot: SlotId, seq: number, prediction: Loadable<PredictionView>): void;
  playgroundLatency(slot: SlotId, seq: number, latency: Loadable<LatencyStats>): void;
  closePlaygroundSlot(slot: SlotId): void;
  setFormValue(column: string, value: FieldValue): void;
  setTensorDraft(input: string, draft: TensorDraft): void;
  resetTensorDrafts(): void;
  setLatencyRuns(runs: number): void;
  setBatchPaths(paths: { input?: string; out?: string }): void;
  batchStarted(job: Pick<BatchJob, 'job' | 'slot' | 'input' | 'out'>): void;
  batchCancelling(job: string): void;
  batchFinished(job: string, outcome: { ok: true; rows: number; out: string; ms: number } | { ok: false; cancelled: boolean; message: string; details?: readonly string[] }): void;
  applyPlaygroundEvent(event: PlumbEvent): void;
}

export const DEFAULT_LATENCY_RUNS = 100;

export const initialPlayground: PlaygroundState = {
  registry: null,
  slots: { a: null, b: null },
  form: {},
  tensors: {},
  latencyRuns: DEFAULT_LATENCY_RUNS,
  batchInput: '',
  batchOut: '',
  batch: null,
};

export const loadedSignature = (slot: ModelSlot | null): OnnxSignature | null =>
  slot && slot.signature.state === 'loaded' ? slot.signature.data : null;

/** The signatures of the slots that have one, in slot order. */
export function loadedSignatures(state: PlaygroundState): OnnxSignature[] {
  return SLOT_IDS.map((id) => loadedSignature(state.slots[id])).filter((s): s is OnnxSignature => s !== null);
}

/** Form fields and tensor drafts for every loaded model, keeping what the user already typed. */
function withInputsOf(state: PlaygroundState): PlaygroundState {
  const signatures = loadedSignatures(state);
  const columns = formColumns(...signatures.map((s) => s.plumb?.inputs));
  const tensors: Record<string, TensorDraft> = { ...state.tensors };
  for (const signature of signatures) {
    if (signature.plumb) continue;
    for (const input of signature.inputs) {
      if (!tensors[input.name] && input.kind === 'tensor') tensors[input.name] = zerosDraft(input);
    }
  }
  return { ...state, form: mergeFormValues(columns, state.form), tensors };
}

let slotSeq = 0;

export function createPlaygroundSlice(set: SetState, get: GetState): PlaygroundSlice {
  const update = (fn: (p: PlaygroundState) => PlaygroundState): void => set((s) => ({ playground: fn(s.playground) }));

  /** Changes a slot only while it still holds the model the answer is about. */
  const updateSlot = (slot: SlotId, seq: number, fn: (s: ModelSlot) => ModelSlot): void =>
    update((p) => {
      const current = p.slots[slot];
      if (!current || current.seq !== seq) return p;
      return { ...p, slots: { ...p.slots, [slot]: fn(current) } };
    });

  return {
    playground: initialPlayground,

    setRegistry: (registry) => update((p) => ({ ...p, registry })),

    playgroundModelChosen(slot, source, title) {
      const seq = ++slotSeq;
      update((p) => ({
        ...p,
        slots: { ...p.slots, [slot]: { source, title, seq, signature: { state: 'loading' }, prediction: null, latency: null } },
      }));
      return seq;
    },
    playgroundSignature: (slot, seq, signature) =>
      update((p) => {
        const current = p.slots[slot];
        if (!current || current.seq !== seq) return p;
        return withInputsOf({ ...p, slots: { ...p.slots, [slot]: { ...current, signature } } });
      }),
    playgroundPrediction: (slot, seq, prediction) => updateSlot(slot, seq, (s) => ({ ...s, prediction })),
    playgroundLatency: (slot, seq, latency) => updateSlot(slot, seq, (s) => ({ ...s, latency })),
    closePlaygroundSlot: (slot) => update((p) => ({ ...p, slots: { ...p.slots, [slot]: null } })),
    setFormValue: (column, value) => update((p) => ({ ...p, form: { ...p.form, [column]: value } })),
    setTensorDraft: (input, draft) => update((p) => ({ ...p, tensors: { ...p.tensors, [input]: draft } })),
    resetTensorDrafts: () => update((p) => withInputsOf({ ...p, tensors: {} })),
    setLatencyRuns: (runs) =>
      update((p) => ({ ...p, latencyRuns: Number.isFinite(runs) ? Math.min(10_000, Math.max(1, Math.round(runs))) : p.latencyRuns })),
    setBatchPaths: ({ input, out }) =>
      update((p) => ({ ...p, ...(input !== undefined ? { batchInput: input } : {}), ...(out !== undefined ? { batchOut: out } : {}) })),
    batchStarted: ({ job, slot, input, out }) =>
      update((p) => ({
        ...p,
        batch: { job, slot, input, out, status: 'running', rows: 0, totalRows: 0, progress: 0, ms: null, error: null, details: [] },
      })),
    batchCancelling: (job) =>
      update((p) => (p.batch?.job === job && p.batch.status === 'running' ? { ...p, batch: { ...p.batch, status: 'cancelling' } } : p)),
    batchFinished: (job, outcome) =>
      update((p) => {
        if (p.batch?.job !== job) return p;
        const batch: BatchJob = outcome.ok
          ? { ...p.batch, status: 'succeeded', rows: outcome.rows, totalRows: outcome.rows, progress: 1, out: outcome.out, ms: outcome.ms }
          : {
              ...p.batch,
              status: outcome.cancelled ? 'cancelled' : 'failed',
              error: outcome.cancelled ? null : outcome.message,
              details: outcome.details ?? [],
            };
        return { ...p, batch };
      }),
    applyPlaygroundEvent(event) {
      if (event.event !== 'playground.progress') return;
      const { batch } = get().playground;
      // Progress of another window's job, or one that already ended, is not ours to show.
      if (!batch || batch.job !== event.run || (batch.status !== 'running' && batch.status !== 'cancelling')) return;
      update((p) => ({
        ...p,
        batch: p.batch ? { ...p.batch, rows: event.rows, totalRows: event.totalRows, progress: event.progress } : p.batch,
      }));
    },
  };
}

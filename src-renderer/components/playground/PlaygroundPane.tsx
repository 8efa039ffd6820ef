import { useShallow } from 'zustand/react/shallow';
import { useEffect, useMemo, type KeyboardEvent } from 'react';
import { registrySource } from '../../app/playground-controller.js';
import { useActions, useApp, useCommandEnabled, useCommands, usePlayground } from '../../app/context.js';
import { modelInputs } from '../../playground/form.js';
import { loadedSignature, SLOT_IDS, type ModelSlot, type SlotId } from '../../state/playground-slice.js';
import { BundledModelPicker } from '../review/BundledModelPicker.js';
import { BatchPanel } from './BatchPanel.js';
import { ResultCard } from './ResultCard.js';
import { RowForm } from './RowForm.js';
import { SignatureView } from './SignatureView.js';
import { TensorEditor } from './TensorEditor.js';

const SLOT_NAMES: Record<SlotId, string> = { a: 'Model', b: 'Compare with' };

/**
 * The playground: pick a model (and optionally a second to compare), read its signature, fill
 * its form or tensors, predict (Ctrl/Cmd+Enter here), measure latency, predict a CSV file.
 */
export function PlaygroundPane() {
  const commands = useCommands();
  const playground = usePlayground();
  const slots = useApp(useShallow((s) => s.playground.slots));
  const registryKnown = useApp((s) => s.playground.registry !== null);
  const anyModel = slots.a !== null || slots.b !== null;

  useEffect(() => {
    if (!registryKnown) void playground.loadModels();
  }, [registryKnown, playground]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    // Inside the pane Ctrl/Cmd+Enter predicts; the window's handler (which would run the
    // pipeline) skips events already handled.
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      void commands.dispatch('playground.predict');
    }
  };

  return (
    <div className="playground" data-testid="playground" onKeyDown={onKeyDown}>
      <h2 className="panel-title">Playground</h2>
      <div className="slot-row">
        <SlotPicker id="a" slot={slots.a} />
        {slots.a !== null && <SlotPicker id="b" slot={slots.b} />}
      </div>
      {!anyModel && (
        <p className="hint" data-testid="playground-empty">
          Open a model exported by Plumb (deploy.onnx) or any .onnx file to see its inputs and outputs, try it on a row you type, and
          predict a CSV file.
        </p>
      )}
      {anyModel && <SignatureSection slots={slots} />}
      {anyModel && <InputsSection />}
      {anyModel && <ActionsSection slots={slots} />}
      {slots.a && (
        <section className="pg-section">
          <h3>Batch prediction</h3>
          <BatchPanel />
        </section>
      )}
    </div>
  );
}

function SlotPicker({ id, slot }: { id: SlotId; slot: ModelSlot | null }) {
  const playground = usePlayground();
  const { closePlaygroundSlot } = useActions();
  return (
    <div className="slot-picker" data-testid={`slot-${id}`}>
      <div className="slot-name">{SLOT_NAMES[id]}</div>
      {slot ? (
        <div className="slot-current">
          <span className="slot-title" data-testid={`slot-title-${id}`} title={'path' in slot.source ? slot.source.path : slot.title}>
            {slot.title}
          </span>
          {slot.signature.state === 'loading' && <span className="hint">opening…</span>}
        </div>
      ) : (
        <p className="hint">{id === 'a' ? 'No model yet.' : 'Add a second model to see both answers to the same input.'}</p>
      )}
      <BundledModelPicker id={id} />
      <RegistryPicker id={id} />
      <div className="button-row">
        <button type="button" className="button" data-testid={`open-onnx-${id}`} onClick={() => void playground.openFile(id)}>
          Open .onnx file…
        </button>
        {slot && id === 'b' && (
          <button type="button" className="button" data-testid="close-slot-b" onClick={() => closePlaygroundSlot('b')}>
            Remove
          </button>
        )}
      </div>
      {slot?.signature.state === 'error' && (
        <div className="inline-error" role="alert" data-testid={`open-error-${id}`}>
          <p>{slot.signature.message}</p>
          {slot.signature.details.map((d, i) => (
            <p key={i} className="hint">
              {d}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}

const versionKey = (name: string, version: number): string => `${name}\u0000${version}`;

/** Registered model versions, newest first, with their stage; choosing one opens it in the slot. */
function RegistryPicker({ id }: { id: SlotId }) {
  const playground = usePlayground();
  const registry = useApp((s) => s.playground.registry);
  const source = useApp((s) => s.playground.slots[id]?.source);
  const current = source && 'model' in source ? source.model : null;
  if (!registry || registry.state === 'loading') return <p className="hint">Reading the model registry…</p>;
  if (registry.state === 'error') {
    return (
      <p className="field-error" role="alert">
        The model registry cannot be read: {registry.message}{' '}
        <button type="button" className="button" onClick={() => void playground.loadModels()}>
          Retry
        </button>
      </p>
    );
  }
  const versions = registry.data.flatMap((m) =>
    [...m.versions].filter((v) => v.onnxHash !== null).sort((x, y) => y.version - x.version).map((v) => ({ name: m.name, ...v })),
  );
  const selected = versions.find((v) => current === `${v.name}:${v.version}`);
  return (
    <div className="field registry-picker">
      <label className="field-label" htmlFor={`pg-registry-${id}`}>
        Registered model
      </label>
      <div className="button-row">
        <select
          id={`pg-registry-${id}`}
          data-testid={`registry-select-${id}`}
          value={selected ? versionKey(selected.name, selected.version) : ''}
          onChange={(e) => {
            const v = versions.find((x) => versionKey(x.name, x.version) === e.target.value);
            if (v) void playground.chooseModel(id, registrySource(v.name, v.version), `${v.name} v${v.version}${v.stage === 'none' ? '' : ` (${v.stage})`}`);
          }}
        >
          <option value="" disabled>
            {versions.length ? 'Choose a version…' : 'No model registered yet (deploy.onnx registers one)'}
          </option>
          {versions.map((v) => (
            <option key={versionKey(v.name, v.version)} value={versionKey(v.name, v.version)}>
              {v.name} v{v.version} · {v.stage}
            </option>
          ))}
        </select>
        <button type="button" className="button" title="Read the registry again" data-testid={`registry-refresh-${id}`} onClick={() => void playground.loadModels()}>
          ↻
        </button>
      </div>
    </div>
  );
}

function SignatureSection({ slots }: { slots: Readonly<Record<SlotId, ModelSlot | null>> }) {
  const shown = SLOT_IDS.filter((id) => loadedSignature(slots[id]) !== null);
  if (shown.length === 0) return null;
  return (
    <section className="pg-section">
      <h3>Signature</h3>
      <div className={shown.length > 1 ? 'side-by-side' : undefined}>
        {shown.map((id) => (
          <details key={id} open={shown.length === 1} className="signature-block">
            <summary>{slots[id]!.title}</summary>
            <SignatureView signature={loadedSignature(slots[id])!} slot={id} />
          </details>
        ))}
      </div>
    </section>
  );
}

function InputsSection() {
  const a = useApp((s) => loadedSignature(s.playground.slots.a));
  const b = useApp((s) => loadedSignature(s.playground.slots.b));
  const { columns, tensors } = useMemo(() => modelInputs([a, b]), [a, b]);
  const form = useApp((s) => s.playground.form);
  const drafts = useApp((s) => s.playground.tensors);
  const { setFormValue, setTensorDraft } = useActions();
  if (columns.length === 0 && tensors.length === 0) return null;
  return (
    <section className="pg-section">
      <h3>Input</h3>
      {columns.length > 0 && <RowForm columns={columns} values={form} onChange={setFormValue} />}
      {tensors.length > 0 && <TensorEditor inputs={tensors} drafts={drafts} onChange={setTensorDraft} />}
    </section>
  );
}

function ActionsSection({ slots }: { slots: Readonly<Record<SlotId, ModelSlot | null>> }) {
  const commands = useCommands();
  const canPredict = useCommandEnabled('playground.predict');
  const runs = useApp((s) => s.playground.latencyRuns);
  const { setLatencyRuns } = useActions();
  const shown = SLOT_IDS.filter((id) => loadedSignature(slots[id]) !== null);
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  return (
    <section className="pg-section">
      <div className="button-row">
        <button
          type="button"
          className="button primary"
          data-testid="predict"
          disabled={!canPredict}
          title={`Predict (${isMac ? '⌘' : 'Ctrl+'}Enter)`}
          onClick={() => void commands.dispatch('playground.predict')}
        >
          Predict
        </button>
        <span className="toolbar-gap" />
        <label className="latency-runs">
          <input
            type="number"
            min={1}
            max={10000}
            data-testid="latency-runs"
            aria-label="Runs for the latency measurement"
            value={runs}
            onChange={(e) => setLatencyRuns(Number(e.target.value))}
          />
          runs
        </label>
        <button type="button" className="button" data-testid="measure-latency" disabled={!canPredict} onClick={() => void commands.dispatch('playground.latency')}>
          Measure latency
        </button>
      </div>
      {shown.length > 0 && (
        <div className={shown.length > 1 ? 'side-by-side' : undefined} data-testid="results">
          {shown.map((id) => (
            <ResultCard key={id} id={id} slot={slots[id]!} />
          ))}
        </div>
      )}
    </section>
  );
}

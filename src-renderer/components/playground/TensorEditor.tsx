import { useState } from 'react';
import type { OnnxValueInfo } from '../../../src-shared/api/contract.js';
import { convertDraft, isMatrix, parseTensorDraft, zerosDraft, type TensorDraft, type TensorFormat } from '../../playground/tensor-editor.js';

interface Props {
  readonly inputs: readonly OnnxValueInfo[];
  readonly drafts: Readonly<Record<string, TensorDraft>>;
  readonly onChange: (input: string, draft: TensorDraft) => void;
}

/** The tensor editor of a foreign model: one text box per input, JSON or (for matrices) CSV. */
export function TensorEditor({ inputs, drafts, onChange }: Props) {
  return (
    <div className="tensor-editor" data-testid="tensor-editor">
      {inputs.map((input) =>
        input.kind === 'tensor' ? (
          <TensorField key={input.name} input={input} draft={drafts[input.name] ?? zerosDraft(input)} onChange={(d) => onChange(input.name, d)} />
        ) : (
          <p key={input.name} className="hint">
            <code>{input.name}</code> is a {input.kind} input, which the editor cannot write.
          </p>
        ),
      )}
    </div>
  );
}

function TensorField({ input, draft, onChange }: { input: OnnxValueInfo; draft: TensorDraft; onChange: (d: TensorDraft) => void }) {
  const [switchError, setSwitchError] = useState<string | null>(null);
  const parsed = parseTensorDraft(draft, input);
  const id = `pg-tensor-${input.name}`;
  const shape = input.shape === null ? 'any shape' : `[${input.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

  const switchTo = (format: TensorFormat): void => {
    const { draft: next, error } = convertDraft(draft, input, format);
    setSwitchError(error ?? null);
    if (!error) onChange(next);
  };

  return (
    <div className={`field tensor-field${parsed.ok ? '' : ' invalid'}`} data-testid={`pg-tensor-${input.name}`}>
      <div className="tensor-field-head">
        <label className="field-label" htmlFor={id}>
          {input.name}
          <span className="pg-field-type">
            {input.elementType ?? '?'} {shape}
            {input.optional ? ', optional' : ''}
          </span>
        </label>
        <div className="segmented" role="group" aria-label={`${input.name} format`}>
          <button type="button" className={draft.format === 'json' ? 'seg active' : 'seg'} onClick={() => switchTo('json')}>
            JSON
          </button>
          {isMatrix(input) && (
            <button
              type="button"
              className={draft.format === 'csv' ? 'seg active' : 'seg'}
              data-testid={`pg-tensor-csv-${input.name}`}
              onClick={() => switchTo('csv')}
            >
              CSV
            </button>
          )}
          <button type="button" className="seg" title="Zeros of the input's shape" onClick={() => onChange(zerosDraft(input, draft.format))}>
            Zeros
          </button>
        </div>
      </div>
      <textarea
        id={id}
        className="tensor-text"
        spellCheck={false}
        rows={Math.min(10, Math.max(2, draft.text.split('\n').length))}
        value={draft.text}
        onChange={(e) => onChange({ ...draft, text: e.target.value })}
      />
      <p className="field-help">
        {draft.format === 'csv' ? 'One row per line, values separated by commas, no header.' : 'Nested arrays, or {"dims": [...], "data": [...]}.'}
      </p>
      {!parsed.ok && (
        <p className="field-error" role="alert">
          {parsed.error}
        </p>
      )}
      {switchError && parsed.ok && (
        <p className="field-error" role="alert">
          {switchError}
        </p>
      )}
    </div>
  );
}
